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

/// A spell of watching that runs over midnight says on which days it began
/// and ended: "03:00–03:30" for 24.5 hours reads as half an hour.
#[test]
fn a_monitoring_spell_that_spans_days_shows_its_dates() {
    let t = Test::new()
        .record(
            Record::major(ID)
                .approval(Approval::new("cto", DAVE))
                .status("completed")
                .window("2026-11-24T02:00:00Z", "2026-11-24T04:00:00Z")
                .implementation(Implementation::new(
                    "2026-11-24T02:05:00Z",
                    "2026-11-24T03:00:00Z",
                    "successful",
                )),
        )
        .commit_as(JANE, "completed");
    t.chg_line(&format!(
        "monitor {ID} --from '2026-11-24 03:00' --to '2026-11-25 03:30' --observed 'quiet day'"
    ))
    .ok()
    .stdout_is(&format!(
        "{ID}: monitoring by Jane Doe <jane@example.com> recorded, 2026-11-24 03:00–2026-11-25 03:30 (24.5 h)\n"
    ));
    // Within a day the times alone say it.
    t.chg_line(&format!(
        "monitor {ID} --from '2026-11-25 04:00' --to '2026-11-25 04:30' --observed calm"
    ))
    .ok()
    .stdout_is(&format!(
        "{ID}: monitoring by Jane Doe <jane@example.com> recorded, 04:00–04:30 (30 min)\n"
    ));
}
