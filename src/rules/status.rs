//! `illegal-status`: a status the lifecycle cannot reach from what the
//! record holds (in-progress without approvals, rejected without a
//! rejection, cancelled without a cancellation, ...).

use super::{approval_status, Context};
use crate::finding::Finding;
use crate::lifecycle;
use crate::record::{Classification, Decision, Status};
use crate::rule::Rule;
use crate::store::Loaded;

/// Checks that the status is reachable from the record's content.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let mut problems: Vec<(String, String)> = Vec::new();
    let status = record.status;
    let class = record.classification;
    if lifecycle::implemented(status) && class != Classification::Standard {
        if class == Classification::Emergency {
            if !approval_status(record, ctx.policy).satisfied {
                problems.push((
                    format!("an emergency change is `{status}` without the approvals it needs, verbal at least"),
                    format!(
                        "an emergency may start once the CISO and CTO (or the CEO) approved: `chg approve {} --verbal --role ciso --by EMAIL`",
                        record.id
                    ),
                ));
            }
        } else if record.granted_approvals().next().is_none() {
            problems.push((
                format!("a {class} change is `{status}` without any approval"),
                format!(
                    "only an emergency may start before approval; approvers run `chg approve {}`",
                    record.id
                ),
            ));
        }
    }
    if status == Status::Rejected && !record.approvals.iter().any(|a| a.decision == Decision::Rejected) {
        problems.push((
            "the change is `rejected` but no approver rejected it".into(),
            format!("an approver runs `chg reject {} --reason ...`", record.id),
        ));
    }
    if status == Status::Cancelled && record.cancellation.is_none() {
        problems.push((
            "the change is `cancelled` without a `cancellation` (at, by, reason)".into(),
            format!("cancel it with `chg cancel {} --reason ...`", record.id),
        ));
    }
    if !lifecycle::implemented(status) && record.started_at().is_some() {
        problems.push((
            format!("the change is `{status}` but its implementation has started"),
            "set the status the implementation reached (in-progress, completed, failed or rolled-back)".into(),
        ));
    }
    if status == Status::Scheduled && record.window().is_none() {
        problems.push((
            "the change is `scheduled` without a deployment window".into(),
            format!("schedule it with `chg schedule {} --start ... --end ...`", record.id),
        ));
    }
    if status == Status::Closed && record.review.as_ref().is_none_or(|r| r.completed_at.is_none()) {
        problems.push((
            "the change is `closed` without a post-implementation review".into(),
            format!("record it with `chg review {} --summary ...`", record.id),
        ));
    }
    // A reopened change closes again only once its new rollback owes nothing.
    if let Some(entry) = record.rollbacks.last().filter(|e| e.reopened_from.is_some()) {
        let owed = entry.still_owes();
        if status == Status::Closed && !owed.is_empty() {
            problems.push((
                format!(
                    "the change is `closed` but its reopening rollback still owes {}",
                    owed.join(", ")
                ),
                format!("record them with `chg review {}`, then close it", record.id),
            ));
        }
    }
    if problems.is_empty() {
        return Vec::new();
    }
    // Only now: finding a position parses the file again.
    let at = loaded.positions.of("status");
    problems
        .into_iter()
        .map(|(message, hint)| Finding::error(&loaded.file, at, Rule::IllegalStatus, message, hint))
        .collect()
}
