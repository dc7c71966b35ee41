//! Commits with their messages, for the trailers that link code to changes
//! (`Change: CHG-2026-0042`): the one walk, plus each kept commit's message.

use anyhow::Result;
use chrono::{DateTime, Utc};

use super::{walk, Commit, ObjectId, Repo, WalkScope, WalkStats};

impl Repo {
    /// Walks the commits reachable from `tip` that change a file below
    /// `prefix` (`""` for the whole tree; `keep_dir` may prune folders)
    /// accepted by `wanted`, committed at or after `since`, and calls `visit`
    /// with each and its full message, read from the commit the walk read.
    pub fn walk_messages(
        &self,
        tip: ObjectId,
        prefix: &str,
        keep_dir: &dyn Fn(&str) -> bool,
        since: Option<DateTime<Utc>>,
        wanted: &dyn Fn(&str) -> bool,
        visit: &mut dyn FnMut(&Commit, &str) -> Result<()>,
    ) -> Result<WalkStats> {
        // The message comes from the commit the walk already read: looking
        // it up again read every kept commit twice (docs/benchmarks.md).
        let scope = WalkScope {
            tip,
            hide: None,
            seed: None,
            prefix,
            keep_dir,
        };
        self.walk_git(&scope, &mut |commit, evidence_time, changes| {
            if since.is_some_and(|s| walk::to_utc(commit.committer().when()) < s)
                || !changes.iter().any(|c| wanted(&c.path))
            {
                return Ok(());
            }
            let mut meta = walk::commit_of(commit);
            meta.evidence_time = evidence_time;
            visit(&meta, &String::from_utf8_lossy(commit.message_raw_bytes()))
        })
    }
}
