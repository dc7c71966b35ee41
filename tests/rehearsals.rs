//! Issue 15.15: rollback rehearsals are recorded (`chg rehearse`), one
//! definition of "rehearsed within a quarter" judges them, a major or
//! database change cannot be approved without one, and the attacks on the
//! evidence (future and back-dated entries, someone else's name, a failed
//! rehearsal, a rewritten one) are caught.

use crate::support::{assert_lines, Approval, Finding, Record, Run, Test, Who, Yaml, DAVE, JANE, MALLORY, SAM};

const ID: &str = "CHG-2026-0001";

/// The rehearsal log of a system, as `chg rehearse` writes it.
fn log_of(t: &Test, system: &str) -> String {
    t.read(&format!("changes/rehearsals/{system}.yaml"))
}

/// A hand-written rehearsal log of `system` with one entry: a simple
/// rollback, rehearsed by Jane at `at`, passed.
fn log_with(system: &str, at: &str) -> String {
    format!(
        "schema_version: 1\nsystem: {system}\nrehearsals:\n  - at: {at}\n    kind: simple\n    minutes: 12\n    result: passed\n    by: {}\n",
        JANE.id()
    )
}

/// `chg rehearse SYSTEM --kind simple --minutes M --result R`, as Jane.
fn rehearse(t: &Test, system: &str, minutes: &str, result: &str) -> Run {
    t.run(&[
        "rehearse",
        system,
        "--kind",
        "simple",
        "--minutes",
        minutes,
        "--result",
        result,
    ])
}

/// On a branch of its own, `who` commits checkout-api's rehearsal log as
/// `log`; returns the gate's one finding of `rule`, which must name that log
/// and say `says`.
#[track_caller]
fn gate_after_log(t: &Test, (who, message): (Who, &str), log: &str, rule: &str, says: &str) -> Finding {
    let path = "changes/rehearsals/checkout-api.yaml";
    t.git(&["checkout", "-q", "-b", "log-edited"]);
    t.write(path, log);
    t.commit(who, message);
    let f = t.check_against("main").finding(rule);
    assert_eq!(f.file, path, "{f:?}");
    assert!(f.message.contains(says), "{rule} does not say {says:?}: {f:?}");
    f
}

/// A store with this change submitted and never rehearsed.
fn submitted(record: Record) -> Test {
    filed(record.without("rollback.last_tested"))
}

/// Why a fixture change is not rehearsed when nothing is recorded.
const NEVER: &str = "never rehearsed; no passed rehearsal for checkout-api, pricing-service";

/// The hint of the rehearsal rule.
const REHEARSE: &str = "rehearse the rollback and record it: `chg rehearse CHG-2026-0001 --minutes N --result passed` (or `chg rehearse SYSTEM --kind KIND ...` per system)";

/// Asserts the CTO's approval is refused by the rehearsal rule, saying `why`
/// no rehearsal counts, with the hint to record one.
#[track_caller]
fn cto_refused_for_the_rehearsal(t: &Test, why: &str) {
    t.run_as(DAVE, &["approve", ID]).is(
        1,
        "",
        &format!(
            "error: CHG-2026-0001 cannot become `approved`: `chg check` finds 1 error in it
  changes/2026/CHG-2026-0001.yaml:22: [rollback-test-stale] approved on 2026-11-25 12:00 UTC without a simple rollback rehearsed within 92 days before ({why}): a major change may not be approved until its rollback is rehearsed
    hint: {REHEARSE}
  hint: fix them in changes/2026/CHG-2026-0001.yaml and try again
"
        ),
    );
}

/// The `rollback-test-stale` finding of a failing `chg check`; it must be an error.
#[track_caller]
fn stale_error(t: &Test) -> Finding {
    let f = t.check().status(1).finding("rollback-test-stale");
    assert!(f.is_error(), "{f:?}");
    f
}

/// A store with this change submitted by Jane, as it is.
fn filed(record: Record) -> Test {
    Test::new()
        .record(record.status("submitted"))
        .commit_as(JANE, "CHG-2026-0001: submitted")
}

/// A submitted major change whose rollback was never rehearsed: the CTO's
/// approval alone satisfies the policy.
fn submitted_major() -> Test {
    submitted(Record::major(ID))
}

#[test]
fn issue_15_15_chg_rehearse_records_a_rollback_test_of_a_system_and_of_a_change() {
    let t = submitted(Record::normal(ID));
    t.run(&[
        "rehearse",
        "checkout-api",
        "--kind",
        "simple",
        "--minutes",
        "12",
        "--result",
        "passed",
        "--at",
        "10:30",
        "--notes",
        "v41 redeployed in staging",
    ])
    .ok()
    .stdout_is("checkout-api: simple rollback rehearsal recorded (passed, 12 min, 2026-11-25 10:30 UTC)\n");
    assert_eq!(
        log_of(&t, "checkout-api"),
        "# yaml-language-server: $schema=../schemas/rehearsals.schema.json\n---\nschema_version: 1\nsystem: checkout-api\nrehearsals:\n  - at: \"2026-11-25T10:30:00Z\"\n    kind: simple\n    minutes: 12\n    result: passed\n    by: Jane Doe <jane@example.com>\n    notes: v41 redeployed in staging\n"
    );
    // A rehearsal of the change goes into each of its systems' logs, of the plan's kind.
    t.run(&["rehearse", ID, "--minutes", "14", "--result", "passed"]).ok();
    for system in ["checkout-api", "pricing-service"] {
        let log = log_of(&t, system);
        assert!(
            log.ends_with("  - at: \"2026-11-25T12:00:00Z\"\n    kind: simple\n    minutes: 14\n    result: passed\n    by: Jane Doe <jane@example.com>\n    change: CHG-2026-0001\n"),
            "{system}: {log}"
        );
    }
    // Each recording is its own commit, by the person who ran the rehearsal.
    let last = t.git(&["log", "-1", "--format=%an <%ae>|%cn|%s"]);
    assert_eq!(
        last.trim(),
        "Jane Doe <jane@example.com>|Jane Doe|CHG-2026-0001: rollback rehearsal recorded (passed)"
    );
    // The change counts as rehearsed: no warning is left.
    t.assert_no_finding("rollback-test-stale");
}

#[test]
fn issue_15_15_a_simple_rollback_not_rehearsed_within_a_quarter_is_a_warning_for_a_normal_change() {
    // Before: only complex and full-restore rollbacks were judged.
    let t = submitted(Record::normal(ID));
    let run = t.run(&["check", "--format", "json"]).ok();
    let f = run.finding("rollback-test-stale");
    assert!(!f.is_error(), "a warning for a normal change");
    assert_eq!(
        f.message,
        "a simple rollback not rehearsed within 92 days (never rehearsed; no passed rehearsal for checkout-api, pricing-service)"
    );
    assert_eq!(f.hint, REHEARSE);
    // The policy may exempt a kind.
    t.edit_policy(|p| p.set("rollback_rehearsal.exempt", "[simple]"));
    t.assert_no_finding("rollback-test-stale");
}

#[test]
fn issue_15_15_a_major_change_without_a_rehearsal_in_the_quarter_cannot_be_approved() {
    let t = submitted_major();
    cto_refused_for_the_rehearsal(&t, NEVER);
    // A rehearsal of each system, then the approval goes through.
    for system in ["checkout-api", "pricing-service"] {
        rehearse(&t, system, "9", "passed").ok();
    }
    t.run_as(DAVE, &["approve", ID]).ok();
    assert_lines(&t.read(&format!("changes/2026/{ID}.yaml")), &["status: approved"]);
}

#[test]
fn issue_15_15_an_approved_database_migration_without_a_rehearsal_before_its_approval_is_an_error() {
    // Approved on 11-17 by hand, with no rehearsal: an error on any later date.
    let t = Test::new()
        .record(
            Record::normal(ID)
                .without("rollback.last_tested")
                .approved_by_sam()
                .raw("deployment.strategy", "database-migration")
                .rollback_kind("complex"),
        )
        .commit_as(SAM, "CHG-2026-0001: approved");
    let f = stale_error(&t);
    assert!(
        f.message
            .starts_with("approved on 2026-11-17 10:03 UTC without a complex rollback rehearsed within 92 days before"),
        "{}",
        f.message
    );
}

#[test]
fn issue_15_15_a_database_migration_needs_a_complex_or_full_restore_rollback() {
    let t = filed(Record::normal(ID).raw("deployment.strategy", "database-migration"));
    let f = t
        .run(&["check", "--format", "json"])
        .status(1)
        .finding("rollback-plan-missing");
    assert_eq!(
        f.message,
        "a database migration needs a complex or full-restore rollback, not a simple one"
    );
}

#[test]
fn issue_15_15_a_failed_rehearsal_is_not_counted_as_current() {
    let t = submitted_major();
    for system in ["checkout-api", "pricing-service"] {
        rehearse(&t, system, "40", "failed").ok();
    }
    cto_refused_for_the_rehearsal(
        &t,
        &format!("{NEVER}; the rehearsal of checkout-api on 2026-11-25 12:00 UTC failed"),
    );
}

#[test]
fn issue_15_15_a_rehearsal_dated_in_the_future_counts_for_nothing_and_the_gate_refuses_it() {
    let mut t = submitted_major();
    t.git(&["checkout", "-q", "-b", "rehearsed"]);
    // Written today, dated 80 days ahead: it would count until the next summer.
    for system in ["checkout-api", "pricing-service"] {
        t.write(
            &format!("changes/rehearsals/{system}.yaml"),
            &log_with(system, "2027-02-13T10:00:00Z"),
        );
    }
    t.set_now("2026-11-25T12:10:00Z");
    t.commit(JANE, "rehearsals");
    let findings = t.check_against("main").findings();
    let future: Vec<_> = findings
        .iter()
        .filter(|f| f.rule == "implausible-time" && f.file == "changes/rehearsals/checkout-api.yaml")
        .collect();
    assert_eq!(future.len(), 1, "{findings:?}");
    assert!(future[0].is_error());
    assert_eq!(
        future[0].message,
        format!(
            "commit {} by Jane Doe <jane@example.com> writes `rehearsals[0].at 2027-02-13 10:00 UTC`, which is after the commit's own time 2026-11-25 12:10 UTC",
            &t.head()[..10]
        )
    );
    // In the work tree too it counts for nothing, and says why.
    let stale = findings
        .iter()
        .find(|f| f.rule == "rollback-test-stale")
        .expect("still not rehearsed");
    assert_eq!(
        stale.message,
        format!("a simple rollback not rehearsed within 92 days ({NEVER}; the rehearsal of checkout-api dated 2027-02-13 10:00 UTC is after 2026-11-25 12:10 UTC): a major change may not be approved until its rollback is rehearsed")
    );
    t.run_as(DAVE, &["approve", ID]).status(1);
}

#[test]
fn issue_15_15_a_back_dated_rehearsal_is_refused_by_chg_rehearse_and_by_the_gate() {
    let t = submitted_major();
    let refused = t
        .run(&[
            "rehearse",
            "checkout-api",
            "--kind",
            "simple",
            "--minutes",
            "9",
            "--result",
            "passed",
            "--at",
            "2026-11-20T10:00:00Z",
        ])
        .status(2);
    assert_eq!(
        refused.stderr,
        "error: `--at 2026-11-20T10:00:00Z` is more than a day ago\n  hint: an action is recorded within a day; correct an older time by editing the record and committing it\n"
    );
    // Recorded today by hand, dated five days back.
    let log = log_with("checkout-api", "2026-11-20T10:00:00Z");
    let says = "rehearsals[0].at 2026-11-20 10:00 UTC";
    gate_after_log(&t, (JANE, "a rehearsal last week"), &log, "implausible-time", says);
}

#[test]
fn issue_15_15_a_rehearsal_recorded_under_someone_elses_name_is_refused_by_the_gate() {
    let t = submitted_major();
    let log = log_with("checkout-api", "2026-11-25T11:00:00Z");
    let says =
        "records a rehearsal by Jane Doe <jane@example.com>, but it was authored by Mallory Bad <mallory@example.com>";
    let f = gate_after_log(
        &t,
        (MALLORY, "Jane's rehearsal"),
        &log,
        "rehearsal-not-by-its-author",
        says,
    );
    assert!(f.is_error());
}

#[test]
fn issue_15_15_a_rehearsal_rewritten_from_failed_to_passed_is_refused_by_the_gate() {
    let t = submitted_major();
    rehearse(&t, "checkout-api", "40", "failed").ok();
    let log = Yaml::new(&log_of(&t, "checkout-api"))
        .set("rehearsals.0.result", "passed")
        .text();
    let says = "rewrote rehearsals[0]";
    gate_after_log(&t, (JANE, "it passed really"), &log, "approval-removed", says);
}

#[test]
fn issue_15_15_overdue_rehearsals_in_the_attention_list_follow_the_same_definition() {
    let t = Test::new()
        .record(Record::normal(ID).without("rollback.last_tested").approved_by_sam())
        .commit_as(SAM, "CHG-2026-0001: approved");
    let status = t.run(&["status", "--format", "json"]).ok().json();
    assert_eq!(
        status,
        serde_json::json!([{
            "due": "2026-11-18T02:00:00Z",
            "id": "CHG-2026-0001",
            "overdue": true,
            "title": "Enable canary routing for checkout-api",
            "what": "rollback rehearsal overdue: a simple rollback not rehearsed within 92 days (never rehearsed; no passed rehearsal for checkout-api, pricing-service) (`chg rehearse CHG-2026-0001 --minutes … --result …`)",
            "who": ["jane@example.com"]
        }])
    );
}

#[test]
fn issue_15_15_a_log_filed_under_another_systems_name_counts_for_nothing() {
    // checkout-api's log holds pricing-service's rehearsal: it proves nothing of checkout-api.
    let t = submitted_major()
        .file(
            "changes/rehearsals/checkout-api.yaml",
            &log_with("pricing-service", "2026-11-25T11:00:00Z"),
        )
        .file(
            "changes/rehearsals/pricing-service.yaml",
            &log_with("pricing-service", "2026-11-25T11:00:00Z"),
        );
    let run = t.run(&["check", "--format", "json"]).status(1);
    let f = run.finding("id-mismatch");
    assert_eq!(f.file, "changes/rehearsals/checkout-api.yaml");
    let stale = run.finding("rollback-test-stale");
    assert_eq!(
        stale.message,
        "a simple rollback not rehearsed within 92 days (last rehearsed on 2026-11-25; no passed rehearsal for checkout-api): a major change may not be approved until its rollback is rehearsed"
    );
}

/// Review finding: the rehearsal rule could be met by typing a date. The
/// plan's `rollback.last_tested` is the requester's statement; a major
/// change is approved only on a rehearsal recorded with `chg rehearse`.
#[test]
fn a_rollback_last_tested_date_typed_by_the_requester_does_not_open_approval_of_a_major_change() {
    // Jane states a rehearsal two days ago in her own plan; nothing is recorded.
    let t = filed(Record::major(ID).raw("rollback.last_tested", "2026-11-23"));
    cto_refused_for_the_rehearsal(&t, NEVER);
    assert_lines(&t.read(&Record::major(ID).path()), &["status: submitted"]);

    // Approved by hand-editing the status and an approval in: `check` says so.
    let forged = Test::new()
        .record(
            Record::major(ID)
                .raw("rollback.last_tested", "2026-11-16")
                .status("approved")
                .approval(Approval::new("cto", DAVE).at("2026-11-17T10:00:00Z")),
        )
        .commit_as(DAVE, "CHG-2026-0001: approved");
    stale_error(&forged);

    // For a normal change the stated date still quiets the warning.
    let normal = filed(Record::normal(ID).raw("rollback.last_tested", "2026-11-23"));
    normal.assert_no_finding("rollback-test-stale");
}
