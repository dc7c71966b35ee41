//! Edits are patches (issue 14): an action changes only the lines it means.
//! Each test starts from a record written by hand, with the schema header, a
//! comment, flow-style collections, a four-space indent and unusual quoting,
//! runs the real binary and compares the commit's diff with the lines the
//! action should change, exactly.

use crate::support::*;

const ID: &str = "CHG-2026-0001";
const FILE: &str = "changes/2026/CHG-2026-0001.yaml";

/// A submitted normal change, written the way a person might write it.
const SUBMITTED: &str = r#"# yaml-language-server: $schema=../schemas/change.schema.json
# Payments team: keep the steps in the runbook's order.
schema_version: 1
id: CHG-2026-0001
title: 'Enable canary routing: checkout-api'
status: submitted   # chg moves this
classification: normal
risk: {impact: medium, likelihood: low}
priority: high
requested_by: "Jane Doe <jane@example.com>"
created_at: '2026-11-16T09:12:00Z'
description: |
  Route 5 % of checkout traffic through the new pricing service.
systems: [checkout-api, pricing-service]
testing: {unit: passed, integration: passed, qa_review: passed}
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
x-ticket: "OPS-1234"
"#;

/// A store with the hand-written record committed, `CHG_NOW` at 2026-11-25 12:00 UTC.
fn store_with(record: &str) -> Repo {
    let mut repo = Repo::initialised();
    repo.write(FILE, record);
    repo.commit_all_at(JANE, "2026-11-16T09:12:00Z", "a hand-written record");
    repo.now = Some("2026-11-25T12:00:00Z".into());
    repo
}

/// The lines the last commit removed (`-`) and added (`+`) in the record, in order.
fn changed_lines(repo: &Repo) -> Vec<String> {
    repo.git(&["show", "--format=", "--unified=0", "HEAD", "--", FILE])
        .lines()
        .filter(|l| (l.starts_with('+') || l.starts_with('-')) && !l.starts_with("+++ ") && !l.starts_with("--- "))
        .map(str::to_string)
        .collect()
}

/// Asserts the last commit changed exactly these lines of the record.
#[track_caller]
fn assert_changed(repo: &Repo, expected: &[&str]) {
    let got = changed_lines(repo);
    assert_eq!(
        got,
        expected,
        "the diff of the last commit:\n{}\nthe file:\n{}",
        got.join("\n"),
        repo.read(FILE)
    );
}

#[test]
fn approve_adds_the_approval_and_changes_the_status_line_and_nothing_else() {
    let repo = store_with(SUBMITTED);
    repo.chg_as(SAM, &["approve", ID]).ok();
    assert_changed(
        &repo,
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
            "+      sha256:d78d8ea07e07598dfe50f2267b69ac89696da981b3bd5b69696a76c9a36e7f89",
        ],
    );
    repo.chg(&["check", FILE]).ok();
}
