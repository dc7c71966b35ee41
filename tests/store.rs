//! The change store: `init`, `new`, `show`, `list`, `schema`, and bad input.

use crate::support::*;

#[test]
fn init_writes_policy_and_templates_and_is_idempotent() {
    let repo = Repo::new();
    let first = repo.chg(&["init"]).ok();
    assert!(first.stdout.contains("Created changes/policy.yaml"), "{}", first.stdout);
    let policy = repo.read("changes/policy.yaml");
    for key in [
        "roles:",
        "approvals:",
        "risk_matrix:",
        "windows:",
        "freezes:",
        "rto:",
        "emergency_deadlines:",
        "targets:",
    ] {
        assert!(policy.contains(key), "policy lacks {key}");
    }
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
    let second = repo.chg(&["init"]).ok();
    assert!(second.stdout.contains("nothing changed"), "{}", second.stdout);
    assert_eq!(repo.git(&["rev-parse", "HEAD"]), before, "no new commit");
}

#[test]
fn new_with_flags_writes_commits_and_prints_the_id() {
    let repo = Repo::initialised();
    let run = repo
        .chg_line("new --no-input --title 'Upgrade postgres to 16.4' --description 'Minor version upgrade.' --justification 'Security fixes' --impact medium --likelihood low --system postgres-main --system billing-worker --strategy blue-green --window-start '2026-12-01 02:00' --window-end 2026-12-01T03:30:00Z --rollback-plan 'Fail back to the old primary.' --rollback-kind complex --test unit=passed --test qa-review=not-run")
        .ok();
    assert_eq!(run.stdout, "Created CHG-2026-0001 (changes/2026/CHG-2026-0001.yaml)\n");
    let text = repo.read("changes/2026/CHG-2026-0001.yaml");
    assert!(text.starts_with("# yaml-language-server: $schema=../schemas/change.schema.json\n---\nschema_version: 1\nid: CHG-2026-0001\ntitle: Upgrade postgres to 16.4\nstatus: draft\nclassification: normal\n"), "{text}");
    assert!(text.contains("requested_by: Jane Doe <jane@example.com>"));
    assert!(text.contains("start: \"2026-12-01T02:00:00Z\""));
    assert!(text.contains("qa_review: not-run"));
    assert!(text.ends_with('\n'));
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
    let repo = Repo::initialised();
    repo.chg_line("new --no-input --title a --impact low --likelihood medium")
        .ok();
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.chg_line("new --no-input --title b --impact low --likelihood medium")
        .ok();
    repo.git(&["checkout", "-q", "main"]);
    let run = repo
        .chg_line("new --no-input --title c --impact low --likelihood medium")
        .ok();
    assert!(
        run.stdout.contains("CHG-2026-0003"),
        "0002 is taken on branch `other`: {}",
        run.stdout
    );
}

#[test]
fn new_with_template_makes_a_standard_change() {
    let repo = Repo::initialised();
    let run = repo
        .chg_line("new --no-input --template log-rotation --system api-gateway --format json")
        .ok();
    let record: serde_json::Value = serde_json::from_str(&run.stdout).expect("one JSON object");
    assert_eq!(record["id"], "CHG-2026-0001");
    assert_eq!(record["classification"], "standard");
    assert_eq!(record["template"], "log-rotation");
    assert_eq!(record["title"], "Adjust log rotation and retention");
    assert_eq!(record["systems"][0], "api-gateway");
    assert_eq!(record["rollback"]["kind"], "simple");
    let bad = repo.chg(&["new", "--no-input", "--template", "log-rotaton"]).status(2);
    assert!(bad.stderr.contains("did you mean `log-rotation`"), "{}", bad.stderr);
    let escape = repo.chg(&["new", "--no-input", "--template", "../policy"]).status(2);
    assert!(escape.stderr.contains("not a template name"), "{}", escape.stderr);
}

#[test]
fn new_without_input_names_the_missing_flag_and_writes_nothing() {
    let repo = Repo::initialised();
    let run = repo
        .chg(&["new", "--no-input", "--impact", "low", "--likelihood", "low"])
        .status(2);
    assert!(run.stderr.contains("missing `--title`"), "{}", run.stderr);
    let run = repo.chg(&["new", "--no-input", "--title", "x"]).status(2);
    assert!(run.stderr.contains("missing `--impact`"), "{}", run.stderr);
    assert!(!repo.join("changes/2026").exists() || std::fs::read_dir(repo.join("changes/2026")).unwrap().count() == 0);
}

#[test]
fn new_refuses_a_class_below_the_risk_matrix() {
    let repo = Repo::initialised();
    let run = repo
        .chg_line("new --no-input --title x --impact high --likelihood high --classification normal")
        .status(1);
    assert!(run.stderr.contains("need at least a major change"), "{}", run.stderr);
}

#[test]
fn new_defaults_the_class_from_the_risk_matrix() {
    let repo = Repo::initialised();
    repo.chg_line("new --no-input --title x --impact high --likelihood medium --no-commit")
        .ok();
    assert!(repo
        .read("changes/2026/CHG-2026-0001.yaml")
        .contains("classification: major"));
    assert!(
        repo.git(&["status", "--porcelain", "--untracked-files=all"])
            .contains("CHG-2026-0001.yaml"),
        "--no-commit leaves it uncommitted"
    );
}

#[test]
fn concurrent_new_gets_distinct_ids() {
    let repo = Repo::initialised();
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
    let repo = Repo::initialised();
    repo.write(
        "changes/2026/CHG-2026-0042.yaml",
        &normal_record("CHG-2026-0042", "draft"),
    );
    let text = repo.chg(&["show", "CHG-2026-0042"]).ok().stdout;
    assert!(
        text.starts_with("CHG-2026-0042  Enable canary routing for checkout-api\n"),
        "{text}"
    );
    assert!(text.contains("requested by       Jane Doe <jane@example.com>"));
    let yaml = repo.chg(&["show", "CHG-2026-0042", "--format", "yaml"]).ok().stdout;
    assert!(yaml.contains("id: CHG-2026-0042"));
    let json: serde_json::Value =
        serde_json::from_str(&repo.chg(&["show", "CHG-2026-0042", "--format", "json"]).ok().stdout).unwrap();
    assert_eq!(json["systems"][1], "pricing-service");
}

#[test]
fn show_unknown_id_names_the_closest() {
    let repo = Repo::initialised();
    repo.write(
        "changes/2026/CHG-2026-0042.yaml",
        &normal_record("CHG-2026-0042", "draft"),
    );
    let run = repo.chg(&["show", "CHG-2026-0043"]).status(2);
    assert!(run.stderr.contains("no change `CHG-2026-0043`"), "{}", run.stderr);
    assert!(
        run.stderr.contains("closest existing ids: CHG-2026-0042"),
        "{}",
        run.stderr
    );
    let run = repo.chg(&["show", "../../etc/passwd"]).status(2);
    assert!(run.stderr.contains("is not a change id"), "{}", run.stderr);
}

#[test]
fn list_filters_and_formats() {
    let repo = Repo::initialised();
    repo.write(
        "changes/2026/CHG-2026-0001.yaml",
        &normal_record("CHG-2026-0001", "draft"),
    );
    repo.write(
        "changes/2026/CHG-2026-0002.yaml",
        &normal_record("CHG-2026-0002", "submitted").replace("checkout-api, pricing-service", "auth-service"),
    );
    let table = repo.chg(&["list", "--format", "table"]).ok().stdout;
    assert!(
        table.contains("CHG-2026-0001") && table.contains("CHG-2026-0002"),
        "{table}"
    );
    assert!(table.contains("2 changes"));
    let submitted = repo
        .chg(&["list", "--status", "submitted", "--format", "csv"])
        .ok()
        .stdout;
    assert_eq!(submitted.lines().count(), 2, "header and one row: {submitted}");
    assert!(submitted
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("CHG-2026-0002,submitted,normal"));
    let by_system = repo
        .chg(&["list", "--system", "checkout-api", "--format", "json"])
        .ok()
        .stdout;
    let rows: serde_json::Value = serde_json::from_str(&by_system).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["id"], "CHG-2026-0001");
    let md = repo
        .chg_line("list --format markdown --since 2026-11-18 --until 2026-11-19")
        .ok()
        .stdout;
    assert!(md.starts_with("| ID | Status |"), "{md}");
    assert_eq!(md.lines().count(), 4);
    let none = repo
        .chg(&["list", "--since", "2027-01-01", "--format", "table"])
        .ok()
        .stdout;
    assert_eq!(none, "no changes match\n");
}

#[test]
fn list_fails_on_an_unparsable_record() {
    let repo = Repo::initialised();
    repo.write("changes/2026/CHG-2026-0001.yaml", "schema_version: 1\nid: [\n");
    let run = repo.chg(&["list"]).status(2);
    assert!(
        run.stderr.contains("changes/2026/CHG-2026-0001.yaml:"),
        "{}",
        run.stderr
    );
}

#[test]
fn schema_command_prints_the_committed_schemas() {
    let repo = Repo::new();
    for (kind, file) in [
        ("change", "change.schema.json"),
        ("policy", "policy.schema.json"),
        ("template", "template.schema.json"),
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
    assert!(stderr.contains("not inside a git work tree"), "{stderr}");
}

#[test]
fn a_missing_store_says_to_run_init() {
    let repo = Repo::new();
    let run = repo.chg(&["list"]).status(2);
    assert!(run.stderr.contains("run `chg init`"), "{}", run.stderr);
}

#[test]
fn help_explains_every_command_with_an_example() {
    let repo = Repo::new();
    for command in ["init", "new", "show", "list", "check", "schema"] {
        let help = repo.chg(&[command, "--help"]).ok().stdout;
        assert!(
            help.contains("Example"),
            "`chg {command} --help` has an example: {help}"
        );
    }
}

#[test]
fn bad_input_gives_a_located_error_and_no_panic() {
    let repo = Repo::initialised();
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\n";
    let deep = format!("{}1{}\n", "[".repeat(500), "]".repeat(500));
    let large = format!("schema_version: 1\ndescription: |\n{}", "  x\n".repeat(400_000));
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "syntax",
            "schema_version: 1\nid: CHG-2026-0001\ntitle: x: y\n".into(),
            ":3:",
        ),
        ("not a mapping", "- just\n- a list\n".into(), "not a mapping"),
        ("tabs", "schema_version: 1\nrisk:\n\timpact: low\n".into(), "tabs"),
        ("alias bomb", bomb.into(), "yaml-syntax"),
        ("deep", deep, "yaml-syntax"),
        ("too large", large, "over the limit of 1024 KiB"),
    ];
    for (name, text, expected) in cases {
        repo.write("changes/2026/CHG-2026-0001.yaml", &text);
        let run = repo.chg(&["check"]);
        assert_eq!(run.status, 2, "{name}: {run:?}");
        assert!(
            run.stdout.contains(expected),
            "{name}: expected `{expected}` in {}",
            run.stdout
        );
        assert!(
            run.stdout.starts_with("changes/2026/CHG-2026-0001.yaml:"),
            "{name}: {}",
            run.stdout
        );
        assert!(!run.stderr.contains("panicked"), "{name}: {}", run.stderr);
        let show = repo.chg(&["show", "CHG-2026-0001"]);
        assert_eq!(show.status, 2, "{name}: show {show:?}");
    }
}
