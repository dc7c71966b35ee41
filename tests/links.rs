//! Commits linked to changes by a git trailer: `chg log ID` lists them, and
//! `chg untracked` lists the production commits without an approved,
//! in-window change. The application repositories are real git repositories
//! made with git, at the times a team would have made the commits.

use crate::support::*;

const ONE: &str = "changes/2026/CHG-2026-0001.yaml";
const TWO: &str = "changes/2026/CHG-2026-0002.yaml";

/// The store: CHG-2026-0001 approved by Sam on 2026-11-17 and scheduled for
/// 2026-11-18 02:00–04:00; CHG-2026-0002 submitted and never approved; the
/// policy marks `src/**` and `deploy/*.yaml` as production.
fn store() -> Repo {
    let repo = Repo::initialised();
    repo.edit_policy(|p| p.production_paths(&["src/**", "deploy/*.yaml"]));
    repo.commit_all_at(SAM, "2026-11-16T08:00:00Z", "production paths");
    repo.write(ONE, &normal_record("CHG-2026-0001", "submitted"));
    repo.write(TWO, &normal_record("CHG-2026-0002", "submitted"));
    repo.commit_all_at(JANE, "2026-11-16T10:00:00Z", "submit two changes");
    repo.write(
        ONE,
        &format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "approved")),
    );
    repo.commit_all_at(SAM, "2026-11-17T10:05:00Z", "chg: approve CHG-2026-0001");
    repo.write(
        ONE,
        &format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "scheduled")),
    );
    repo.commit_all_at(JANE, "2026-11-17T11:00:00Z", "chg: schedule CHG-2026-0001");
    repo
}

/// Commits one file in an application repository at a time, with a message.
fn code(app: &Repo, file: &str, when: &str, message: &str) -> String {
    let text = format!("{message}\n{when}\n");
    app.write(file, &text);
    app.commit_all_at(JANE, when, message);
    app.git(&["rev-parse", "HEAD"]).trim().to_string()
}

/// The application: one commit of each kind on its main branch, each
/// written `file|time|message`.
fn application() -> (Repo, [String; 5]) {
    let app = Repo::new();
    let [_, linked, unlinked, unapproved, docs, late] = [
        "src/old.rs|2026-11-01T10:00:00Z|Before the period\n\nChange: CHG-2026-0001",
        "src/pricing.rs|2026-11-18T02:30:00Z|Route 5 % to pricing\n\nChange: CHG-2026-0001",
        "src/cart.rs|2026-11-18T02:40:00Z|Quick fix in the cart",
        "deploy/api.yaml|2026-11-18T02:50:00Z|Scale the API\n\nChange: CHG-2026-0002",
        "docs/readme.md|2026-11-18T03:00:00Z|Typo in the readme",
        "src/pricing.rs|2026-11-19T10:00:00Z|Route 25 % to pricing\n\nChange: CHG-2026-0001",
    ]
    .map(|row| {
        let [file, when, message]: [&str; 3] = row.splitn(3, '|').collect::<Vec<_>>().try_into().unwrap();
        code(&app, file, when, message)
    });
    (app, [linked, unlinked, unapproved, docs, late])
}

fn untracked(store: &Repo, args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let mut all = vec!["untracked", "--format", "json"];
    all.extend(args);
    let run = store.chg(&all);
    let commits: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    (run.status, commits)
}

fn by_commit<'a>(rows: &'a [serde_json::Value], id: &str) -> Option<&'a serde_json::Value> {
    rows.iter().find(|r| r["commit"] == id)
}

#[test]
fn untracked_reports_unlinked_unapproved_and_out_of_window_commits() {
    let store = store();
    let (app, [linked, unlinked, unapproved, docs, late]) = application();
    let path = app.path().to_str().unwrap();
    let (status, rows) = untracked(&store, &["--since", "2026-11-10", "--repo", path]);
    assert_eq!(status, 1);
    assert_eq!(rows.len(), 3, "{rows:#?}");
    assert!(
        by_commit(&rows, &linked).is_none(),
        "an approved, in-window commit is tracked"
    );
    assert!(by_commit(&rows, &docs).is_none(), "docs/ is not a production path");
    let row = by_commit(&rows, &unlinked).unwrap();
    assert_eq!(row["reason"], "no-change");
    assert_eq!(row["summary"], "Quick fix in the cart");
    let row = by_commit(&rows, &unapproved).unwrap();
    assert_eq!(row["reason"], "not-approved");
    assert_eq!(row["changes"], serde_json::json!(["CHG-2026-0002"]));
    let row = by_commit(&rows, &late).unwrap();
    assert_eq!(row["reason"], "outside-window");
    assert!(
        row["message"].as_str().unwrap().contains("2026-11-18 02:00–04:00 UTC"),
        "{row}"
    );
    // `--paths` replaces the policy's production paths.
    let (status, rows) = untracked(&store, &["--since", "2026-11-10", "--repo", path, "--paths", "docs/**"]);
    assert_eq!((status, rows.len()), (1, 1));
    assert_eq!(rows[0]["commit"], docs.as_str());
    // Nothing before `--since`, and exit 0 when all is tracked.
    let (status, rows) = untracked(&store, &["--since", "2026-11-20", "--repo", path]);
    assert_eq!((status, rows.len()), (0, 0));
}

#[test]
fn untracked_reads_every_repo_named() {
    let store = store();
    let (app, [_, unlinked, ..]) = application();
    let other = Repo::new();
    let hotfix = code(&other, "src/main.go", "2026-11-18T02:45:00Z", "Hotfix without a change");
    let (status, rows) = untracked(
        &store,
        &[
            "--since",
            "2026-11-10",
            "--repo",
            app.path().to_str().unwrap(),
            "--repo",
            other.path().to_str().unwrap(),
        ],
    );
    assert_eq!(status, 1);
    assert_eq!(rows.len(), 4, "{rows:#?}");
    let row = by_commit(&rows, &hotfix).unwrap();
    assert_eq!(row["repo"], other.path().to_str().unwrap());
    assert_eq!(row["reason"], "no-change");
    assert!(by_commit(&rows, &unlinked).is_some());
}

#[test]
fn untracked_prints_csv_and_markdown_and_text() {
    let store = store();
    let (app, [_, unlinked, ..]) = application();
    let path = app.path().to_str().unwrap();
    let csv = store
        .chg(&["untracked", "--since", "2026-11-10", "--repo", path, "--format", "csv"])
        .status(1);
    let mut lines = csv.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("repo,commit,time,author,summary,changes,reason,message")
    );
    assert_eq!(csv.stdout.lines().count(), 4, "{csv:?}");
    let md = store
        .chg(&[
            "untracked",
            "--since",
            "2026-11-10",
            "--repo",
            path,
            "--format",
            "markdown",
        ])
        .status(1);
    assert!(md.stdout.contains(&format!("| {} |", &unlinked[..12])), "{md:?}");
    let text = store
        .chg(&["untracked", "--since", "2026-11-10", "--repo", path])
        .status(1);
    assert!(text.stdout.contains("Quick fix in the cart"), "{text:?}");
    assert!(text.stdout.contains("names no change"), "{text:?}");
}

#[test]
fn untracked_without_production_paths_is_a_usage_error() {
    let store = Repo::initialised();
    let run = store.chg(&["untracked", "--since", "2026-11-10"]).status(2);
    assert!(run.stderr.contains("production_paths"), "{run:?}");
}

#[test]
fn log_lists_the_linked_commits_beside_the_record_history() {
    let store = store();
    let (app, [linked, .., late]) = application();
    // A commit in the store repository itself names the change too.
    store.write("runbook.md", "steps\n");
    store.git(&["add", "-A"]);
    store.git(&["commit", "-q", "-m", "Runbook for the canary\n\nChange: CHG-2026-0001"]);
    let own = store.git(&["rev-parse", "HEAD"]).trim().to_string();
    let run = store
        .chg(&[
            "log",
            "CHG-2026-0001",
            "--repo",
            app.path().to_str().unwrap(),
            "--format",
            "json",
        ])
        .ok();
    let log = run.json();
    let ids = texts(&log["linked_commits"], "commit");
    // Oldest first; the commit before the period names it too.
    assert_eq!(ids.len(), 4, "{ids:?}");
    assert!(ids.contains(&linked.as_str()) && ids.contains(&late.as_str()) && ids.contains(&own.as_str()));
    assert!(
        !log["commits"].as_array().unwrap().is_empty(),
        "the record's own history stays"
    );
    let text = store
        .chg(&["log", "CHG-2026-0001", "--repo", app.path().to_str().unwrap()])
        .ok();
    assert!(text.stdout.contains("linked commits"), "{text:?}");
    assert!(text.stdout.contains("Route 25 % to pricing"), "{text:?}");
}

#[test]
fn the_trailer_name_comes_from_the_policy() {
    let store = store();
    store.edit(
        "changes/policy.yaml",
        &[("change_trailer: Change", "change_trailer: Implements")],
    );
    store.commit_all_at(SAM, "2026-11-16T09:00:00Z", "our trailer is Implements");
    let app = Repo::new();
    let implements = code(
        &app,
        "src/a.rs",
        "2026-11-18T02:30:00Z",
        "Canary\n\nImplements: CHG-2026-0001",
    );
    let change = code(
        &app,
        "src/b.rs",
        "2026-11-18T02:35:00Z",
        "Canary\n\nChange: CHG-2026-0001",
    );
    let (_, rows) = untracked(
        &store,
        &["--since", "2026-11-10", "--repo", app.path().to_str().unwrap()],
    );
    assert!(by_commit(&rows, &implements).is_none(), "{rows:#?}");
    assert_eq!(by_commit(&rows, &change).unwrap()["reason"], "no-change");
}
