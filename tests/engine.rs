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
        metrics.json()["metrics"]["total_changes"]["actual"],
        1.0,
        "{}",
        metrics.stdout
    );
    let log = repo
        .chg(&["--store", "ops/changes", "log", "CHG-2026-0001", "--format", "json"])
        .ok();
    let log = log.json();
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
    assert_eq!(metrics.json()["metrics"]["total_changes"]["actual"], 1.0);
}

const REC: &str = "changes/2026/CHG-2026-0001.yaml";

/// A store, on a branch `feature` of main (what a pull request brings).
fn on_a_branch() -> Repo {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

/// Writes the record and commits it as someone, `hours` after T0.
fn commit_record(repo: &Repo, text: &str, who: Who, hours: i64, message: &str) {
    repo.write(REC, text);
    repo.commit_all_at(who, &at(hours), message);
}

/// Makes the record file a link to a forged, completed record elsewhere in the repository.
fn link_record_to_a_forgery(repo: &Repo) {
    repo.write("docs/notes.yaml", &completed("CHG-2026-0001"));
    std::fs::create_dir_all(repo.join("changes/2026")).unwrap();
    std::os::unix::fs::symlink("../../docs/notes.yaml", repo.join(REC)).unwrap();
}

// ---------------------------------------------------------------------------
// Finding 1: symlinked records and year folders.
// ---------------------------------------------------------------------------

/// Asserts the link is never followed: `chg check` fails naming the link
/// (`named`) as a symlink, `chg show` refuses the record `id` behind it and
/// `chg list` does not list it. The run of `chg show`.
#[track_caller]
fn assert_link_refused(repo: &Repo, named: &str, id: &str) -> Run {
    let run = repo.chg(&["check"]);
    assert_ne!(run.status, 0, "{run:?}");
    assert!(
        run.stdout.contains(named) && run.stdout.contains("symlink"),
        "{}",
        run.stdout
    );
    let list = repo.chg(&["list", "--format", "json"]);
    assert!(!list.stdout.contains(id), "list followed the link: {list:?}");
    let show = repo.chg(&["show", id]);
    assert_ne!(show.status, 0, "{show:?}");
    show
}

#[test]
fn finding_1_a_symlinked_record_in_the_work_tree_is_an_error_and_never_followed() {
    let repo = Repo::initialised();
    // The forged, completed record lives elsewhere in the repository; the record file links to it.
    link_record_to_a_forgery(&repo);
    repo.commit_all_at(JANE, &at(1), "notes");
    let show = assert_link_refused(&repo, "CHG-2026-0001.yaml", "CHG-2026-0001");
    assert!(
        !show.stdout.contains("completed"),
        "show followed the link: {}",
        show.stdout
    );
}

#[test]
fn finding_1_a_symlinked_year_folder_is_an_error_and_never_followed() {
    let repo = Repo::initialised();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("CHG-2027-0001.yaml"), completed("CHG-2027-0001")).unwrap();
    std::os::unix::fs::symlink(outside.path(), repo.join("changes/2027")).unwrap();
    assert_link_refused(&repo, "changes/2027", "CHG-2027-0001");
}

#[test]
fn finding_1_a_symlink_committed_on_a_branch_is_caught_by_the_gate() {
    let repo = on_a_branch();
    link_record_to_a_forgery(&repo);
    repo.commit_all_at(JANE, &at(1), "a record");
    // The work tree is mended afterwards: the commit on the branch still carries the link.
    repo.git(&["rm", "-q", REC]);
    repo.commit_all_at(JANE, &at(2), "tidy");
    Verdict::gate(&repo).fails_with("symlink");
}

#[test]
fn finding_1_legit_plain_record_files_pass() {
    let repo = on_a_branch();
    commit_record(&repo, &normal_record("CHG-2026-0001", "submitted"), JANE, 1, "submit");
    Verdict::gate(&repo).clean();
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

/// Merges a branch, with a merge commit, as someone `hours` after T0.
fn merge(repo: &Repo, who: Who, hours: i64, branch: &str) {
    let message = format!("Merge branch '{branch}'");
    repo.git_at(who, &at(hours), &["merge", "-q", "--no-ff", "-m", &message, branch]);
}

/// Jane's record submitted on main, then rejected by Sam, then a branch
/// `feature`; the submitted commit.
fn rejected_on_main(repo: &Repo) -> String {
    commit_record(repo, &normal_record("CHG-2026-0001", "submitted"), JANE, 1, "submit");
    let submitted = repo.head();
    commit_record(repo, &rejected_text(), SAM, 2, "reject");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    submitted
}

/// Makes a merge commit of `parents` (HEAD among them) whose tree is HEAD's
/// with `paths` as they were at `old`.
fn launder(repo: &Repo, who: Who, old: &str, paths: &[&str], parents: [&str; 2]) -> String {
    repo.launder_with_parents(who, &at(5), old, paths, parents, "Merge branch 'main' into feature")
}

#[test]
fn finding_2_a_merge_restoring_an_old_record_is_caught() {
    let repo = Repo::initialised();
    let submitted = rejected_on_main(&repo);
    let merge = launder(&repo, MALLORY, &submitted, &[REC], ["HEAD", &submitted]);
    let gate = Verdict::gate(&repo);
    gate.fails();
    assert!(
        gate.findings.iter().any(|f| f.commit.as_deref() == Some(&merge)),
        "the merge is named: {:?}",
        gate.findings
    );
}

#[test]
fn finding_2_a_merge_restoring_an_old_policy_is_caught() {
    let repo = Repo::initialised();
    let old = repo.head();
    repo.edit_policy(|p| p.signed_approvals(true));
    repo.commit_all_at(SAM, &at(1), "require signed approvals");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    launder(&repo, MALLORY, &old, &["changes/policy.yaml"], ["HEAD", &old]);
    Verdict::gate(&repo).fails_with("policy-edit-unauthorized");
}

#[test]
fn finding_2_a_merge_with_an_old_first_parent_is_caught_too() {
    // The same laundering with the parents swapped: the old commit first.
    let repo = Repo::initialised();
    let submitted = rejected_on_main(&repo);
    repo.write("notes.txt", "x\n");
    repo.commit_all_at(MALLORY, &at(3), "notes");
    let tip = repo.head();
    launder(&repo, MALLORY, &submitted, &[REC], [&submitted, &tip]);
    Verdict::gate(&repo).fails();
}

#[test]
fn finding_2_legit_an_ordinary_merge_of_independent_records_passes() {
    let repo = Repo::initialised();
    commit_record(&repo, &normal_record("CHG-2026-0001", "submitted"), JANE, 1, "submit 1");
    // Sam approves CHG-2026-0001 on his own branch, merged into main.
    repo.git(&["checkout", "-q", "-b", "sam"]);
    let approved = format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "approved"));
    commit_record(&repo, &approved, SAM, 2, "approve 1");
    // Jane submits another record on a branch of `base` (`n`, at `hours`) and
    // merges `branch` into it an hour later.
    let submit_and_merge = |(name, base): (&str, &str), n: u32, hours: i64, branch: &str| {
        repo.git(&["checkout", "-q", "-b", name, base]);
        let id = format!("CHG-2026-000{n}");
        repo.write(&format!("changes/2026/{id}.yaml"), &normal_record(&id, "submitted"));
        repo.commit_all_at(JANE, &at(hours), &format!("submit {n}"));
        merge(&repo, JANE, hours + 1, branch);
    };
    // Jane adds another record on her branch and merges Sam's branch into it, then main.
    submit_and_merge(("feature", "main"), 2, 3, "sam");
    Verdict::gate(&repo).no_errors();
    // main moves on (Sam's branch lands), and Jane brings main into her branch.
    repo.git(&["checkout", "-q", "main"]);
    merge(&repo, SAM, 5, "sam");
    submit_and_merge(("feature2", "main~1"), 3, 6, "main");
    Verdict::gate(&repo).no_errors();
}

// ---------------------------------------------------------------------------
// Finding 3: policy edits proven by the author field alone.
// ---------------------------------------------------------------------------

/// Raj joins the engineering leads, in the work tree's policy.
fn raj_joins(repo: &Repo) {
    repo.edit_policy(|p| p.role("engineering-lead", &[LEE, RAJ]));
}

#[test]
fn finding_3_a_policy_edit_authored_as_the_change_manager_by_someone_else_is_caught() {
    let repo = on_a_branch();
    repo.edit_policy(|p| p.role("change-manager", &[SAM, MALLORY]));
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
    let gate = Verdict::gate(&repo);
    let found = gate.fails_with("policy-edit-unauthorized");
    assert!(
        gate.findings
            .iter()
            .any(|f| f.message.contains("Mallory Bad") || f.hint.contains("Mallory Bad")),
        "the committer is named: {found:?}"
    );
}

#[test]
fn finding_3_legit_the_change_manager_adding_a_team_member_passes() {
    let repo = on_a_branch();
    raj_joins(&repo);
    repo.commit_all_at(SAM, &at(1), "Raj joins as engineering lead");
    Verdict::gate(&repo).clean();
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
    // Each attempt on a branch of its own from main.
    let attempt = |branch: &str| {
        repo.git(&["checkout", "-q", "-b", branch, "main"]);
        raj_joins(&repo);
    };
    // Unsigned, by Sam himself: refused when signing is required.
    attempt("unsigned");
    repo.commit_all_at(SAM, &at(1), "Raj joins");
    Verdict::gate(&repo).fails_with("policy-edit-unauthorized");
    // Signed by Mallory's key, with Sam as author and committer: refused.
    attempt("mallory");
    signed_commit(&repo, SAM, &mallory_key, &[], "Raj joins");
    Verdict::gate(&repo).fails();
    // Signed by Sam: passes.
    attempt("signed");
    signed_commit(&repo, SAM, &sam_key, &[], "Raj joins");
    Verdict::gate(&repo).clean();
}

// ---------------------------------------------------------------------------
// Finding 6: the signer matched by substring.
// ---------------------------------------------------------------------------

/// Lee's approval of Jane's submitted record, committed on a branch and
/// signed with `signer`'s key, in a store whose policy lists `listed`'s
/// keys (`(name, email as listed)`); what the gate says.
fn lees_approval_signed_by(signer: &str, listed: &[(&str, &str)]) -> Verdict {
    let keys = tempfile::tempdir().unwrap();
    let publics: Vec<(String, String)> = listed
        .iter()
        .map(|(name, email)| (email.to_string(), ssh_keygen(keys.path(), name).1))
        .collect();
    let publics: Vec<(&str, &str)> = publics.iter().map(|(e, k)| (e.as_str(), k.as_str())).collect();
    let repo = signing_store(&publics);
    commit_record(&repo, &normal_record("CHG-2026-0001", "submitted"), JANE, 1, "submit");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let approval = Approval::new("engineering-lead", LEE);
    repo.write(
        REC,
        &Record::normal("CHG-2026-0001")
            .status("approved")
            .approval(approval)
            .text(),
    );
    signed_commit(&repo, LEE, &keys.path().join(signer), &[], "approve");
    Verdict::gate(&repo)
}

#[test]
fn finding_6_a_key_listed_for_ashlee_does_not_verify_an_approval_by_lee() {
    lees_approval_signed_by("ashlee", &[("ashlee", "ashlee@example.com")]).fails_with("approval-not-by-approver");
}

#[test]
fn finding_6_legit_lees_own_key_verifies_her_approval() {
    lees_approval_signed_by("lee", &[("ashlee", "ashlee@example.com"), ("lee", "lee@EXAMPLE.com")]).clean();
}

// ---------------------------------------------------------------------------
// Finding 10: a base policy that does not parse.
// ---------------------------------------------------------------------------

#[test]
fn finding_10_a_base_policy_that_does_not_parse_fails_the_gate() {
    let repo = Repo::initialised();
    let good = repo.read("changes/policy.yaml");
    // Malformed on purpose: an unclosed flow list.
    repo.edit_policy(|p| p.set("require_signed_approvals", "[true"));
    commit_record(&repo, &normal_record("CHG-2026-0001", "submitted"), SAM, 1, "policy");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // The branch mends the work tree's policy and forges an approval.
    repo.write("changes/policy.yaml", &good);
    let forged = format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "approved"));
    commit_record(&repo, &forged, SAM, 2, "approve");
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
    commit_record(&repo, &normal_record("CHG-2026-0001", "submitted"), JANE, 1, "submit");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.git(&["config", "commit.gpgsign", "true"]);
    repo.git(&["config", "user.signingkey", &sam_key.display().to_string()]);
    repo.chg_as(SAM, &["approve", "CHG-2026-0001", "--no-input"]).ok();
    let commit = repo.git(&["cat-file", "commit", "HEAD"]);
    assert!(
        commit.contains("-----BEGIN SSH SIGNATURE-----"),
        "chg's commit is signed: {commit}"
    );
    Verdict::gate(&repo).clean();
    assert_eq!(
        repo.git(&["status", "--porcelain"]),
        "",
        "index and work tree agree with HEAD"
    );
}

#[test]
fn finding_12_chg_commits_run_the_users_hooks() {
    let repo = Repo::initialised();
    commit_record(&repo, &normal_record("CHG-2026-0001", "submitted"), JANE, 1, "submit");
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
        commit_record(&repo, &normal_record("CHG-2026-0001", status), JANE, 1, "record");
        repo.git(&["checkout", "-q", "-b", "feature"]);
        repo.git(&["rm", "-q", REC]);
        repo.commit_all_at(JANE, &at(2), "tidy up");
        Verdict::gate(&repo).case(status).fails_with("record-deleted");
    }
}

#[test]
fn finding_15a_legit_a_renumber_is_not_a_deletion() {
    let repo = on_a_branch();
    commit_record(&repo, &normal_record("CHG-2026-0001", "draft"), JANE, 1, "draft");
    repo.chg(&["renumber", "CHG-2026-0001"]).ok();
    Verdict::gate(&repo).clean();
}
