//! Rollbacks as the guide asks for them (issue 15, points 12–14 and 16;
//! issue 16, point 14): whole verification, a log with its own times,
//! measured triggers, what is owed shown everywhere, and a rollback of a
//! closed change. Each test runs the real binary in a real repository with
//! the clock fixed (`CHG_NOW`, commit dates).

use crate::lifecycle::{in_progress, FILE, ID};
use crate::support::*;

/// A rolled-back normal change of November 2026, restored at `restored`.
fn rolled_back_in_november(id: &str, trigger: &str, restored: &str, post_actions: &str) -> Record {
    rolled_back_with(id, trigger, restored, post_actions, &[])
}

/// The same, with more keys in the rollback entry.
fn rolled_back_with(id: &str, trigger: &str, restored: &str, post_actions: &str, extra: &[(&str, &str)]) -> Record {
    let mut entry = Fields::rollback_entry("simple", "2026-11-18T02:20:00Z", restored)
        .set("trigger", trigger)
        .set("reason", "went wrong")
        .set(
            "validation",
            "{smoke_tests: passed, error_rates: normal, customer_access: verified, monitored_minutes: 30}",
        )
        .set("issues", "[the old pods took 4 min to drain]")
        .set("post_actions", post_actions);
    for (k, v) in extra {
        entry = entry.set(k, v);
    }
    Record::normal(id)
        .approved_by_sam()
        .rolled_back("2026-11-18T02:00:00Z", "2026-11-18T02:20:00Z", entry)
}

/// Asserts `chg check` passes without a finding of this rule.
#[track_caller]
fn assert_not_found(repo: &Repo, rule: &str) {
    let rules = repo.check().ok().rules();
    assert!(!rules.iter().any(|r| r == rule), "{rule} in {rules:?}");
}

/// The `Rollback analysis` section of the monthly report of 2026-11.
fn rollback_analysis(t: &Test) -> String {
    let md = t
        .run(&["report", "monthly", "--month", "2026-11", "--format", "markdown"])
        .ok()
        .stdout;
    section(&md, "Rollback analysis").to_string()
}

/// Asserts each command line, run on a change in progress, is a usage error
/// with exactly this message, and leaves the record as it was.
#[track_caller]
fn usage_errors(cases: &[(&str, &str)]) {
    let repo = in_progress();
    let before = repo.read(FILE);
    for (line, stderr) in cases {
        repo.chg_line(line).is(2, "", stderr);
    }
    assert_eq!(repo.read(FILE), before);
}

/// The message of the one finding of `rule` of a `chg check` that exits with `status`.
#[track_caller]
fn message_of(repo: &Repo, status: i32, rule: &str) -> String {
    repo.check().status(status).finding(rule).message
}

/// Asserts `chg close` is refused, naming what the change `lacks` and how to record it.
#[track_caller]
fn close_refused(repo: &Repo, lacks: &str) {
    repo.chg(&["close", ID]).is(
        1,
        "",
        &format!("error: CHG-2026-0001 cannot be closed yet: it lacks {lacks}\n  hint: record them with `chg review CHG-2026-0001` and `chg monitor CHG-2026-0001`\n"),
    );
}

/// Every post-rollback action recorded.
const ACTIONS_DONE: &str = "{lessons_learned: a, root_cause: b, redeploy_plan: c}";

#[test]
fn show_prints_rollback_issues_and_every_owed_item() {
    let repo = in_progress();
    repo.chg_line("rollback CHG-2026-0001 --trigger critical-bug --reason 'totals wrong' --started-at 12:30 --issue 'the old pods took 4 min to drain' --smoke-tests passed")
        .ok();
    let shown = repo.chg(&["show", ID]).ok().stdout;
    assert_lines(&shown, &["  issue              the old pods took 4 min to drain"]);
    // Everything still owed, in one place, each with what records it.
    let owed = &shown[shown
        .find("\nstill owed\n")
        .unwrap_or_else(|| panic!("no owed section: {shown}"))..];
    assert_eq!(
        owed,
        "\nstill owed
  - the monitoring after the rollback (30 min, `chg monitor`)
  - the post-implementation review (`--summary`)
  - the post-rollback `--lessons-learned`
  - the post-rollback `--root-cause`
  - the post-rollback `--redeploy-plan`
  - the verification of rollback 1: error rates, customer access
"
    );
}

/// The preventive measures are shown in the form issue 15.9 gives them
/// (action items, tests/emergency.rs); this test covers the rest.
#[test]
fn show_prints_cab_feedback_and_root_cause() {
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
    let emergency = "
emergency
  criteria           production-down
  CAB review         2026-11-24
  CAB feedback:
    Page the DBA on call next time
  root cause:
    Disk filled by audit logs
  post review        2026-11-24
  measures           Rotate audit logs hourly
";
    assert!(shown.ends_with(emergency), "{shown}");
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
    assert_eq!(
        rollback_analysis(&t),
        "

2 changes rolled back, with 2 rollback entries (a change may be rolled back more than once).

| Trigger origin | Changes | Rollback entries |
|---|---|---|
| automatic | 1 | 1 |
| manual | 1 | 1 |

| Trigger | Changes | Rollback entries |
|---|---|---|
| critical-bug | 1 | 1 |
| error-rate | 1 | 1 |

| Rollback kind | Changes | Rollback entries |
|---|---|---|
| simple | 2 | 2 |

| Metric | Target | Actual | Counted | Status |
|---|---|---|---|---|
| Rollbacks within their RTO | 100.0 % | 100.0 % | 2 | met |
| Mean time to restore | — | 11 min | 2 | — |

Root causes:

- CHG-2026-0001: pricing timeout of 500 ms

Re-deployment plans:

- CHG-2026-0001: redeploy with a 2 s timeout

Issues met during rollbacks:

- CHG-2026-0001: the old pods took 4 min to drain
- CHG-2026-0002: the old pods took 4 min to drain

Still owed:

- CHG-2026-0001: the monitoring after the rollback (30 min, `chg monitor`)
- CHG-2026-0001: the post-implementation review (`--summary`)
- CHG-2026-0002: the monitoring after the rollback (30 min, `chg monitor`)
- CHG-2026-0002: the post-implementation review (`--summary`)
- CHG-2026-0002: the post-rollback `--lessons-learned`
- CHG-2026-0002: the post-rollback `--root-cause`
- CHG-2026-0002: the post-rollback `--redeploy-plan`
"
    );
    let json = t
        .run(&["report", "monthly", "--month", "2026-11", "--format", "json"])
        .ok()
        .json();
    assert_eq!(json["rollbacks_by_origin"]["automatic"], 1, "{json}");
    assert_eq!(json["rollbacks_by_origin"]["manual"], 1, "{json}");
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
    // A check not run is refused without its reason (guide15b), so the reason comes with it.
    let mut repo = rollback_with("--smoke-tests not-run --not-run-reason 'smoke_tests=the smoke suite needs the canary, which is gone' --error-rates normal --monitored-minutes 30");
    let run = repo.check().ok();
    let finding = run.finding("rollback-verification-incomplete");
    assert_eq!(finding.severity, "warning");
    assert_eq!(finding.message, "rollback 1 lacks verification: customer access");
    repo.chg_line("review CHG-2026-0001 --summary 'rolled back' --lessons-learned 'smaller canary' --root-cause 'pricing timeout' --redeploy-plan 'retry with 1 %'")
        .ok();
    close_refused(
        &repo,
        "the monitoring after the rollback (30 min, `chg monitor`), the verification of rollback 1: customer access",
    );
    // The owed checks are recorded afterwards, with `chg review`, by whoever ran them.
    repo.chg_line_as(SAM, "review CHG-2026-0001 --customer-access verified")
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
    assert_not_found(&repo, "rollback-verification-incomplete");
    // The half hour of monitoring after the rollback that closing needs.
    repo.now = Some("2026-11-25T13:30:00Z".into());
    repo.monitor_and_close(ID, "error rate back to normal");
}

#[test]
fn a_planned_rollback_also_owes_the_full_test_suite_performance_and_security() {
    let whole = "--smoke-tests passed --error-rates normal --customer-access verified --monitored-minutes 30";
    let repo = rollback_with(&format!("--mode planned {whole}"));
    assert_eq!(
        message_of(&repo, 0, "rollback-verification-incomplete"),
        "rollback 1 lacks verification: full test suite, performance, security verification"
    );
    let repo = rollback_with(&format!(
        "--mode planned {whole} --full-test-suite passed --performance normal --security passed"
    ));
    assert_not_found(&repo, "rollback-verification-incomplete");
    // An immediate rollback owes only the first three.
    let repo = rollback_with(whole);
    assert_not_found(&repo, "rollback-verification-incomplete");
}

#[test]
fn a_not_run_reason_for_a_check_that_ran_is_refused() {
    usage_errors(&[
        ("rollback CHG-2026-0001 --trigger critical-bug --reason x --started-at 12:35 --smoke-tests passed --not-run-reason 'smoke_tests=skipped'", "error: `--not-run-reason smoke_tests=…` explains a check that was not run, but smoke tests are recorded as `passed`\n  hint: give the reason only with `--smoke-tests not-run`\n"),
        ("rollback CHG-2026-0001 --trigger critical-bug --reason x --started-at 12:35 --smoke-tests not-run --not-run-reason 'smoke=skipped'", "error: `--not-run-reason smoke=…` names no check that can be not run\n  hint: give one of smoke_tests, full_test_suite, security\n"),
    ]);
}

#[test]
fn a_verification_claimed_by_a_spoofed_author_is_flagged() {
    let repo = in_progress();
    repo.git(&["branch", "base"]);
    // Mallory records the rollback and claims Sam verified it, committing as Sam.
    repo.chg_line_as(MALLORY, "rollback CHG-2026-0001 --no-commit --trigger critical-bug --reason x --started-at 12:35 --smoke-tests passed --error-rates normal --customer-access verified")
        .ok();
    repo.edit(
        FILE,
        &[(
            "        - Mallory Bad <mallory@example.com>\n",
            "        - Sam Lee <sam@example.com>\n",
        )],
    );
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

#[test]
fn the_rollback_log_has_its_own_times() {
    let repo = in_progress();
    repo.chg_line("rollback CHG-2026-0001 --trigger critical-bug --reason x --started-at 12:20 --log '12:21 canary weight set to 0' --log '2026-11-25 12:31 checkout-api v41 redeployed' --smoke-tests passed")
        .ok();
    let text = repo.read(FILE);
    assert_contains(&text, &["    log:\n      - at: \"2026-11-25T12:21:00Z\"\n        by: Jane Doe <jane@example.com>\n        entry: canary weight set to 0\n      - at: \"2026-11-25T12:31:00Z\"\n        by: Jane Doe <jane@example.com>\n        entry: checkout-api v41 redeployed\n"]);
}

#[test]
fn a_log_entry_without_its_time_before_the_rollback_or_in_the_future_is_refused() {
    let repo = in_progress();
    let before = repo.read(FILE);
    let base = "rollback CHG-2026-0001 --trigger critical-bug --reason x --started-at 12:20";
    repo.chg_line(&format!("{base} --log 'canary weight set to 0'")).is(
        2,
        "",
        "error: `--log canary weight set to 0` does not start with the step's time\n  hint: write `--log 'HH:MM what was done'` (UTC), or a full time: `--log '2026-11-25 12:45 what was done'`\n",
    );
    repo.chg_line(&format!("{base} --log '12:05 canary weight set to 0'")).is(
        2,
        "",
        "error: log entry `canary weight set to 0` is at 2026-11-25 12:05, before the rollback started (12:20 UTC)\n  hint: give each step the time it was done; a step before the rollback belongs in the reason\n",
    );
    repo.chg_line(&format!("{base} --log '2026-11-25T13:30:00Z canary weight set to 0'")).is(
        2,
        "",
        "error: log entry `canary weight set to 0` is at 2026-11-25 13:30, in the future (now 12:45 UTC)\n  hint: record the steps that were done\n",
    );
    assert_eq!(repo.read(FILE), before);
}

#[test]
fn a_hand_written_log_entry_before_the_rollback_started_is_an_error() {
    let t = Test::new().record(rolled_back_with(
        "CHG-2026-0001",
        "critical-bug",
        "2026-11-18T02:30:00Z",
        ACTIONS_DONE,
        &[(
            "log",
            "[{at: 2026-11-18T01:00:00Z, by: Jane Doe <jane@example.com>, entry: v41 redeployed}]",
        )],
    ));
    assert_eq!(
        message_of(&t, 1, "implausible-time"),
        "rollback 1's log entry 1 is at 2026-11-18 01:00, before the rollback started at 2026-11-18 02:20"
    );
}

#[test]
fn an_immediate_rollback_records_severity_estimate_and_the_measured_trigger() {
    let repo = in_progress();
    repo.chg_line("rollback CHG-2026-0001 --trigger error-rate --measured 7.5 --severity high --estimated-minutes 10 --reason x --started-at 12:20 --smoke-tests passed --error-rates normal --customer-access verified")
        .ok();
    let text = repo.read(FILE);
    assert_contains(
        &text,
        &["    severity: high\n    estimated_minutes: 10\n    measured:\n      value: 7.5\n      threshold: 5.0\n"],
    );
    assert_not_found(&repo, "rollback-assessment-missing");
    let shown = repo.chg(&["show", ID]).ok().stdout;
    assert_lines(
        &shown,
        &[
            "  measured           error rate 7.5 % (threshold 5 %)",
            "  assessment         high, estimated 10 min",
        ],
    );
}

#[test]
fn an_automatic_trigger_below_its_threshold_is_refused() {
    usage_errors(&[
        ("rollback CHG-2026-0001 --trigger response-time --measured 1.5 --severity high --estimated-minutes 10 --reason x --started-at 12:20", "error: the measured response time, 1.5× the baseline, is not above the policy's threshold of 2×, so the `response-time` trigger did not fire\n  hint: check the value, or record the manual trigger that fits (critical-bug, data-corruption, performance-degradation, customer-impact)\n"),
        ("rollback CHG-2026-0001 --trigger critical-bug --measured 7 --reason x --started-at 12:20", "error: `--measured` is the value an automatic trigger fired on; `critical-bug` has none\n  hint: leave out `--measured`\n"),
    ]);
}

#[test]
fn an_immediate_rollback_without_severity_estimate_or_measure_is_warned() {
    let repo = in_progress();
    repo.chg_line("rollback CHG-2026-0001 --trigger customer-complaints --reason x --started-at 12:20 --smoke-tests passed --error-rates normal --customer-access verified")
        .ok();
    assert_eq!(
        message_of(&repo, 0, "rollback-assessment-missing"),
        "rollback 1 does not record its severity, its estimated rollback time and the measured complaints with the policy's threshold"
    );
}

#[test]
fn the_monthly_report_splits_automatic_from_manual_triggers_with_their_measures() {
    let t = Test::new()
        .record(rolled_back_with(
            "CHG-2026-0001",
            "error-rate",
            "2026-11-18T02:30:00Z",
            ACTIONS_DONE,
            &[("measured", "{value: 7.5, threshold: 5.0}")],
        ))
        .commit_as(JANE, "rollback");
    let measured =
        "Automatic triggers, measured against the policy:\n\n- CHG-2026-0001: error-rate at 7.5 % (threshold 5 %)\n\n";
    let analysis = rollback_analysis(&t);
    assert!(analysis.contains(measured), "{analysis}");
}

/// A change completed at 12:45 and closed with its review, then found broken.
fn closed_change() -> Repo {
    let mut repo = in_progress();
    repo.chg_line("complete CHG-2026-0001 --smoke-tests passed --error-rates normal --customer-access verified --monitored-minutes 60")
        .ok();
    repo.chg_line("review CHG-2026-0001 --summary 'went well' --lessons-learned 'none'")
        .ok();
    // The hour of monitoring after the deployment that closing needs.
    repo.now = Some("2026-11-25T13:50:00Z".into());
    repo.monitor_and_close(ID, "error rate flat");
    repo.now = Some("2026-11-27T09:30:00Z".into());
    repo
}

#[test]
fn a_closed_change_can_still_be_rolled_back_and_is_reopened() {
    let repo = closed_change();
    repo.chg_line("rollback CHG-2026-0001 --trigger critical-bug --reason 'totals off by one cent' --started-at 09:10 --smoke-tests passed --error-rates normal --customer-access verified --monitored-minutes 30")
        .is(
            0,
            "CHG-2026-0001: reopened (closed → rolled-back) and rolled back (critical-bug, simple) in 20 min; RTO 15 min\n",
            "warning[rto-exceeded]: the rollback took 20 min, over the 15 min RTO of a simple rollback; this is recorded in the change
Still owed after this rollback:
  - monitoring for 30 min after the restoration at 2026-11-27 09:30 UTC (policy `monitoring.after_rollback`), recorded by whoever watched: `chg monitor CHG-2026-0001 --from … --to … --observed …`
  - lessons learned, root cause and a re-deployment plan, within 5 days: `chg review CHG-2026-0001 --lessons-learned … --root-cause … --redeploy-plan …`
",
        );
    let text = repo.read(FILE);
    assert_contains(&text, &["status: rolled-back\n", "    reopened_from: closed\n"]);
    // The implementation keeps its own finish; the rollback has its own times.
    assert_contains(
        &text,
        &["  finished_at: \"2026-11-25T12:45:00Z\"\n  outcome: rolled-back\n"],
    );
    // The history shows the reopening.
    repo.chg(&["log", ID])
        .ok()
        .stdout_has_line("    status: closed → rolled-back");
    // What it owes now, and the gate accepts the move.
    repo.chg(&["show", ID])
        .ok()
        .stdout_has_line("  - the post-rollback `--root-cause`");
    assert_not_found(&repo, "illegal-transition");
}

#[test]
fn a_reopened_change_cannot_close_again_without_what_it_owes() {
    let repo = closed_change();
    repo.chg_line("rollback CHG-2026-0001 --trigger critical-bug --reason x --started-at 09:10 --smoke-tests passed")
        .ok();
    close_refused(
        &repo,
        "the monitoring after the rollback (30 min, `chg monitor`), the post-rollback `--lessons-learned`, the post-rollback `--root-cause`, the post-rollback `--redeploy-plan`, the verification of rollback 1: error rates, customer access",
    );
    // By hand: the status set back to closed is an illegal status.
    repo.edit_yaml(FILE, |y| y.set("status", "closed"));
    assert_eq!(
        message_of(&repo, 1, "illegal-status"),
        "the change is `closed` but its reopening rollback still owes lessons learned, root cause, re-deployment plan, verification (error rates, customer access)"
    );
}

#[test]
fn reopening_a_closed_change_by_hand_without_a_rollback_is_an_illegal_transition() {
    let repo = closed_change();
    repo.git(&["branch", "base"]);
    repo.edit_yaml(FILE, |y| y.set("status", "rolled-back"));
    repo.git(&["commit", "-qam", "reopen"]);
    // Hand-set, the status also disagrees with the record's outcome and rollbacks.
    assert_eq!(
        repo.check_against("base").status(1).rules(),
        ["rollback-record-incomplete", "outcome-incomplete", "illegal-transition"]
    );
}
