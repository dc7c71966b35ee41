//! The history engine: one pass over the commits that touch `changes/`,
//! turning each changed record file into facts (first commit, first commit
//! of each status, approvals, edits after approval) and, at the tip, the
//! fields the metrics read. Only changed blobs are read, and only the fields
//! needed are parsed; per record the engine keeps its facts and its latest
//! version's summary, never every version.
//!
//! Results are cached in `.git/chg/history-v9.json`, keyed by the last
//! commit walked; a later run walks only the commits since, and rebuilds when
//! that commit is no longer an ancestor or the cache does not check out.

mod at_tip;
mod cache;
mod log;
mod snapshot;

pub use at_tip::{metrics_at_head, AtTip};
use cache::Cache;
pub use log::{record_log, record_logs, render_trail, LogEntry};
pub use snapshot::Snapshot;

use std::collections::{BTreeMap, HashMap};

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::git::{Commit, FileChange, ObjectId, Repo, WalkScope};
use crate::metrics::{Change, Facts, Stamp};
use crate::record::Status;

use crate::store::record_id;

/// Only `<store>/<yyyy>` is entered: templates and other folders hold no records.
fn year_dirs(prefix: &str) -> impl Fn(&str) -> bool + '_ {
    move |path: &str| {
        path.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(crate::store::is_year_name)
    }
}

/// One record file as the walk last saw it: its facts and its latest version.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Tracked {
    pub facts: Facts,
    /// The blob of the latest version walked, and its summary; `None` once deleted.
    pub blob: Option<ObjectId>,
    pub latest: Snapshot,
}

/// What the history says about every record file, as of one commit.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct History {
    /// The last commit walked.
    pub tip: Option<String>,
    /// The store folder walked, relative to the work tree (`changes`).
    #[serde(default)]
    pub prefix: String,
    /// By path (`changes/2026/CHG-2026-0001.yaml`).
    pub files: BTreeMap<String, Tracked>,
    /// Why the history is incomplete (shallow clone, missing parent), when it is.
    pub incomplete: Option<String>,
    pub commits: usize,
    pub commits_touching: usize,
    /// The evidence time of `tip`, to continue the next walk from.
    #[serde(default)]
    pub tip_evidence: Option<DateTime<Utc>>,
}

/// How a history was obtained, for `--explain` and the benchmark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Walked from the first commit.
    Full,
    /// Read from the cache and extended by this many new commits.
    Cached(usize),
}

impl History {
    /// Builds the history of every record as of `tip`, using and refreshing
    /// the cache unless `no_cache`; the cache is written only when `tip` is HEAD.
    pub fn build(repo: &Repo, prefix: &str, tip: ObjectId, no_cache: bool) -> Result<(History, Source)> {
        Repo::verify_object_hashes(false);
        Repo::cache_objects(false);
        let head = repo.head_commit()?;
        let cache = Cache::path(repo);
        let mut start = History {
            prefix: prefix.to_string(),
            ..History::default()
        };
        let mut hide = None;
        if !no_cache {
            if let Some(cached) = Cache::read(repo, &cache) {
                if let Some(id) = cached.tip.as_deref().and_then(ObjectId::parse) {
                    if cached.prefix == prefix && repo.is_ancestor(id, tip)? {
                        hide = Some(id);
                        start = cached;
                    }
                }
            }
        }
        let mut from_cache = hide.is_some();
        let mut before = start.commits;
        let mut history = start;
        if hide != Some(tip) {
            let (mut walked, mut stats) = walk_pipelined(repo, tip, hide, history)?;
            if stats.off_chain && hide.is_some() {
                // The cached tip is not on the tip's first parents (a branch
                // merged into another): facts it holds may count from the
                // wrong commits, so the history is walked afresh.
                let fresh = History {
                    prefix: prefix.to_string(),
                    ..History::default()
                };
                (walked, stats) = walk_pipelined(repo, tip, None, fresh)?;
                (from_cache, before) = (false, 0);
            }
            history = walked;
            history.tip_evidence = stats.tip_evidence;
            history.commits += stats.commits;
            history.commits_touching += stats.commits_touching;
            if stats.incomplete.is_some() {
                history.incomplete = stats.incomplete;
            }
        }
        history.tip = Some(tip.to_string());
        // A shallow history is not cached: after `git fetch --unshallow` the
        // cached tip would still be an ancestor, and the commits before the
        // old cut would never be read.
        if !no_cache && head == Some(tip) && hide != Some(tip) && history.incomplete.is_none() {
            // A cache that cannot be written costs speed, not correctness.
            let _ = Cache::write(repo, &cache, &history);
        }
        let source = if from_cache {
            Source::Cached(history.commits - before)
        } else {
            Source::Full
        };
        Ok((history, source))
    }

    fn snapshot(&self, texts: &[(ObjectId, String)], path: &str, blob: ObjectId) -> Result<Snapshot> {
        if let Some(t) = self.files.get(path) {
            if t.blob == Some(blob) {
                return Ok(t.latest.clone());
            }
        }
        let text = texts
            .iter()
            .find(|(id, _)| *id == blob)
            .map(|(_, t)| t.as_str())
            .ok_or_else(|| anyhow::anyhow!("internal error: {path} at {blob} was not read"))?;
        Ok(Snapshot::parse(record_id(&self.prefix, path).unwrap_or(""), text))
    }

    /// Folds one commit's changed files into the facts.
    ///
    /// `texts` holds the text of every changed blob that is not the latest
    /// version this history holds for its path.
    pub fn apply(&mut self, texts: &[(ObjectId, String)], meta: &Commit, changes: &[FileChange]) -> Result<()> {
        // Facts count from when history received them (`Commit::evidence_time`).
        let stamp = Stamp {
            commit: meta.id,
            at: meta.evidence_time,
            by: meta.author.email().to_lowercase(),
        };
        let mut versions = Vec::new();
        for c in changes {
            if record_id(&self.prefix, &c.path).is_none() {
                continue;
            }
            let old = c.old.map(|b| self.snapshot(texts, &c.path, b)).transpose()?;
            let new = c.new.map(|b| self.snapshot(texts, &c.path, b)).transpose()?;
            versions.push((c, old, new));
        }
        // A renumber: one file gone and one new, with the same identity, in one commit.
        let gone: Vec<(String, u64)> = versions
            .iter()
            .filter(|(c, o, n)| c.new.is_none() && n.is_none() && o.as_ref().is_some_and(|o| o.identity != 0))
            .filter_map(|(c, o, _)| o.as_ref().map(|o| (c.path.clone(), o.identity)))
            .collect();
        for (c, old, new) in versions.iter_mut() {
            if c.old.is_none() {
                if let Some(n) = new.as_ref() {
                    if let Some((from, _)) = gone.iter().find(|(_, id)| *id == n.identity && n.identity != 0) {
                        if let Some(t) = self.files.get(from).cloned() {
                            self.files.insert(c.path.clone(), t.clone());
                            *old = Some(t.latest.clone());
                        }
                    }
                }
            }
        }
        for (c, old, new) in versions {
            let tracked = self.files.entry(c.path.clone()).or_default();
            let f = &mut tracked.facts;
            if old.is_none() && f.first_commit.is_none() {
                f.first_commit = Some(stamp.clone());
            }
            match new {
                Some(n) => {
                    if let Some(change) = &n.change {
                        f.saw(change);
                    }
                    if !n.requester.is_empty() && !f.requesters.contains(&n.requester) {
                        f.requesters.push(n.requester.clone());
                    }
                    if let Some(s) = n.status {
                        if old.as_ref().and_then(|o| o.status) != Some(s) {
                            f.status_first.keep_earliest(s.as_str(), &stamp);
                        }
                    }
                    let had = old.as_ref().map(|o| o.approvers.as_slice()).unwrap_or(&[]);
                    // An approval after none, or in a new round (the change was sent
                    // back to submitted, its earlier entries kept, superseded).
                    let was_submitted = old.as_ref().and_then(|o| o.status) == Some(Status::Submitted);
                    if n.approvers.len() > had.len() && (had.is_empty() || was_submitted) {
                        earliest(&mut f.first_approval, &stamp);
                        if f.last_approval.as_ref().is_none_or(|s| s.at <= stamp.at) {
                            f.last_approval = Some(stamp.clone());
                        }
                    }
                    // A merge combines what the branches did; the branch commits are judged.
                    let had_own = old.as_ref().map(|o| o.own_commit.as_slice()).unwrap_or(&[]);
                    for approver in n.own_commit.iter().filter(|_| !meta.is_merge()) {
                        if !had_own.contains(approver) && *approver != stamp.by {
                            f.approvals_by_others.push((approver.clone(), stamp.clone()));
                        }
                    }
                    if n.written && !old.as_ref().is_some_and(|o| o.written) {
                        earliest(&mut f.first_written_approval, &stamp);
                    }
                    if n.post_review_done && !old.as_ref().is_some_and(|o| o.post_review_done) {
                        earliest(&mut f.post_review, &stamp);
                    }
                    let had_times = old.as_ref().map(|o| o.times.as_slice()).unwrap_or(&[]);
                    for (key, stated) in n.times.iter().filter(|t| !had_times.contains(t)) {
                        if !crate::rules::history::plausible(*stated, meta.evidence_time) {
                            f.implausible_times.push(crate::rules::history::TimeEvidence {
                                key: key.clone(),
                                stated: *stated,
                                evidence: meta.evidence_time,
                                commit: meta.id,
                            });
                        }
                    }
                    if let Some(o) = &old {
                        // Sending the change back with the edit starts a new round; it is no edit after approval.
                        let sent_back = matches!(n.status, Some(Status::Submitted | Status::Draft));
                        if o.scope != n.scope && !o.approvers.is_empty() && !meta.is_merge() && !sent_back {
                            f.edits_after_approval.push(stamp.clone());
                        }
                    }
                    tracked.blob = c.new;
                    tracked.latest = n;
                }
                None => {
                    tracked.blob = None;
                }
            }
        }
        Ok(())
    }

    /// Everyone who is a requester of the live record `id`: the author of the
    /// commit that added it and everyone ever named in its `requested_by`.
    /// The gate judges approvals against them (`rules::history::self_approval`).
    pub fn requesters_of(&self, id: &str) -> Vec<String> {
        let Some(t) = self
            .files
            .iter()
            .find(|(path, t)| t.blob.is_some() && record_id(&self.prefix, path) == Some(id))
            .map(|(_, t)| t)
        else {
            return Vec::new();
        };
        let filer = t.facts.first_commit.iter().map(|s| s.by.clone());
        filer.chain(t.facts.requesters.iter().cloned()).collect()
    }

    /// Returns the records present at the tip: their metric fields and facts,
    /// by id, and the files that do not parse. Consumes the history, so that
    /// on a large store the facts are moved, not held twice.
    pub fn into_current(self) -> (Vec<Change>, BTreeMap<String, Facts>, Vec<String>) {
        let mut changes = Vec::new();
        let mut facts = BTreeMap::new();
        let mut unparsed = Vec::new();
        for (path, t) in self.files {
            if t.blob.is_none() {
                continue;
            }
            let Some(id) = record_id(&self.prefix, &path).map(str::to_string) else {
                continue;
            };
            match t.latest.change {
                Some(mut c) => {
                    t.facts.restore_evidence(&mut c);
                    changes.push(c);
                }
                None => unparsed.push(path),
            }
            facts.insert(id, t.facts);
        }
        (changes, facts, unparsed)
    }
}

/// One commit's work for the parsing thread.
struct Batch {
    meta: Commit,
    changes: Vec<FileChange>,
    texts: Vec<(ObjectId, String)>,
}

/// Walks on this thread (tree comparison and blob reads, libgit2) while a
/// second thread parses the changed records and folds them into the facts;
/// on two cores this takes the YAML parsing off the walk's critical path.
fn walk_pipelined(
    repo: &Repo,
    tip: ObjectId,
    hide: Option<ObjectId>,
    mut history: History,
) -> Result<(History, crate::git::WalkStats)> {
    // The latest blob of each path, as the parsing thread will hold it, so
    // that only blobs it has not summarised are read and sent.
    let prefix = history.prefix.clone();
    let history_seed = history.tip_evidence;
    let mut latest: HashMap<String, ObjectId> = history
        .files
        .iter()
        .filter_map(|(p, t)| t.blob.map(|b| (p.clone(), b)))
        .collect();
    std::thread::scope(|scope| {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(512);
        let worker = scope.spawn(move || -> Result<History> {
            for batch in rx {
                history.apply(&batch.texts, &batch.meta, &batch.changes)?;
            }
            Ok(history)
        });
        let mut progress =
            crate::progress::Progress::new("reading the history", "commits changing records", repo.shows_progress());
        let keep_dir = year_dirs(&prefix);
        let scope = WalkScope {
            tip,
            hide,
            seed: hide.and(history_seed),
            prefix: &prefix,
            keep_dir: &keep_dir,
        };
        let walked = repo.walk_changes_from(&scope, &mut |meta, changes| {
            progress.add(1);
            let changes: Vec<FileChange> = changes
                .iter()
                .filter(|c| record_id(&prefix, &c.path).is_some())
                .cloned()
                .collect();
            if changes.is_empty() {
                return Ok(());
            }
            let mut texts = Vec::new();
            for c in &changes {
                if let Some(old) = c.old {
                    if latest.get(&c.path) != Some(&old) && !texts.iter().any(|(id, _)| *id == old) {
                        texts.push((
                            old,
                            repo.blob_text(old).with_context(|| format!("cannot read {}", c.path))?,
                        ));
                    }
                }
                if let Some(new) = c.new {
                    if !texts.iter().any(|(id, _)| *id == new) {
                        texts.push((
                            new,
                            repo.blob_text(new).with_context(|| format!("cannot read {}", c.path))?,
                        ));
                    }
                }
            }
            for c in &changes {
                match c.new {
                    Some(new) => latest.insert(c.path.clone(), new),
                    None => latest.remove(&c.path),
                };
            }
            // A closed channel means the parsing thread failed; its error is reported below.
            let _ = tx.send(Batch {
                meta: meta.clone(),
                changes,
                texts,
            });
            Ok(())
        });
        drop(tx);
        let history = worker
            .join()
            .map_err(|_| anyhow::anyhow!("the history parsing thread panicked"))??;
        Ok((history, walked?))
    })
}

fn earliest(slot: &mut Option<Stamp>, stamp: &Stamp) {
    if slot.as_ref().is_none_or(|s| stamp.at < s.at) {
        *slot = Some(stamp.clone());
    }
}
