//! The summary of one version of a record file, parsed from only the fields the facts and metrics need.

use std::hash::{Hash, Hasher};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::document::Value;
use crate::metrics::{Change, RollbackTimes};
use crate::record::{Classification, Decision, Method, Outcome, RollbackKind, Status};

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
    /// The email in `requested_by`, as written (the gate compares it exactly).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub requester: String,
}

#[derive(Deserialize)]
struct Slim {
    id: Option<String>,
    status: Option<Status>,
    classification: Option<Classification>,
    created_at: Option<Value>,
    requested_by: Option<Value>,
    rollback: Option<SlimPlan>,
    #[serde(default)]
    approvals: Vec<SlimApproval>,
    implementation: Option<SlimImplementation>,
    #[serde(default)]
    /// Read straight into the metrics' type: a rollback's times are all the walk keeps.
    rollbacks: Vec<RollbackTimes>,
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
struct SlimEmergency {
    documented_at: Option<DateTime<Utc>>,
    post_review: Option<SlimPostReview>,
}

#[derive(Deserialize)]
struct SlimPostReview {
    completed_at: Option<DateTime<Utc>>,
}

/// FNV-1a, stable across runs and Rust versions, for the hashes kept in the cache.
pub(super) struct Fnv(u64);

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

pub(super) fn fnv() -> Fnv {
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
            created_at: Option<Value>,
            requested_by: Option<Value>,
        }
        let Some(who) = crate::document::loose::<Who>(text) else {
            return 0;
        };
        let mut h = fnv();
        who.created_at.hash(&mut h);
        who.requested_by.hash(&mut h);
        h.finish()
    }

    /// Summarises one version of a record; text that does not parse gives an empty summary.
    pub fn parse(id: &str, text: &str) -> Snapshot {
        let Some(tree) = crate::document::loose::<Value>(text) else {
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
        // The times the deadlines and metrics judge by their evidence (`rules::history::judged_time`),
        // keyed as `rules::history::written_times` keys them; the gate reads that whole list from records.
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
                rollbacks: slim.rollbacks.clone(),
                emergency: None,
                resolution: None,
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
            requester: slim
                .requested_by
                .as_ref()
                .and_then(Value::as_str)
                .and_then(|p| crate::person::Person::parse(p).ok())
                .map(|p| p.email().to_string())
                .unwrap_or_default(),
        }
    }
}
