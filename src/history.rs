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

use std::collections::{BTreeMap, HashMap};
use std::hash::{Hash, Hasher};
use std::path::PathBuf;

use anyhow::{Context as _, Result};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::git::{Commit, FileChange, ObjectId, Repo};
use crate::metrics::{Change, Facts, RollbackTimes, Stamp};
use crate::record::{Classification, Decision, Method, Outcome, RollbackKind, Status};

use crate::store::record_id;

/// Only `<store>/<yyyy>` is entered: templates and other folders hold no records.
fn year_dirs(prefix: &str) -> impl Fn(&str) -> bool + '_ {
    move |path: &str| {
        path.strip_prefix(prefix)
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()))
    }
}

/// The summary of one version of a record: what the facts and metrics need.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Hash of `created_at` and `requested_by`, which a renumber keeps.
    pub identity: u64,
    /// Hash of the approved scope.
    pub scope: u64,
    pub status: Option<Status>,
    /// Emails of the approvers of granted approvals.
    pub approvers: Vec<String>,
    /// Emails of the approvers of granted approvals that count only when the
    /// approver commits them (written ones; a verbal one is recorded by the
    /// engineer, as the guide prescribes).
    #[serde(default)]
    pub own_commit: Vec<String>,
    pub written: bool,
    pub post_review_done: bool,
    /// The times deadlines and metrics read, by dotted key (as the gate names them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub times: Vec<(String, DateTime<Utc>)>,
    /// The metric fields; `None` when this version does not parse.
    pub change: Option<Change>,
}

#[derive(Deserialize)]
struct Slim {
    id: Option<String>,
    status: Option<Status>,
    classification: Option<Classification>,
    created_at: Option<serde_yaml::Value>,
    requested_by: Option<serde_yaml::Value>,
    rollback: Option<SlimPlan>,
    #[serde(default)]
    approvals: Vec<SlimApproval>,
    implementation: Option<SlimImplementation>,
    #[serde(default)]
    rollbacks: Vec<SlimRollback>,
    emergency: Option<SlimEmergency>,
}

#[derive(Deserialize)]
struct SlimPlan {
    kind: Option<RollbackKind>,
}

#[derive(Deserialize)]
struct SlimApproval {
    approver: Option<String>,
    at: Option<DateTime<Utc>>,
    decision: Option<Decision>,
    method: Option<Method>,
}

#[derive(Deserialize)]
struct SlimImplementation {
    started_at: Option<DateTime<Utc>>,
    finished_at: Option<DateTime<Utc>>,
    outcome: Option<Outcome>,
    #[serde(default)]
    issues: Vec<serde::de::IgnoredAny>,
}

#[derive(Deserialize)]
struct SlimRollback {
    kind: Option<RollbackKind>,
    started_at: Option<DateTime<Utc>>,
    restored_at: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
struct SlimEmergency {
    documented_at: Option<DateTime<Utc>>,
    post_review: Option<SlimPostReview>,
}

#[derive(Deserialize)]
struct SlimPostReview {
    completed_at: Option<DateTime<Utc>>,
}

/// FNV-1a, stable across runs and Rust versions, for the hashes kept in the cache.
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x100_0000_01b3);
        }
    }
}

fn fnv() -> Fnv {
    Fnv(0xcbf2_9ce4_8422_2325)
}

fn email_of(person: &str) -> String {
    match (person.find('<'), person.rfind('>')) {
        (Some(a), Some(b)) if a < b => person[a + 1..b].trim().to_lowercase(),
        _ => person.trim().to_lowercase(),
    }
}

impl Snapshot {
    /// Hashes only what a renumber keeps (`created_at`, `requested_by`), as
    /// `parse` does: `chg log` needs no more to follow a file, and parsing a
    /// whole snapshot per version made it several times slower.
    pub fn identity_of(text: &str) -> u64 {
        #[derive(Deserialize)]
        struct Who {
            created_at: Option<serde_yaml::Value>,
            requested_by: Option<serde_yaml::Value>,
        }
        let Ok(who) = serde_yaml::from_str::<Who>(text) else {
            return 0;
        };
        let mut h = fnv();
        who.created_at.hash(&mut h);
        who.requested_by.hash(&mut h);
        h.finish()
    }

    /// Summarises one version of a record; text that does not parse gives an empty summary.
    pub fn parse(id: &str, text: &str) -> Snapshot {
        let Ok(tree) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
            return Snapshot::default();
        };
        // Read from the tree by reference, which is then reduced to the scope
        // in place: no copy of it, and no canonical text, for each version.
        let Ok(slim) = Slim::deserialize(&tree) else {
            return Snapshot::default();
        };
        // The approved scope is the one definition of crate::scope, read from the text as written.
        let mut h = fnv();
        crate::scope::hash_canonical(&crate::scope::scope_of(tree), &mut h);
        let scope = h.finish();
        let mut h = fnv();
        slim.created_at.hash(&mut h);
        slim.requested_by.hash(&mut h);
        let identity = h.finish();
        let granted: Vec<&SlimApproval> = slim
            .approvals
            .iter()
            .filter(|a| a.decision == Some(Decision::Approved))
            .collect();
        let approvers = granted
            .iter()
            .filter_map(|a| a.approver.as_deref())
            .map(email_of)
            .collect();
        let own_commit = granted
            .iter()
            .filter(|a| a.method.unwrap_or(Method::Written).needs_approvers_commit())
            .filter_map(|a| a.approver.as_deref())
            .map(email_of)
            .collect();
        let written = granted
            .iter()
            .any(|a| a.method.unwrap_or(Method::Written) == Method::Written);
        let post_review_done = slim
            .emergency
            .as_ref()
            .and_then(|e| e.post_review.as_ref())
            .is_some_and(|p| p.completed_at.is_some());
        // The keys are those of `rules::history::written_times`, which the gate reads from whole records.
        let mut times = Vec::new();
        let mut time = |key: String, t: Option<DateTime<Utc>>| {
            if let Some(t) = t {
                times.push((key, t));
            }
        };
        for (i, a) in slim.approvals.iter().enumerate() {
            time(format!("approvals[{i}].at"), a.at);
        }
        if let Some(i) = &slim.implementation {
            time("implementation.started_at".into(), i.started_at);
            time("implementation.finished_at".into(), i.finished_at);
        }
        for (i, b) in slim.rollbacks.iter().enumerate() {
            time(format!("rollbacks[{i}].started_at"), b.started_at);
            time(format!("rollbacks[{i}].restored_at"), b.restored_at);
        }
        if let Some(e) = &slim.emergency {
            time("emergency.documented_at".into(), e.documented_at);
            time(
                "emergency.post_review.completed_at".into(),
                e.post_review.as_ref().and_then(|p| p.completed_at),
            );
        }
        let change = slim.classification.map(|classification| {
            let implementation = slim.implementation.as_ref();
            Change {
                id: slim.id.clone().unwrap_or_else(|| id.to_string()),
                classification,
                started_at: implementation.and_then(|i| i.started_at),
                finished_at: implementation.and_then(|i| i.finished_at),
                outcome: implementation.and_then(|i| i.outcome),
                issues: implementation.map_or(0, |i| i.issues.len()),
                plan_kind: slim.rollback.as_ref().and_then(|p| p.kind),
                rollbacks: slim
                    .rollbacks
                    .iter()
                    .map(|b| RollbackTimes {
                        kind: b.kind,
                        started_at: b.started_at,
                        restored_at: b.restored_at,
                    })
                    .collect(),
                emergency: None,
            }
        });
        Snapshot {
            identity,
            scope,
            status: slim.status,
            approvers,
            own_commit,
            written,
            post_review_done,
            times,
            change,
        }
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
                    changes.push(c)
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
        let mut progress = crate::progress::Progress::new("reading the history", "commits changing records");
        let seed = hide.and(history_seed);
        let walked = repo.walk_changes_from(tip, hide, seed, &prefix, &year_dirs(&prefix), &mut |meta, changes| {
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

/// The cache file's first line: a version, the repository it belongs to, and
/// a checksum of the rest of the file, which is the history as JSON.
///
/// The body follows the header as it is (not as a JSON string inside it), so
/// reading a 30 MB cache parses it once from the bytes read, with no copy.
#[derive(Serialize, Deserialize)]
struct CacheHeader {
    version: u32,
    repository: String,
    checksum: u64,
}

// 4: snapshots list the approvers who must commit their own approval.
// 6: facts count from evidence times; snapshots keep the times records state.
// 7: the scope is hashed from its tree (`scope::hash_canonical`), not its text.
// 8: facts list every requester ever named; snapshots keep the requester.
// 9: facts keep the rollbacks and the gravest outcome any version recorded.
const CACHE_VERSION: u32 = 9;

struct Cache;

/// Hashes what is read or written through it, to check the cache's body
/// while it is parsed or written.
struct Hashing<R> {
    inner: R,
    hash: Fnv,
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.write(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.write(&buf[..n]);
        Ok(n)
    }
}

impl Cache {
    fn path(repo: &Repo) -> PathBuf {
        repo.git_dir()
            .join("chg")
            .join(format!("history-v{CACHE_VERSION}.json"))
    }

    fn identity(repo: &Repo) -> String {
        std::fs::canonicalize(repo.git_dir())
            .unwrap_or_else(|_| repo.git_dir().to_path_buf())
            .to_string_lossy()
            .into_owned()
    }

    /// Reads the cache; anything wrong with it (missing, corrupt, foreign, old) means no cache.
    ///
    /// The body is parsed as it streams from the file and hashed on the way,
    /// so the file's bytes are never all in memory beside the history.
    fn read(repo: &Repo, path: &std::path::Path) -> Option<History> {
        use std::io::BufRead as _;
        let mut file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path).ok()?);
        let mut head = String::new();
        file.read_line(&mut head).ok()?;
        let header: CacheHeader = serde_json::from_str(&head).ok()?;
        if header.version != CACHE_VERSION || header.repository != Cache::identity(repo) {
            return None;
        }
        let mut body = Hashing {
            inner: file,
            hash: fnv(),
        };
        let history: History = serde_json::from_reader(&mut body).ok()?;
        // Anything after the JSON is corruption too, and must reach the hash.
        std::io::copy(&mut body, &mut std::io::sink()).ok()?;
        (body.hash.finish() == header.checksum).then_some(history)
    }

    /// Writes the cache through a temporary file. The body is serialized
    /// twice, once to hash it for the header and once into the file, so it
    /// is never held in memory (30 MB for 20,000 records).
    fn write(repo: &Repo, path: &std::path::Path, history: &History) -> Result<()> {
        use std::io::Write as _;
        let mut hashing = Hashing {
            inner: std::io::sink(),
            hash: fnv(),
        };
        serde_json::to_writer(&mut hashing, history)?;
        let header = CacheHeader {
            version: CACHE_VERSION,
            repository: Cache::identity(repo),
            checksum: hashing.hash.finish(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
            // Caches of earlier versions are never read again.
            for old in 1..CACHE_VERSION {
                let _ = std::fs::remove_file(dir.join(format!("history-v{old}.json")));
            }
        }
        // A uniquely named temporary file, removed if anything fails: two
        // chg runs never write into one file, and a full disk keeps no half.
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        let temp = tempfile::NamedTempFile::new_in(dir)?;
        let mut file = std::io::BufWriter::with_capacity(1 << 16, temp);
        serde_json::to_writer(&mut file, &header)?;
        file.write_all(b"\n")?;
        serde_json::to_writer(&mut file, history)?;
        let temp = file.into_inner().map_err(|e| e.into_error())?;
        temp.as_file().sync_all()?;
        temp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}

/// One commit in the audit trail of a record.
#[derive(Debug, Clone, Serialize)]
pub struct LogEntry {
    pub commit: String,
    pub author: String,
    pub author_time: DateTime<Utc>,
    pub committer: String,
    pub time: DateTime<Utc>,
    pub summary: String,
    /// The file as this commit left it.
    pub path: String,
    /// Set when this commit renamed the file (a renumber).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub renamed_from: Option<String>,
    /// `created`, `modified` or `deleted`.
    pub action: &'static str,
    pub merge: bool,
    pub changes: Vec<crate::field_diff::FieldChange>,
    /// The record's blob before this commit, as the walk judged it: a
    /// merge's against its first parent (or what a clean merge gives), a
    /// renumber's at the old path. The gate judges each step from these.
    #[serde(skip)]
    pub old: Option<ObjectId>,
    /// The record's blob as this commit left it.
    #[serde(skip)]
    pub new: Option<ObjectId>,
}

/// The audit trail of the record `id` (at `path` at the tip): every commit
/// that touched its file, oldest first, across renumbers, in one walk.
pub fn record_log(repo: &Repo, prefix: &str, tip: ObjectId, path: &str) -> Result<(Vec<LogEntry>, Option<String>)> {
    Repo::verify_object_hashes(false);
    Repo::cache_objects(false);
    struct Raw {
        meta: usize,
        change: FileChange,
    }
    let mut metas: Vec<Commit> = Vec::new();
    let mut raws: Vec<Raw> = Vec::new();
    // A renumber keeps the year, so only the record's year folder is entered.
    let year_dir = path.rsplit_once('/').map_or(prefix, |(dir, _)| dir).to_string();
    let only_year = |dir: &str| dir == year_dir;
    let mut progress = crate::progress::Progress::new("reading the history", "commits changing records");
    let stats = repo.walk_changes(tip, None, prefix, &only_year, &mut |meta, changes| {
        progress.add(1);
        let mut kept = false;
        for c in changes.iter().filter(|c| record_id(prefix, &c.path).is_some()) {
            kept = true;
            raws.push(Raw {
                meta: metas.len(),
                change: c.clone(),
            });
        }
        if kept {
            metas.push(meta.clone());
        }
        Ok(())
    })?;
    // Walk back from the tip: the file's lineage is its path, and the path it
    // was renamed from where a commit added it while deleting a file of the
    // same identity.
    let mut identity: Option<u64> = None;
    let mut current = path.to_string();
    let mut selected: Vec<(usize, Option<String>)> = Vec::new();
    let mut texts: HashMap<ObjectId, String> = HashMap::new();
    let mut text_of = |id: ObjectId| -> Result<String> {
        if let Some(t) = texts.get(&id) {
            return Ok(t.clone());
        }
        let t = repo.blob_text(id)?;
        texts.insert(id, t.clone());
        Ok(t)
    };
    let mut rename_commit: Option<usize> = None;
    for i in (0..raws.len()).rev() {
        if raws[i].change.path != current || Some(raws[i].meta) == rename_commit {
            continue;
        }
        let version = raws[i].change.new.or(raws[i].change.old);
        if let Some(v) = version {
            let found = Snapshot::identity_of(&text_of(v)?);
            match identity {
                None => identity = Some(found),
                Some(id) if id != found && found != 0 && raws[i].change.new.is_some() => continue,
                _ => {}
            }
        }
        let mut renamed = None;
        if raws[i].change.old.is_none() {
            let m = raws[i].meta;
            for j in (0..raws.len()).filter(|j| raws[*j].meta == m && *j != i) {
                let c = &raws[j].change;
                if c.new.is_none() {
                    if let Some(old) = c.old {
                        if Some(Snapshot::identity_of(&text_of(old)?)) == identity {
                            renamed = Some(c.path.clone());
                        }
                    }
                }
            }
        }
        selected.push((i, renamed.clone()));
        if let Some(from) = renamed {
            current = from;
            rename_commit = Some(raws[i].meta);
        }
    }
    selected.reverse();
    let mut entries = Vec::new();
    for (i, renamed) in selected {
        let raw = &raws[i];
        let meta = &metas[raw.meta];
        let old_blob = match (&renamed, raw.change.old) {
            (_, Some(b)) => Some(b),
            (Some(from), None) => raws
                .iter()
                .find(|r| r.meta == raw.meta && r.change.path == *from)
                .and_then(|r| r.change.old),
            (None, None) => None,
        };
        let old = old_blob.map(&mut text_of).transpose()?;
        let new = raw.change.new.map(&mut text_of).transpose()?;
        let value = |t: &Option<String>| -> serde_yaml::Value {
            t.as_deref()
                .and_then(|t| serde_yaml::from_str(t).ok())
                .unwrap_or(serde_yaml::Value::Null)
        };
        let (ov, nv) = (value(&old), value(&new));
        let (action, changes) = match (&old, &new) {
            (None, Some(_)) => ("created", crate::field_diff::created(&nv)),
            (Some(_), None) => ("deleted", Vec::new()),
            _ => ("modified", crate::field_diff::diff(&ov, &nv)),
        };
        entries.push(LogEntry {
            commit: meta.id.to_string(),
            author: meta.author.to_string(),
            author_time: meta.author_time,
            committer: meta.committer.to_string(),
            time: meta.time,
            summary: meta.summary.clone(),
            path: raw.change.path.clone(),
            renamed_from: renamed,
            action,
            merge: meta.is_merge(),
            changes,
            old: old_blob,
            new: raw.change.new,
        });
    }
    Ok((entries, stats.incomplete))
}
