//! What the metrics read: the fields of each record, and what the history
//! witnessed about it (commits, their times and authors).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::record::{Classification, Outcome, Record, RollbackEntry, RollbackKind};
use crate::rules::EmergencyDeadlines;

/// The fields of a record the metrics read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub id: String,
    pub classification: Classification,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    /// How many `implementation.issues` are listed.
    pub issues: usize,
    /// The kind the rollback plan declares, for rollback entries that name none.
    pub plan_kind: Option<RollbackKind>,
    pub rollbacks: Vec<RollbackTimes>,
    /// The guide's deadlines of an emergency change, judged as `chg check`
    /// judges them. Filled from the record at the tip with the policy in
    /// force (by `chg metrics` and the reports), never cached.
    #[serde(skip)]
    pub emergency: Option<EmergencyDeadlines>,
    /// An emergency's time to resolution, from the record at the tip (as `emergency`).
    #[serde(skip)]
    pub resolution: Option<crate::rules::Resolution>,
}

/// The times of one rollback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollbackTimes {
    pub kind: Option<RollbackKind>,
    pub started_at: Option<DateTime<Utc>>,
    pub restored_at: Option<DateTime<Utc>>,
}

impl From<&RollbackEntry> for RollbackTimes {
    fn from(b: &RollbackEntry) -> RollbackTimes {
        RollbackTimes {
            kind: b.kind,
            started_at: b.started_at,
            restored_at: b.restored_at,
        }
    }
}

impl From<&Record> for Change {
    fn from(r: &Record) -> Change {
        Change {
            id: r.id.clone(),
            classification: r.classification,
            started_at: r.started_at(),
            finished_at: r.finished_at(),
            outcome: r.outcome(),
            issues: r.implementation.as_ref().map_or(0, |i| i.issues.len()),
            plan_kind: r.rollback_kind(),
            rollbacks: r.rollbacks.iter().map(RollbackTimes::from).collect(),
            emergency: None,
            resolution: crate::rules::time_to_resolution(r),
        }
    }
}

impl Change {
    /// Measures one of its rollbacks against its RTO, as `chg check` does
    /// (`Policy::judge_rollback`); `None` until both times are known.
    pub fn rto_check(
        &self,
        rollback: &RollbackTimes,
        policy: &crate::policy::Policy,
    ) -> Option<crate::policy::RtoCheck> {
        policy.judge_rollback(
            (rollback.kind, self.plan_kind),
            rollback.started_at,
            rollback.restored_at,
        )
    }

    /// True for an emergency change.
    pub fn is_emergency(&self) -> bool {
        self.classification == Classification::Emergency
    }
}

/// A moment the repository witnessed: a commit, its committer time and author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub commit: crate::git::ObjectId,
    pub at: DateTime<Utc>,
    /// The author's email.
    pub by: String,
}

impl Stamp {
    pub(crate) fn short(&self) -> String {
        self.commit.short()
    }
}

/// The first commit in which a record had each status, by status name.
///
/// A short list rather than a `BTreeMap`: a map's node reserves room for 11
/// entries (1.3 KB) where a record reaches 4 to 6 statuses, and the history
/// of a large store holds one per record. Written as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusStamps(Vec<(String, Stamp)>);

impl StatusStamps {
    pub fn get(&self, status: &str) -> Option<&Stamp> {
        self.0.iter().find(|(s, _)| s == status).map(|(_, stamp)| stamp)
    }

    /// Keeps the earlier of the stamp held for `status` and `stamp`.
    pub fn keep_earliest(&mut self, status: &str, stamp: &Stamp) {
        match self.0.iter_mut().find(|(s, _)| s == status) {
            Some((_, held)) if held.at <= stamp.at => {}
            Some((_, held)) => *held = stamp.clone(),
            None => self.0.push((status.to_string(), stamp.clone())),
        }
    }
}

impl Serialize for StatusStamps {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(s, stamp)| (s, stamp)))
    }
}

impl<'de> Deserialize<'de> for StatusStamps {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<StatusStamps, D::Error> {
        let map = BTreeMap::<String, Stamp>::deserialize(deserializer)?;
        Ok(StatusStamps(map.into_iter().collect()))
    }
}

/// What the history says about one record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// The first commit of the record's file (before any rename); its author filed the record.
    pub first_commit: Option<Stamp>,
    /// Every email ever named in `requested_by`, in order of first appearance.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requesters: Vec<String>,
    /// The first commit in which the record had each status.
    pub status_first: StatusStamps,
    /// The first commit holding a granted approval.
    pub first_approval: Option<Stamp>,
    /// The latest commit in which the record went from no granted approval
    /// to some: the approval that holds now, after a change was sent back.
    pub last_approval: Option<Stamp>,
    /// The first commit holding a granted written approval.
    pub first_written_approval: Option<Stamp>,
    /// The first commit with `emergency.post_review.completed_at` set.
    pub post_review: Option<Stamp>,
    /// Commits that changed the approved scope (`crate::scope`) of a record
    /// that already held a granted approval.
    pub edits_after_approval: Vec<Stamp>,
    /// Granted approvals committed by someone other than the approver: (approver email, commit).
    pub approvals_by_others: Vec<(String, Stamp)>,
    /// Times the record states that are implausible against when history
    /// received them; deadlines and metrics use the evidence time instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implausible_times: Vec<crate::rules::history::TimeEvidence>,
    /// The rollback entries of the version that held the most.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rollbacks_seen: Vec<RollbackTimes>,
    /// The gravest outcome any version recorded (rolled back, then failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gravest_outcome: Option<Outcome>,
}

impl Facts {
    /// Notes the outcome and rollbacks of a version the history walked.
    pub fn saw(&mut self, version: &Change) {
        if version.rollbacks.len() > self.rollbacks_seen.len() {
            self.rollbacks_seen = version.rollbacks.clone();
        }
        if gravity(version.outcome) > gravity(self.gravest_outcome) {
            self.gravest_outcome = version.outcome;
        }
    }

    /// Puts back into the record at the tip the rollbacks and the outcome an
    /// earlier version recorded. Evidence is append-only: a later version
    /// that drops them (a merge with an old commit restoring the record as it
    /// was before its rollback) cannot make a rolled-back change count as a
    /// success. `chg check --base` flags such a commit (`approval-removed`).
    pub fn restore_evidence(&self, change: &mut Change) {
        if self.rollbacks_seen.len() > change.rollbacks.len() {
            change.rollbacks = self.rollbacks_seen.clone();
        }
        if gravity(self.gravest_outcome) > gravity(change.outcome) {
            change.outcome = self.gravest_outcome;
        }
    }
}

/// How grave an outcome is: a change may go from successful to rolled back
/// (`chg rollback` after completion), never back.
fn gravity(outcome: Option<Outcome>) -> u8 {
    match outcome {
        None => 0,
        Some(Outcome::Successful) => 1,
        Some(Outcome::Failed) => 2,
        Some(Outcome::RolledBack) => 3,
    }
}
