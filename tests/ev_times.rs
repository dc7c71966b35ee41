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

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

// ---- a broken policy inside the branch -------------------------------------

#[test]
fn broken_policy_in_a_branch_commit_is_a_located_finding_not_the_defaults() {
    let repo = Test::new();
    let good = repo.read(POLICY);
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // Sam, the change manager, commits a policy that does not parse (the
    // gate used to read it as the built-in defaults), then mends it, so
    // the work tree's own check sees nothing wrong.
    // Not a boolean: the policy does not load.
    repo.edit_policy(|p| p.set("require_signed_approvals", "maybe"));
    let broken = repo.policy_text();
    let line = broken.lines().position(|l| l.contains("maybe")).map(|i| i + 1).unwrap();
    repo.commit_all_at(SAM, &at(1), "policy");
    let bad_commit = head(&repo);
    repo.write(POLICY, &good);
    repo.commit_all_at(SAM, &at(2), "policy mended");
    let Verdict { status, findings, .. } = Verdict::gate(&repo);
    assert_eq!(status, 1, "{findings:?}");
    let f = findings
        .iter()
        .find(|f| f.file == POLICY && f.commit.as_deref() == Some(bad_commit.as_str()))
        .unwrap_or_else(|| panic!("{findings:?}"));
    assert_eq!(f.severity, "error", "{f:?}");
    let message = &f.message;
    assert!(message.contains(&bad_commit[..7]), "{message}");
    assert!(message.contains("does not parse"), "{message}");
    // Located in the commit's version of the file, at the broken value.
    assert_eq!(f.line, line as u64, "{f:?}");
    assert!(f.column >= 1, "{f:?}");
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
    let Verdict { status, findings, .. } = Verdict::gate(&repo);
    assert_eq!(status, 1, "{findings:?}");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].commit.as_deref(), Some(bad_commit.as_str()), "{findings:?}");
    assert_eq!(findings[0].rule, "yaml-syntax", "{findings:?}");
    assert!(findings[0].message.contains("does not parse"), "{findings:?}");
}

// ---- deadlines and metrics judged by commit times ---------------------------

const EMERGENCY: &str = "CHG-2026-0001";

/// Declares the emergency now, with the CISO's and the CTO's approvals given
/// on the phone at `verbal_at` and a simple rollback plan.
fn declare(repo: &Repo, verbal_at: &str) {
    let verbal = format!(
        "--verbal-approval ciso:carol@example.com --verbal-approval cto:dave@example.com --verbal-at {verbal_at}"
    );
    let plan = "--rollback-plan 'redeploy the previous image' --rollback-kind simple --benefit 'The hole closed'";
    crate::emergency::new_emergency(repo, &words(&format!("{verbal} {plan}"))).ok();
}

/// An emergency filed, implemented and documented on 2 November 2026 on
/// main, with `chg` (its commits carry `CHG_NOW`), then other work on main
/// on 10 November: the team's store as the attacker finds it.
fn emergency_implemented_on_main() -> Test {
    let mut repo = Test::new().at("2026-11-02T10:00:00Z");
    declare(&repo, "2026-11-02T09:50:00Z");
    repo.chg(&["start", EMERGENCY]).ok();
    repo.now = Some("2026-11-02T11:00:00Z".into());
    repo.chg(&["complete", EMERGENCY, "--smoke-tests", "passed"]).ok();
    repo.now = Some("2026-11-02T18:00:00Z".into());
    repo.chg(&["submit", EMERGENCY]).ok();
    repo.write("README.md", "# ops\n");
    repo.commit_all_at(JANE, "2026-11-10T09:00:00Z", "other work on main");
    repo
}

fn metrics_explain(repo: &Repo) -> String {
    repo.chg(&["metrics", "--month", "2026-11", "--explain"]).ok().stdout
}

#[test]
fn evidence_time_late_emergency_paperwork_back_dated_nine_days_is_late_in_metrics_and_gate() {
    let mut repo = emergency_implemented_on_main();
    // On 13 November the CISO, the CTO and the engineer catch up, with
    // chg's clock and git's set back to the evening of the emergency.
    repo.git(&["checkout", "-q", "-b", "paperwork"]);
    let back = "2026-11-02T20:00:00Z";
    repo.now = Some(back.into());
    let dates = [("GIT_AUTHOR_DATE", back), ("GIT_COMMITTER_DATE", back)];
    repo.chg_env(CAROL, &dates, &["approve", EMERGENCY]).ok();
    repo.chg_env(DAVE, &dates, &["approve", EMERGENCY]).ok();
    repo.chg_env(
        JANE,
        &dates,
        &[
            "review",
            EMERGENCY,
            "--root-cause",
            "old library",
            "--preventive-measures",
            "scan",
        ],
    )
    .ok();
    let text = repo.read("changes/2026/CHG-2026-0001.yaml");
    assert!(
        text.contains("2026-11-02T20:00:00Z"),
        "the record states the set-back time: {text}"
    );

    // The pull-request gate, run by CI on the 13th.
    repo.now = Some("2026-11-13T12:00:00Z".into());
    let Verdict { status, findings, .. } = Verdict::gate(&repo);
    assert_eq!(status, 1, "{findings:?}");
    let rule = |name: &str| {
        findings
            .iter()
            .find(|f| f.rule == name && f.file == "changes/2026/CHG-2026-0001.yaml")
            .unwrap_or_else(|| panic!("{name} missing: {findings:?}"))
    };
    let approval = rule("emergency-approval-overdue");
    let message = approval.message.as_str();
    assert!(
        message.contains("2026-11-10"),
        "judged by its commit's place in history: {message}"
    );
    rule("emergency-review-overdue");

    // Merged into main on the 13th: the metrics see through it too.
    repo.git(&["checkout", "-q", "main"]);
    repo.git_at(
        JANE,
        "2026-11-13T12:00:00Z",
        &["merge", "-q", "--no-ff", "-m", "paperwork", "paperwork"],
    );
    let json = repo.month_metrics("2026-11");
    let figure = |name: &str| json["metrics"][name]["actual"].as_f64();
    assert_eq!(figure("emergency_written_approval_in_time"), Some(0.0), "{json}");
    assert_eq!(figure("emergency_post_review_in_time"), Some(0.0), "{json}");
    // Documented honestly on the evening of the emergency: in time.
    assert_eq!(figure("emergency_documented_in_time"), Some(1.0), "{json}");
    let explain = metrics_explain(&repo);
    let line = line_with(&explain, "CHG-2026-0001: missed, written approval");
    assert!(
        line.contains("2026-11-02 20:00") && line.contains("implausible"),
        "--explain says which time was set aside and why: {line}"
    );
}

#[test]
fn evidence_time_an_honest_emergency_back_dated_within_a_day_stays_in_time() {
    let mut repo = Test::new();
    // Filed at 14:00 after the night's work: approved on the phone at
    // 09:40, started 09:45, finished 11:00, all stated with `--at`.
    repo.now = Some("2026-11-02T14:00:00Z".into());
    declare(&repo, "2026-11-02T09:40:00Z");
    repo.chg(&["start", EMERGENCY, "--at", "2026-11-02T09:45:00Z"]).ok();
    repo.write("README.md", "# ops\n");
    repo.commit_all_at(JANE, "2026-11-02T16:00:00Z", "other work on main");
    // The finish is written up the next morning, 21 hours back.
    repo.now = Some("2026-11-03T08:00:00Z".into());
    repo.chg(&[
        "complete",
        EMERGENCY,
        "--smoke-tests",
        "passed",
        "--at",
        "2026-11-02T11:00:00Z",
    ])
    .ok();
    repo.git(&["checkout", "-q", "-b", "paperwork"]);
    repo.now = Some("2026-11-03T09:00:00Z".into());
    repo.emergency_paperwork(EMERGENCY, "2026-11-03");
    repo.now = Some("2026-11-03T09:30:00Z".into());
    let Verdict { status, findings, .. } = Verdict::gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{findings:?}");
    repo.git(&["checkout", "-q", "main"]);
    repo.git_at(
        JANE,
        "2026-11-03T09:30:00Z",
        &["merge", "-q", "--no-ff", "-m", "paperwork", "paperwork"],
    );
    repo.now = Some("2026-12-10T12:00:00Z".into());
    let json = repo.month_metrics("2026-11");
    for name in [
        "emergency_documented_in_time",
        "emergency_written_approval_in_time",
        "emergency_post_review_in_time",
    ] {
        assert_eq!(json["metrics"][name]["actual"].as_f64(), Some(1.0), "{name}: {json}");
    }
    // The deadlines run from the stated finish (11:00), not from its commit.
    let explain = metrics_explain(&repo);
    assert!(explain.contains("due 2026-11-03 11:00"), "{explain}");
}

// ---- invisible characters in person fields (finding 4, a reviewer's bypass) --

const REC: &str = "changes/2026/CHG-2026-0001.yaml";
const INVISIBLE: [char; 5] = ['\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}'];

#[test]
fn invisible_character_in_requested_by_cannot_hide_a_self_approval() {
    for c in INVISIBLE {
        let repo = Test::new();
        // Sam files his own change with a zero-width character in his email,
        // so that `requested_by` no longer equals the approver, and approves it.
        let record = Record::normal("CHG-2026-0001")
            .approved_by_sam()
            .raw("requested_by", &format!("Sam Lee <sam{c}@example.com>"))
            .text();
        repo.write(REC, &record);
        let run = repo.chg(&["check", "--format", "json"]);
        assert_eq!(run.status, 2, "U+{:04X}: {run:?}", c as u32);
        let findings = run.findings();
        let f = findings
            .iter()
            .find(|f| f.rule == "invisible-character")
            .unwrap_or_else(|| panic!("U+{:04X}: {findings:?}", c as u32));
        let line = record.lines().position(|l| l.starts_with("requested_by")).unwrap() + 1;
        assert_eq!(f.file, REC, "{f:?}");
        assert_eq!(f.line, line as u64, "{f:?}");
        assert!(f.message.contains(&format!("U+{:04X}", c as u32)), "{f:?}");
    }
}

#[test]
fn invisible_character_in_an_approver_or_a_role_is_a_located_error() {
    let repo = Test::new();
    // Mallory puts herself on the CAB under a name that prints as Ana's.
    let policy = repo.read(POLICY);
    repo.edit_policy(|p| {
        assert_eq!(p.get("roles.cab.0"), "ana@example.com");
        p.set("roles.cab.0", "ana\u{2060}@example.com")
    });
    let forged = repo.policy_text();
    let run = repo.chg(&["check", "--format", "json"]);
    assert_eq!(run.status, 2, "{run:?}");
    let findings = run.findings();
    let f = findings
        .iter()
        .find(|f| f.rule == "invisible-character" && f.file == POLICY)
        .unwrap_or_else(|| panic!("{findings:?}"));
    let line = forged.lines().position(|l| l.contains('\u{2060}')).unwrap() + 1;
    assert_eq!(f.line, line as u64, "{f:?}");
    repo.write(POLICY, &policy);

    // An approver with a byte-order mark inside the email.
    let sam = Approval::new("change-manager", SAM).field("approver", "Sam Lee <s\u{FEFF}am@example.com>");
    repo.put(&Record::normal("CHG-2026-0001").status("approved").approval(sam));
    let run = repo.chg(&["check", "--format", "json"]).status(2);
    let f = run.finding("invisible-character");
    assert!(f.message.contains("approvals[0].approver"), "{f:?}");
    // A mixed-script look-alike keeps its warning (not an invisible character).
    let submitted = Record::normal("CHG-2026-0001").status("submitted");
    repo.put(&submitted.raw("requested_by", "Jane Doe <j\u{430}ne@example.com>"));
    let run = repo.chg(&["check", "--format", "json"]);
    assert_eq!(run.rules(), ["lookalike-email"], "{run:?}");
}

#[test]
fn invisible_character_written_in_a_branch_commit_is_a_finding_in_history() {
    let repo = Repo::submitted(JANE, &at(1), "submit");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // Sam rewrites the requester with a zero-width space, approves, then
    // tidies the character away again so the work tree looks clean.
    let submitted = Record::normal("CHG-2026-0001").status("submitted");
    repo.put(
        &submitted
            .clone()
            .raw("requested_by", "Jane Doe <jane\u{200B}@example.com>"),
    );
    repo.commit_all_at(SAM, &at(2), "requester");
    let bad = head(&repo);
    repo.put(&submitted);
    repo.commit_all_at(SAM, &at(3), "tidy");
    let Verdict { status, findings, .. } = Verdict::gate(&repo);
    assert_eq!(status, 1, "{findings:?}");
    let f = findings
        .iter()
        .find(|f| f.rule == "invisible-character")
        .unwrap_or_else(|| panic!("{findings:?}"));
    assert_eq!(f.commit.as_deref(), Some(bad.as_str()), "{f:?}");
    assert!(f.message.contains(&bad[..10]), "{f:?}");
}

// ---- self-approval judged against who filed the record before the base ------

/// `submitted` approved by Sam, the change manager, in a new branch commit.
fn approve_as_sam(repo: &Repo, submitted: &Record, when: &str) {
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.put(&submitted.clone().approved_by_sam());
    repo.commit_all_at(SAM, when, "approve");
}

fn self_approval_in(findings: &[Finding]) -> Option<&Finding> {
    findings.iter().find(|f| f.rule == "self-approval" && f.file == REC)
}

#[test]
fn self_approval_of_a_record_filed_before_the_base_in_a_colleagues_name() {
    // Sam files a change on main naming Jane as requester; it is merged.
    let repo = Repo::submitted(SAM, &at(1), "file it for Jane");
    let submitted = Record::normal("CHG-2026-0001").status("submitted");
    // In a later pull request he approves it himself.
    approve_as_sam(&repo, &submitted, &at(3));
    let Verdict { status, findings, .. } = Verdict::gate(&repo);
    assert_eq!(status, 1, "{findings:?}");
    let f = self_approval_in(&findings).unwrap_or_else(|| panic!("{findings:?}"));
    assert!(f.message.contains("sam@example.com"), "{f:?}");
}

#[test]
fn self_approval_after_requested_by_was_changed_in_an_already_merged_commit() {
    // Sam files his own change, or Jane files it on Sam's behalf; then the
    // requester is renamed to Jane. Both commits are on main before the pull
    // request in which Sam approves: he was named as requester, so he may not.
    let submitted = Record::normal("CHG-2026-0001").status("submitted");
    for filer in [SAM, JANE] {
        let repo = Test::new();
        repo.put(&submitted.clone().requested_by(SAM));
        repo.commit_all_at(filer, &at(1), "file it for Sam");
        repo.put(&submitted);
        repo.commit_all_at(filer, &at(2), "the requester is Jane after all");
        approve_as_sam(&repo, &submitted, &at(3));
        let Verdict { status, findings, .. } = Verdict::gate(&repo);
        assert_eq!(status, 1, "filed by {}: {findings:?}", filer.name);
        self_approval_in(&findings).unwrap_or_else(|| panic!("filed by {}: {findings:?}", filer.name));
    }
}

#[test]
fn self_approval_an_approver_approving_a_change_filed_before_the_base_by_someone_else_passes() {
    let repo = Repo::submitted(JANE, &at(1), "file");
    let submitted = Record::normal("CHG-2026-0001").status("submitted");
    // An unrelated edit on main by Sam (he did not file it, nor was named).
    repo.write("README.md", "# ops\n");
    repo.commit_all_at(SAM, &at(2), "readme");
    approve_as_sam(&repo, &submitted, &at(3));
    let Verdict { status, findings, .. } = Verdict::gate(&repo);
    assert_eq!((status, findings.len()), (0, 0), "{findings:?}");
}
