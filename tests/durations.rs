//! Issue 14 (time): one RTO judgement and one way to write a duration, the
//! same in `chg check`, `chg metrics`, the reports and `chg monitor`.

use crate::support::*;

const ID: &str = "CHG-2026-0001";

/// A standard change (it needs no rollback plan, so no kind) rolled back on
/// 2026-11-18 by an entry that names no kind either, in 40 minutes.
fn rolled_back_without_a_kind() -> Test {
    let entry = Fields::rollback_entry("simple", "2026-11-18T02:30:00Z", "2026-11-18T03:10:00Z").without("kind");
    Test::new()
        .record(Record::standard(ID).without("rollback").approved_by_sam().rolled_back(
            "2026-11-18T02:00:00Z",
            "2026-11-18T02:30:00Z",
            entry,
        ))
        .commit_as(JANE, "rolled back")
}

#[test]
fn the_rto_of_a_rollback_of_no_declared_kind_is_judged_alike_by_check_metrics_and_the_quarterly_report() {
    let t = rolled_back_without_a_kind();
    // The metrics judge it against the strictest RTO, simple's 15 min...
    let metrics = t
        .run(&["metrics", "--month", "2026-11", "--format", "json"])
        .ok()
        .json();
    let within = &metrics["metrics"]["rollbacks_within_rto"];
    assert_eq!(
        (within["actual"].as_f64(), &within["met"]),
        (Some(0.0), &serde_json::json!(false)),
        "{within}"
    );
    // ...so does the quarterly report's ROI...
    let quarterly = t
        .run(&["report", "quarterly", "--quarter", "2026-Q4", "--format", "json"])
        .ok()
        .json();
    assert_eq!(quarterly["roi"]["rollbacks_over_rto"], 1, "{}", quarterly["roi"]);
    // ...and `chg check` warns of the same overrun, saying the kind was taken as simple.
    let overrun = t.run(&["check", "--format", "json"]).finding("rto-exceeded");
    assert_eq!(overrun.record, ID);
    assert_eq!(
        overrun.message,
        "the rollback took 40 min, over the 15 min RTO of a simple rollback (no kind declared, judged as simple)"
    );
}
