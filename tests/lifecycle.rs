//! The lifecycle commands end to end, as several people: submit, approve,
//! reject, schedule, start, complete, fail, cancel, rollback, review, close.

use crate::support::*;

pub const ID: &str = "CHG-2026-0001";
pub const FILE: &str = "changes/2026/CHG-2026-0001.yaml";

/// A store with `CHG_NOW` fixed at 2026-11-25 12:00 UTC.
pub fn store() -> Repo {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-25T12:00:00Z".into());
    repo
}

/// Creates a complete draft of this class as `who`.
pub fn draft(repo: &Repo, who: Who, class: &str) {
    let mut args = words("new --no-input --title 'Enable canary routing for checkout-api' --description 'Route 5 % of checkout traffic through the new pricing service.' --justification 'Pricing errors cost 0.3 % of orders.' --benefit 'Correct prices for all regions.' --impact medium --likelihood low --system checkout-api --strategy canary --rollback-plan 'Set canary weight to 0, redeploy checkout-api v41.' --rollback-kind simple --rollback-tested 2026-11-10 --test unit=passed --test integration=passed --test qa_review=passed");
    args.extend(["--classification", class]);
    if class == "major" {
        args.extend(["--test", "security_review=passed", "--test", "performance=passed"]);
        // A major change is approved only on a recorded rehearsal, not on the plan's date.
        repo.chg_as(
            who,
            &words("rehearse checkout-api --kind simple --minutes 12 --result passed --at 10:00"),
        )
        .ok();
    }
    repo.chg_as(who, &args).ok();
}

/// The author, subject and files of the last commit.
pub fn last_commit(repo: &Repo) -> (String, String, Vec<String>) {
    let out = repo.git(&["log", "-1", "--format=%an <%ae>%n%s", "--name-only"]);
    let mut lines = out.lines().filter(|l| !l.is_empty());
    let author = lines.next().unwrap_or("").to_string();
    let subject = lines.next().unwrap_or("").to_string();
    (author, subject, lines.map(str::to_string).collect())
}

/// Asserts the last commit was made by `who` with `subject`, touching only the record.
#[track_caller]
pub fn assert_committed(repo: &Repo, who: Who, subject: &str) {
    let (author, got, files) = last_commit(repo);
    assert_eq!(author, format!("{} <{}>", who.name, who.email));
    assert_eq!(got, subject);
    assert_eq!(files, vec![FILE.to_string()]);
}

pub fn commits(repo: &Repo) -> usize {
    repo.git(&["rev-list", "--count", "HEAD"]).trim().parse().unwrap()
}

/// A normal change drafted and submitted by Jane.
fn submitted() -> Repo {
    let repo = store();
    draft(&repo, JANE, "normal");
    repo.chg(&["submit", ID]).ok();
    repo
}

/// Asserts the last commit is `who`'s `subject` and the record now has
/// `status` and holds `block`.
#[track_caller]
fn assert_recorded(repo: &Repo, who: Who, subject: &str, status: &str, block: &str) {
    assert_committed(repo, who, subject);
    let text = repo.read(FILE);
    assert!(text.contains(&format!("\nstatus: {status}\n")), "{text}");
    assert!(text.contains(block), "{text}");
}

/// Runs an action that must be refused: exit 1, nothing written, nothing committed.
#[track_caller]
pub fn refused(repo: &Repo, who: Who, args: &[&str]) -> Run {
    let before = repo.read(FILE);
    let count = commits(repo);
    let run = repo.chg_as(who, args).status(1);
    assert_eq!(repo.read(FILE), before, "a refused `{args:?}` must not change the file");
    assert_eq!(commits(repo), count, "a refused `{args:?}` must not commit");
    assert!(
        repo.git(&["status", "--porcelain"]).is_empty(),
        "work tree clean after {args:?}"
    );
    run
}

#[test]
fn a_normal_change_goes_from_draft_to_closed() {
    let mut repo = store();
    draft(&repo, JANE, "normal");
    repo.chg(&["submit", ID]).is(0, "CHG-2026-0001: submitted; it needs the approval of 1 × change-manager (sam@example.com), or 1 × engineering-lead (lee@example.com)
", "");
    assert_committed(&repo, JANE, "chg: submit CHG-2026-0001");

    repo.chg_as(SAM, &["approve", ID, "--comment", "ok for Wednesday"]).is(
        0,
        "CHG-2026-0001: approval by Sam Lee <sam@example.com> as change-manager recorded; status `approved`
",
        "",
    );
    assert_committed(&repo, SAM, "chg: approve CHG-2026-0001 (change-manager)");
    let text = repo.read(FILE);
    assert!(text.contains("status: approved\n"), "{text}");
    assert!(
        text.contains("  - role: change-manager\n    approver: Sam Lee <sam@example.com>\n    decision: approved\n    method: written\n    at: \"2026-11-25T12:00:00Z\"\n    comment: ok for Wednesday\n"),
        "{text}"
    );

    repo.chg_line("schedule CHG-2026-0001 --start '2026-11-26 02:00' --end '2026-11-26 04:00'")
        .ok();
    assert_committed(&repo, JANE, "chg: schedule CHG-2026-0001");
    assert!(repo
        .read(FILE)
        .contains("window:\n    start: \"2026-11-26T02:00:00Z\"\n    end: \"2026-11-26T04:00:00Z\"\n"));

    repo.now = Some("2026-11-26T02:10:00Z".into());
    repo.chg(&["start", ID, "--at", "2026-11-26T02:05:00Z"]).ok();
    assert_committed(&repo, JANE, "chg: start CHG-2026-0001");
    repo.now = Some("2026-11-26T02:45:00Z".into());
    repo.chg_line("complete CHG-2026-0001 --smoke-tests passed --error-rates normal --customer-access verified --issue 'one pod restarted'")
    .ok();
    assert_committed(&repo, JANE, "chg: complete CHG-2026-0001");
    let text = repo.read(FILE);
    assert!(
        text.contains("implementation:\n  started_at: \"2026-11-26T02:05:00Z\"\n  finished_at: \"2026-11-26T02:45:00Z\"\n  outcome: successful\n  validation:\n    smoke_tests: passed\n    error_rates: normal\n    customer_access: verified\n  issues:\n    - one pod restarted\n"),
        "{text}"
    );

    refused(&repo, JANE, &["close", ID]).stdout_is("").stderr_is(
        "error: CHG-2026-0001 cannot be closed yet: it lacks the monitoring after the deployment (1 h, `chg monitor`), the post-implementation review (`--summary`)
  hint: record them with `chg review CHG-2026-0001` and `chg monitor CHG-2026-0001`
",
    );
    repo.now = Some("2026-11-26T03:50:00Z".into());
    repo.chg_line("monitor CHG-2026-0001 --to 03:50 --observed 'error rate flat, no alerts'")
        .is(
            0,
            "CHG-2026-0001: monitoring by Jane Doe <jane@example.com> recorded, 02:45–03:50 (65 min)
",
            "",
        );
    assert_committed(&repo, JANE, "chg: monitor CHG-2026-0001");
    repo.chg_line("review CHG-2026-0001 --summary 'deployed in one window' --lessons-learned 'watch pod restarts'")
        .is(
            0,
            "CHG-2026-0001: recorded review
",
            "Ready to close: `chg close CHG-2026-0001`
",
        );
    assert_committed(&repo, JANE, "chg: review CHG-2026-0001");
    repo.chg(&["close", ID]).ok();
    assert_committed(&repo, JANE, "chg: close CHG-2026-0001");
    assert!(repo.read(FILE).contains("status: closed\n"));
    repo.chg(&["check"]).ok();
    let log = repo.git(&["log", "--format=%an|%s"]);
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        [
            "Jane Doe|chg: close CHG-2026-0001",
            "Jane Doe|chg: review CHG-2026-0001",
            "Jane Doe|chg: monitor CHG-2026-0001",
            "Jane Doe|chg: complete CHG-2026-0001",
            "Jane Doe|chg: start CHG-2026-0001",
            "Jane Doe|chg: schedule CHG-2026-0001",
            "Sam Lee|chg: approve CHG-2026-0001 (change-manager)",
            "Jane Doe|chg: submit CHG-2026-0001",
            "Jane Doe|chg: new CHG-2026-0001 (Enable canary routing for checkout-api)",
            "Jane Doe|chg: init the change store",
        ]
    );
}

#[test]
fn a_major_change_needs_three_cab_approvals_and_a_repeat_counts_once() {
    let repo = store();
    draft(&repo, JANE, "major");
    repo.chg(&["submit", ID]).ok();
    repo.chg_as(ANA, &["approve", ID]).is(0, "CHG-2026-0001: approval by Ana Silva <ana@example.com> as cab recorded; it still needs 2 more cab, or 1 more cto
", "");
    assert_committed(&repo, ANA, "chg: approve CHG-2026-0001 (cab)");
    repo.chg_as(BEN, &["approve", ID]).ok();
    refused(&repo, BEN, &["approve", ID]).stdout_is("").stderr_is(
        "error: Ben Okafor <ben@example.com> has already voted on CHG-2026-0001 as cab (approved); a vote counts once
  hint: another CAB member must vote
",
    );
    assert!(repo.read(FILE).contains("status: submitted\n"));
    repo.chg_as(CHO, &["approve", ID]).is(
        0,
        "CHG-2026-0001: approval by Cho Min <cho@example.com> as cab recorded; status `approved`
",
        "",
    );
    let text = repo.read(FILE);
    assert_eq!(text.matches("  decision: approved\n").count(), 3, "{text}");
    assert!(text.contains("status: approved\n"));
}

#[test]
fn the_cto_alone_approves_a_major_change() {
    let repo = store();
    draft(&repo, JANE, "major");
    repo.chg(&["submit", ID]).ok();
    repo.chg_as(DAVE, &["approve", ID]).ok();
    assert_committed(&repo, DAVE, "chg: approve CHG-2026-0001 (cto)");
    assert!(repo.read(FILE).contains("status: approved\n"));
}

#[test]
fn approving_your_own_change_is_refused() {
    let repo = store();
    draft(&repo, SAM, "normal");
    repo.chg_as(SAM, &["submit", ID]).ok();
    refused(&repo, SAM, &["approve", ID]).stdout_is("").stderr_is("error: Sam Lee <sam@example.com> requested CHG-2026-0001 and cannot decide on their own change
  hint: another person holding `change-manager` must decide: sam@example.com; to withdraw it, run `chg cancel CHG-2026-0001 --reason ...`
");
}

#[test]
fn an_unauthorised_approver_is_refused() {
    let repo = submitted();
    refused(&repo, MALLORY, &["approve", ID])
        .stdout_is("")
        .stderr_is("error: Mallory Bad <mallory@example.com> is not listed in the policy for any role that approves a normal change (change-manager, engineering-lead)
  hint: ask one of them — change-manager: sam@example.com; engineering-lead: lee@example.com
");
    refused(&repo, MALLORY, &["approve", ID, "--role", "change-manager"])
        .stdout_is("")
        .stderr_is(
            "error: Mallory Bad <mallory@example.com> is not listed for the role `change-manager` in the policy
  hint: `change-manager` is held by: sam@example.com (changes/policy.yaml, `roles`)
",
        );
    refused(&repo, CAROL, &["approve", ID, "--role", "ciso"])
        .stdout_is("")
        .stderr_is(
            "error: a normal change is not approved by the role `ciso`
  hint: the policy asks for: change-manager, engineering-lead
",
        );
    refused(&repo, SAM, &["approve", ID, "--verbal"])
        .stdout_is("")
        .stderr_is(
            "error: CHG-2026-0001 is a normal change; only emergency changes take verbal approvals
  hint: approve it in writing: leave out `--verbal`
",
        );
}

#[test]
fn reject_records_the_reason_as_a_rejected_approval() {
    let repo = submitted();
    repo.chg_as(SAM, &["reject", ID]).misses("--reason", "the command");
    repo.chg_as(SAM, &["reject", ID, "--reason", "no load test"]).ok();
    assert_recorded(
        &repo,
        SAM,
        "chg: reject CHG-2026-0001 (change-manager)",
        "rejected",
        "    decision: rejected\n    method: written\n    at: \"2026-11-25T12:00:00Z\"\n    comment: no load test\n",
    );
    refused(&repo, LEE, &["approve", ID]).stdout_is("").stderr_is(
        "error: CHG-2026-0001 is `rejected`; only a submitted change can be approved
  hint: nothing to approve in this state
",
    );
}

#[test]
fn submit_is_refused_while_check_finds_errors() {
    let repo = store();
    repo.chg_line("new --no-input --title 'No plan' --description 'Raise the pool' --justification 'Timeouts' --benefit 'No timeouts' --impact medium --likelihood low")
        .ok();
    refused(&repo, JANE, &["submit", ID]).stdout_is("").stderr_is(
        "error: CHG-2026-0001 cannot become `submitted`: `chg check` finds 1 error in it
  changes/2026/CHG-2026-0001.yaml:1: [rollback-plan-missing] a normal change past draft needs a rollback plan and kind
    hint: add `rollback: {plan: ..., kind: simple|complex|full-restore}`
  hint: fix them in changes/2026/CHG-2026-0001.yaml and try again
",
    );
}

#[test]
fn a_standard_change_from_the_catalogue_is_approved_on_submission() {
    let repo = store();
    repo.chg_line("new --no-input --template log-rotation --system api-gateway")
        .ok();
    repo.chg(&["submit", ID]).is(
        0,
        "CHG-2026-0001: approved on submission (standard change, template `log-rotation`)
",
        "",
    );
    assert!(repo.read(FILE).contains("status: approved\n"));
    refused(&repo, SAM, &["approve", ID]).stdout_is("").stderr_is(
        "error: CHG-2026-0001 is a standard change, pre-approved by its template
  hint: `chg submit CHG-2026-0001` approves it
",
    );
}

#[test]
fn cancel_and_fail_record_who_and_why() {
    let repo = submitted();
    repo.chg_as(LEE, &["cancel", ID, "--reason", "superseded"]).ok();
    assert_recorded(
        &repo,
        LEE,
        "chg: cancel CHG-2026-0001",
        "cancelled",
        "cancellation:\n  at: \"2026-11-25T12:00:00Z\"\n  by: Lee Park <lee@example.com>\n  reason: superseded\n",
    );

    let mut repo = submitted();
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.chg_line("schedule CHG-2026-0001 --start '2026-11-26 02:00' --end '2026-11-26 04:00'")
        .ok();
    // Started in its window.
    repo.now = Some("2026-11-26T02:10:00Z".into());
    repo.chg(&["start", ID]).ok();
    repo.chg(&["fail", ID, "--reason", "migration timed out"]).ok();
    assert_recorded(
        &repo,
        JANE,
        "chg: fail CHG-2026-0001",
        "failed",
        "  outcome: failed\n  issues:\n    - migration timed out\n",
    );
}

#[test]
fn every_illegal_move_is_refused_with_nothing_written() {
    let mut repo = store();
    draft(&repo, JANE, "normal");
    // draft
    let from_draft = [
        (
            "schedule CHG-2026-0001 --start '2026-11-26 02:00' --end '2026-11-26 04:00'",
            "scheduled",
        ),
        ("start CHG-2026-0001", "in-progress"),
        ("complete CHG-2026-0001 --smoke-tests passed", "completed"),
        ("fail CHG-2026-0001 --reason x", "failed"),
        (
            "rollback CHG-2026-0001 --trigger error-rate --reason x --started-at 11:50",
            "rolled-back",
        ),
        ("close CHG-2026-0001", "closed"),
        ("reject CHG-2026-0001 --reason x", "rejected"),
    ];
    for (line, to) in from_draft {
        refused(&repo, JANE, &words(line)).stdout_is("").stderr_is(&format!(
            "error: CHG-2026-0001 is `draft`; it cannot become `{to}`
  hint: from `draft` a normal change may become: submitted, cancelled
"
        ));
    }
    refused(&repo, SAM, &["approve", ID]).stdout_is("").stderr_is(
        "error: CHG-2026-0001 is `draft`; only a submitted change can be approved
  hint: submit it first: `chg submit CHG-2026-0001`
",
    );
    // submitted
    repo.chg(&["submit", ID]).ok();
    refused(&repo, JANE, &["submit", ID]);
    refused(&repo, JANE, &["start", ID]);
    refused(
        &repo,
        JANE,
        &words("schedule CHG-2026-0001 --start '2026-11-26 02:00' --end '2026-11-26 04:00'"),
    );
    // approved → in progress
    repo.chg_as(SAM, &["approve", ID]).ok();
    refused(&repo, JANE, &["start", ID]);
    refused(&repo, JANE, &["complete", ID, "--smoke-tests", "passed"]);
    repo.chg_line("schedule CHG-2026-0001 --start '2026-11-26 02:00' --end '2026-11-26 04:00'")
        .ok();
    // Started in its window.
    repo.now = Some("2026-11-26T02:10:00Z".into());
    repo.chg(&["start", ID]).ok();
    refused(&repo, JANE, &["cancel", ID, "--reason", "x"])
        .stdout_is("")
        .stderr_is(
            "error: CHG-2026-0001 is `in-progress`; it cannot become `cancelled`
  hint: from `in-progress` a normal change may become: completed, failed, rolled-back
",
        );
    refused(&repo, JANE, &["close", ID]);
    refused(&repo, JANE, &["review", ID, "--summary", "x"]);
    // completed, then closed
    repo.chg(&["complete", ID, "--smoke-tests", "passed"]).ok();
    refused(&repo, JANE, &["close", ID]);
    refused(&repo, JANE, &["start", ID]);
    repo.chg(&["review", ID, "--summary", "fine", "--lessons-learned", "none"])
        .ok();
    // An hour of monitoring after the deployment, which closing needs.
    repo.now = Some("2026-11-26T03:15:00Z".into());
    repo.monitor_and_close(ID, "quiet");
    // A rollback of a closed change reopens it (tests/rollbacks.rs); nothing else moves it.
    let from_closed = [
        ("cancel CHG-2026-0001 --reason x", "cancelled"),
        ("close CHG-2026-0001", "closed"),
        ("submit CHG-2026-0001", "submitted"),
    ];
    for (line, to) in from_closed {
        refused(&repo, JANE, &words(line)).stdout_is("").stderr_is(&format!(
            "error: CHG-2026-0001 is `closed`; it cannot become `{to}`
  hint: from `closed` a normal change may become: rolled-back
"
        ));
    }
}

#[test]
fn no_commit_writes_the_file_and_leaves_the_commit_to_the_user() {
    let repo = store();
    draft(&repo, JANE, "normal");
    let count = commits(&repo);
    repo.chg(&["submit", ID, "--no-commit"]).ok();
    assert_eq!(commits(&repo), count);
    assert!(repo.read(FILE).contains("status: submitted\n"));
    assert!(repo.git(&["status", "--porcelain"]).contains("CHG-2026-0001.yaml"));
}

/// A change in progress since 12:00, rolled back at 12:45 after starting at `started`.
/// Adds a Wednesday daytime deployment window to the policy (committed by
/// Sam, the change manager), so work at the tests' noon is inside a window.
pub fn daytime_window(repo: &Repo) {
    repo.edit_policy(|p| p.window(&["wed"], "08:00", "18:00"));
    repo.commit_all_at(SAM, "2026-11-25T11:00:00Z", "a daytime window on Wednesdays");
}

/// A normal change in progress since 12:00 (scheduled 11:00-14:00, in the
/// Wednesday daytime window), now 12:45.
pub fn in_progress() -> Repo {
    let mut repo = store();
    daytime_window(&repo);
    draft(&repo, JANE, "normal");
    repo.chg(&["submit", ID]).ok();
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.chg_line("schedule CHG-2026-0001 --start '2026-11-25 11:00' --end '2026-11-25 14:00'")
        .ok();
    repo.chg(&["start", ID]).ok();
    repo.now = Some("2026-11-25T12:45:00Z".into());
    repo
}

fn rolled_back(started: &str, extra: &[&str]) -> (Repo, Run) {
    let repo = in_progress();
    let mut args = vec![
        "rollback",
        ID,
        "--trigger",
        "error-rate",
        "--reason",
        "5xx above 5 % on canary",
        "--started-at",
        started,
    ];
    args.extend(extra);
    let run = repo.chg(&args).ok();
    (repo, run)
}

#[test]
fn a_rollback_over_its_rto_is_recorded_and_warned() {
    let (mut repo, run) = rolled_back(
        "12:10",
        &words("--restored-at 2026-11-25T12:40:00Z --severity high --estimated-minutes 10 --measured 6.2 --log '12:11 canary weight set to 0' --log '12:25 v41 redeployed' --smoke-tests passed --error-rates normal --customer-access verified --monitored-minutes 5"),
    );
    assert_committed(&repo, JANE, "chg: rollback CHG-2026-0001 (error-rate)");
    assert!(
        run.stdout
            .contains("rolled back (error-rate, simple) in 30 min; RTO 15 min"),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr
            .contains("warning[rto-exceeded]: the rollback took 30 min, over the 15 min RTO of a simple rollback"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("monitoring for 30 min after the restoration at 2026-11-25 12:40 UTC (policy `monitoring.after_rollback`), recorded by whoever watched: `chg monitor CHG-2026-0001"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--root-cause"), "{}", run.stderr);
    let text = repo.read(FILE);
    assert!(text.contains("status: rolled-back\n"));
    assert!(
        // Rolled back while in progress: the implementation ended when the rollback started.
        text.contains("  finished_at: \"2026-11-25T12:10:00Z\"\n  outcome: rolled-back\n"),
        "{text}"
    );
    assert!(
        text.contains("rollbacks:\n  - trigger: error-rate\n    mode: immediate\n    kind: simple\n    reason: 5xx above 5 % on canary\n    started_at: \"2026-11-25T12:10:00Z\"\n    restored_at: \"2026-11-25T12:40:00Z\"\n    severity: high\n    estimated_minutes: 10\n    measured:\n      value: 6.2\n      threshold: 5.0\n    log:\n      - at: \"2026-11-25T12:11:00Z\"\n        by: Jane Doe <jane@example.com>\n        entry: canary weight set to 0\n"),
        "{text}"
    );
    assert!(
        text.contains("    duration_minutes: 30\n    rto_exceeded: true\n"),
        "{text}"
    );
    repo.chg(&["check"]).is(0, "changes/2026/CHG-2026-0001.yaml:6:1: warning[monitoring-owed]: CHG-2026-0001 owes 30 min of monitoring after the rollback (from 2026-11-25 12:40 UTC); none is recorded
  hint: whoever watched it records it: `chg monitor CHG-2026-0001 --from … --to … --observed …`
changes/2026/CHG-2026-0001.yaml:56:5: warning[rto-exceeded]: the rollback took 30 min, over the 15 min RTO of a simple rollback
  hint: find out why in the post-rollback review, and test the rollback procedure
", "checked 1 file: 0 errors, 2 warnings
");
    repo.chg(&["status"]).is(
        0,
        "CHG-2026-0001  Enable canary routing for checkout-api
  monitoring owed: 30 min after the rollback (from Wed 25 Nov 12:40): `chg monitor CHG-2026-0001 --from … --to … --observed …` — due 2026-11-25 13:10 UTC
  for: jane@example.com
CHG-2026-0001  Enable canary routing for checkout-api
  rolled back without a post-implementation review (`chg review CHG-2026-0001 --summary … --lessons-learned …`) — due 2026-11-30 12:40 UTC
  for: jane@example.com
CHG-2026-0001  Enable canary routing for checkout-api
  rolled back without a root cause, lessons learned or a re-deployment plan (`chg review CHG-2026-0001 --root-cause … --lessons-learned … --redeploy-plan …`) — due 2026-11-30 12:40 UTC
  for: jane@example.com
CHG-2026-0001  Enable canary routing for checkout-api
  RTO overrun: the simple rollback took 30 min (RTO 15 min); explain it in the review
  for: jane@example.com
",
        "",
    );

    // Half an hour watched after the restoration.
    repo.now = Some("2026-11-25T13:15:00Z".into());
    repo.chg(&["monitor", ID, "--to", "13:10", "--observed", "5xx back under 0.1 %"])
        .ok();
    repo.now = Some("2026-12-01T12:00:00Z".into());
    let run = repo.check().ok();
    assert_eq!(
        run.findings(),
        [("post-rollback-actions-missing", ID), ("rto-exceeded", ID)]
    );
    assert_eq!(
        run.finding("post-rollback-actions-missing").message,
        "5 days after the rollback, it still lacks: lessons learned, root cause, re-deployment plan"
    );
    refused(&repo, JANE, &["close", ID]);
    repo.chg_line("review CHG-2026-0001 --summary 'rolled back' --lessons-learned 'canary too big' --root-cause 'pricing timeout' --redeploy-plan 'retry with 1 %'")
    .ok();
    let text = repo.read(FILE);
    assert_contains(&text, &["    post_actions:\n      lessons_learned: canary too big\n      root_cause: pricing timeout\n      redeploy_plan: retry with 1 %\n"]);
    repo.chg(&["close", ID]).ok();
    assert_eq!(repo.check().ok().findings(), [("rto-exceeded", ID)]);
}

#[test]
fn a_rollback_within_its_rto_has_no_warning() {
    let (repo, run) = rolled_back("12:35", &["--smoke-tests", "passed", "--monitored-minutes", "30"]);
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(run.stdout.contains("in 10 min; RTO 15 min"), "{}", run.stdout);
    assert!(repo.read(FILE).contains("  restored_at: \"2026-11-25T12:45:00Z\"\n"));
    assert!(repo.read(FILE).contains("  rto_exceeded: false\n"));
}

#[test]
fn rollback_names_missing_flags_without_a_terminal() {
    let repo = in_progress();
    repo.chg(&["rollback", ID, "--reason", "x", "--started-at", "12:30"])
        .misses("--trigger", "the command");
    repo.chg(&["rollback", ID, "--trigger", "error-rate", "--reason", "x"])
        .misses("--started-at", "the command");
    repo.chg(&["rollback", ID, "--trigger", "bogus", "--reason", "x"])
        .is(2, "", "error: invalid value 'bogus' for '--trigger <TRIGGER>'
  [possible values: error-rate, response-time, critical-functionality, security-vulnerability, customer-complaints, critical-bug, data-corruption, performance-degradation, customer-impact]

For more information, try '--help'.
");
    assert!(repo.read(FILE).contains("status: in-progress\n"));
}

#[test]
fn status_lists_pending_approvals_and_who_can_give_them() {
    let repo = store();
    assert_eq!(repo.chg(&["status"]).ok().stdout, "nothing needs attention\n");
    draft(&repo, JANE, "major");
    repo.chg(&["submit", ID]).ok();
    repo.chg_as(ANA, &["approve", ID]).ok();
    let run = repo.chg(&["status"]).ok();
    assert!(
        run.stdout.contains("approval pending: needs 2 more cab, or 1 more cto"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("for: ben@example.com (cab), cho@example.com (cab), dev@example.com (cab), eli@example.com (cab), dave@example.com (cto)"),
        "{}",
        run.stdout
    );
    assert_eq!(repo.chg(&["list", "--attention"]).ok().stdout, run.stdout);
    let json = repo.chg(&["status", "--format", "json"]).ok();
    let items = json.json();
    assert_eq!(items[0]["id"], ID);
}

#[test]
fn help_of_each_lifecycle_command_has_an_example() {
    assert_help_has_an_example(&[
        "submit", "approve", "reject", "schedule", "start", "complete", "fail", "cancel", "rollback", "review",
        "close", "status",
    ]);
}

#[test]
fn the_command_line_definition_is_consistent() {
    use clap::CommandFactory;
    chg::cli::Cli::command().debug_assert();
}

#[test]
fn approval_is_refused_while_testing_is_incomplete() {
    let repo = store();
    draft(&repo, JANE, "normal");
    let text = repo.read(FILE).replace("qa_review: passed", "qa_review: not-run");
    repo.write(FILE, &text);
    repo.git(&["commit", "-qam", "qa not run yet"]);
    repo.chg(&["submit", ID]).ok();
    refused(&repo, SAM, &["approve", ID]).stdout_is("").stderr_is("error: CHG-2026-0001 cannot become `approved`: `chg check` finds 1 error in it
  changes/2026/CHG-2026-0001.yaml:23: [testing-incomplete] `qa_review` testing is not-run; a normal change needs it passed before approval
    hint: run it and set `testing.qa_review: passed` (`chg new --test qa_review=passed` when creating)
  hint: fix them in changes/2026/CHG-2026-0001.yaml and try again
");
}

/// Three CAB members approve the same major change at the same moment:
/// the store lock serialises them, so every approval is kept and committed.
#[test]
fn concurrent_approvals_of_one_record_are_all_kept() {
    for _ in 0..3 {
        let repo = store();
        draft(&repo, JANE, "major");
        repo.chg(&["submit", ID]).ok();
        let runs: Vec<Run> = std::thread::scope(|scope| {
            let handles: Vec<_> = [ANA, BEN, CHO]
                .into_iter()
                .map(|who| {
                    let repo = &repo;
                    scope.spawn(move || repo.chg_as(who, &["approve", ID]))
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        for run in &runs {
            assert_eq!(run.status, 0, "{}", run.stderr);
        }
        let record = std::fs::read_to_string(repo.join(FILE)).unwrap();
        for who in [ANA, BEN, CHO] {
            assert_eq!(record.matches(who.email).count(), 1, "{}:\n{record}", who.email);
        }
        assert!(record.contains("status: approved"), "{record}");
        let log = repo.git(&["log", "--format=%an|%s"]);
        assert_eq!(log.matches("chg: approve CHG-2026-0001 (cab)").count(), 3, "{log}");
        assert!(repo.git(&["status", "--porcelain"]).trim().is_empty());
    }
}
