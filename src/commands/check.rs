//! `chg check`: validate the store (or some files) and print findings.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cli::{CheckArgs, Format};
use crate::context::App;
use crate::document;
use crate::error::FileError;
use crate::finding::{Finding, Severity};
use crate::render::{PushFmt as _, View};
use crate::rule::Rule;
use crate::rules;
use crate::store::Store;

/// Rules whose findings mean a file could not be read at all (exit 2).
const FATAL_RULES: &[Rule] = &[
    Rule::YamlSyntax,
    Rule::MergeConflict,
    Rule::Symlink,
    Rule::InvisibleCharacter,
];

/// Checks, prints findings, and returns 0, 1 (an error found) or 2 (a file unusable).
pub fn run(args: &CheckArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    // A PATH that is no file of the store is refused before anything is read.
    let selected = selection(&store, &args.paths)?;
    let mut findings = Vec::new();
    let policy = match store.policy() {
        Ok(p) => p,
        Err(e) => match e.downcast::<FileError>() {
            Ok(fe) => {
                findings.push(from_file_error(&fe));
                crate::policy::Policy::default()
            }
            Err(e) => return Err(e),
        },
    };
    findings.extend(policy_warnings(&store, &policy));
    let templates = load_templates(&store, &mut findings);
    let started = std::time::Instant::now();
    let (records, errors) = store.load_all()?;
    app.verbose(|| {
        format!(
            "read {} records in {:.1?}",
            records.len() + errors.len(),
            started.elapsed()
        )
    });
    findings.extend(errors.iter().map(from_file_error));
    // The gate first: the deadline rules judge the times the branch wrote by
    // when history received them.
    let branch = match &args.base {
        Some(base) => Some(crate::gate::check_branch_times(&store, base)?),
        None => None,
    };
    let no_times = crate::gate::Times::new();
    let (logs, log_errors) = store.load_logs();
    findings.extend(log_errors.iter().map(from_file_error));
    findings.extend(rules::rehearsals::check_logs(&logs));
    let rehearsals = crate::store::gather(&logs);
    let ctx = rules::Context {
        policy: &policy,
        templates: &templates,
        now: app.now,
        times: branch.as_ref().map_or(&no_times, |b| &b.times),
        rehearsals: &rehearsals,
    };
    findings.extend(rules::check(&records, &ctx));
    // A link anywhere in the store is an error of its own, reported once,
    // whether or not chg would read the file (a template, a schema).
    let links = store.link_errors();
    findings.extend(
        store
            .stray_files()?
            .iter()
            .map(|path| stray(&store, path))
            .filter(|f| !links.iter().any(|l| l.file == f.file)),
    );
    for link in &links {
        if !findings.iter().any(|f| f.rule == Rule::Symlink && f.file == link.file) {
            findings.push(from_file_error(link));
        }
    }
    if let Some(branch) = branch {
        settle_history(&mut findings, &branch.touched);
        findings.extend(branch.findings);
    }
    findings.extend(sealed(&store)?);
    if let Some(files) = &selected {
        findings.retain(|f| files.contains(&f.file));
    }
    let checked = selected.as_ref().map_or(
        records.len() + errors.len() + settings_with_findings(&store, &findings),
        |s| s.len(),
    );
    // `-q` prints only errors; with --strict a warning fails, so it is shown.
    let shown: Vec<Finding> = findings
        .iter()
        .filter(|f| !app.quiet || args.strict || f.severity == Severity::Error)
        .cloned()
        .collect();
    let view = View::new()
        .data(&shown)
        .own(Format::Github, |_| {
            Ok(shown.iter().map(crate::github::finding).collect())
        })
        .own(Format::Text, |look| Ok(lines(&shown, look.color)))
        .note(summary(&shown, checked));
    crate::render::print_view(&view, app)?;
    // A file in the work tree that cannot be read is unusable input (2); the
    // same rule found in a branch's commit is a refusal (1).
    let fatal = findings
        .iter()
        .any(|f| FATAL_RULES.contains(&f.rule) && f.commit.is_none());
    // History (a deadline met late, an overrun rollback) fails no `--strict`.
    let errors = findings
        .iter()
        .any(|f| f.severity == Severity::Error || (args.strict && f.severity == Severity::Warning && !f.historical));
    Ok(if fatal {
        2
    } else if errors {
        1
    } else {
        0
    })
}

/// In a pull request, history is the pull request's own only where it
/// touches the record: there history other than a deadline met late (an
/// overrun rollback) counts under `--strict`; elsewhere it stays a warning
/// that fails nothing, so an old late emergency does not turn every later
/// pull request red. A deadline met late fails no pull request, not even the
/// one that records the owed item late (that is how a team brings a record
/// up to date): what it cannot do is hide the lateness, since a time written
/// implausibly long before its commit is judged at the commit, and that is
/// an error of the deadline rule itself.
fn settle_history(findings: &mut [Finding], touched: &BTreeSet<String>) {
    for f in findings
        .iter_mut()
        .filter(|f| f.historical && !f.rule.is_deadline() && touched.contains(&f.file))
    {
        f.historical = false;
    }
}

/// How many of the policy and the templates hold a finding: those files were
/// checked too, and a broken policy alone must not read "checked 0 files".
fn settings_with_findings(store: &Store, findings: &[Finding]) -> usize {
    let policy = store.display(&store.policy_path());
    let templates = format!("{}/", store.display(&store.templates_dir()));
    findings
        .iter()
        .filter(|f| f.commit.is_none() && (f.file == policy || f.file.starts_with(&templates)))
        .map(|f| f.file.as_str())
        .collect::<BTreeSet<_>>()
        .len()
}

/// A sealed period whose records changed after its seal (`chg seal`): an error on the record.
fn sealed(store: &Store) -> Result<Vec<Finding>> {
    Ok(crate::audit::seal::verify(store)?
        .into_iter()
        .map(|b| {
            let file = b.path.clone().unwrap_or_else(|| format!("refs/tags/{}", b.tag));
            let finding = Finding::error(
                &file,
                crate::document::Position::START,
                crate::rule::Rule::SealedRecordChanged,
                b.message,
                format!("the tag {} sealed this period; restore the sealed content (see `git show {}`), or tell the auditor why it changed", b.tag, b.tag),
            );
            match &b.commit {
                Some(c) => finding.in_commit(c),
                None => finding,
            }
        })
        .collect())
}

/// Warnings about the policy's contents that parsing does not give (look-alike emails).
fn policy_warnings(store: &Store, policy: &crate::policy::Policy) -> Vec<Finding> {
    let path = store.policy_path();
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Vec::new();
    };
    let positions = document::Positions::lazy(&text);
    rules::identity::check_policy(&store.display(&path), policy, &positions)
}

fn load_templates(store: &Store, findings: &mut Vec<Finding>) -> BTreeMap<String, crate::template::Template> {
    let mut names = BTreeMap::new();
    let dir = store.templates_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return names;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths.iter().filter(|p| {
        // A linked template is reported as a link (`Store::link_errors`), never read.
        p.file_name()
            .is_some_and(|n| crate::store::is_yaml_name(&n.to_string_lossy()))
            && !std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
    }) {
        let file = store.display(path);
        let parsed = document::read_text(path).and_then(|t| document::parse::<crate::template::Template>(&t));
        match parsed {
            Ok(template) => {
                if let Some(stem) = path.file_stem() {
                    names.insert(stem.to_string_lossy().to_string(), template.value);
                }
            }
            Err(error) => findings.push(from_file_error(&FileError { file, error })),
        }
    }
    names
}

/// Resolves PATH arguments to the set of store-relative files they name.
/// A file named on its own must be one chg reads (the policy, a template,
/// a record): for any other, "0 errors" would claim a check never made.
fn selection(store: &Store, paths: &[PathBuf]) -> Result<Option<BTreeSet<String>>> {
    if paths.is_empty() {
        return Ok(None);
    }
    let cwd = std::env::current_dir()?;
    let known = store.known_files()?;
    let mut files = BTreeSet::new();
    for path in paths {
        let full = cwd.join(path);
        if !full.exists() {
            anyhow::bail!(
                "{} does not exist\n  hint: give files or folders inside the store",
                path.display()
            );
        }
        if full.is_dir() {
            collect(&full, &mut |p| {
                files.insert(store.display(p));
            })?;
            continue;
        }
        let name = store.display(&full);
        if !known.contains(&name) {
            let dir = store.display(store.dir());
            anyhow::bail!(
                "{} is not a record of this store: chg reads only {dir}/policy.yaml, {dir}/templates/*.yaml, {dir}/rehearsals/*.yaml and the records in {dir}/<year>/, so it would check nothing\n  hint: move a record to {dir}/<year>/CHG-<year>-<NNNN>.yaml, or run `chg check` for the whole store",
                path.display()
            );
        }
        files.insert(name);
    }
    Ok(Some(files))
}

/// The finding for a YAML file in the store that chg does not read.
fn stray(store: &Store, path: &Path) -> Finding {
    let dir = store.display(store.dir());
    Finding::error(
        &store.display(path),
        crate::document::Position::START,
        Rule::StrayFile,
        "this file is not the policy, a template, a rehearsal log or a record, so chg does not read it; nothing in it is checked".to_string(),
        format!("a record belongs in {dir}/<year>/CHG-<year>-<NNNN>.yaml and a template in {dir}/templates/; move the file there, or out of {dir}/"),
    )
}

fn collect(dir: &Path, add: &mut dyn FnMut(&Path)) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, add)?;
        } else {
            add(&path);
        }
    }
    Ok(())
}

/// Turns a file that could not be parsed into a finding.
pub fn from_file_error(fe: &FileError) -> Finding {
    Finding::error(
        &fe.file,
        fe.error.position,
        fe.error.rule,
        fe.error.message.clone(),
        fe.error.hint.clone(),
    )
}

/// The findings for a reader, one line each with its hint under it.
fn lines(findings: &[Finding], color: bool) -> String {
    let mut out = String::new();
    for f in findings {
        let severity = match (f.severity, color) {
            (Severity::Error, true) => "\x1b[1;31merror\x1b[0m".to_string(),
            (Severity::Warning, true) => "\x1b[1;33mwarning\x1b[0m".to_string(),
            (s, false) => s.to_string(),
        };
        let commit = f
            .commit
            .as_deref()
            .map(|c| format!(" (commit {})", &c[..c.len().min(12)]))
            .unwrap_or_default();
        let safe = crate::render::safe;
        out.push_fmt(format_args!(
            "{}:{}:{}: {severity}[{}]: {}{commit}\n",
            safe(&f.file),
            f.line,
            f.column,
            f.rule,
            safe(&f.message)
        ));
        if !f.hint.is_empty() {
            out.push_fmt(format_args!("  hint: {}\n", safe(&f.hint)));
        }
    }
    out
}

/// What was checked and found, on stderr after the findings.
fn summary(findings: &[Finding], checked: usize) -> String {
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    format!(
        "checked {checked} file{}: {errors} error{}, {warnings} warning{}",
        if checked == 1 { "" } else { "s" },
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    )
}
