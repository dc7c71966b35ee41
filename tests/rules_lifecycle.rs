//! The check rules added with the lifecycle: illegal-status and
//! rollback-test-stale, on hand-written records.

use crate::support::*;

const PATH: &str = "changes/2026/CHG-2026-0001.yaml";

fn fired(text: &str) -> Vec<String> {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-25T12:00:00Z".into());
    repo.write(PATH, text);
    repo.check().rules()
}

/// Asserts `rule` fires on the record `text`.
#[track_caller]
fn assert_fires(text: &str, rule: &str) {
    let rules = fired(text);
    assert!(rules.iter().any(|r| r == rule), "{rule} does not fire: {rules:?}");
}

/// Asserts `rule` does not fire on the record `text`.
#[track_caller]
fn assert_quiet(text: &str, rule: &str) {
    let rules = fired(text);
    assert!(!rules.iter().any(|r| r == rule), "{rule} fires: {rules:?}");
}

const IMPLEMENTED: &str = "implementation:\n  started_at: 2026-11-18T02:05:00Z\n";

#[test]
fn illegal_status_in_progress_without_approvals() {
    let text = format!("{}{IMPLEMENTED}", normal_record("CHG-2026-0001", "in-progress"));
    assert_fires(&text, "illegal-status");
    let approved = format!(
        "{}{SAM_APPROVAL}{IMPLEMENTED}",
        normal_record("CHG-2026-0001", "in-progress")
    );
    assert_quiet(&approved, "illegal-status");
}

#[test]
fn illegal_status_allows_an_emergency_with_both_verbal_approvals() {
    let emergency = normal_record("CHG-2026-0001", "in-progress").replace("classification: normal", "classification: emergency")
        + "approvals:\n  - {role: ciso, approver: Carol Diaz <carol@example.com>, decision: approved, method: verbal, at: 2026-11-18T02:00:00Z}\n"
        + IMPLEMENTED
        + "emergency: {criteria: [production-down]}\n";
    let both = emergency.replace(
        "implementation:",
        "  - {role: cto, approver: Dave Kim <dave@example.com>, decision: approved, method: verbal, at: 2026-11-18T02:00:00Z}\nimplementation:",
    );
    // One verbal approval is not enough; both are.
    let one = fired(&emergency);
    assert!(
        one.contains(&"illegal-status".to_string()) || one.contains(&"approval-missing".to_string()),
        "{one:?}"
    );
    assert_quiet(&both, "illegal-status");
}

#[test]
fn illegal_status_cancelled_rejected_and_draft_with_implementation() {
    assert_fires(&normal_record("CHG-2026-0001", "cancelled"), "illegal-status");
    assert_fires(&normal_record("CHG-2026-0001", "rejected"), "illegal-status");
    let draft = format!("{}{IMPLEMENTED}", normal_record("CHG-2026-0001", "draft"));
    assert_fires(&draft, "illegal-status");
    assert!(fired(&normal_record("CHG-2026-0001", "draft")).is_empty());
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
        assert_eq!(fired(&never.text()), ["rollback-test-stale"], "{kind}");
        let old = never.clone().raw("rollback.last_tested", "2026-06-01");
        assert_eq!(fired(&old.text()), ["rollback-test-stale"], "{kind}");
        let fresh = never.raw("rollback.last_tested", "2026-10-02");
        assert!(fired(&fresh.text()).is_empty(), "{kind}");
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
