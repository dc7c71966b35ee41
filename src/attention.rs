//! What needs action now, and by whom: pending approvals, the deadlines after
//! an emergency, post-rollback actions and RTO overruns. Pure: records,
//! policy and now in, items out.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::lifecycle;
use crate::policy::{Policy, RtoCheck};
use crate::record::{Classification, Decision, Record, Status};
use crate::rules::{approval_status, implemented_at, next_cab_meeting, written_approval_at};

/// One thing somebody owes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub title: String,
    /// What is owed, in words.
    pub what: String,
    /// Who can do it, by email.
    pub who: Vec<String>,
    /// When it is due, if there is a deadline.
    pub due: Option<DateTime<Utc>>,
    pub overdue: bool,
}

/// Lists what needs action, most urgent first.
pub fn items(records: &[Record], policy: &Policy, now: DateTime<Utc>) -> Vec<Item> {
    let mut items = Vec::new();
    for r in records {
        let mut add = |what: String, who: Vec<String>, due: Option<DateTime<Utc>>| {
            items.push(Item {
                id: r.id.clone(),
                title: r.title.clone(),
                what,
                who,
                due,
                overdue: due.is_some_and(|d| now > d),
            });
        };
        let requester = vec![r.requested_by.email().to_string()];
        let emergency = r.classification == Classification::Emergency;
        if r.status == Status::Submitted && r.classification != Classification::Standard {
            let state = approval_status(r, policy);
            if !state.satisfied {
                add(
                    format!("approval pending: needs {}", state.missing.join(", or ")),
                    approvers(r, policy),
                    None,
                );
            }
        }
        if emergency && !lifecycle::implemented(r.status) && !matches!(r.status, Status::Cancelled | Status::Rejected) {
            let state = approval_status(r, policy);
            if !state.satisfied {
                add(
                    format!(
                        "emergency: verbal approval needed before it starts ({})",
                        state.missing.join(", or ")
                    ),
                    approvers(r, policy),
                    None,
                );
            }
        }
        if emergency {
            if let Some(since) = implemented_at(r) {
                let d = &policy.emergency_deadlines;
                let e = r.emergency.clone().unwrap_or_default();
                if e.documented_at.is_none() {
                    add(
                        format!(
                            "emergency documentation owed within {} of implementation (`chg submit {}`)",
                            d.documentation.text(),
                            r.id
                        ),
                        requester.clone(),
                        Some(since + d.documentation.duration()),
                    );
                }
                if written_approval_at(r, policy).is_none() {
                    add(
                        format!(
                            "written approval owed within {} of implementation (`chg approve {}`)",
                            d.written_approval.text(),
                            r.id
                        ),
                        approvers(r, policy),
                        Some(since + d.written_approval.duration()),
                    );
                }
                if e.post_review.as_ref().and_then(|p| p.completed_at).is_none() {
                    add(
                        format!("post-emergency review owed within {} (`chg review {} --root-cause … --preventive-measures …`)", d.post_review.text(), r.id),
                        requester.clone(),
                        Some(since + d.post_review.duration()),
                    );
                }
                if e.cab_review.as_ref().and_then(|c| c.date).is_none() {
                    add(
                        format!(
                            "CAB presentation owed at the next meeting (`chg review {} --cab --date …`)",
                            r.id
                        ),
                        requester.clone(),
                        Some(next_cab_meeting(since, policy)),
                    );
                }
            }
        }
        if r.status == Status::Closed {
            continue;
        }
        if let Some(entry) = r.rollbacks.last() {
            if entry.post_actions.root_cause.is_none() {
                add(
                    format!(
                        "rolled back without a root cause (`chg review {} --root-cause …`)",
                        r.id
                    ),
                    requester.clone(),
                    entry
                        .restored_at
                        .map(|t| t + policy.emergency_deadlines.post_review.duration()),
                );
            }
        }
        for entry in &r.rollbacks {
            if let Some(check) = r.rto_check(entry, policy).filter(RtoCheck::exceeded) {
                add(
                    format!(
                        "RTO overrun: the {} rollback took {} min (RTO {}); explain it in the review",
                        check.kind,
                        check.minutes(),
                        check.rto.text()
                    ),
                    requester.clone(),
                    None,
                );
            }
        }
    }
    items.sort_by(|a, b| (!a.overdue, a.due.is_none(), a.due, &a.id).cmp(&(!b.overdue, b.due.is_none(), b.due, &b.id)));
    items
}

/// The people who may still approve: holders of the class's roles, not the
/// requester, and not those who already decided.
fn approvers(r: &Record, policy: &Policy) -> Vec<String> {
    let mut people = Vec::new();
    for role in policy.roles_for(r.classification) {
        for email in policy.members(role) {
            let decided = r.approvals.iter().any(|a| {
                a.approver.has_email(email)
                    && a.role == role
                    && (a.decision == Decision::Rejected || a.method == crate::record::Method::Written)
            });
            let label = format!("{email} ({role})");
            if !r.requested_by.has_email(email) && !decided && !people.contains(&label) {
                people.push(label);
            }
        }
    }
    people
}
