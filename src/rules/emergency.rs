//! `emergency-documentation-overdue`, `emergency-approval-overdue`,
//! `emergency-review-overdue` and `cab-review-missing`: the guide's deadlines
//! after an emergency change, judged by the record's own times against
//! `now` (the history engine judges them by commit times).

use chrono::{DateTime, Duration, Utc};

use super::{approval_status, ApprovalStatus, Context};
use crate::finding::Finding;
use crate::policy::Policy;
use crate::record::{Approval, Classification, Emergency, Method, Record};
use crate::rule::Rule;
use crate::rules::history::{judged_time, Counts, TimeEvidence};
use crate::store::Loaded;

/// Returns when an emergency was implemented: its finish, else its start.
pub fn implemented_at(record: &Record) -> Option<DateTime<Utc>> {
    record.finished_at().or(record.started_at())
}

/// What the written approvals alone lack of the emergency rule (the CISO
/// and the CTO, or the CEO): the one definition of "written approval done"
/// that close, `check`, `status`, the reports and the metrics share.
pub fn written_approval_status(record: &Record, policy: &Policy) -> ApprovalStatus {
    let mut written = record.clone();
    written.approvals.retain(|a| a.method == Method::Written);
    approval_status(&written, policy)
}

/// The written approvals of an emergency that no longer stand because the
/// record was changed after them (not merely documented, see
/// `Record::standing_approvals`), and that their approver has not renewed.
pub fn stale_written_approvals(record: &Record) -> Vec<&Approval> {
    let standing = record.standing_approvals();
    let renewed = |stale: &Approval| {
        record.approvals.iter().zip(&standing).any(|(a, stands)| {
            *stands && a.method == Method::Written && a.role == stale.role && a.approver.same_as(&stale.approver)
        })
    };
    record
        .stale_approvals()
        .into_iter()
        .map(|i| &record.approvals[i])
        .filter(|a| a.method == Method::Written && !renewed(a))
        .collect()
}

/// Names the stale written approvals of an emergency for a message:
/// `Carol Diaz <carol@example.com>'s approval as ciso`.
pub fn stale_written_names(record: &Record) -> Vec<String> {
    stale_written_approvals(record)
        .iter()
        .map(|a| format!("{}'s approval as {}", a.approver, a.role))
        .collect()
}

/// Returns when the written approvals first satisfied the emergency rule, if they did.
pub fn written_approval_at(record: &Record, policy: &Policy) -> Option<DateTime<Utc>> {
    written_approval_judged(record, policy, &[]).map(|(t, _)| t)
}

/// As [`written_approval_at`], each approval's time judged by its evidence.
fn written_approval_judged<'e>(
    record: &Record,
    policy: &Policy,
    times: &'e [TimeEvidence],
) -> Option<(DateTime<Utc>, Option<&'e TimeEvidence>)> {
    let mut written: Vec<_> = record
        .approvals
        .iter()
        .enumerate()
        .filter(|(_, a)| a.method == Method::Written)
        .map(|(i, a)| {
            (
                judged_time(times, &format!("approvals[{i}].at"), a.at, Counts::Done),
                a.clone(),
            )
        })
        .collect();
    written.sort_by_key(|((at, _), _)| *at);
    let mut partial = record.clone();
    partial.approvals.clear();
    for (judged, approval) in written {
        partial.approvals.push(approval);
        if approval_status(&partial, policy).satisfied {
            return Some(judged);
        }
    }
    None
}

/// An emergency's time to resolution (guide 8.3): from the incident's start
/// (or, when not given, the emergency's declaration: the record's creation)
/// to the restoration of service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resolution {
    pub from: DateTime<Utc>,
    /// True when `from` is the incident's start, false for the declaration.
    pub from_incident: bool,
    pub restored: DateTime<Utc>,
}

impl Resolution {
    /// The time it took.
    pub fn duration(&self) -> Duration {
        self.restored - self.from
    }
}

/// Returns an emergency's time to resolution once service is restored:
/// `emergency.restored_at`, else the successful finish, else the last
/// rollback's restoration.
pub fn time_to_resolution(record: &Record) -> Option<Resolution> {
    if record.classification != Classification::Emergency {
        return None;
    }
    let emergency = record.emergency.as_ref();
    let incident = emergency.and_then(|e| e.incident_started_at);
    let successful = record
        .finished_at()
        .filter(|_| record.outcome() == Some(crate::record::Outcome::Successful));
    let restored = emergency
        .and_then(|e| e.restored_at)
        .or(successful)
        .or_else(|| record.rollbacks.iter().rev().find_map(|r| r.restored_at))?;
    let from = incident.unwrap_or(record.created_at);
    (restored >= from).then_some(Resolution {
        from,
        from_incident: incident.is_some(),
        restored,
    })
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// One of the guide's deadlines after an emergency change: when it falls
/// due, and when the record says the owed item was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadline {
    pub due: DateTime<Utc>,
    pub done: Option<DateTime<Utc>>,
    /// The time the record states, where it was implausible against its
    /// evidence time and `done` is that evidence time instead: (stated, evidence).
    pub set_aside: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// Where a deadline stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Done by the deadline (exactly at it counts: "within 24 hours").
    Met,
    /// Done, after the deadline.
    Late,
    /// Not done, and the deadline has passed.
    Overdue,
    /// Not done, and still time.
    Pending,
}

impl Deadline {
    /// Judges the deadline at `now`.
    pub fn verdict(&self, now: DateTime<Utc>) -> Verdict {
        match self.done {
            Some(t) if t <= self.due => Verdict::Met,
            Some(_) => Verdict::Late,
            None if now > self.due => Verdict::Overdue,
            None => Verdict::Pending,
        }
    }
}

/// The guide's three deadlines after an emergency change (section 8.2), the
/// one definition that `chg check`, the metrics and the reports share: each
/// runs from the end of the implementation (its start while it is still in
/// progress); documentation is done when the record was completed and
/// submitted (`emergency.documented_at`), written approval when the written
/// approvals first satisfied the policy (the CISO and the CTO, or the CEO),
/// the post-emergency review when it was completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmergencyDeadlines {
    pub implemented: DateTime<Utc>,
    pub documentation: Deadline,
    pub written_approval: Deadline,
    pub post_review: Deadline,
}

/// Returns the deadlines of an emergency change that was implemented; `None` otherwise.
pub fn emergency_deadlines(record: &Record, policy: &Policy) -> Option<EmergencyDeadlines> {
    emergency_deadlines_judged(record, policy, &[])
}

/// Returns the deadlines of an emergency change, each time the record
/// states judged by its evidence (`times`, from the history): where a
/// stated time is implausible against the commit that brought it, the
/// commit's evidence time counts.
pub fn emergency_deadlines_judged(
    record: &Record,
    policy: &Policy,
    times: &[TimeEvidence],
) -> Option<EmergencyDeadlines> {
    if record.classification != Classification::Emergency {
        return None;
    }
    let from = |key: &str, t: Option<DateTime<Utc>>| t.map(|t| judged_time(times, key, t, Counts::From).0);
    let judge = |key: &str, t: Option<DateTime<Utc>>| t.map(|t| judged_time(times, key, t, Counts::Done));
    let since = from("implementation.finished_at", record.finished_at())
        .or_else(|| from("implementation.started_at", record.started_at()))?;
    let d = &policy.emergency_deadlines;
    let emergency = record.emergency.as_ref();
    let deadline = |span: crate::policy::Span, done: Option<(DateTime<Utc>, Option<&TimeEvidence>)>| Deadline {
        due: since + span.duration(),
        done: done.map(|(t, _)| t),
        set_aside: done.and_then(|(_, e)| e).map(|e| (e.stated, e.evidence)),
    };
    Some(EmergencyDeadlines {
        implemented: since,
        // Declared documented counts only when the documentation is complete.
        documentation: deadline(
            d.documentation,
            judge(
                "emergency.documented_at",
                emergency
                    .and_then(|e| e.documented_at)
                    .filter(|_| record.emergency_documentation_lacks().is_empty()),
            ),
        ),
        written_approval: deadline(d.written_approval, written_approval_judged(record, policy, times)),
        post_review: deadline(
            d.post_review,
            judge(
                "emergency.post_review.completed_at",
                emergency
                    .and_then(|e| e.post_review.as_ref())
                    .and_then(|p| p.completed_at),
            ),
        ),
    })
}

/// The hint of a deadline met late: it is history, not a task.
const LATE_HINT: &str = "nothing is owed any more; it stays on record as late, and the metrics count it as missed";

/// The hint of a late item written with an earlier time than its commit allows.
const BACKDATED_HINT: &str =
    "state the time it was really done (late is history, not an error); a time written more than 24 h before its commit does not count";

/// How a finding says that a stated time was set aside for its evidence time.
fn set_aside(d: &Deadline) -> String {
    match d.set_aside {
        Some((stated, evidence)) => format!(
            " (the record states {}, implausible against {}, when history received it)",
            when(stated),
            when(evidence)
        ),
        None => String::new(),
    }
}

/// Checks the deadlines of one emergency change.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let times = ctx.times.get(&record.id).map_or(&[][..], Vec::as_slice);
    let Some(owed) = emergency_deadlines_judged(record, ctx.policy, times) else {
        return Vec::new();
    };
    let since = owed.implemented;
    let file = loaded.file.as_str();
    let pos = &loaded.positions;
    let deadlines = &ctx.policy.emergency_deadlines;
    let emergency = record.emergency.clone().unwrap_or_default();
    let mut findings = Vec::new();

    let id = &record.id;
    let (stale_note, approval_hint) = stale_approvals_said(record);
    let owed_items = [
        (
            &owed.documentation,
            "emergency change documented",
            format!(
                "emergency change not documented {} after implementation (due {{due}})",
                deadlines.documentation.text()
            ),
            Rule::EmergencyDocumentationOverdue,
            "emergency",
            format!(
                "complete the record and run `chg submit {id}`; the policy asks for documentation within {}",
                deadlines.documentation.text()
            ),
        ),
        (
            &owed.written_approval,
            "emergency change: written approval completed",
            format!("emergency change: written approval still missing, due {{due}}{stale_note}"),
            Rule::EmergencyApprovalOverdue,
            "approvals",
            approval_hint,
        ),
        (
            &owed.post_review,
            "emergency change: post-emergency review completed",
            "emergency change: post-emergency review missing, due {due}".to_string(),
            Rule::EmergencyReviewOverdue,
            "emergency",
            format!("record it with `chg review {id} --root-cause ... --preventive-measures ...`"),
        ),
    ];
    for (deadline, done_text, overdue_text, rule, key, hint) in owed_items {
        match (deadline.verdict(ctx.now), deadline.done) {
            // Done late, and the record says so: history, said as such;
            // nothing is left to do, so recording it late fails nothing.
            (Verdict::Late, Some(t)) if deadline.set_aside.is_none() => findings.push(
                Finding::warning(
                    file,
                    pos.of(key),
                    rule,
                    format!(
                        "{done_text} late: at {}, {} after the deadline {}",
                        when(t),
                        crate::duration::text(t - deadline.due),
                        when(deadline.due)
                    ),
                    LATE_HINT,
                )
                .historical(),
            ),
            // Done late, but written with an earlier time than its commit
            // allows (a back-dated item, seen by `check --base`): an error.
            (Verdict::Late, Some(t)) => findings.push(Finding::error(
                file,
                pos.of(key),
                rule,
                format!(
                    "{done_text} late: at {}{}, {} after the deadline {}",
                    when(t),
                    set_aside(deadline),
                    crate::duration::text(t - deadline.due),
                    when(deadline.due)
                ),
                BACKDATED_HINT,
            )),
            // Still open: an error until it is done.
            (Verdict::Overdue, _) => findings.push(Finding::error(
                file,
                pos.of(key),
                rule,
                overdue_text.replace("{due}", &when(deadline.due)),
                hint,
            )),
            _ => {}
        }
    }

    if let Some(f) = cab_presentation(loaded, ctx, since, &emergency) {
        findings.push(f);
    }
    findings
}

/// A written approval the record contradicts since: the note naming it, and
/// the hint naming who renews it.
fn stale_approvals_said(record: &Record) -> (String, String) {
    let id = &record.id;
    let stale = stale_written_approvals(record);
    let stale_note: String = stale
        .iter()
        .map(|a| {
            format!(
                "; the written approval of {} as {} ({}) is stale: the record was changed after it",
                a.approver,
                a.role,
                when(a.at)
            )
        })
        .collect();
    let approval_hint = if stale.is_empty() {
        format!("the CISO and CTO (or the CEO) confirm their verbal approval with `chg approve {id}`")
    } else {
        let who: Vec<String> = stale.iter().map(|a| a.approver.to_string()).collect();
        format!(
            "{} confirms the record as it is now with `chg approve {id}` (or the CEO approves)",
            who.join(" and ")
        )
    };
    (stale_note, approval_hint)
}

/// `cab-review-missing`: the emergency is presented at the CAB meeting after
/// its implementation; presented later, that is history, said as such.
fn cab_presentation(loaded: &Loaded, ctx: &Context, since: DateTime<Utc>, emergency: &Emergency) -> Option<Finding> {
    let file = loaded.file.as_str();
    let pos = &loaded.positions;
    let id = &loaded.record.id;
    let meeting = ctx.policy.cab_meeting.next(since);
    let presented = emergency.cab_review.as_ref().and_then(|c| c.date);
    let meeting_day = ctx.policy.cab_meeting.day_of(meeting);
    match presented {
        Some(d) if d > meeting_day => Some(
            Finding::warning(
                file,
                pos.of("emergency"),
                Rule::CabReviewMissing,
                format!("emergency change presented to the CAB late: on {d}, after the next meeting on {meeting_day}"),
                LATE_HINT,
            )
            .historical(),
        ),
        None if ctx.policy.cab_meeting.day_of(ctx.now) > meeting_day => Some(Finding::error(
            file,
            pos.of("emergency"),
            Rule::CabReviewMissing,
            format!("emergency change not presented at the CAB meeting of {meeting_day}"),
            format!("record the presentation with `chg review {id} --cab --date YYYY-MM-DD`"),
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rfc3339::at;

    #[test]
    fn the_next_cab_meeting_is_the_coming_tuesday_at_ten() {
        let policy = Policy::default();
        // Wednesday 25 November 2026 → Tuesday 1 December.
        assert_eq!(
            policy.cab_meeting.next(at("2026-11-25T23:40:00Z")),
            at("2026-12-01T10:00:00Z")
        );
        // Tuesday before the meeting → the same day; after it → a week later.
        assert_eq!(
            policy.cab_meeting.next(at("2026-12-01T09:00:00Z")),
            at("2026-12-01T10:00:00Z")
        );
        assert_eq!(
            policy.cab_meeting.next(at("2026-12-01T10:30:00Z")),
            at("2026-12-08T10:00:00Z")
        );
    }
}
