//! The pull-request gate: `chg check --base REF` on branches made with git as users would.

use crate::support::*;

const REC: &str = "changes/2026/CHG-2026-0001.yaml";
const T0: i64 = 1_794_909_600; // 2026-11-17 10:00 UTC, just before the fixtures' approval times

fn at(offset_hours: i64) -> String {
    format!("@{} +0000", T0 + offset_hours * 3600)
}

/// main: an initialised store and a submitted record by Jane; then a branch `feature`.
fn store_with_submitted_record() -> Repo {
    let repo = Repo::initialised();
    repo.write(REC, &normal_record("CHG-2026-0001", "submitted"));
    repo.commit_all_at(JANE, &at(1), "CHG-2026-0001: submit");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

fn approved_text() -> String {
    format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "approved"))
}

fn gate(repo: &Repo) -> (i32, Vec<serde_json::Value>) {
    let run = repo.chg(&["check", "--base", "main", "--format", "json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    (run.status, findings)
}

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

#[test]
fn a_legitimate_branch_passes() {
    let repo = store_with_submitted_record();
    repo.write(REC, &approved_text());
    repo.commit_all_at(SAM, &at(2), "CHG-2026-0001: approve");
    let (status, findings) = gate(&repo);
    assert_eq!(findings, Vec::<serde_json::Value>::new());
    assert_eq!(status, 0);
}

#[test]
fn a_forged_approval_names_the_commit_and_both_identities() {
    let repo = store_with_submitted_record();
    repo.write(REC, &approved_text());
    repo.commit_all_at(JANE, &at(2), "approve it myself");
    let forged = head(&repo);
    let (status, findings) = gate(&repo);
    assert_eq!(status, 1);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "approval-not-by-approver")
        .expect("finding");
    assert_eq!(f["commit"], forged.as_str());
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("Sam Lee <sam@example.com>") && message.contains("Jane Doe <jane@example.com>"),
        "{message}"
    );
    assert_eq!(f["line"], 25, "points at the approval entry in HEAD: {f}");
}

#[test]
fn a_squashed_skip_of_approval_is_an_illegal_transition() {
    let repo = Repo::initialised();
    repo.write(REC, &normal_record("CHG-2026-0001", "draft"));
    repo.commit_all_at(JANE, &at(1), "draft");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let completed = format!(
        "{}implementation:\n  started_at: 2026-11-18T02:05:00Z\n  finished_at: 2026-11-18T02:41:00Z\n  outcome: successful\n  validation: {{smoke_tests: passed}}\n",
        normal_record("CHG-2026-0001", "completed")
    );
    repo.write(REC, &completed);
    repo.commit_all_at(JANE, &at(2), "done");
    let squashed = head(&repo);
    let (status, findings) = gate(&repo);
    assert_eq!(status, 1);
    let f = findings
        .iter()
        .find(|f| f["rule"] == "illegal-transition")
        .expect("finding");
    assert_eq!(f["commit"], squashed.as_str());
    assert!(f["message"].as_str().unwrap().contains("from `draft` to `completed`"));
    assert!(f["hint"].as_str().unwrap().contains("submitted, cancelled"), "{f}");
}

#[test]
fn an_edit_after_approval_is_refused_but_implementation_fields_may_change() {
    let repo = Repo::initialised();
    repo.write(REC, &normal_record("CHG-2026-0001", "submitted"));
    repo.commit_all_at(JANE, &at(1), "submit");
    repo.write(REC, &approved_text());
    repo.commit_all_at(SAM, &at(2), "approve");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let scheduled = approved_text().replace("status: approved", "status: scheduled");
    repo.write(REC, &scheduled);
    repo.commit_all_at(JANE, &at(3), "schedule");
    let (status, findings) = gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{findings:?}");
    repo.write(
        REC,
        &scheduled.replace(
            "systems: [checkout-api, pricing-service]",
            "systems: [checkout-api, pricing-service, payments-gateway]",
        ),
    );
    repo.commit_all_at(JANE, &at(4), "one more system");
    let (status, findings) = gate(&repo);
    assert_eq!(status, 1);
    assert_eq!(findings[0]["rule"], "edited-after-approval", "{findings:?}");
    assert!(findings[0]["message"].as_str().unwrap().contains("changed systems"));
}

#[test]
fn a_deleted_approval_is_refused() {
    let repo = Repo::initialised();
    repo.write(REC, &approved_text());
    repo.commit_all_at(SAM, &at(1), "approved");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        REC,
        &approved_text().replace("    method: written\n", "    method: verbal\n"),
    );
    repo.commit_all_at(JANE, &at(2), "rewrite");
    let (status, findings) = gate(&repo);
    assert_eq!(status, 1);
    assert!(findings.iter().any(|f| f["rule"] == "approval-removed"), "{findings:?}");
}

#[test]
fn a_duplicate_id_from_a_parallel_branch_is_found_and_renumber_mends_it() {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write(
        "changes/2026/CHG-2026-0002.yaml",
        &normal_record("CHG-2026-0002", "draft"),
    );
    repo.commit_all_at(JANE, &at(1), "feature change");
    repo.git(&["checkout", "-q", "main"]);
    repo.write(
        "changes/2026/CHG-2026-0002.yaml",
        &normal_record("CHG-2026-0002", "draft").replace("Enable canary routing", "Rotate keys"),
    );
    repo.commit_all_at(RAJ, &at(2), "main change");
    repo.git(&["checkout", "-q", "feature"]);
    let run = repo.chg(&["check", "--base", "main"]).status(1);
    assert!(run.stdout.contains("error[duplicate-id]"), "{}", run.stdout);
    assert!(run.stdout.contains("chg renumber CHG-2026-0002"), "{}", run.stdout);
    let renumbered = repo.chg(&["renumber", "CHG-2026-0002"]).ok();
    assert_eq!(
        renumbered.stdout,
        "Renumbered CHG-2026-0002 → CHG-2026-0003 (changes/2026/CHG-2026-0003.yaml)\n"
    );
    assert!(repo
        .read("changes/2026/CHG-2026-0003.yaml")
        .contains("id: CHG-2026-0003"));
    assert!(!repo.join("changes/2026/CHG-2026-0002.yaml").exists());
    let touched = repo.git(&["show", "--name-only", "--format=%s", "HEAD"]);
    assert!(
        touched.contains("chg: renumber CHG-2026-0002 → CHG-2026-0003"),
        "{touched}"
    );
    repo.chg(&["check", "--base", "main"]).ok();
}

#[test]
fn policy_edits_need_the_change_manager_or_cab() {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let policy = repo.read("changes/policy.yaml");
    repo.write(
        "changes/policy.yaml",
        &policy.replace(
            "change-manager: [sam@example.com]",
            "change-manager: [sam@example.com, jane@example.com]",
        ),
    );
    repo.commit_all_at(JANE, &at(1), "make me a change manager");
    let (status, findings) = gate(&repo);
    assert_eq!(status, 1);
    assert_eq!(findings[0]["rule"], "policy-edit-unauthorized");
    assert_eq!(findings[0]["file"], "changes/policy.yaml");
    repo.git(&["reset", "-q", "--hard", "main"]);
    repo.write(
        "changes/policy.yaml",
        &policy.replace("rto: {simple: 15m", "rto: {simple: 20m"),
    );
    repo.commit_all_at(SAM, &at(2), "longer simple RTO");
    let (status, findings) = gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{findings:?}");
}

#[test]
fn github_annotations_point_at_the_line_in_head() {
    let repo = store_with_submitted_record();
    repo.write(REC, &approved_text());
    repo.commit_all_at(JANE, &at(2), "forged");
    let run = repo.chg(&["check", "--base", "main", "--format", "github"]).status(1);
    assert!(
        run.stdout
            .starts_with("::error file=changes/2026/CHG-2026-0001.yaml,line=25,col=5,title=approval-not-by-approver::"),
        "{}",
        run.stdout
    );
}

#[test]
fn detached_head_against_a_remote_tracking_base_works_and_shallow_clones_are_refused() {
    let origin = store_with_submitted_record();
    origin.write(REC, &approved_text());
    origin.commit_all_at(JANE, &at(2), "forged");
    origin.git(&["checkout", "-q", "main"]);
    let url = format!("file://{}", origin.path().display());

    let clone = Repo::new();
    clone.git(&["fetch", "-q", &url, "+refs/heads/*:refs/remotes/origin/*"]);
    clone.git(&["checkout", "-q", "--detach", "origin/feature"]);
    let run = clone.chg(&["check", "--base", "origin/main"]).status(1);
    assert!(run.stdout.contains("approval-not-by-approver"), "{}", run.stdout);

    let shallow = Repo::new();
    shallow.git(&[
        "fetch",
        "-q",
        "--depth",
        "1",
        &url,
        "+refs/heads/feature:refs/remotes/origin/feature",
    ]);
    shallow.git(&["checkout", "-q", "--detach", "origin/feature"]);
    shallow.git(&[
        "fetch",
        "-q",
        "--depth",
        "1",
        &url,
        "+refs/heads/main:refs/remotes/origin/main",
    ]);
    let run = shallow.chg(&["check", "--base", "origin/main"]).status(2);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
}

#[test]
fn init_ci_github_writes_the_workflow() {
    let repo = Repo::new();
    let source = "https://git.acme.test/tools/chg.git@0123456789abcdef0123456789abcdef01234567";
    repo.chg(&["init", "--ci", "github", "--chg-source", source]).ok();
    let workflow = repo.read(".github/workflows/chg.yml");
    assert!(workflow.contains("fetch-depth: 0"));
    assert!(workflow.contains("BASE: origin/${{ github.base_ref }}"));
    assert!(workflow.contains("chg check --base \"$BASE\" --format github"));
}

#[test]
fn signed_approvals_are_verified_with_git() {
    let found = std::process::Command::new("ssh-keygen").arg("-?").output().is_ok();
    let install = "apt-get install openssh-client";
    if !tool_present("signed_approvals_are_verified_with_git", found, "ssh-keygen", install) {
        return;
    }
    let keys = tempfile::tempdir().unwrap();
    let (sam_key, sam_public) = ssh_keygen(keys.path(), "sam");
    let (mallory_key, _) = ssh_keygen(keys.path(), "mallory");
    let repo = Repo::initialised();
    let policy = repo.read("changes/policy.yaml");
    repo.write(
        "changes/policy.yaml",
        &policy
            .replace(
                "signing_keys: {}",
                &format!("signing_keys:\n  sam@example.com: {sam_public}"),
            )
            .replace("require_signed_approvals: false", "require_signed_approvals: true"),
    );
    repo.commit_all_at(SAM, &at(0), "require signed approvals");
    repo.write(REC, &normal_record("CHG-2026-0001", "submitted"));
    repo.commit_all_at(JANE, &at(1), "submit");
    repo.git(&["config", "gpg.format", "ssh"]);
    for (branch, key) in [("signed", &sam_key), ("wrong-key", &mallory_key)] {
        repo.git(&["checkout", "-q", "-b", branch, "main"]);
        repo.write(REC, &approved_text());
        repo.git_as(SAM, &["add", "-A"]);
        repo.git_at(
            SAM,
            &at(2),
            &[
                "-c",
                &format!("user.signingkey={}", key.display()),
                "commit",
                "-q",
                "-S",
                "-m",
                "approve",
            ],
        );
    }
    repo.git(&["checkout", "-q", "-b", "unsigned", "main"]);
    repo.write(REC, &approved_text());
    repo.commit_all_at(SAM, &at(2), "approve, unsigned");

    repo.git(&["checkout", "-q", "signed"]);
    let (status, findings) = gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{findings:?}");
    for branch in ["wrong-key", "unsigned"] {
        repo.git(&["checkout", "-q", branch]);
        let (status, findings) = gate(&repo);
        assert_eq!(status, 1, "{branch}");
        assert!(
            findings[0]["message"]
                .as_str()
                .unwrap()
                .contains("without a valid signature"),
            "{branch}: {findings:?}"
        );
    }
}
