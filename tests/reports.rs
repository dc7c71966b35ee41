//! Reports: the weekly CAB report's sections, the monthly report's metrics
//! equal to `chg metrics`, and every format.

use crate::support::*;

/// Approved by Sam, completed in its window with one issue.
fn completed(id: &str, finished: &str) -> Record {
    let implementation = Implementation::new("2026-11-18T02:05:00Z", finished, "successful")
        .validation("{smoke_tests: passed, error_rates: normal}")
        .issues("[slow cache warm-up]");
    Record::normal(id)
        .approved_by_sam()
        .status("completed")
        .implementation(implementation)
}

/// 0001 completed on Wed 18 Nov, 0002 submitted for Tue 24 Nov, both
/// written on the 18th at noon; the reports are made on Fri 20 Nov.
fn store() -> Test {
    let next_week = Record::normal("CHG-2026-0002")
        .status("submitted")
        .window("2026-11-24T02:00:00Z", "2026-11-24T04:00:00Z");
    Test::new()
        .at("2026-11-18T12:00:00Z")
        .record(completed("CHG-2026-0001", "2026-11-18T02:41:00Z"))
        .record(next_week)
        .commit_as(JANE, "records")
        .at("2026-11-20T12:00:00Z")
}

/// What a run of chg as Jane printed, as JSON (the run must succeed).
fn json_of(repo: &Repo, line: &str) -> serde_json::Value {
    repo.chg_line(line).ok().json()
}

/// What a run of chg as Jane printed (the run must succeed).
fn stdout(repo: &Repo, line: &str) -> String {
    repo.chg_line(line).ok().stdout
}

/// The weekly report of 2026-W47 in Markdown.
fn w47(repo: &Repo) -> String {
    stdout(repo, "report weekly --week 2026-W47 --format markdown")
}

#[test]
fn weekly_report_lists_implemented_scheduled_attention_and_counts() {
    let repo = store();
    assert_eq!(
        w47(&repo),
        r#"# Weekly CAB report — 2026-W47

_Mon 16 Nov 2026 – Sun 22 Nov 2026 · generated 2026-11-20 12:00 UTC_

## Changes implemented this week

| ID | Title | Class | Outcome | Finished | Duration | Systems |
|---|---|---|---|---|---|---|
| CHG-2026-0001 | Enable canary routing for checkout-api | normal | successful | Wed 18 Nov 02:41 | 36 min | checkout-api, pricing-service |

Issues encountered:

- CHG-2026-0001: slow cache warm-up

## Changes scheduled next week (2026-W48)

| ID | Title | Class | Status | Window | Systems | Approvals |
|---|---|---|---|---|---|---|
| CHG-2026-0002 | Enable canary routing for checkout-api | normal | submitted | Tue 24 Nov 02:00 – 04:00 UTC | checkout-api, pricing-service | lacks 1 more change-manager or 1 more engineering-lead |

## Emergency changes

_No emergency change this week._

## CAB votes

_No CAB vote this week._

## Changes requiring attention

| ID | What | Who | When |
|---|---|---|---|
| CHG-2026-0001 | monitoring owed: 1 h after the deployment (from Wed 18 Nov 02:41): `chg monitor CHG-2026-0001 --from … --to … --observed …` | jane@example.com | overdue since Wed 18 Nov 03:41 |
| CHG-2026-0002 | approval pending: needs 1 more change-manager, or 1 more engineering-lead | sam@example.com (change-manager), lee@example.com (engineering-lead) | waiting 4 days (created 16 Nov) |

## This week in numbers

| Implemented | Successful | Failed | Rolled back | In progress | Emergency | Scheduled next week | Needing attention |
|---|---|---|---|---|---|---|---|
| 1 | 1 | 0 | 0 | 0 | 0 | 1 | 2 |
"#
    );
    let json = json_of(&repo, "report weekly --week 2026-W47 --format json");
    assert_eq!(json["counts"]["implemented"], 1);
    assert_eq!(json["counts"]["successful"], 1);
    assert_eq!(json["counts"]["scheduled_next_week"], 1);
    let empty = stdout(&repo, "report weekly --week 2026-W40 --format markdown");
    assert_lines(&empty, &["_No change was implemented this week._"]);
}

#[test]
fn html_report_is_one_self_contained_page() {
    let repo = store();
    repo.chg_line("report weekly --week 2026-W47 --format html --output cab.html")
        .ok();
    let html = repo.read("cab.html");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("@media print") && html.contains("size: A4"));
    assert!(!html.contains("<script"), "no scripts");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "nothing fetched"
    );
}

/// Starts headless Chromium on `page` with `commands` (`--dump-dom`,
/// `--print-to-pdf=…`), quiet and offline, its stdout and stderr going to
/// `log` and `log.err` so that waiting for it can never block on a full pipe.
pub(crate) fn browse(
    chromium: &str,
    profile: &std::path::Path,
    commands: &[String],
    page: &str,
    log: &std::path::Path,
) -> std::process::Child {
    let file = |path: std::path::PathBuf| std::fs::File::create(path).unwrap();
    std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(commands)
        .arg(page)
        .stdin(std::process::Stdio::null())
        .stdout(file(log.to_path_buf()))
        .stderr(file(log.with_extension("err")))
        .spawn()
        .unwrap()
}

/// Waits for the browser, killing it after a minute so a hung browser fails the test instead of hanging it.
pub(crate) fn finish(mut browser: std::process::Child, what: &str) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while browser.try_wait().unwrap().is_none() {
        if std::time::Instant::now() > deadline {
            let _ = browser.kill();
            let _ = browser.wait();
            panic!("chromium did not finish {what} within 60 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

#[test]
fn html_reports_render_in_a_headless_browser() {
    let Some(chromium) = chromium("html_reports_render_in_a_headless_browser") else {
        return;
    };
    let repo = store();
    // Each report, with the text its page must show once the browser has parsed it.
    let reports: [(&str, &[&str], &[&str]); 3] = [
        (
            "weekly",
            &["--week", "2026-W47"],
            &["Weekly CAB report — 2026-W47", "CHG-2026-0001"],
        ),
        (
            "monthly",
            &["--month", "2026-11"],
            &["Monthly change management report — 2026-11", "<svg"],
        ),
        (
            "quarterly",
            &["--quarter", "2026-Q4"],
            &["Quarterly executive report — 2026-Q4", "compared with 2026-Q3", "<svg"],
        ),
    ];
    for (name, period, _) in reports {
        let output = format!("{name}.html");
        let mut args = vec!["report", name];
        args.extend_from_slice(period);
        args.extend_from_slice(&["--format", "html", "--output", &output]);
        repo.chg(&args).ok();
    }
    let profiles: Vec<tempfile::TempDir> = reports.iter().map(|_| tempfile::tempdir().unwrap()).collect();
    let page = |name: &str| format!("file://{}", repo.join(&format!("{name}.html")).display());
    let pdf = |name: &str| repo.join(&format!("{name}.pdf"));
    let dom = |name: &str| repo.join(&format!("{name}.dom"));
    let print = |name: &str| format!("--print-to-pdf={}", pdf(name).display());
    // One browser per report prints the PDF and dumps the DOM in the same run
    // (Chromium's headless mode does both), and the three run at once, each
    // with its own profile: one browser start of wall time, not six.
    let running: Vec<std::process::Child> = reports
        .iter()
        .zip(&profiles)
        .map(|((name, _, _), profile)| {
            browse(
                chromium,
                profile.path(),
                &["--dump-dom".into(), print(name)],
                &page(name),
                &dom(name),
            )
        })
        .collect();
    for ((name, _, _), browser) in reports.iter().zip(running) {
        finish(browser, &format!("the {name} report"));
    }
    for ((name, _, expected), profile) in reports.iter().zip(&profiles) {
        // An older headless shell does only one of the two per run; do the other alone.
        if !pdf(name).exists() {
            let log = repo.join(&format!("{name}.pdf.log"));
            finish(
                browse(chromium, profile.path(), &[print(name)], &page(name), &log),
                "the PDF",
            );
        }
        if !repo.read(&format!("{name}.dom")).contains("</html>") {
            finish(
                browse(
                    chromium,
                    profile.path(),
                    &["--dump-dom".into()],
                    &page(name),
                    &dom(name),
                ),
                "the DOM",
            );
        }
        let printed = std::fs::read(pdf(name)).unwrap_or_default();
        assert!(
            printed.starts_with(b"%PDF") && printed.len() > 5_000,
            "chromium printed the {name} report as a PDF: {}",
            repo.read(&format!("{name}.err"))
        );
        let dom = repo.read(&format!("{name}.dom"));
        for text in *expected {
            assert!(dom.contains(text), "the {name} report's page shows {text:?}: {dom}");
        }
    }
}

#[test]
fn monthly_report_metrics_equal_chg_metrics() {
    let repo = store();
    let report = json_of(&repo, "report monthly --month 2026-11 --format json");
    let metrics = json_of(&repo, "metrics --month 2026-11 --format json");
    for name in [
        "total_changes",
        "emergency_rate",
        "success_rate",
        "rollback_rate",
        "issue_rate",
        "average_change_time_minutes",
    ] {
        assert_eq!(
            report["metrics"][name]["actual"], metrics["metrics"][name]["actual"],
            "{name}"
        );
    }
    assert_eq!(report["metrics"]["total_changes"]["actual"], 1.0);
    assert_eq!(report["metrics"]["issue_rate"]["met"], false);
    assert_eq!(
        report["recommendations"],
        serde_json::json!([
            "Feed the issues met into the test plans and runbooks of the affected systems. (because `issue_rate` was 100.0 % against a target of 10.0 %)",
            "No implementation before the approval is committed. (because `approvals_before_implementation` was 0.0 % against a target of 100.0 %)"
        ])
    );
    let md = stdout(&repo, "report monthly --month 2026-11 --format markdown");
    assert_lines(&md, &["| Changes with issues | &lt; 10.0 % | 100.0 % | 1 | missed |"]);
}

/// A successful normal change created on 1 October, in its window from
/// 02:00 on the day of `finished` until `finished`, with `issues` issues.
fn done_at(id: &str, finished: &str, issues: &str) -> Record {
    let day = &finished[..11];
    let started = format!("{day}02:00:00Z");
    Record::normal(id)
        .created("2026-10-01T09:00:00Z")
        .window(&started, &format!("{day}04:00:00Z"))
        .approved_by_sam()
        .status("completed")
        .implementation(Implementation::new(&started, finished, "successful").issues(issues))
}

/// Changes on both sides of the year boundary: Q4 2026 and Q1 2027.
fn year_boundary_store() -> Test {
    let t = Test::new().at("2027-04-10T12:00:00Z");
    let changes = [
        ("CHG-2026-0001", "2026-11-18T02:40:00Z", "[]"),
        ("CHG-2026-0002", "2026-12-01T02:30:00Z", "[]"),
        ("CHG-2026-0003", "2026-12-31T23:59:00Z", "[late cache warm-up]"),
        ("CHG-2027-0001", "2027-01-01T00:00:00Z", "[slow start]"),
        ("CHG-2027-0002", "2027-02-16T02:30:00Z", "[a flaky health check]"),
        ("CHG-2027-0003", "2027-03-31T23:00:00Z", "[]"),
    ];
    for (id, finished, issues) in changes {
        t.put(&done_at(id, finished, issues));
    }
    // Written up after the last of them finished: a record never states a
    // finish after the commit that brings it (that is forward-dating).
    t.commit_all_at(JANE, "2027-04-01T09:00:00Z", "records");
    t
}

#[test]
fn quarterly_report_compares_q1_with_q4_of_the_year_before() {
    let repo = year_boundary_store();
    let json = json_of(&repo, "report quarterly --quarter 2027-Q1 --format json");
    assert_eq!(json["quarter"], "2027-Q1");
    assert_eq!(json["previous_quarter"], "2026-Q4");
    assert_eq!(json["period"]["from"], "2027-01-01T00:00:00Z");
    assert_eq!(json["previous_period"]["to"], "2027-01-01T00:00:00Z");
    let months = texts(&json["months"], "month");
    assert_eq!(
        months,
        ["2026-10", "2026-11", "2026-12", "2027-01", "2027-02", "2027-03"]
    );
    let in_quarter: Vec<bool> = json["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["in_quarter"].as_bool().unwrap())
        .collect();
    assert_eq!(in_quarter, [false, false, false, true, true, true]);
    // 23:59 on 31 December counts in Q4; midnight on 1 January in Q1.
    assert_eq!(json["previous"]["metrics"]["total_changes"]["actual"], 3.0);
    assert_eq!(json["current"]["metrics"]["total_changes"]["actual"], 3.0);
    assert_eq!(json["current"]["by_class"]["normal"], 3);
    assert_eq!(json["current"]["by_risk"]["medium"], 3);
    // The default as of 10 April 2027 is the last full quarter, 2027-Q1.
    let default = json_of(&repo, "report quarterly --format json");
    assert_eq!(default["quarter"], "2027-Q1");
}

#[test]
fn quarterly_json_has_the_documented_keys() {
    let repo = year_boundary_store();
    let json = json_of(&repo, "report quarterly --quarter 2027-Q1 --format json");
    let keys = |v: &serde_json::Value| -> Vec<String> { v.as_object().unwrap().keys().cloned().collect() };
    assert_eq!(
        keys(&json),
        [
            "current",
            "generated_at",
            "initiatives",
            "maturity",
            "missed_once",
            "months",
            "period",
            "previous",
            "previous_period",
            "previous_quarter",
            "quarter",
            "risk",
            "roi",
            "training"
        ]
    );
    assert_eq!(
        keys(&json["current"]),
        [
            "by_class",
            "by_risk",
            "emergencies",
            "metrics",
            "period",
            "quarter",
            "rollback_tests_on_time",
            "rolled_back",
            "targets_judged",
            "targets_met"
        ]
    );
    assert_eq!(
        keys(&json["months"][0]),
        [
            "emergencies",
            "in_quarter",
            "metrics",
            "month",
            "period",
            "rollback_tests_on_time",
            "rolled_back",
            "targets_judged",
            "targets_met"
        ]
    );
    assert_eq!(
        keys(&json["initiatives"][0]),
        ["advice", "metric", "months", "target", "text"]
    );
}

#[test]
fn quarterly_month_figures_equal_chg_metrics_for_each_month() {
    let repo = year_boundary_store();
    let report = json_of(&repo, "report quarterly --quarter 2027-Q1 --format json");
    for month in report["months"].as_array().unwrap() {
        let label = month["month"].as_str().unwrap();
        let metrics = json_of(&repo, &format!("metrics --month {label} --format json"));
        assert_eq!(month["metrics"], metrics["metrics"], "{label}");
    }
}

#[test]
fn quarterly_initiatives_are_the_recommendations_that_recurred() {
    let repo = year_boundary_store();
    let report = json_of(&repo, "report quarterly --quarter 2027-Q1 --format json");
    // Issues in January and February (100 % each), none in March.
    let initiatives = report["initiatives"].as_array().unwrap();
    let issue = initiatives
        .iter()
        .find(|i| i["metric"] == "issue_rate")
        .unwrap_or_else(|| panic!("{initiatives:?}"));
    let months = texts(&issue["months"], "month");
    assert_eq!(months, ["2027-01", "2027-02"]);
    let text = issue["text"].as_str().unwrap();
    assert_eq!(
        text,
        "Feed the issues met into the test plans and runbooks of the affected systems. (`issue_rate` missed its target of 10.0 % in 2027-01 (100.0 %) and 2027-02 (100.0 %))"
    );
    // The monthly report gives the same advice for each of those months.
    let monthly = json_of(&repo, "report monthly --month 2027-01 --format json");
    let advice = issue["advice"].as_str().unwrap();
    assert!(monthly["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.as_str().unwrap().starts_with(advice)));
    // The March change took 21 h: a miss in one month only, not an initiative.
    let once = texts(&report["missed_once"], "metric");
    assert_eq!(once, ["average_change_time_minutes"]);
}

#[test]
fn bad_quarter_is_a_usage_error() {
    let repo = year_boundary_store();
    // The last three: years chrono accepts but where the quarter before does not exist.
    for bad in [
        "2026-Q5",
        "2026-Q0",
        "2026Q4",
        "Q4",
        "2026-11",
        "-262143-Q1",
        "262143-Q4",
        "0-Q1",
    ] {
        repo.chg(&["report", "quarterly", &format!("--quarter={bad}")]).is(
            2,
            "",
            &format!(
                "error: `--quarter {bad}` is not a quarter\n  hint: write it like `2026-Q4` (quarters Q1 to Q4)\n"
            ),
        );
    }
    repo.chg(&["report", "weekly", "--date=-262143-01-01"]).is(
        2,
        "",
        "error: `--date -262143-01-01`: the year -262143 is out of range\n  hint: use a year from 1 to 9999\n",
    );
}

#[test]
fn weekly_report_lists_edits_after_approval_from_the_history() {
    let repo = Test::new().at("2026-11-20T12:00:00Z");
    let normal = || Record::normal("CHG-2026-0001");
    repo.put(&normal().approved_by_sam());
    repo.commit_all_at(SAM, "2026-11-17T10:03:00Z", "chg: approve CHG-2026-0001");
    // Raj widens it to a third system.
    let widened = || normal().systems(&["checkout-api", "pricing-service", "payments"]);
    repo.put(&widened().approved_by_sam());
    repo.commit_all_at(RAJ, "2026-11-17T15:20:00Z", "widen the change");
    // The row the report raises for Raj's last commit, made at `when`.
    let edited = |when: &str| {
        let commit = repo.git(&["rev-parse", "--short=7", "HEAD"]);
        format!(
            "| CHG-2026-0001 | edited after approval: commit {} by raj@example.com ({when}); revert the edit or send it back for approval | sam@example.com | edited {when} |",
            commit.trim()
        )
    };
    let md = w47(&repo);
    assert_eq!(line_with(&md, "edited after approval"), edited("Tue 17 Nov 15:20"));
    // Doing what the row asks settles it: sent back for approval, the row
    // goes; approved again, the old edit is not raised again.
    repo.put(&widened().status("submitted"));
    repo.commit_all_at(SAM, "2026-11-18T09:00:00Z", "chg: send CHG-2026-0001 back for approval");
    let md = w47(&repo);
    assert!(!md.contains("edited after approval"), "{md}");
    repo.put(&widened().approved_by_sam());
    repo.commit_all_at(SAM, "2026-11-18T10:00:00Z", "chg: approve CHG-2026-0001");
    let md = w47(&repo);
    assert!(!md.contains("edited after approval"), "{md}");
    // A new edit after the new approval is raised.
    let again = normal().systems(&["checkout-api", "pricing-service", "payments", "ledger"]);
    repo.put(&again.approved_by_sam());
    repo.commit_all_at(RAJ, "2026-11-18T11:00:00Z", "widen again");
    let md = w47(&repo);
    assert_eq!(line_with(&md, "edited after approval"), edited("Wed 18 Nov 11:00"));
    assert!(!md.contains("Tue 17 Nov 15:20"), "{md}");
}

#[test]
fn weekly_report_says_when_the_history_cannot_judge_edits() {
    // No commit at all: the report is made from the work tree and says why the edits are missing.
    let repo = Repo::new();
    repo.write("changes/policy.yaml", "require_signed_approvals: false\n");
    repo.put(&Record::normal("CHG-2026-0001").status("submitted"));
    let md = w47(&repo);
    assert_lines(
        &md,
        &["The store has no commits yet, so edits after approval cannot be judged from the git history."],
    );

    // A shallow clone: the edits before its cut are unknown, and the report says so.
    let source = store();
    source.git_at(
        JANE,
        "2026-11-19T12:00:00Z",
        &["commit", "-q", "--allow-empty", "-m", "later"],
    );
    let clone = source.shallow_clone(1);
    let md = clone
        .chg(&["report", "weekly", "--week", "2026-W47", "--format", "markdown"])
        .ok()
        .stdout;
    assert_lines(
        &md,
        &["The git history is incomplete (the repository is a shallow clone, so the history before its cut is missing; run `git fetch --unshallow` (in CI: `fetch-depth: 0`)); edits after approval before its cut are not shown."],
    );
}
