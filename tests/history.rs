//! The history engine, `chg log`, `chg metrics` and `--as-of`, in a store
//! whose commits are made at chosen times by fixed people. Every expected
//! number is worked out by hand in the comments of `store()`.

use crate::support::*;
use chg::render::PushFmt as _;

/// The parts of a record that change over its life.
#[derive(Clone, Default)]
struct Rec {
    id: &'static str,
    class: &'static str,
    status: &'static str,
    created: &'static str,
    description: &'static str,
    systems: &'static str,
    template: Option<&'static str>,
    approvals: Vec<String>,
    implementation: Option<String>,
    rollbacks: Option<String>,
    emergency: Option<String>,
}

impl Rec {
    fn new(id: &'static str, class: &'static str, status: &'static str, created: &'static str) -> Rec {
        Rec {
            id,
            class,
            status,
            created,
            description: "Route 5 % of checkout traffic through the new pricing service.",
            systems: "[checkout-api]",
            ..Rec::default()
        }
    }

    fn text(&self) -> String {
        let mut t = format!(
            "schema_version: 1\nid: {}\ntitle: Canary routing for checkout\nstatus: {}\nclassification: {}\n",
            self.id, self.status, self.class
        );
        if let Some(tpl) = self.template {
            t.push_fmt(format_args!("template: {tpl}\n"));
        }
        t.push_fmt(format_args!(
            "risk: {{impact: medium, likelihood: low}}\npriority: high\nrequested_by: Jane Doe <jane@example.com>\ncreated_at: {}\ndescription: {}\nsystems: {}\ntesting:\n  unit: passed\n  integration: passed\n  qa_review: passed\ndeployment:\n  strategy: canary\nrollback:\n  plan: Redeploy the previous version.\n  kind: simple\n",
            self.created, self.description, self.systems
        ));
        if !self.approvals.is_empty() {
            t.push_str("approvals:\n");
            for a in &self.approvals {
                t.push_str(a);
            }
        }
        if let Some(i) = &self.implementation {
            t.push_str(i);
        }
        if let Some(r) = &self.rollbacks {
            t.push_str(r);
        }
        if let Some(e) = &self.emergency {
            t.push_str(e);
        }
        t
    }

    fn path(&self) -> String {
        format!("changes/2026/{}.yaml", self.id)
    }
}

fn approval(role: &str, who: Who, method: &str, at: &str) -> String {
    format!(
        "  - role: {role}\n    approver: {} <{}>\n    decision: approved\n    method: {method}\n    at: {at}\n",
        who.name, who.email
    )
}

/// The time `minutes` after an RFC 3339 time, written the same way.
fn after(time: &str, minutes: i64) -> String {
    let t = chrono::DateTime::parse_from_rfc3339(time).unwrap() + chrono::Duration::minutes(minutes);
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `implementation:` from `started` for `minutes`.
fn implementation(started: &str, minutes: i64, outcome: &str, issues: &str) -> String {
    let finished = after(started, minutes);
    format!(
        "implementation:\n  started_at: {started}\n  finished_at: {finished}\n  outcome: {outcome}\n  issues: {issues}\n"
    )
}

impl Rec {
    /// Implemented from `started` for `minutes` with `outcome` and no
    /// issues; `completed` when successful, else the outcome is the status.
    fn finish(&mut self, started: &str, minutes: i64, outcome: &'static str) {
        self.status = if outcome == "successful" { "completed" } else { outcome };
        self.implementation = Some(implementation(started, minutes, outcome, "[]"));
    }

    /// Implemented from `started` for `minutes` and rolled back (`kind`,
    /// an error-rate trigger) from `from` minutes after the start until the
    /// end: the implementation ends when the service is restored.
    fn rolled_back(&mut self, started: &str, minutes: i64, (kind, from): (&str, i64)) {
        self.finish(started, minutes, "rolled-back");
        let (from, restored) = (after(started, from), after(started, minutes));
        self.rollbacks = Some(format!(
            "rollbacks:\n  - trigger: error-rate\n    mode: immediate\n    kind: {kind}\n    started_at: {from}\n    restored_at: {restored}\n"
        ));
    }
}

fn save(repo: &Repo, rec: &Rec) {
    repo.write(&rec.path(), &rec.text());
}

fn at(day_time: &str) -> String {
    format!("{day_time} +0000")
}

/// Writes the record and commits it as `who` at `when` (`YYYY-MM-DD HH:MM:SS`, UTC).
fn commit(repo: &Repo, rec: &Rec, who: Who, when: &str, message: &str) {
    save(repo, rec);
    repo.commit_all_at(who, &at(when), message);
}

/// `chg new`: the record committed by `who` at the time it says it was created.
fn create(repo: &Repo, rec: &Rec, who: Who) {
    let when = rec.created.replace('T', " ").replace('Z', "");
    commit(repo, rec, who, &when, &format!("chg: new {}", rec.id));
}

/// `chg approve`: `who` approves in writing as `role` at `when` (RFC 3339) and commits it then.
fn approve(repo: &Repo, rec: &mut Rec, role: &str, who: Who, when: &str) {
    rec.status = "approved";
    rec.approvals.push(approval(role, who, "written", when));
    let at = when.replace('T', " ").replace('Z', "");
    commit(repo, rec, who, &at, &format!("chg: approve {}", rec.id));
}

/// Builds the store. Returns the commit ids of interest.
///
/// October 2026 — five changes finish:
/// - 0001 normal: created 10-01 09:00, approved by Sam (commit 10-02 10:00),
///   started 10-05 02:00, finished 03:00 (60 min) successful; completed
///   committed 10-05 04:00 → lead 10-01 09:00 → 10-05 04:00 = 3 d 19 h = 5460 min.
/// - 0002 normal: approved 10-04 09:00, description edited 10-06 09:00 (an
///   edit after approval), started 10-07 02:00, rolled back (simple, 02:25 →
///   02:40 = 15 min, not under the RTO of 15m: missed), finished 02:40 (40 min).
/// - 0003 emergency: started 10-10 01:00, finished 02:00 (60 min); first
///   commit 10-10 12:00 (documented within 24 h: met), verbal approvals of
///   Carol and Dave committed by Carol (Dave's committed by someone else);
///   written approval committed 10-12 09:00, due 10-11 01:00 (missed);
///   completed committed 10-12 09:00 → lead 10-10 12:00 → 10-12 09:00 = 2700 min;
///   post review committed 10-13 09:00 by Dave, due 10-15 02:00 (met).
/// - 0004 normal: created 10-14 09:00 on main; on branch `feature-a` Lee
///   approves (10-15 09:00); on main Jane adds a system (10-15 10:00); Sam
///   merges (10-16 09:00); started 10-20 02:00, finished 04:30 (150 min)
///   successful with one issue; completed committed 10-20 05:00 → lead 10-14
///   09:00 → 10-20 05:00 = 5 d 20 h = 8400 min.
/// - 0005 standard: failed, 10-22 02:00 → 02:30 (30 min).
///
///   total 5; emergency 1/5 = 0.2 (missed); successful 0001, 0003, 0004 =
///   3/5 = 0.6 (missed); rolled back 1/5 = 0.2 (missed); with issues 0002,
///   0004, 0005 = 3/5 = 0.6 (missed); average (60+40+60+150+30)/5 = 68 min
///   (met). Documented 0/1 (no `documented_at`); written approval 0/1 (the
///   CISO only); post review 1/1;
///   approvals before implementation (normal and major only, not the
///   emergency 0003 nor the standard 0005: 0001, 0002, 0004) 3/3; edited after approval 1/5 = 0.2; approvals by others 0/5
///   (Dave's verbal approval recorded by Carol is exempt, as the gate
///   exempts it; the merge by Sam carries Lee's approval but is no one's approval);
///   rollbacks within RTO 0/1; lead (5460+2700+8400)/3 = 5520 min;
///   time to restore 15 min.
///
/// November 2026 — only rollbacks:
/// - 0006 normal: approved 11-03 09:00, started 11-04 02:00, rollback complex
///   02:30 → 03:45 = 75 min > 1h (missed), finished 03:45 (105 min).
/// - 0008 normal, renumbered to 0007 on 11-10: approved by Lee 11-06 15:00,
///   started 11-09 02:00, rollback simple 02:10 → 02:20 = 10 min (met),
///   finished 02:20 (20 min).
///
///   total 2; emergency 0/2 = 0 (met); successful 0/2 = 0 (missed); rolled
///   back 2/2 = 1 (missed); with issues 2/2 = 1 (missed); average (105+20)/2
///   = 62.5 min (met); approvals before implementation 2/2; edited after
///   approval 0/2; rollbacks within RTO 1/2 = 0.5 (missed); no lead time;
///   time to restore (75+10)/2 = 42.5 min; no emergency, so the three
///   emergency figures are null.
///
/// September 2026 — nothing finishes: every rate is null, "no changes".
struct Store {
    repo: Test,
    end_of_october: String,
    emergency_created: String,
}

fn store() -> Store {
    let repo = Test::new().at("2026-12-15T00:00:00Z");

    // 0001
    let mut a = Rec::new("CHG-2026-0001", "normal", "submitted", "2026-10-01T09:00:00Z");
    create(&repo, &a, JANE);
    approve(&repo, &mut a, "change-manager", SAM, "2026-10-02T10:00:00Z");
    // An unrelated commit between records.
    repo.write("README.md", "ops notes\n");
    repo.commit_all_at(RAJ, &at("2026-10-02 12:00:00"), "docs: notes");

    // 0002
    let mut b = Rec::new("CHG-2026-0002", "normal", "submitted", "2026-10-03T09:00:00Z");
    create(&repo, &b, RAJ);
    approve(&repo, &mut b, "change-manager", SAM, "2026-10-04T09:00:00Z");

    a.status = "in-progress";
    a.implementation = Some("implementation:\n  started_at: 2026-10-05T02:00:00Z\n".into());
    commit(&repo, &a, JANE, "2026-10-05 03:00:00", "chg: start CHG-2026-0001");
    a.finish("2026-10-05T02:00:00Z", 60, "successful");
    commit(&repo, &a, JANE, "2026-10-05 04:00:00", "chg: complete CHG-2026-0001");

    b.description = "Route 10 % of checkout traffic through the new pricing service.";
    commit(&repo, &b, RAJ, "2026-10-06 09:00:00", "chg: edit CHG-2026-0002");
    b.rolled_back("2026-10-07T02:00:00Z", 40, ("simple", 25));
    commit(&repo, &b, RAJ, "2026-10-07 05:00:00", "chg: rollback CHG-2026-0002");

    // 0003, emergency, documented after the fact.
    let mut c = Rec::new("CHG-2026-0003", "emergency", "in-progress", "2026-10-10T00:40:00Z");
    c.approvals
        .push(approval("ciso", CAROL, "verbal", "2026-10-10T00:50:00Z"));
    c.approvals
        .push(approval("cto", DAVE, "verbal", "2026-10-10T00:52:00Z"));
    c.implementation = Some(implementation("2026-10-10T01:00:00Z", 60, "successful", "[]"));
    c.emergency =
        Some("emergency:\n  criteria: [production-down]\n  impact_of_not_implementing: Checkout is down.\n".into());
    commit(&repo, &c, CAROL, "2026-10-10 12:00:00", "chg: emergency CHG-2026-0003");
    let emergency_created = repo.head();
    c.status = "completed";
    c.approvals
        .push(approval("ciso", CAROL, "written", "2026-10-12T09:00:00Z"));
    commit(
        &repo,
        &c,
        CAROL,
        "2026-10-12 09:00:00",
        "chg: approve CHG-2026-0003 in writing",
    );
    c.emergency = Some("emergency:\n  criteria: [production-down]\n  impact_of_not_implementing: Checkout is down.\n  post_review: {completed_at: 2026-10-13T08:00:00Z, root_cause: disk full, preventive_measures: alerting}\n".into());
    commit(&repo, &c, DAVE, "2026-10-13 09:00:00", "chg: post-review CHG-2026-0003");

    // 0004, changed on two branches and merged.
    merged_from_two_branches(&repo);

    // 0005, standard, failed.
    let mut e = Rec::new("CHG-2026-0005", "standard", "approved", "2026-10-21T09:00:00Z");
    e.template = Some("log-rotation");
    create(&repo, &e, JANE);
    e.finish("2026-10-22T02:00:00Z", 30, "failed");
    commit(&repo, &e, JANE, "2026-10-22 05:00:00", "chg: fail CHG-2026-0005");
    let end_of_october = repo.head();

    november(&repo);
    Store {
        repo,
        end_of_october,
        emergency_created,
    }
}

/// 0004: approved by Lee on branch `feature-a` while Jane adds a system on
/// main; Sam merges; then it is completed (see `store()`).
fn merged_from_two_branches(repo: &Repo) {
    let mut d = Rec::new("CHG-2026-0004", "normal", "submitted", "2026-10-14T09:00:00Z");
    create(repo, &d, JANE);
    repo.git(&["checkout", "-q", "-b", "feature-a"]);
    let mut d_branch = d.clone();
    approve(repo, &mut d_branch, "engineering-lead", LEE, "2026-10-15T09:00:00Z");
    repo.git(&["checkout", "-q", "main"]);
    d.systems = "[checkout-api, pricing-service]";
    commit(repo, &d, JANE, "2026-10-15 10:00:00", "chg: edit CHG-2026-0004");
    repo.git_at(
        SAM,
        &at("2026-10-16 09:00:00"),
        &["merge", "-q", "--no-ff", "feature-a", "-m", "Merge feature-a"],
    );
    d.status = "approved";
    d.approvals = d_branch.approvals.clone();
    assert_eq!(repo.read(&d.path()), d.text(), "the merge combined both sides");
    d.status = "completed";
    d.implementation = Some(implementation(
        "2026-10-20T02:00:00Z",
        150,
        "successful",
        "[minor log noise]",
    ));
    commit(repo, &d, JANE, "2026-10-20 05:00:00", "chg: complete CHG-2026-0004");
}

/// November: only rollbacks, and a renumber (see `store()`).
fn november(repo: &Repo) {
    let mut f = Rec::new("CHG-2026-0006", "normal", "submitted", "2026-11-02T09:00:00Z");
    create(repo, &f, JANE);
    approve(repo, &mut f, "change-manager", SAM, "2026-11-03T09:00:00Z");
    f.rolled_back("2026-11-04T02:00:00Z", 105, ("complex", 30));
    commit(repo, &f, JANE, "2026-11-04 06:00:00", "chg: rollback CHG-2026-0006");

    let mut g = Rec::new("CHG-2026-0008", "normal", "submitted", "2026-11-06T09:00:00Z");
    create(repo, &g, RAJ);
    approve(repo, &mut g, "engineering-lead", LEE, "2026-11-06T15:00:00Z");
    g.rolled_back("2026-11-09T02:00:00Z", 20, ("simple", 10));
    commit(repo, &g, RAJ, "2026-11-09 03:00:00", "chg: rollback CHG-2026-0008");
    // Renumber 0008 → 0007 (what `chg renumber` does: rename and new id).
    std::fs::remove_file(repo.join(&g.path())).unwrap();
    g.id = "CHG-2026-0007";
    commit(
        repo,
        &g,
        RAJ,
        "2026-11-10 09:00:00",
        "chg: renumber CHG-2026-0008 to CHG-2026-0007",
    );
}

/// Asserts one figure: actual (None for null), target, met.
#[track_caller]
fn figure(v: &serde_json::Value, name: &str, actual: Option<f64>, met: Option<bool>) {
    let f = &v["metrics"][name];
    match actual {
        Some(x) => {
            let got = f["actual"].as_f64().unwrap_or_else(|| panic!("{name}: {f}"));
            assert!((got - x).abs() < 1e-9, "{name}: actual {got}, expected {x}");
        }
        None => assert!(f["actual"].is_null(), "{name}: {f}"),
    }
    match met {
        Some(m) => assert_eq!(f["met"].as_bool(), Some(m), "{name}: {f}"),
        None => assert!(f["met"].is_null(), "{name}: {f}"),
    }
}

/// A figure: its actual value and whether its target is met (None for null).
type Figure = (Option<f64>, Option<bool>);

/// The hand count of `store()`, metric by metric: October, November.
#[rustfmt::skip]
const HAND_COUNT: [(&str, Figure, Figure); 15] = [
    ("total_changes",                      (Some(5.0), None),         (Some(2.0), None)),
    ("emergency_rate",                     (Some(0.2), Some(false)),  (Some(0.0), Some(true))),
    ("success_rate",                       (Some(0.6), Some(false)),  (Some(0.0), Some(false))),
    ("rollback_rate",                      (Some(0.2), Some(false)),  (Some(1.0), Some(false))),
    ("issue_rate",                         (Some(0.6), Some(false)),  (Some(1.0), Some(false))),
    ("average_change_time_minutes",        (Some(68.0), Some(true)),  (Some(62.5), Some(true))),
    // Issue 16: judged as `chg check` judges them, from the finish; 0003 never
    // sets `emergency.documented_at` (it was only committed early). November
    // has no emergency.
    ("emergency_documented_in_time",       (Some(0.0), Some(false)),  (None, None)),
    ("emergency_written_approval_in_time", (Some(0.0), Some(false)),  (None, None)),
    ("emergency_post_review_in_time",      (Some(1.0), Some(true)),   (None, None)),
    ("approvals_before_implementation",    (Some(1.0), Some(true)),   (Some(1.0), Some(true))),
    ("edited_after_approval",              (Some(0.2), Some(false)),  (Some(0.0), Some(true))),
    // Issue 16: verbal approvals are recorded by whoever is at the keyboard;
    // a 15-minute simple rollback is not under its 15-minute RTO.
    ("approvals_by_others",                (Some(0.0), Some(true)),   (Some(0.0), Some(true))),
    ("rollbacks_within_rto",               (Some(0.0), Some(false)),  (Some(0.5), Some(false))),
    ("mean_lead_time_minutes",             (Some(5520.0), None),      (None, None)),
    ("mean_time_to_restore_minutes",       (Some(15.0), None),        (Some(42.5), None)),
];

/// `chg metrics --month` as JSON.
fn metrics(repo: &Repo, month: &str) -> serde_json::Value {
    repo.chg_line(&format!("metrics --month {month} --format json"))
        .ok()
        .json()
}

#[test]
fn metrics_of_october_match_the_hand_count() {
    let s = store();
    let v = metrics(&s.repo, "2026-10");
    assert_eq!(v["period"]["from"], "2026-10-01T00:00:00Z");
    assert_eq!(v["period"]["to"], "2026-11-01T00:00:00Z");
    for (name, (actual, met), _) in HAND_COUNT {
        figure(&v, name, actual, met);
    }
    assert_eq!(v["metrics"]["emergency_rate"]["target"], 0.05);
    assert_eq!(v["metrics"]["average_change_time_minutes"]["target"], 120.0);
    assert_eq!(v["metrics"]["approvals_before_implementation"]["of"], 3);
}

#[test]
fn metrics_of_a_month_with_only_rollbacks_and_of_an_empty_month() {
    let s = store();
    let v = metrics(&s.repo, "2026-11");
    for (name, _, (actual, met)) in HAND_COUNT {
        figure(&v, name, actual, met);
    }

    let v = metrics(&s.repo, "2026-09");
    figure(&v, "total_changes", Some(0.0), None);
    for name in [
        "emergency_rate",
        "success_rate",
        "rollback_rate",
        "issue_rate",
        "average_change_time_minutes",
    ] {
        figure(&v, name, None, None);
    }
    let table = s
        .repo
        .chg_line("metrics --month 2026-09")
        .ok()
        .stdout_has_line("no changes");
    assert!(!table.stdout.contains("NaN"), "{}", table.stdout);
}

#[test]
fn default_period_is_the_last_full_month_and_explain_lists_the_records() {
    let s = store();
    // CHG_NOW is 2026-12-15, so the default is November.
    let v = s.repo.chg_line("metrics --format json").ok().json();
    assert_eq!(v["period"]["from"], "2026-11-01T00:00:00Z");
    figure(&v, "total_changes", Some(2.0), None);
    let out = s.repo.chg_line("metrics --month 2026-10 --explain").ok().stdout;
    assert_says(
        "the explanation",
        &out,
        &[
            "CHG-2026-0002: ",
            "CHG-2026-0003: missed, no written approval of the CISO and CTO (or the CEO), due 2026-10-11 02:00",
            "CHG-2026-0002 rollback 1: 15 min, simple RTO 15 min, missed",
            "CHG-2026-0004: first commit 2026-10-14 09:00",
        ],
    );
    // Dave's verbal approval, recorded by Carol, is no approval by someone else (issue 16).
    assert!(
        !out.contains("approval of dave@example.com committed by carol@example.com"),
        "{out}"
    );
    // With the explanation, JSON lists the records too.
    let v = s
        .repo
        .chg_line("metrics --month 2026-10 --explain --format json")
        .ok()
        .json();
    assert_eq!(
        v["metrics"]["rollback_rate"]["records"],
        serde_json::json!(["CHG-2026-0002"])
    );
}

/// `chg log ID --format json`: the commits, and one text field of each.
fn logged(repo: &Repo, id: &str, field: &str) -> (Vec<serde_json::Value>, Vec<String>) {
    let v = repo.chg_line(&format!("log {id} --format json")).ok().json();
    let commits = v["commits"].as_array().unwrap().clone();
    let fields = commits.iter().map(|c| c[field].as_str().unwrap().to_string()).collect();
    (commits, fields)
}

#[test]
fn log_shows_field_changes_by_three_people_across_a_merge() {
    let s = store();
    let out = s.repo.chg_line("log CHG-2026-0004").ok().stdout;
    assert!(out.starts_with("CHG-2026-0004: 5 commits\n"), "{out}");
    assert_says(
        "the log",
        &out,
        &[
            "Jane Doe <jane@example.com>",
            "2026-10-15 09:00 UTC  Lee Park <lee@example.com>",
            "2026-10-16 09:00 UTC  Sam Lee <sam@example.com>  (merge)",
            "    status: submitted → approved\n",
            "    approvals: + engineering-lead Lee Park <lee@example.com> approved\n",
            "    systems: [checkout-api] → [checkout-api, pricing-service]\n",
            "    implementation.outcome: + successful\n",
        ],
    );
    let (commits, authors) = logged(&s.repo, "CHG-2026-0004", "author");
    assert_eq!(
        authors,
        vec![
            "Jane Doe <jane@example.com>",
            "Lee Park <lee@example.com>",
            "Jane Doe <jane@example.com>",
            "Sam Lee <sam@example.com>",
            "Jane Doe <jane@example.com>"
        ]
    );
    assert_eq!(commits[3]["merge"], true);
    assert_eq!(commits[0]["action"], "created");
}

#[test]
fn log_follows_a_renumber() {
    let s = store();
    let (commits, summaries) = logged(&s.repo, "CHG-2026-0007", "summary");
    assert_eq!(
        summaries,
        vec![
            "chg: new CHG-2026-0008",
            "chg: approve CHG-2026-0008",
            "chg: rollback CHG-2026-0008",
            "chg: renumber CHG-2026-0008 to CHG-2026-0007"
        ]
    );
    assert_eq!(commits[3]["renamed_from"], "changes/2026/CHG-2026-0008.yaml");
    let text = s.repo.chg_line("log CHG-2026-0007").ok().stdout;
    assert!(text.contains("    id: CHG-2026-0008 → CHG-2026-0007\n"), "{text}");
    let err = s.repo.chg_line("log CHG-2026-0099").status(2);
    assert!(
        err.stderr
            .contains("no commit at HEAD touches `changes/2026/CHG-2026-0099.yaml`"),
        "{}",
        err.stderr
    );
}

#[test]
fn as_of_answers_from_the_store_at_that_commit() {
    let s = store();
    // At the end of October, November's changes do not exist: the October
    // figures are the same, November is empty.
    // `chg <line> --format json --as-of <rev>`.
    let as_of = |line: &str, rev: &str| {
        s.repo
            .chg_line(&format!("{line} --format json --as-of {rev}"))
            .ok()
            .json()
    };
    let v = as_of("metrics --month 2026-10", &s.end_of_october);
    figure(&v, "total_changes", Some(5.0), None);
    figure(&v, "mean_lead_time_minutes", Some(5520.0), None);
    let v = as_of("metrics --month 2026-11", &s.end_of_october);
    figure(&v, "total_changes", Some(0.0), None);
    // When 0003 was first committed, the records were 0001-0003.
    let v = as_of("list", &s.emergency_created);
    let records: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        records,
        [
            ("CHG-2026-0001", "completed"),
            ("CHG-2026-0002", "rolled-back"),
            ("CHG-2026-0003", "in-progress")
        ]
    );
    let log = as_of("log CHG-2026-0003", &s.emergency_created);
    assert_eq!(log["commits"].as_array().unwrap().len(), 1);
    let at = &s.emergency_created;
    s.repo.chg(&["log", "CHG-2026-0004", "--as-of", at]).is(
        2,
        "",
        &format!(
            "error: no commit at {at} touches `changes/2026/CHG-2026-0004.yaml`
  hint: the record did not exist yet at {at}; try a later revision, or drop `--as-of`
"
        ),
    );
    s.repo.chg_line("metrics --as-of no-such-rev").is(
        2,
        "",
        "error: `no-such-rev` is not a revision of this repository (revspec 'no-such-rev' not found)
  hint: give a commit id, branch or tag that `git rev-parse no-such-rev` knows; a remote branch may need `git fetch origin` first
",
    );
}

#[test]
fn the_cache_is_extended_rebuilt_and_never_trusted_blindly() {
    let s = store();
    let explain = |extra: &[&str]| {
        let mut args = vec!["metrics", "--month", "2026-10", "--explain"];
        args.extend_from_slice(extra);
        s.repo.chg(&args).ok().stdout
    };
    let first = explain(&[]);
    assert!(first.contains("history: walked in full"), "{first}");
    let second = explain(&[]);
    assert!(
        second.contains("history: from the cache, extended by 0 new commits"),
        "{second}"
    );
    assert_eq!(
        first.replace("walked in full", "X"),
        second.replace("from the cache, extended by 0 new commits", "X")
    );
    s.repo.write("README.md", "more notes\n");
    s.repo.commit_all_at(RAJ, &at("2026-12-01 09:00:00"), "docs: more");
    assert!(explain(&[]).contains("extended by 1 new commits"));
    assert!(explain(&["--no-cache"]).contains("history: walked in full"));
    // A corrupt cache is discarded.
    let cache = std::fs::read_dir(s.repo.join(".git/chg"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().unwrap().to_string_lossy().starts_with("history-v"))
        .unwrap();
    let text = std::fs::read_to_string(&cache).unwrap();
    std::fs::write(&cache, text.replacen("CHG-2026-0002", "CHG-2026-0009", 1)).unwrap();
    let after = explain(&[]);
    assert!(after.contains("history: walked in full"), "{after}");
    assert_eq!(after, explain(&["--no-cache"]));
    assert!(explain(&[]).contains("extended by 0 new commits"));
    // Nothing new: the cache is read, not written again.
    let written = std::fs::metadata(&cache).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    assert!(explain(&[]).contains("extended by 0 new commits"));
    assert_eq!(std::fs::metadata(&cache).unwrap().modified().unwrap(), written);
    // Truncated, with bytes after the body, or with a header that does not
    // match the body: each is discarded, and the figures stay right.
    let good = std::fs::read(&cache).unwrap();
    let newline = good.iter().position(|b| *b == b'\n').unwrap();
    let truncated = good[..good.len() - 10].to_vec();
    let trailing = [good.as_slice(), b"x"].concat();
    let spaced = [good.as_slice(), b"  "].concat();
    let header = String::from_utf8(good[..newline].to_vec()).unwrap();
    let digit = header.find("\"checksum\":").unwrap() + 11;
    let mut tampered = header.into_bytes();
    tampered[digit] = if tampered[digit] == b'1' { b'2' } else { b'1' };
    let tampered = [tampered.as_slice(), &good[newline..]].concat();
    for bad in [
        truncated,
        trailing,
        spaced,
        tampered,
        b"not json\n{}".to_vec(),
        Vec::new(),
    ] {
        std::fs::write(&cache, &bad).unwrap();
        let again = explain(&[]);
        assert!(again.contains("history: walked in full"), "{again}");
        assert_eq!(again, after);
    }
    // A cache whose commit is no longer an ancestor (history rewritten) is rebuilt.
    s.repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    s.repo.write("README.md", "rewritten\n");
    s.repo.commit_all_at(RAJ, &at("2026-12-02 09:00:00"), "docs: rewritten");
    assert!(explain(&[]).contains("history: walked in full"));
}

#[test]
fn a_shallow_clone_is_reported() {
    let s = store();
    let mut clone = s.repo.shallow_clone(3);
    clone.now = Some("2026-12-15T00:00:00Z".into());
    let out = clone.chg(&["metrics", "--month", "2026-10", "--format", "json"]).ok();
    assert!(out.stderr.contains("shallow clone"), "{}", out.stderr);
    let v = out.json();
    assert!(v["incomplete"].as_str().unwrap().contains("git fetch --unshallow"));
}

#[test]
fn demo_generates_a_valid_deterministic_store_with_history() {
    let dir = tempfile::tempdir().unwrap();
    let run = |name: &str| {
        let out = dir.path().join(name);
        let o = assert_cmd::Command::new(env!("CARGO_BIN_EXE_chg-demo"))
            .args(["--records", "120", "--seed", "7", "--out"])
            .arg(&out)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(String::from_utf8_lossy(&o.stdout).contains("with 120 records and 601 commits"));
        out
    };
    let a = run("a");
    let b = run("b");
    let head = |p: &std::path::Path| {
        let o = std::process::Command::new("git")
            .arg("-C")
            .arg(p)
            .args(["rev-parse", "HEAD"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert_eq!(head(&a), head(&b), "the same seed gives the same repository");
    let chg = |args: &[&str]| {
        assert_cmd::Command::new(env!("CARGO_BIN_EXE_chg"))
            .current_dir(&a)
            .args(args)
            .output()
            .unwrap()
    };
    let check = chg(&["check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let metrics = chg(&words("metrics --from 2020-01-01 --to 2030-01-01 --format json"));
    let v: serde_json::Value = serde_json::from_slice(&metrics.stdout).unwrap();
    // Every record but the rejected and cancelled ones finished.
    let total = v["metrics"]["total_changes"]["actual"].as_f64().unwrap();
    assert!((100.0..=120.0).contains(&total), "{total}");
    assert!(v["metrics"]["rollback_rate"]["actual"].as_f64().unwrap() > 0.0);
    let exists = a.join("changes/2025/CHG-2025-0001.yaml").exists();
    assert!(exists, "records span years");
}
