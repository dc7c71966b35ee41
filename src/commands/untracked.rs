//! `chg untracked`: the production commits without an approved, in-window
//! change. The commits come from the history engine's walk of each
//! repository named; the judgement is `rules::linking`'s.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, Utc};

use crate::cli::{Format, UntrackedArgs};
use crate::context::App;
use crate::git::Repo;
use crate::history::History;
use crate::rules::linking::{self, ChangeState, CodeCommit, Glob, Untracked};
use crate::store::Store;

/// Lists the untracked production commits; exit 1 when there is any.
pub fn run(args: &UntrackedArgs, app: &App) -> Result<u8> {
    let format = app.format;
    let since = crate::timearg::parse_date("--since", &args.since)?;
    let since = since.and_time(chrono::NaiveTime::MIN).and_utc();
    let store = app.store()?;
    let policy = store.policy()?;
    let patterns = if args.paths.is_empty() {
        &policy.production_paths
    } else {
        &args.paths
    };
    if patterns.is_empty() {
        bail!(
            "no production paths to look at\n  hint: list them under `production_paths:` in {}/policy.yaml (e.g. [\"src/**\", \"deploy/*.yaml\"]), or give `--paths GLOB…`",
            store.prefix()
        );
    }
    let found = find(
        &store,
        patterns,
        &policy.change_trailer,
        since,
        &args.repos,
        &args.branch,
        app.now,
    )?;
    crate::render::print(&render(&found, format, &policy.change_trailer)?)?;
    Ok(if found.is_empty() { 0 } else { 1 })
}

/// The production commits since `since` on `branch` of each repository
/// (the store's own when none is given) that touch `patterns` without an
/// approved, in-window change, oldest first. `chg audit` lists them too.
pub(super) fn find(
    store: &Store,
    patterns: &[String],
    trailer: &str,
    since: DateTime<Utc>,
    given: &[PathBuf],
    branch: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Untracked>> {
    let globs: Vec<Glob> = patterns.iter().map(|p| Glob::new(p)).collect();
    let states = change_states(store, now)?;
    let mut found: Vec<Untracked> = Vec::new();
    for (label, repo) in repos(store, given)? {
        let tip = repo.resolve(branch)?;
        let wanted = |path: &str| globs.iter().any(|g| g.matches(path));
        let commits = code_commits(
            &repo,
            &label,
            tip,
            &linking::common_folder(&globs),
            &|_: &str| true,
            Some(since),
            &wanted,
            trailer,
        )?;
        found.extend(commits.iter().filter_map(|c| linking::judge(c, &states)));
    }
    found.sort_by(|a, b| {
        (a.commit.time, &a.commit.repo, &a.commit.commit).cmp(&(b.commit.time, &b.commit.repo, &b.commit.commit))
    });
    Ok(found)
}

/// The repositories to read, each with the name it is reported under: the
/// paths given, or the store's own repository.
pub(super) fn repos(store: &Store, given: &[PathBuf]) -> Result<Vec<(String, Repo)>> {
    if given.is_empty() {
        let repo = Repo::discover(store.repo().workdir())?;
        return Ok(vec![(".".into(), repo)]);
    }
    given
        .iter()
        .map(|path| {
            let repo = Repo::discover(path).map_err(|e| {
                anyhow!(
                    "`--repo {}` is not a git repository ({e})\n  hint: give the folder of an application's clone",
                    path.display()
                )
            })?;
            Ok((path.display().to_string(), repo))
        })
        .collect()
}

/// The commits below `folder` that `wanted` accepts, since a time, with the
/// change ids their trailer names, oldest first.
#[allow(clippy::too_many_arguments)]
pub(super) fn code_commits(
    repo: &Repo,
    label: &str,
    tip: crate::git::ObjectId,
    folder: &str,
    keep_dir: &dyn Fn(&str) -> bool,
    since: Option<DateTime<Utc>>,
    wanted: &dyn Fn(&str) -> bool,
    trailer: &str,
) -> Result<Vec<CodeCommit>> {
    let mut out = Vec::new();
    let stats = repo.walk_messages(tip, folder, keep_dir, since, wanted, &mut |commit, message| {
        out.push(CodeCommit {
            repo: label.to_string(),
            commit: commit.id.to_string(),
            time: commit.time,
            author: commit.author.to_string(),
            summary: commit.summary.clone(),
            changes: linking::trailer_values(message, trailer),
        });
        Ok(())
    })?;
    if let Some(why) = stats.incomplete {
        crate::render::eprint(&format!("warning: {label}: {why}"));
    }
    Ok(out)
}

/// What the store says about each change: status, window, and when the
/// repository first held it approved (by commit time, not the record's word).
fn change_states(store: &Store, now: chrono::DateTime<chrono::Utc>) -> Result<HashMap<String, ChangeState>> {
    let repo = store.repo();
    let prefix = store.prefix();
    let history = match repo.head_commit()? {
        Some(head) => History::build(repo, &prefix, head, false)?.0,
        None => History::default(),
    };
    let mut states = HashMap::new();
    for loaded in store.load_all_strict()? {
        let record = loaded.record;
        let (year, _) = crate::id::validate(&record.id).map_err(|m| anyhow!("{m}"))?;
        let path = format!("{prefix}/{year}/{}.yaml", record.id);
        let approved_at = history.files.get(&path).and_then(|t| {
            let f = &t.facts;
            // A standard change is approved on submission, without approval entries.
            [f.first_approval.as_ref(), f.status_first.get("approved")]
                .into_iter()
                .flatten()
                .map(|s| s.at)
                .min()
        });
        states.insert(record.id.clone(), ChangeState::of(&record, approved_at, now));
    }
    Ok(states)
}

fn render(found: &[Untracked], format: Format, trailer: &str) -> Result<String> {
    let headers = [
        "repo", "commit", "time", "author", "summary", "changes", "reason", "message",
    ];
    let row = |u: &Untracked, short: bool| {
        vec![
            u.commit.repo.clone(),
            if short {
                u.commit.commit.chars().take(12).collect()
            } else {
                u.commit.commit.clone()
            },
            u.commit.time.format("%Y-%m-%d %H:%M UTC").to_string(),
            u.commit.author.clone(),
            u.commit.summary.clone(),
            u.commit.changes.join(" "),
            u.reason.to_string(),
            u.message.clone(),
        ]
    };
    Ok(match format {
        Format::Json => format!("{}\n", crate::render::json(found)?),
        Format::Csv => crate::render::csv(&headers, &found.iter().map(|u| row(u, false)).collect::<Vec<_>>()),
        Format::Markdown => {
            crate::render::markdown_table(&headers, &found.iter().map(|u| row(u, true)).collect::<Vec<_>>())
        }
        _ => {
            if found.is_empty() {
                return Ok("every production commit names an approved change and was made in its window\n".into());
            }
            let mut out = format!(
                "{} commit{} reached production without an approved, in-window change (trailer `{trailer}:`):\n",
                found.len(),
                if found.len() == 1 { "" } else { "s" }
            );
            for u in found {
                let c = &u.commit;
                out.push_str(&format!(
                    "\n{}  {}  {}  {}\n  {}\n  {}\n",
                    Path::new(&c.repo).display(),
                    &c.commit[..c.commit.len().min(12)],
                    c.time.format("%Y-%m-%d %H:%M UTC"),
                    c.author,
                    c.summary,
                    u.message
                ));
            }
            out
        }
    })
}
