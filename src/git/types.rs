//! The plain values the rest of chg receives from git: object ids, commits,
//! changed files. No git2 type leaves this module folder.

use chrono::{DateTime, FixedOffset, Utc};
use git2::Oid;

use crate::person::Person;

/// Who acts, and when, for one commit.
#[derive(Debug, Clone)]
pub struct Actor {
    pub person: Person,
    pub when: DateTime<FixedOffset>,
}

/// The id of a git object (a commit or a blob), printed as 40 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId(pub(super) Oid);

impl ObjectId {
    /// Parses 40 hex digits.
    pub fn parse(hex: &str) -> Option<ObjectId> {
        if hex.len() != 40 {
            return None;
        }
        Oid::from_str(hex).ok().map(ObjectId)
    }

    /// The first 7 hex digits, as git abbreviates.
    pub fn short(&self) -> String {
        let mut hex = self.to_string();
        hex.truncate(7);
        hex
    }
}

impl std::fmt::Display for ObjectId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

// Written as 40 hex digits; held in 20 bytes, which counts in the history
// of a large store (a dozen commit ids a record).
crate::text_serde::serde_as_text!(ObjectId, |hex: &str| {
    ObjectId::parse(hex).ok_or_else(|| format!("`{hex}` is not a commit id"))
});

/// One commit: who made it and when, as the repository witnessed it.
#[derive(Debug, Clone)]
pub struct Commit {
    pub id: ObjectId,
    pub parents: Vec<ObjectId>,
    pub author: Person,
    pub author_time: DateTime<Utc>,
    pub committer: Person,
    /// The committer time: when the repository received the change.
    pub time: DateTime<Utc>,
    /// The commit's evidence time: the committer time of the commit that
    /// brought it into the first-parent history of the walked tip (itself,
    /// or the merge that brought it in), with committer times made
    /// monotonic along first parents (a commit dated before its first
    /// parent counts as its parent's time). Set by `walk_changes`; a commit
    /// read on its own carries its committer time.
    pub evidence_time: DateTime<Utc>,
    pub summary: String,
}

impl Commit {
    /// True for a merge (two parents or more).
    pub fn is_merge(&self) -> bool {
        self.parents.len() > 1
    }

    /// The first 10 hex digits, as findings print a commit.
    pub fn short(&self) -> String {
        self.id.to_string().chars().take(10).collect()
    }
}

/// One file that differs between a commit and its parent(s), below the walked prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileChange {
    /// The path relative to the work tree (`changes/2026/CHG-2026-0001.yaml`).
    pub path: String,
    pub old: Option<ObjectId>,
    pub new: Option<ObjectId>,
    /// The new version is a symbolic link (its blob holds the target), not a file.
    pub link: bool,
}

/// What a walk saw besides the changes: how many commits, and whether history is complete.
#[derive(Debug, Clone, Default)]
pub struct WalkStats {
    pub commits: usize,
    pub commits_touching: usize,
    /// Set when the history is shallow or a parent commit is missing.
    pub incomplete: Option<String>,
    /// Set when a walked commit's parent is missing (a shallow cut inside the walk).
    pub gap: Option<String>,
    /// Set when the hidden commit is not on the tip's first-parent chain, so
    /// evidence times held from an earlier walk up to it may be too early.
    pub off_chain: bool,
    /// The evidence time of the tip, to continue a later walk from it.
    pub tip_evidence: Option<DateTime<Utc>>,
}
