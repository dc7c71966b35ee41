//! The application repositories chg reads for `untracked` and `log`: the
//! paths given with `--repo` (or the store's own), and their commits with
//! the change ids their trailers name.

use std::path::PathBuf;

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};

use crate::git::Repo;
use crate::rules::linking::{self, CodeCommit};
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
