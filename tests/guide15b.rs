//! Gaps in issue 15 a reviewer found by using chg as the guide tells a user
//! to: one definition of an emergency's written approval and of its complete
//! documentation, and no CAB presentation or window in the past or future
//! that the clock contradicts.

use crate::lifecycle::{refused, FILE, ID};
use crate::support::*;

/// An emergency filed by the quick form with the CISO's and the CTO's verbal
/// approvals but no description or justification yet, implemented
/// 25 November 12:00–13:00.
fn undocumented_emergency() -> Test {
    let mut t = Test::new();
    t.chg_line("new --emergency --no-input --title 'Patch RCE in api-gateway' --criterion critical-vulnerability --cvss 9.8 --impact-of-not-implementing 'Remote code execution' --system api-gateway --test unit=passed --rollback-plan redeploy --rollback-kind simple --verbal-approval ciso:carol@example.com --verbal-approval cto:dave@example.com")
        .ok();
    t.run(&["start", ID]).ok();
    t.set_now("2026-11-25T13:00:00Z");
    t.run(&["complete", ID, "--smoke-tests", "passed"]).ok();
    t
}

/// `chg edit` with a `sed` script as the editor, as the user's own edit.
fn edit(t: &Test, sed: &str) {
    t.chg_env(
        JANE,
        &[("EDITOR", &format!("sed -i {sed}")), ("VISUAL", "")],
        &["edit", ID],
    )
    .ok();
}

/// Adds the description and the business justification after the title.
const DOCUMENT: &str = "-e '/^title:/a description: Patch the parser' -e '/^title:/a justification: {business_reason: RCE on the public API, expected_benefit: The hole closed}'";

/// Carol approves in writing 9 h after the emergency, the documentation
/// follows (with `sed_more` also applied) and is submitted at +10 h, Dave
/// approves at +12 h; the clock is then the next afternoon.
fn approved_then_documented(sed_more: &str) -> Test {
    let mut t = undocumented_emergency();
    t.set_now("2026-11-25T22:00:00Z");
    t.run_as(CAROL, &["approve", ID]).ok();
    t.set_now("2026-11-25T23:00:00Z");
    edit(&t, &format!("{DOCUMENT} {sed_more}"));
    t.run(&["submit", ID]).ok();
    t.set_now("2026-11-26T01:00:00Z");
    t.run_as(DAVE, &["approve", ID]).ok();
    t.set_now("2026-11-26T14:00:00Z");
    t
}

/// What `chg close` says it still lacks (it is refused here either way).
fn close_lacks(t: &Test) -> String {
    refused(t, JANE, &["close", ID]).stderr
}

#[test]
fn issue_15_6_a_written_approval_given_before_the_documentation_still_counts() {
    let t = approved_then_documented("");
    // Documenting what was done only filled in what was empty: Carol's
    // approval still stands, for every command alike.
    let overdue: Vec<Finding> = t
        .findings()
        .into_iter()
        .filter(|f| f.rule == "emergency-approval-overdue" || f.rule == "approval-stale")
        .collect();
    assert!(overdue.is_empty(), "{overdue:?}");
    let status = t.run(&["status"]).ok().stdout;
    assert!(!status.contains("written approval owed"), "{status}");
    let lacks = close_lacks(&t);
    assert!(!lacks.contains("written approvals"), "{lacks}");
    let json = t
        .run(&["metrics", "--month", "2026-11", "--format", "json"])
        .ok()
        .json();
    assert_eq!(
        json["metrics"]["emergency_written_approval_in_time"]["actual"].as_f64(),
        Some(1.0),
        "{json}"
    );
}

#[test]
fn issue_15_6_a_written_approval_the_documentation_contradicts_is_named_as_stale() {
    // The documentation also changes the rollback plan Carol approved.
    let t = approved_then_documented("-e 's/plan: redeploy/plan: restore the snapshot/'");
    let overdue = t.check().status(1).finding("emergency-approval-overdue");
    assert_eq!(
        overdue.message,
        "emergency change: written approval still missing, due 2026-11-26 13:00 UTC; the written approval of Carol Diaz <carol@example.com> as ciso (2026-11-25 22:00 UTC) is stale: the record was changed after it"
    );
    assert_eq!(
        overdue.hint,
        "Carol Diaz <carol@example.com> confirms the record as it is now with `chg approve CHG-2026-0001` (or the CEO approves)"
    );
    let lacks = close_lacks(&t);
    assert!(
        lacks.contains("the written approvals (1 more ciso, or 1 more ceo: `chg approve CHG-2026-0001`; Carol Diaz <carol@example.com>'s approval as ciso is stale)"),
        "{lacks}"
    );
    // Carol approves again what the record now says: nothing is owed.
    t.run_as(CAROL, &["approve", ID]).ok();
    let late = t.check().ok().finding("emergency-approval-overdue");
    assert_eq!(late.severity, "warning", "{late:?}");
    assert!(!close_lacks(&t).contains("written approvals"));
}

#[test]
fn issue_15_7_submit_and_close_of_an_emergency_without_expected_benefit_are_refused() {
    let mut t = Test::new();
    // The guide's emergency form with a description and a justification, but no benefit.
    crate::emergency::new_emergency(
        &t,
        &words("--verbal-approval ciso:carol@example.com --verbal-approval cto:dave@example.com --rollback-plan redeploy --rollback-kind simple"),
    )
    .ok();
    t.run(&["start", ID]).ok();
    t.set_now("2026-11-25T13:00:00Z");
    t.run(&["complete", ID, "--smoke-tests", "passed"]).ok();
    t.set_now("2026-11-25T20:00:00Z");
    refused(&t, JANE, &["submit", ID]).stderr_is(
        "error: CHG-2026-0001: the emergency's documentation is not complete; it lacks an expected benefit (`justification.expected_benefit`)
  hint: add them to changes/2026/CHG-2026-0001.yaml (`chg edit CHG-2026-0001`), then run `chg submit CHG-2026-0001` again
",
    );
    // Everything else the guide asks for is recorded, the benefit never is.
    t.run_as(CAROL, &["approve", ID]).ok();
    t.run_as(DAVE, &["approve", ID]).ok();
    t.chg_line("review CHG-2026-0001 --summary patched --root-cause 'old parser' --preventive-measures 'weekly scan'")
        .ok();
    t.set_now("2026-12-01T12:00:00Z");
    t.run(&["review", ID, "--cab", "--date", "2026-12-01", "--feedback", "justified"])
        .ok();
    // `check` and `close` say the same: the documentation is owed.
    let owed = t.check().status(1).finding("emergency-justification-overdue");
    assert!(owed.message.contains("an expected benefit"), "{owed:?}");
    let lacks = close_lacks(&t);
    assert!(
        lacks.contains("the emergency documentation (`chg submit CHG-2026-0001`)"),
        "{lacks}"
    );
}

#[test]
fn issue_15_8_a_cab_presentation_dated_after_today_is_refused() {
    let mut t = crate::emergencies::implemented();
    t.set_now("2026-11-27T12:00:00Z");
    let before = t.read(FILE);
    t.run(&["review", ID, "--cab", "--date", "2026-12-01", "--feedback", "justified"])
        .is(
            2,
            "",
            "error: `--date 2026-12-01` is after today (2026-11-27 at the CAB meeting's place): record the presentation once it has taken place
  hint: run `chg review CHG-2026-0001 --cab --date …` after the meeting, with its date
",
        );
    assert_eq!(t.read(FILE), before);
    // Presented today: accepted.
    t.run(&["review", ID, "--cab", "--date", "2026-11-27", "--feedback", "justified"])
        .ok();
}

#[test]
fn issue_15_1_a_window_that_already_ended_is_refused() {
    let mut t = Test::new();
    crate::lifecycle::draft(&t, JANE, "normal");
    t.run(&["submit", ID]).ok();
    t.run_as(SAM, &["approve", ID]).ok();
    t.set_now("2026-12-10T12:00:00Z");
    let before = t.read(FILE);
    t.chg_line("schedule CHG-2026-0001 --start 2026-12-08T02:00:00Z --end 2026-12-08T03:00:00Z")
        .is(
            2,
            "",
            "error: `--end 2026-12-08T03:00:00Z` is in the past (it is now 2026-12-10 12:00 UTC): a window that has already ended cannot be worked in
  hint: give a window still to come with `--start` and `--end`
",
        );
    assert_eq!(t.read(FILE), before);
    assert!(!t.run(&["status"]).ok().stdout.contains("window passed"));
}

#[test]
fn issue_15_15_check_finds_the_simple_rollback_of_a_database_migration_that_submit_refuses() {
    let t = Test::new();
    t.chg_line("new --no-input --title 'Add the orders index' --description 'Add an index' --justification 'Slow checkout' --benefit 'Fast checkout' --classification normal --impact medium --likelihood low --system checkout-db --strategy database-migration --rollback-plan 'revert the release' --rollback-kind simple --rollback-tested 2026-11-10 --test unit=passed --test integration=passed --test qa_review=passed")
        .ok();
    let in_draft = t.check().status(1).finding("rollback-plan-missing");
    assert_eq!(
        in_draft.message,
        "a database migration needs a complex or full-restore rollback, not a simple one"
    );
    let refused = refused(&t, JANE, &["submit", ID]);
    assert!(refused.stderr.contains(&in_draft.message), "{refused:?}");
}

#[test]
fn issue_15_12_a_rollback_check_not_run_without_its_reason_is_refused() {
    let repo = crate::lifecycle::in_progress();
    let before = repo.read(FILE);
    repo.chg_line("rollback CHG-2026-0001 --trigger critical-bug --reason 'totals wrong' --started-at 12:35 --smoke-tests not-run --error-rates normal --customer-access verified")
        .is(
            2,
            "",
            "error: `--smoke-tests not-run` needs its reason: a check not run says why\n  hint: add `--not-run-reason 'smoke_tests=why they were not run'`\n",
        );
    assert_eq!(repo.read(FILE), before);
}

#[test]
fn issue_15_4_the_same_monitoring_spell_recorded_twice_is_refused() {
    let mut t = crate::emergencies::implemented();
    t.set_now("2026-11-25T14:05:00Z");
    let spell = "monitor CHG-2026-0001 --from 13:00 --to 14:00 --observed 'error rate normal'";
    t.chg_line(spell).ok();
    let run = refused(&t, JANE, &words(spell));
    assert_eq!(
        run.stderr,
        "error: CHG-2026-0001: Jane Doe <jane@example.com>'s monitoring 13:00–14:00 is already recorded\n  hint: record only a new spell of watching, with its own `--from` and `--to`\n"
    );
}

#[test]
fn issue_15_6_the_weekly_report_says_an_overdue_written_approval_is_overdue() {
    let mut t = crate::emergencies::implemented();
    t.set_now("2026-11-27T12:00:00Z");
    let weekly = t.run(&["report", "weekly", "--format", "markdown"]).ok().stdout;
    let table = section(&weekly, "Emergency changes");
    assert!(table.contains("| OVERDUE since Thu 26 Nov 13:00 |"), "{table}");
    assert!(!table.contains("due Thu 26 Nov"), "{table}");
}

#[test]
fn issue_15_14_show_prints_when_the_emergency_was_documented() {
    let mut t = crate::emergencies::implemented();
    t.set_now("2026-11-25T20:00:00Z");
    t.run(&["submit", ID]).ok();
    let shown = t.run(&["show", ID]).ok().stdout;
    assert!(shown.contains("  documented         2026-11-25 20:00 UTC\n"), "{shown}");
}
