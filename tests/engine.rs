//! Issue 13, the engine half: one walk over history, and the attacks on it
//! (symlinks, merges, policy edits, signatures, fail-open, chg's own
//! commits, crashes, deleted records), each written as an attacker would
//! with `git`, beside the legitimate use that must still pass.

use crate::support::*;

const T0: i64 = 1_763_280_000; // 2025-11-16

fn at(offset_hours: i64) -> String {
    format!("@{} +0000", T0 + offset_hours * 3600)
}

fn completed(id: &str) -> String {
    format!(
        "{}{SAM_APPROVAL}implementation:\n  started_at: 2026-11-18T02:05:00Z\n  finished_at: 2026-11-18T02:41:00Z\n  outcome: successful\n  validation: {{smoke_tests: passed}}\n",
        normal_record(id, "completed")
    )
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"))
}

#[test]
fn history_commands_follow_store() {
    let repo = Repo::new();
    repo.chg(&["--store", "ops/changes", "init"]).ok();
    repo.write("ops/changes/2026/CHG-2026-0001.yaml", &completed("CHG-2026-0001"));
    repo.commit_all_at(SAM, &at(1), "CHG-2026-0001: completed");
    let metrics = repo
        .chg(&[
            "--store",
            "ops/changes",
            "metrics",
            "--from",
            "2026-11-01",
            "--to",
            "2026-12-01",
            "--format",
            "json",
        ])
        .ok();
    assert_eq!(
        json(&metrics)["metrics"]["total_changes"]["actual"],
        1.0,
        "{}",
        metrics.stdout
    );
    let log = repo
        .chg(&["--store", "ops/changes", "log", "CHG-2026-0001", "--format", "json"])
        .ok();
    let log = json(&log);
    assert_eq!(log["path"], "ops/changes/2026/CHG-2026-0001.yaml");
    assert_eq!(log["commits"].as_array().map(Vec::len), Some(1), "{log}");
    // The same through CHG_STORE.
    let metrics = repo
        .chg_env(
            JANE,
            &[("CHG_STORE", "ops/changes")],
            &[
                "metrics",
                "--from",
                "2026-11-01",
                "--to",
                "2026-12-01",
                "--format",
                "json",
            ],
        )
        .ok();
    assert_eq!(json(&metrics)["metrics"]["total_changes"]["actual"], 1.0);
}
