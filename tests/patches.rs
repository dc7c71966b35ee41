//! Edits are patches (issue 14): an action changes only the lines it means.
//! Each test starts from a record written by hand, with the schema header, a
//! comment, flow-style collections, a four-space indent and unusual quoting,
//! runs the real binary and compares the commit's diff with the lines the
//! action should change, exactly.

use crate::support::*;

const ID: &str = "CHG-2026-0001";
const FILE: &str = "changes/2026/CHG-2026-0001.yaml";

/// A normal change with this status, written the way a person might write
/// it; `more` (whole lines) goes before its extension key.
fn hand_written(status: &str, more: &str) -> String {
    format!(
        r#"# yaml-language-server: $schema=../schemas/change.schema.json
# Payments team: keep the steps in the runbook's order.
schema_version: 1
id: CHG-2026-0001
title: 'Enable canary routing: checkout-api'
status: {status}   # chg moves this
classification: normal
risk: {{impact: medium, likelihood: low}}
priority: high
requested_by: "Jane Doe <jane@example.com>"
created_at: '2026-11-16T09:12:00Z'
description: |
  Route 5 % of checkout traffic through the new pricing service.
justification:
  business_reason: Pricing errors cost 0.3 % of orders.
  expected_benefit: Correct prices for all regions.
systems: [checkout-api, pricing-service]
testing: {{unit: passed, integration: passed, qa_review: passed}}
deployment:
    strategy: canary    # four spaces here, on purpose
    steps:
    - Shift 5 % of traffic
    - 'Watch the error rate: under 1 %'
rollback:
  plan: >
    Set canary weight to 0,
    redeploy checkout-api v41.
  kind: simple
{more}x-ticket: "OPS-1234"
"#
    )
}

/// The hand-written change, submitted.
fn submitted() -> String {
    hand_written("submitted", "")
}

/// A store with the hand-written record committed, `CHG_NOW` at 2026-11-25 12:00 UTC.
fn store_with(record: &str) -> Test {
    Test::new()
        .at("2026-11-16T09:12:00Z")
        .file(FILE, record)
        .commit_as(JANE, "a hand-written record")
        .at(NOW)
}

/// The lines the last commit removed (`-`) and added (`+`) in a file, in order.
fn changed_lines(repo: &Repo, file: &str) -> Vec<String> {
    repo.git(&["show", "--format=", "--unified=0", "HEAD", "--", file])
        .lines()
        .filter(|l| (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++ ") && !l.starts_with("--- "))
        .map(str::to_string)
        .collect()
}

/// Runs a command line as `who` and asserts the commit it made changed
/// exactly these lines of the record.
#[track_caller]
fn step(repo: &Repo, who: Who, line: &str, expected: &[&str]) {
    repo.chg_line_as(who, line).ok();
    let got = changed_lines(repo, FILE);
    assert_eq!(
        got,
        expected,
        "`chg {line}` changed other lines; the diff of its commit:\n{}\nthe file:\n{}",
        got.join("\n"),
        repo.read(FILE)
    );
}

#[test]
fn approve_adds_the_approval_and_changes_the_status_line_and_nothing_else() {
    let repo = store_with(&submitted());
    step(
        &repo,
        SAM,
        "approve CHG-2026-0001",
        &[
            "-status: submitted   # chg moves this",
            "+status: approved   # chg moves this",
            "+approvals:",
            "+  - role: change-manager",
            "+    approver: Sam Lee <sam@example.com>",
            "+    decision: approved",
            "+    method: written",
            "+    at: \"2026-11-25T12:00:00Z\"",
            "+    scope: >-",
            "+      sha256:c4560c6c62f91179d9005f67f1340daf296ca2c871067071df85d7cfa44eae46",
        ],
    );
    repo.chg(&["check", FILE]).ok();
}

#[test]
fn each_step_from_approval_to_close_changes_only_its_lines() {
    let mut repo = store_with(&submitted());
    repo.chg_as(SAM, &["approve", ID]).ok();

    step(
        &repo,
        JANE,
        "schedule CHG-2026-0001 --start '2026-11-26 02:00' --end '2026-11-26 04:00'",
        &[
            "-status: approved   # chg moves this",
            "+status: scheduled   # chg moves this",
            "+    window:",
            "+      start: \"2026-11-26T02:00:00Z\"",
            "+      end: \"2026-11-26T04:00:00Z\"",
        ],
    );

    repo.set_now("2026-11-26T02:10:00Z");
    step(
        &repo,
        JANE,
        "start CHG-2026-0001 --at 2026-11-26T02:05:00Z",
        &[
            "-status: scheduled   # chg moves this",
            "+status: in-progress   # chg moves this",
            "+implementation:",
            "+  started_at: \"2026-11-26T02:05:00Z\"",
        ],
    );

    repo.set_now("2026-11-26T02:45:00Z");
    step(
        &repo,
        JANE,
        "complete CHG-2026-0001 --smoke-tests passed --error-rates normal --issue 'one pod restarted'",
        &[
            "-status: in-progress   # chg moves this",
            "+status: completed   # chg moves this",
            "+  finished_at: \"2026-11-26T02:45:00Z\"",
            "+  outcome: successful",
            "+  validation:",
            "+    smoke_tests: passed",
            "+    error_rates: normal",
            "+  issues:",
            "+    - one pod restarted",
        ],
    );

    step(
        &repo,
        JANE,
        "review CHG-2026-0001 --summary 'deployed in one window' --lessons-learned 'watch pod restarts'",
        &[
            "+review:",
            "+  completed_at: \"2026-11-26T02:45:00Z\"",
            "+  summary: deployed in one window",
            "+  lessons_learned: watch pod restarts",
        ],
    );

    repo.set_now("2026-11-26T03:50:00Z");
    step(
        &repo,
        JANE,
        "monitor CHG-2026-0001 --observed 'error rate flat'",
        &[
            "+monitoring:",
            "+  - by: Jane Doe <jane@example.com>",
            "+    from: \"2026-11-26T02:45:00Z\"",
            "+    to: \"2026-11-26T03:50:00Z\"",
            "+    observed: error rate flat",
        ],
    );

    step(
        &repo,
        JANE,
        "close CHG-2026-0001",
        &[
            "-status: completed   # chg moves this",
            "+status: closed   # chg moves this",
        ],
    );
    let text = repo.read(FILE);
    for kept in [
        "# yaml-language-server: $schema=../schemas/change.schema.json\n# Payments team",
        "title: 'Enable canary routing: checkout-api'\n",
        "systems: [checkout-api, pricing-service]\n",
        "testing: {unit: passed, integration: passed, qa_review: passed}\n",
        "x-ticket: \"OPS-1234\"\n",
    ] {
        assert!(text.contains(kept), "lost {kept:?}:\n{text}");
    }
    repo.chg(&["check", FILE]).ok();
}

#[test]
fn reject_adds_the_rejection_and_changes_the_status_line() {
    let repo = store_with(&submitted());
    step(
        &repo,
        SAM,
        "reject CHG-2026-0001 --reason 'no canary dashboard yet'",
        &[
            "-status: submitted   # chg moves this",
            "+status: rejected   # chg moves this",
            "+approvals:",
            "+  - role: change-manager",
            "+    approver: Sam Lee <sam@example.com>",
            "+    decision: rejected",
            "+    method: written",
            "+    at: \"2026-11-25T12:00:00Z\"",
            "+    comment: no canary dashboard yet",
            "+    scope: >-",
            "+      sha256:c4560c6c62f91179d9005f67f1340daf296ca2c871067071df85d7cfa44eae46",
        ],
    );
}

#[test]
fn cancel_adds_the_cancellation_and_changes_the_status_line() {
    let repo = store_with(&submitted());
    step(
        &repo,
        JANE,
        "cancel CHG-2026-0001 --reason 'superseded by CHG-2026-0002'",
        &[
            "-status: submitted   # chg moves this",
            "+status: cancelled   # chg moves this",
            "+cancellation:",
            "+  at: \"2026-11-25T12:00:00Z\"",
            "+  by: Jane Doe <jane@example.com>",
            "+  reason: superseded by CHG-2026-0002",
        ],
    );
}

#[test]
fn submit_changes_only_the_status_line() {
    let repo = store_with(&hand_written("draft", ""));
    step(
        &repo,
        JANE,
        "submit CHG-2026-0001",
        &[
            "-status: draft   # chg moves this",
            "+status: submitted   # chg moves this",
        ],
    );
}

/// The hand-written record in progress: approved, scheduled and started.
fn in_progress() -> String {
    hand_written(
        "in-progress",
        "approvals:\n  - {role: change-manager, approver: Sam Lee <sam@example.com>, decision: approved,\n     method: written, at: '2026-11-17T10:03:00Z'}\nimplementation:\n  started_at: '2026-11-25T11:05:00Z'   # as the bridge call logged it\n",
    )
}

#[test]
fn fail_records_the_failure_in_the_implementation_and_nothing_else() {
    let repo = store_with(&in_progress());
    step(
        &repo,
        JANE,
        "fail CHG-2026-0001 --reason 'checkout latency doubled'",
        &[
            "-status: in-progress   # chg moves this",
            "+status: failed   # chg moves this",
            "+  finished_at: \"2026-11-25T12:00:00Z\"",
            "+  outcome: failed",
            "+  issues:",
            "+    - checkout latency doubled",
        ],
    );
}

#[test]
fn rollback_adds_the_rollback_entry_and_changes_the_status_line() {
    let repo = store_with(&in_progress());
    step(&repo, JANE, "rollback CHG-2026-0001 --trigger error-rate --reason '5xx above 5 % on canary' --mode immediate --kind simple --started-at 2026-11-25T11:40:00Z --restored-at 2026-11-25T11:50:00Z --smoke-tests passed --error-rates normal --customer-access verified", &[
            "-status: in-progress   # chg moves this",
            "+status: rolled-back   # chg moves this",
            "+  finished_at: \"2026-11-25T11:40:00Z\"",
            "+  outcome: rolled-back",
            "+rollbacks:",
            "+  - trigger: error-rate",
            "+    mode: immediate",
            "+    kind: simple",
            "+    reason: 5xx above 5 % on canary",
            "+    started_at: \"2026-11-25T11:40:00Z\"",
            "+    restored_at: \"2026-11-25T11:50:00Z\"",
            "+    validation:",
            "+      smoke_tests: passed",
            "+      error_rates: normal",
            "+      customer_access: verified",
            "+      verified_by:",
            "+        - Jane Doe <jane@example.com>",
            "+    issues: []",
            "+    post_actions:",
            "+      lessons_learned: null",
            "+      root_cause: null",
            "+      redeploy_plan: null",
            "+    duration_minutes: 10",
            "+    rto_exceeded: false",
        ],
    );
}

/// An emergency draft with one verbal approval, in flow style.
const EMERGENCY: &str = r#"# yaml-language-server: $schema=../schemas/change.schema.json
schema_version: 1
id: CHG-2026-0001
title: "Patch RCE in api-gateway"
status: draft
classification: emergency
risk: {impact: high, likelihood: medium}
priority: high
requested_by: Jane Doe <jane@example.com>
created_at: '2026-11-25T11:45:00Z'
description: Patch the request parser.
justification: {business_reason: Remote code execution on the public API, expected_benefit: The hole closed}
systems: [api-gateway]   # the public one
testing: {unit: passed}
rollback: {plan: Redeploy the previous image, kind: simple}
approvals:
  - {role: ciso, approver: carol <carol@example.com>, decision: approved, method: verbal, at: '2026-11-25T11:50:00Z'}
emergency: {criteria: [critical-vulnerability], cvss: 9.8, impact_of_not_implementing: Remote code execution}
"#;

#[test]
fn emergency_steps_change_only_their_lines() {
    let mut repo = store_with(EMERGENCY);
    step(
        &repo,
        JANE,
        "approve CHG-2026-0001 --verbal --role cto --by 'Dave Kim <dave@example.com>' --at 11:52",
        &[
            "+  - role: cto",
            "+    approver: Dave Kim <dave@example.com>",
            "+    decision: approved",
            "+    method: verbal",
            "+    at: \"2026-11-25T11:52:00Z\"",
        ],
    );
    step(
        &repo,
        JANE,
        "start CHG-2026-0001",
        &[
            "-status: draft",
            "+status: in-progress",
            "+implementation:",
            "+  started_at: \"2026-11-25T12:00:00Z\"",
        ],
    );
    repo.set_now("2026-11-25T13:00:00Z");
    step(&repo, JANE, "complete CHG-2026-0001 --smoke-tests passed", &[
            "-status: in-progress",
            "+status: completed",
            // The restoration of service, for the time to resolution (issue 15.9).
            "-emergency: {criteria: [critical-vulnerability], cvss: 9.8, impact_of_not_implementing: Remote code execution}",
            "+  finished_at: \"2026-11-25T13:00:00Z\"",
            "+  outcome: successful",
            "+  validation:",
            "+    smoke_tests: passed",
            "+emergency: {criteria: [critical-vulnerability], cvss: 9.8, impact_of_not_implementing: Remote code execution, restored_at: \"2026-11-25T13:00:00Z\"}",
        ],
    );
    step(&repo, JANE, "submit CHG-2026-0001", &[
            "-emergency: {criteria: [critical-vulnerability], cvss: 9.8, impact_of_not_implementing: Remote code execution, restored_at: \"2026-11-25T13:00:00Z\"}",
            // The flow mapping stays one flow mapping on its line.
            "+emergency: {criteria: [critical-vulnerability], cvss: 9.8, impact_of_not_implementing: Remote code execution, documented_at: \"2026-11-25T13:00:00Z\", restored_at: \"2026-11-25T13:00:00Z\"}",
        ],
    );
}

#[test]
fn renumber_changes_only_the_id_line() {
    let repo = store_with(&submitted());
    repo.chg(&["renumber", ID]).ok();
    let diff = repo.git(&["show", "-M", "--format=", "--unified=0", "HEAD"]);
    let changed: Vec<&str> = diff
        .lines()
        .filter(|l| (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++ ") && !l.starts_with("--- "))
        .collect();
    assert_eq!(changed, ["-id: CHG-2026-0001", "+id: CHG-2026-0002"], "{diff}");
    assert_lines(&diff, &["rename to changes/2026/CHG-2026-0002.yaml"]);
}

/// The submitted record with `line`'s value anchored as `name` and an
/// `x-name` key that is an alias of it: a patch of that value cannot keep it.
fn store_with_alias(line: &str, name: &str) -> Test {
    let (key, value) = line.split_once(": ").unwrap();
    // The anchor (YAML's `&name`) goes on the value where it stands; the alias last.
    let text = hand_written("submitted", &format!("x-{name}: *{name}\n"));
    store_with(&text.replacen(line, &format!("{key}: &{name} {value}"), 1))
}

/// What chg says on stderr when it wrote `file` whole.
fn rewrote_whole(file: &str) -> String {
    format!("warning: could not keep the layout of {file}; rewrote it whole, so its comments and formatting may have changed\n")
}

/// The patch is checked before it is written: here editing `status` in place
/// would also change `x-was`, an alias of it, so the record is written whole
/// (comments lost) and still holds exactly what the action meant.
#[test]
fn a_patch_that_would_read_back_differently_is_replaced_by_the_whole_record() {
    let repo = store_with_alias("status: submitted", "was");
    repo.chg_as(SAM, &["approve", ID]).ok().stderr_is(&rewrote_whole(FILE));
    let text = repo.read(FILE);
    assert!(
        text.starts_with("# yaml-language-server: $schema=../schemas/change.schema.json\n---\n"),
        "{text}"
    );
    assert_lines(&text, &["status: approved", "x-was: submitted"]);
    assert!(
        !text.contains("# Payments team"),
        "a whole rewrite, not a patch:\n{text}"
    );
    repo.chg(&["check", FILE]).ok();
}

const LOG: &str = "changes/rehearsals/checkout-api.yaml";

/// A rehearsal log written by hand: a team note and a flow-style entry.
const HAND_LOG: &str = r#"# yaml-language-server: $schema=../schemas/rehearsals.schema.json
# team note: rehearse after every release of the pricing service
schema_version: 1
system: checkout-api
rehearsals:
  - {at: '2026-11-20T10:00:00Z', kind: simple, minutes: 12, result: passed, by: Jane Doe <jane@example.com>}
"#;

#[test]
fn rehearse_adds_only_the_entry_and_keeps_the_team_note_and_the_flow_style() {
    let repo = store_with(&submitted());
    repo.write(LOG, HAND_LOG);
    repo.commit_all_at(JANE, "2026-11-20T10:30:00Z", "the rehearsal log, by hand");
    repo.chg_line("rehearse checkout-api --kind simple --minutes 9 --result passed --at 10:30")
        .ok()
        .stderr_is("");
    assert_eq!(
        changed_lines(&repo, LOG),
        [
            "+  - at: \"2026-11-25T10:30:00Z\"",
            "+    kind: simple",
            "+    minutes: 9",
            "+    result: passed",
            "+    by: Jane Doe <jane@example.com>"
        ],
        "{}",
        repo.read(LOG)
    );
}

/// Ana's approval, as a person might have written it by hand in a list.
const ANA: &str =
    "role: cab, approver: Ana Ruiz <ana@example.com>, decision: approved, method: written, at: 2026-11-17T10:00:00Z";

/// The shapes of hand-written records a patch keeps (each one tried when
/// deciding whether the whole-rewrite fallback should stay): `chg approve`
/// removes only the lines named, and says nothing about the layout.
#[test]
fn approve_keeps_the_layout_of_each_hand_written_shape() {
    let status = "-status: submitted   # chg moves this";
    let with = |approvals: &str| hand_written("submitted", approvals);
    let block = |indent: &str, comment: &str| {
        let fields = ANA.replace(", ", &format!("\n{indent}  "));
        format!("approvals:\n{comment}{indent}- {fields}\n")
    };
    let flow = format!("approvals: [{{{ANA}}}]\n");
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        ("CRLF line ends", submitted().replace('\n', "\r\n"), vec![status.into()]),
        (
            "a document end marker",
            format!("{}...\n", submitted()),
            vec![status.into()],
        ),
        ("a list at column 0", with(&block("", "")), vec![status.into()]),
        (
            "a comment in the list",
            with(&block("  ", "  # the CAB met on Friday\n")),
            vec![status.into()],
        ),
        (
            "a flow list",
            with(&flow),
            vec![status.into(), format!("-{}", flow.trim_end())],
        ),
    ];
    for (shape, text, removed) in cases {
        let repo = store_with(&text);
        repo.chg_as(SAM, &["approve", ID]).ok().stderr_is("");
        let got: Vec<String> = changed_lines(&repo, FILE)
            .into_iter()
            .filter(|l| l.starts_with('-'))
            .collect();
        let after = repo.read(FILE);
        assert_eq!(got, removed, "{shape}: the file now reads\n{after}");
        // Line ends are layout too: a CRLF file gets CRLF lines.
        let bare_newlines = |t: &str| t.replace("\r\n", "").matches('\n').count();
        assert_eq!(
            bare_newlines(&after) == 0,
            bare_newlines(&text) == 0,
            "{shape}:\n{after:?}"
        );
        repo.chg(&["check", FILE]).ok();
    }
}

/// A renumber that cannot patch the copy (the old id is also an alias's
/// value) writes it whole, keeps what the alias said, and says so.
#[test]
fn renumber_says_when_it_rewrites_the_record_whole() {
    let repo = store_with_alias("id: CHG-2026-0001", "first");
    repo.chg(&["renumber", ID])
        .ok()
        .stderr_is(&rewrote_whole("changes/2026/CHG-2026-0002.yaml"));
    let text = repo.read("changes/2026/CHG-2026-0002.yaml");
    assert!(
        text.contains("\nid: CHG-2026-0002\n") && text.contains("\nx-first: CHG-2026-0001\n"),
        "{text}"
    );
}
