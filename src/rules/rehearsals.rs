//! The rules of the rehearsal logs (`changes/rehearsals/<system>.yaml`): in
//! the work tree, a log names the system of its file; in a branch, a log is
//! append-only evidence whose every new entry was committed by the person it
//! names, at a plausible time. Pure: logs and commits in, findings out.

use chrono::{DateTime, Duration, Utc};

use super::history::{HistoryFinding, CLOCK_TOLERANCE_MINUTES};
use crate::finding::{Finding, Severity};
use crate::git::Commit;
use crate::lifecycle::BACKDATE_HOURS;
use crate::rehearsal::RehearsalLog;
use crate::rule::Rule;
use crate::store::LoadedLog;

/// Checks the logs as they are in the work tree.
pub fn check_logs(logs: &[LoadedLog]) -> Vec<Finding> {
    let mut findings = Vec::new();
    for l in logs {
        let stem = l.stem();
        if !l.names_its_file() {
            findings.push(Finding::error(
                &l.file,
                l.positions.of("system"),
                Rule::IdMismatch,
                format!(
                    "the log names the system `{}`, but its file is {stem}.yaml",
                    l.log.system
                ),
                format!(
                    "a system's rehearsals live in {stem}.yaml with `system: {stem}`; rename the file or fix the name"
                ),
            ));
        }
    }
    findings
}

/// Judges one commit's change to one rehearsal log: earlier entries stay as
/// they were, and each new entry is by the commit's author (who also
/// committed it) and dated between a day before the commit and its time.
pub fn check_log_step(
    commit: &Commit,
    path: &str,
    old: Option<&RehearsalLog>,
    new: Option<&RehearsalLog>,
) -> Vec<HistoryFinding> {
    let mut out = Vec::new();
    let finding = |key: String, rule: Rule, message: String, hint: &str| HistoryFinding {
        path: path.to_string(),
        key,
        severity: Severity::Error,
        rule,
        message,
        hint: hint.to_string(),
        commit: commit.id.to_string(),
    };
    let before = old.map(|l| l.rehearsals.as_slice()).unwrap_or_default();
    let Some(new) = new else {
        if old.is_some() {
            out.push(finding(
                String::new(),
                Rule::ApprovalRemoved,
                format!(
                    "commit {} by {} deleted the rehearsal log {path}",
                    commit.short(),
                    commit.author
                ),
                "rehearsals are audit evidence: restore the file",
            ));
        }
        return out;
    };
    for (i, was) in before.iter().enumerate() {
        if new.rehearsals.get(i) != Some(was) {
            out.push(finding(
                format!("rehearsals[{i}]"),
                Rule::ApprovalRemoved,
                format!(
                    "commit {} by {} rewrote rehearsals[{i}] (the {} rehearsal of {} by {}): a recorded rehearsal is never changed or removed",
                    commit.short(),
                    commit.author,
                    was.result,
                    stamp(was.at),
                    was.by
                ),
                "restore the entry as it was; record a new rehearsal with `chg rehearse` instead",
            ));
        }
    }
    let latest = commit.time + Duration::minutes(CLOCK_TOLERANCE_MINUTES);
    let earliest = commit.time - Duration::hours(BACKDATE_HOURS);
    for (i, r) in new.rehearsals.iter().enumerate().skip(before.len()) {
        if !r.by.same_as(&commit.author) || !commit.committer.same_as(&commit.author) {
            out.push(finding(
                format!("rehearsals[{i}].by"),
                Rule::RehearsalNotByItsAuthor,
                format!(
                    "commit {} records a rehearsal by {}, but it was authored by {} and committed by {}",
                    commit.short(),
                    r.by,
                    commit.author,
                    commit.committer
                ),
                "whoever ran the rehearsal records it with `chg rehearse`, in their own commit",
            ));
        }
        let problem = if r.at > latest {
            Some(format!("is after the commit's own time {}", stamp(commit.time)))
        } else if r.at < earliest {
            Some(format!(
                "is more than {BACKDATE_HOURS} h before the commit's own time {}",
                stamp(commit.time)
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            out.push(finding(
                format!("rehearsals[{i}].at"),
                Rule::ImplausibleTime,
                format!(
                    "commit {} by {} writes `rehearsals[{i}].at {}`, which {problem}",
                    commit.short(),
                    commit.author,
                    stamp(r.at)
                ),
                &format!("record a rehearsal when it ran, or within {BACKDATE_HOURS} h after (`chg rehearse --at`)"),
            ));
        }
    }
    out
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
