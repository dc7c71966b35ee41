//! The pull-request gate: `chg check --base REF` on branches made with git as users would.

use crate::support::*;

const ID: &str = "CHG-2026-0001";
const T0: i64 = 1_794_909_600; // 2026-11-17 10:00 UTC, just before the fixtures' approval times

fn at(offset_hours: i64) -> String {
    format!("@{} +0000", T0 + offset_hours * 3600)
}

/// main: an initialised store and a submitted record by Jane; then a branch `feature`.
fn store_with_submitted_record() -> Repo {
    let repo = Repo::initialised();
    repo.put(&Record::normal(ID).status("submitted"));
    repo.commit_all_at(JANE, &at(1), "CHG-2026-0001: submit");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo
}

fn approved() -> Record {
    Record::normal(ID).approved_by_sam()
}

/// The branch `feature` on which `who` commits Sam's approval.
fn approved_on_feature_by(who: Who, message: &str) -> Repo {
    let repo = store_with_submitted_record();
    repo.put(&approved());
    repo.commit_all_at(who, &at(2), message);
    repo
}

#[test]
fn a_legitimate_branch_passes() {
    let repo = approved_on_feature_by(SAM, "CHG-2026-0001: approve");
    repo.check_against("main").ok().stdout_is("[]\n");
}

#[test]
fn a_forged_approval_names_the_commit_and_both_identities() {
    let repo = approved_on_feature_by(JANE, "approve it myself");
    let f = repo.check_against("main").status(1).finding("approval-not-by-approver");
    assert_eq!(f.commit, Some(repo.head()));
    assert_eq!(
        f.message,
        "an approval by Sam Lee <sam@example.com> was added in a commit authored by Jane Doe <jane@example.com> and committed by Jane Doe <jane@example.com>"
    );
    assert_eq!(f.line, 26, "points at the approval entry in HEAD: {f:?}");
}

#[test]
fn a_squashed_skip_of_approval_is_an_illegal_transition() {
    let repo = Repo::initialised();
    repo.put(&Record::normal(ID));
    repo.commit_all_at(JANE, &at(1), "draft");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let done = Implementation::new("2026-11-18T02:05:00Z", "2026-11-18T02:41:00Z", "successful")
        .validation("{smoke_tests: passed}");
    repo.put(&Record::normal(ID).status("completed").implementation(done));
    repo.commit_all_at(JANE, &at(2), "done");
    let f = repo.check_against("main").status(1).finding("illegal-transition");
    let head = repo.head();
    assert_eq!(f.commit.as_ref(), Some(&head));
    assert_eq!(
        f.message,
        format!(
            "commit {} by Jane Doe <jane@example.com> moved CHG-2026-0001 from `draft` to `completed`, which the lifecycle forbids",
            &head[..10]
        )
    );
    assert_eq!(
        f.hint,
        "from `draft` the next status is one of: submitted, cancelled; take each step with its own chg command"
    );
}

#[test]
fn an_edit_after_approval_is_refused_but_implementation_fields_may_change() {
    let repo = Repo::initialised();
    repo.put(&Record::normal(ID).status("submitted"));
    repo.commit_all_at(JANE, &at(1), "submit");
    repo.put(&approved());
    repo.commit_all_at(SAM, &at(2), "approve");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let scheduled = approved().status("scheduled");
    repo.put(&scheduled);
    repo.commit_all_at(JANE, &at(3), "schedule");
    repo.check_against("main").ok().stdout_is("[]\n");
    repo.put(&scheduled.systems(&["checkout-api", "pricing-service", "payments-gateway"]));
    repo.commit_all_at(JANE, &at(4), "one more system");
    let run = repo.check_against("main").status(1);
    assert_eq!(run.findings(), [("edited-after-approval", ID)]);
    assert_eq!(
        run.findings()[0].message,
        format!(
            "commit {} by Jane Doe <jane@example.com> changed systems of CHG-2026-0001 after it was approved",
            &repo.head()[..10]
        )
    );
}

#[test]
fn a_deleted_approval_is_refused() {
    let repo = Repo::initialised();
    repo.put(&approved());
    repo.commit_all_at(SAM, &at(1), "approved");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let verbal = Approval::new("change-manager", SAM).method("verbal");
    repo.put(&Record::normal(ID).status("approved").approval(verbal));
    repo.commit_all_at(JANE, &at(2), "rewrite");
    let run = repo.check_against("main").status(1);
    // The rewritten (verbal) entry no longer approves a normal change either;
    // and Sam, who filed the record on main, is its requester.
    assert_eq!(
        run.findings(),
        [
            ("approval-missing", ID),
            ("approval-removed", ID),
            ("self-approval", ID)
        ]
    );
}

#[test]
fn a_duplicate_id_from_a_parallel_branch_is_found_and_renumber_mends_it() {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.put(&Record::normal("CHG-2026-0002"));
    repo.commit_all_at(JANE, &at(1), "feature change");
    repo.git(&["checkout", "-q", "main"]);
    repo.put(&Record::normal("CHG-2026-0002").title("Rotate keys for checkout-api"));
    repo.commit_all_at(RAJ, &at(2), "main change");
    repo.git(&["checkout", "-q", "feature"]);
    let head = repo.head();
    repo.chg_line("check --base main").is(
        1,
        &format!(
            "changes/2026/CHG-2026-0002.yaml:2:1: error[duplicate-id]: the base branch already has CHG-2026-0002 with other content (added in parallel) (commit {})
  hint: give this branch's record a new id with `chg renumber CHG-2026-0002`, then push again
",
            &head[..12]
        ),
        "checked 1 file: 1 error, 0 warnings\n",
    );
    repo.chg_line("renumber CHG-2026-0002").is(
        0,
        "Renumbered CHG-2026-0002 → CHG-2026-0003 (changes/2026/CHG-2026-0003.yaml)\n",
        "",
    );
    let text = repo.read("changes/2026/CHG-2026-0003.yaml");
    let ids: Vec<&str> = text.lines().filter(|l| l.starts_with("id:")).collect();
    assert_eq!(ids, ["id: CHG-2026-0003"], "{text}");
    assert!(!repo.join("changes/2026/CHG-2026-0002.yaml").exists());
    assert_eq!(
        repo.git(&["show", "--name-status", "--no-renames", "--format=%s", "HEAD"]),
        "chg: renumber CHG-2026-0002 → CHG-2026-0003\n\nD\tchanges/2026/CHG-2026-0002.yaml\nA\tchanges/2026/CHG-2026-0003.yaml\n"
    );
    repo.chg_line("check --base main")
        .is(0, "", "checked 1 file: 0 errors, 0 warnings\n");
}

#[test]
fn policy_edits_need_the_change_manager_or_cab() {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.edit_policy(|p| p.role("change-manager", &[SAM, JANE]));
    repo.commit_all_at(JANE, &at(1), "make me a change manager");
    let run = repo.check_against("main").status(1);
    assert_eq!(run.findings(), [("policy-edit-unauthorized", "changes/policy.yaml")]);
    repo.git(&["reset", "-q", "--hard", "main"]);
    repo.edit_policy(|p| p.rto("simple", "20m"));
    repo.commit_all_at(SAM, &at(2), "longer simple RTO");
    repo.check_against("main").ok().stdout_is("[]\n");
}

#[test]
fn github_annotations_point_at_the_line_in_head() {
    let repo = approved_on_feature_by(JANE, "forged");
    repo.chg_line("check --base main --format github").is(
        1,
        "::error file=changes/2026/CHG-2026-0001.yaml,line=26,col=5,title=approval-not-by-approver::an approval by Sam Lee <sam@example.com> was added in a commit authored by Jane Doe <jane@example.com> and committed by Jane Doe <jane@example.com>%0Athe approver runs `chg approve CHG-2026-0001` with their own git identity; remove this entry\n",
        "",
    );
}

#[test]
fn detached_head_against_a_remote_tracking_base_works_and_shallow_clones_are_refused() {
    let origin = approved_on_feature_by(JANE, "forged");
    origin.git(&["checkout", "-q", "main"]);
    let url = format!("file://{}", origin.path().display());

    let clone = Repo::new();
    clone.git(&["fetch", "-q", &url, "+refs/heads/*:refs/remotes/origin/*"]);
    clone.git(&["checkout", "-q", "--detach", "origin/feature"]);
    let run = clone.check_against("origin/main").status(1);
    assert_eq!(run.findings(), [("approval-not-by-approver", ID)]);

    let shallow = Repo::new();
    for branch in ["feature", "main"] {
        let refspec = format!("+refs/heads/{branch}:refs/remotes/origin/{branch}");
        shallow.git(&["fetch", "-q", "--depth", "1", &url, &refspec]);
        if branch == "feature" {
            shallow.git(&["checkout", "-q", "--detach", "origin/feature"]);
        }
    }
    let run = shallow.chg_line("check --base origin/main").status(2).stdout_is("");
    let (feature, main) = (shallow.head(), shallow.git(&["rev-parse", "origin/main"]));
    run.stderr_is(&format!(
        "error: cannot find a common ancestor of {} and {}: no merge base found
  hint: the clone is shallow; fetch the whole history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)
",
        main.trim(),
        feature
    ));
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
    repo.require_signed_approvals(&[("sam@example.com", &sam_public)]);
    repo.commit_all_at(SAM, &at(0), "require signed approvals");
    repo.put(&Record::normal(ID).status("submitted"));
    repo.commit_all_at(JANE, &at(1), "submit");
    repo.git(&["config", "gpg.format", "ssh"]);
    for (branch, key) in [("signed", &sam_key), ("wrong-key", &mallory_key)] {
        repo.git(&["checkout", "-q", "-b", branch, "main"]);
        repo.put(&approved());
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
    repo.put(&approved());
    repo.commit_all_at(SAM, &at(2), "approve, unsigned");

    repo.git(&["checkout", "-q", "signed"]);
    repo.check_against("main").ok().stdout_is("[]\n");
    for branch in ["wrong-key", "unsigned"] {
        repo.git(&["checkout", "-q", branch]);
        let run = repo.check_against("main").status(1);
        assert_eq!(run.findings(), [("approval-not-by-approver", ID)], "{branch}");
        assert_eq!(
            run.findings()[0].message,
            "the approval by Sam Lee <sam@example.com> is in a commit without a valid signature by their key",
            "{branch}"
        );
    }
}
