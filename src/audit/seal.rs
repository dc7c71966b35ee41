//! The seal of a period: an annotated tag on the store's commit at the end
//! of the period whose message holds the digest of every record of the
//! period. Verifying reads only the tag and the history: the sealed commit
//! must still be in HEAD's history, and no later commit may change a sealed
//! record's approved scope or rewrite its evidence (the gate's append-only
//! rule), or delete it.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::Serialize;

use super::evidence::sha256_hex;
use crate::git::{ObjectId, Tag};
use crate::period::Period;
use crate::record::{Record, Status};
use crate::render::PushFmt as _;
use crate::store::{record_id, Store};

/// The prefix of every seal tag: `chg-seal/2026-11`.
pub const TAG_PREFIX: &str = "chg-seal/";

/// One sealed record: its id, path and the digests of its file and approved scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub id: String,
    pub path: String,
    pub sha256: String,
    pub scope: String,
}

/// What a seal tag's message says.
#[derive(Debug, Clone)]
pub struct Seal {
    pub label: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub commit: String,
    pub records: Vec<Sealed>,
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The tag message: a header line, then one `key value` line per fact.
pub fn message(seal: &Seal) -> String {
    let mut out = format!(
        "chg seal {}\n\nperiod {} {}\ncommit {}\nrecords {}\n",
        seal.label,
        time(seal.from),
        time(seal.to),
        seal.commit,
        seal.records.len()
    );
    for r in &seal.records {
        out.push_fmt(format_args!(
            "record {} {} sha256:{} scope:{}\n",
            r.id, r.path, r.sha256, r.scope
        ));
    }
    out
}

/// Reads a tag message back; `None` when it is not a seal.
pub fn parse(text: &str) -> Option<Seal> {
    let mut lines = text.lines();
    let label = lines.next()?.strip_prefix("chg seal ")?.trim().to_string();
    let mut seal = Seal {
        label,
        from: DateTime::<Utc>::MIN_UTC,
        to: DateTime::<Utc>::MIN_UTC,
        commit: String::new(),
        records: Vec::new(),
    };
    for line in lines {
        let mut words = line.split_whitespace();
        match words.next() {
            Some("period") => {
                seal.from = DateTime::parse_from_rfc3339(words.next()?).ok()?.to_utc();
                seal.to = DateTime::parse_from_rfc3339(words.next()?).ok()?.to_utc();
            }
            Some("commit") => seal.commit = words.next()?.to_string(),
            Some("record") => {
                let id = words.next()?.to_string();
                let path = words.next()?.to_string();
                let sha256 = words.next()?.strip_prefix("sha256:")?.to_string();
                let scope = words.next()?.strip_prefix("scope:")?.to_string();
                seal.records.push(Sealed {
                    id,
                    path,
                    sha256,
                    scope,
                });
            }
            _ => {}
        }
    }
    Some(seal)
}

/// The seal of a period as of `tip`: every record of the period there.
pub fn seal_of(store: &Store, period: &Period, tip: ObjectId) -> Result<Seal> {
    let at = super::evidence::at_commit(store, tip)?;
    let mut records: Vec<Sealed> = at
        .records
        .iter()
        .filter(|l| super::population::in_period(&l.record, period))
        .map(|l| Sealed {
            id: l.record.id.clone(),
            path: l.file.clone(),
            sha256: at.bytes.get(&l.file).map(|b| sha256_hex(b)).unwrap_or_default(),
            scope: l.record.scope_digest(),
        })
        .collect();
    records.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Seal {
        label: period.label(),
        from: period.from,
        to: period.to,
        commit: tip.to_string(),
        records,
    })
}

/// One thing wrong with a seal.
#[derive(Debug, Clone, Serialize)]
pub struct Broken {
    pub tag: String,
    /// The record concerned, when one is.
    pub id: Option<String>,
    pub path: Option<String>,
    /// The commit that did it, when one is known.
    pub commit: Option<String>,
    pub message: String,
}

/// Checks every seal in the repository against HEAD's history.
pub fn verify(store: &Store) -> Result<Vec<Broken>> {
    let repo = store.repo();
    let Some(head) = repo.head_commit()? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for tag in repo.tags(TAG_PREFIX)? {
        out.extend(verify_one(store, &tag, head)?);
    }
    Ok(out)
}

fn broken(tag: &Tag, sealed: Option<&Sealed>, commit: Option<String>, message: String) -> Broken {
    Broken {
        tag: tag.name.clone(),
        id: sealed.map(|s| s.id.clone()),
        path: sealed.map(|s| s.path.clone()),
        commit,
        message,
    }
}

fn parse_record(store: &Store, blob: Option<ObjectId>, path: &str) -> Result<Option<Record>> {
    let Some(blob) = blob else { return Ok(None) };
    let Some(bytes) = store.repo().blob_bytes(blob)? else {
        return Ok(None);
    };
    Ok(Store::parse_record(path, &String::from_utf8_lossy(&bytes))
        .ok()
        .map(|l| l.record))
}

/// On a rewritten branch, compares each sealed record with its version at
/// the end of the period (the last commit before it on HEAD), noting what
/// changed; returns that commit, from which the rest of HEAD is judged.
fn rewritten(
    store: &Store,
    tag: &Tag,
    seal: &Seal,
    sealed: &BTreeMap<String, (&Sealed, Option<Record>)>,
    head: ObjectId,
    reported: &mut BTreeSet<String>,
    out: &mut Vec<Broken>,
) -> Result<Option<ObjectId>> {
    let repo = store.repo();
    let prefix = store.prefix();
    let sealed_commit = tag.target;
    let Some(end) = repo.last_commit_before(head, seal.to)? else {
        return Ok(None);
    };
    let fork = repo.merge_base(sealed_commit, end).ok();
    let mut last: BTreeMap<String, crate::git::Commit> = BTreeMap::new();
    repo.walk_changes(end, fork, &prefix, &|_| true, &mut |commit, changes| {
        for change in changes.iter().filter(|c| sealed.contains_key(&c.path)) {
            last.insert(change.path.clone(), commit.clone());
        }
        Ok(())
    })?;
    let end_commit = repo.commit_info(end)?;
    for (path, (s, old)) in sealed {
        let Some(old) = old else { continue };
        let blob = repo.blob_id_at(end, path)?;
        let commit = last.get(path).unwrap_or(&end_commit);
        let why = match parse_record(store, blob, path)? {
            None => Some(format!(
                "{path} is not in the rewritten history at the end of the period"
            )),
            Some(new) => changed(commit, path, old, &new, &crate::policy::Policy::default()),
        };
        if let Some(why) = why {
            reported.insert(s.id.clone());
            out.push(changed_after_seal(
                tag,
                seal,
                s,
                commit,
                &format!(" (rewritten history): {why}"),
            ));
        }
    }
    Ok(Some(end))
}

/// A sealed record changed by `commit` after the seal; `what` follows the period's label.
fn changed_after_seal(tag: &Tag, seal: &Seal, s: &Sealed, commit: &crate::git::Commit, what: &str) -> Broken {
    broken(
        tag,
        Some(s),
        Some(commit.id.to_string()),
        format!(
            "{} of sealed period {}{what} (commit {})",
            s.id,
            seal.label,
            commit.short()
        ),
    )
}

fn verify_one(store: &Store, tag: &Tag, head: ObjectId) -> Result<Vec<Broken>> {
    let repo = store.repo();
    let mut out = Vec::new();
    let Some(seal) = parse(&tag.message) else {
        out.push(broken(
            tag,
            None,
            None,
            format!("the tag {} is not a chg seal (its message does not parse)", tag.name),
        ));
        return Ok(out);
    };
    let sealed_commit = tag.target;
    if seal.commit != sealed_commit.to_string() {
        out.push(broken(
            tag,
            None,
            None,
            format!(
                "the seal names commit {} but the tag points at {}",
                seal.commit, sealed_commit
            ),
        ));
    }
    // The sealed records as they were, from the tag's own commit.
    let mut sealed: BTreeMap<String, (&Sealed, Option<Record>)> = BTreeMap::new();
    for s in &seal.records {
        let bytes = repo.blob_at(sealed_commit, &s.path)?;
        if bytes.as_deref().map(sha256_hex).as_deref() != Some(s.sha256.as_str()) {
            out.push(broken(
                tag,
                Some(s),
                None,
                format!("{} at the sealed commit differs from the digest the seal holds", s.path),
            ));
        }
        let blob = repo.blob_id_at(sealed_commit, &s.path)?;
        sealed.insert(s.path.clone(), (s, parse_record(store, blob, &s.path)?));
    }
    let prefix = store.prefix();
    let mut reported: BTreeSet<String> = BTreeSet::new();
    let policy = crate::policy::Policy::default();
    // A rewritten branch no longer holds the sealed commit: its own commit at
    // the end of the period is compared with the seal, then its later commits
    // are judged as on an intact branch.
    let base = if repo.is_ancestor(sealed_commit, head)? {
        sealed_commit
    } else {
        out.push(broken(
            tag,
            None,
            None,
            format!(
                "the sealed commit {sealed_commit} of {} is no longer in the history of HEAD: the branch was rewritten (force-pushed) after the seal",
                seal.label
            ),
        ));
        let Some(end) = rewritten(store, tag, &seal, &sealed, head, &mut reported, &mut out)? else {
            return Ok(out);
        };
        end
    };
    repo.walk_changes(head, Some(base), &prefix, &|_| true, &mut |commit, changes| {
        for change in changes {
            let Some((s, Some(old))) = sealed.get(&change.path) else {
                continue;
            };
            if reported.contains(&s.id) || record_id(&prefix, &change.path).is_none() {
                continue;
            }
            let new = parse_record(store, change.new, &change.path)?;
            let why = match &new {
                None if change.new.is_none() => Some(format!("{} removed {} after the seal", commit.author, s.path)),
                None => Some(format!("{} left {} unreadable after the seal", commit.author, s.path)),
                Some(new) => changed(commit, &change.path, old, new, &policy),
            };
            if let Some(why) = why {
                reported.insert(s.id.clone());
                out.push(changed_after_seal(tag, &seal, s, commit, &format!(": {why}")));
            }
        }
        Ok(())
    })?;
    // A record that is simply gone from HEAD (its removal in a commit the walk did not see).
    for (path, (s, _)) in &sealed {
        if !reported.contains(&s.id) && repo.blob_id_at(head, path)?.is_none() {
            out.push(broken(
                tag,
                Some(s),
                None,
                format!("{} of sealed period {}: {path} is no longer in HEAD", s.id, seal.label),
            ));
        }
    }
    Ok(out)
}

/// Why a later version breaks the seal of `old`, if it does: the approved
/// scope changed (outside a new approval round of a change still open), or
/// evidence was rewritten (the gate's append-only rule).
fn changed(
    commit: &crate::git::Commit,
    path: &str,
    old: &Record,
    new: &Record,
    policy: &crate::policy::Policy,
) -> Option<String> {
    let step = crate::rules::history::Step {
        commit,
        path,
        old: Some(old),
        new: Some(new),
    };
    let rewritten: Vec<String> = crate::rules::history::check_step(&step, policy, None)
        .into_iter()
        .filter(|f| f.rule == crate::rule::Rule::ApprovalRemoved)
        .map(|f| f.message)
        .collect();
    if !rewritten.is_empty() {
        return Some(rewritten.join("; "));
    }
    let new_round = matches!(old.status, Status::Approved | Status::Scheduled) && new.status == Status::Submitted;
    if old.scope_digest() != new.scope_digest() && !new_round {
        let fields = crate::scope::changed_fields(&old.approved_scope(), &new.approved_scope());
        return Some(format!(
            "{} changed {} after the seal",
            commit.author,
            fields.join(", ")
        ));
    }
    None
}
