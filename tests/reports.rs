//! Reports: the weekly CAB report's sections, the monthly report's metrics
//! equal to `chg metrics`, and every format.

use crate::support::*;

fn completed(id: &str, finished: &str) -> String {
    format!(
        "{}{SAM_APPROVAL}implementation:\n  started_at: 2026-11-18T02:05:00Z\n  finished_at: {finished}\n  outcome: successful\n  validation: {{smoke_tests: passed, error_rates: normal}}\n  issues: [slow cache warm-up]\n",
        normal_record(id, "completed")
    )
}

fn store() -> Repo {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-20T12:00:00Z".into());
    repo.write(
        "changes/2026/CHG-2026-0001.yaml",
        &completed("CHG-2026-0001", "2026-11-18T02:41:00Z"),
    );
    let next_week = normal_record("CHG-2026-0002", "submitted").replace("2026-11-18T0", "2026-11-24T0");
    repo.write("changes/2026/CHG-2026-0002.yaml", &next_week);
    repo.commit_all_at(JANE, "@1763467200 +0000", "records");
    repo
}

#[test]
fn weekly_report_lists_implemented_scheduled_attention_and_counts() {
    let repo = store();
    let md = repo
        .chg(&["report", "weekly", "--week", "2026-W47", "--format", "markdown"])
        .ok()
        .stdout;
    assert!(md.starts_with("# Weekly CAB report — 2026-W47\n"), "{md}");
    let section = |name: &str| {
        md.split(&format!("## {name}"))
            .nth(1)
            .unwrap_or("")
            .split("\n## ")
            .next()
            .unwrap_or("")
            .to_string()
    };
    assert!(
        section("Changes implemented this week").contains("| CHG-2026-0001 |"),
        "{md}"
    );
    assert!(section("Changes implemented this week").contains("CHG-2026-0001: slow cache warm-up"));
    let scheduled = section("Changes scheduled next week");
    assert!(
        scheduled.contains("CHG-2026-0002") && scheduled.contains("lacks 1 more change-manager"),
        "{scheduled}"
    );
    let attention = section("Changes requiring attention");
    assert!(
        attention.contains("CHG-2026-0002") && attention.contains("sam@example.com"),
        "{attention}"
    );
    assert!(section("Emergency changes").contains("No emergency change this week."));
    let json: serde_json::Value = serde_json::from_str(
        &repo
            .chg(&["report", "weekly", "--week", "2026-W47", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    assert_eq!(json["counts"]["implemented"], 1);
    assert_eq!(json["counts"]["successful"], 1);
    assert_eq!(json["counts"]["scheduled_next_week"], 1);
    let empty = repo
        .chg(&["report", "weekly", "--week", "2026-W40", "--format", "markdown"])
        .ok()
        .stdout;
    assert!(empty.contains("No change was implemented this week."));
}

#[test]
fn html_report_is_one_self_contained_page() {
    let repo = store();
    repo.chg(&[
        "report", "weekly", "--week", "2026-W47", "--format", "html", "--output", "cab.html",
    ])
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

#[test]
fn html_report_renders_in_a_headless_browser() {
    let Some(chromium) = ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    }) else {
        eprintln!("skipped: no chromium installed (apt-get install chromium)");
        return;
    };
    let repo = store();
    repo.chg(&[
        "report",
        "monthly",
        "--month",
        "2026-11",
        "--format",
        "html",
        "--output",
        "monthly.html",
    ])
    .ok();
    let profile = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", repo.join("monthly.pdf").display()))
        .arg(format!("file://{}", repo.join("monthly.html").display()))
        .output()
        .unwrap();
    let pdf = std::fs::read(repo.join("monthly.pdf")).unwrap_or_default();
    assert!(
        pdf.starts_with(b"%PDF") && pdf.len() > 5_000,
        "chromium printed a PDF: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-first-run",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", repo.join("monthly.html").display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(dom.contains("Monthly change management report — 2026-11"), "{dom}");
    assert!(dom.contains("<svg"), "charts rendered inline");
}

#[test]
fn monthly_report_metrics_equal_chg_metrics() {
    let repo = store();
    let report: serde_json::Value = serde_json::from_str(
        &repo
            .chg(&["report", "monthly", "--month", "2026-11", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
    let metrics: serde_json::Value = serde_json::from_str(
        &repo
            .chg(&["metrics", "--month", "2026-11", "--format", "json"])
            .ok()
            .stdout,
    )
    .unwrap();
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
    let recommendations = report["recommendations"].as_array().unwrap();
    assert!(
        recommendations
            .iter()
            .any(|r| r.as_str().unwrap().contains("`issue_rate`")),
        "{recommendations:?}"
    );
    let md = repo
        .chg(&["report", "monthly", "--month", "2026-11", "--format", "markdown"])
        .ok()
        .stdout;
    assert!(md.contains("| issue rate | 10.0 % | 100.0 % | 1 | missed |"), "{md}");
}
