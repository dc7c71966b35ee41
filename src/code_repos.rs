//! The application repositories chg reads for `untracked` and `log`: the
//! paths given with `--repo` (or the store's own), and their commits with
//! the change ids their trailers name.

use std::collections::HashMap;
use std::path::PathBuf;

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};

use crate::git::Repo;
use crate::history::History;
use crate::rules::linking::{self, ChangeState, CodeCommit, Glob, Untracked};
use crate::store::Store;

/// The repositories to read, each with the name it is reported under: the
/// paths given, or the store's own repository.
pub fn repos(store: &Store, given: &[PathBuf]) -> Result<Vec<(String, Repo)>> {
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
pub fn code_commits(
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

/// The production commits since `since` on `branch` of each repository
/// (the store's own when none is given) that touch `patterns` without an
/// approved, in-window change, oldest first (`chg untracked`, `chg audit`).
pub fn untracked(
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
        let approved_at = history.files.get(&loaded.file).and_then(|t| {
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
