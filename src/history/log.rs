//! The audit trail of one record (`chg log`): every commit that touched its file.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::git::{Commit, FileChange, ObjectId, Repo};

use crate::store::record_id;

use super::Snapshot;
use crate::render::PushFmt as _;

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

/// One file a walked commit changed, with the index of that commit.
struct Raw {
    meta: usize,
    change: FileChange,
}

/// Walks back from the tip through `raws` (oldest first): the file's
/// lineage is its path, and the path it was renamed from where a commit
/// added it while deleting a file of the same identity. Returns the
/// changes of the lineage, newest first, each with the path it was renamed from.
fn lineage(
    raws: &[Raw],
    path: &str,
    text_of: &mut dyn FnMut(ObjectId) -> Result<String>,
) -> Result<Vec<(usize, Option<String>)>> {
    let mut identity: Option<u64> = None;
    let mut current = path.to_string();
    let mut selected: Vec<(usize, Option<String>)> = Vec::new();
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
    Ok(selected)
}

/// The audit trail of the record `id` (at `path` at the tip): every commit
/// that touched its file, oldest first, across renumbers, in one walk.
pub fn record_log(repo: &Repo, prefix: &str, tip: ObjectId, path: &str) -> Result<(Vec<LogEntry>, Option<String>)> {
    let (mut trails, incomplete) = record_logs(repo, prefix, tip, &[path])?;
    Ok((trails.remove(path).unwrap_or_default(), incomplete))
}

/// The audit trails of records, by their paths at the tip.
pub type Trails = BTreeMap<String, Vec<LogEntry>>;

/// What one walk of the history saw of the record files: the commits and their changes, oldest first.
struct Walked {
    metas: Vec<Commit>,
    raws: Vec<Raw>,
}

/// The audit trails of several records (by their paths at the tip) from
/// one walk of the history: an auditor's sample of hundreds of changes
/// costs one walk, not one per change.
pub fn record_logs(repo: &Repo, prefix: &str, tip: ObjectId, paths: &[&str]) -> Result<(Trails, Option<String>)> {
    Repo::verify_object_hashes(false);
    Repo::cache_objects(false);
    let mut walked = Walked {
        metas: Vec::new(),
        raws: Vec::new(),
    };
    // A renumber keeps the year, so only the records' year folders are entered.
    let year_dirs: BTreeSet<String> = paths
        .iter()
        .map(|path| path.rsplit_once('/').map_or(prefix, |(dir, _)| dir).to_string())
        .collect();
    let only_years = |dir: &str| year_dirs.contains(dir);
    let mut progress =
        crate::progress::Progress::new("reading the history", "commits changing records", repo.shows_progress());
    let stats = repo.walk_changes(tip, None, prefix, &only_years, &mut |meta, changes| {
        progress.add(1);
        let mut kept = false;
        for c in changes.iter().filter(|c| record_id(prefix, &c.path).is_some()) {
            kept = true;
            walked.raws.push(Raw {
                meta: walked.metas.len(),
                change: c.clone(),
            });
        }
        if kept {
            walked.metas.push(meta.clone());
        }
        Ok(())
    })?;
    // Each blob is read once, for the lineages and for the entries' diffs.
    let mut texts: HashMap<ObjectId, String> = HashMap::new();
    let mut text_of = |id: ObjectId| -> Result<String> {
        if let Some(t) = texts.get(&id) {
            return Ok(t.clone());
        }
        let t = repo.blob_text(id)?;
        texts.insert(id, t.clone());
        Ok(t)
    };
    let mut trails = BTreeMap::new();
    for path in paths {
        let mut selected = lineage(&walked.raws, path, &mut text_of)?;
        selected.reverse();
        trails.insert((*path).to_string(), entries(&walked, selected, &mut text_of)?);
    }
    Ok((trails, stats.incomplete))
}

/// The log entries of the selected changes: who, when, and which fields changed.
fn entries(
    walked: &Walked,
    selected: Vec<(usize, Option<String>)>,
    text_of: &mut dyn FnMut(ObjectId) -> Result<String>,
) -> Result<Vec<LogEntry>> {
    let raws = &walked.raws;
    let mut entries = Vec::new();
    for (i, renamed) in selected {
        let raw = &raws[i];
        let meta = &walked.metas[raw.meta];
        let old_blob = match (&renamed, raw.change.old) {
            (_, Some(b)) => Some(b),
            (Some(from), None) => raws
                .iter()
                .find(|r| r.meta == raw.meta && r.change.path == *from)
                .and_then(|r| r.change.old),
            (None, None) => None,
        };
        let old = old_blob.map(&mut *text_of).transpose()?;
        let new = raw.change.new.map(&mut *text_of).transpose()?;
        let value = |t: &Option<String>| -> crate::document::Value {
            t.as_deref()
                .and_then(crate::document::loose)
                .unwrap_or(crate::document::Value::Null)
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
    Ok(entries)
}

/// Renders the trail for a reader: one block per commit. Commit authors,
/// messages, paths and field values are written by whoever committed, so
/// each goes through [`crate::render::safe`].
pub fn render_trail(id: &str, entries: &[LogEntry]) -> String {
    let mut out = format!("{id}: {}\n", crate::render::plural(entries.len(), "commit"));
    for e in entries {
        out.push('\n');
        out.push_fmt(format_args!(
            "{}  {}  {}{}\n",
            &e.commit[..e.commit.len().min(10)],
            e.time.format("%Y-%m-%d %H:%M UTC"),
            crate::render::safe(&e.author),
            if e.merge { "  (merge)" } else { "" }
        ));
        if e.committer != e.author || e.author_time != e.time {
            out.push_fmt(format_args!(
                "    committed by {}, authored {}\n",
                crate::render::safe(&e.committer),
                e.author_time.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        out.push_fmt(format_args!("    {}\n", crate::render::safe(&e.summary)));
        if let Some(from) = &e.renamed_from {
            out.push_fmt(format_args!(
                "    renamed: {} → {}\n",
                crate::render::safe(from),
                crate::render::safe(&e.path)
            ));
        }
        match e.action {
            "created" => {
                let key = |name: &str| {
                    e.changes
                        .iter()
                        .find(|c| c.path == name)
                        .and_then(|c| c.new.clone())
                        .unwrap_or_default()
                };
                out.push_fmt(format_args!(
                    "    created: status {}, classification {}, title {}\n",
                    crate::render::safe(&key("status")),
                    crate::render::safe(&key("classification")),
                    crate::render::safe(&key("title"))
                ));
            }
            "deleted" => out.push_fmt(format_args!("    deleted {}\n", crate::render::safe(&e.path))),
            _ if e.changes.is_empty() => out.push_str("    (no field changed: formatting only)\n"),
            _ => {
                for c in &e.changes {
                    out.push_fmt(format_args!("    {}\n", crate::render::safe(&c.to_string())));
                }
            }
        }
    }
    out
}
