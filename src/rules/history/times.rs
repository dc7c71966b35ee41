//! Whether the times a record states are plausible against when history
//! received them: the `implausible-time` rule, and the evidence times that
//! deadlines and metrics judge by instead.

use chrono::{DateTime, Duration, Utc};

use super::{finding, short, who, HistoryFinding, Step};
use crate::git::Commit;
use crate::lifecycle::BACKDATE_HOURS;
use crate::record::Record;
use crate::rule::Rule;

/// How far past its commit's time a written time may lie: clocks of
/// different machines drift, and a time is written a moment before the
/// commit is made. Beyond this, a time is from the future.
pub const CLOCK_TOLERANCE_MINUTES: i64 = 5;

/// True when a time a record states is plausible against the time history
/// received it: not after it (beyond the clock tolerance) and not earlier
/// than the back-dating `--at` allows.
pub fn plausible(stated: DateTime<Utc>, received: DateTime<Utc>) -> bool {
    stated <= received + Duration::minutes(CLOCK_TOLERANCE_MINUTES)
        && stated >= received - Duration::hours(BACKDATE_HOURS)
}

/// A time a record states that is implausible against its evidence time
/// (see `Commit::evidence_time`): deadlines and metrics judge by the
/// evidence time instead, where that is the stricter (see [`judged_time`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TimeEvidence {
    /// The dotted key (`approvals[1].at`, `implementation.finished_at`).
    pub key: String,
    pub stated: DateTime<Utc>,
    /// The evidence time of the commit that first wrote it.
    pub evidence: DateTime<Utc>,
    pub commit: crate::git::ObjectId,
}

/// What a stated time is to the one who states it, so that an implausible
/// one is never judged in their favour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counts {
    /// A deadline runs from it (the end of an implementation): the earlier
    /// of the stated and the evidence time. A finish written up late keeps
    /// its deadline; one dated into the future loses it.
    From,
    /// A duty was done at it (an approval, a review): the later of the two.
    /// A duty dated back to before history received it counts when it did.
    Done,
}

/// The time deadlines and metrics judge by for the time `stated` at `key`:
/// where the stated time is implausible against its evidence time, the
/// stricter of the two as `counts` says; else the stated one. With the
/// evidence that set the stated time aside, if it did.
pub fn judged_time<'e>(
    times: &'e [TimeEvidence],
    key: &str,
    stated: DateTime<Utc>,
    counts: Counts,
) -> (DateTime<Utc>, Option<&'e TimeEvidence>) {
    let Some(e) = times.iter().find(|e| e.key == key && e.stated == stated) else {
        return (stated, None);
    };
    let stricter = match counts {
        Counts::From => e.evidence < stated,
        Counts::Done => e.evidence > stated,
    };
    if stricter {
        (e.evidence, Some(e))
    } else {
        (stated, None)
    }
}

/// The times `new` states that this step writes and that are implausible
/// against the commit's evidence time.
pub fn implausible_against_evidence(step: &Step, new: &Record) -> Vec<TimeEvidence> {
    let before = step.old.map(written_times).unwrap_or_default();
    let received = step.commit.evidence_time;
    written_times(new)
        .into_iter()
        .filter(|(key, time)| !before.contains(&(key.clone(), *time)) && !plausible(*time, received))
        .map(|(key, stated)| TimeEvidence {
            key,
            stated,
            evidence: received,
            commit: step.commit.id,
        })
        .collect()
}

/// Every time a record states that a commit writes (not `created_at`, which
/// is the requester's to give, nor calendar dates), keyed by its dotted key.
pub fn written_times(r: &Record) -> Vec<(String, DateTime<Utc>)> {
    let mut out = Vec::new();
    for (i, a) in r.approvals.iter().enumerate() {
        out.push((format!("approvals[{i}].at"), a.at));
    }
    let mut opt = |key: String, t: Option<DateTime<Utc>>| {
        if let Some(t) = t {
            out.push((key, t));
        }
    };
    if let Some(i) = &r.implementation {
        opt("implementation.started_at".into(), i.started_at);
        opt("implementation.finished_at".into(), i.finished_at);
    }
    for (i, e) in r.rollbacks.iter().enumerate() {
        opt(format!("rollbacks[{i}].started_at"), e.started_at);
        opt(format!("rollbacks[{i}].restored_at"), e.restored_at);
        for (j, l) in e.log.iter().enumerate() {
            opt(format!("rollbacks[{i}].log[{j}].at"), Some(l.at));
        }
    }
    // The end of a spell of monitoring is written when it ends; its start
    // may lie a day or more earlier (24 h after a major change).
    for (i, m) in r.monitoring.iter().enumerate() {
        opt(format!("monitoring[{i}].to"), Some(m.to));
    }
    if let Some(review) = &r.review {
        opt("review.completed_at".into(), review.completed_at);
    }
    if let Some(e) = &r.emergency {
        opt("emergency.documented_at".into(), e.documented_at);
        opt("emergency.restored_at".into(), e.restored_at);
        opt(
            "emergency.post_review.completed_at".into(),
            e.post_review.as_ref().and_then(|p| p.completed_at),
        );
    }
    if let Some(c) = &r.cancellation {
        opt("cancellation.at".into(), Some(c.at));
    }
    out
}

/// `implausible-time`: a time the commit adds or changes must lie between
/// the back-dating `--at` allows (24 h before the commit) and the commit's
/// own time (plus a small tolerance); an approval is not older than the
/// record it approves. The commit time is the one git recorded, whatever
/// `CHG_NOW` said; a branch whose commits go back in time is caught by
/// [`check_chronology`].
pub(super) fn implausible_times(step: &Step, new: &Record, out: &mut Vec<HistoryFinding>) {
    let before = step.old.map(written_times).unwrap_or_default();
    let commit_time = step.commit.time;
    let latest = commit_time + Duration::minutes(CLOCK_TOLERANCE_MINUTES);
    let earliest = commit_time - Duration::hours(BACKDATE_HOURS);
    let stamp = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    for (key, time) in written_times(new) {
        if before.contains(&(key.clone(), time)) {
            continue;
        }
        let field = key.clone();
        let problem = if time > latest {
            Some(format!("is after the commit's own time {}", stamp(commit_time)))
        } else if time < earliest && !recorded_late_allowed(&key) {
            Some(format!(
                "is more than {BACKDATE_HOURS} h before the commit's own time {}",
                stamp(commit_time)
            ))
        } else if written_before_record(new, &key, time) {
            Some(format!("is before the record was created ({})", stamp(new.created_at)))
        } else {
            None
        };
        if let Some(problem) = problem {
            let key = key.strip_suffix(".at").unwrap_or(&key).to_string();
            out.push(finding(
                step,
                &key,
                Rule::ImplausibleTime,
                format!("{} writes `{field}: {}`, which {problem}", who(step), stamp(time)),
                format!(
                    "record a time when it is written, or within {BACKDATE_HOURS} h after (`--at`); correct a wrong time with the real one, committed at its real time"
                ),
            ));
        }
    }
}

/// A monitoring spell may be written down days after it was watched: no
/// deadline runs on it that back-dating could win (`chg monitor` says it
/// was recorded late), so only a spell ending in the future is implausible.
fn recorded_late_allowed(key: &str) -> bool {
    key.starts_with("monitoring[")
}

/// A written approval cannot predate the record it approves. A verbal one
/// can: in an emergency the approvers are phoned first and the record filed
/// after (within the back-dating window).
fn written_before_record(new: &Record, key: &str, time: DateTime<Utc>) -> bool {
    let index = key
        .strip_prefix("approvals[")
        .and_then(|k| k.split(']').next())
        .and_then(|i| i.parse::<usize>().ok());
    index
        .and_then(|i| new.approvals.get(i))
        .is_some_and(|a| a.method.needs_approvers_commit())
        && time < new.created_at - Duration::minutes(CLOCK_TOLERANCE_MINUTES)
}

/// `implausible-time` for the branch itself: a commit whose committer time
/// is earlier than its first parent's (beyond the tolerance) was dated back,
/// so the times it vouches for cannot be trusted.
pub fn check_chronology(commit: &Commit, parent: &Commit, path: &str) -> Option<HistoryFinding> {
    if commit.time + Duration::minutes(CLOCK_TOLERANCE_MINUTES) >= parent.time {
        return None;
    }
    let stamp = |t: DateTime<Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    Some(HistoryFinding::error(
        commit.id,
        path,
        Rule::ImplausibleTime,
        format!(
            "commit {} by {} is dated {}, before its parent {} ({}): its clock was set back",
            short(commit),
            commit.author,
            stamp(commit.time),
            parent.short(),
            stamp(parent.time)
        ),
        "recommit the branch with the real time (do not set GIT_COMMITTER_DATE or CHG_NOW); times in records are judged by their commits".into(),
    ))
}
