//! Commits with their messages, for the trailers that link code to changes
//! (`Change: CHG-2026-0042`): the one walk, plus each kept commit's message.

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};

use super::{Commit, ObjectId, Repo, WalkStats};

impl Repo {
    /// Walks the commits reachable from `tip` that change a file below
    /// `prefix` (`""` for the whole tree; `keep_dir` may prune folders)
    /// accepted by `wanted`, committed at or after `since`, and calls `visit`
    /// with each and its full message. Messages are read only for the
    /// commits kept.
    pub fn walk_messages(
        &self,
        tip: ObjectId,
        prefix: &str,
        keep_dir: &dyn Fn(&str) -> bool,
        since: Option<DateTime<Utc>>,
        wanted: &dyn Fn(&str) -> bool,
        visit: &mut dyn FnMut(&Commit, &str) -> Result<()>,
    ) -> Result<WalkStats> {
        self.walk_changes(tip, None, prefix, keep_dir, &mut |commit, changes| {
            if since.is_some_and(|s| commit.time < s) || !changes.iter().any(|c| wanted(&c.path)) {
                return Ok(());
            }
            let message = self
                .inner
                .find_commit(commit.id.0)
                .with_context(|| format!("cannot read commit {}", commit.id))?;
            visit(commit, &String::from_utf8_lossy(message.message_raw_bytes()))
        })
    }
}
