//! What needs action now, and by whom: pending approvals, the deadlines after
//! an emergency, changes overrunning or missing their window, reviews and
//! lessons owed after a failure or a rollback, rollbacks not verified,
//! monitoring owed after a deployment or a rollback, RTO overruns, preventive measures not recorded and rollback rehearsals
//! overdue. Pure: records, policy and now in, items out. `chg status` and
//! the weekly report's "Changes requiring attention" both list these.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::lifecycle;
use crate::policy::{Policy, RtoCheck};
use crate::record::{Classification, Decision, Record, RollbackKind, Status};
use crate::rules::rollback::TEST_INTERVAL_DAYS;
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
    /// For an approval that waits with no deadline: since when it waits (the
    /// change's creation), which the weekly report shows instead of a due date.
    #[serde(skip)]
    pub waiting_since: Option<DateTime<Utc>>,
}

/// Lists what needs action, most urgent first.
pub fn items(records: &[Record], policy: &Policy, now: DateTime<Utc>) -> Vec<Item> {
    let mut items = Vec::new();
    for r in records {
        if r.status == Status::Submitted && r.classification != Classification::Standard {
            let state = approval_status(r, policy);
            if !state.satisfied {
                items.push(Item {
                    id: r.id.clone(),
                    title: r.title.clone(),
                    what: format!("approval pending: needs {}", state.missing.join(", or ")),
                    who: approvers(r, policy),
                    due: None,
                    overdue: false,
                    waiting_since: Some(r.created_at),
                });
            }
        }
        let mut add = |what: String, who: Vec<String>, due: Option<DateTime<Utc>>| {
            items.push(Item {
                id: r.id.clone(),
                title: r.title.clone(),
                what,
                who,
                due,
                overdue: due.is_some_and(|d| now > d),
                waiting_since: None,
            });
        };
        let requester = vec![r.requested_by.email().to_string()];
        let emergency = r.classification == Classification::Emergency;
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
        let window = r.window();
        // The window is over and the change still runs: finish it, or say it failed.
        if r.status == Status::InProgress {
            if let Some(w) = window.filter(|w| w.end < now) {
                add(
                    format!(
                        "in progress past its window (ended {}): `chg complete {id}`, `chg fail {id}` or `chg rollback {id}`",
                        w.end.format("%a %d %b %H:%M"),
                        id = r.id
                    ),
                    requester.clone(),
                    Some(w.end),
                );
            }
        }
        // Scheduled, the window over, never started: it did not happen as approved.
        if r.status == Status::Scheduled && r.started_at().is_none() {
            if let Some(w) = window.filter(|w| w.end < now) {
                add(
                    format!(
                        "window passed without a start (ended {}): `chg schedule {id}` again, or `chg cancel {id}`",
                        w.end.format("%a %d %b %H:%M"),
                        id = r.id
                    ),
                    requester.clone(),
                    Some(w.end),
                );
            }
        }
        // Watched for the policy's period after the deployment or rollback, and recorded.
        if let Some(need) = r.monitoring_owed(policy) {
            add(
                format!(
                    "monitoring owed: {} after the {} (from {}): `chg monitor {} --from … --to … --observed …`",
                    need.period.text(),
                    need.after.as_str(),
                    need.since.format("%a %d %b %H:%M"),
                    r.id
                ),
                requester.clone(),
                Some(need.due()),
            );
        }
        let review_done = r.review.as_ref().is_some_and(|v| v.completed_at.is_some());
        if matches!(r.status, Status::Failed | Status::RolledBack) && !review_done {
            let how = if r.status == Status::Failed {
                "failed"
            } else {
                "rolled back"
            };
            let since = r.rollbacks.last().and_then(|b| b.restored_at).or(r.finished_at());
            add(
                format!(
                    "{how} without a post-implementation review (`chg review {} --summary … --lessons-learned …`)",
                    r.id
                ),
                requester.clone(),
                since.map(|t| t + policy.emergency_deadlines.post_review.duration()),
            );
        }
        if let Some(review) = r.review.as_ref().filter(|v| v.completed_at.is_some()) {
            if review.lessons_learned.as_deref().is_none_or(|l| l.trim().is_empty()) {
                add(
                    format!(
                        "review without lessons learned (`chg review {} --lessons-learned …`)",
                        r.id
                    ),
                    requester.clone(),
                    None,
                );
            }
        }
        if let Some(post) = r.emergency.as_ref().and_then(|e| e.post_review.as_ref()) {
            if post.completed_at.is_some() && post.preventive_measures.as_deref().is_none_or(|m| m.trim().is_empty()) {
                add(
                    format!(
                        "post-emergency review without preventive measures (`chg review {} --preventive-measures …`)",
                        r.id
                    ),
                    requester.clone(),
                    None,
                );
            }
        }
        for (i, entry) in r.rollbacks.iter().enumerate() {
            if entry.restored_at.is_none() {
                continue;
            }
            let validation = entry.validation.clone().unwrap_or_default();
            let mut owed = Vec::new();
            if validation.smoke_tests.is_none()
                && validation.error_rates.is_none()
                && validation.customer_access.is_none()
            {
                owed.push("verification (smoke tests, error rates, customer access)");
            }
            if !owed.is_empty() {
                add(
                    format!("rollback {} owes {}", i + 1, owed.join(" and ")),
                    requester.clone(),
                    None,
                );
            }
        }
        // A complex rollback that is not rehearsed each quarter may not work
        // when it is needed; only changes still to run can act on it.
        let to_run = matches!(
            r.status,
            Status::Submitted | Status::Approved | Status::Scheduled | Status::InProgress
        );
        if let Some(kind @ (RollbackKind::Complex | RollbackKind::FullRestore)) = r.rollback_kind().filter(|_| to_run) {
            let tested = r.rollback.as_ref().and_then(|p| p.last_tested);
            let stale = tested.is_none_or(|d| d < now.date_naive() - Duration::days(TEST_INTERVAL_DAYS));
            if stale {
                add(
                    format!(
                        "{kind} rollback rehearsal overdue ({}): rehearse it and set `rollback.last_tested`",
                        tested.map_or("never rehearsed".to_string(), |d| format!("last {d}"))
                    ),
                    requester.clone(),
                    window.map(|w| w.start),
                );
            }
        }
        // What a rollback owes: the root cause, lessons learned and a plan to
        // deploy again, each with the `chg review` flag that records it.
        if let Some(entry) = r.rollbacks.last() {
            let p = &entry.post_actions;
            let owed: Vec<(&str, &str)> = [
                (p.root_cause.is_none(), ("a root cause", "--root-cause …")),
                (p.lessons_learned.is_none(), ("lessons learned", "--lessons-learned …")),
                (p.redeploy_plan.is_none(), ("a re-deployment plan", "--redeploy-plan …")),
            ]
            .into_iter()
            .filter_map(|(missing, what)| missing.then_some(what))
            .collect();
            if !owed.is_empty() {
                let words: Vec<&str> = owed.iter().map(|(w, _)| *w).collect();
                let flags: Vec<&str> = owed.iter().map(|(_, f)| *f).collect();
                let words = match words.split_last() {
                    Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
                    _ => words.join(""),
                };
                add(
                    format!(
                        "rolled back without {} (`chg review {} {}`)",
                        words,
                        r.id,
                        flags.join(" ")
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
