//! `outcome-incomplete` and `rollback-record-incomplete`: an ended change
//! says when it ran, how it ended, and how it was validated.

use super::Context;
use crate::finding::Finding;
use crate::record::{Outcome, Status};
use crate::rule::Rule;
use crate::store::Loaded;

/// Checks the implementation and rollback records of an ended change.
pub fn check(loaded: &Loaded, _ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let file = loaded.file.as_str();
    let pos = &loaded.positions;
    let mut findings = Vec::new();
    let outcome = record.outcome();
    let ended_as = match record.status {
        Status::Completed => Some(Outcome::Successful),
        Status::Failed => Some(Outcome::Failed),
        Status::RolledBack => Some(Outcome::RolledBack),
        Status::Closed => outcome,
        _ => None,
    };
    let Some(expected) = ended_as else { return findings };
    if record.status == Status::Closed && outcome.is_none() {
        findings.push(Finding::error(
            file,
            pos.of("implementation"),
            Rule::OutcomeIncomplete,
            "a closed change does not say how its implementation ended",
            "set `implementation.outcome` to successful, failed or rolled-back",
        ));
        return findings;
    }
    let implementation = record.implementation.clone().unwrap_or_default();
    let missing = super::absent(&[
        ("started_at", implementation.started_at.is_some()),
        ("finished_at", implementation.finished_at.is_some()),
        ("outcome", implementation.outcome.is_some()),
        (
            "validation",
            expected == Outcome::RolledBack || implementation.validation.as_ref().is_some_and(|v| !v.is_empty()),
        ),
    ]);
    if !missing.is_empty() {
        findings.push(Finding::error(
            file,
            pos.of("implementation"),
            Rule::OutcomeIncomplete,
            format!(
                "a {} change lacks implementation.{}",
                record.status,
                missing.join(", implementation.")
            ),
            format!(
                "`chg complete {}` or `chg fail {}` records them; or add them to the file",
                record.id, record.id
            ),
        ));
    } else if implementation.outcome != Some(expected) {
        findings.push(Finding::error(
            file,
            pos.of("implementation.outcome"),
            Rule::OutcomeIncomplete,
            format!(
                "status `{}` does not fit outcome `{}`",
                record.status,
                implementation.outcome.map_or("none".into(), |o| o.to_string())
            ),
            format!("set `implementation.outcome: {expected}`, or correct the status"),
        ));
    }
    if expected == Outcome::RolledBack {
        findings.extend(rollback_entry(loaded));
    }
    findings
}

/// `rollback-record-incomplete`: a rolled-back change's last rollback entry
/// exists and says why, when and how it was validated.
fn rollback_entry(loaded: &Loaded) -> Option<Finding> {
    let record = &loaded.record;
    let file = loaded.file.as_str();
    let pos = &loaded.positions;
    match record.rollbacks.last() {
        None => Some(Finding::error(
            file,
            pos.of("status"),
            Rule::RollbackRecordIncomplete,
            "a rolled-back change has no rollback entry",
            format!("record it with `chg rollback {}`", record.id),
        )),
        Some(entry) => {
            let i = record.rollbacks.len() - 1;
            let mut lacks = Vec::new();
            if entry.reason.as_deref().is_none_or(|r| r.trim().is_empty()) {
                lacks.push("reason");
            }
            if entry.started_at.is_none() {
                lacks.push("started_at");
            }
            if entry.restored_at.is_none() {
                lacks.push("restored_at");
            }
            if entry.validation.as_ref().is_none_or(|v| v.is_empty()) {
                lacks.push("validation");
            }
            (!lacks.is_empty()).then(|| {
                Finding::error(
                    file,
                    pos.of(&format!("rollbacks[{i}]")),
                    Rule::RollbackRecordIncomplete,
                    format!("the rollback entry lacks {}", lacks.join(", ")),
                    "add them: every rollback needs its trigger, reason, times and validation results",
                )
            })
        }
    }
}
