//! `rollback-plan-missing` and `testing-incomplete`: is the change ready to be approved.

use super::Context;
use crate::finding::Finding;
use crate::lifecycle;
use crate::record::{Classification, RollbackKind, Status, Strategy, TestState};
use crate::rule::Rule;
use crate::store::Loaded;

/// Checks the rollback plan and the testing the class requires.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let file = loaded.file.as_str();
    let pos = &loaded.positions;
    let mut findings = Vec::new();
    let past_draft = !matches!(record.status, Status::Draft | Status::Cancelled);
    if past_draft && record.classification != Classification::Standard {
        let plan = record.rollback.as_ref();
        let has_plan = plan
            .and_then(|p| p.plan.as_deref())
            .is_some_and(|t| !t.trim().is_empty());
        let has_kind = plan.and_then(|p| p.kind).is_some();
        if !has_plan || !has_kind {
            let missing = match (has_plan, has_kind) {
                (false, false) => "a rollback plan and kind",
                (false, true) => "a rollback plan",
                _ => "a rollback kind",
            };
            findings.push(Finding::error(
                file,
                pos.of("rollback"),
                Rule::RollbackPlanMissing,
                format!(
                    "{} change past draft needs {missing}",
                    record.classification.with_article()
                ),
                "add `rollback: {plan: ..., kind: simple|complex|full-restore}`",
            ));
        }
    }
    // Undoing a schema change is a rollback migration or a restore, never a
    // version revert; judged until the change runs, so history stays, and
    // already in a draft, where it is a contradiction, not something still
    // to fill in: check says what submit will refuse (one definition).
    let database = record.deployment.as_ref().and_then(|d| d.strategy) == Some(Strategy::DatabaseMigration);
    let to_run = matches!(
        record.status,
        Status::Draft | Status::Submitted | Status::Approved | Status::Scheduled
    );
    let simple = record.rollback.as_ref().and_then(|p| p.kind) == Some(RollbackKind::Simple);
    if database && to_run && simple && record.classification != Classification::Standard {
        findings.push(Finding::error(
            file,
            pos.of("rollback.kind"),
            Rule::RollbackPlanMissing,
            "a database migration needs a complex or full-restore rollback, not a simple one",
            "set `rollback.kind: complex` (a rollback migration) or `full-restore`, with a plan that says how",
        ));
    }
    // Emergencies may test "if time permits": judge them once implemented.
    let judged = if record.classification == Classification::Emergency {
        matches!(
            record.status,
            Status::Completed | Status::Failed | Status::RolledBack | Status::Closed
        )
    } else {
        lifecycle::needs_approval(record.status) || record.status == Status::Submitted
    };
    if judged {
        for kind in ctx.policy.required_tests(record.classification) {
            let state = record.testing.get(*kind);
            if state == Some(TestState::Passed) {
                continue;
            }
            let shown = state.map_or("missing".to_string(), |s| s.to_string());
            let message = format!(
                "`{kind}` testing is {shown}; {} change needs it passed before approval",
                record.classification.with_article()
            );
            let path = format!("testing.{kind}");
            let hint = format!("run it and set `{path}: passed` (`chg new --test {kind}=passed` when creating)");
            // A submitted change is only warned: approval is where it is refused.
            findings.push(if record.status == Status::Submitted {
                Finding::warning(file, pos.of(&path), Rule::TestingIncomplete, message, hint)
            } else {
                Finding::error(file, pos.of(&path), Rule::TestingIncomplete, message, hint)
            });
        }
    }
    findings
}
