//! Gathers what the verdicts are read from, in one walk of the store's
//! history up to the end of the period (the one walk in `git::walk`): the
//! gate's history rules on every commit of each record in the population,
//! the commit that added each approval (with its signature where the policy
//! asked for one), the commits that first witnessed an emergency's
//! follow-ups, and every version of the policy.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use sha2::{Digest, Sha256};

use super::controls::{ApprovalCommit, Witnessed};
use crate::document;
use crate::error::FileError;
use crate::git::{AllowedSigners, Commit, ObjectId, Repo};
use crate::policy::Policy;
use crate::record::Record;
use crate::rules::history::{self, HistoryFinding, Step};
use crate::store::{record_id, Loaded, Store};

/// One version of the policy: the commit that wrote it and its text.
#[derive(Debug, Clone)]
pub struct PolicyVersion {
    pub commit: Commit,
    /// The file's text; `None` when the commit deleted it.
    pub text: Option<String>,
}

/// What the walk found, by record id.
#[derive(Default)]
pub struct Walked {
    pub history: BTreeMap<String, Vec<HistoryFinding>>,
    pub approvals: BTreeMap<String, Vec<ApprovalCommit>>,
    pub witnessed: BTreeMap<String, Witnessed>,
    pub policies: Vec<PolicyVersion>,
    pub incomplete: Option<String>,
}

/// The store at one commit: its parsed records, the ones that do not parse, policy and templates.
pub struct AtCommit {
    pub records: Vec<Loaded>,
    /// Record files that do not parse there: exceptions, never skipped.
    pub unparsed: Vec<FileError>,
    /// The exact bytes of every record file, by path.
    pub bytes: BTreeMap<String, Vec<u8>>,
    pub policy: Policy,
    pub templates: BTreeMap<String, crate::template::Template>,
}

/// The SHA-256 of bytes, in hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Reads the policy as committed at `tip` (every default when there is none).
pub fn policy_at(repo: &Repo, prefix: &str, tip: ObjectId) -> Result<Policy> {
    let path = format!("{prefix}/policy.yaml");
    let Some(blob) = repo.blob_id_at(tip, &path)? else {
        return Ok(Policy::default());
    };
    let text = repo.blob_text(blob)?;
    let parsed = document::parse::<Policy>(&text).map_err(|error| FileError {
        file: format!("{path} at {tip}"),
        error,
    })?;
    Ok(parsed.value)
}

/// Reads the store as committed at `tip`.
pub fn at_commit(store: &Store, tip: ObjectId) -> Result<AtCommit> {
    let repo = store.repo();
    let prefix = store.prefix();
    let policy = policy_at(repo, &prefix, tip)?;
    let mut records = Vec::new();
    let mut unparsed = Vec::new();
    let mut bytes = BTreeMap::new();
    let mut templates = BTreeMap::new();
    let template_dir = format!("{prefix}/templates/");
    for (path, blob) in repo.files_at(tip, &prefix)? {
        if let Some(name) = path.strip_prefix(&template_dir) {
            let Some(stem) = crate::store::yaml_stem(name) else {
                continue;
            };
            // A template that does not parse is `chg check`'s finding; here it is simply absent.
            if let Ok(t) = document::parse::<crate::template::Template>(&repo.blob_text(blob)?) {
                templates.insert(stem.to_string(), t.value);
            }
            continue;
        }
        if record_id(&prefix, &path).is_none() {
            continue;
        }
        let raw = repo.blob_bytes(blob)?.unwrap_or_default();
        let text = String::from_utf8_lossy(&raw).into_owned();
        match Store::parse_record(&path, &text) {
            Ok(loaded) => records.push(loaded),
            Err(e) => unparsed.push(e),
        }
        bytes.insert(path, raw);
    }
    Ok(AtCommit {
        records,
        unparsed,
        bytes,
        policy,
        templates,
    })
}

fn parse(repo: &Repo, blob: Option<ObjectId>, path: &str) -> Result<Option<Record>> {
    let Some(blob) = blob else { return Ok(None) };
    let Some(bytes) = repo.blob_bytes(blob)? else {
        return Ok(None);
    };
    Ok(Store::parse_record(path, &String::from_utf8_lossy(&bytes))
        .ok()
        .map(|l| l.record))
}

/// Notes `commit` as the first witness of each emergency follow-up its
/// version of the record shows done, where none was noted before.
fn witness(seen: &mut Witnessed, commit: &Commit, new: &Record, policy: &Policy) {
    let stamp = || Some((commit.id.to_string(), commit.time));
    let emergency = new.emergency.as_ref();
    if seen.documented.is_none() && emergency.is_some_and(|e| e.documented_at.is_some()) {
        seen.documented = stamp();
    }
    if seen.written_approval.is_none() && crate::rules::written_approval_at(new, policy).is_some() {
        seen.written_approval = stamp();
    }
    if seen.post_review.is_none()
        && emergency
            .and_then(|e| e.post_review.as_ref())
            .is_some_and(|p| p.completed_at.is_some())
    {
        seen.post_review = stamp();
    }
}

/// Walks the history up to `tip`, judging the records whose id is in `ids`.
pub fn walk(store: &Store, tip: ObjectId, ids: &BTreeSet<String>) -> Result<Walked> {
    let repo = store.repo();
    let prefix = store.prefix();
    let policy_path = format!("{prefix}/policy.yaml");
    let mut out = Walked::default();
    let mut policy = Policy::default();
    let mut signers: Option<AllowedSigners> = None;
    let mut requesters: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let year_dirs = |dir: &str| {
        dir.strip_prefix(prefix.as_str())
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(|n| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()))
    };
    let stats = repo.walk_changes(tip, None, &prefix, &year_dirs, &mut |commit, changes| {
        // The policy this commit was made under is the one before it: its record changes are judged first.
        for change in changes {
            let path = &change.path;
            let Some(id) = record_id(&prefix, path) else { continue };
            if !ids.contains(id) || change.link {
                continue;
            }
            let old = parse(repo, change.old, path)?;
            let new = parse(repo, change.new, path)?;
            let step = Step {
                commit,
                path,
                old: old.as_ref(),
                new: new.as_ref(),
            };
            let found = out.history.entry(id.to_string()).or_default();
            // Signatures are judged below with the key and status kept, not as a finding.
            found.extend(history::check_step(&step, &policy, None));
            let known = requesters.entry(id.to_string()).or_default();
            if old.is_none() && new.is_some() {
                known.push(commit.author.email().to_string());
            }
            known.extend(old.iter().chain(new.iter()).map(|r| r.requested_by.email().to_string()));
            let Some(new) = step.new else { continue };
            found.extend(history::self_approval(&step, new, known));
            let olds: &[crate::record::Approval] = old.as_ref().map_or(&[], |o| o.approvals.as_slice());
            for (index, a) in new.approvals.iter().enumerate() {
                if olds.contains(a) {
                    continue;
                }
                let required = policy.require_signed_approvals && a.method.needs_approvers_commit();
                let key_listed = policy
                    .signing_keys
                    .keys()
                    .any(|k| crate::person::emails_match(k, a.approver.email()));
                let signature = if required && key_listed {
                    if signers.is_none() {
                        signers = Some(AllowedSigners::new(&policy.signing_keys)?);
                    }
                    match &signers {
                        Some(s) => Some(repo.signature_of(commit.id, s)?),
                        None => None,
                    }
                } else {
                    None
                };
                out.approvals.entry(id.to_string()).or_default().push(ApprovalCommit {
                    index,
                    role: a.role.to_string(),
                    approver: a.approver.to_string(),
                    approver_email: a.approver.email().to_string(),
                    method: a.method.to_string(),
                    at: a.at,
                    commit: commit.id.to_string(),
                    author: commit.author.to_string(),
                    committer: commit.committer.to_string(),
                    commit_time: commit.time,
                    signing_required: required,
                    key_listed,
                    signature,
                });
            }
            witness(out.witnessed.entry(id.to_string()).or_default(), commit, new, &policy);
        }
        if let Some(change) = changes.iter().find(|c| c.path == policy_path) {
            let text = match change.new {
                Some(blob) => Some(repo.blob_text(blob)?),
                None => None,
            };
            policy = text
                .as_deref()
                .and_then(|t| document::parse::<Policy>(t).ok())
                .map(|p| p.value)
                .unwrap_or_default();
            signers = None;
            out.policies.push(PolicyVersion {
                commit: commit.clone(),
                text,
            });
        }
        Ok(())
    })?;
    out.incomplete = stats.incomplete;
    Ok(out)
}
