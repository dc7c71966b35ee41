//! Issue 13, the remaining holes: symbolic links anywhere under `changes/`
//! (finding 1), a rollback erased through a merge (findings 5 and 2), and
//! what a user sees when a change is rescheduled after approval (finding 11).
//! Each attack is written with `git` and plain file operations.

use crate::support::*;

fn symlink(target: &str, link: &std::path::Path) {
    std::os::unix::fs::symlink(target, link).unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
}

// ---- finding 1: symlinks anywhere under changes/ ------------------------------

#[test]
fn finding_1_a_symlinked_template_is_an_error_in_check_and_never_followed() {
    let repo = Test::new();
    // The "template" lives outside the store, where no policy edit rule
    // applies; its text would not even parse, so following it would show.
    repo.write("notes/template.yaml", "description: [unclosed\n");
    std::fs::remove_file(repo.join("changes/templates/certificate-renewal.yaml")).unwrap();
    symlink(
        "../../notes/template.yaml",
        &repo.join("changes/templates/certificate-renewal.yaml"),
    );
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "share the template"]);
    let run = repo.check().status(2);
    let link = run.finding("symlink");
    assert_eq!(
        (link.file.as_str(), link.line, link.is_error()),
        ("changes/templates/certificate-renewal.yaml", 1, true),
        "{link:?}"
    );
    assert_contains(&link.message, &["notes/template.yaml"]);
    assert!(
        !run.rules().contains(&"yaml-syntax".to_string()),
        "the link was followed: {run:?}"
    );
    // The text form says where, for a person.
    let text = repo.chg(&["check"]);
    assert!(
        text.stdout
            .contains("changes/templates/certificate-renewal.yaml:1:1: error[symlink]"),
        "{text:?}"
    );
}

#[test]
fn finding_1_a_symlink_anywhere_under_changes_is_an_error_in_check() {
    let repo = Test::new();
    repo.write("notes/policy-draft.yaml", "roles: {}\n");
    std::fs::create_dir_all(repo.join("notes/more")).unwrap();
    symlink("../notes/policy-draft.yaml", &repo.join("changes/draft.yaml"));
    symlink("../../notes/more", &repo.join("changes/templates/more"));
    symlink("../../README", &repo.join("changes/schemas/extra.json"));
    let Verdict { status, findings, .. } = Verdict::check(&repo);
    assert_eq!(status, 2, "{findings:?}");
    for file in [
        "changes/draft.yaml",
        "changes/templates/more",
        "changes/schemas/extra.json",
    ] {
        assert!(
            findings.iter().any(|f| f.rule == "symlink" && f.file == file),
            "{file} not reported: {findings:?}"
        );
    }
    // A link is reported as a link, not as a stray file chg does not read.
    assert!(!findings.iter().any(|f| f.rule == "stray-file"), "{findings:?}");
}

#[test]
fn finding_1_legit_a_store_without_links_passes_check() {
    let repo = Test::new();
    repo.write("notes/template.yaml", "description: [unclosed\n");
    let Verdict { status, findings, .. } = Verdict::check(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{findings:?}");
}

// ---- findings 5 and 2: a rollback erased through a merge ----------------------

const REC: &str = "changes/2026/CHG-2026-0001.yaml";

/// Approved by Sam, implemented 2026-11-18 02:05–02:41 and smoke-tested, with this outcome.
fn finished(id: &str, status: &str, outcome: &str) -> Record {
    let implementation = Implementation::new("2026-11-18T02:05:00Z", "2026-11-18T02:41:00Z", outcome);
    Record::normal(id)
        .approved_by_sam()
        .status(status)
        .implementation(implementation.validation("{smoke_tests: passed}"))
}

/// A finished change as `chg rollback` leaves it: rolled back, the rollback recorded.
fn rolled_back(id: &str) -> Record {
    let rollback = Fields::rollback_entry("simple", "2026-11-18T02:45:00Z", "2026-11-18T02:55:00Z");
    finished(id, "rolled-back", "rolled-back").rollback(rollback.set("reason", "5xx above 5 %"))
}

fn figure(repo: &Repo, name: &str) -> (f64, u64) {
    let run = repo.chg(&["metrics", "--month", "2026-11", "--format", "json"]).ok();
    let all = run.json();
    let fig = &all["metrics"][name];
    let actual = fig["actual"]
        .as_f64()
        .unwrap_or_else(|| panic!("{name}: {}", run.stdout));
    (actual, fig["of"].as_u64().unwrap_or(0))
}

#[test]
fn finding_5_a_rollback_erased_by_a_merge_with_an_old_commit_still_counts() {
    let repo = Test::new().at("2026-12-02T09:00:00Z");
    repo.put(&finished("CHG-2026-0001", "completed", "successful"));
    repo.put(&finished("CHG-2026-0002", "completed", "successful"));
    repo.commit_all_at(JANE, "2026-11-18T03:00:00Z", "two changes done");
    let before_rollback = repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    repo.put(&rolled_back("CHG-2026-0001"));
    repo.commit_all_at(JANE, "2026-11-18T03:30:00Z", "CHG-2026-0001 rolled back");
    let honest = (figure(&repo, "success_rate"), figure(&repo, "rollback_rate"));
    assert_eq!(honest, ((0.5, 2), (0.5, 2)), "the figures before the attack");
    // Mallory merges the old commit of main back in, with the record as it
    // was before its rollback: a merge git itself would call "up to date".
    repo.git(&["checkout", "-q", "-b", "tidy"]);
    let merge = repo.launder(
        MALLORY,
        "2026-11-20T10:00:00Z",
        &before_rollback,
        &[REC],
        "Merge branch 'main' into tidy",
    );
    assert_eq!(
        repo.value(REC, "status"),
        "completed",
        "the attack restored the old version"
    );
    // Evidence is append-only: the rollback still counts, the success rate does not rise.
    assert_eq!(
        (figure(&repo, "success_rate"), figure(&repo, "rollback_rate")),
        honest,
        "the merge erased the rollback from the metrics"
    );
    // And the gate names the merge.
    let Verdict { status, findings, .. } = Verdict::gate(&repo);
    assert_eq!(status, 1, "{findings:?}");
    assert!(
        findings
            .iter()
            .any(|f| f.commit.as_deref() == Some(merge.as_str()) && f.file == REC && f.rule == "approval-removed"),
        "{findings:?}"
    );
}
