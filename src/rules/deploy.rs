//! The deployment gate's decision, pure: may this change be deployed at this
//! moment? `chg gate` gathers the record, the policy and what the history
//! says about the approvals; this module answers with every reason it may
//! not, so a pipeline log shows all that is missing at once.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::approvals::approval_status;
use crate::calendar;
use crate::policy::Policy;
use crate::record::{Classification, Record, Status, TestState};

/// What the history (or the approval's digest) says against individual approvals.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Approval entries (by index) that do not count, and why.
    pub void: BTreeMap<usize, String>,
    /// Other problems the history found with the record (an edit after approval).
    pub problems: Vec<String>,
}

/// One reason the gate refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub rule: &'static str,
    pub message: String,
}

impl Reason {
    fn new(rule: &'static str, message: impl Into<String>) -> Reason {
        Reason {
            rule,
            message: message.into(),
        }
    }
}

/// Rules a later moment can satisfy: waiting for the window is worth it only
/// when every reason is one of these.
pub const WAITABLE: &[&str] = &["window-not-open", "outside-deployment-window", "freeze"];

/// Returns every reason the change may not be deployed at `at`; empty means it may.
pub fn judge(record: &Record, policy: &Policy, at: DateTime<Utc>, evidence: &Evidence) -> Vec<Reason> {
    let mut out = Vec::new();
    let emergency = record.classification == Classification::Emergency;
    status(record, &mut out);
    approvals(record, policy, evidence, &mut out);
    readiness(record, policy, &mut out);
    if !emergency {
        window(record, at, &mut out);
        deployment_windows(record, policy, at, &mut out);
    }
    freezes(record, policy, at, &mut out);
    out
}

/// The statuses a deployment may start (or go on) from.
fn status(record: &Record, out: &mut Vec<Reason>) {
    let emergency = record.classification == Classification::Emergency;
    let message = match record.status {
        Status::Scheduled | Status::InProgress => return,
        // An emergency may go from draft straight to in-progress on its verbal approvals.
        Status::Draft | Status::Submitted | Status::Approved if emergency => return,
        Status::Approved => format!(
            "{} is approved but not scheduled; run `chg schedule {}` with its window",
            record.id, record.id
        ),
        Status::Draft | Status::Submitted => {
            format!("{} is `{}`, not approved and scheduled", record.id, record.status)
        }
        Status::Completed | Status::Failed | Status::RolledBack | Status::Closed => {
            format!("{} is already finished (`{}`)", record.id, record.status)
        }
        Status::Rejected | Status::Cancelled => format!("{} was {}", record.id, record.status),
    };
    out.push(Reason::new("status", message));
}

fn approvals(record: &Record, policy: &Policy, evidence: &Evidence, out: &mut Vec<Reason>) {
    for (i, why) in &evidence.void {
        if let Some(a) = record.approvals.get(*i) {
            out.push(Reason::new(
                "approval-void",
                format!("the {} approval by {} does not count: {why}", a.role, a.approver),
            ));
        }
    }
    for problem in &evidence.problems {
        out.push(Reason::new("edited-after-approval", problem.clone()));
    }
    let mut counted = record.clone();
    counted.approvals = record
        .approvals
        .iter()
        .enumerate()
        .filter(|(i, _)| !evidence.void.contains_key(i))
        .map(|(_, a)| a.clone())
        .collect();
    let state = approval_status(&counted, policy);
    if !state.satisfied {
        // A stale entry explains what is missing; once a new round stands, the old one is history.
        for i in record.stale_approvals() {
            let a = &record.approvals[i];
            out.push(Reason::new(
                "approval-stale",
                format!(
                    "the {} approval by {} is stale: the record was edited after it (its approved scope digest no longer matches)",
                    a.role, a.approver
                ),
            ));
        }
        out.push(Reason::new(
            "approval-missing",
            format!(
                "{} lacks the approvals of {} {} change: {}",
                record.id,
                if record.classification == Classification::Emergency {
                    "an"
                } else {
                    "a"
                },
                record.classification,
                state.missing.join(", or ")
            ),
        ));
    }
}

/// The rollback plan and the testing the class needs (an emergency tests "if time permits").
fn readiness(record: &Record, policy: &Policy, out: &mut Vec<Reason>) {
    if record.classification == Classification::Standard {
        return; // the catalogue template is the plan
    }
    let plan = record.rollback.as_ref();
    let has_plan = plan
        .and_then(|p| p.plan.as_deref())
        .is_some_and(|t| !t.trim().is_empty());
    if !has_plan || plan.and_then(|p| p.kind).is_none() {
        out.push(Reason::new(
            "rollback-plan-missing",
            format!("{} has no complete rollback plan (plan and kind)", record.id),
        ));
    }
    if record.classification == Classification::Emergency {
        return;
    }
    for kind in policy.required_tests(record.classification) {
        let state = record.testing.get(*kind);
        if state != Some(TestState::Passed) {
            let shown = state.map_or("missing".to_string(), |s| s.to_string());
            out.push(Reason::new(
                "testing-incomplete",
                format!("`{kind}` testing is {shown}, not passed"),
            ));
        }
    }
}

fn window(record: &Record, at: DateTime<Utc>, out: &mut Vec<Reason>) {
    let Some(w) = record.window() else {
        out.push(Reason::new(
            "window-missing",
            format!("{} has no deployment window", record.id),
        ));
        return;
    };
    if at < w.start {
        out.push(Reason::new(
            "window-not-open",
            format!("its window {} opens in {}", calendar::span(w), until(at, w.start)),
        ));
    } else if at >= w.end {
        out.push(Reason::new(
            "window-closed",
            format!("its window {} closed {} ago", calendar::span(w), until(w.end, at)),
        ));
    }
}

/// The policy's deployment windows bind normal and major changes; standard
/// ones are only warned about by the calendar, emergencies not at all.
fn deployment_windows(record: &Record, policy: &Policy, at: DateTime<Utc>, out: &mut Vec<Reason>) {
    if record.classification == Classification::Standard || policy.windows.is_empty() {
        return;
    }
    let open = policy.windows.iter().any(|rule| {
        let Some(tz) = calendar::zone(&rule.time_zone) else {
            return false;
        };
        let local = at.with_timezone(&tz).date_naive();
        [local.pred_opt(), Some(local)]
            .into_iter()
            .flatten()
            .filter_map(|day| calendar::occurrence(rule, tz, day))
            .any(|(start, end)| start <= at && at < end)
    });
    if !open {
        let rules: Vec<String> = policy.windows.iter().map(calendar::describe_rule).collect();
        out.push(Reason::new(
            "outside-deployment-window",
            format!(
                "{} is outside the policy's deployment windows ({})",
                at.format("%Y-%m-%d %H:%M UTC"),
                rules.join("; ")
            ),
        ));
    }
}

fn freezes(record: &Record, policy: &Policy, at: DateTime<Utc>, out: &mut Vec<Reason>) {
    for freeze in &policy.freezes {
        let (start, end) = calendar::days(freeze.start, freeze.end);
        if start <= at && at < end && !calendar::freeze_allows(freeze, record, policy) {
            out.push(Reason::new(
                "freeze",
                format!(
                    "the freeze `{}` ({} – {}) allows only {}, and {} is {}",
                    freeze.name,
                    freeze.start,
                    freeze.end,
                    calendar::describe_allow(&freeze.allow),
                    record.id,
                    record.classification.with_article()
                ),
            ));
        }
    }
}

/// Says a length of time the way a person reads it: `3 h 20 min`, `2 days 4 h`.
fn until(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let d = (to - from).max(Duration::zero());
    let (days, hours, minutes) = (d.num_days(), d.num_hours() % 24, d.num_minutes() % 60);
    match (days, hours, minutes) {
        (0, 0, m) => format!("{m} min"),
        (0, h, 0) => format!("{h} h"),
        (0, h, m) => format!("{h} h {m} min"),
        (1, h, _) => format!("1 day {h} h"),
        (n, h, _) => format!("{n} days {h} h"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_people_say_them() {
        let t = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc);
        assert_eq!(until(t("2026-11-18T01:00:00Z"), t("2026-11-18T02:00:00Z")), "1 h");
        assert_eq!(until(t("2026-11-18T01:40:00Z"), t("2026-11-18T02:00:00Z")), "20 min");
        assert_eq!(
            until(t("2026-11-16T01:00:00Z"), t("2026-11-18T02:00:00Z")),
            "2 days 1 h"
        );
    }
}
