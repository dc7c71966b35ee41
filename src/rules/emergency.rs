//! `emergency-documentation-overdue`, `emergency-approval-overdue`,
//! `emergency-review-overdue` and `cab-review-missing`: the guide's deadlines
//! after an emergency change, judged by the record's own times against
//! `now` (the history engine judges them by commit times).

use chrono::{DateTime, Duration, Utc};

use super::{approval_status, Context};
use crate::finding::Finding;
use crate::policy::Policy;
use crate::record::{Classification, Method, Record};
use crate::rule::Rule;
use crate::rules::history::{judged_time, Counts, TimeEvidence};
use crate::store::Loaded;

/// Returns when an emergency was implemented: its finish, else its start.
pub fn implemented_at(record: &Record) -> Option<DateTime<Utc>> {
    record.finished_at().or(record.started_at())
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

/// Returns the first CAB meeting at or after `t`, in the meeting's time zone.
pub fn next_cab_meeting(t: DateTime<Utc>, policy: &Policy) -> DateTime<Utc> {
    policy.cab_meeting.next(t)
}

fn late(by: Duration) -> String {
    let hours = by.num_hours();
    if hours >= 48 {
        format!("{} days", hours / 24)
    } else if hours >= 1 {
        format!("{hours} h")
    } else {
        format!("{} min", by.num_minutes().max(1))
    }
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
        documentation: deadline(
            d.documentation,
            judge("emergency.documented_at", emergency.and_then(|e| e.documented_at)),
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

/// What is wrong with one deadline at `now`, if anything: `late` words a
/// duty done after it (when it was done, with any time set aside; how late;
/// when due), `overdue` one still owed past it (when due).
fn missed(
    deadline: &Deadline,
    now: DateTime<Utc>,
    late_text: impl Fn(String, String, String) -> String,
    overdue_text: impl Fn(String) -> String,
) -> Option<String> {
    let due = deadline.due;
    match (deadline.verdict(now), deadline.done) {
        (Verdict::Late, Some(t)) => Some(late_text(
            format!("{}{}", when(t), set_aside(deadline)),
            late(t - due),
            when(due),
        )),
        (Verdict::Overdue, _) => Some(overdue_text(when(due))),
        _ => None,
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

    let problem = missed(
        &owed.documentation,
        ctx.now,
        |done, late, due| format!("documented at {done}, {late} after the deadline {due}"),
        |due| {
            format!(
                "not documented {} after implementation (due {due})",
                deadlines.documentation.text()
            )
        },
    );
    if let Some(message) = problem {
        findings.push(Finding::error(
            file,
            pos.of("emergency"),
            Rule::EmergencyDocumentationOverdue,
            format!("emergency change {message}"),
            format!(
                "complete the record and run `chg submit {}`; the policy asks for documentation within {}",
                record.id,
                deadlines.documentation.text()
            ),
        ));
    }

    let problem = missed(
        &owed.written_approval,
        ctx.now,
        |done, late, due| format!("written approval completed at {done}, {late} late (due {due})"),
        |due| format!("written approval still missing, due {due}"),
    );
    if let Some(message) = problem {
        findings.push(Finding::error(
            file,
            pos.of("approvals"),
            Rule::EmergencyApprovalOverdue,
            format!("emergency change: {message}"),
            format!(
                "the CISO and CTO (or the CEO) confirm their verbal approval with `chg approve {}`",
                record.id
            ),
        ));
    }

    let problem = missed(
        &owed.post_review,
        ctx.now,
        |done, late, due| format!("post-emergency review completed at {done}, {late} late (due {due})"),
        |due| format!("post-emergency review missing, due {due}"),
    );
    if let Some(message) = problem {
        findings.push(Finding::error(
            file,
            pos.of("emergency"),
            Rule::EmergencyReviewOverdue,
            format!("emergency change: {message}"),
            format!(
                "record it with `chg review {} --root-cause ... --preventive-measures ...`",
                record.id
            ),
        ));
    }

    let meeting = next_cab_meeting(since, ctx.policy);
    let presented = emergency.cab_review.as_ref().and_then(|c| c.date);
    let meeting_day = ctx.policy.cab_meeting.day_of(meeting);
    let problem = match presented {
        Some(d) if d > meeting_day => Some(format!(
            "presented to the CAB on {d}, after the next meeting on {meeting_day}"
        )),
        None if ctx.policy.cab_meeting.day_of(ctx.now) > meeting_day => {
            Some(format!("not presented at the CAB meeting of {meeting_day}"))
        }
        _ => None,
    };
    if let Some(message) = problem {
        findings.push(Finding::error(
            file,
            pos.of("emergency"),
            Rule::CabReviewMissing,
            format!("emergency change {message}"),
            format!(
                "record the presentation with `chg review {} --cab --date YYYY-MM-DD`",
                record.id
            ),
        ));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn the_next_cab_meeting_is_the_coming_tuesday_at_ten() {
        let policy = Policy::default();
        // Wednesday 25 November 2026 → Tuesday 1 December.
        assert_eq!(
            next_cab_meeting(at("2026-11-25T23:40:00Z"), &policy),
            at("2026-12-01T10:00:00Z")
        );
        // Tuesday before the meeting → the same day; after it → a week later.
        assert_eq!(
            next_cab_meeting(at("2026-12-01T09:00:00Z"), &policy),
            at("2026-12-01T10:00:00Z")
        );
        assert_eq!(
            next_cab_meeting(at("2026-12-01T10:30:00Z"), &policy),
            at("2026-12-08T10:00:00Z")
        );
    }

    #[test]
    fn late_is_said_in_the_largest_sensible_unit() {
        assert_eq!(late(Duration::minutes(20)), "20 min");
        assert_eq!(late(Duration::hours(23)), "23 h");
        assert_eq!(late(Duration::days(3)), "3 days");
    }
}
