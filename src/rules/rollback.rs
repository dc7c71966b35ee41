//! `rto-exceeded`, `post-rollback-actions-missing` and `rollback-test-stale`:
//! rollbacks that took too long, what is owed after them, and rollback
//! procedures not rehearsed this quarter.

use super::{absent, finding, Context};
use crate::finding::Finding;
use crate::lifecycle;
use crate::policy::RtoCheck;
use crate::record::{Classification, RollbackEntry, Status};
use crate::rehearsal::{self, Standing};
use crate::rule::Rule;
use crate::store::Loaded;

/// Checks the rollback entries and the rollback plan's last test.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (i, entry) in loaded.record.rollbacks.iter().enumerate() {
        findings.extend(timing(loaded, ctx, i, entry));
        findings.extend(owed(loaded, ctx, i, entry));
    }
    rehearsal(loaded, ctx, &mut findings);
    findings
}

/// The `i`th rollback's times: over its RTO, or log steps before its start.
fn timing(loaded: &Loaded, ctx: &Context, i: usize, entry: &RollbackEntry) -> Vec<Finding> {
    let record = &loaded.record;
    let mut findings = Vec::new();
    if let Some(check) = record.rto_check(entry, ctx.policy).filter(RtoCheck::exceeded) {
        findings.push(
            finding(
                loaded,
                &format!("rollbacks[{i}].restored_at"),
                Rule::RtoExceeded,
                format!(
                    "the rollback took {}, {} the {} RTO of a {} rollback{}",
                    check.took_text(),
                    check.over_or_not_under(),
                    check.rto.text(),
                    check.kind,
                    check.assumed()
                ),
                "find out why in the post-rollback review, and test the rollback procedure",
            )
            .historical(),
        );
    }
    let floor = entry.log_floor(record.started_at());
    for (j, step) in entry.log.iter().enumerate() {
        if let Some(floor) = floor.filter(|f| step.at < *f) {
            findings.push(finding(
                loaded,
                &format!("rollbacks[{i}].log[{j}].at"),
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
    findings
}

/// What the `i`th rollback still owes: its assessment, its verification and
/// the actions after it.
fn owed(loaded: &Loaded, ctx: &Context, i: usize, entry: &RollbackEntry) -> Vec<Finding> {
    let id = &loaded.record.id;
    let whole = format!("rollbacks[{i}]");
    let mut findings = Vec::new();
    let missing = entry.assessment_missing();
    if !missing.is_empty() {
        findings.push(finding(
            loaded,
            &whole,
            Rule::RollbackAssessmentMissing,
            format!("rollback {} does not record {}", i + 1, and_list(&missing)),
            "`chg rollback` records them at the start: `--severity`, `--estimated-minutes`, `--measured`",
        ));
    }
    if let Some(m) = entry.measured.filter(|m| m.value <= m.threshold) {
        findings.push(finding(
            loaded,
            &format!("rollbacks[{i}].measured"),
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
    let lacks = entry.verification_owed();
    if entry.restored_at.is_some() && !lacks.is_empty() {
        findings.push(finding(
            loaded,
            &whole,
            Rule::RollbackVerificationIncomplete,
            format!("rollback {} lacks verification: {}", i + 1, lacks.join(", ")),
            format!(
                "whoever ran the checks records them with `chg review {id} --smoke-tests … --error-rates … --customer-access …` (a planned rollback also `--full-test-suite`, `--performance`, `--security`; `--not-run-reason CHECK=…` for a check not run)"
            ),
        ));
    }
    let grace = ctx.policy.emergency_deadlines.post_review;
    let p = &entry.post_actions;
    let lacks = absent(&[
        ("lessons learned", p.lessons_learned.is_some()),
        ("root cause", p.root_cause.is_some()),
        ("re-deployment plan", p.redeploy_plan.is_some()),
    ]);
    if entry
        .restored_at
        .is_some_and(|restored| ctx.now > restored + grace.duration())
        && !lacks.is_empty()
    {
        findings.push(finding(
            loaded,
            &whole,
            Rule::PostRollbackActionsMissing,
            format!(
                "{} after the rollback, it still lacks: {}",
                grace.text(),
                lacks.join(", ")
            ),
            format!("record them with `chg review {id} --lessons-learned ... --root-cause ... --redeploy-plan ...`"),
        ));
    }
    findings
}

/// `rollback-test-stale`: a change still to run whose rollback is not
/// rehearsed within the policy's interval (a warning), and a major change or
/// database migration approved without a rehearsal in the interval before
/// its approval (an error, judged at the approval so it holds on any date).
/// "Rehearsed" is [`rehearsal::standing`], the one definition.
fn rehearsal(loaded: &Loaded, ctx: &Context, findings: &mut Vec<Finding>) {
    let record = &loaded.record;
    let to_run = matches!(
        record.status,
        Status::Draft | Status::Submitted | Status::Approved | Status::Scheduled | Status::InProgress
    );
    if !to_run {
        return;
    }
    let file = loaded.file.as_str();
    let at = loaded.positions.of("rollback");
    let what = if record.classification == Classification::Major {
        "a major change"
    } else {
        "a database migration"
    };
    let blocks = rehearsal::blocks_approval(record);
    let hint = format!(
        "rehearse the rollback and record it: `chg rehearse {} --minutes N --result passed` (or `chg rehearse SYSTEM --kind KIND ...` per system)",
        record.id
    );
    // Approved, scheduled or in progress: judged when the last approval was given.
    let approved_at = if lifecycle::needs_approval(record.status) {
        record.granted_approvals().map(|a| a.at).max()
    } else {
        None
    };
    if let Some(approved) = approved_at.filter(|_| blocks) {
        if let Standing::Stale(s) = rehearsal::standing(record, ctx.rehearsals, ctx.policy, approved) {
            findings.push(Finding::error(
                file,
                at,
                Rule::RollbackTestStale,
                format!(
                    "approved on {} without a {} rollback rehearsed within {} before ({}): {what} may not be approved until its rollback is rehearsed",
                    approved.format("%Y-%m-%d %H:%M UTC"),
                    s.kind,
                    ctx.policy.rollback_rehearsal.interval.text(),
                    s.details()
                ),
                hint,
            ));
            return;
        }
    }
    if let Standing::Stale(s) = rehearsal::standing(record, ctx.rehearsals, ctx.policy, ctx.now) {
        let message = if blocks && !lifecycle::needs_approval(record.status) {
            format!(
                "{}: {what} may not be approved until its rollback is rehearsed",
                s.text(ctx.policy)
            )
        } else {
            s.text(ctx.policy)
        };
        findings.push(Finding::warning(file, at, Rule::RollbackTestStale, message, hint));
    }
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => items.join(""),
    }
}
