//! `chg audit`: the auditor's evidence folder for a period, and `--verify`.
//! Thin: it parses the request, gathers the commits outside the store
//! (`code_repos`, `history::log`) and hands the rest to `crate::audit`.

use std::collections::BTreeMap;

use anyhow::{anyhow, bail, Result};

use crate::audit::{self, Gathered, Request};
use crate::cli::AuditArgs;
use crate::context::App;
use crate::rules::linking::CodeCommit;

/// Writes the folder (exit 0), or verifies one (exit 1 when anything differs).
pub fn run(args: &AuditArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    if let Some(dir) = &args.verify {
        return verify(&store, dir, app.quiet);
    }
    let Some(output) = &args.output else {
        bail!("where to write the folder?\n  hint: give `--output DIR`");
    };
    let period = audit::period(
        args.period.as_deref(),
        args.range.from.as_deref(),
        args.range.to.as_deref(),
    )?;
    let sample = match args.sample.trim() {
        "all" => None,
        n => Some(n.parse::<usize>().map_err(|_| {
            anyhow!("`--sample {n}` is not a number\n  hint: give how many changes to sample, e.g. `--sample 25`, or `--sample all`")
        })?),
    };
    // Refused before any work: evidence is never written over.
    audit::folder::check_target(output)?;
    let tip = audit::commit_at_end(&store, &period)?;
    let policy = audit::evidence::policy_at(store.repo(), &store.prefix(), tip)?;
    let untracked = if policy.production_paths.is_empty() {
        None
    } else {
        let found = crate::code_repos::untracked(
            &store,
            &policy.production_paths,
            &policy.change_trailer,
            period.from,
            &args.repos,
            "HEAD",
            app.now,
        )?;
        Some(found.into_iter().filter(|u| u.commit.time < period.to).collect())
    };
    let prefix = store.prefix();
    let linked = linked_commits(&store, &args.repos, &policy.change_trailer)?;
    let request = Request {
        period,
        sample,
        seed: args.seed,
        strata: !args.no_strata,
        now: app.now,
    };
    let repo = store.repo();
    let logs = |sampled: &[(&str, &str)]| -> Result<BTreeMap<String, (String, String)>> {
        let paths: Vec<&str> = sampled.iter().map(|(_, path)| *path).collect();
        let (mut trails, incomplete) = crate::history::record_logs(repo, &prefix, tip, &paths)?;
        let mut out = BTreeMap::new();
        for (id, path) in sampled {
            let entries = trails.remove(*path).unwrap_or_default();
            let text = crate::history::render_trail(id, &entries);
            let json = serde_json::json!({
                "id": id,
                "path": path,
                "as_of": tip.to_string(),
                "incomplete": incomplete,
                "commits": entries,
            });
            out.insert(
                (*id).to_string(),
                (text, format!("{}\n", serde_json::to_string_pretty(&json)?)),
            );
        }
        Ok(out)
    };
    let built = audit::build(&store, &request, tip, Gathered { untracked, linked }, &logs)?;
    audit::folder::write(output, &built.files)?;
    let exceptions = built.population.changes.iter().filter(|r| r.is_exception()).count();
    let untracked = built.population.untracked.as_ref().map_or(0, Vec::len);
    if !app.quiet {
        println!(
            "{}: {} changes in {}, {} with an exception, {} untracked commits, {} unverifiable items; {} sampled; {} files, manifest.sha256 over all of them (store commit {})",
            output.display(),
            built.population.changes.len(),
            period.label(),
            exceptions,
            untracked,
            built.population.unverifiable.len(),
            built.sample.len(),
            built.files.len() + 1,
            tip.short()
        );
    }
    Ok(0)
}

/// Checks a folder against its manifest and the repository: exit 1 when anything differs.
fn verify(store: &crate::store::Store, dir: &std::path::Path, quiet: bool) -> Result<u8> {
    let problems = audit::verify(store, dir)?;
    if problems.is_empty() {
        if !quiet {
            println!(
                "{}: every file matches its manifest, and the store commit, records and policy match the repository",
                dir.display()
            );
        }
        return Ok(0);
    }
    for p in &problems {
        println!("{}: {}", dir.display(), crate::render::safe(p));
    }
    Ok(1)
}

/// The code commits of this repository (outside the store) and of `--repo`,
/// by the change ids their trailers name.
fn linked_commits(
    store: &crate::store::Store,
    repo_args: &[std::path::PathBuf],
    trailer: &str,
) -> Result<BTreeMap<String, Vec<CodeCommit>>> {
    let prefix = store.prefix();
    let mut linked: BTreeMap<String, Vec<CodeCommit>> = BTreeMap::new();
    let mut repos = vec![(".".to_string(), crate::git::Repo::discover(store.repo().workdir())?)];
    if !repo_args.is_empty() {
        repos.extend(crate::code_repos::repos(store, repo_args)?);
    }
    for (i, (label, repo)) in repos.iter().enumerate() {
        let head = repo.resolve("HEAD")?;
        let all = |_: &str| true;
        let outside_store = |dir: &str| dir != prefix;
        let keep: &dyn Fn(&str) -> bool = if i == 0 { &outside_store } else { &all };
        for c in crate::code_repos::code_commits(repo, label, head, "", keep, None, &all, trailer)? {
            for id in &c.changes {
                linked.entry(id.clone()).or_default().push(c.clone());
            }
        }
    }
    Ok(linked)
}
