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

// ---------------------------------------------------------------------------
// History access: the one-pass walk over the commits that touch `changes/`,
// blob reads, trees at a revision, and the writers the demo generator uses.
// ---------------------------------------------------------------------------

/// The id of a git object (a commit or a blob), printed as 40 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(Oid);

impl ObjectId {
    /// Parses 40 hex digits.
    pub fn parse(hex: &str) -> Option<ObjectId> {
        if hex.len() != 40 {
            return None;
        }
        Oid::from_str(hex).ok().map(ObjectId)
    }
}

impl std::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl ObjectId {
    /// The first 7 hex digits, as git abbreviates.
    pub fn short(&self) -> String {
        let mut hex = self.to_string();
        hex.truncate(7);
        hex
    }
}

/// Written as 40 hex digits; held in 20 bytes, which counts in the history
/// of a large store (a dozen commit ids a record).
impl serde::Serialize for ObjectId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ObjectId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<ObjectId, D::Error> {
        let hex = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        ObjectId::parse(&hex).ok_or_else(|| serde::de::Error::custom(format!("`{hex}` is not a commit id")))
    }
}

/// Who made a commit and when, as the repository witnessed it.
#[derive(Debug, Clone)]
pub struct CommitMeta {
    pub id: ObjectId,
    pub parent_count: usize,
    pub author: Person,
    pub author_time: DateTime<Utc>,
    pub committer: Person,
    /// The committer time: when the repository received the change.
    pub time: DateTime<Utc>,
    pub summary: String,
}

/// One file that differs between a commit and its parent(s), below the walked prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The path relative to the work tree (`changes/2026/CHG-2026-0001.yaml`).
    pub path: String,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
}

/// What a walk saw besides the changes: how many commits, and whether history is complete.
#[derive(Debug, Clone, Default)]
pub struct WalkStats {
    pub commits: usize,
    pub commits_touching: usize,
    /// Set when the history is shallow or a parent commit is missing.
    pub incomplete: Option<String>,
}

impl Repo {
    /// Resolves a revision (`HEAD`, a branch, a tag, a commit id) to a commit.
    pub fn resolve(&self, rev: &str) -> Result<ObjectId> {
        let object = self.inner.revparse_single(rev).map_err(|e| {
            anyhow!(
                "`{rev}` is not a revision of this repository ({})\n  hint: give a commit id, branch or tag that `git rev-parse {rev}` knows",
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

    /// Walks every commit reachable from `tip` and not from `hide`, parents
    /// before children, and calls `visit` with the files below `prefix` that
    /// each commit changed. Commits whose `prefix` subtree id equals their
    /// parent's are skipped without reading anything else; where the ids
    /// differ, the two trees are compared entry by entry, recursing only into
    /// entries whose ids differ (`keep_dir` may prune folders by path). A merge
    /// reports a file only where it differs from every parent, so changes made
    /// on each branch are reported once, by the branch commit that made them.
    pub fn walk_changes(
        &self,
        tip: ObjectId,
        hide: Option<ObjectId>,
        prefix: &str,
        keep_dir: &dyn Fn(&str) -> bool,
        visit: &mut dyn FnMut(&CommitMeta, &[FileChange]) -> Result<()>,
    ) -> Result<WalkStats> {
        let repo = &self.inner;
        let mut stats = WalkStats::default();
        if repo.is_shallow() {
            stats.incomplete = Some(
                "the repository is a shallow clone, so the history before its cut is missing; run `git fetch --unshallow` (in CI: `fetch-depth: 0`)".into(),
            );
        }
        let mut walk = repo.revwalk().context("cannot walk the history")?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME | git2::Sort::REVERSE)?;
        walk.push(tip.0)
            .with_context(|| format!("cannot start the history walk at {tip}"))?;
        if let Some(hide) = hide {
            walk.hide(hide.0)
                .with_context(|| format!("cannot exclude {hide} from the history walk"))?;
        }
        let prefix_path = Path::new(prefix);
        let subtree = |commit: &git2::Commit| -> Result<Option<Oid>> {
            let tree = commit
                .tree()
                .with_context(|| format!("cannot read the tree of commit {}", commit.id()))?;
            Ok(match tree.get_path(prefix_path) {
                Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => Some(entry.id()),
                _ => None,
            })
        };
        let mut changes = Vec::new();
        let mut reader = TreeReader::new(repo)?;
        for oid in walk {
            let oid = oid.context("the history walk failed")?;
            stats.commits += 1;
            let commit = repo
                .find_commit(oid)
                .with_context(|| format!("cannot read commit {oid}"))?;
            let new_sub = subtree(&commit)?;
            let mut parent_subs = Vec::with_capacity(commit.parent_count());
            for i in 0..commit.parent_count() {
                match commit.parent(i) {
                    Ok(parent) => parent_subs.push(subtree(&parent)?),
                    Err(e) => {
                        if stats.incomplete.is_none() {
                            stats.incomplete = Some(format!(
                                "commit {oid} names a parent that is not in the repository ({}); the history is incomplete",
                                e.message()
                            ));
                        }
                        parent_subs.push(None);
                    }
                }
            }
            if parent_subs.contains(&new_sub) || (parent_subs.is_empty() && new_sub.is_none()) {
                continue;
            }
            changes.clear();
            let first = parent_subs.first().copied().flatten();
            diff_raw(&mut reader, first, new_sub, prefix, keep_dir, &mut changes)?;
            if parent_subs.len() > 1 {
                let others: Vec<Option<git2::Tree>> = parent_subs[1..]
                    .iter()
                    .map(|p| p.map(|id| repo.find_tree(id)).transpose())
                    .collect::<Result<_, _>>()?;
                let strip = format!("{prefix}/");
                changes.retain(|c| {
                    let rel = c.path.strip_prefix(&strip).unwrap_or(&c.path);
                    others.iter().all(|tree| {
                        let theirs = tree
                            .as_ref()
                            .and_then(|t| t.get_path(Path::new(rel)).ok())
                            .map(|e| ObjectId(e.id()));
                        theirs != c.new
                    })
                });
            }
            if changes.is_empty() {
                continue;
            }
            stats.commits_touching += 1;
            let meta = commit_meta(&commit);
            visit(&meta, &changes)?;
        }
        Ok(stats)
    }

    /// Reads a blob as UTF-8 text.
    pub fn blob_text(&self, id: ObjectId) -> Result<String> {
        let blob = self
            .inner
            .find_blob(id.0)
            .with_context(|| format!("cannot read blob {id}"))?;
        String::from_utf8(blob.content().to_vec()).map_err(|_| anyhow!("blob {id} is not UTF-8 text"))
    }

    /// Returns every file below `prefix` in the tree of `commit`, with its blob id, sorted by path.
    pub fn files_at(&self, commit: ObjectId, prefix: &str) -> Result<Vec<(String, ObjectId)>> {
        let commit = self
            .inner
            .find_commit(commit.0)
            .with_context(|| format!("cannot read commit {commit}"))?;
        let tree = commit.tree()?;
        let mut out = Vec::new();
        let Ok(entry) = tree.get_path(Path::new(prefix)) else {
            return Ok(out);
        };
        let Ok(sub) = self.inner.find_tree(entry.id()) else {
            return Ok(out);
        };
        let mut changes = Vec::new();
        diff_trees(&self.inner, None, Some(&sub), prefix, &|_| true, &mut changes)?;
        out.extend(changes.into_iter().filter_map(|c| c.new.map(|id| (c.path, id))));
        out.sort();
        Ok(out)
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
}

fn commit_meta(commit: &git2::Commit) -> CommitMeta {
    let person = |s: &Signature| {
        Person::new(
            &String::from_utf8_lossy(s.name_bytes()),
            &String::from_utf8_lossy(s.email_bytes()),
        )
    };
    let author = commit.author();
    let committer = commit.committer();
    CommitMeta {
        id: ObjectId(commit.id()),
        parent_count: commit.parent_count(),
        author: person(&author),
        author_time: to_utc(author.when()),
        committer: person(&committer),
        time: to_utc(committer.when()),
        summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned(),
    }
}

/// Orders tree entries as git does: by name, a folder as if its name ended in `/`.
fn entry_cmp(a: &git2::TreeEntry, b: &git2::TreeEntry) -> std::cmp::Ordering {
    let tail = |e: &git2::TreeEntry| (e.kind() == Some(git2::ObjectType::Tree)).then_some(b'/');
    let (an, bn) = (a.name_bytes(), b.name_bytes());
    an.iter().copied().chain(tail(a)).cmp(bn.iter().copied().chain(tail(b)))
}

/// Compares two trees entry by entry (both sorted the way git sorts them),
/// recursing only into folders whose ids differ.
fn diff_trees(
    repo: &Repository,
    old: Option<&git2::Tree>,
    new: Option<&git2::Tree>,
    base: &str,
    keep_dir: &dyn Fn(&str) -> bool,
    out: &mut Vec<FileChange>,
) -> Result<()> {
    use std::cmp::Ordering;
    let n_old = old.map_or(0, |t| t.len());
    let n_new = new.map_or(0, |t| t.len());
    let (mut i, mut j) = (0, 0);
    while i < n_old || j < n_new {
        let a = if i < n_old { old.and_then(|t| t.get(i)) } else { None };
        let b = if j < n_new { new.and_then(|t| t.get(j)) } else { None };
        let order = match (&a, &b) {
            (Some(a), Some(b)) => entry_cmp(a, b),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => break,
        };
        match order {
            Ordering::Less => {
                if let Some(a) = &a {
                    side(repo, a, base, keep_dir, out, true)?;
                }
                i += 1;
            }
            Ordering::Greater => {
                if let Some(b) = &b {
                    side(repo, b, base, keep_dir, out, false)?;
                }
                j += 1;
            }
            Ordering::Equal => {
                if let (Some(a), Some(b)) = (&a, &b) {
                    if a.id() != b.id() {
                        let path = format!("{base}/{}", String::from_utf8_lossy(a.name_bytes()));
                        match (a.kind(), b.kind()) {
                            (Some(git2::ObjectType::Tree), Some(git2::ObjectType::Tree)) if keep_dir(&path) => {
                                let ta = repo.find_tree(a.id())?;
                                let tb = repo.find_tree(b.id())?;
                                diff_trees(repo, Some(&ta), Some(&tb), &path, keep_dir, out)?;
                            }
                            (Some(git2::ObjectType::Blob), Some(git2::ObjectType::Blob)) => out.push(FileChange {
                                path,
                                old: Some(ObjectId(a.id())),
                                new: Some(ObjectId(b.id())),
                            }),
                            _ => {}
                        }
                    }
                }
                i += 1;
                j += 1;
            }
        }
    }
    Ok(())
}

/// Reports one entry present on only one side (`removed` true: only in the old tree).
fn side(
    repo: &Repository,
    entry: &git2::TreeEntry,
    base: &str,
    keep_dir: &dyn Fn(&str) -> bool,
    out: &mut Vec<FileChange>,
    removed: bool,
) -> Result<()> {
    let path = format!("{base}/{}", String::from_utf8_lossy(entry.name_bytes()));
    match entry.kind() {
        Some(git2::ObjectType::Tree) if keep_dir(&path) => {
            let t = repo.find_tree(entry.id())?;
            if removed {
                diff_trees(repo, Some(&t), None, &path, keep_dir, out)?;
            } else {
                diff_trees(repo, None, Some(&t), &path, keep_dir, out)?;
            }
        }
        Some(git2::ObjectType::Blob) => {
            let id = Some(ObjectId(entry.id()));
            out.push(if removed {
                FileChange {
                    path,
                    old: id,
                    new: None,
                }
            } else {
                FileChange {
                    path,
                    old: None,
                    new: id,
                }
            });
        }
        _ => {}
    }
    Ok(())
}

impl Repo {
    /// Returns who made a commit and when.
    pub fn commit_info(&self, id: ObjectId) -> Result<CommitMeta> {
        let commit = self
            .inner
            .find_commit(id.0)
            .with_context(|| format!("cannot read commit {id}"))?;
        Ok(commit_meta(&commit))
    }
}

/// One entry of a raw tree object: `<mode> <name>\0<20-byte id>`.
struct RawEntry<'a> {
    name: &'a [u8],
    id: &'a [u8],
    tree: bool,
    end: usize,
}

fn raw_entry(buf: &[u8], at: usize) -> Result<RawEntry<'_>> {
    let bad = || anyhow!("a tree object is malformed at byte {at}; run `git fsck`");
    let rest = buf.get(at..).ok_or_else(bad)?;
    let space = rest.iter().position(|b| *b == b' ').ok_or_else(bad)?;
    let nul = rest[space..].iter().position(|b| *b == 0).ok_or_else(bad)? + space;
    let id = rest.get(nul + 1..nul + 21).ok_or_else(bad)?;
    Ok(RawEntry {
        name: &rest[space + 1..nul],
        id,
        tree: &rest[..space] == b"40000",
        end: at + nul + 21,
    })
}

/// Returns the length of the common prefix of two byte strings, comparing
/// 256-byte blocks with `memcmp` first.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    const BLOCK: usize = 256;
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + BLOCK <= n && a[i..i + BLOCK] == b[i..i + BLOCK] {
        i += BLOCK;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// Reads raw tree objects, keeping the last few: a commit's old tree is
/// usually the tree its parent's walk step just read.
pub(crate) struct TreeReader<'r> {
    odb: git2::Odb<'r>,
    /// Recently read trees: id, raw data, and the start of each entry (with
    /// the length at the end) once known.
    recent: Vec<(Oid, Rc<Vec<u8>>, Offsets)>,
}

type Rc<T> = std::rc::Rc<T>;
/// The start of every entry of a raw tree and its length at the end, once known.
type Offsets = Option<Rc<Vec<u32>>>;

impl<'r> TreeReader<'r> {
    fn new(repo: &'r Repository) -> Result<TreeReader<'r>> {
        Ok(TreeReader {
            odb: repo.odb().context("cannot open the object database")?,
            recent: Vec::new(),
        })
    }

    fn read(&mut self, id: Oid) -> Result<(Rc<Vec<u8>>, Offsets)> {
        if let Some((_, data, offsets)) = self.recent.iter().find(|(k, _, _)| *k == id) {
            return Ok((data.clone(), offsets.clone()));
        }
        let object = self.odb.read(id).with_context(|| format!("cannot read tree {id}"))?;
        if object.kind() != git2::ObjectType::Tree {
            bail!("object {id} is not a tree");
        }
        let data = Rc::new(object.data().to_vec());
        if self.recent.len() >= 8 {
            self.recent.remove(0);
        }
        self.recent.push((id, data.clone(), None));
        Ok((data, None))
    }

    fn remember_offsets(&mut self, id: Oid, offsets: Vec<u32>) {
        if let Some(entry) = self.recent.iter_mut().find(|(k, _, _)| *k == id) {
            entry.2 = Some(Rc::new(offsets));
        }
    }
}

/// Returns the start of every entry of a raw tree, and its length at the end.
fn entry_offsets(buf: &[u8]) -> Result<Vec<u32>> {
    let mut offsets = Vec::with_capacity(buf.len() / 40 + 1);
    let mut at = 0;
    while at < buf.len() {
        offsets.push(at as u32);
        let nul = buf[at..]
            .iter()
            .position(|b| *b == 0)
            .ok_or_else(|| anyhow!("a tree object is malformed at byte {at}; run `git fsck`"))?;
        at += nul + 21;
    }
    offsets.push(buf.len() as u32);
    Ok(offsets)
}

/// Compares two trees from their raw objects: the common prefix and suffix
/// are skipped with `memcmp`, and only the entries between are parsed.
/// Measured on a 6,700-entry folder, this is several times faster than
/// libgit2's tree parsing, which converts every entry's mode and allocates.
fn diff_raw(
    reader: &mut TreeReader,
    old: Option<Oid>,
    new: Option<Oid>,
    base: &str,
    keep_dir: &dyn Fn(&str) -> bool,
    out: &mut Vec<FileChange>,
) -> Result<()> {
    use std::cmp::Ordering;
    let empty = Rc::new(Vec::new());
    let (a, a_offsets) = match old {
        Some(id) => reader.read(id)?,
        None => (empty.clone(), None),
    };
    let b = match new {
        Some(id) => reader.read(id)?.0,
        None => empty,
    };
    // The entry offsets of the old tree (known when the previous commit's
    // walk produced this tree as its new one) locate the last entry boundary
    // inside the common prefix by binary search instead of a scan; the new
    // tree's offsets are then derived from them and remembered for the next
    // commit.
    let a_offsets = match a_offsets {
        Some(o) => o,
        None => Rc::new(entry_offsets(&a)?),
    };
    let prefix = common_prefix(&a, &b);
    let mut ka = a_offsets.partition_point(|o| (*o as usize) <= prefix).saturating_sub(1);
    if a_offsets[ka] as usize > prefix {
        ka = 0;
    }
    let mut i = a_offsets[ka] as usize;
    let mut j = i;
    let mut b_offsets: Vec<u32> = a_offsets[..ka].to_vec();
    fn key<'e>(e: &'e RawEntry) -> impl Iterator<Item = u8> + 'e {
        e.name.iter().copied().chain(e.tree.then_some(b'/'))
    }
    type Nested = Vec<(Option<Oid>, Option<Oid>, String)>;
    let path_of = |name: &[u8]| format!("{base}/{}", String::from_utf8_lossy(name));
    let mut nested: Nested = Vec::new();
    let side = |e: &RawEntry, removed: bool, out: &mut Vec<FileChange>, nested: &mut Nested| -> Result<()> {
        let id = Oid::from_bytes(e.id)?;
        let path = path_of(e.name);
        if e.tree {
            if keep_dir(&path) {
                nested.push(if removed {
                    (Some(id), None, path)
                } else {
                    (None, Some(id), path)
                });
            }
        } else {
            let id = Some(ObjectId(id));
            out.push(if removed {
                FileChange {
                    path,
                    old: id,
                    new: None,
                }
            } else {
                FileChange {
                    path,
                    old: None,
                    new: id,
                }
            });
        }
        Ok(())
    };
    while a[i..] != b[j..] {
        let ea = if i < a.len() { Some(raw_entry(&a, i)?) } else { None };
        let eb = if j < b.len() { Some(raw_entry(&b, j)?) } else { None };
        let order = match (&ea, &eb) {
            (Some(x), Some(y)) => key(x).cmp(key(y)),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => break,
        };
        match (order, ea, eb) {
            (Ordering::Less, Some(x), _) => {
                side(&x, true, out, &mut nested)?;
                i = x.end;
                ka += 1;
            }
            (Ordering::Greater, _, Some(y)) => {
                side(&y, false, out, &mut nested)?;
                b_offsets.push(j as u32);
                j = y.end;
            }
            (Ordering::Equal, Some(x), Some(y)) => {
                if x.id != y.id {
                    let path = path_of(x.name);
                    let (xa, yb) = (Oid::from_bytes(x.id)?, Oid::from_bytes(y.id)?);
                    if x.tree {
                        if keep_dir(&path) {
                            nested.push((Some(xa), Some(yb), path));
                        }
                    } else {
                        out.push(FileChange {
                            path,
                            old: Some(ObjectId(xa)),
                            new: Some(ObjectId(yb)),
                        });
                    }
                }
                b_offsets.push(j as u32);
                i = x.end;
                j = y.end;
                ka += 1;
            }
            _ => break,
        }
    }
    // The rest of both trees is equal: its entries start at the same places, shifted.
    if let Some(id) = new {
        if ka < a_offsets.len() && a_offsets[ka] as usize == i {
            let shift = j as i64 - i as i64;
            b_offsets.extend(a_offsets[ka..].iter().map(|o| (*o as i64 + shift) as u32));
            reader.remember_offsets(id, b_offsets);
        }
    }
    for (o, n, path) in nested {
        diff_raw(reader, o, n, &path, keep_dir, out)?;
    }
    Ok(())
}
