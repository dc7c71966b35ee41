//! The formats chg reads and writes, checked with tools other people wrote:
//! the JSON Schemas (an independent validator and Ajv), the YAML chg writes
//! (yamllint's default rules, YAML 1.1 readings), and the iCalendar feed.

use std::path::{Path, PathBuf};

use crate::support::*;

/// Where the store keeps the record with this id.
fn record_path(id: &str) -> String {
    Record::normal(id).path()
}

fn ics(repo: &Repo, from: &str, to: &str) -> String {
    repo.chg(&["calendar", "--from", from, "--to", to, "--format", "ics"])
        .ok()
        .stdout
}

fn freeze_uids(feed: &str) -> Vec<String> {
    let parsed: icalendar::Calendar = feed.parse().unwrap_or_else(|e| panic!("{e}\n{feed}"));
    parsed
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| icalendar::Component::get_uid(e).map(str::to_string))
        .filter(|uid| uid.starts_with("freeze-"))
        .collect()
}

#[test]
fn ics_near_identical_freezes_get_distinct_uids_that_stay_the_same() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T10:00:00Z".into());
    let freezes = [
        "{name: Year end, start: 2026-12-21, end: 2027-01-04}",
        "{name: Year end!, start: 2026-12-21, end: 2026-12-24}",
        "{name: year-end, start: 2026-12-21, end: 2026-12-22}",
    ];
    let listed = |order: [usize; 3]| format!("[{}]", order.map(|i| freezes[i]).join(", "));
    repo.edit_policy(|p| p.set("freezes", &listed([0, 1, 2])));
    let first = freeze_uids(&ics(&repo, "2026-12-01", "2027-01-10"));
    assert_eq!(first.len(), 3, "{first:?}");
    let distinct: std::collections::BTreeSet<&String> = first.iter().collect();
    assert_eq!(distinct.len(), 3, "a calendar keeps one event per UID: {first:?}");
    let again = freeze_uids(&ics(&repo, "2026-12-01", "2027-01-10"));
    assert_eq!(first, again, "UIDs are the same on every run");
    // The UIDs do not depend on the order of the freezes in the policy.
    repo.edit_policy(|p| p.set("freezes", &listed([1, 0, 2])));
    let mut reordered = freeze_uids(&ics(&repo, "2026-12-01", "2027-01-10"));
    let mut sorted = first.clone();
    reordered.sort();
    sorted.sort();
    assert_eq!(sorted, reordered);
}

#[test]
fn ics_an_empty_range_is_still_a_calendar_with_a_component() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T10:00:00Z".into());
    let feed = ics(&repo, "2026-03-01", "2026-03-08");
    // RFC 5545 3.6: a VCALENDAR holds one or more components.
    let parsed: icalendar::Calendar = feed.parse().unwrap_or_else(|e| panic!("{e}\n{feed}"));
    assert!(!parsed.components.is_empty(), "no component in\n{feed}");
    let begins: Vec<&str> = feed
        .split("\r\n")
        .filter(|l| l.starts_with("BEGIN:") && *l != "BEGIN:VCALENDAR")
        .collect();
    assert!(!begins.is_empty(), "{feed}");
    // No placeholder event that a calendar would show.
    assert!(!feed.contains("BEGIN:VEVENT"), "{feed}");
    assert!(feed.ends_with("END:VCALENDAR\r\n"));
}

#[test]
fn calendar_table_shows_a_newline_in_a_title_as_an_escape() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T10:00:00Z".into());
    repo.put(
        &Record::normal("CHG-2026-0001")
            .status("scheduled")
            .title("\"Upgrade db\\nthen restart api\"")
            .window("2026-11-18T02:00:00Z", "2026-11-18T03:00:00Z"),
    );
    repo.edit_policy(|p| p.set("freezes.0.name", "\"Year\\nend\""));
    let out = repo
        .chg_line("calendar --from 2026-11-16 --to 2026-12-31 --color never")
        .ok()
        .stdout;
    assert!(out.contains("Upgrade db\\nthen restart api"), "{out}");
    assert!(out.contains("Year\\nend"), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("then restart api")), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("end")), "{out}");
}

/// A record as chg writes it after `new`, `submit` and `approve`, with text
/// that needs care: a long title, multi-line text with long lines, lists.
fn written_record() -> (Repo, String) {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T10:00:00Z".into());
    let long_title = "Upgrade postgres to 16.4 on the primary and both replicas, with a failover rehearsal first";
    let description = "Minor version upgrade of the main cluster. The replicas go first, then a controlled switchover moves the primary role, and the old primary is upgraded last.\n\nRead-only mode: none.\n";
    let args = "--justification 'Security fixes: yes' --benefit 'Fewer incidents' --impact medium --likelihood low --system postgres-main --system billing-worker --strategy blue-green --window-start 2026-11-18T02:00:00Z --window-end 2026-11-18T03:30:00Z --step 'upgrade replica 1' --step on --rollback-plan 'Fail back to the old primary.' --rollback-kind complex --rollback-tested 2026-11-02 --test unit=passed --test integration=passed --test qa-review=passed";
    repo.chg_line(&format!(
        "new --no-input --title '{long_title}' --description '{description}' {args}"
    ))
    .ok();
    repo.chg(&["submit", "CHG-2026-0001"]).ok();
    repo.chg_as(SAM, &["approve", "CHG-2026-0001", "--comment", "ok: go"])
        .ok();
    let text = repo.read(&record_path("CHG-2026-0001"));
    assert!(text.contains(long_title.split(' ').next().unwrap()), "{text}");
    (repo, text)
}

#[test]
fn written_times_are_quoted_so_yaml_1_1_loaders_read_strings() {
    let (_repo, text) = written_record();
    for key in ["created_at", "start", "end", "at", "last_tested"] {
        let line = text
            .lines()
            .find(|l| l.trim_start().trim_start_matches("- ").starts_with(&format!("{key}: ")))
            .unwrap_or_else(|| panic!("no {key} in\n{text}"));
        let value = line.split_once(": ").unwrap().1;
        assert!(value.starts_with('"') && value.ends_with('"'), "{key} unquoted: {line}");
    }
    // PyYAML is a YAML 1.1 loader: every value must come back as JSON data
    // (text, not datetime) and satisfy the published schema.
    let Some(mut python) = python_with_tools() else { return };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("record.yaml");
    std::fs::write(&file, &text).unwrap();
    let out = python
        .arg("-c")
        .arg("import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))")
        .arg(&file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "a YAML 1.1 loader does not read it as JSON data:\n{}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["created_at"], "2026-11-16T10:00:00Z");
    assert_eq!(json["rollback"]["last_tested"], "2026-11-02");
    assert_eq!(json["justification"]["business_reason"], "Security fixes: yes");
    assert_eq!(json["deployment"]["steps"][1], "on", "not the YAML 1.1 boolean");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/change.schema.json")).unwrap(),
    )
    .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler
        .add_resource("https://chg.dev/schemas/change.schema.json", schema)
        .unwrap();
    let index = compiler
        .compile("https://chg.dev/schemas/change.schema.json", &mut schemas)
        .unwrap();
    if let Err(e) = schemas.validate(&json, index) {
        panic!("{e}\n{text}");
    }
}

/// Runs yamllint with its default configuration over files; returns its report.
fn yamllint(files: &[PathBuf]) -> Option<(bool, String)> {
    let mut python = python_with_tools()?;
    let out = python
        .args(["-m", "yamllint", "--strict", "-d", "default", "-f", "parsable"])
        .args(files)
        .output()
        .unwrap();
    Some((
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    ))
}

#[test]
fn written_yaml_passes_yamllint_default_rules_with_lists_indented() {
    let (repo, text) = written_record();
    // Lists are indented under their key, as in the sample records.
    assert_says(
        "the record",
        &text,
        &[
            "systems:\n  - postgres-main\n  - billing-worker\n",
            "approvals:\n  - role: change-manager\n    approver: ",
        ],
    );
    let mut files = vec![
        repo.join(&record_path("CHG-2026-0001")),
        repo.join("changes/policy.yaml"),
    ];
    for entry in std::fs::read_dir(repo.join("changes/templates")).unwrap() {
        files.push(entry.unwrap().path());
    }
    let Some((ok, report)) = yamllint(&files) else { return };
    assert!(ok, "yamllint (default rules, warnings too):\n{report}\n{text}");
}

#[test]
fn chg_reads_back_what_it_wrote_unchanged() {
    let (repo, text) = written_record();
    let shown = repo.chg(&["show", "CHG-2026-0001", "--format", "json"]).ok().stdout;
    let json: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        json["title"], "Upgrade postgres to 16.4 on the primary and both replicas, with a failover rehearsal first",
        "{text}"
    );
    assert!(
        json["description"]
            .as_str()
            .unwrap()
            .contains("upgraded last.\n\nRead-only mode: none.\n"),
        "{shown}"
    );
}

/// The `$schema=` path of a file's yaml-language-server header, resolved from its folder.
fn header_target(repo: &Repo, rel: &str) -> PathBuf {
    let text = repo.read(rel);
    let line = text
        .lines()
        .find(|l| l.starts_with("# yaml-language-server: $schema="))
        .unwrap_or_else(|| panic!("no yaml-language-server header in {rel}:\n{text}"));
    let target = line.split_once("$schema=").unwrap().1;
    repo.join(rel).parent().unwrap().join(target)
}

#[test]
fn init_and_new_write_a_schema_header_that_resolves() {
    let (repo, text) = written_record();
    assert!(
        text.starts_with("# yaml-language-server: $schema=../schemas/change.schema.json\n---\n"),
        "{text}"
    );
    for (rel, kind) in [
        (record_path("CHG-2026-0001"), "change"),
        ("changes/policy.yaml".to_string(), "policy"),
        ("changes/templates/log-rotation.yaml".to_string(), "template"),
    ] {
        let target = header_target(&repo, &rel);
        let written = std::fs::read_to_string(&target).unwrap_or_else(|e| panic!("{rel}: {} {e}", target.display()));
        let printed = repo.chg(&["schema", kind]).ok().stdout;
        assert_eq!(written, printed, "{rel}: the schema in the store is the one chg prints");
    }
    // A second init leaves everything as it is.
    let again = repo.chg(&["init"]).ok().stdout;
    assert!(again.contains("nothing changed"), "{again}");
}
