//! The check rules added with the lifecycle: illegal-status and
//! rollback-test-stale, on hand-written records.

use crate::support::*;

const ID: &str = "CHG-2026-0001";

/// No finding.
const NONE: [(&str, &str); 0] = [];

/// What `chg check` finds in a store holding only this record.
fn findings(record: Record) -> Vec<Finding> {
    Test::new().record(record).findings()
}

/// Started on 18 November, not finished.
fn implemented(record: Record) -> Record {
    record.implementation(Implementation::started("2026-11-18T02:05:00Z"))
}

#[test]
fn illegal_status_in_progress_without_approvals() {
    let started = implemented(Record::normal(ID).status("in-progress"));
    assert_eq!(findings(started), [("approval-missing", ID), ("illegal-status", ID)]);
    let approved = implemented(Record::normal(ID).approved_by_sam().status("in-progress"));
    assert_eq!(findings(approved), NONE);
}

#[test]
fn illegal_status_allows_an_emergency_with_both_verbal_approvals() {
    let verbal = |role: &str, who: Who| Approval::new(role, who).method("verbal").at("2026-11-18T02:00:00Z");
    let emergency = implemented(Record::emergency(ID).status("in-progress"))
        .emergency_block("{criteria: [production-down]}")
        .approval(verbal("ciso", CAROL));
    // Judged an hour after the start, before any of an emergency's deadlines.
    let findings = |record: Record| Test::new().at("2026-11-18T03:05:00Z").record(record).findings();
    // One verbal approval is not enough; both are.
    assert_eq!(
        findings(emergency.clone()),
        [("illegal-status", ID), ("approval-missing", ID)]
    );
    assert_eq!(findings(emergency.approval(verbal("cto", DAVE))), NONE);
}

#[test]
fn illegal_status_cancelled_rejected_and_draft_with_implementation() {
    for status in ["cancelled", "rejected"] {
        assert_eq!(
            findings(Record::normal(ID).status(status)),
            [("illegal-status", ID)],
            "{status}"
        );
    }
    assert_eq!(findings(implemented(Record::normal(ID))), [("illegal-status", ID)]);
    assert_eq!(findings(Record::normal(ID)), NONE);
}

#[test]
fn rollback_test_stale_for_every_rollback_kind() {
    // Issue 15.15: simple rollbacks are judged too (they were not before).
    for kind in ["simple", "complex", "full-restore"] {
        let mut never = Record::normal("CHG-2026-0001")
            .without("rollback.last_tested")
            .rollback_kind(kind);
        if kind == "complex" {
            // A complex rollback is a database change's: deployed blue-green, as the policy says.
            never = never.raw("deployment.strategy", "blue-green");
        }
        let stale = [("rollback-test-stale", ID)];
        assert_eq!(findings(never.clone()), stale, "{kind}");
        let old = never.clone().raw("rollback.last_tested", "2026-06-01");
        assert_eq!(findings(old), stale, "{kind}");
        let fresh = never.raw("rollback.last_tested", "2026-10-02");
        assert_eq!(findings(fresh), NONE, "{kind}");
    }
}

#[test]
fn every_rule_is_listed() {
    for rule in [
        "illegal-status",
        "emergency-documentation-overdue",
        "emergency-approval-overdue",
        "emergency-review-overdue",
        "cab-review-missing",
        "rto-exceeded",
        "post-rollback-actions-missing",
        "rollback-test-stale",
    ] {
        assert!(chg::rule::Rule::from_id(rule).is_some(), "{rule}");
    }
}
