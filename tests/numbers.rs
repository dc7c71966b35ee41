//! The guide's numbers, exactly (issue 16): every metric on its boundary and
//! one step either side, in stores whose records and commit times the tests
//! choose. Each expected figure is worked out by hand in the comments.

use crate::support::*;
use chg::render::PushFmt as _;

/// A finished change written straight into the store.
struct Done {
    id: String,
    class: &'static str,
    outcome: &'static str,
    started: String,
    minutes: i64,
    issues: bool,
    /// A simple rollback of this many minutes, starting after the finish.
    rollback_minutes: Option<i64>,
}

fn t(text: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

fn iso(time: chrono::DateTime<chrono::Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Done {
    fn text(&self) -> String {
        let start = t(&self.started);
        let finish = start + chrono::Duration::minutes(self.minutes);
        let status = match self.outcome {
            "successful" => "completed",
            other => other,
        };
        let mut out = format!(
            "schema_version: 1\nid: {}\ntitle: Change {}\nstatus: {status}\nclassification: {}\nrisk: {{impact: low, likelihood: low}}\npriority: low\nrequested_by: Jane Doe <jane@example.com>\ncreated_at: 2026-08-01T09:00:00Z\ndescription: A change.\nsystems: [api]\ntesting: {{unit: passed, integration: passed, qa_review: passed}}\ndeployment: {{strategy: canary}}\nrollback: {{plan: Redeploy the previous version., kind: simple}}\n",
            self.id, self.id, self.class
        );
        if self.class == "emergency" {
            out.push_str(
                "emergency:\n  criteria: [production-down]\n  impact_of_not_implementing: Checkout stays down.\n",
            );
        }
        out.push_fmt(format_args!(
            "implementation:\n  started_at: {}\n  finished_at: {}\n  outcome: {}\n  validation: {{smoke_tests: passed}}\n  issues: [{}]\n",
            iso(start),
            iso(finish),
            self.outcome,
            if self.issues { "slow warm-up" } else { "" }
        ));
        if let Some(m) = self.rollback_minutes {
            let rb = finish + chrono::Duration::minutes(10);
            out.push_fmt(format_args!(
                "rollbacks:\n  - trigger: error-rate\n    mode: immediate\n    kind: simple\n    started_at: {}\n    restored_at: {}\n",
                iso(rb),
                iso(rb + chrono::Duration::minutes(m))
            ));
        }
        out
    }
}

/// Writes `n` changes finishing in `month` (`2026-10`): the first an
/// emergency, the second rolled back (its rollback `rollback_minutes`
/// long), the third successful with an issue, every one `minutes` long.
fn month(repo: &Repo, month: &str, first: usize, n: usize, minutes: i64, rollback_minutes: i64) {
    for i in 0..n {
        let id = format!("CHG-2026-{:04}", first + i);
        let d = Done {
            id: id.clone(),
            class: if i == 0 { "emergency" } else { "normal" },
            outcome: if i == 1 { "rolled-back" } else { "successful" },
            started: format!("{month}-{:02}T02:00:00Z", 1 + i),
            minutes,
            issues: i == 2,
            rollback_minutes: (i == 1).then_some(rollback_minutes),
        };
        repo.write(&format!("changes/2026/{id}.yaml"), &d.text());
    }
}

#[track_caller]
fn verdict(v: &serde_json::Value, name: &str, actual: f64, met: bool) {
    let f = &v["metrics"][name];
    let got = f["actual"].as_f64().unwrap_or(f64::NAN);
    let month = &v["period"];
    assert!(
        (got - actual).abs() < 1e-6,
        "{month} {name}: actual {got}, expected {actual}: {f}"
    );
    assert_eq!(f["met"], met, "{month} {name}: {f}");
}

/// `chg metrics --month` as JSON.
fn metrics(repo: &Repo, month: &str) -> serde_json::Value {
    repo.chg_line(&format!("metrics --month {month} --format json"))
        .ok()
        .json()
}

/// `chg metrics --month --explain`.
fn explain(repo: &Repo, month: &str) -> String {
    repo.chg_line(&format!("metrics --month {month} --explain")).ok().stdout
}

/// The metrics with a target of the guide, in the order `targets` takes their figures.
const TARGETED: [&str; 6] = [
    "emergency_rate",
    "success_rate",
    "rollback_rate",
    "issue_rate",
    "average_change_time_minutes",
    "rollbacks_within_rto",
];

/// Asserts each targeted metric's figure and that all are met, or all missed.
#[track_caller]
fn targets(v: &serde_json::Value, figures: [f64; 6], met: bool) {
    for (name, actual) in TARGETED.into_iter().zip(figures) {
        verdict(v, name, actual, met);
    }
}

/// September: 19 changes, one step outside every target; October: 20,
/// exactly on every target; November: 21, one step inside.
///
/// - September (19): emergency 1/19 = 5.26 % (missed); successful 18/19 =
///   94.7 % (missed); rolled back 1/19 = 5.26 % (missed); issues (the
///   rollback and one listed issue) 2/19 = 10.5 % (missed); every change
///   121 min, average 121 min (missed); the rollback 16 min > 15 min (missed).
/// - October (20): 1/20 = 5 % (missed: "< 5 %"); 19/20 = 95 % (missed:
///   "> 95 %"); 1/20 = 5 % (missed); 2/20 = 10 % (missed: "< 10 %"); 120 min
///   (missed: "< 2 hours"); the rollback exactly 15 min (missed: "< 15 minutes").
/// - November (21): 1/21 = 4.76 % (met); 20/21 = 95.2 % (met); 1/21 (met);
///   2/21 = 9.52 % (met); 119 min (met); the rollback 14 min (met).
fn boundary_store() -> Test {
    let t = Test::new().at("2026-12-15T00:00:00Z");
    month(&t, "2026-09", 1, 19, 121, 16);
    month(&t, "2026-10", 101, 20, 120, 15);
    month(&t, "2026-11", 201, 21, 119, 14);
    t.commit_all_at(JANE, "2026-12-01T00:00:00Z", "sixty changes");
    t
}

#[test]
fn targets_are_strict_as_the_guide_prints_them() {
    let repo = boundary_store();
    let (sep, oct, nov) = (
        metrics(&repo, "2026-09"),
        metrics(&repo, "2026-10"),
        metrics(&repo, "2026-11"),
    );
    for (v, total) in [(&sep, 19.0), (&oct, 20.0), (&nov, 21.0)] {
        assert_eq!(v["metrics"]["total_changes"]["actual"], total, "{v}");
    }
    targets(
        &sep,
        [1.0 / 19.0, 18.0 / 19.0, 1.0 / 19.0, 2.0 / 19.0, 121.0, 0.0],
        false,
    );
    targets(&oct, [0.05, 0.95, 0.05, 0.10, 120.0, 0.0], false);
    targets(
        &nov,
        [1.0 / 21.0, 20.0 / 21.0, 1.0 / 21.0, 2.0 / 21.0, 119.0, 1.0],
        true,
    );
    assert_eq!(oct["metrics"]["emergency_rate"]["comparison"], "<");
    assert_eq!(oct["metrics"]["success_rate"]["comparison"], ">");

    // Printed as the guide prints them.
    october_targets(&repo, ("<", ">"), "missed");
    let report = repo
        .chg_line("report monthly --month 2026-10 --color never")
        .ok()
        .stdout;
    assert_lines(
        &report,
        &[
            "│ Emergency changes   ┆ < 5.0 %  ┆ 5.0 %  ┆ 20      ┆ missed │",
            "│ Successful changes  ┆ > 95.0 % ┆ 95.0 % ┆ 20      ┆ missed │",
        ],
    );
    // The rule and the rollback command agree: exactly 15 minutes is not under the RTO.
    let check = Verdict::check(&repo);
    let rto: Vec<String> = check
        .of("rto-exceeded")
        .iter()
        .map(|f| format!("{}: {}", f.record, f.message))
        .collect();
    assert_eq!(
        rto,
        [
            "CHG-2026-0002: the rollback took 16 min, over the 15 min RTO of a simple rollback",
            "CHG-2026-0102: the rollback took 15 min, not under the 15 min RTO of a simple rollback"
        ]
    );
}

/// Asserts October's targets table in `chg metrics`: the targets compared
/// with `below` and `above` (`<` and `>`, or `≤` and `≥`), each target `status`.
#[track_caller]
fn october_targets(repo: &Repo, (below, above): (&str, &str), status: &str) {
    let table = repo.chg_line("metrics --month 2026-10").ok().stdout;
    assert_eq!(
        block(&table, "Monthly figures and their targets"),
        format!(
            "Monthly figures and their targets
┌─────────────────────┬────────┬────────┬────────┐
│ Metric              ┆ Target ┆ Actual ┆ Status │
╞═════════════════════╪════════╪════════╪════════╡
│ Total changes       ┆ —      ┆ 20     ┆ —      │
│ Emergency changes   ┆ {below} 5 %  ┆ 5 %    ┆ {status:<6} │
│ Successful changes  ┆ {above} 95 % ┆ 95 %   ┆ {status:<6} │
│ Rollback rate       ┆ {below} 5 %  ┆ 5 %    ┆ {status:<6} │
│ Changes with issues ┆ {below} 10 % ┆ 10 %   ┆ {status:<6} │
│ Average change time ┆ {below} 2 h  ┆ 2 h    ┆ {status:<6} │
└─────────────────────┴────────┴────────┴────────┘
"
        )
    );
}

#[test]
fn the_policy_can_make_a_target_inclusive() {
    let repo = boundary_store()
        .with_policy(|p| {
            p.set(
                "targets.inclusive",
                "[emergency_rate, success_rate, rollback_rate, issue_rate, average_change_time, rto]",
            )
        })
        .commit_as(SAM, "targets met on the boundary");
    let oct = metrics(&repo, "2026-10");
    targets(&oct, [0.05, 0.95, 0.05, 0.10, 120.0, 1.0], true);
    assert_eq!(oct["metrics"]["emergency_rate"]["comparison"], "<=");
    // One step outside stays missed.
    let sep = metrics(&repo, "2026-09");
    verdict(&sep, "emergency_rate", 1.0 / 19.0, false);
    verdict(&sep, "average_change_time_minutes", 121.0, false);
    october_targets(&repo, ("≤", "≥"), "met");
}

/// An emergency change as its engineer and approvers write it over time.
struct Emergency {
    id: &'static str,
    started: &'static str,
    finished: &'static str,
    documented: &'static str,
    /// Written approvals: role, approver, time, and who commits it.
    written: Vec<(&'static str, Who, &'static str, Who)>,
}

fn approval_entry(role: &str, who: Who, method: &str, at: &str) -> String {
    format!(
        "  - role: {role}\n    approver: {} <{}>\n    decision: approved\n    method: {method}\n    at: {at}\n",
        who.name, who.email
    )
}

impl Emergency {
    fn new(id: &'static str, started: &'static str, finished: &'static str, documented: &'static str) -> Emergency {
        Emergency {
            id,
            started,
            finished,
            documented,
            written: Vec::new(),
        }
    }

    /// With a written approval: role, approver, time, and who commits it.
    fn written(mut self, role: &'static str, who: Who, at: &'static str, by: Who) -> Emergency {
        self.written.push((role, who, at, by));
        self
    }

    /// The record as it stands once everything up to `now` is written.
    fn text_at(&self, now: &str) -> String {
        let start = t(self.started);
        let verbal_at = iso(start - chrono::Duration::minutes(10));
        let documented = self.documented <= now;
        let status = if documented { "completed" } else { "in-progress" };
        let mut out = format!(
            "schema_version: 1\nid: {}\ntitle: Restore checkout\nstatus: {status}\nclassification: emergency\nrisk: {{impact: high, likelihood: high}}\npriority: high\nrequested_by: Jane Doe <jane@example.com>\ncreated_at: {}\ndescription: Restart the checkout database.\njustification: {{business_reason: Checkout is down., expected_benefit: Checkout back.}}\nsystems: [checkout-db]\ntesting: {{unit: not-run}}\ndeployment: {{strategy: manual}}\nrollback: {{plan: Fail back to the replica., kind: simple}}\napprovals:\n",
            self.id, self.started
        );
        out.push_str(&approval_entry("ciso", CAROL, "verbal", &verbal_at));
        out.push_str(&approval_entry("cto", DAVE, "verbal", &verbal_at));
        for (role, who, at, _) in self.written.iter().filter(|w| w.2 <= now) {
            out.push_str(&approval_entry(role, *who, "written", at));
        }
        if documented {
            out.push_fmt(format_args!(
                "implementation:\n  started_at: {}\n  finished_at: {}\n  outcome: successful\n  validation: {{smoke_tests: passed}}\n",
                self.started, self.finished
            ));
        } else {
            out.push_fmt(format_args!("implementation:\n  started_at: {}\n", self.started));
        }
        out.push_str("emergency:\n  criteria: [production-down]\n  impact_of_not_implementing: Checkout stays down.\n");
        if documented {
            out.push_fmt(format_args!("  documented_at: {}\n", self.documented));
        }
        out
    }

    /// The commits that write it: the quick form an hour after the start,
    /// the full documentation, and each written approval, by their authors.
    fn events(&self) -> Vec<(String, Who, String)> {
        let quick = iso(t(self.started) + chrono::Duration::hours(1));
        let mut out = vec![(quick.clone(), JANE, self.text_at(&quick))];
        out.push((self.documented.to_string(), JANE, self.text_at(self.documented)));
        for (_, _, at, by) in &self.written {
            out.push((at.to_string(), *by, self.text_at(at)));
        }
        out
    }
}

/// Emergencies over two months, judged from the end of the implementation
/// (F), as `chg check` judges them.
///
/// October:
/// - 0001: F = 10-05 05:00; documented at F + 23 h (met); CISO writes
///   10-06 03:00, CTO at F + 24 h exactly (met: "within 24 hours").
/// - 0002: F = 10-12 02:00; documented F + 24 h 1 min (missed); only the
///   CISO confirms in writing (missed: the CTO's is owed).
/// - 0003: F = 10-20 02:00; documented F + 23 h 58 min (met); the CEO alone
///   confirms at F + 23 h 59 min (met: the CEO is the backup).
///   Documented 2/3, written approval 2/3.
/// - November:
/// - 0004: started 11-03 01:00, F = 11-03 04:00; quick form committed
///   11-03 02:00 but documented six days late (missed); CISO and CTO write
///   at 11-04 03:30 and 03:31, 26.5 h after the start but 23.5 h after F (met).
/// - 0005: F = 11-10 02:00; documented F + 24 h exactly (met); CTO at
///   F + 23 h 30, CISO at F + 24 h 1 min (missed: complete only then).
///   Documented 1/2, written approval 1/2.
///
/// Every change's verbal approvals are recorded by Jane, the engineer, as
/// the guide prescribes: they are no one's "approval committed by someone
/// else". 0005's CTO approval in writing is committed by Jane: that one is
/// (1 of 2 changes in November, 0 of 3 in October).
fn emergency_store() -> Test {
    let repo = Test::new().at("2026-12-15T00:00:00Z");
    // Each: id, started, finished (F), documented; then its written
    // approvals: role, approver, when, committed by.
    #[rustfmt::skip]
    let all = [
        Emergency::new("CHG-2026-0001", "2026-10-05T01:00:00Z", "2026-10-05T05:00:00Z", "2026-10-06T04:00:00Z")
            .written("ciso", CAROL, "2026-10-06T03:00:00Z", CAROL)
            .written("cto", DAVE, "2026-10-06T05:00:00Z", DAVE),
        Emergency::new("CHG-2026-0002", "2026-10-12T01:00:00Z", "2026-10-12T02:00:00Z", "2026-10-13T02:01:00Z")
            .written("ciso", CAROL, "2026-10-12T10:00:00Z", CAROL),
        Emergency::new("CHG-2026-0003", "2026-10-20T01:00:00Z", "2026-10-20T02:00:00Z", "2026-10-21T01:58:00Z")
            .written("ceo", ERIN, "2026-10-21T01:59:00Z", ERIN),
        Emergency::new("CHG-2026-0004", "2026-11-03T01:00:00Z", "2026-11-03T04:00:00Z", "2026-11-09T04:00:00Z")
            .written("ciso", CAROL, "2026-11-04T03:30:00Z", CAROL)
            .written("cto", DAVE, "2026-11-04T03:31:00Z", DAVE),
        Emergency::new("CHG-2026-0005", "2026-11-10T01:00:00Z", "2026-11-10T02:00:00Z", "2026-11-11T02:00:00Z")
            .written("cto", DAVE, "2026-11-11T01:30:00Z", JANE)
            .written("ciso", CAROL, "2026-11-11T02:01:00Z", CAROL),
    ];
    let mut events: Vec<(String, Who, &'static str, String)> = Vec::new();
    for e in &all {
        for (at, who, text) in e.events() {
            events.push((at, who, e.id, text));
        }
    }
    events.sort_by(|a, b| a.0.cmp(&b.0));
    for (at, who, id, text) in events {
        repo.write(&format!("changes/2026/{id}.yaml"), &text);
        repo.commit_all_at(who, &at, &format!("{id} at {at}"));
    }
    repo
}

/// An emergency deadline as the metric and `chg check` see it: the metric,
/// the rule, the two records the rule names (the two the metric misses),
/// and a month whose `--explain` says why one missed.
type Deadline = (
    &'static str,
    &'static str,
    [&'static str; 2],
    (&'static str, &'static str),
);

#[rustfmt::skip]
const DOCUMENTED: Deadline = ("emergency_documented_in_time", "emergency-documentation-overdue", ["CHG-2026-0002", "CHG-2026-0004"],
    ("2026-11", "CHG-2026-0004: missed, documented 2026-11-09 04:00, due 2026-11-04 04:00"));
#[rustfmt::skip]
const WRITTEN_APPROVAL: Deadline = ("emergency_written_approval_in_time", "emergency-approval-overdue", ["CHG-2026-0002", "CHG-2026-0005"],
    ("2026-10", "CHG-2026-0002: missed, no written approval of the CISO and CTO (or the CEO), due 2026-10-13 02:00"));

/// Asserts a deadline's figures in the emergency store (October 2/3,
/// November 1/2, both missed), that `chg check` names the same records, and
/// the explanation.
#[track_caller]
fn emergency_deadline((metric, rule, late, (month, says)): Deadline) {
    let repo = emergency_store();
    verdict(&metrics(&repo, "2026-10"), metric, 2.0 / 3.0, false);
    verdict(&metrics(&repo, "2026-11"), metric, 0.5, false);
    let check = Verdict::check(&repo);
    let files: Vec<&str> = check.of(rule).iter().map(|f| f.file.as_str()).collect();
    let late = late.map(|id| format!("changes/2026/{id}.yaml"));
    assert_eq!(files, late, "{:?}", check.findings);
    assert_lines(&explain(&repo, month), &[&format!("  {says}")]);
}

#[test]
fn emergency_documented_in_time_is_the_check_rules_definition() {
    // `chg check` names the same two changes.
    emergency_deadline(DOCUMENTED);
}

#[test]
fn emergency_written_approval_needs_ciso_and_cto_or_the_ceo_from_the_finish() {
    emergency_deadline(WRITTEN_APPROVAL);
}

#[test]
fn verbal_approvals_recorded_by_the_engineer_are_not_approvals_by_others() {
    let repo = emergency_store();
    verdict(&metrics(&repo, "2026-10"), "approvals_by_others", 0.0, true);
    verdict(&metrics(&repo, "2026-11"), "approvals_by_others", 0.5, false);
    let explain = explain(&repo, "2026-11");
    // One approval committed by someone else: Dave's, by Jane (Carol's verbal one is not).
    let others = block(&explain, "Approvals committed by someone else (approvals_by_others):");
    assert!(
        others.starts_with("Approvals committed by someone else (approvals_by_others):\n  CHG-2026-0005: approval of dave@example.com committed by jane@example.com (")
            && others.lines().count() == 2,
        "{others}"
    );
}

/// Completed at 12:35 after 35 minutes, rolled back three hours later.
#[test]
fn a_rollback_keeps_the_implementations_own_finish() {
    use crate::lifecycle::{in_progress, FILE};
    let mut repo = in_progress();
    repo.now = Some("2026-11-25T12:35:00Z".into());
    repo.chg_line("complete CHG-2026-0001 --smoke-tests passed").ok();
    repo.now = Some("2026-11-25T15:50:00Z".into());
    repo.chg_line("rollback CHG-2026-0001 --trigger critical-bug --reason 'orders lost' --started-at 15:40")
        .ok();
    assert_says(
        "the record",
        &repo.read(FILE),
        &[
            "  finished_at: \"2026-11-25T12:35:00Z\"\n",
            "  outcome: rolled-back\n",
            "  started_at: \"2026-11-25T15:40:00Z\"\n",
            "  restored_at: \"2026-11-25T15:50:00Z\"\n",
        ],
    );
    repo.now = Some("2026-12-15T00:00:00Z".into());
    let nov = metrics(&repo, "2026-11");
    verdict(&nov, "average_change_time_minutes", 35.0, true);
    verdict(&nov, "rollback_rate", 1.0, false);
}

/// Rolled back while in progress: the implementation ended when the rollback started.
#[test]
fn a_change_rolled_back_in_progress_ends_when_the_rollback_starts() {
    use crate::lifecycle::{in_progress, FILE};
    // Started in its 11:00–14:00 window; now 12:45.
    let mut repo = in_progress();
    repo.chg_line("rollback CHG-2026-0001 --trigger error-rate --reason 5xx --started-at 12:10")
        .ok();
    let text = repo.read(FILE);
    assert_lines(&text, &["  finished_at: \"2026-11-25T12:10:00Z\""]);
    repo.now = Some("2026-12-15T00:00:00Z".into());
    verdict(&metrics(&repo, "2026-11"), "average_change_time_minutes", 10.0, true);
}

/// November: 0001 rolled back twice (both error-rate), 0002 once: 2 changes, 3 entries.
#[test]
fn rollback_analysis_counts_changes_and_entries_separately() {
    let repo = Test::new().at("2026-12-15T00:00:00Z");
    for (i, twice) in [(1, true), (2, false)] {
        let d = Done {
            id: format!("CHG-2026-{i:04}"),
            class: "normal",
            outcome: "rolled-back",
            started: format!("2026-11-0{i}T02:00:00Z"),
            minutes: 30,
            issues: false,
            rollback_minutes: Some(10),
        };
        let mut text = d.text();
        if twice {
            text.push_str("  - trigger: error-rate\n    mode: immediate\n    kind: simple\n    started_at: 2026-11-01T03:00:00Z\n    restored_at: 2026-11-01T03:05:00Z\n");
        }
        repo.write(&format!("changes/2026/{}.yaml", d.id), &text);
    }
    repo.commit_all_at(JANE, "2026-11-20T00:00:00Z", "two rolled-back changes");
    let md = repo
        .chg_line("report monthly --month 2026-11 --format markdown")
        .ok()
        .stdout;
    assert_lines(
        section(&md, "Rollback analysis"),
        &[
            "2 changes rolled back, with 3 rollback entries (a change may be rolled back more than once).",
            "| Trigger | Changes | Rollback entries |",
            "| error-rate | 2 | 3 |",
        ],
    );
    let v = repo
        .chg_line("report monthly --month 2026-11 --format json")
        .ok()
        .json();
    assert_eq!(v["changes_rolled_back"], 2);
    assert_eq!(v["rollback_entries"], 3);
}

/// The CAB meets on Tuesdays at 10:00 Berlin time (09:00 UTC in winter).
/// It is Tuesday 1 December 08:30 UTC, before today's meeting:
/// - 0001 completed Mon 23 Nov, before the previous meeting (24 Nov 09:00): not listed;
/// - 0002 completed Wed 25 Nov: implemented since the previous meeting;
/// - 0003 in progress since today 02:00: listed, its finish shown as its state;
/// - 0004 scheduled Thu 3 Dec (this ISO week): scheduled;
/// - 0005 scheduled Mon 7 Dec: scheduled (before the meeting after next, 8 Dec 09:00 UTC);
/// - 0006 scheduled Wed 9 Dec: after it, not listed.
fn cab_store() -> Test {
    // A normal change approved by Sam with this status and window.
    let approved = |id: &str, status: &str, start: &str, end: &str| {
        Record::normal(id).window(start, end).approved_by_sam().status(status)
    };
    let mut t = Test::new()
        .at("2026-12-01T08:00:00Z")
        .with_policy(|p| p.set("cab_meeting.time_zone", "Europe/Berlin"));
    // Completed in their window, from 02:00 to 03:00 of the day.
    for (id, day) in [("CHG-2026-0001", "2026-11-23"), ("CHG-2026-0002", "2026-11-25")] {
        let (start, finish) = (format!("{day}T02:00:00Z"), format!("{day}T03:00:00Z"));
        let done = Implementation::new(&start, &finish, "successful").validation("{smoke_tests: passed}");
        t = t.record(approved(id, "completed", &start, &finish).implementation(done));
    }
    let started = Implementation::started("2026-12-01T02:00:00Z");
    t = t.record(
        approved(
            "CHG-2026-0003",
            "in-progress",
            "2026-12-01T02:00:00Z",
            "2026-12-01T06:00:00Z",
        )
        .implementation(started),
    );
    for (id, day) in [
        ("CHG-2026-0004", "03"),
        ("CHG-2026-0005", "07"),
        ("CHG-2026-0006", "09"),
    ] {
        let (start, end) = (format!("2026-12-{day}T02:00:00Z"), format!("2026-12-{day}T04:00:00Z"));
        t = t.record(approved(id, "scheduled", &start, &end));
    }
    t.commit_as(SAM, "the CAB's week").at("2026-12-01T08:30:00Z")
}

#[test]
fn the_weekly_report_follows_the_cab_meeting_in_its_time_zone() {
    let repo = cab_store();
    let md = repo.chg_line("report weekly --format markdown").ok().stdout;
    assert!(
        md.starts_with("# Weekly CAB report — CAB meeting of Tue 01 Dec 2026 10:00 Europe/Berlin (09:00 UTC)\n\n_implemented Tue 24 Nov 09:00 – Tue 01 Dec 2026 08:30 UTC; scheduled until Tue 08 Dec 2026 09:00 UTC · generated 2026-12-01 08:30 UTC_\n"),
        "{md}"
    );
    let implemented = section(&md, "Changes implemented this week");
    assert_eq!(ids(implemented), ["CHG-2026-0002", "CHG-2026-0003"], "{implemented}");
    let scheduled = section(&md, "Changes scheduled next week");
    assert_eq!(ids(scheduled), ["CHG-2026-0004", "CHG-2026-0005"], "{scheduled}");
    // --week keeps ISO weeks: W49 is Mon 30 Nov – Sun 6 Dec, the next W50.
    let iso = repo
        .chg_line("report weekly --week 2026-W49 --format markdown")
        .ok()
        .stdout;
    assert!(iso.starts_with("# Weekly CAB report — 2026-W49\n"), "{iso}");
    assert_eq!(
        ids(section(&iso, "Changes implemented this week")),
        ["CHG-2026-0003"],
        "{iso}"
    );
    assert_eq!(
        ids(section(&iso, "Changes scheduled next week")),
        ["CHG-2026-0005", "CHG-2026-0006"],
        "{iso}"
    );
}

/// The ids of the rows of a Markdown table, in order.
fn ids(md: &str) -> Vec<&str> {
    md.lines()
        .filter(|l| l.starts_with("| CHG-"))
        .filter_map(|l| l[2..].split(' ').next())
        .collect()
}

/// The cells of a change's row in a Markdown table (the first cell empty,
/// before the first `|`).
#[track_caller]
fn row(md: &str, id: &str) -> Vec<String> {
    let line = md
        .lines()
        .find(|l| l.starts_with(&format!("| {id} |")))
        .unwrap_or_else(|| panic!("no row of {id} in\n{md}"));
    line.split('|').map(|c| c.trim().to_string()).collect()
}

#[test]
fn the_finished_column_shows_the_state_of_a_change_in_progress() {
    let repo = cab_store();
    let md = repo.chg_line("report weekly --format markdown").ok().stdout;
    let cells = row(&md, "CHG-2026-0003");
    // | ID | Title | Class | Outcome | Finished | Duration | Systems |
    assert_eq!(cells[5], "in-progress", "{cells:?}");
    assert!(!cells.iter().any(|c| c.contains("Tue 01 Dec 02:00")), "{cells:?}");
}

/// The weekly report's "Written approval" column uses the same definition:
/// 0002 (only the CISO confirmed) is not "done"; 0001 (CISO and CTO) is.
#[test]
fn the_weekly_report_says_written_approval_done_only_when_ciso_and_cto_confirmed() {
    let repo = emergency_store();
    // Week 41 (5–11 Oct) holds 0001, week 42 (12–18 Oct) holds 0002.
    let emergency = |week: &str, id: &str| {
        let md = repo
            .chg(&["report", "weekly", "--week", week, "--format", "markdown"])
            .ok()
            .stdout;
        row(section(&md, "Emergency changes"), id)
    };
    // | ID | Title | Criteria | Verbal approvals | Written approval | Post-emergency review | CAB |
    assert_eq!(emergency("2026-W41", "CHG-2026-0001")[5], "done");
    // Past its deadline: said as overdue, not as a date still to come (guide15b).
    assert_eq!(
        emergency("2026-W42", "CHG-2026-0002")[5],
        "OVERDUE since Tue 13 Oct 02:00"
    );
}
