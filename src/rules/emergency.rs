//! `emergency-documentation-overdue`, `emergency-approval-overdue`,
//! `emergency-review-overdue` and `cab-review-missing`: the guide's deadlines
//! after an emergency change, judged by the record's own times against
//! `now` (the history engine judges them by commit times).

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

use super::{approval_status, Context};
use crate::finding::Finding;
use crate::policy::Policy;
use crate::record::{Classification, Method, Record};
use crate::store::Loaded;

/// Returns when an emergency was implemented: its finish, else its start.
pub fn implemented_at(record: &Record) -> Option<DateTime<Utc>> {
    record.finished_at().or(record.started_at())
}

/// Returns when the written approvals first satisfied the emergency rule, if they did.
pub fn written_approval_at(record: &Record, policy: &Policy) -> Option<DateTime<Utc>> {
    let mut written: Vec<_> = record
        .approvals
        .iter()
        .filter(|a| a.method == Method::Written)
        .cloned()
        .collect();
    written.sort_by_key(|a| a.at);
    let mut partial = record.clone();
    partial.approvals.clear();
    for approval in written {
        let at = approval.at;
        partial.approvals.push(approval);
        if approval_status(&partial, policy).satisfied {
            return Some(at);
        }
    }
    None
}

/// Returns the date of the first CAB meeting after `t`.
pub fn next_cab_meeting(t: DateTime<Utc>, policy: &Policy) -> DateTime<Utc> {
    let meeting = &policy.cab_meeting;
    let mut day: NaiveDate = t.date_naive();
    for _ in 0..8 {
        if day.weekday() == meeting.day.weekday() {
            let at = day.and_time(meeting.time.0).and_utc();
            if at >= t {
                return at;
            }
        }
        day += Duration::days(1);
    }
    t
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

/// Checks the deadlines of one emergency change.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    if record.classification != Classification::Emergency {
        return Vec::new();
    }
    let Some(since) = implemented_at(record) else {
        return Vec::new();
    };
    let file = loaded.file.as_str();
    let pos = &loaded.positions;
    let deadlines = &ctx.policy.emergency_deadlines;
    let emergency = record.emergency.clone().unwrap_or_default();
    let mut findings = Vec::new();

    let due = since + deadlines.documentation.duration();
    let problem = match emergency.documented_at {
        Some(t) if t > due => Some(format!(
            "documented at {}, {} after the deadline {}",
            when(t),
            late(t - due),
            when(due)
        )),
        None if ctx.now > due => Some(format!(
            "not documented {} after implementation (due {})",
            crate::action::span_text(deadlines.documentation),
            when(due)
        )),
        _ => None,
    };
    if let Some(message) = problem {
        findings.push(Finding::error(
            file,
            pos.of("emergency"),
            "emergency-documentation-overdue",
            format!("emergency change {message}"),
            format!(
                "complete the record and run `chg submit {}`; the policy asks for documentation within {}",
                record.id,
                crate::action::span_text(deadlines.documentation)
            ),
        ));
    }

    let due = since + deadlines.written_approval.duration();
    let problem = match written_approval_at(record, ctx.policy) {
        Some(t) if t > due => Some(format!(
            "written approval completed at {}, {} late (due {})",
            when(t),
            late(t - due),
            when(due)
        )),
        None if ctx.now > due => Some(format!("written approval still missing, due {}", when(due))),
        _ => None,
    };
    if let Some(message) = problem {
        findings.push(Finding::error(
            file,
            pos.of("approvals"),
            "emergency-approval-overdue",
            format!("emergency change: {message}"),
            format!(
                "the CISO and CTO (or the CEO) confirm their verbal approval with `chg approve {}`",
                record.id
            ),
        ));
    }

    let due = since + deadlines.post_review.duration();
    let done = emergency.post_review.as_ref().and_then(|p| p.completed_at);
    let problem = match done {
        Some(t) if t > due => Some(format!(
            "post-emergency review completed at {}, {} late (due {})",
            when(t),
            late(t - due),
            when(due)
        )),
        None if ctx.now > due => Some(format!("post-emergency review missing, due {}", when(due))),
        _ => None,
    };
    if let Some(message) = problem {
        findings.push(Finding::error(
            file,
            pos.of("emergency"),
            "emergency-review-overdue",
            format!("emergency change: {message}"),
            format!(
                "record it with `chg review {} --root-cause ... --preventive-measures ...`",
                record.id
            ),
        ));
    }

    let meeting = next_cab_meeting(since, ctx.policy);
    let presented = emergency.cab_review.as_ref().and_then(|c| c.date);
    let meeting_day = meeting.date_naive();
    let problem = match presented {
        Some(d) if d > meeting_day => Some(format!(
            "presented to the CAB on {d}, after the next meeting on {meeting_day}"
        )),
        None if ctx.now.date_naive() > meeting_day => {
            Some(format!("not presented at the CAB meeting of {meeting_day}"))
        }
        _ => None,
    };
    if let Some(message) = problem {
        findings.push(Finding::error(
            file,
            pos.of("emergency"),
            "cab-review-missing",
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
