//! Rules and metrics are types: every rule id a check prints is a `Rule`
//! variant, and every `Rule` is documented.

use chg::metrics::Metric;
use chg::policy::Policy;
use chg::rule::Rule;
use chg::rules::deploy::GateRule;
use chg::rules::linking::Unlinked;

use crate::support::*;

#[test]
fn every_rule_id_a_check_prints_is_a_rule_variant() {
    // The report fixture holds emergencies, rollbacks and late deadlines;
    // a few broken files add the rules that judge files.
    let repo = crate::golden::fixture();
    repo.write("changes/notes.yaml", "a: 1\n");
    repo.write("changes/2026/CHG-2026-0990.yaml", "id: [\n");
    repo.write(
        "changes/2026/CHG-2026-0991.yaml",
        "<<<<<<< ours\nid: CHG-2026-0991\n=======\nid: CHG-2026-0992\n>>>>>>> theirs\n",
    );
    repo.write(
        "changes/2026/CHG-2026-0993.yaml",
        &Record::normal("CHG-2026-0994").text(),
    );
    let mut rules = repo.check().rules();
    rules.sort();
    rules.dedup();
    assert!(rules.len() >= 6, "too few rules fired to judge: {rules:?}");
    let unknown: Vec<&String> = rules.iter().filter(|r| Rule::from_id(r).is_none()).collect();
    assert!(
        unknown.is_empty(),
        "rule ids that are not `Rule` variants: {unknown:?} (of {rules:?})"
    );
}

/// Every page of docs/, one after the other.
fn docs() -> String {
    let mut docs = String::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/docs")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    docs
}

#[test]
fn every_rule_is_documented_in_a_table_of_docs() {
    let docs = docs();
    let missing: Vec<&str> = Rule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| !docs.lines().any(|l| l.starts_with(&format!("| `{id}` |"))))
        .collect();
    assert!(
        missing.is_empty(),
        "rules with no row `| `id` |` in a table of docs/: {missing:?}"
    );
}

#[test]
fn every_metric_has_a_row_with_its_label_and_name_in_docs_metrics() {
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/metrics.md")).unwrap();
    let policy = Policy::default();
    let missing: Vec<String> = Metric::ALL
        .iter()
        .map(|m| format!("| {} (`{}`) |", m.label(&policy), m.name()))
        .filter(|row| !page.lines().any(|l| l.starts_with(row.as_str())))
        .collect();
    assert!(missing.is_empty(), "docs/metrics.md lacks the rows {missing:?}");
}

/// Commands are thin over the domain: a command module that calls another
/// command's function hides domain logic in the command layer, so none may.
#[test]
fn no_command_module_uses_another_command_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("src/commands")
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".rs").map(str::to_string))
        .filter(|n| n != "mod")
        .collect();
    names.sort();
    let mut found = Vec::new();
    for file in &names {
        let text = std::fs::read_to_string(dir.join(format!("{file}.rs"))).expect("a command file");
        for other in names.iter().filter(|o| *o != file) {
            for pattern in [format!("super::{other}::"), format!("commands::{other}::")] {
                if text.contains(&pattern) {
                    found.push(format!("{file}.rs uses {pattern}"));
                }
            }
        }
    }
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn every_reason_of_the_gate_and_of_untracked_is_documented_in_a_table_of_docs() {
    let docs = docs();
    // The first cell of a row may name several ids: `| `window-missing`, `window-not-open` |`.
    let first_cells: Vec<&str> = docs
        .lines()
        .filter_map(|l| l.strip_prefix("| ")?.split(" |").next())
        .collect();
    let ids = GateRule::ALL
        .iter()
        .map(|r| r.id())
        .chain(Unlinked::ALL.iter().map(|r| r.id()));
    let missing: Vec<&str> = ids
        .filter(|id| {
            !first_cells
                .iter()
                .any(|c| c.split(", ").any(|part| part == format!("`{id}`")))
        })
        .collect();
    assert!(
        missing.is_empty(),
        "reasons with no row in a table of docs/: {missing:?}"
    );
}
