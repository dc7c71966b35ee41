//! Issue 13, the parts left over: deadlines and metrics judged by commit
//! times where a record's own times are implausible, self-approval judged
//! however `requested_by` was set, invisible characters in person fields,
//! and a broken policy inside a branch. Each attack is made with `git` as
//! an attacker would; each has its legitimate counterpart.

use crate::support::*;

const POLICY: &str = "changes/policy.yaml";
const T0: i64 = 1_794_909_600; // 2026-11-17 10:00 UTC

fn at(offset_hours: i64) -> String {
    format!("@{} +0000", T0 + offset_hours * 3600)
}

fn gate(repo: &Repo) -> (i32, Vec<serde_json::Value>, Run) {
    let run = repo.chg(&["check", "--base", "main", "--format", "json"]);
    let findings: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    (run.status, findings, run)
}

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

// ---- a broken policy inside the branch -------------------------------------

#[test]
fn broken_policy_in_a_branch_commit_is_a_located_finding_not_the_defaults() {
    let repo = Repo::initialised();
    let good = repo.read(POLICY);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // Sam, the change manager, commits a policy that does not parse (the
    // gate used to read it as the built-in defaults), then mends it, so
    // the work tree's own check sees nothing wrong.
    let broken = good.replace("require_signed_approvals: false", "require_signed_approvals: maybe");
    assert_ne!(broken, good, "the fixture has the line");
    let line = broken.lines().position(|l| l.contains("maybe")).map(|i| i + 1).unwrap();
    repo.write(POLICY, &broken);
    repo.commit_all_at(SAM, &at(1), "policy");
    let bad_commit = head(&repo);
    repo.write(POLICY, &good);
    repo.commit_all_at(SAM, &at(2), "policy mended");
    let (status, findings, run) = gate(&repo);
    assert_eq!(status, 1, "{run:?}");
    let f = findings
        .iter()
        .find(|f| f["file"] == POLICY && f["commit"] == bad_commit.as_str())
        .unwrap_or_else(|| panic!("{findings:?}"));
    assert_eq!(f["severity"], "error", "{f}");
    let message = f["message"].as_str().unwrap();
    assert!(message.contains(&bad_commit[..7]), "{message}");
    assert!(message.contains("does not parse"), "{message}");
    // Located in the commit's version of the file, at the broken value.
    assert_eq!(f["line"].as_u64(), Some(line as u64), "{f}");
    assert!(f["column"].as_u64().unwrap() >= 1, "{f}");
    // Only the broken commit is blamed; the mended policy is Sam's own edit.
    assert_eq!(findings.len(), 1, "{findings:?}");

    // A store set up in the branch: its broken first policy is located too,
    // never judged as a policy that names nobody.
    let repo = Repo::new();
    repo.write("README.md", "# ops\n");
    repo.git_as(SAM, &["add", "-A"]);
    repo.git_as(SAM, &["commit", "-q", "-m", "start"]);
    repo.git(&["checkout", "-q", "-b", "setup"]);
    let mut init = TEAM_INIT.to_vec();
    init.push("--no-commit");
    repo.chg_as(SAM, &init).ok();
    let good = repo.read(POLICY);
    repo.write(
        POLICY,
        &good.replace("require_signed_approvals: false", "require_signed_approvals: [true"),
    );
    repo.git_as(SAM, &["add", "-A"]);
    repo.git_as(SAM, &["commit", "-q", "-m", "chg: init"]);
    let bad_commit = head(&repo);
    repo.write(POLICY, &good);
    repo.git_as(SAM, &["commit", "-q", "-am", "policy mended"]);
    let (status, findings, run) = gate(&repo);
    assert_eq!(status, 1, "{run:?}");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0]["commit"], bad_commit.as_str(), "{findings:?}");
    assert_eq!(findings[0]["rule"], "yaml-syntax", "{findings:?}");
    assert!(
        findings[0]["message"].as_str().unwrap().contains("does not parse"),
        "{findings:?}"
    );
}
