//! The only module folder that touches git2: the repository behind a store,
//! seen through the few domain operations chg needs. `types` holds the plain
//! values the rest of chg receives, `walk` the one walk over history,
//! `write` chg's own commits, `sign` signature checks.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use git2::{Oid, Repository, RepositoryState};

use crate::person::Person;

mod links;
mod raw_tree;
mod sign;
mod tags;
mod types;
mod walk;
mod write;

pub use sign::AllowedSigners;
pub use tags::{SignatureInfo, Tag};
pub use types::{Actor, Commit, FileChange, ObjectId, WalkStats};
pub use walk::WalkScope;

/// A git repository with a work tree.
pub struct Repo {
    inner: Repository,
    workdir: PathBuf,
    /// Long walks of the history show their progress on stderr (set from
    /// the command's context: a terminal, and no `--quiet`).
    progress: bool,
}

impl Repo {
    /// Finds the repository that holds `start`, like git does (upwards).
    pub fn discover(start: &Path) -> Result<Repo> {
        let inner = Repository::discover(start).map_err(|e| {
            anyhow!(
                "{} is not inside a git work tree ({})\n  hint: run `git init` first, or pass `--store DIR` inside a git work tree",
                start.display(),
                e.message()
            )
        })?;
        let workdir = match inner.workdir() {
            Some(dir) => dir.to_path_buf(),
            None => bail!(
                "{} is a bare repository, which has no work tree for `changes/`\n  hint: run chg in a clone with a work tree (`git clone {} work`)",
                inner.path().display(),
                inner.path().display()
            ),
        };
        Ok(Repo {
            inner,
            workdir,
            progress: false,
        })
    }

    /// Shows the progress of long walks of the history, or not.
    pub fn show_progress(&mut self, on: bool) {
        self.progress = on;
    }

    /// Returns true when long walks of the history show their progress.
    pub fn shows_progress(&self) -> bool {
        self.progress
    }

    /// Returns the repository's own folder (`.git`, or a linked worktree's folder in it).
    pub fn git_dir(&self) -> &Path {
        self.inner.path()
    }

    /// Returns the root of the work tree.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// Returns the acting person: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, else
    /// `user.name`/`user.email`; acting at `GIT_AUTHOR_DATE`, else at `now`
    /// (the run's time, so its commit and the times it writes agree).
    pub fn actor(&self, now: DateTime<Utc>) -> Result<Actor> {
        let config = self.inner.config().context("cannot read git's configuration")?;
        let from_env = |var: &str| std::env::var(var).ok().filter(|v| !v.trim().is_empty());
        let name = from_env("GIT_AUTHOR_NAME").or_else(|| config.get_string("user.name").ok());
        let email = from_env("GIT_AUTHOR_EMAIL").or_else(|| config.get_string("user.email").ok());
        let (Some(name), Some(email)) = (name, email) else {
            bail!(
                "git does not know who you are (user.name and user.email are not set)\n  hint: run `git config user.name \"Your Name\"` and `git config user.email you@example.com`"
            );
        };
        let person = Person::parse(&format!("{name} <{email}>")).map_err(|e| {
            anyhow!("your git identity is not usable: {e}\n  hint: fix `git config user.name` and `user.email`")
        })?;
        let when = match from_env("GIT_AUTHOR_DATE") {
            Some(text) => parse_git_date(&text)
                .ok_or_else(|| anyhow!("GIT_AUTHOR_DATE `{text}` is not a date git understands\n  hint: use `@<unix seconds> +0000` or RFC 3339"))?,
            None => now.fixed_offset(),
        };
        Ok(Actor { person, when })
    }

    /// Refuses to commit in the middle of a merge, rebase or other operation.
    pub fn ensure_clean_state(&self) -> Result<()> {
        // A lock git (or a killed chg) left behind would fail the commit after the file is written.
        let mut locks = vec![
            self.inner.path().join("index.lock"),
            self.inner.path().join("HEAD.lock"),
        ];
        if let Ok(head) = self.inner.find_reference("HEAD") {
            if let Some(target) = head.symbolic_target() {
                locks.push(self.inner.commondir().join(format!("{target}.lock")));
            }
        }
        if let Some(lock) = locks.into_iter().find(|l| l.exists()) {
            bail!(
                "git's lock file {} exists: another git process is running, or one was killed and left it\n  hint: if no git is running, delete it (`rm {}`) and run chg again",
                lock.display(),
                lock.display()
            );
        }
        let state = self.inner.state();
        if state == RepositoryState::Clean {
            return Ok(());
        }
        let what = format!("{state:?}").to_lowercase();
        bail!(
            "the repository is in the middle of a {what}; chg will not commit now\n  hint: finish it (`git {} --continue`) or abort it, then run chg again; or pass `--no-commit`",
            if what.contains("rebase") { "rebase" } else if what.contains("cherry") { "cherry-pick" } else { "merge" }
        )
    }

    /// Returns the names of the files in `dir` (relative to the work tree) on
    /// every local and remote-tracking branch and at HEAD.
    pub fn file_names_on_branches(&self, dir: &str) -> Result<Vec<String>> {
        let mut names = Vec::new();
        let mut seen_trees = std::collections::HashSet::new();
        let mut tips: Vec<Oid> = Vec::new();
        if let Ok(head) = self.inner.head() {
            if let Some(id) = head.target() {
                tips.push(id);
            }
        }
        for reference in self.inner.references().context("cannot list git references")? {
            let reference = reference?;
            let name = reference.name().unwrap_or("");
            if !(name.starts_with("refs/heads/") || name.starts_with("refs/remotes/")) {
                continue;
            }
            if let Some(id) = reference.resolve().ok().and_then(|r| r.target()) {
                tips.push(id);
            }
        }
        for tip in tips {
            let Ok(commit) = self.inner.find_commit(tip) else {
                continue;
            };
            let tree = commit.tree()?;
            let Ok(entry) = tree.get_path(Path::new(dir)) else {
                continue;
            };
            if !seen_trees.insert(entry.id()) {
                continue;
            }
            let Ok(subtree) = self.inner.find_tree(entry.id()) else {
                continue;
            };
            names.extend(subtree.iter().filter_map(|e| e.name().map(str::to_string)));
        }
        Ok(names)
    }
}

/// Parses the date forms git accepts in `GIT_AUTHOR_DATE`: `@<seconds> [+zzzz]`, RFC 3339, RFC 2822.
pub fn parse_git_date(text: &str) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('@') {
        let mut parts = rest.split_whitespace();
        let secs: i64 = parts.next()?.parse().ok()?;
        let offset = match parts.next() {
            Some(z) => parse_offset(z)?,
            None => FixedOffset::east_opt(0)?,
        };
        return offset.timestamp_opt(secs, 0).single();
    }
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_rfc2822(text))
        .ok()
        .or_else(|| {
            // `2026-11-18 02:05:00 +0000`, as `git log --date=iso` prints.
            DateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S %z").ok()
        })
}

fn parse_offset(z: &str) -> Option<FixedOffset> {
    let sign = if z.starts_with('-') { -1 } else { 1 };
    let digits = z.trim_start_matches(['+', '-']);
    if digits.len() != 4 {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

impl Repo {
    /// Resolves a revision (`HEAD`, a branch, a tag, a commit id) to a commit.
    pub fn resolve(&self, rev: &str) -> Result<ObjectId> {
        let object = self.inner.revparse_single(rev).map_err(|e| {
            anyhow!(
                "`{rev}` is not a revision of this repository ({})\n  hint: give a commit id, branch or tag that `git rev-parse {rev}` knows; a remote branch may need `git fetch origin` first",
                e.message()
            )
        })?;
        let commit = object
            .peel_to_commit()
            .map_err(|e| anyhow!("`{rev}` does not name a commit ({})", e.message()))?;
        Ok(ObjectId(commit.id()))
    }

    /// Returns the commit at HEAD, or `None` on a branch with no commits yet.
    pub fn head_commit(&self) -> Result<Option<ObjectId>> {
        match self.inner.head() {
            Ok(head) => Ok(Some(ObjectId(
                head.peel_to_commit().context("cannot read the commit at HEAD")?.id(),
            ))),
            Err(e) if e.code() == git2::ErrorCode::UnbornBranch => Ok(None),
            Err(e) => Err(e).context("cannot read HEAD"),
        }
    }

    /// Returns true when `ancestor` is `commit` or one of its ancestors.
    pub fn is_ancestor(&self, ancestor: ObjectId, commit: ObjectId) -> Result<bool> {
        if ancestor == commit {
            return Ok(true);
        }
        if self.inner.find_commit(ancestor.0).is_err() {
            return Ok(false);
        }
        Ok(self.inner.graph_descendant_of(commit.0, ancestor.0)?)
    }

    /// Turns libgit2's per-object hash check on or off for this process.
    ///
    /// Off, reading the history of a large store is about five times faster
    /// (measured: 70 s → 14 s for 100,000 commits); integrity is then the job
    /// of `git fsck`, run in CI.
    pub fn verify_object_hashes(enabled: bool) {
        git2::opts::strict_hash_verification(enabled);
    }

    /// Caps how much of the pack files libgit2 keeps mapped.
    ///
    /// libgit2 maps packs in 1 GiB windows and keeps up to 8 GiB mapped on a
    /// 64-bit system, so a history walk kept every page of the pack it read
    /// resident: 211 MB of the 333 MB peak of `chg metrics` on a 241 MB pack.
    /// 32 MiB windows, at most 96 MiB mapped, keep the peak flat whatever the
    /// size of the repository.
    #[allow(unsafe_code)]
    pub fn limit_pack_memory() {
        // SAFETY: these are libgit2 globals without a lock. `main` calls this
        // once, first, before chg or libgit2 has started any thread.
        unsafe {
            let _ = git2::opts::set_mwindow_size(32 << 20);
            let _ = git2::opts::set_mwindow_mapped_limit(96 << 20);
        }
    }

    /// Turns libgit2's object cache on or off for this process.
    ///
    /// A history walk reads each object once, so the cache only holds memory:
    /// off, the peak of `chg metrics` on 100,000 commits drops from about
    /// 510 MB to the size of the pack windows git itself maps.
    pub fn cache_objects(enabled: bool) {
        git2::opts::enable_caching(enabled);
    }

    /// Reads a blob as UTF-8 text.
    pub fn blob_text(&self, id: ObjectId) -> Result<String> {
        let blob = self
            .inner
            .find_blob(id.0)
            .with_context(|| format!("cannot read blob {id}"))?;
        String::from_utf8(blob.content().to_vec()).map_err(|_| anyhow!("blob {id} is not UTF-8 text"))
    }

    /// Returns the blob id of `path` in the tree of `commit`, if the file is there.
    pub fn blob_id_at(&self, commit: ObjectId, path: &str) -> Result<Option<ObjectId>> {
        let commit = self
            .inner
            .find_commit(commit.0)
            .with_context(|| format!("cannot read commit {commit}"))?;
        let tree = commit.tree()?;
        Ok(match tree.get_path(Path::new(path)) {
            Ok(e) if e.kind() == Some(git2::ObjectType::Blob) => Some(ObjectId(e.id())),
            _ => None,
        })
    }

    /// Returns the content of `path` at a commit, or `None` when no file is there.
    pub fn blob_at(&self, commit: ObjectId, path: &str) -> Result<Option<Vec<u8>>> {
        let Some(id) = self.blob_id_at(commit, path)? else {
            return Ok(None);
        };
        let blob = self
            .inner
            .find_blob(id.0)
            .with_context(|| format!("cannot read blob {id}"))?;
        Ok(Some(blob.content().to_vec()))
    }

    /// Reads a blob's bytes, or `None` when the object is not a blob.
    pub fn blob_bytes(&self, id: ObjectId) -> Result<Option<Vec<u8>>> {
        match self.inner.find_blob(id.0) {
            Ok(blob) => Ok(Some(blob.content().to_vec())),
            Err(e) if e.code() == git2::ErrorCode::NotFound => Ok(None),
            Err(e) => Err(anyhow!("cannot read blob {id}: {}", e.message())),
        }
    }

    /// Returns who made a commit and when.
    pub fn commit_info(&self, id: ObjectId) -> Result<Commit> {
        let commit = self
            .inner
            .find_commit(id.0)
            .with_context(|| format!("cannot read commit {id}"))?;
        Ok(walk::commit_of(&commit))
    }

    /// Returns true when the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.inner.is_shallow()
    }

    /// Returns the best common ancestor of two commits.
    pub fn merge_base(&self, a: ObjectId, b: ObjectId) -> Result<ObjectId> {
        self.inner.merge_base(a.0, b.0).map(ObjectId).map_err(|e| {
            let hint = if self.is_shallow() {
                "the clone is shallow; fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
            } else {
                "the two revisions share no history; compare against the branch this one was made from"
            };
            anyhow!("cannot find a common ancestor of {a} and {b}: {}\n  hint: {hint}", e.message())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_git_dates() {
        let d = parse_git_date("@1763428800 +0100").unwrap();
        assert_eq!(d.timestamp(), 1_763_428_800);
        assert_eq!(d.offset().local_minus_utc(), 3600);
        assert!(parse_git_date("2026-11-18T02:05:00Z").is_some());
        assert!(parse_git_date("yesterday-ish").is_none());
    }
}
