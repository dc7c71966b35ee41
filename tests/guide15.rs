//! Issue 15, the gaps left after the guide's first pass: approval criteria
//! judged by `check` and not only by `chg submit` (point 2), the gate and a
//! change manager's window override (point 1), a late emergency item
//! recorded by a pull request (point 11). Each test runs the real binary in
//! a real repository with its clock fixed; attacks are made with git.

use crate::support::*;
use crate::windows::{overridden_by, scheduled, SATURDAY};

const ID: &str = "CHG-2026-0001";
const FILE: &str = "changes/2026/CHG-2026-0001.yaml";

/// Edits the record's file as a person would in an editor.
fn edit(t: &Test, from: &str, to: &str) {
    let text = t.read(FILE);
    assert!(text.contains(from), "{from:?} not in\n{text}");
    t.write(FILE, &text.replacen(from, to, 1));
}

#[test]
fn finding_b_a_change_hand_moved_past_submit_without_its_criteria_fails_check() {
    // Jane's draft has a description but no business justification; she
    // moves it to submitted with her editor and `git commit`, past `chg submit`.
    let t = Test::new()
        .record(Record::normal(ID).without("justification"))
        .commit_as(JANE, "draft");
    edit(&t, "status: draft", "status: submitted");
    t.commit(JANE, "submit by hand");
    let run = t.run(&["check"]).status(1);
    assert_eq!(
        run.stdout,
        "changes/2026/CHG-2026-0001.yaml:4:1: error[approval-criteria-missing]: a normal change is submitted without a business reason (`justification.business_reason`), an expected benefit (`justification.expected_benefit`), which it needs before approval
  hint: add them with `chg edit CHG-2026-0001` (`description: …`, `justification: {business_reason: …, expected_benefit: …}`); the approvers then decide on the complete change
"
    );

    // A major change approved by git directly, without a description either.
    let major = Record::major("CHG-2026-0002")
        .approved_by_sam()
        .without("description")
        .without("justification");
    let t = t.record(major).commit_as(JANE, "approved major");
    let f: Vec<_> = t
        .findings()
        .into_iter()
        .filter(|f| f.rule == "approval-criteria-missing")
        .collect();
    assert_eq!(f.len(), 2, "{f:?}");
    assert_eq!((f[1].record.as_str(), f[1].is_error()), ("CHG-2026-0002", true));
    assert!(
        f[1].message
            .starts_with("a major change is approved without a description (`description`), a business reason"),
        "{f:?}"
    );

    // Stated: nothing owed any more.
    t.write(
        FILE,
        &format!(
            "{}justification: {{business_reason: Slow checkout, expected_benefit: Faster checkout}}\n",
            t.read(FILE)
        ),
    );
    let owed = t
        .findings()
        .into_iter()
        .filter(|f| f.rule == "approval-criteria-missing");
    assert_eq!(owed.map(|f| f.record).collect::<Vec<_>>(), ["CHG-2026-0002"]);
}

#[test]
fn finding_b_an_emergency_owes_the_criteria_only_after_its_documentation_deadline_by_one_definition() {
    // Implemented Monday 10:00–11:00 with a description and a reason, no benefit.
    let emergency = Record::emergency(ID)
        .status("completed")
        .raw("justification", "{business_reason: Checkout was down}")
        .raw("emergency", "{criteria: [production-down]}")
        .approval(
            Approval::new("ciso", CAROL)
                .method("written")
                .at("2026-11-23T09:50:00Z"),
        )
        .approval(Approval::new("cto", DAVE).method("written").at("2026-11-23T09:51:00Z"))
        .implementation(
            Implementation::new("2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z", "successful").validation(
                "{smoke_tests: passed, error_rates: normal, performance: normal, customer_access: verified}",
            ),
        );
    let mut t = Test::new()
        .at("2026-11-23T12:00:00Z")
        .record(emergency)
        .commit_as(JANE, "emergency");
    let rules = |t: &Test| t.findings().into_iter().map(|f| f.rule).collect::<Vec<_>>();
    assert!(
        !rules(&t)
            .iter()
            .any(|r| r.contains("criteria") || r.contains("justification")),
        "{:?}",
        rules(&t)
    );
    // The documentation is not complete without the benefit: submit says so.
    let refused = t.run(&["submit", ID]).status(1).stderr;
    assert!(
        refused.contains("an expected benefit (`justification.expected_benefit`)"),
        "{refused}"
    );
    // Past the deadline: owed, under the emergency's rule, not the normal one.
    t.set_now("2026-11-24T11:01:00Z");
    let rules = rules(&t);
    assert!(
        rules.contains(&"emergency-justification-overdue".to_string()),
        "{rules:?}"
    );
    assert!(
        rules.contains(&"emergency-documentation-overdue".to_string()),
        "{rules:?}"
    );
    assert!(!rules.contains(&"approval-criteria-missing".to_string()), "{rules:?}");
}

// ---- (c) the gate and a change manager's window override ----------------------

const REASON: &str = "payment provider outage fix cannot wait for Sunday";

#[test]
fn finding_c_the_gate_honours_the_change_managers_recorded_window_override() {
    let t = scheduled().at(SATURDAY);
    // Before the override: the pipeline is refused on Saturday.
    t.run(&["gate", ID]).status(1);
    t.run_as(SAM, &["start", ID, "--override", REASON]).ok();
    // The pipeline asks as someone else: the override recorded by Sam opens the gate, and says so.
    t.run(&["gate", ID]).is(
        0,
        "CHG-2026-0001: may be deployed at 2026-11-28 14:00 UTC
CHG-2026-0001: outside its window on the window override of Sam Lee <sam@example.com> (2026-11-28 14:00 UTC): payment provider outage fix cannot wait for Sunday
  overridden[window-closed]: its window 2026-11-26 02:00–03:00 UTC closed 59 h ago
  overridden[outside-deployment-window]: 2026-11-28 14:00 UTC is outside the policy's deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)
",
        "",
    );
    let json = t.run(&["gate", ID, "--format", "json"]).ok().json();
    assert_eq!(json["allowed"], true);
    assert_eq!(json["window_override"]["by"], "Sam Lee <sam@example.com>");
    assert_eq!(json["window_override"]["reason"], REASON);
    assert_eq!(json["window_override"]["overridden"][0]["rule"], "window-closed");
    // `--start` finds it already started by Sam: allowed, nothing recorded twice.
    t.run(&["gate", ID, "--start"]).is(
        0,
        "CHG-2026-0001: may be deployed at 2026-11-28 14:00 UTC
CHG-2026-0001: already in progress since 2026-11-28 14:00 UTC; no second start recorded
CHG-2026-0001: outside its window on the window override of Sam Lee <sam@example.com> (2026-11-28 14:00 UTC): payment provider outage fix cannot wait for Sunday
  overridden[window-closed]: its window 2026-11-26 02:00–03:00 UTC closed 59 h ago
  overridden[outside-deployment-window]: 2026-11-28 14:00 UTC is outside the policy's deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)
",
        "",
    );
}

#[test]
fn finding_c_an_override_by_a_non_manager_or_under_another_identity_does_not_open_the_gate() {
    // Mallory writes an override in her own name and commits it herself.
    let t = scheduled().at(SATURDAY);
    t.put(&overridden_by("Mallory Bad <mallory@example.com>", REASON));
    t.commit(MALLORY, "start with my override");
    // Each void override leaves the gate refusing for the window, naming why it is void.
    let refused = |why: &str| {
        format!("CHG-2026-0001: refused[window-override-void]: the window override by {why}
CHG-2026-0001: refused[window-closed]: its window 2026-11-26 02:00–03:00 UTC closed 59 h ago
CHG-2026-0001: refused[outside-deployment-window]: 2026-11-28 14:00 UTC is outside the policy's deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)
")
    };
    let mallory = refused("Mallory Bad <mallory@example.com> does not count: they are not a change manager (policy `roles.change-manager`)");
    t.run(&["gate", ID]).is(1, &mallory, "");

    // Jane writes one in Sam's name and commits it with git as herself.
    let t = scheduled().at(SATURDAY);
    t.put(&overridden_by("Sam Lee <sam@example.com>", REASON));
    t.commit(JANE, "start with Sam's override");
    let jane = refused("Sam Lee <sam@example.com> does not count: a window override by Sam Lee <sam@example.com> was added in a commit authored by Jane Doe <jane@example.com> and committed by Jane Doe <jane@example.com>");
    t.run(&["gate", ID]).is(1, &jane, "");

    // Or in Sam's name with `--author` but committed by Jane: still Jane's commit.
    let t = scheduled().at(SATURDAY);
    t.put(&overridden_by("Sam Lee <sam@example.com>", REASON));
    t.git(&["add", "-A"]);
    t.git_at(
        JANE,
        SATURDAY,
        &["commit", "-q", "-m", "start", "--author", "Sam Lee <sam@example.com>"],
    );
    let jane = refused("Sam Lee <sam@example.com> does not count: a window override by Sam Lee <sam@example.com> was added in a commit authored by Sam Lee <sam@example.com> and committed by Jane Doe <jane@example.com>");
    t.run(&["gate", ID]).is(1, &jane, "");

    // And one written but never committed does not count either.
    let t = scheduled().at(SATURDAY);
    t.put(&overridden_by("Sam Lee <sam@example.com>", REASON));
    let uncommitted = refused("Sam Lee <sam@example.com> does not count: it was never committed");
    t.run(&["gate", ID]).is(1, &uncommitted, "");
}

// ---- (d) a pull request that records a late emergency item --------------------

#[test]
fn finding_d_a_pull_request_recording_a_late_emergency_item_passes_with_a_warning_that_says_late() {
    // On main: implemented on 2 November; documentation and written approvals overdue since 3 November 11:00.
    let t = crate::emergencies::emergency_implemented_on_main();
    let rules = |run: &Run| {
        run.findings()
            .into_iter()
            .map(|f| (f.rule, f.severity))
            .collect::<Vec<_>>()
    };
    let main = t.check().status(1);
    assert!(main.finding("emergency-documentation-overdue").is_error());
    // The team brings it up to date on 4 November 15:00, in a pull request.
    t.git(&["checkout", "-q", "-b", "paperwork"]);
    t.run(&["submit", ID]).ok();
    t.run_as(CAROL, &["approve", ID]).ok();
    t.run_as(DAVE, &["approve", ID]).ok();
    let run = t.check_against("main").ok();
    assert_eq!(
        rules(&run),
        [
            ("emergency-approval-overdue".to_string(), "warning".to_string()),
            ("emergency-documentation-overdue".into(), "warning".into()),
        ]
    );
    assert_eq!(
        run.finding("emergency-documentation-overdue").message,
        "emergency change documented late: at 2026-11-04 15:00 UTC, 28 h after the deadline 2026-11-03 11:00 UTC"
    );
    // `--strict` counts warnings, but not history: lateness cannot be fixed.
    t.run(&["check", "--base", "main", "--strict"]).ok();
    // The miss stays in the metrics.
    crate::emergencies::documentation_and_approval_missed(&t);
}

#[test]
fn finding_d_a_pull_request_back_dating_the_late_item_still_fails() {
    let t = crate::emergencies::emergency_implemented_on_main();
    t.git(&["checkout", "-q", "-b", "paperwork"]);
    // Documented by hand, claiming the evening of the emergency, in a commit of 4 November 15:00.
    edit(
        &t,
        "emergency:\n",
        "emergency:\n  documented_at: \"2026-11-02T18:00:00Z\"\n",
    );
    t.commit(JANE, "document the emergency");
    let run = t.check_against("main").status(1);
    let late = run.finding("emergency-documentation-overdue");
    assert!(late.is_error(), "{late:?}");
    assert_eq!(
        late.message,
        "emergency change documented late: at 2026-11-04 15:00 UTC (the record states 2026-11-02 18:00 UTC, implausible against 2026-11-04 15:00 UTC, when history received it), 28 h after the deadline 2026-11-03 11:00 UTC"
    );
    t.run(&["check", "--base", "main", "--strict"]).status(1);
}

// ---- (e) smaller items ----------------------------------------------------------

#[test]
fn finding_e_rollback_names_the_policys_monitoring_period_and_chg_monitor() {
    // The policy asks 45 min of monitoring after a rollback, not the guide's 30.
    let mut t = Test::new()
        .with_policy(|p| p.set("monitoring.after_rollback", "45m"))
        .record(
            Record::normal(ID)
                .approved_by_sam()
                .status("in-progress")
                .implementation(Implementation::started("2026-11-25T11:30:00Z")),
        )
        .commit_as(SAM, "45 min after a rollback; in progress");
    t.chg_line("rollback CHG-2026-0001 --trigger error-rate --measured 7.5 --severity high --estimated-minutes 10 --reason '5xx above 5 %' --started-at 11:40 --restored-at 11:50 --smoke-tests passed --error-rates normal --customer-access verified --monitored-minutes 5")
        .is(
            0,
            "CHG-2026-0001: rolled back (error-rate, simple) in 10 min; RTO 15 min\n",
            "Still owed after this rollback:
  - monitoring for 45 min after the restoration at 2026-11-25 11:50 UTC (policy `monitoring.after_rollback`), recorded by whoever watched: `chg monitor CHG-2026-0001 --from … --to … --observed …`
  - lessons learned, root cause and a re-deployment plan, within 5 days: `chg review CHG-2026-0001 --lessons-learned … --root-cause … --redeploy-plan …`
",
        );
    // Recorded with `chg monitor` once watched, it is no longer owed.
    t.set_now("2026-11-25T12:40:00Z");
    t.chg_line("monitor CHG-2026-0001 --from 11:50 --to 12:35 --observed 'error rate normal'")
        .ok();
    t.assert_no_finding("monitoring-owed");
}

#[test]
fn finding_e_an_approval_by_a_non_member_is_history_once_the_role_holders_decide() {
    // Mallory, who holds no role, writes an approval into Jane's submitted change and commits it.
    let t = Test::new()
        .record(
            Record::normal(ID)
                .status("submitted")
                .approval(Approval::new("change-manager", MALLORY).at("2026-11-25T11:00:00Z")),
        )
        .commit_as(MALLORY, "approve");
    let f = t
        .run(&["check", "--format", "json"])
        .status(1)
        .finding("approver-not-authorized");
    assert!(f.is_error(), "{f:?}");
    // The entry stays (approvals are append-only); Sam, who holds the role, decides.
    t.run_as(SAM, &["approve", ID]).ok();
    let f = t
        .run(&["check", "--format", "json"])
        .ok()
        .finding("approver-not-authorized");
    assert_eq!(
        (f.severity.as_str(), f.message.as_str()),
        (
            "warning",
            "Mallory Bad <mallory@example.com> is not listed for the role `change-manager` in the policy; the entry did not count, and the change was decided without it"
        )
    );
    // History, so `--strict` does not fail for it either.
    t.run(&["check", "--strict"]).ok();
}

#[test]
fn finding_e_new_with_classification_emergency_takes_the_emergency_flags() {
    let t = Test::new();
    t.chg_line("new --classification emergency --no-input --title 'Restore the API' --criterion production-down --impact-of-not-implementing 'API down' --system api-gateway --verbal-approval ciso:carol@example.com --verbal-approval cto:dave@example.com --rollback-plan redeploy --rollback-kind simple")
        .ok();
    let text = t.read(FILE);
    assert!(text.contains("classification: emergency\n"), "{text}");
    assert!(
        text.contains("emergency:\n  criteria:\n    - production-down\n"),
        "{text}"
    );
    assert!(text.contains("    method: verbal\n"), "{text}");
    // It may start at once on its verbal approvals, as with `--emergency`.
    t.run(&["start", ID]).ok();
    // Without an emergency class the flag is refused, naming the way.
    t.chg_line("new --no-input --title 'Patch' --criterion production-down").is(
        2,
        "",
        "error: `--criterion` is for an emergency change\n  hint: add `--emergency` (or `--classification emergency`)\n",
    );
}

/// Review finding: monitoring watched more than a day before it was written
/// down could never be recorded. `chg monitor` refused the honest times
/// ("more than a day ago"), and its hint — edit the record — failed the
/// pull-request gate with `implausible-time`; the change could never close.
/// Monitoring has no deadline to win by back-dating, so a spell is recorded
/// late with its real times, never in the future.
#[test]
fn monitoring_watched_days_ago_is_recorded_late_with_its_real_times_and_passes_the_gate() {
    let mut t = Test::new()
        .record(
            Record::normal(ID).approved_by_sam().status("completed").implementation(
                Implementation::new("2026-11-18T02:10:00Z", "2026-11-18T02:40:00Z", "successful")
                    .validation("{smoke_tests: passed, error_rates: normal, customer_access: verified}"),
            ),
        )
        .commit_as(SAM, "deployed on the 18th");
    t.git(&["checkout", "-q", "-b", "late-monitoring"]);
    // A week later Jane writes down the hour she watched on the 18th.
    t.set_now("2026-11-25T12:00:00Z");
    t.chg_line("monitor CHG-2026-0001 --from 2026-11-18T02:40:00Z --to 2026-11-18T03:45:00Z --observed 'error rate flat at 0.2 %'")
        .is(0, "CHG-2026-0001: monitoring by Jane Doe <jane@example.com> recorded, 02:40–03:45 (65 min)\n", "note: recorded 7 days after the watching ended (2026-11-18 03:45 UTC); the spell keeps its real times, and the commit's time says when it was written\n");
    assert!(
        t.read(FILE).contains("monitoring:\n  - by: Jane Doe <jane@example.com>\n    from: \"2026-11-18T02:40:00Z\"\n    to: \"2026-11-18T03:45:00Z\"\n"),
        "{}",
        t.read(FILE)
    );
    // The pull request that records it passes the gate; nothing is owed.
    t.run(&["check", "--base", "main"]).ok();
    t.assert_no_finding("monitoring-owed");
    // A spell that ends in the future is still refused.
    t.chg_line("monitor CHG-2026-0001 --from 11:00 --to 2026-11-25T14:00:00Z --observed 'all fine'")
        .is(
            2,
            "",
            "error: `--to 2026-11-25T14:00:00Z` is in the future (it is now 2026-11-25 12:00 UTC)\n  hint: give the time it happened, or leave `--to` out for now\n",
        );
}
