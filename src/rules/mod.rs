//! The rules of `chg check`: pure functions from records and policy to
//! findings, so each can be tested without a repository.

mod approvals;
mod calendar;
mod classification;
pub mod deploy;
pub(crate) mod emergency;
pub mod history;
pub mod identity;
pub mod linking;
mod outcome;
mod readiness;
pub mod rollback;
mod status;
mod template;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

pub use approvals::{approval_status, ApprovalStatus};
pub use classification::CVSS_THRESHOLD;
pub use emergency::{
    emergency_deadlines, implemented_at, next_cab_meeting, written_approval_at, Deadline, EmergencyDeadlines, Verdict,
};

use crate::finding::Finding;
use crate::policy::Policy;
use crate::store::Loaded;

/// What the rules need besides the records.
pub struct Context<'a> {
    pub policy: &'a Policy,
    /// The catalogue's templates, by name (file stem).
    pub templates: &'a BTreeMap<String, crate::template::Template>,
    /// The time deadlines are judged at.
    pub now: DateTime<Utc>,
}

/// Every rule name `chg check` knows, for documentation and tests.
pub const RULES: &[&str] = &[
    "yaml-syntax",
    "schema",
    "merge-conflict",
    "id-mismatch",
    "duplicate-id",
    "risk-classification",
    "rollback-plan-missing",
    "testing-incomplete",
    "approval-missing",
    "approval-stale",
    "approver-not-authorized",
    "self-approval",
    "lookalike-email",
    "template-missing",
    "template-mismatch",
    "emergency-criteria-missing",
    "cvss-below-threshold",
    "outcome-incomplete",
    "rollback-record-incomplete",
    "illegal-transition",
    "approval-not-by-approver",
    "edited-after-approval",
    "approval-removed",
    "policy-edit-unauthorized",
    "record-deleted",
    "symlink",
    "outside-window",
    "freeze-conflict",
    "schedule-conflict",
    "approver-unavailable",
    "illegal-status",
    "emergency-documentation-overdue",
    "emergency-approval-overdue",
    "emergency-review-overdue",
    "cab-review-missing",
    "rto-exceeded",
    "post-rollback-actions-missing",
    "rollback-test-stale",
    "sealed-record-changed",
];

/// Rules that judge deadlines; `chg submit` does not refuse for them, since
/// documenting late must still be possible.
pub const DEADLINE_RULES: &[&str] = &[
    "emergency-documentation-overdue",
    "emergency-approval-overdue",
    "emergency-review-overdue",
    "cab-review-missing",
];

/// Runs every rule over the records and returns the findings, in file order.
pub fn check(records: &[Loaded], ctx: &Context) -> Vec<Finding> {
    let mut findings = identity::check_store(records);
    // Records are judged on their own, so on every core (a finding's position
    // parses its file a second time, which is most of the work).
    findings.extend(
        crate::parallel::map(records, |loaded| check_record(loaded, ctx))
            .into_iter()
            .flatten(),
    );
    findings.extend(calendar::check(records, ctx));
    findings.sort_by(|a, b| (&a.file, a.line, a.column, a.rule).cmp(&(&b.file, b.line, b.column, b.rule)));
    findings
}

/// Runs the rules that judge one record on its own.
pub fn check_record(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    findings.extend(identity::check_record(loaded));
    findings.extend(classification::check(loaded, ctx));
    findings.extend(template::check(loaded, ctx));
    findings.extend(readiness::check(loaded, ctx));
    findings.extend(approvals::check(loaded, ctx));
    findings.extend(outcome::check(loaded, ctx));
    findings.extend(status::check(loaded, ctx));
    findings.extend(emergency::check(loaded, ctx));
    findings.extend(rollback::check(loaded, ctx));
    findings
}
