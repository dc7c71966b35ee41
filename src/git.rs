//! The only module that touches git2: the repository behind a store, seen
//! through the few domain operations chg needs.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};
use chrono::{DateTime, FixedOffset, TimeZone, Utc};
use git2::{IndexEntry, IndexTime, Oid, Repository, RepositoryState, Signature, Time};

use crate::person::Person;

/// A git repository with a work tree.
pub struct Repo {
    inner: Repository,
    workdir: PathBuf,
}

/// Who acts, and when, for one commit.
#[derive(Debug, Clone)]
pub struct Actor {
    pub person: Person,
    pub when: DateTime<FixedOffset>,
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
        Ok(Repo { inner, workdir })
    }

    /// Returns the repository's own folder (`.git`, or a linked worktree's folder in it).
    pub fn git_dir(&self) -> &Path {
        self.inner.path()
    }

    /// Returns the root of the work tree.
    pub fn workdir(&self) -> &Path {
        &self.workdir
    }

    /// Returns the acting person: `GIT_AUTHOR_NAME`/`GIT_AUTHOR_EMAIL`, else `user.name`/`user.email`.
    pub fn actor(&self) -> Result<Actor> {
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
            None => crate::clock::now().fixed_offset(),
        };
        Ok(Actor { person, when })
    }

    /// Refuses to commit in the middle of a merge, rebase or other operation.
    pub fn ensure_clean_state(&self) -> Result<()> {
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

fn lock_hint(e: git2::Error, what: &str) -> anyhow::Error {
    if e.code() == git2::ErrorCode::Locked || e.message().contains(".lock") {
        anyhow!(
            "cannot {what}: {}\n  hint: another git process holds the lock, or one crashed and left it; if no git is running, delete the `.lock` file it names",
            e.message()
        )
    } else {
        anyhow!("cannot {what}: {}", e.message())
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

/// Converts a git time to UTC.
pub fn to_utc(time: Time) -> DateTime<Utc> {
    Utc.timestamp_opt(time.seconds(), 0).single().unwrap_or_default()
}

/// A commit as the pull-request gate sees it.
#[derive(Debug, Clone)]
pub struct CommitInfo {
    pub id: Oid,
    pub author: Person,
    pub committer: Person,
    pub time: DateTime<Utc>,
    pub parents: Vec<Oid>,
    pub summary: String,
}

impl Repo {
    /// Resolves a revision (`origin/main`, a commit id, `HEAD~2`) to a commit.
    pub fn resolve_commit(&self, rev: &str) -> Result<Oid> {
        let object = self.inner.revparse_single(rev).map_err(|e| {
            anyhow!(
                "cannot find the revision `{rev}`: {}\n  hint: fetch it first (`git fetch origin`), or name a branch or commit that exists",
                e.message()
            )
        })?;
        let commit = object
            .peel_to_commit()
            .map_err(|e| anyhow!("`{rev}` is not a commit: {}", e.message()))?;
        Ok(commit.id())
    }

    /// Returns true when the object database has this commit (false past a shallow boundary).
    pub fn has_commit(&self, id: Oid) -> bool {
        self.inner.find_commit(id).is_ok()
    }

    /// Returns true when the repository is a shallow clone.
    pub fn is_shallow(&self) -> bool {
        self.inner.is_shallow()
    }

    /// Returns the best common ancestor of two commits.
    pub fn merge_base(&self, a: Oid, b: Oid) -> Result<Oid> {
        self.inner.merge_base(a, b).map_err(|e| {
            let hint = if self.is_shallow() {
                "the clone is shallow; fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
            } else {
                "the two revisions share no history; compare against the branch this one was made from"
            };
            anyhow!("cannot find a common ancestor of {a} and {b}: {}\n  hint: {hint}", e.message())
        })
    }

    /// Lists the commits reachable from `head` but not from `base`, oldest first (parents before children).
    pub fn commits_between(&self, base: Oid, head: Oid) -> Result<Vec<CommitInfo>> {
        let mut walk = self.inner.revwalk()?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::REVERSE)?;
        walk.push(head)?;
        walk.hide(base)?;
        let mut commits = Vec::new();
        for id in walk {
            let commit = self.inner.find_commit(id?)?;
            commits.push(CommitInfo {
                id: commit.id(),
                author: person_of(&commit.author()),
                committer: person_of(&commit.committer()),
                time: to_utc(commit.time()),
                parents: commit.parent_ids().collect(),
                summary: commit.summary().unwrap_or("").to_string(),
            });
        }
        Ok(commits)
    }

    /// Lists the files below `prefix` whose content differs between two commits
    /// (`None` as `old` means the empty tree), comparing tree ids so unchanged folders are skipped.
    pub fn changed_files(&self, old: Option<Oid>, new: Oid, prefix: &str) -> Result<Vec<String>> {
        let subtree = |commit: Option<Oid>| -> Result<Option<git2::Tree<'_>>> {
            let Some(id) = commit else { return Ok(None) };
            let tree = self.inner.find_commit(id)?.tree()?;
            match tree.get_path(Path::new(prefix)) {
                Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => {
                    Ok(Some(self.inner.find_tree(entry.id())?))
                }
                _ => Ok(None),
            }
        };
        let (a, b) = (subtree(old)?, subtree(Some(new))?);
        let mut out = Vec::new();
        self.compare_trees(a.as_ref(), b.as_ref(), prefix, &mut out)?;
        Ok(out)
    }

    fn compare_trees(
        &self,
        a: Option<&git2::Tree<'_>>,
        b: Option<&git2::Tree<'_>>,
        path: &str,
        out: &mut Vec<String>,
    ) -> Result<()> {
        if let (Some(a), Some(b)) = (a, b) {
            if a.id() == b.id() {
                return Ok(());
            }
        }
        let mut names: std::collections::BTreeMap<String, (Side, Side)> = Default::default();
        for (side, tree) in [(0, a), (1, b)] {
            let Some(tree) = tree else { continue };
            for entry in tree.iter() {
                let Some(name) = entry.name() else { continue };
                let is_tree = entry.kind() == Some(git2::ObjectType::Tree);
                let slot = names.entry(name.to_string()).or_default();
                if side == 0 {
                    slot.0 = Some((entry.id(), is_tree));
                } else {
                    slot.1 = Some((entry.id(), is_tree));
                }
            }
        }
        for (name, (old, new)) in names {
            if old.map(|o| o.0) == new.map(|n| n.0) {
                continue;
            }
            let child = format!("{path}/{name}");
            let as_tree = |e: Side| -> Result<Option<git2::Tree<'_>>> {
                match e {
                    Some((id, true)) => Ok(Some(self.inner.find_tree(id)?)),
                    _ => Ok(None),
                }
            };
            let (old_tree, new_tree) = (as_tree(old)?, as_tree(new)?);
            if old_tree.is_some() || new_tree.is_some() {
                self.compare_trees(old_tree.as_ref(), new_tree.as_ref(), &child, out)?;
            }
            if old.is_some_and(|o| !o.1) || new.is_some_and(|n| !n.1) {
                out.push(child);
            }
        }
        Ok(())
    }

    /// Returns the content of `path` at a commit, or `None` when it is not there.
    pub fn blob_at(&self, commit: Oid, path: &str) -> Result<Option<Vec<u8>>> {
        let tree = self.inner.find_commit(commit)?.tree()?;
        let entry = match tree.get_path(Path::new(path)) {
            Ok(entry) => entry,
            Err(e) if e.code() == git2::ErrorCode::NotFound => return Ok(None),
            Err(e) => return Err(e.into()),
        };
        match entry.to_object(&self.inner)?.into_blob() {
            Ok(blob) => Ok(Some(blob.content().to_vec())),
            Err(_) => Ok(None),
        }
    }

    /// Returns true when the commit carries a signature git verifies against
    /// `allowed_signers` (an allowed-signers file) for `email`.
    pub fn commit_signed_by(&self, commit: Oid, email: &str, allowed_signers: &Path) -> Result<bool> {
        // git's own verification, so the trust rules are exactly git's; no shell is involved.
        let output = std::process::Command::new("git")
            .arg("-C")
            .arg(&self.workdir)
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", allowed_signers.display()))
            .args(["verify-commit", "--raw", &commit.to_string()])
            .output()
            .context("cannot run `git verify-commit`; is git installed?")?;
        let report = String::from_utf8_lossy(&output.stderr);
        let good = output.status.success()
            && report.lines().any(|l| {
                l.contains("Good \"git\" signature for") && l.to_ascii_lowercase().contains(&email.to_ascii_lowercase())
            });
        Ok(good)
    }
}

/// One side of a tree entry in a comparison: its id, and whether it is a folder.
type Side = Option<(Oid, bool)>;

fn person_of(signature: &Signature<'_>) -> Person {
    Person::new(
        &String::from_utf8_lossy(signature.name_bytes()),
        &String::from_utf8_lossy(signature.email_bytes()),
    )
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
