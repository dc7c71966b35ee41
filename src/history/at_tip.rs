//! The records' current state at a commit, as the metrics and the reports
//! read it: one walk of the history, the policy as committed there, and the
//! deadlines of each emergency judged on its whole record.

use std::collections::{BTreeMap, HashMap};

use anyhow::{bail, Result};

use super::{History, Source};
use crate::git::ObjectId;
use crate::metrics::{self, Change, Facts, Period};
use crate::policy::Policy;
use crate::store::Store;

/// What the history says at one commit.
pub struct AtTip {
    /// Each record's summary at the tip.
    pub changes: Vec<Change>,
    /// What the history says of each record, by id.
    pub facts: BTreeMap<String, Facts>,
    /// Record files at the tip that do not parse, left out of every figure.
    pub unparsed: Vec<String>,
    /// The policy as committed at the tip.
    pub policy: Policy,
    /// Why the history is incomplete (shallow clone), when it is.
    pub incomplete: Option<String>,
    pub source: Source,
}

impl AtTip {
    /// Walks the history to `tip` (from the cache unless `no_cache`).
    pub fn read(store: &Store, tip: ObjectId, no_cache: bool) -> Result<AtTip> {
        let (history, source) = History::build(store.repo(), &store.prefix(), tip, no_cache)?;
        let policy = policy_at(store, tip)?;
        let incomplete = history.incomplete.clone();
        let (mut changes, facts, unparsed) = history.into_current();
        attach_deadlines(store, tip, &policy, &facts, &mut changes)?;
        Ok(AtTip {
            changes,
            facts,
            unparsed,
            policy,
            incomplete,
            source,
        })
    }

    /// Warns, through `warn` (the command's, which knows `-q`), when the
    /// history is incomplete (a shallow clone).
    pub fn warn_incomplete(&self, warn: &dyn Fn(&str)) {
        if let Some(why) = &self.incomplete {
            warn(&format!("warning: {why}; the history-judged figures may be wrong"));
        }
    }
}

/// Computes the metrics of several periods at HEAD from one walk of the
/// history (for the reports), warning through `warn` when it is incomplete.
pub fn metrics_at_head(
    store: &Store,
    periods: &[Period],
    now: chrono::DateTime<chrono::Utc>,
    warn: &dyn Fn(&str),
) -> Result<Vec<metrics::Metrics>> {
    let repo = store.repo();
    if repo.head_commit()?.is_none() {
        bail!("the repository has no commits yet\n  hint: reports are computed from committed records; commit the store first");
    }
    let tip = repo.resolve("HEAD")?;
    let at = AtTip::read(store, tip, false)?;
    at.warn_incomplete(warn);
    Ok(periods
        .iter()
        .map(|p| metrics::compute(&at.changes, &at.facts, &at.policy, *p, now))
        .collect())
}

/// Judges the deadlines of each emergency change on its whole record at
/// `tip`, as `chg check` does: the history keeps only a summary of each
/// record, and emergencies are few, so only their files are read again.
fn attach_deadlines(
    store: &Store,
    tip: ObjectId,
    policy: &Policy,
    facts: &BTreeMap<String, Facts>,
    changes: &mut [Change],
) -> Result<()> {
    let repo = store.repo();
    let prefix = store.prefix();
    let mut emergencies = changes
        .iter_mut()
        .filter(|c| c.classification == crate::record::Classification::Emergency)
        .peekable();
    if emergencies.peek().is_none() {
        return Ok(());
    }
    // Every record's blob at `tip`, by id, read once: looking each emergency
    // up by path read its year's folder again (6,600 entries at 20,000
    // records), which made a warm `chg metrics` three times slower.
    let files = repo.files_at(tip, &prefix)?;
    let blobs = blobs_by_id(&prefix, &files);
    for change in emergencies {
        let Some(&(_, blob)) = blobs.get(change.id.as_str()) else {
            continue;
        };
        // A file that does not parse is reported by `chg check`; its deadlines stay unjudged.
        if let Ok(parsed) = crate::document::parse::<crate::record::Record>(&repo.blob_text(blob)?) {
            let times = facts
                .get(&change.id)
                .map_or(&[][..], |f| f.implausible_times.as_slice());
            change.emergency = crate::rules::emergency_deadlines_judged(&parsed.value, policy, times);
            change.resolution = crate::rules::time_to_resolution(&parsed.value);
        }
    }
    Ok(())
}

/// The blob of each record file, by id. Of two files with one id (`chg
/// check` reports the pair), the one in its id's year folder is read, and
/// `.yaml` before `.yml` (git lists paths sorted).
fn blobs_by_id<'a>(prefix: &str, files: &'a [(String, ObjectId)]) -> HashMap<&'a str, (bool, ObjectId)> {
    let mut blobs: HashMap<&str, (bool, ObjectId)> = HashMap::new();
    for (path, blob) in files {
        let Some(id) = crate::store::record_id(prefix, path) else {
            continue;
        };
        let year = id.split('-').nth(1).unwrap_or("");
        let in_its_year = path.starts_with(&format!("{prefix}/{year}/"));
        let best = blobs.entry(id).or_insert((in_its_year, *blob));
        if in_its_year && !best.0 {
            *best = (true, *blob);
        }
    }
    blobs
}

fn policy_at(store: &Store, tip: ObjectId) -> Result<Policy> {
    let path = format!("{}/policy.yaml", store.prefix());
    let Some(blob) = store.repo().blob_id_at(tip, &path)? else {
        return Ok(Policy::default());
    };
    let text = store.repo().blob_text(blob)?;
    let parsed = crate::document::parse::<Policy>(&text).map_err(|error| crate::error::FileError {
        file: format!("{path} at {tip}"),
        error,
    })?;
    Ok(parsed.value)
}
