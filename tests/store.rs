//! The change store: `init`, `new`, `show`, `list`, `schema`, and bad input.

use crate::support::*;

#[test]
fn init_writes_policy_and_templates_and_is_idempotent() {
    let repo = Repo::new();
    repo.chg(&["init"]).is(
        0,
        "Created changes/policy.yaml
Created changes/templates/certificate-renewal.yaml
Created changes/templates/log-rotation.yaml
Created changes/templates/security-patching.yaml
Created changes/schemas/change.schema.json
Created changes/schemas/policy.schema.json
Created changes/schemas/template.schema.json
Created changes/schemas/rehearsals.schema.json
Committed as \"chg: init the change store\"
",
        "",
    );
    let policy = repo.read("changes/policy.yaml");
    assert_contains(
        &policy,
        &[
            "roles:",
            "approvals:",
            "risk_matrix:",
            "windows:",
            "freezes:",
            "rto:",
            "emergency_deadlines:",
            "targets:",
        ],
    );
    assert!(
        policy.lines().filter(|l| l.starts_with('#')).count() >= 10,
        "policy has comments"
    );
    for t in ["certificate-renewal", "log-rotation", "security-patching"] {
        assert!(repo.join(&format!("changes/templates/{t}.yaml")).exists());
    }
    let log = repo.git(&["log", "--format=%s"]);
    assert_eq!(log.trim(), "chg: init the change store");
    let before = repo.git(&["rev-parse", "HEAD"]);
    repo.chg(&["init"]).is(
        0,
        "changes is already initialised; nothing changed
",
        "",
    );
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), before, "no new commit");
}

/// A new store and the successful run of `chg <line>` in it.
fn created(line: &str) -> (Test, Run) {
    let repo = Test::new();
    let run = repo.chg_line(line).ok();
    (repo, run)
}

#[test]
fn new_with_flags_writes_commits_and_prints_the_id() {
    let (repo, run) = created("new --no-input --title 'Upgrade postgres to 16.4' --description 'Minor version upgrade.' --justification 'Security fixes' --impact medium --likelihood low --system postgres-main --system billing-worker --strategy blue-green --window-start '2026-12-01 02:00' --window-end 2026-12-01T03:30:00Z --rollback-plan 'Fail back to the old primary.' --rollback-kind complex --test unit=passed --test qa-review=not-run");
    assert_eq!(run.stdout, "Created CHG-2026-0001 (changes/2026/CHG-2026-0001.yaml)\n");
    let text = repo.read("changes/2026/CHG-2026-0001.yaml");
    assert_eq!(
        text,
        r#"# yaml-language-server: $schema=../schemas/change.schema.json
---
schema_version: 1
id: CHG-2026-0001
title: Upgrade postgres to 16.4
status: draft
classification: normal
risk:
  impact: medium
  likelihood: low
priority: medium
requested_by: Jane Doe <jane@example.com>
created_at: "2026-11-25T12:00:00Z"
description: Minor version upgrade.
justification:
  business_reason: Security fixes
systems:
  - postgres-main
  - billing-worker
testing:
  unit: passed
  qa_review: not-run
deployment:
  strategy: blue-green
  window:
    start: "2026-12-01T02:00:00Z"
    end: "2026-12-01T03:30:00Z"
rollback:
  plan: Fail back to the old primary.
  kind: complex
"#
    );
    let log = repo.git(&["log", "-1", "--format=%an <%ae>|%s", "--name-only"]);
    assert!(
        log.starts_with("Jane Doe <jane@example.com>|chg: new CHG-2026-0001 (Upgrade postgres to 16.4)"),
        "{log}"
    );
    assert!(
        log.trim_end().ends_with("changes/2026/CHG-2026-0001.yaml"),
        "only the record: {log}"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "", "work tree clean");
    repo.chg(&["check"]).ok();
}

#[test]
fn new_allocates_the_next_id_past_other_branches() {
    let repo = Test::new();
    repo.chg_line("new --no-input --title a --impact low --likelihood medium")
        .ok();
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.chg_line("new --no-input --title b --impact low --likelihood medium")
        .ok();
    repo.git(&["checkout", "-q", "main"]);
    // 0002 is taken on branch `other`.
    repo.chg_line("new --no-input --title c --impact low --likelihood medium")
        .is(
            0,
            "Created CHG-2026-0003 (changes/2026/CHG-2026-0003.yaml)
",
            "",
        );
}

#[test]
fn new_with_template_makes_a_standard_change() {
    let (repo, run) = created("new --no-input --template log-rotation --system api-gateway --format json");
    let record = run.json();
    assert_eq!(record["id"], "CHG-2026-0001");
    assert_eq!(record["classification"], "standard");
    assert_eq!(record["template"], "log-rotation");
    assert_eq!(record["title"], "Adjust log rotation and retention");
    assert_eq!(record["systems"][0], "api-gateway");
    assert_eq!(record["rollback"]["kind"], "simple");
    repo.chg_line("new --no-input --template log-rotaton").is(
        2,
        "",
        "error: no template `log-rotaton` in changes/templates/
  hint: did you mean `log-rotation`? The catalogue has: certificate-renewal, log-rotation, security-patching
",
    );
    repo.chg_line("new --no-input --template ../policy").is(
        2,
        "",
        "error: `--template ../policy` is not a template name
  hint: name a file in changes/templates/ without its `.yaml`
",
    );
}

#[test]
fn new_without_input_names_the_missing_flag_and_writes_nothing() {
    let repo = Test::new();
    repo.chg_line("new --no-input --impact low --likelihood low")
        .misses("--title", "`chg new`");
    repo.chg_line("new --no-input --title x")
        .misses("--impact", "`chg new`");
    assert!(!repo.join("changes/2026").exists() || std::fs::read_dir(repo.join("changes/2026")).unwrap().count() == 0);
}

#[test]
fn new_refuses_a_class_below_the_risk_matrix() {
    let repo = Test::new();
    repo.chg_line("new --no-input --title x --impact high --likelihood high --classification normal")
        .is(
            1,
            "",
            "error: impact high and likelihood high need at least a major change, not normal
  hint: use `--classification major` (or higher), or leave it out to get major
",
        );
}

#[test]
fn new_defaults_the_class_from_the_risk_matrix() {
    let repo = Test::new();
    repo.chg_line("new --no-input --title x --impact high --likelihood medium --no-commit")
        .ok();
    assert_lines(
        &repo.read("changes/2026/CHG-2026-0001.yaml"),
        &["classification: major"],
    );
    assert_eq!(
        repo.git(&["status", "--porcelain", "--untracked-files=all"]),
        "?? changes/2026/CHG-2026-0001.yaml\n",
        "--no-commit leaves it uncommitted"
    );
}

#[test]
fn concurrent_new_gets_distinct_ids() {
    let repo = Test::new();
    let children: Vec<_> = (0..8)
        .map(|i| {
            let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chg"));
            cmd.current_dir(repo.path());
            let home = tempfile::tempdir().unwrap();
            isolate(&mut cmd, home.path());
            cmd.env("GIT_AUTHOR_NAME", "Jane Doe")
                .env("GIT_AUTHOR_EMAIL", "jane@example.com");
            cmd.args([
                "new",
                "--no-input",
                "--no-commit",
                "--title",
                &format!("t{i}"),
                "--impact",
                "low",
                "--likelihood",
                "medium",
            ]);
            cmd.stdout(std::process::Stdio::null());
            (cmd.spawn().unwrap(), home)
        })
        .collect();
    for (mut child, _home) in children {
        assert!(child.wait().unwrap().success());
    }
    let names: Vec<String> = std::fs::read_dir(repo.join("changes/2026"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.iter().filter(|n| n.ends_with(".yaml")).count(), 8, "{names:?}");
    assert!(
        names.iter().all(|n| !n.starts_with(".chg-")),
        "no temporary files: {names:?}"
    );
}

#[test]
fn show_prints_text_yaml_and_json() {
    let repo = Test::new().record(Record::normal("CHG-2026-0042"));
    repo.chg(&["show", "CHG-2026-0042"]).is(
        0,
        "CHG-2026-0042  Enable canary routing for checkout-api
  status             draft
  classification     normal
  risk               impact medium, likelihood low
  priority           high
  requested by       Jane Doe <jane@example.com>
  created            2026-11-16 09:12 UTC
  systems            checkout-api, pricing-service
  file               changes/2026/CHG-2026-0042.yaml

  description:
    Route 5 % of checkout traffic through the new pricing service.
  business reason:
    Pricing moves to its own service
  expected benefit:
    Prices change without a checkout deploy

testing
  unit               passed
  integration        passed
  qa_review          passed

deployment
  strategy           canary
  window             2026-11-18 02:00 → 2026-11-18 04:00 UTC

rollback plan
  kind               simple
  last tested        2026-11-09
  rehearsal          simple rollback rehearsed and passed on 2026-11-09
  plan:
    Set canary weight to 0, redeploy checkout-api v41.
",
        "",
    );
    repo.chg(&["show", "CHG-2026-0042", "--format", "yaml"]).is(
        0,
        "---
schema_version: 1
id: CHG-2026-0042
title: Enable canary routing for checkout-api
status: draft
classification: normal
risk:
  impact: medium
  likelihood: low
priority: high
requested_by: Jane Doe <jane@example.com>
created_at: \"2026-11-16T09:12:00Z\"
description: |
  Route 5 % of checkout traffic through the new pricing service.
justification:
  business_reason: Pricing moves to its own service
  expected_benefit: Prices change without a checkout deploy
systems:
  - checkout-api
  - pricing-service
testing:
  unit: passed
  integration: passed
  qa_review: passed
deployment:
  strategy: canary
  window:
    start: \"2026-11-18T02:00:00Z\"
    end: \"2026-11-18T04:00:00Z\"
rollback:
  plan: |
    Set canary weight to 0, redeploy checkout-api v41.
  kind: simple
  last_tested: \"2026-11-09\"
",
        "",
    );
    let json = repo.chg(&["show", "CHG-2026-0042", "--format", "json"]).ok().json();
    assert_eq!(json["systems"][1], "pricing-service");
}

#[test]
fn show_unknown_id_names_the_closest() {
    let repo = Test::new().record(Record::normal("CHG-2026-0042"));
    repo.chg(&["show", "CHG-2026-0043"]).is(
        2,
        "",
        "error: no change `CHG-2026-0043` in changes
  hint: closest existing ids: CHG-2026-0042
",
    );
    repo.chg(&["show", "../../etc/passwd"]).is(
        2,
        "",
        "error: `../../etc/passwd` is not a change id; ids look like `CHG-2026-0042` (run `chg list` to see them)
",
    );
}

#[test]
fn list_filters_and_formats() {
    let repo = Test::new().record(Record::normal("CHG-2026-0001")).record(
        Record::normal("CHG-2026-0002")
            .status("submitted")
            .systems(&["auth-service"]),
    );
    repo.chg(&["list", "--format", "table"]).is(0, "┌───────────────┬───────────┬────────┬────────────┬────────────┬───────────────┬─────────────────┬──────────────┐
│ ID            ┆ Status    ┆ Class  ┆ Risk       ┆ Date       ┆ Title         ┆ Systems         ┆ Requested by │
╞═══════════════╪═══════════╪════════╪════════════╪════════════╪═══════════════╪═════════════════╪══════════════╡
│ CHG-2026-0001 ┆ draft     ┆ normal ┆ medium/low ┆ 2026-11-18 ┆ Enable canary ┆ checkout-api,   ┆ Jane Doe     │
│               ┆           ┆        ┆            ┆ 02:00      ┆ routing for   ┆ pricing-service ┆              │
│               ┆           ┆        ┆            ┆            ┆ checkout-api  ┆                 ┆              │
│ CHG-2026-0002 ┆ submitted ┆ normal ┆ medium/low ┆ 2026-11-18 ┆ Enable canary ┆ auth-service    ┆ Jane Doe     │
│               ┆           ┆        ┆            ┆ 02:00      ┆ routing for   ┆                 ┆              │
│               ┆           ┆        ┆            ┆            ┆ checkout-api  ┆                 ┆              │
└───────────────┴───────────┴────────┴────────────┴────────────┴───────────────┴─────────────────┴──────────────┘
2 changes
", "");
    repo.chg(&["list", "--status", "submitted", "--format", "csv"]).is(
        0,
        "ID,Status,Class,Risk,Date,Title,Systems,Requested by
CHG-2026-0002,submitted,normal,medium/low,2026-11-18 02:00,Enable canary routing for checkout-api,auth-service,Jane Doe
",
        "",
    );
    let rows = repo
        .chg(&["list", "--system", "checkout-api", "--format", "json"])
        .ok()
        .json();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["id"], "CHG-2026-0001");
    repo.chg_line("list --format markdown --since 2026-11-18 --until 2026-11-19")
        .is(
            0,
            "| ID | Status | Class | Risk | Date | Title | Systems | Requested by |
|---|---|---|---|---|---|---|---|
| CHG-2026-0001 | draft | normal | medium/low | 2026-11-18 02:00 | Enable canary routing for checkout-api | checkout-api, pricing-service | Jane Doe |
| CHG-2026-0002 | submitted | normal | medium/low | 2026-11-18 02:00 | Enable canary routing for checkout-api | auth-service | Jane Doe |
",
            "",
        );
    repo.chg(&["list", "--since", "2027-01-01", "--format", "table"])
        .is(0, "no changes match\n", "");
}

#[test]
fn list_fails_on_an_unparsable_record() {
    let repo = Test::new();
    repo.write("changes/2026/CHG-2026-0001.yaml", "schema_version: 1\nid: [\n");
    repo.chg(&["list"]).is(
        2,
        "",
        "error: a record does not parse; `chg check` lists every problem
  caused by: changes/2026/CHG-2026-0001.yaml:3:1: did not find expected node content
  hint: fix the YAML syntax at this place; `chg schema` shows the record format
",
    );
}

#[test]
fn schema_command_prints_the_committed_schemas() {
    let repo = Repo::new();
    for (kind, file) in [
        ("change", "change.schema.json"),
        ("policy", "policy.schema.json"),
        ("template", "template.schema.json"),
        ("rehearsals", "rehearsals.schema.json"),
    ] {
        let printed = repo.chg(&["schema", kind]).ok().stdout;
        let committed = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("schemas")
                .join(file),
        )
        .unwrap_or_default();
        assert_eq!(
            printed, committed,
            "schemas/{file} differs from what the code accepts; regenerate it with `cargo run -- schema {kind} > schemas/{file}`"
        );
        let value: serde_json::Value = serde_json::from_str(&printed).unwrap();
        assert_eq!(value["$schema"], "https://json-schema.org/draft/2020-12/schema");
    }
}

#[test]
fn outside_a_git_work_tree_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chg"));
    cmd.current_dir(dir.path()).arg("list");
    isolate(&mut cmd, dir.path());
    cmd.env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap());
    let out = cmd.output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        stderr,
        format!(
            "error: {0} is not inside a git work tree (could not find repository at '{0}')\n  hint: run `git init` first, or pass `--store DIR` inside a git work tree\n",
            dir.path().display()
        )
    );
}

#[test]
fn a_missing_store_says_to_run_init() {
    let repo = Repo::new();
    repo.chg(&["list"]).is(
        2,
        "",
        "error: no change store: changes does not exist
  hint: run `chg init` to create it, or pass `--store DIR`
",
    );
}

#[test]
fn help_explains_every_command_with_an_example() {
    assert_help_has_an_example(&["init", "new", "show", "list", "check", "schema"]);
}

#[test]
fn bad_input_gives_a_located_error_and_no_panic() {
    let repo = Test::new();
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    let deep = format!("{}1{}\n", "[".repeat(500), "]".repeat(500));
    let large = format!("schema_version: 1\ndescription: |\n{}", "  x\n".repeat(400_000));
    // Each case: the file, where chg points, what it says and what to do.
    let cases: Vec<(String, &str)> = vec![
        (
            "schema_version: 1\nid: CHG-2026-0001\ntitle: x: y\n".into(),
            "3:9: error[yaml-syntax]: mapping values are not allowed in this context
  hint: fix the YAML syntax at this place; `chg schema` shows the record format",
        ),
        (
            "- just\n- a list\n".into(),
            "1:1: error[yaml-syntax]: the document is a list, not a mapping of keys to values
  hint: a record starts with `schema_version: 1` followed by `key: value` lines; see `chg schema`",
        ),
        (
            "schema_version: 1\nrisk:\n\timpact: low\n".into(),
            "3:1: error[yaml-syntax]: found character that cannot start any token
  hint: YAML does not allow tabs for indentation; indent with spaces",
        ),
        (
            bomb.into(),
            "1:1: error[yaml-syntax]: repetition limit exceeded
  hint: the document expands aliases too many times (an alias bomb?); write the values out",
        ),
        (
            deep,
            "1:129: error[yaml-syntax]: recursion limit exceeded
  hint: the document is nested too deeply; a record is at most a few levels deep",
        ),
        (
            large,
            "1:1: error[yaml-syntax]: the file is 1562 KiB, over the limit of 1024 KiB
  hint: a record is small; move attachments out of `changes/` and link to them",
        ),
    ];
    for (text, said) in cases {
        repo.write("changes/2026/CHG-2026-0001.yaml", &text);
        let name = said.lines().next().unwrap_or_default();
        repo.chg(&["check"]).is(
            2,
            &format!("changes/2026/CHG-2026-0001.yaml:{said}\n"),
            "checked 1 file: 1 error, 0 warnings\n",
        );
        let show = repo.chg(&["show", "CHG-2026-0001"]);
        assert_eq!(show.status, 2, "{name}: show {show:?}");
    }
}
