//! A record saved as `.yml` is a record like one saved as `.yaml`: `chg
//! check` reads both, so every command must find it, number past it and
//! edit it in place (issue 14: one test of "is this a record file").

use crate::support::*;

const ID: &str = "CHG-2026-0006";
const YML: &str = "changes/2026/CHG-2026-0006.yml";

/// A store with CHG-2026-0006 committed as `.yml`, with this status.
fn yml_record(status: &str) -> Test {
    Test::new()
        .file(YML, &Record::normal(ID).status(status).text())
        .commit_as(JANE, "a record saved as .yml")
}

/// The names in the 2026 folder, sorted.
fn year_files(t: &Test) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(t.join("changes/2026"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// The paths the last commit touched, with git's status letter.
fn last_commit_files(t: &Test) -> String {
    t.git(&["show", "--format=", "--name-status", "--no-renames", "HEAD"])
}

#[test]
fn highest_number_counts_a_yml_record_so_chg_new_takes_the_next_id() {
    let t = yml_record("draft");
    t.chg_line("new --no-input --title 'Rotate keys' --impact low --likelihood medium")
        .ok();
    assert_eq!(year_files(&t), ["CHG-2026-0006.yml", "CHG-2026-0007.yaml"]);
    let duplicates: Vec<Finding> = t.findings().into_iter().filter(|f| f.rule == "duplicate-id").collect();
    assert!(duplicates.is_empty(), "{duplicates:?}");
}

#[test]
fn a_yml_record_is_found_by_its_id() {
    let t = yml_record("draft");
    let run = t.run(&["show", ID, "--format", "json"]).ok();
    assert_eq!(run.json()["id"], ID, "{}", run.stdout);
    let run = t.run(&["log", ID, "--format", "json"]).ok();
    assert_eq!(run.json()["path"], YML, "{}", run.stdout);
}

#[test]
fn approving_a_yml_record_edits_that_file_and_writes_no_second_copy() {
    let t = yml_record("submitted");
    t.run_as(SAM, &["approve", ID]).ok();
    assert_eq!(year_files(&t), ["CHG-2026-0006.yml"]);
    assert!(t.read(YML).contains("\nstatus: approved\n"), "{}", t.read(YML));
    assert_eq!(last_commit_files(&t), format!("M\t{YML}\n"));
    t.run(&["check", YML]).ok();
}

#[test]
fn editing_a_yml_record_saves_it_in_place() {
    let t = yml_record("draft");
    t.chg_env(
        JANE,
        &[("EDITOR", "sed -i s/Enable/Turn-on/"), ("VISUAL", "")],
        &["edit", ID],
    )
    .ok()
    .stdout_is(&format!("Saved {ID} ({YML})\n"));
    assert_eq!(year_files(&t), ["CHG-2026-0006.yml"]);
    assert!(t.read(YML).contains("title: Turn-on canary routing"), "{}", t.read(YML));
}

#[test]
fn renumbering_a_yml_record_leaves_neither_the_old_file_nor_a_second_copy() {
    let t = yml_record("draft");
    t.run(&["renumber", ID]).ok().stdout_is(&format!(
        "Renumbered {ID} → CHG-2026-0007 (changes/2026/CHG-2026-0007.yml)\n"
    ));
    assert_eq!(year_files(&t), ["CHG-2026-0007.yml"]);
    assert_eq!(
        last_commit_files(&t),
        format!("D\t{YML}\nA\tchanges/2026/CHG-2026-0007.yml\n")
    );
    assert_eq!(t.git(&["status", "--porcelain"]), "");
}

#[test]
fn a_yml_record_added_in_parallel_is_named_by_its_id() {
    let t = Test::new();
    t.git(&["checkout", "-q", "-b", "feature"]);
    t.write(
        "changes/2026/CHG-2026-0002.yml",
        &Record::normal("CHG-2026-0002").text(),
    );
    t.commit(JANE, "feature change");
    t.git(&["checkout", "-q", "main"]);
    let other = Record::normal("CHG-2026-0002").title("Rotate keys for checkout-api");
    t.write("changes/2026/CHG-2026-0002.yml", &other.text());
    t.commit(RAJ, "main change");
    t.git(&["checkout", "-q", "feature"]);
    let f = t.check_against("main").status(1).finding("duplicate-id");
    assert_eq!(
        (f.message.as_str(), f.hint.as_str()),
        (
            "the base branch already has CHG-2026-0002 with other content (added in parallel)",
            "give this branch's record a new id with `chg renumber CHG-2026-0002`, then push again"
        )
    );
}

#[test]
fn a_commit_linked_to_an_approved_yml_record_is_tracked() {
    let t = Test::new();
    let policy = t.read("changes/policy.yaml");
    t.write(
        "changes/policy.yaml",
        &policy.replace("production_paths: []", "production_paths: [\"src/**\"]"),
    );
    t.write(YML, &Record::normal(ID).status("submitted").text());
    t.commit_all_at(JANE, "2026-11-16T10:00:00Z", "submit");
    t.write(YML, &Record::normal(ID).status("approved").approved_by_sam().text());
    t.commit_all_at(SAM, "2026-11-17T10:05:00Z", "chg: approve");
    // Deployed in the change's window (2026-11-18 02:00–04:00), after the approval.
    let app = Repo::new();
    app.write("src/pricing.rs", "route 5 %\n");
    app.commit_all_at(
        JANE,
        "2026-11-18T02:30:00Z",
        &format!("Route 5 % to pricing\n\nChange: {ID}"),
    );
    let path = app.path().to_str().unwrap();
    let run = t.run(&["untracked", "--since", "2026-11-10", "--repo", path, "--format", "json"]);
    assert_eq!(run.json(), serde_json::json!([]), "{run:?}");
    run.ok();
}
