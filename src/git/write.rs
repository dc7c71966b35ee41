//! chg's own commits.

use std::path::Path;

use anyhow::{anyhow, Context as _, Result};
use chrono::{DateTime, FixedOffset};
use git2::{IndexEntry, IndexTime, Oid, Signature, Time};

use super::{lock_hint, parse_git_date, Actor, Repo};
use crate::person::Person;

impl Repo {
    /// Commits exactly the given files (path relative to the work tree, new
    /// content or `None` to delete) on top of HEAD, leaving anything else the
    /// user has staged alone, and updates the index for those paths.
    pub fn commit_files(&self, files: &[(&Path, Option<&[u8]>)], message: &str, actor: &Actor) -> Result<Oid> {
        self.ensure_clean_state()?;
        let repo = &self.inner;
        let parent = match repo.head() {
            Ok(head) => Some(head.peel_to_commit().context("cannot read the commit at HEAD")?),
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch => None,
            Err(e) => return Err(e).context("cannot read HEAD"),
        };
        let mut tree_index = git2::Index::new()?;
        if let Some(parent) = &parent {
            tree_index.read_tree(&parent.tree()?)?;
        }
        for (path, content) in files {
            let git_path = git_path(path)?;
            match content {
                Some(bytes) => {
                    let id = repo.blob(bytes)?;
                    tree_index.add(&entry(&git_path, id, bytes.len()))?;
                }
                None => {
                    let _ = tree_index.remove_path(Path::new(&git_path));
                }
            }
        }
        let tree_id = tree_index.write_tree_to(repo)?;
        let tree = repo.find_tree(tree_id)?;
        let signature = signature(&actor.person, actor.when)?;
        let committer = self.committer(&actor.person, actor.when)?;
        let parents: Vec<&git2::Commit> = parent.iter().collect();
        let oid = repo
            .commit(Some("HEAD"), &signature, &committer, message, &tree, &parents)
            .map_err(|e| lock_hint(e, "commit"))?;
        // Keep the user's index in step for these paths, so `git status` stays clean.
        let mut index = repo.index()?;
        for (path, content) in files {
            let git_path = git_path(path)?;
            match content {
                Some(bytes) => index.add(&entry(&git_path, repo.blob(bytes)?, bytes.len()))?,
                None => {
                    let _ = index.remove_path(Path::new(&git_path));
                }
            }
        }
        index.write().map_err(|e| lock_hint(e, "update the index"))?;
        Ok(oid)
    }

    fn committer(&self, author: &Person, when: DateTime<FixedOffset>) -> Result<Signature<'static>> {
        let from_env = |var: &str| std::env::var(var).ok().filter(|v| !v.trim().is_empty());
        let name = from_env("GIT_COMMITTER_NAME").unwrap_or_else(|| author.name().to_string());
        let email = from_env("GIT_COMMITTER_EMAIL").unwrap_or_else(|| author.email().to_string());
        let when = from_env("GIT_COMMITTER_DATE")
            .and_then(|t| parse_git_date(&t))
            .unwrap_or(when);
        signature(&Person::new(&name, &email), when)
    }
}

fn git_path(path: &Path) -> Result<String> {
    let text = path
        .to_str()
        .ok_or_else(|| anyhow!("{} is not a UTF-8 path", path.display()))?;
    Ok(text.replace('\\', "/"))
}

fn entry(path: &str, id: Oid, len: usize) -> IndexEntry {
    IndexEntry {
        ctime: IndexTime::new(0, 0),
        mtime: IndexTime::new(0, 0),
        dev: 0,
        ino: 0,
        mode: 0o100644,
        uid: 0,
        gid: 0,
        file_size: len as u32,
        id,
        flags: (path.len().min(0xfff)) as u16,
        flags_extended: 0,
        path: path.as_bytes().to_vec(),
    }
}

fn signature(person: &Person, when: DateTime<FixedOffset>) -> Result<Signature<'static>> {
    let offset_minutes = when.offset().local_minus_utc() / 60;
    Signature::new(
        person.name(),
        person.email(),
        &Time::new(when.timestamp(), offset_minutes),
    )
    .with_context(|| format!("cannot make a git signature for {person}"))
}
