//! `chg check`: each rule with a failing and a passing case, the output formats, exit codes.

use crate::support::*;

const PATH: &str = "changes/2026/CHG-2026-0001.yaml";

/// Writes one record, runs `chg check --format json`, returns (status, findings).
fn check_one(text: &str) -> (i32, Vec<serde_json::Value>) {
    let repo = Repo::initialised();
    repo.write(PATH, text);
    let run = repo.chg(&["check", "--format", "json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    (run.status, findings)
}

fn rules_of(findings: &[serde_json::Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

#[track_caller]
fn assert_fires(rule: &str, text: &str) -> serde_json::Value {
    let (status, findings) = check_one(text);
    let hit = findings.iter().find(|f| f["rule"] == rule).cloned();
    assert!(hit.is_some(), "`{rule}` should fire; got {:?}", rules_of(&findings));
    assert_ne!(status, 0, "a finding of `{rule}` fails the check");
    hit.unwrap_or_default()
}

#[track_caller]
fn assert_clean(text: &str) {
    let (status, findings) = check_one(text);
    assert_eq!(findings, Vec::<serde_json::Value>::new(), "no findings expected");
    assert_eq!(status, 0);
}

fn approved() -> String {
    format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "approved"))
}

#[test]
fn a_complete_approved_change_passes() {
    assert_clean(&approved());
    assert_clean(&normal_record("CHG-2026-0001", "draft"));
}

#[test]
fn schema_unknown_key_suggests_the_right_one() {
    let f = assert_fires("schema", &approved().replace("priority: high", "priorty: high"));
    assert_eq!(f["line"], 7);
    assert_eq!(f["column"], 1);
    assert!(f["message"].as_str().unwrap().contains("unknown key `priorty`"));
    assert!(f["hint"].as_str().unwrap().contains("did you mean `priority`"));
}

#[test]
fn schema_unknown_enum_value_suggests_the_closest() {
    let f = assert_fires("schema", &approved().replace("decision: approved", "decision: aproved"));
    assert!(f["hint"].as_str().unwrap().contains("did you mean `approved`"), "{f}");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(27), Some(5)), "{f}");
}

#[test]
fn schema_wrong_type_and_extension_keys() {
    assert_fires("schema", &approved().replace("priority: high", "priority: [high]"));
    assert_fires(
        "schema",
        &approved().replace("created_at: 2026-11-16T09:12:00Z", "created_at: last tuesday"),
    );
    assert_clean(&approved().replace("priority: high", "priority: high\nx-ticket: OPS-123"));
}

#[test]
fn extension_keys_survive_a_rewrite() {
    let repo = Repo::initialised();
    repo.write(
        PATH,
        &approved().replace("priority: high", "priority: high\nx-ticket: OPS-123"),
    );
    let yaml = repo.chg(&["show", "CHG-2026-0001", "--format", "yaml"]).ok().stdout;
    assert!(yaml.contains("x-ticket: OPS-123"), "{yaml}");
}

#[test]
fn id_mismatch() {
    assert_fires(
        "id-mismatch",
        &approved().replace("id: CHG-2026-0001", "id: CHG-2026-0002"),
    );
}

#[test]
fn duplicate_id() {
    let repo = Repo::initialised();
    repo.write(PATH, &approved());
    repo.write("changes/2025/CHG-2026-0001.yaml", &approved());
    let run = repo.chg(&["check"]).status(1);
    assert!(run.stdout.contains("error[duplicate-id]"), "{}", run.stdout);
    assert!(run.stdout.contains("chg renumber CHG-2026-0001"), "{}", run.stdout);
}

#[test]
fn risk_classification() {
    let f = assert_fires(
        "risk-classification",
        &approved().replace("{impact: medium, likelihood: low}", "{impact: high, likelihood: high}"),
    );
    assert_eq!(f["line"], 5, "points at classification: {f}");
    assert_clean(&approved().replace("{impact: medium, likelihood: low}", "{impact: low, likelihood: low}"));
}

#[test]
fn rollback_plan_missing() {
    let text = approved();
    let start = text.find("rollback:").unwrap();
    let end = text.find("approvals:").unwrap();
    let without = format!("{}{}", &text[..start], &text[end..]);
    assert_fires("rollback-plan-missing", &without);
    assert_fires("rollback-plan-missing", &text.replace("  kind: simple\n", ""));
    // A draft may still lack it.
    assert_clean(&normal_record("CHG-2026-0001", "draft").replace(
        "  kind: simple
",
        "",
    ));
}

#[test]
fn testing_incomplete() {
    let f = assert_fires(
        "testing-incomplete",
        &approved().replace("qa_review: passed", "qa_review: not-run"),
    );
    assert_eq!(f["line"], 16);
    assert!(f["message"]
        .as_str()
        .unwrap()
        .contains("`qa_review` testing is not-run"));
    let (_, findings) =
        check_one(&normal_record("CHG-2026-0001", "submitted").replace("qa_review: passed", "qa_review: not-run"));
    assert_eq!(findings[0]["severity"], "warning", "submitted changes are only warned");
}

#[test]
fn approval_missing() {
    assert_fires("approval-missing", &normal_record("CHG-2026-0001", "approved"));
    // A verbal approval does not count for a normal change.
    assert_fires(
        "approval-missing",
        &approved().replace("method: written", "method: verbal"),
    );
}

#[test]
fn major_needs_three_distinct_cab_members() {
    let major = normal_record("CHG-2026-0001", "approved")
        .replace("classification: normal", "classification: major")
        .replace(
            "  qa_review: passed\n",
            "  qa_review: passed\n  security_review: passed\n  performance: passed\n",
        );
    let approval = |who: &str| {
        format!("  - {{role: cab, approver: {who}, decision: approved, method: written, at: 2026-11-17T10:00:00Z}}\n")
    };
    let two_and_a_repeat = format!(
        "{major}approvals:\n{}{}{}",
        approval("Ana Silva <ana@example.com>"),
        approval("Ben Okafor <ben@example.com>"),
        approval("Ana Silva <ana@example.com>")
    );
    let f = assert_fires("approval-missing", &two_and_a_repeat);
    assert!(f["message"].as_str().unwrap().contains("1 more cab"), "{f}");
    let three = format!(
        "{major}approvals:\n{}{}{}",
        approval("Ana Silva <ana@example.com>"),
        approval("Ben Okafor <ben@example.com>"),
        approval("Cho Min <cho@example.com>")
    );
    assert_clean(&three);
    let cto = format!("{major}approvals:\n  - {{role: cto, approver: Dave Kim <dave@example.com>, decision: approved, method: written, at: 2026-11-17T10:00:00Z}}\n");
    assert_clean(&cto);
}

#[test]
fn approver_not_authorized() {
    let f = assert_fires(
        "approver-not-authorized",
        &approved().replace("Sam Lee <sam@example.com>", "Mallory Bad <mallory@example.com>"),
    );
    assert!(f["hint"].as_str().unwrap().contains("sam@example.com"), "{f}");
}

#[test]
fn self_approval() {
    let text = approved().replace(
        "requested_by: Jane Doe <jane@example.com>",
        "requested_by: Sam Lee <sam@example.com>",
    );
    assert_fires("self-approval", &text);
}

#[test]
fn template_missing() {
    let standard = normal_record("CHG-2026-0001", "approved")
        .replace("classification: normal", "classification: standard")
        .replace("{impact: medium, likelihood: low}", "{impact: low, likelihood: low}");
    assert_fires("template-missing", &standard);
    assert_fires(
        "template-missing",
        &standard.replace(
            "classification: standard",
            "classification: standard\ntemplate: no-such",
        ),
    );
    // A known template: no `template-missing` (the record's own procedure
    // differs from log-rotation's, which is `template-mismatch`'s finding).
    let (_, findings) = check_one(&standard.replace(
        "classification: standard",
        "classification: standard\ntemplate: log-rotation",
    ));
    assert!(
        !rules_of(&findings).contains(&"template-missing".to_string()),
        "{findings:?}"
    );
}

fn emergency(extra: &str) -> String {
    normal_record("CHG-2026-0001", "draft").replace("classification: normal", "classification: emergency") + extra
}

#[test]
fn emergency_criteria_missing_and_cvss() {
    assert_fires("emergency-criteria-missing", &emergency(""));
    assert_fires("emergency-criteria-missing", &emergency("emergency: {criteria: []}\n"));
    let f = assert_fires(
        "cvss-below-threshold",
        &emergency("emergency: {criteria: [critical-vulnerability], cvss: 7.5}\n"),
    );
    assert!(f["message"].as_str().unwrap().contains("7.5"));
    assert_fires(
        "cvss-below-threshold",
        &emergency("emergency: {criteria: [critical-vulnerability]}\n"),
    );
    assert_clean(&emergency(
        "emergency: {criteria: [critical-vulnerability], cvss: 9.8}\n",
    ));
    assert_clean(&emergency("emergency: {criteria: [production-down]}\n"));
}

#[test]
fn outcome_incomplete() {
    let completed = format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "completed"));
    assert_fires("outcome-incomplete", &completed);
    let full = format!(
        "{completed}implementation:\n  started_at: 2026-11-18T02:05:00Z\n  finished_at: 2026-11-18T02:41:00Z\n  outcome: successful\n  validation: {{smoke_tests: passed, error_rates: normal}}\n"
    );
    assert_clean(&full);
    assert_fires(
        "outcome-incomplete",
        &full.replace("outcome: successful", "outcome: failed"),
    );
    assert_fires(
        "outcome-incomplete",
        &full.replace("  validation: {smoke_tests: passed, error_rates: normal}\n", ""),
    );
}

#[test]
fn rollback_record_incomplete() {
    let rolled = format!(
        "{}{SAM_APPROVAL}implementation:\n  started_at: 2026-11-18T02:05:00Z\n  finished_at: 2026-11-18T02:41:00Z\n  outcome: rolled-back\n",
        normal_record("CHG-2026-0001", "rolled-back")
    );
    assert_fires("rollback-record-incomplete", &rolled);
    let entry = "rollbacks:\n  - trigger: error-rate\n    mode: immediate\n    kind: simple\n    reason: 5xx above 5 %\n    started_at: 2026-11-18T02:30:00Z\n    restored_at: 2026-11-18T02:41:00Z\n    validation: {smoke_tests: passed, error_rates: normal, customer_access: verified, monitored_minutes: 30}\n    post_actions: {lessons_learned: a, root_cause: b, redeploy_plan: c}\n";
    assert_clean(&format!("{rolled}{entry}"));
    assert_fires(
        "rollback-record-incomplete",
        &format!("{rolled}{}", entry.replace("    reason: 5xx above 5 %\n", "")),
    );
}

#[test]
fn text_output_names_file_line_column_severity_rule_and_hint() {
    let repo = Repo::initialised();
    repo.write(PATH, &approved().replace("qa_review: passed", "qa_review: not-run"));
    let run = repo.chg(&["check"]).status(1);
    let mut lines = run.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "changes/2026/CHG-2026-0001.yaml:16:3: error[testing-incomplete]: `qa_review` testing is not-run; a normal change needs it passed before approval"
    );
    assert!(lines
        .next()
        .unwrap()
        .starts_with("  hint: run it and set `testing.qa_review: passed`"));
    assert!(run.stderr.contains("1 error"), "{}", run.stderr);
}

#[test]
fn github_format_annotates_the_line() {
    let repo = Repo::initialised();
    repo.write(PATH, &approved().replace("qa_review: passed", "qa_review: not-run"));
    let run = repo.chg(&["check", "--format", "github"]).status(1);
    assert!(
        run.stdout.starts_with("::error file=changes/2026/CHG-2026-0001.yaml,line=16,col=3,title=testing-incomplete::`qa_review` testing is not-run"),
        "{}",
        run.stdout
    );
}

#[test]
fn strict_makes_warnings_count_and_paths_limit_the_check() {
    let repo = Repo::initialised();
    repo.write(
        PATH,
        &normal_record("CHG-2026-0001", "submitted").replace("qa_review: passed", "qa_review: not-run"),
    );
    repo.chg(&["check"]).ok();
    repo.chg(&["check", "--strict"]).status(1);
    repo.write("changes/2026/CHG-2026-0002.yaml", "not: [valid");
    repo.chg(&["check", PATH]).ok();
    repo.chg(&["check"]).status(2);
}

#[test]
fn a_broken_policy_is_reported_with_its_line() {
    let repo = Repo::initialised();
    repo.write("changes/policy.yaml", "rto: {simple: 15 minutes}\n");
    let run = repo.chg(&["check"]).status(1);
    assert!(run.stdout.starts_with("changes/policy.yaml:1:"), "{}", run.stdout);
    assert!(run.stdout.contains("15m"), "{}", run.stdout);
}

#[test]
fn merge_conflict_markers_point_at_the_lines() {
    let text = approved().replace(
        "priority: high\n",
        "<<<<<<< HEAD\npriority: high\n=======\npriority: low\n>>>>>>> other\n",
    );
    let repo = Repo::initialised();
    repo.write(PATH, &text);
    let run = repo.chg(&["check"]).status(2);
    assert!(
        run.stdout.contains(
            "CHG-2026-0001.yaml:7:1: error[merge-conflict]: unresolved merge-conflict markers at lines 7, 9, 11"
        ),
        "{}",
        run.stdout
    );
}
