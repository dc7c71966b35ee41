//! Issue 13, the engine half: one walk over history, and the attacks on it
//! (symlinks, merges, policy edits, signatures, fail-open, chg's own
//! commits, crashes, deleted records), each written as an attacker would
//! with `git`, beside the legitimate use that must still pass.

use crate::support::*;

const T0: i64 = 1_794_909_600; // 2026-11-17 10:00 UTC, just before the fixtures' approval times

fn at(offset_hours: i64) -> String {
    format!("@{} +0000", T0 + offset_hours * 3600)
}

fn completed(id: &str) -> String {
    format!(
        "{}{SAM_APPROVAL}implementation:\n  started_at: 2026-11-18T02:05:00Z\n  finished_at: 2026-11-18T02:41:00Z\n  outcome: successful\n  validation: {{smoke_tests: passed}}\n",
        normal_record(id, "completed")
    )
}

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"))
}

#[test]
fn history_commands_follow_store() {
    let repo = Repo::new();
    repo.chg(&["--store", "ops/changes", "init"]).ok();
    repo.write("ops/changes/2026/CHG-2026-0001.yaml", &completed("CHG-2026-0001"));
    repo.commit_all_at(SAM, &at(1), "CHG-2026-0001: completed");
    let metrics = repo
        .chg_line("--store ops/changes metrics --from 2026-11-01 --to 2026-12-01 --format json")
        .ok();
    assert_eq!(
        json(&metrics)["metrics"]["total_changes"]["actual"],
        1.0,
        "{}",
        metrics.stdout
    );
    let log = repo
        .chg(&["--store", "ops/changes", "log", "CHG-2026-0001", "--format", "json"])
        .ok();
    let log = json(&log);
    assert_eq!(log["path"], "ops/changes/2026/CHG-2026-0001.yaml");
    assert_eq!(log["commits"].as_array().map(Vec::len), Some(1), "{log}");
    // The same through CHG_STORE.
    let metrics = repo
        .chg_env(
            JANE,
            &[("CHG_STORE", "ops/changes")],
            &words("metrics --from 2026-11-01 --to 2026-12-01 --format json"),
        )
        .ok();
    assert_eq!(json(&metrics)["metrics"]["total_changes"]["actual"], 1.0);
}

const REC: &str = "changes/2026/CHG-2026-0001.yaml";

fn gate(repo: &Repo) -> (i32, Vec<serde_json::Value>, String) {
    let run = repo.chg(&["check", "--base", "main", "--format", "json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap_or_default();
    (run.status, findings, format!("{}{}", run.stdout, run.stderr))
}

fn rules_of(findings: &[serde_json::Value]) -> Vec<String> {
    findings
        .iter()
        .map(|f| f["rule"].as_str().unwrap_or("").to_string())
        .collect()
}

/// The findings that are errors (warnings such as overlapping windows aside).
fn errors(findings: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    findings.iter().filter(|f| f["severity"] == "error").collect()
}

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

// ---------------------------------------------------------------------------
// Finding 1: symlinked records and year folders.
// ---------------------------------------------------------------------------

#[test]
fn finding_1_a_symlinked_record_in_the_work_tree_is_an_error_and_never_followed() {
    let repo = Repo::initialised();
    // The forged, completed record lives elsewhere in the repository; the record file links to it.
    repo.write("docs/notes.yaml", &completed("CHG-2026-0001"));
    std::fs::create_dir_all(repo.join("changes/2026")).unwrap();
    std::os::unix::fs::symlink("../../docs/notes.yaml", repo.join(REC)).unwrap();
    repo.commit_all_at(JANE, &at(1), "notes");
    let run = repo.chg(&["check"]);
    assert_ne!(run.status, 0, "{run:?}");
    assert!(
        run.stdout.contains("CHG-2026-0001.yaml") && run.stdout.contains("symlink"),
        "{}",
        run.stdout
    );
    let show = repo.chg(&["show", "CHG-2026-0001"]);
    assert_ne!(show.status, 0, "{show:?}");
    assert!(
        !show.stdout.contains("completed"),
        "show followed the link: {}",
        show.stdout
    );
    let list = repo.chg(&["list", "--format", "json"]);
    assert!(
        !list.stdout.contains("CHG-2026-0001"),
        "list followed the link: {list:?}"
    );
}

#[test]
fn finding_1_a_symlinked_year_folder_is_an_error_and_never_followed() {
    let repo = Repo::initialised();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("CHG-2027-0001.yaml"), completed("CHG-2027-0001")).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.join("changes/2027")).unwrap();
    let run = repo.chg(&["check"]);
    assert_ne!(run.status, 0, "{run:?}");
    assert!(
        run.stdout.contains("changes/2027") && run.stdout.contains("symlink"),
        "{}",
        run.stdout
    );
    let list = repo.chg(&["list", "--format", "json"]);
    assert!(
        !list.stdout.contains("CHG-2027-0001"),
        "list followed the link: {list:?}"
    );
    let show = repo.chg(&["show", "CHG-2027-0001"]);
    assert_ne!(show.status, 0, "{show:?}");
}

#[test]
fn finding_1_a_symlink_committed_on_a_branch_is_caught_by_the_gate() {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("docs/notes.yaml", &completed("CHG-2026-0001"));
    std::fs::create_dir_all(repo.join("changes/2026")).unwrap();
    std::os::unix::fs::symlink("../../docs/notes.yaml", repo.join(REC)).unwrap();
    repo.commit_all_at(JANE, &at(1), "a record");
    // The work tree is mended afterwards: the commit on the branch still carries the link.
    repo.git(&["rm", "-q", REC]);
    repo.commit_all_at(JANE, &at(2), "tidy");
    let (status, findings, out) = gate(&repo);
    assert_eq!(status, 1, "{out}");
    assert!(rules_of(&findings).contains(&"symlink".to_string()), "{out}");
}

#[test]
fn finding_1_legit_plain_record_files_pass() {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(REC, &normal_record("CHG-2026-0001", "submitted"));
    repo.commit_all_at(JANE, &at(1), "submit");
    let (status, findings, out) = gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{out}");
    repo.chg(&["show", "CHG-2026-0001"]).ok();
}

// ---------------------------------------------------------------------------
// Finding 2: merge laundering.
// ---------------------------------------------------------------------------

fn rejected_text() -> String {
    format!(
        "{}approvals:\n  - role: change-manager\n    approver: Sam Lee <sam@example.com>\n    decision: rejected\n    method: written\n    at: 2026-11-17T10:03:00Z\n    comment: too risky\n",
        normal_record("CHG-2026-0001", "rejected")
    )
}

/// Makes a merge commit of HEAD and `old` whose tree is HEAD's with `paths` as they were at `old`.
fn launder(repo: &Repo, who: Who, old: &str, paths: &[&str]) -> String {
    repo.launder(who, &at(5), old, paths, "Merge branch 'main' into feature")
}

#[test]
fn finding_2_a_merge_restoring_an_old_record_is_caught() {
    let repo = Repo::submitted(JANE, &at(1), "submit");
    let submitted = head(&repo);
    repo.write(REC, &rejected_text());
    repo.commit_all_at(SAM, &at(2), "reject");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let merge = launder(&repo, MALLORY, &submitted, &[REC]);
    let (status, findings, out) = gate(&repo);
    assert_eq!(status, 1, "{out}");
    assert!(
        findings.iter().any(|f| f["commit"] == merge.as_str()),
        "the merge is named: {out}"
    );
}

#[test]
fn finding_2_a_merge_restoring_an_old_policy_is_caught() {
    let repo = Repo::initialised();
    let old = head(&repo);
    let policy = repo.read("changes/policy.yaml");
    repo.write(
        "changes/policy.yaml",
        &policy.replace("require_signed_approvals: false", "require_signed_approvals: true"),
    );
    repo.commit_all_at(SAM, &at(1), "require signed approvals");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    launder(&repo, MALLORY, &old, &["changes/policy.yaml"]);
    let (status, findings, out) = gate(&repo);
    assert_eq!(status, 1, "{out}");
    assert!(
        rules_of(&findings).contains(&"policy-edit-unauthorized".to_string()),
        "{out}"
    );
}

#[test]
fn finding_2_a_merge_with_an_old_first_parent_is_caught_too() {
    // The same laundering with the parents swapped: the old commit first.
    let repo = Repo::submitted(JANE, &at(1), "submit");
    let submitted = head(&repo);
    repo.write(REC, &rejected_text());
    repo.commit_all_at(SAM, &at(2), "reject");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("notes.txt", "x\n");
    repo.commit_all_at(MALLORY, &at(3), "notes");
    let tip = head(&repo);
    repo.git_as(MALLORY, &["checkout", "-q", &submitted, "--", REC]);
    let tree = repo.git_as(MALLORY, &["write-tree"]).trim().to_string();
    let merge = repo
        .git_at(
            MALLORY,
            &at(4),
            &["commit-tree", &tree, "-p", &submitted, "-p", &tip, "-m", "Merge"],
        )
        .trim()
        .to_string();
    repo.git_as(MALLORY, &["reset", "-q", "--hard", &merge]);
    let (status, _, out) = gate(&repo);
    assert_eq!(status, 1, "{out}");
}

#[test]
fn finding_2_legit_an_ordinary_merge_of_independent_records_passes() {
    let repo = Repo::submitted(JANE, &at(1), "submit 1");
    // Sam approves CHG-2026-0001 on his own branch, merged into main.
    repo.git(&["checkout", "-q", "-b", "sam"]);
    repo.write(
        REC,
        &format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "approved")),
    );
    repo.commit_all_at(SAM, &at(2), "approve 1");
    // Jane adds another record on her branch and merges Sam's branch into it, then main.
    repo.git(&["checkout", "-q", "-b", "feature", "main"]);
    repo.write(
        "changes/2026/CHG-2026-0002.yaml",
        &normal_record("CHG-2026-0002", "submitted"),
    );
    repo.commit_all_at(JANE, &at(3), "submit 2");
    repo.git_at(
        JANE,
        &at(4),
        &["merge", "-q", "--no-ff", "-m", "Merge branch 'sam'", "sam"],
    );
    let (status, findings, out) = gate(&repo);
    assert_eq!((status, errors(&findings).len()), (0, 0), "{out}");
    // main moves on (Sam's branch lands), and Jane brings main into her branch.
    repo.git(&["checkout", "-q", "main"]);
    repo.git_at(
        SAM,
        &at(5),
        &["merge", "-q", "--no-ff", "-m", "Merge branch 'sam'", "sam"],
    );
    repo.git(&["checkout", "-q", "-b", "feature2", "main~1"]);
    repo.write(
        "changes/2026/CHG-2026-0003.yaml",
        &normal_record("CHG-2026-0003", "submitted"),
    );
    repo.commit_all_at(JANE, &at(6), "submit 3");
    repo.git_at(
        JANE,
        &at(7),
        &["merge", "-q", "--no-ff", "-m", "Merge branch 'main'", "main"],
    );
    let (status, findings, out) = gate(&repo);
    assert_eq!((status, errors(&findings).len()), (0, 0), "{out}");
}

// ---------------------------------------------------------------------------
// Finding 3: policy edits proven by the author field alone.
// ---------------------------------------------------------------------------

fn policy_with(repo: &Repo, from: &str, to: &str) -> String {
    let policy = repo.read("changes/policy.yaml");
    assert!(policy.contains(from), "{from}");
    policy.replace(from, to)
}

#[test]
fn finding_3_a_policy_edit_authored_as_the_change_manager_by_someone_else_is_caught() {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "changes/policy.yaml",
        &policy_with(
            &repo,
            "change-manager: [sam@example.com]",
            "change-manager: [sam@example.com, mallory@example.com]",
        ),
    );
    repo.git_as(MALLORY, &["add", "-A"]);
    repo.git_as(
        MALLORY,
        &[
            "commit",
            "-q",
            "--author=Sam Lee <sam@example.com>",
            "-m",
            "add a team member",
        ],
    );
    let log = repo.git(&["log", "-1", "--format=%an <%ae> / %cn <%ce>"]);
    assert_eq!(
        log.trim(),
        "Sam Lee <sam@example.com> / Mallory Bad <mallory@example.com>"
    );
    let (status, findings, out) = gate(&repo);
    assert_eq!(status, 1, "{out}");
    assert!(
        rules_of(&findings).contains(&"policy-edit-unauthorized".to_string()),
        "{out}"
    );
    assert!(out.contains("Mallory Bad"), "the committer is named: {out}");
}

#[test]
fn finding_3_legit_the_change_manager_adding_a_team_member_passes() {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "changes/policy.yaml",
        &policy_with(
            &repo,
            "engineering-lead: [lee@example.com]",
            "engineering-lead: [lee@example.com, raj@example.com]",
        ),
    );
    repo.commit_all_at(SAM, &at(1), "Raj joins as engineering lead");
    let (status, findings, out) = gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{out}");
}

/// A store whose policy (committed by Sam) requires signed approvals with these keys.
fn signing_store(keys: &[(&str, &str)]) -> Repo {
    let repo = Repo::initialised();
    repo.require_signed_approvals(keys);
    repo.commit_all_at(SAM, &at(0), "require signed approvals");
    repo.git(&["config", "gpg.format", "ssh"]);
    repo
}

fn signed_commit(repo: &Repo, who: Who, key: &std::path::Path, extra: &[&str], message: &str) {
    repo.git_as(who, &["add", "-A"]);
    let signing = format!("user.signingkey={}", key.display());
    let mut args = vec!["-c", &signing, "commit", "-q", "-S"];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["-m", message]);
    // Dated with the rest of the fixture, so its approval time is plausible.
    repo.git_at(who, &at(2), &args);
}

#[test]
fn finding_3_with_signing_required_a_policy_edit_must_be_signed_by_the_editor() {
    let keys = tempfile::tempdir().unwrap();
    let (sam_key, sam_public) = ssh_keygen(keys.path(), "sam");
    let (mallory_key, mallory_public) = ssh_keygen(keys.path(), "mallory");
    let repo = signing_store(&[
        ("sam@example.com", &sam_public),
        ("mallory@example.com", &mallory_public),
    ]);
    let edit = |repo: &Repo| {
        repo.write(
            "changes/policy.yaml",
            &policy_with(
                repo,
                "engineering-lead: [lee@example.com]",
                "engineering-lead: [lee@example.com, raj@example.com]",
            ),
        );
    };
    // Unsigned, by Sam himself: refused when signing is required.
    repo.git(&["checkout", "-q", "-b", "unsigned", "main"]);
    edit(&repo);
    repo.commit_all_at(SAM, &at(1), "Raj joins");
    let (status, findings, out) = gate(&repo);
    assert_eq!(status, 1, "{out}");
    assert!(
        rules_of(&findings).contains(&"policy-edit-unauthorized".to_string()),
        "{out}"
    );
    // Signed by Mallory's key, with Sam as author and committer: refused.
    repo.git(&["checkout", "-q", "-b", "mallory", "main"]);
    edit(&repo);
    signed_commit(&repo, SAM, &mallory_key, &[], "Raj joins");
    let (status, _, out) = gate(&repo);
    assert_eq!(status, 1, "{out}");
    // Signed by Sam: passes.
    repo.git(&["checkout", "-q", "-b", "signed", "main"]);
    edit(&repo);
    signed_commit(&repo, SAM, &sam_key, &[], "Raj joins");
    let (status, findings, out) = gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{out}");
}

// ---------------------------------------------------------------------------
// Finding 6: the signer matched by substring.
// ---------------------------------------------------------------------------

fn lee_approval() -> String {
    format!(
        "{}approvals:\n  - role: engineering-lead\n    approver: Lee Park <lee@example.com>\n    decision: approved\n    method: written\n    at: 2026-11-17T10:03:00Z\n",
        normal_record("CHG-2026-0001", "approved")
    )
}

#[test]
fn finding_6_a_key_listed_for_ashlee_does_not_verify_an_approval_by_lee() {
    let keys = tempfile::tempdir().unwrap();
    let (ashlee_key, ashlee_public) = ssh_keygen(keys.path(), "ashlee");
    let repo = signing_store(&[("ashlee@example.com", &ashlee_public)]);
    repo.write(REC, &normal_record("CHG-2026-0001", "submitted"));
    repo.commit_all_at(JANE, &at(1), "submit");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(REC, &lee_approval());
    signed_commit(&repo, LEE, &ashlee_key, &[], "approve");
    let (status, findings, out) = gate(&repo);
    assert_eq!(status, 1, "{out}");
    assert!(
        rules_of(&findings).contains(&"approval-not-by-approver".to_string()),
        "{out}"
    );
}

#[test]
fn finding_6_legit_lees_own_key_verifies_her_approval() {
    let keys = tempfile::tempdir().unwrap();
    let (ashlee_key, ashlee_public) = ssh_keygen(keys.path(), "ashlee");
    let (lee_key, lee_public) = ssh_keygen(keys.path(), "lee");
    let _ = ashlee_key;
    let repo = signing_store(&[("ashlee@example.com", &ashlee_public), ("lee@EXAMPLE.com", &lee_public)]);
    repo.write(REC, &normal_record("CHG-2026-0001", "submitted"));
    repo.commit_all_at(JANE, &at(1), "submit");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(REC, &lee_approval());
    signed_commit(&repo, LEE, &lee_key, &[], "approve");
    let (status, findings, out) = gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{out}");
}

// ---------------------------------------------------------------------------
// Finding 10: a base policy that does not parse.
// ---------------------------------------------------------------------------

#[test]
fn finding_10_a_base_policy_that_does_not_parse_fails_the_gate() {
    let repo = Repo::initialised();
    let good = repo.read("changes/policy.yaml");
    repo.write(
        "changes/policy.yaml",
        &good.replace("require_signed_approvals: false", "require_signed_approvals: [true"),
    );
    repo.write(REC, &normal_record("CHG-2026-0001", "submitted"));
    repo.commit_all_at(SAM, &at(1), "policy");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // The branch mends the work tree's policy and forges an approval.
    repo.write("changes/policy.yaml", &good);
    repo.write(
        REC,
        &format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "approved")),
    );
    repo.commit_all_at(SAM, &at(2), "approve");
    let run = repo.chg(&["check", "--base", "main"]);
    assert_eq!(run.status, 2, "{run:?}");
    assert!(run.stderr.contains("changes/policy.yaml"), "{}", run.stderr);
    assert!(run.stderr.contains("hint:"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------
// Finding 12: chg's own commits honour git's configuration.
// ---------------------------------------------------------------------------

#[test]
fn finding_12_chg_approve_signs_with_the_users_ssh_setup_and_passes_the_gate() {
    let keys = tempfile::tempdir().unwrap();
    let (sam_key, sam_public) = ssh_keygen(keys.path(), "sam");
    let repo = signing_store(&[("sam@example.com", &sam_public)]);
    repo.write(REC, &normal_record("CHG-2026-0001", "submitted"));
    repo.commit_all_at(JANE, &at(1), "submit");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.git(&["config", "commit.gpgsign", "true"]);
    repo.git(&["config", "user.signingkey", &sam_key.display().to_string()]);
    repo.chg_as(SAM, &["approve", "CHG-2026-0001", "--no-input"]).ok();
    let commit = repo.git(&["cat-file", "commit", "HEAD"]);
    assert!(
        commit.contains("-----BEGIN SSH SIGNATURE-----"),
        "chg's commit is signed: {commit}"
    );
    let (status, findings, out) = gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{out}");
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        "",
        "index and work tree agree with HEAD"
    );
}

#[test]
fn finding_12_chg_commits_run_the_users_hooks() {
    let repo = Repo::submitted(JANE, &at(1), "submit");
    let hooks = repo.join(".git/hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    let write_hook = |name: &str, body: &str| {
        let path = hooks.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    write_hook("pre-commit", "touch \"$(git rev-parse --git-dir)/pre-commit-ran\"");
    write_hook("commit-msg", "printf '\\nReviewed-by: hook\\n' >> \"$1\"");
    repo.chg_as(SAM, &["approve", "CHG-2026-0001", "--no-input"]).ok();
    assert!(repo.join(".git/pre-commit-ran").exists(), "the pre-commit hook ran");
    let message = repo.git(&["log", "-1", "--format=%B"]);
    assert!(
        message.contains("Reviewed-by: hook"),
        "the commit-msg hook ran: {message}"
    );
    // A hook that refuses stops chg, which says so, and leaves nothing staged.
    write_hook("pre-commit", "echo 'no commits today' >&2; exit 1");
    let run = repo.chg(&["cancel", "CHG-2026-0001", "--reason", "superseded", "--no-input"]);
    assert_ne!(run.status, 0, "{run:?}");
    assert!(run.stderr.contains("no commits today"), "{}", run.stderr);
    assert_eq!(
        repo.git(&["diff", "--cached", "--name-only"]),
        "",
        "nothing left staged by the refused commit"
    );
}

// ---------------------------------------------------------------------------
// Finding 15a: deleting a committed record.
// ---------------------------------------------------------------------------

#[test]
fn finding_15a_deleting_a_cancelled_or_never_approved_record_is_flagged() {
    for status in ["draft", "cancelled"] {
        let repo = Repo::initialised();
        repo.write(REC, &normal_record("CHG-2026-0001", status));
        repo.commit_all_at(JANE, &at(1), "record");
        repo.git(&["checkout", "-q", "-b", "feature"]);
        repo.git(&["rm", "-q", REC]);
        repo.commit_all_at(JANE, &at(2), "tidy up");
        let (status_code, findings, out) = gate(&repo);
        assert_eq!(status_code, 1, "{status}: {out}");
        assert!(
            rules_of(&findings).contains(&"record-deleted".to_string()),
            "{status}: {out}"
        );
    }
}

#[test]
fn finding_15a_legit_a_renumber_is_not_a_deletion() {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(REC, &normal_record("CHG-2026-0001", "draft"));
    repo.commit_all_at(JANE, &at(1), "draft");
    repo.chg(&["renumber", "CHG-2026-0001"]).ok();
    let (status, findings, out) = gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{out}");
}
