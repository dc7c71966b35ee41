//! Rollbacks as the guide asks for them (issue 15, points 12–14 and 16;
//! issue 16, point 14): whole verification, a log with its own times,
//! measured triggers, what is owed shown everywhere, and a rollback of a
//! closed change. Each test runs the real binary in a real repository with
//! the clock fixed (`CHG_NOW`, commit dates).

use crate::lifecycle::{in_progress, FILE, ID};
use crate::support::*;

/// A rolled-back normal change of November 2026, restored at `restored`.
fn rolled_back_in_november(id: &str, trigger: &str, restored: &str, post_actions: &str) -> Record {
    Record::normal(id)
        .approved_by_sam()
        .raw("status", "rolled-back")
        .implementation(Implementation::new(
            "2026-11-18T02:00:00Z",
            "2026-11-18T02:20:00Z",
            "rolled-back",
        ))
        .rollback(
            Fields::rollback_entry("simple", "2026-11-18T02:20:00Z", restored)
                .set("trigger", trigger)
                .set("reason", "went wrong")
                .set(
                    "validation",
                    "{smoke_tests: passed, error_rates: normal, customer_access: verified, monitored_minutes: 30}",
                )
                .set("issues", "[the old pods took 4 min to drain]")
                .set("post_actions", post_actions),
        )
}

#[test]
fn show_prints_rollback_issues_and_every_owed_item() {
    let repo = in_progress();
    repo.chg_line("rollback CHG-2026-0001 --trigger critical-bug --reason 'totals wrong' --started-at 12:30 --issue 'the old pods took 4 min to drain' --smoke-tests passed")
        .ok();
    let shown = repo.chg(&["show", ID]).ok().stdout;
    assert!(
        shown.contains("  issue              the old pods took 4 min to drain\n"),
        "{shown}"
    );
    // Everything still owed, in one place, each with what records it.
    let owed = &shown[shown
        .find("\nstill owed\n")
        .unwrap_or_else(|| panic!("no owed section: {shown}"))..];
    for item in [
        "the post-implementation review",
        "the post-rollback `--root-cause`",
        "the post-rollback `--lessons-learned`",
        "the post-rollback `--redeploy-plan`",
    ] {
        assert!(owed.contains(item), "{item} not in {owed}");
    }
}

#[test]
fn show_prints_cab_feedback_root_cause_and_preventive_measures() {
    let t = Test::new().record(
        Record::emergency("CHG-2026-0002")
            .raw("emergency.criteria", "[production-down]")
            .raw("emergency.cab_review", "{date: 2026-11-24, feedback: Page the DBA on call next time}")
            .raw(
                "emergency.post_review",
                "{completed_at: 2026-11-24T15:00:00Z, root_cause: Disk filled by audit logs, preventive_measures: Rotate audit logs hourly}",
            ),
    );
    let shown = t.run(&["show", "CHG-2026-0002"]).ok().stdout;
    for text in [
        "Page the DBA on call next time",
        "Disk filled by audit logs",
        "Rotate audit logs hourly",
    ] {
        assert!(shown.contains(text), "{text} not in {shown}");
    }
}

#[test]
fn monthly_rollback_analysis_lists_root_causes_redeploy_plans_issues_and_owed_items() {
    let t = Test::new()
        .record(rolled_back_in_november(
            "CHG-2026-0001",
            "error-rate",
            "2026-11-18T02:30:00Z",
            "{lessons_learned: smaller canary, root_cause: pricing timeout of 500 ms, redeploy_plan: redeploy with a 2 s timeout}",
        ))
        .record(rolled_back_in_november(
            "CHG-2026-0002",
            "critical-bug",
            "2026-11-18T02:32:00Z",
            "{lessons_learned: null, root_cause: null, redeploy_plan: null}",
        ))
        .commit_as(JANE, "two rollbacks");
    let md = t
        .run(&["report", "monthly", "--month", "2026-11", "--format", "markdown"])
        .ok()
        .stdout;
    let analysis = section(&md, "Rollback analysis");
    for text in [
        "CHG-2026-0001: pricing timeout of 500 ms",
        "CHG-2026-0001: redeploy with a 2 s timeout",
        "CHG-2026-0001: the old pods took 4 min to drain",
        "CHG-2026-0002: the post-rollback `--root-cause`",
        "CHG-2026-0002: the post-rollback `--redeploy-plan`",
    ] {
        assert!(analysis.contains(text), "{text} not in {analysis}");
    }
    let json = t
        .run(&["report", "monthly", "--month", "2026-11", "--format", "json"])
        .ok()
        .json();
    assert_eq!(json["rollbacks_by_origin"]["automatic"], 1, "{json}");
    assert_eq!(json["rollbacks_by_origin"]["manual"], 1, "{json}");
    assert!(
        analysis.contains("| automatic | 1 | 1 |") && analysis.contains("| manual | 1 | 1 |"),
        "{analysis}"
    );
}

/// A change in progress (see `in_progress`), rolled back with these extra flags.
fn rollback_with(extra: &str) -> Repo {
    let repo = in_progress();
    repo.chg_line(&format!(
        "rollback CHG-2026-0001 --trigger critical-bug --reason 'totals wrong' --started-at 12:35 {extra}"
    ))
    .ok();
    repo
}

#[test]
fn verification_is_whole_each_check_recorded_and_not_run_needs_a_reason() {
    let repo = rollback_with("--smoke-tests not-run --error-rates normal --monitored-minutes 30");
    let run = repo.check().ok();
    let finding = run.finding("rollback-verification-incomplete");
    assert_eq!(finding.severity, "warning");
    assert_eq!(
        finding.message,
        "rollback 1 lacks verification: a reason the smoke tests were not run, customer access"
    );
    repo.chg_line("review CHG-2026-0001 --summary 'rolled back' --lessons-learned 'smaller canary' --root-cause 'pricing timeout' --redeploy-plan 'retry with 1 %'")
        .ok();
    let refused = repo.chg(&["close", ID]).status(1);
    assert!(
        refused
            .stderr
            .contains("the verification of rollback 1: a reason the smoke tests were not run, customer access"),
        "{}",
        refused.stderr
    );
    // The owed checks are recorded afterwards, with `chg review`, by whoever ran them.
    repo.chg_line_as(SAM, "review CHG-2026-0001 --customer-access verified --not-run-reason 'smoke_tests=the smoke suite needs the canary, which is gone'")
        .ok();
    let text = repo.read(FILE);
    assert!(
        text.contains("      not_run_reasons:\n        smoke_tests: the smoke suite needs the canary, which is gone\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "      verified_by:\n        - Jane Doe <jane@example.com>\n        - Sam Lee <sam@example.com>\n"
        ),
        "{text}"
    );
    assert!(!repo
        .check()
        .ok()
        .rules()
        .contains(&"rollback-verification-incomplete".to_string()));
    repo.chg(&["close", ID]).ok();
}

#[test]
fn a_planned_rollback_also_owes_the_full_test_suite_performance_and_security() {
    let whole = "--smoke-tests passed --error-rates normal --customer-access verified --monitored-minutes 30";
    let repo = rollback_with(&format!("--mode planned {whole}"));
    assert_eq!(
        repo.check().ok().finding("rollback-verification-incomplete").message,
        "rollback 1 lacks verification: full test suite, performance, security verification"
    );
    let repo = rollback_with(&format!(
        "--mode planned {whole} --full-test-suite passed --performance normal --security passed"
    ));
    assert!(!repo
        .check()
        .ok()
        .rules()
        .contains(&"rollback-verification-incomplete".to_string()));
    // An immediate rollback owes only the first three.
    let repo = rollback_with(whole);
    assert!(!repo
        .check()
        .ok()
        .rules()
        .contains(&"rollback-verification-incomplete".to_string()));
}

#[test]
fn a_not_run_reason_for_a_check_that_ran_is_refused() {
    let repo = in_progress();
    repo.chg_line("rollback CHG-2026-0001 --trigger critical-bug --reason x --started-at 12:35 --smoke-tests passed --not-run-reason 'smoke_tests=skipped'")
        .is(2, "", "error: `--not-run-reason smoke_tests=…` explains a check that was not run, but smoke tests are recorded as `passed`\n  hint: give the reason only with `--smoke-tests not-run`\n");
    repo.chg_line("rollback CHG-2026-0001 --trigger critical-bug --reason x --started-at 12:35 --smoke-tests not-run --not-run-reason 'smoke=skipped'")
        .is(2, "", "error: `--not-run-reason smoke=…` names no check that can be not run\n  hint: give one of smoke_tests, full_test_suite, security\n");
}

#[test]
fn a_verification_claimed_by_a_spoofed_author_is_flagged() {
    let repo = in_progress();
    repo.git(&["branch", "base"]);
    // Mallory records the rollback and claims Sam verified it, committing as Sam.
    repo.chg_line_as(MALLORY, "rollback CHG-2026-0001 --no-commit --trigger critical-bug --reason x --started-at 12:35 --smoke-tests passed --error-rates normal --customer-access verified")
        .ok();
    let forged = repo.read(FILE).replace(
        "        - Mallory Bad <mallory@example.com>\n",
        "        - Sam Lee <sam@example.com>\n",
    );
    assert_ne!(forged, repo.read(FILE));
    repo.write(FILE, &forged);
    repo.git_as(MALLORY, &["add", "-A"]);
    repo.git_as(
        MALLORY,
        &[
            "commit",
            "-q",
            "--author",
            "Sam Lee <sam@example.com>",
            "-m",
            "rollback verified",
        ],
    );
    let run = repo.check_against("base").status(1);
    let finding = run.finding("verification-not-by-verifier");
    assert_eq!(
        finding.message,
        "the verification of rollback 1 names Sam Lee <sam@example.com> but was committed by Mallory Bad <mallory@example.com> (author Sam Lee <sam@example.com>)"
    );
}
