//! `rto-exceeded`, `post-rollback-actions-missing` and `rollback-test-stale`:
//! warnings about rollbacks that took too long, what is owed after them,
//! and rollback procedures not tested this quarter.

use chrono::Duration;

use super::Context;
use crate::finding::Finding;
use crate::policy::RtoCheck;
use crate::record::{RollbackKind, Status};
use crate::rule::Rule;
use crate::store::Loaded;

/// How old a rollback test may be: a quarter.
pub const TEST_INTERVAL_DAYS: i64 = 92;

/// Checks the rollback entries and the rollback plan's last test.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let file = loaded.file.as_str();
    let pos = &loaded.positions;
    let mut findings = Vec::new();
    for (i, entry) in record.rollbacks.iter().enumerate() {
        if let Some(check) = record.rto_check(entry, ctx.policy).filter(RtoCheck::exceeded) {
            findings.push(Finding::warning(
                file,
                pos.of(&format!("rollbacks[{i}].restored_at")),
                Rule::RtoExceeded,
                format!(
                    "the rollback took {} min, {} the {} RTO of a {} rollback",
                    check.minutes(),
                    check.over_or_not_under(),
                    check.rto.text(),
                    check.kind
                ),
                "find out why in the post-rollback review, and test the rollback procedure",
            ));
        }
        let missing = entry.assessment_missing();
        if !missing.is_empty() {
            findings.push(Finding::warning(
                file,
                pos.of(&format!("rollbacks[{i}]")),
                Rule::RollbackAssessmentMissing,
                format!("rollback {} does not record {}", i + 1, and_list(&missing)),
                "`chg rollback` records them at the start: `--severity`, `--estimated-minutes`, `--measured`",
            ));
        }
        if let Some(m) = entry.measured.filter(|m| m.value <= m.threshold) {
            findings.push(Finding::warning(
                file,
                pos.of(&format!("rollbacks[{i}].measured")),
                Rule::RollbackAssessmentMissing,
                format!(
                    "rollback {} was triggered by `{}` at {}, not above its threshold of {}",
                    i + 1,
                    entry.trigger,
                    m.value,
                    m.threshold
                ),
                "record the manual trigger that fits, or correct the measured value",
            ));
        }
        let floor = entry.log_floor(record.started_at());
        for (j, step) in entry.log.iter().enumerate() {
            if let Some(floor) = floor.filter(|f| step.at < *f) {
                findings.push(Finding::error(
                    file,
                    pos.of(&format!("rollbacks[{i}].log[{j}].at")),
                    Rule::ImplausibleTime,
                    format!(
                        "rollback {}'s log entry {} is at {}, before the rollback started at {}",
                        i + 1,
                        j + 1,
                        step.at.format("%Y-%m-%d %H:%M"),
                        floor.format("%Y-%m-%d %H:%M")
                    ),
                    "give each step the time it was done",
                ));
            }
        }
        let lacks = entry.verification_owed();
        if entry.restored_at.is_some() && !lacks.is_empty() {
            findings.push(Finding::warning(
                file,
                pos.of(&format!("rollbacks[{i}]")),
                Rule::RollbackVerificationIncomplete,
                format!("rollback {} lacks verification: {}", i + 1, lacks.join(", ")),
                format!(
                    "whoever ran the checks records them with `chg review {} --smoke-tests … --error-rates … --customer-access …` (a planned rollback also `--full-test-suite`, `--performance`, `--security`; `--not-run-reason CHECK=…` for a check not run)",
                    record.id
                ),
            ));
        }
        let grace = ctx.policy.emergency_deadlines.post_review.duration();
        if let Some(restored) = entry.restored_at {
            let p = &entry.post_actions;
            let mut lacks = Vec::new();
            if p.lessons_learned.is_none() {
                lacks.push("lessons learned");
            }
            if p.root_cause.is_none() {
                lacks.push("root cause");
            }
            if p.redeploy_plan.is_none() {
                lacks.push("re-deployment plan");
            }
            if !lacks.is_empty() && ctx.now > restored + grace {
                findings.push(Finding::warning(
                    file,
                    pos.of(&format!("rollbacks[{i}]")),
                    Rule::PostRollbackActionsMissing,
                    format!(
                        "{} after the rollback, it still lacks: {}",
                        ctx.policy.emergency_deadlines.post_review.text(),
                        lacks.join(", ")
                    ),
                    format!(
                        "record them with `chg review {} --lessons-learned ... --root-cause ... --redeploy-plan ...`",
                        record.id
                    ),
                ));
            }
        }
    }
    let pending = matches!(
        record.status,
        Status::Draft | Status::Submitted | Status::Approved | Status::Scheduled | Status::InProgress
    );
    if let Some(kind @ (RollbackKind::Complex | RollbackKind::FullRestore)) = record.rollback_kind() {
        if pending {
            let tested = record.rollback.as_ref().and_then(|r| r.last_tested);
            let stale_before = ctx.now.date_naive() - Duration::days(TEST_INTERVAL_DAYS);
            let message = match tested {
                None => Some(format!("a {kind} rollback whose procedure has never been tested")),
                Some(d) if d < stale_before => {
                    Some(format!("a {kind} rollback last tested on {d}, more than a quarter ago"))
                }
                Some(_) => None,
            };
            if let Some(message) = message {
                findings.push(Finding::warning(
                    file,
                    pos.of("rollback"),
                    Rule::RollbackTestStale,
                    message,
                    "test the rollback procedure (at least once a quarter) and set `rollback.last_tested`",
                ));
            }
        }
    }
    findings
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.join(""),
    }
}
