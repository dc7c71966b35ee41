//! `chg check`: each rule with a failing and a passing case, the output formats, exit codes.

use crate::support::*;

const ID: &str = "CHG-2026-0001";
const PATH: &str = "changes/2026/CHG-2026-0001.yaml";

/// Writes one record and runs `chg check --format json`.
fn check_one(record: Record) -> Run {
    Test::new()
        .record(record)
        .fixture_rehearsed()
        .run(&["check", "--format", "json"])
}

/// Asserts `rule` fires on the record (and fails the check); returns its finding.
#[track_caller]
fn assert_fires(rule: &str, record: Record) -> Finding {
    let run = check_one(record).status(1);
    run.finding(rule)
}

/// Asserts the record passes: no finding at all, exit 0.
#[track_caller]
fn assert_clean(record: Record) {
    check_one(record).ok().stdout_is("[]\n");
}

fn approved() -> Record {
    Record::normal(ID).approved_by_sam()
}

#[test]
fn a_complete_approved_change_passes() {
    assert_clean(approved());
    assert_clean(Record::normal(ID));
}

#[test]
fn schema_unknown_key_suggests_the_right_one() {
    let f = assert_fires("schema", approved().misspelt("priority", "priorty"));
    assert_eq!((f.line, f.column), (7, 1), "{f:?}");
    // The message names where the key stands, not the key a second time.
    assert_eq!(f.message, "unknown key `priorty` in the record");
    assert!(f.hint.starts_with("did you mean `priority`?"), "{f:?}");
}

#[test]
fn schema_unknown_key_names_the_enclosing_mapping_not_the_key_again() {
    let f = assert_fires("schema", approved().raw("risk", "{impakt: medium, likelihood: low}"));
    assert_eq!(f.message, "unknown key `impakt` in `risk`");
    assert!(f.hint.starts_with("did you mean `impact`?"), "{f:?}");
}

#[test]
fn rollback_plan_missing_says_an_emergency_change() {
    let f = assert_fires(
        "rollback-plan-missing",
        Record::emergency(ID).status("submitted").without("rollback"),
    );
    assert_eq!(
        f.message,
        "an emergency change past draft needs a rollback plan and kind"
    );
}

#[test]
fn schema_unknown_enum_value_suggests_the_closest() {
    let record = Record::normal(ID)
        .status("approved")
        .approval(Approval::new("change-manager", SAM).decision("aproved"));
    let f = assert_fires("schema", record);
    assert_eq!(f.hint, "did you mean `approved`? (one of: approved, rejected)");
    assert_eq!((f.line, f.column), (28, 5), "{f:?}");
}

#[test]
fn schema_wrong_type_and_extension_keys() {
    let f = assert_fires("schema", approved().raw("priority", "[high]"));
    assert_eq!(f.message, "`priority`: invalid type: sequence, expected string or map");
    let f = assert_fires("schema", approved().raw("created_at", "last tuesday"));
    assert_eq!(f.message, "`created_at` is not a valid time or date (`last tuesday` is not an RFC 3339 time; write it like `2026-11-18T02:05:00Z`)");
    assert_clean(approved().raw("x-ticket", "OPS-123"));
}

#[test]
fn extension_keys_survive_a_rewrite() {
    let t = Test::new().record(approved().raw("x-ticket", "OPS-123"));
    let yaml = t.run(&["show", ID, "--format", "yaml"]).ok().stdout;
    assert!(yaml.contains("\nx-ticket: OPS-123\n"), "{yaml}");
}

#[test]
fn id_mismatch() {
    // The file is CHG-2026-0001.yaml; the id inside says 0002.
    let text = approved().raw("id", "CHG-2026-0002").text();
    let run = Test::new()
        .file(PATH, &text)
        .run(&["check", "--format", "json"])
        .status(1);
    assert_eq!(run.findings(), [("id-mismatch", ID)]);
}

#[test]
fn duplicate_id() {
    let t = Test::new()
        .record(approved())
        .file("changes/2025/CHG-2026-0001.yaml", &approved().text());
    t.run(&["check"]).is(
        1,
        "changes/2025/CHG-2026-0001.yaml:2:1: error[duplicate-id]: id `CHG-2026-0001` is also used by changes/2026/CHG-2026-0001.yaml
  hint: give one of them a new id with `chg renumber CHG-2026-0001`
changes/2025/CHG-2026-0001.yaml:2:1: error[id-mismatch]: `CHG-2026-0001` is in the folder `2025`, not `2026`
  hint: move the file to `changes/2026/`
changes/2026/CHG-2026-0001.yaml:2:1: error[duplicate-id]: id `CHG-2026-0001` is also used by changes/2025/CHG-2026-0001.yaml
  hint: give one of them a new id with `chg renumber CHG-2026-0001`
",
        "checked 2 files: 3 errors, 0 warnings\n",
    );
}

#[test]
fn risk_classification() {
    let f = assert_fires("risk-classification", approved().risk("high", "high"));
    assert_eq!(f.line, 5, "points at classification: {f:?}");
    assert_clean(approved().risk("low", "low"));
}

#[test]
fn rollback_plan_missing() {
    assert_fires("rollback-plan-missing", approved().without("rollback"));
    assert_fires("rollback-plan-missing", approved().without("rollback.kind"));
    // A draft may still lack it.
    assert_clean(Record::normal(ID).without("rollback.kind"));
}

#[test]
fn testing_incomplete() {
    let f = assert_fires("testing-incomplete", approved().test("qa_review", "not-run"));
    assert_eq!(f.line, 16);
    assert_eq!(
        f.message,
        "`qa_review` testing is not-run; a normal change needs it passed before approval"
    );
    let run = check_one(Record::normal(ID).status("submitted").test("qa_review", "not-run")).ok();
    let f = run.finding("testing-incomplete");
    assert_eq!(f.severity, "warning", "submitted changes are only warned");
}

#[test]
fn approval_missing() {
    assert_fires("approval-missing", Record::normal(ID).status("approved"));
    // A verbal approval does not count for a normal change.
    let verbal = Record::normal(ID)
        .status("approved")
        .approval(Approval::new("change-manager", SAM).method("verbal"));
    assert_fires("approval-missing", verbal);
}

#[test]
fn major_needs_three_distinct_cab_members() {
    let major = || Record::major(ID).status("approved");
    let cab = |who: Who| Approval::new("cab", who).at("2026-11-17T10:00:00Z");
    let two_and_a_repeat = major().approval(cab(ANA)).approval(cab(BEN)).approval(cab(ANA));
    let f = assert_fires("approval-missing", two_and_a_repeat);
    assert_eq!(
        f.message,
        "status `approved` needs the approvals of a major change (3 × cab or cto); it lacks 1 more cab, or 1 more cto"
    );
    assert_clean(major().approval(cab(ANA)).approval(cab(BEN)).approval(cab(CHO)));
    assert_clean(major().approval(Approval::new("cto", DAVE).at("2026-11-17T10:00:00Z")));
}

#[test]
fn approver_not_authorized() {
    let record = Record::normal(ID)
        .status("approved")
        .approval(Approval::new("change-manager", MALLORY));
    let f = assert_fires("approver-not-authorized", record);
    assert_eq!(f.hint, "`change-manager` is held by: sam@example.com");
}

#[test]
fn self_approval() {
    assert_fires("self-approval", approved().requested_by(SAM));
}

#[test]
fn template_missing() {
    let standard = || Record::standard(ID).status("approved");
    assert_fires("template-missing", standard());
    assert_fires("template-missing", standard().template("no-such"));
    // A known template: no `template-missing` (the record's own procedure
    // differs from log-rotation's, which is `template-mismatch`'s finding).
    let run = check_one(standard().template("log-rotation"));
    assert!(
        !run.rules().contains(&"template-missing".to_string()),
        "{:?}",
        run.findings()
    );
}

#[test]
fn emergency_criteria_missing_and_cvss() {
    let emergency = || Record::emergency(ID);
    assert_fires("emergency-criteria-missing", emergency());
    assert_fires(
        "emergency-criteria-missing",
        emergency().emergency_block("{criteria: []}"),
    );
    let f = assert_fires(
        "cvss-below-threshold",
        emergency().emergency_block("{criteria: [critical-vulnerability], cvss: 7.5}"),
    );
    assert_eq!(f.message, "CVSS 7.5 is below 9, the threshold for an emergency");
    assert_fires(
        "cvss-below-threshold",
        emergency().emergency_block("{criteria: [critical-vulnerability]}"),
    );
    assert_clean(emergency().emergency_block("{criteria: [critical-vulnerability], cvss: 9.8}"));
    assert_clean(emergency().emergency_block("{criteria: [production-down]}"));
}

#[test]
fn outcome_incomplete() {
    let completed = || approved().status("completed");
    assert_fires("outcome-incomplete", completed());
    let done = || {
        Implementation::new("2026-11-18T02:05:00Z", "2026-11-18T02:41:00Z", "successful")
            .validation("{smoke_tests: passed, error_rates: normal}")
    };
    // Watched for the hour the policy asks after a normal deployment.
    assert_clean(
        completed()
            .implementation(done())
            .monitored("2026-11-18T02:41:00Z", "2026-11-18T03:41:00Z"),
    );
    assert_fires(
        "outcome-incomplete",
        completed().implementation(done().field("outcome", "failed")),
    );
    assert_fires(
        "outcome-incomplete",
        completed().implementation(done().without("validation")),
    );
}

#[test]
fn rollback_record_incomplete() {
    let rolled = || {
        approved().status("rolled-back").implementation(Implementation::new(
            "2026-11-18T02:05:00Z",
            "2026-11-18T02:41:00Z",
            "rolled-back",
        ))
    };
    assert_fires("rollback-record-incomplete", rolled());
    let entry = Fields::new()
        .set("trigger", "error-rate")
        .set("mode", "immediate")
        .set("kind", "simple")
        .set("reason", "5xx above 5 %")
        .set("started_at", "2026-11-18T02:30:00Z")
        .set("restored_at", "2026-11-18T02:41:00Z")
        // What the start of an immediate rollback records (issue 15.13).
        .set("severity", "high")
        .set("estimated_minutes", "10")
        .set("measured", "{value: 6.0, threshold: 5}")
        .set(
            "validation",
            "{smoke_tests: passed, error_rates: normal, customer_access: verified, monitored_minutes: 30}",
        )
        .set("post_actions", "{lessons_learned: a, root_cause: b, redeploy_plan: c}");
    assert_clean(
        rolled()
            .rollback(entry.clone())
            .monitored("2026-11-18T02:41:00Z", "2026-11-18T03:11:00Z"),
    );
    assert_fires("rollback-record-incomplete", rolled().rollback(entry.without("reason")));
}

#[test]
fn text_output_names_file_line_column_severity_rule_and_hint() {
    let t = Test::new().record(approved().test("qa_review", "not-run"));
    t.run(&["check"]).is(
        1,
        "changes/2026/CHG-2026-0001.yaml:16:3: error[testing-incomplete]: `qa_review` testing is not-run; a normal change needs it passed before approval\n  hint: run it and set `testing.qa_review: passed` (`chg new --test qa_review=passed` when creating)\n",
        "checked 1 file: 1 error, 0 warnings\n",
    );
}

#[test]
fn github_format_annotates_the_line() {
    let t = Test::new().record(approved().test("qa_review", "not-run"));
    t.run(&["check", "--format", "github"]).is(
        1,
        "::error file=changes/2026/CHG-2026-0001.yaml,line=16,col=3,title=testing-incomplete::`qa_review` testing is not-run; a normal change needs it passed before approval%0Arun it and set `testing.qa_review: passed` (`chg new --test qa_review=passed` when creating)\n",
        "",
    );
}

#[test]
fn strict_makes_warnings_count_and_paths_limit_the_check() {
    let t = Test::new().record(Record::normal(ID).status("submitted").test("qa_review", "not-run"));
    let warning = "changes/2026/CHG-2026-0001.yaml:16:3: warning[testing-incomplete]: `qa_review` testing is not-run; a normal change needs it passed before approval
  hint: run it and set `testing.qa_review: passed` (`chg new --test qa_review=passed` when creating)
";
    t.run(&["check"])
        .is(0, warning, "checked 1 file: 0 errors, 1 warning\n");
    t.run(&["check", "--strict"])
        .is(1, warning, "checked 1 file: 0 errors, 1 warning\n");
    t.write("changes/2026/CHG-2026-0002.yaml", "not: [valid");
    t.run(&["check", PATH])
        .is(0, warning, "checked 1 file: 0 errors, 1 warning\n");
    t.run(&["check"]).is(
        2,
        &format!("changes/2026/CHG-2026-0002.yaml:2:1: error[yaml-syntax]: did not find expected ',' or ']' at line 2 column 1, while parsing a flow sequence
  hint: fix the YAML syntax at this place; `chg schema` shows the record format
{warning}"),
        "checked 2 files: 1 error, 1 warning\n",
    );
}

#[test]
fn a_broken_policy_is_reported_with_its_line() {
    let t = Test::new().file("changes/policy.yaml", "rto: {simple: 15 minutes}\n");
    t.run(&["check"]).is(
        1,
        "changes/policy.yaml:1:7: error[schema]: `rto.simple`: `15 minutes` is not a length of time; write it like `15m`, `1h` or `5d`
  hint: see `chg schema` for the record format
",
        "checked 1 file: 1 error, 0 warnings\n",
    );
}

#[test]
fn merge_conflict_markers_point_at_the_lines() {
    // Conflict markers are text, not YAML: they are written into the record's text.
    let text = approved().text().replace(
        "priority: high\n",
        "<<<<<<< HEAD\npriority: high\n=======\npriority: low\n>>>>>>> other\n",
    );
    let t = Test::new().file(PATH, &text);
    conflict_markers_at_7_9_11(t.run(&["check"]));
}

/// Asserts what `chg check` says of the record whose `priority` line git left
/// in conflict (markers at lines 7, 9 and 11): exit 2, one finding.
pub fn conflict_markers_at_7_9_11(run: Run) {
    run.is(
        2,
        "changes/2026/CHG-2026-0001.yaml:7:1: error[merge-conflict]: unresolved merge-conflict markers at lines 7, 9, 11
  hint: resolve the conflict (keep one side, or combine both), remove the markers, then run `chg check`
",
        "checked 1 file: 1 error, 0 warnings\n",
    );
}

#[test]
fn stray_files_in_an_empty_store_count_as_files_checked() {
    let t = Test::new()
        .file("changes/notes.yaml", "note: not a record\n")
        .file("changes/2026/draft-idea.yaml", "title: an idea\n")
        .commit_as(JANE, "two stray files");
    let run = t.run(&["check"]).status(1);
    assert_eq!(
        run.stderr.lines().last(),
        Some("checked 2 files: 2 errors, 0 warnings"),
        "{run:?}"
    );
}
