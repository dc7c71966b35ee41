//! Issue 15, "Deployment and approval": work is done in its approved window
//! (point 1), approval criteria are met before submit and the approver sees
//! the calendar's conflicts (point 2), and the policy's strategy per class is
//! proposed and kept (point 5). Each test runs the real binary in a real
//! repository with its clock fixed (`CHG_NOW`, commit dates).

use crate::support::*;

const ID: &str = "CHG-2026-0001";
const FILE: &str = "changes/2026/CHG-2026-0001.yaml";

/// Thursday 2026-11-26 02:00–03:00 UTC, inside the policy's Sunday–Thursday
/// 02:00–06:00 window.
const THU_START: &str = "2026-11-26T02:00:00Z";
const THU_END: &str = "2026-11-26T03:00:00Z";
/// Saturday 14:00, when the issue saw the change started.
pub(crate) const SATURDAY: &str = "2026-11-28T14:00:00Z";

/// A normal change approved by Sam and scheduled Thursday 02:00–03:00,
/// committed by Sam when he approved it (so the gate's history finds the
/// approval in time); the clock is then Wednesday's `NOW`.
pub(crate) fn scheduled() -> Test {
    Test::new()
        .at("2026-11-17T10:05:00Z")
        .record(
            Record::normal(ID)
                .approved_by_sam()
                .status("scheduled")
                .window(THU_START, THU_END),
        )
        .commit_as(SAM, "approved and scheduled")
        .at(NOW)
}

/// The change in progress since Saturday under a window override in `by`'s
/// name, as a hand edit would write it.
pub(crate) fn overridden_by(by: &str, reason: &str) -> Record {
    Record::normal(ID)
        .approved_by_sam()
        .status("in-progress")
        .window(THU_START, THU_END)
        .implementation(Implementation::started(SATURDAY).field(
            "window_override",
            &format!("{{by: {by}, at: {SATURDAY}, reason: {reason}}}"),
        ))
}

/// Asserts `chg start` is refused now for `reasons`, the hint naming the
/// way out and who may take it.
#[track_caller]
fn start_refused(t: &Test, reasons: &str) {
    t.run(&["start", ID]).is(
        1,
        "",
        &format!("error: CHG-2026-0001 may not start now: {reasons}\n  hint: start it in its window, `chg schedule CHG-2026-0001` a new one, or a change manager (sam@example.com) runs `chg start CHG-2026-0001 --override REASON`\n"),
    );
}

// ---- point 1: work outside the approved window -------------------------------

#[test]
fn finding_1_a_start_on_saturday_for_a_thursday_window_is_refused() {
    let t = scheduled().at(SATURDAY);
    let before = t.read(FILE);
    start_refused(
        &t,
        "it started Sat 2026-11-28 14:00 UTC, outside its scheduled window 2026-11-26 02:00–03:00 UTC; and it started Sat 2026-11-28 14:00 UTC, outside the deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)",
    );
    assert_eq!(t.read(FILE), before, "a refused start writes nothing");
}

#[test]
fn finding_1_a_start_one_minute_before_the_window_is_refused_and_at_its_opening_accepted() {
    let mut t = scheduled().at("2026-11-26T01:59:00Z");
    start_refused(
        &t,
        "it started Thu 2026-11-26 01:59 UTC, outside its scheduled window 2026-11-26 02:00–03:00 UTC; and it started Thu 2026-11-26 01:59 UTC, outside the deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)",
    );
    // At 03:00 the window has closed (its end is not in it).
    t.set_now("2026-11-26T03:00:00Z");
    start_refused(
        &t,
        "it started Thu 2026-11-26 03:00 UTC, outside its scheduled window 2026-11-26 02:00–03:00 UTC",
    );
    t.set_now(THU_START);
    t.run(&["start", ID]).ok();
    assert_lines(&t.read(FILE), &["  started_at: \"2026-11-26T02:00:00Z\""]);
    assert!(t.findings().is_empty(), "{:?}", t.findings());
}

#[test]
fn finding_1_a_start_in_a_freeze_is_refused_for_a_normal_change_not_an_emergency() {
    let t = scheduled();
    t.edit_policy(|p| p.freeze("Launch week", ("2026-11-26", "2026-11-27"), &["emergency"]));
    t.commit(SAM, "launch week freeze");
    let t = t.at("2026-11-26T02:10:00Z");
    start_refused(
        &t,
        "it started Thu 2026-11-26 02:10 UTC, in the freeze `Launch week` (2026-11-26 – 2026-11-27), which allows only emergency changes",
    );
    // An emergency is exempt from windows and allowed in this freeze.
    let emergency = Record::emergency("CHG-2026-0002")
        .status("draft")
        .raw("emergency", "{criteria: [production-down]}")
        .approval(Approval::new("ciso", CAROL).method("verbal").at("2026-11-26T02:00:00Z"))
        .approval(Approval::new("cto", DAVE).method("verbal").at("2026-11-26T02:01:00Z"));
    let t = t.record(emergency).commit_as(JANE, "emergency");
    t.run(&["start", "CHG-2026-0002"]).ok();
}

#[test]
fn finding_1_the_change_managers_override_is_recorded_and_shown_by_show_and_log() {
    let mut t = scheduled().at(SATURDAY);
    t.run_as(
        SAM,
        &[
            "start",
            ID,
            "--override",
            "payment provider outage fix cannot wait for Sunday",
        ],
    )
    .ok();
    let text = t.read(FILE);
    assert_contains(&text, &["  window_override:\n    by: Sam Lee <sam@example.com>\n    at: \"2026-11-28T14:00:00Z\"\n    reason: payment provider outage fix cannot wait for Sunday\n"]);
    t.run(&["show", ID]).ok().stdout_has_line(
        "  window override    by Sam Lee <sam@example.com> at 2026-11-28 14:00 UTC: payment provider outage fix cannot wait for Sunday",
    );
    t.run(&["log", ID]).ok().stdout_has_line(
        "    chg: start CHG-2026-0001 (window override by Sam Lee <sam@example.com>: payment provider outage fix cannot wait for Sunday)",
    );
    // Finished outside too, under the same override: `check` is clean.
    t.chg_line("complete CHG-2026-0001 --smoke-tests passed --error-rates normal --performance normal --customer-access verified")
        .ok();
    // And watched for the hour the policy asks after a deployment.
    t.set_now("2026-11-28T15:05:00Z");
    t.run(&["monitor", ID, "--observed", "payments flowing"]).ok();
    assert!(t.findings().is_empty(), "{:?}", t.findings());
}

#[test]
fn finding_1_an_override_by_someone_who_is_not_the_change_manager_does_not_count() {
    let t = scheduled().at(SATURDAY);
    // On the command line: refused, nothing written.
    t.run(&["start", ID, "--override", "I say so"]).is(
        1,
        "",
        "error: Jane Doe <jane@example.com> is not a change manager (policy `roles.change-manager`: sam@example.com), so cannot override the window of CHG-2026-0001
  hint: a change manager runs `chg start CHG-2026-0001 --override REASON`
",
    );
    assert_eq!(t.git(&["status", "--porcelain"]), "", "nothing written");
    // Written by hand in Mallory's name: `check` refuses it.
    let by_hand = |by: &str| overridden_by(by, "urgent");
    t.put(&by_hand("Mallory Bad <mallory@example.com>"));
    let findings = t.findings();
    let outside: Vec<&Finding> = findings.iter().filter(|f| f.rule == "work-outside-window").collect();
    assert!(
        outside.iter().any(|f| f.is_error()
            && f.message
                == "the window override by Mallory Bad <mallory@example.com> does not count: they are not a change manager"),
        "{findings:?}"
    );
    assert!(
        outside
            .iter()
            .any(|f| f.is_error() && f.message.contains("outside its scheduled window")),
        "{findings:?}"
    );
    // Written in Sam's name but committed by Jane: the gate sees who committed it.
    t.git(&["checkout", "-q", "-b", "override"]);
    t.put(&by_hand("Sam Lee <sam@example.com>"));
    t.commit(JANE, "start with Sam's override");
    let gate = t.check_against("main").status(1);
    let finding = gate
        .findings()
        .into_iter()
        .find(|f| f.rule == "approval-not-by-approver")
        .unwrap_or_else(|| panic!("{gate:?}"));
    assert_eq!(
        finding.message,
        "a window override by Sam Lee <sam@example.com> was added in a commit authored by Jane Doe <jane@example.com> and committed by Jane Doe <jane@example.com>"
    );
}

#[test]
fn finding_1_work_on_saturday_is_an_error_in_check_and_an_overrun_a_warning() {
    let done = |started: &str, finished: &str| {
        Record::normal(ID)
            .approved_by_sam()
            .status("completed")
            .window(THU_START, THU_END)
            .implementation(Implementation::new(started, finished, "successful").validation(
                "{smoke_tests: passed, error_rates: normal, performance: normal, customer_access: verified}",
            ))
            // Watched from the finish until the test's clock (the hour monitoring needs).
            .monitored(finished, "2026-11-29T12:00:00Z")
    };
    let t = Test::new()
        .at("2026-11-29T12:00:00Z")
        .record(done(SATURDAY, "2026-11-28T16:00:00Z"));
    let found = t.findings();
    let start = outside_window_error(&found, "outside its scheduled window");
    assert_eq!(
        start.message,
        "started Sat 2026-11-28 14:00 UTC, outside its scheduled window 2026-11-26 02:00–03:00 UTC"
    );
    assert_eq!(start.line, 32, "it points at `started_at`: {start:?}");
    t.run(&["check"]).status(1);
    // Started in the window and finished 40 minutes after it: a warning.
    t.put(&done("2026-11-26T02:30:00Z", "2026-11-26T03:40:00Z"));
    let f = t.findings();
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(!f[0].is_error(), "{f:?}");
    assert_eq!(
        f[0].message,
        "finished Thu 2026-11-26 03:40 UTC, 40 min after its scheduled window 2026-11-26 02:00–03:00 UTC closed"
    );
    t.run(&["check"]).ok();
}

/// The `work-outside-window` finding among `found` whose message holds
/// `about`; it must be an error.
#[track_caller]
fn outside_window_error<'a>(found: &'a [Finding], about: &str) -> &'a Finding {
    let f = found
        .iter()
        .find(|f| f.rule == "work-outside-window" && f.message.contains(about))
        .unwrap_or_else(|| panic!("{found:?}"));
    assert!(f.is_error(), "{f:?}");
    f
}

#[test]
fn finding_1_a_back_dated_start_is_judged_at_the_commit_that_wrote_it() {
    let t = scheduled();
    t.git(&["checkout", "-q", "-b", "weekend"]);
    // Started on Saturday; the record claims Thursday 02:10, inside the window.
    t.put(
        &Record::normal(ID)
            .approved_by_sam()
            .status("in-progress")
            .window(THU_START, THU_END)
            .implementation(Implementation::started("2026-11-26T02:10:00Z")),
    );
    t.commit_all_at(JANE, SATURDAY, "started");
    let t = t.at(SATURDAY);
    // The file alone looks right.
    assert!(t.findings().is_empty(), "{:?}", t.findings());
    // The branch's history shows when it was written.
    let gate = t.check_against("main").status(1);
    let found = gate.findings();
    let f = outside_window_error(&found, "scheduled window");
    assert_eq!(
        f.message,
        format!(
            "started Sat 2026-11-28 14:00 UTC, outside its scheduled window 2026-11-26 02:00–03:00 UTC (the record says 2026-11-26 02:10 UTC, but commit {} wrote it then)",
            &t.head()[..7]
        )
    );
}

#[test]
fn finding_1_schedule_refuses_a_window_check_calls_an_error() {
    let t = Test::new()
        .record(Record::normal(ID).approved_by_sam().no_window())
        .commit_as(SAM, "approved");
    // Friday afternoon: outside the deployment windows, an error for a normal change.
    let run = t
        .chg_line("schedule CHG-2026-0001 --start '2026-11-27 14:00' --end '2026-11-27 15:00'")
        .status(1);
    assert_eq!(
        run.stderr,
        "error: the window 2026-11-27 14:00–15:00 UTC is outside the deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC) [outside-window]
  hint: move the window into a deployment window, or classify the change as an emergency if it is one
"
    );
    assert_eq!(t.git(&["status", "--porcelain"]), "", "nothing written");
    t.chg_line("schedule CHG-2026-0001 --start '2026-11-26 02:00' --end '2026-11-26 03:00'")
        .ok();
    // A standard change outside the windows is only warned about, as `check` does.
    let standard = Record::standard("CHG-2026-0002")
        .raw("template", "log-rotation")
        .status("approved")
        .no_window();
    let t = t.record(standard).commit_as(JANE, "standard");
    t.chg_line("schedule CHG-2026-0002 --start '2026-11-27 14:00' --end '2026-11-27 15:00'")
        .is(
            0,
            "CHG-2026-0002: scheduled 2026-11-27 14:00 – 2026-11-27 15:00 UTC\n",
            "warning[outside-window]: the window 2026-11-27 14:00–15:00 UTC is outside the deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)
  hint: move the window into a deployment window, or classify the change as an emergency if it is one
",
        );
}

#[test]
fn finding_1_overruns_and_missed_windows_are_in_status_and_the_weekly_attention_list() {
    // Both windows ended on Thursday 03:00; it is Friday noon.
    let t = Test::new()
        .at("2026-11-27T12:00:00Z")
        .record(
            Record::normal(ID)
                .approved_by_sam()
                .status("in-progress")
                .window(THU_START, THU_END)
                .implementation(Implementation::started("2026-11-26T02:05:00Z")),
        )
        .record(
            Record::normal("CHG-2026-0002")
                .approved_by_sam()
                .status("scheduled")
                .window(THU_START, THU_END)
                .systems(&["billing"]),
        )
        .commit_as(SAM, "state");
    let rows = |value: &serde_json::Value| -> Vec<String> {
        let items = value.as_array().unwrap_or_else(|| panic!("{value}"));
        items
            .iter()
            .map(|i| {
                format!(
                    "{} {}",
                    i["id"].as_str().unwrap_or(""),
                    i["what"].as_str().unwrap_or("")
                )
            })
            .collect()
    };
    let status = rows(&t.run(&["status", "--format", "json"]).ok().json());
    let weekly = rows(
        &t.run(&["report", "weekly", "--week", "2026-W48", "--format", "json"])
            .ok()
            .json()["attention"],
    );
    for list in [&status, &weekly] {
        for row in [
            "CHG-2026-0001 in progress past its window (ended Thu 26 Nov 03:00)",
            "CHG-2026-0002 window passed without a start (ended Thu 26 Nov 03:00)",
        ] {
            assert!(list.iter().any(|r| r.starts_with(row)), "{row} not in {list:#?}");
        }
    }
}

// ---- point 5: strategy by class ---------------------------------------------

/// The line of `strategies.KEY` in the test store's policy, as a user finds it.
fn strategies_line(t: &Test, key: &str) -> usize {
    let policy = t.read("changes/policy.yaml");
    let from = policy
        .lines()
        .position(|l| l.starts_with("strategies:"))
        .unwrap_or_else(|| panic!("no `strategies:` in\n{policy}"));
    let at = policy
        .lines()
        .skip(from)
        .position(|l| l.trim_start().starts_with(&format!("{key}:")))
        .unwrap_or_else(|| panic!("no `strategies.{key}` in\n{policy}"));
    from + at + 1
}

#[test]
fn finding_5_new_proposes_the_policys_strategy_for_the_class() {
    let t = Test::new();
    let new = |extra: &str| {
        let run = t
            .chg_line(&format!("new --no-input --title 'Tune the pool' --system db {extra}"))
            .ok();
        let id = run.stdout.split_whitespace().nth(1).unwrap_or_default().to_string();
        t.read(&format!("changes/2026/{id}.yaml"))
    };
    let strategy = |text: &str| {
        text.lines()
            .find_map(|l| l.trim().strip_prefix("strategy: "))
            .map(str::to_string)
    };
    assert_eq!(
        strategy(&new("--impact medium --likelihood low")).as_deref(),
        Some("canary")
    );
    assert_eq!(
        strategy(&new("--impact medium --likelihood low --classification major")).as_deref(),
        Some("blue-green")
    );
    // A complex rollback is a database migration: blue-green, whatever the class.
    assert_eq!(
        strategy(&new("--impact medium --likelihood low --rollback-kind complex")).as_deref(),
        Some("blue-green")
    );
    assert_eq!(
        strategy(&new("--template log-rotation")).as_deref(),
        Some("rolling"),
        "a standard change keeps its template's (rolling) strategy"
    );
    // A flag still decides.
    assert_eq!(
        strategy(&new("--impact medium --likelihood low --strategy rolling")).as_deref(),
        Some("rolling")
    );
}

/// Review finding: the policy's canary is staged (5 % → 25 % → 50 % → 100 %),
/// but `chg new` proposed a bare `strategy: canary` with no stages.
#[test]
fn finding_5_new_proposes_the_policys_canary_stages_as_the_steps() {
    let t = Test::new();
    let created = |extra: &str| {
        let run = t
            .chg_line(&format!(
                "new --no-input --title 'Tune the pool' --system db --impact medium --likelihood low {extra}"
            ))
            .ok();
        let id = run.stdout.split_whitespace().nth(1).unwrap_or_default().to_string();
        t.read(&format!("changes/2026/{id}.yaml"))
    };
    let deployment = |text: &str| text[text.find("deployment:\n").unwrap_or(0)..].to_string();
    assert!(
        deployment(&created("")).starts_with(
            "deployment:\n  strategy: canary\n  steps:\n    - \"canary 5 %: shift 5 % of traffic; watch errors and latency\"\n    - \"canary 25 %: shift 25 % of traffic; watch errors and latency\"\n    - \"canary 50 %: shift 50 % of traffic; watch errors and latency\"\n    - \"canary 100 %: shift all traffic; the monitoring period starts\"\n"
        ),
        "{}",
        created("")
    );
    // Steps the engineer gives are kept, and another strategy gets no stages.
    assert!(deployment(&created("--step 'flip the flag'")).contains("  steps:\n    - flip the flag\n"));
    assert!(!deployment(&created("--strategy rolling")).contains("steps:"));
    // The stages are the policy's: a team sets its own.
    t.edit_policy(|p| p.set("canary_stages", "[10, 100]"));
    let own = deployment(&created(""));
    assert!(own.contains("canary 10 %") && !own.contains("canary 5 %"), "{own}");
    // Stages that do not rise to 100 are an error on the policy's line.
    t.edit_policy(|p| p.set("canary_stages", "[50, 25]"));
    let line = line_of(&t.read("changes/policy.yaml"), "canary_stages:");
    let refused = t.chg_line("check").status(1);
    assert!(
        refused.stdout.starts_with(&format!(
            "changes/policy.yaml:{line}:1: error[schema]: `canary_stages`: canary stages must be percentages that rise and end at 100"
        )),
        "{}",
        refused.stdout
    );
}

#[test]
fn finding_5_a_major_change_with_a_weaker_strategy_is_warned_naming_the_policy_line() {
    let t = Test::new();
    let line = strategies_line(&t, "major");
    let run = t
        .chg_line("new --no-input --title 'Upgrade Postgres 15 to 16' --system db --impact high --likelihood medium --strategy canary")
        .ok();
    let expected = format!(
        "a major change deploys blue-green by the policy (changes/policy.yaml:{line}: `strategies.major: blue-green`), not canary"
    );
    assert_eq!(run.stderr, format!("warning[weaker-strategy]: {expected}\n"));
    let f = t.check().ok().finding("weaker-strategy");
    assert_eq!(f.message, expected);
    assert!(!f.is_error());
    // A database change (complex rollback) of a normal class too.
    let run = t
        .chg_line("new --no-input --title 'Add an index' --system db --impact medium --likelihood low --rollback-kind complex --strategy database-migration")
        .ok();
    assert_eq!(
        run.stderr,
        format!(
            "warning[weaker-strategy]: a database change (a complex rollback or a database migration) deploys blue-green by the policy (changes/policy.yaml:{}: `strategies.database: blue-green`), not database-migration\n",
            strategies_line(&t, "database")
        )
    );
    // A normal change on rolling is not held to canary: only major and database changes are.
    let run = t
        .chg_line(
            "new --no-input --title 'Scale workers' --system api --impact medium --likelihood low --strategy rolling",
        )
        .ok();
    assert_eq!(run.stderr, "");
}

// ---- point 2: approval criteria ----------------------------------------------

#[test]
fn finding_2_submit_refuses_a_normal_or_major_change_without_justification_and_description() {
    let t = Test::new();
    let base = "new --no-input --title 'Tune the pool' --system db --impact medium --likelihood low";
    t.chg_line(base).ok();
    let before = t.read(FILE);
    let run = t.run(&["submit", ID]).status(1);
    assert_eq!(
        run.stderr,
        "error: CHG-2026-0001 cannot be submitted: a normal change needs a description (`description`), a business reason (`justification.business_reason`), an expected benefit (`justification.expected_benefit`) before approval
  hint: add them with `chg edit CHG-2026-0001` (`description: …`, `justification: {business_reason: …, expected_benefit: …}`)
"
    );
    assert_eq!(t.read(FILE), before, "a refused submit writes nothing");
    // A reason without a benefit is not a justification.
    t.chg_line(&format!(
        "{base} --classification major --description 'Raise the pool to 200' --justification 'Timeouts at peak'"
    ))
    .ok();
    t.run(&["submit", "CHG-2026-0002"]).is(
        1,
        "",
        "error: CHG-2026-0002 cannot be submitted: a major change needs an expected benefit (`justification.expected_benefit`) before approval
  hint: add them with `chg edit CHG-2026-0002` (`description: …`, `justification: {business_reason: …, expected_benefit: …}`)
",
    );
    t.chg_line(&format!(
        "{base} --description 'Raise the pool to 200' --justification 'Timeouts at peak' --benefit 'No checkout timeouts' --rollback-plan 'Set the pool back to 100' --rollback-kind simple"
    ))
    .ok();
    t.run(&["submit", "CHG-2026-0003"]).ok();
}

#[test]
fn finding_2_an_emergency_owes_its_justification_within_24_hours_of_implementation() {
    // Implemented Monday 10:00–11:00 on verbal approvals, with no description or justification.
    let emergency = Record::emergency(ID)
        .status("completed")
        .without("description")
        .without("justification")
        .raw("emergency", "{criteria: [production-down]}")
        .approval(Approval::new("ciso", CAROL).method("verbal").at("2026-11-23T09:50:00Z"))
        .approval(Approval::new("cto", DAVE).method("verbal").at("2026-11-23T09:51:00Z"))
        .implementation(
            Implementation::new("2026-11-23T10:00:00Z", "2026-11-23T11:00:00Z", "successful").validation(
                "{smoke_tests: passed, error_rates: normal, performance: normal, customer_access: verified}",
            ),
        );
    let mut t = Test::new().at("2026-11-24T10:59:00Z").record(emergency.clone());
    let rule = "emergency-justification-overdue";
    let fired = |t: &Test| t.findings().into_iter().filter(|f| f.rule == rule).collect::<Vec<_>>();
    assert!(fired(&t).is_empty(), "within the 24 h: {:?}", fired(&t));
    t.set_now("2026-11-24T11:01:00Z");
    let f = fired(&t);
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(f[0].is_error());
    assert_eq!(
        f[0].message,
        "an emergency change owes a description (`description`), a business reason (`justification.business_reason`), an expected benefit (`justification.expected_benefit`) within 24 h of implementation (due 2026-11-24 11:00 UTC); it is overdue"
    );
    // Stated: no longer owed.
    t.put(&emergency.description("Restart the stuck payment workers.").raw(
        "justification",
        "{business_reason: Checkout was down, expected_benefit: Checkout back}",
    ));
    assert!(fired(&t).is_empty(), "{:?}", fired(&t));
}

/// Two changes on `db`: CHG-2026-0001 scheduled Thursday 02:00–03:00, and
/// CHG-2026-0002 submitted for Thursday 02:30–03:30, waiting for Sam.
fn overlapping() -> Test {
    Test::new()
        .record(
            Record::normal(ID)
                .approved_by_sam()
                .status("scheduled")
                .systems(&["db"])
                .window(THU_START, THU_END),
        )
        .record(
            Record::normal("CHG-2026-0002")
                .status("submitted")
                .systems(&["db"])
                .raw(
                    "justification",
                    "{business_reason: Slow reports, expected_benefit: Reports in 2 s}",
                )
                .window("2026-11-26T02:30:00Z", "2026-11-26T03:30:00Z"),
        )
        .commit_as(JANE, "two changes on db")
}

const CONFLICT: &str = "CHG-2026-0002: the calendar finds 1 problem with its window:
  warning[schedule-conflict]: the window 2026-11-26 02:30–03:30 UTC overlaps CHG-2026-0001 (2026-11-26 02:00–03:00 UTC) on `db`
    hint: move one of the windows, or coordinate with the requester of CHG-2026-0001
";

#[test]
fn finding_2_approve_shows_the_calendars_conflicts_before_the_decision() {
    let t = overlapping();
    let run = t.run_as(SAM, &["approve", "CHG-2026-0002"]).ok();
    assert_eq!(run.stderr, CONFLICT);
    assert_eq!(
        run.stdout,
        "CHG-2026-0002: approval by Sam Lee <sam@example.com> as change-manager recorded; status `approved`\n"
    );
}

/// Runs `chg approve` as Sam on a pseudo-terminal, answers its question and
/// waits for `until`; returns what it printed up to there.
fn approve_on_a_terminal(t: &Test, answer: &str, until: &str) -> String {
    let mut session = t.terminal(SAM, &["approve", "CHG-2026-0002"]);
    let shown = session
        .expect("Approve CHG-2026-0002 all the same?")
        .map(|c| String::from_utf8_lossy(c.before()).into_owned())
        .unwrap_or_else(|e| panic!("no question: {e}"));
    session.send(answer).unwrap();
    session
        .expect(until)
        .unwrap_or_else(|e| panic!("`{until}` not printed after `{answer}`: {e}\n{shown}"));
    let _ = session.expect(expectrl::Eof);
    assert!(session.get_process().wait().is_ok());
    shown
}

#[test]
fn finding_2_on_a_terminal_the_approver_sees_the_conflicts_and_is_asked() {
    let t = overlapping();
    let conflict_line = "warning[schedule-conflict]: the window 2026-11-26 02:30–03:30 UTC overlaps CHG-2026-0001";
    let shown = approve_on_a_terminal(&t, "n", "declined at the prompt; nothing was written");
    assert!(shown.contains(conflict_line), "{shown:?}");
    assert_lines(&t.read("changes/2026/CHG-2026-0002.yaml"), &["status: submitted"]);
    let shown = approve_on_a_terminal(&t, "y", "recorded; status `approved`");
    assert!(shown.contains(conflict_line), "{shown:?}");
    assert_lines(&t.read("changes/2026/CHG-2026-0002.yaml"), &["status: approved"]);
}

#[test]
fn finding_5_the_new_wizard_proposes_blue_green_for_a_major_change() {
    let t = Test::new();
    let mut s = t.terminal(
        JANE,
        &words("new --title 'Upgrade Postgres 15 to 16' --description 'Major upgrade' --justification 'End of life' --benefit 'Security fixes' --impact high --likelihood medium --system db --rollback-plan 'Restore the snapshot' --rollback-kind simple --test unit=passed --test integration=passed --test qa_review=passed --test security_review=passed --test performance=passed"),
    );
    // The risk matrix makes it major; Enter takes each default.
    s.expect("Classification (risk matrix: at least major)").unwrap();
    s.send("\r").unwrap();
    s.expect("Deployment strategy (the policy's for a major change: blue-green)")
        .unwrap();
    s.send("\r").unwrap();
    s.expect("Give the deployment window now?").unwrap();
    s.send("n").unwrap();
    s.expect("Created CHG-2026-0001").unwrap();
    let _ = s.expect(expectrl::Eof);
    assert!(s.get_process().wait().is_ok());
    let text = t.read(FILE);
    assert_lines(&text, &["  strategy: blue-green"]);
}
