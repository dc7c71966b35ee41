//! Issue 17: `chg gate ID` reads the record's history through the engine
//! (each version judged against the merge's first parent, as `chg check
//! --base` judges it), understands an appended approval round, and refuses
//! times its commits contradict. Each attack is made with `git` as an
//! attacker would; each has its legitimate counterpart.

use crate::support::*;

const ID: &str = "CHG-2026-0001";
const FILE: &str = "changes/2026/CHG-2026-0001.yaml";

/// A normal change made with chg: created and submitted by Jane on Monday
/// 2026-11-16 12:00, approved by Sam at 13:00, scheduled for Wednesday
/// 2026-11-18 02:00–04:00 UTC (inside the default deployment window).
fn scheduled() -> Repo {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T12:00:00Z".into());
    new_change(&repo);
    repo.chg(&["submit", ID]).ok();
    repo.now = Some("2026-11-16T13:00:00Z".into());
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.now = Some("2026-11-16T14:00:00Z".into());
    schedule(&repo);
    repo
}

fn new_change(repo: &Repo) {
    repo.chg_line("new --no-input --title 'Enable canary routing' --description 'Route 5 % of checkout traffic through the pricing service' --justification 'Pricing errors' --benefit 'Fewer incidents' --impact medium --likelihood low --system checkout-api --strategy canary --test unit=passed --test integration=passed --test qa_review=passed --rollback-plan 'Set canary weight to 0' --rollback-kind simple")
        .ok();
}

fn schedule(repo: &Repo) {
    repo.chg_line("schedule CHG-2026-0001 --start '2026-11-18 02:00' --end '2026-11-18 04:00'")
        .ok();
}

/// Asks the gate inside the window, as JSON.
fn gate(repo: &Repo) -> Run {
    repo.chg_env(
        JANE,
        &[("CHG_NOW", "2026-11-18T03:00:00Z")],
        &["gate", ID, "--format", "json"],
    )
}

fn reasons(run: &Run) -> Vec<(String, String)> {
    let verdict: serde_json::Value = serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {run:?}"));
    verdict["reasons"]
        .as_array()
        .unwrap_or_else(|| panic!("{run:?}"))
        .iter()
        .map(|r| {
            (
                r["rule"].as_str().unwrap_or("").to_string(),
                r["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn head(repo: &Repo) -> String {
    repo.git(&["rev-parse", "HEAD"]).trim().to_string()
}

// ---- 1. versions paired with the merge's first parent -----------------------

#[test]
fn gate_refuses_a_rejection_laundered_through_a_merge() {
    let mut repo = scheduled();
    let approved_and_scheduled = head(&repo);
    gate(&repo).ok();
    // Jane widens the change and sends it back (a new round); Sam rejects it.
    repo.edit(
        FILE,
        &[("status: scheduled", "status: submitted"), ("Route 5 %", "Route 50 %")],
    );
    repo.commit_all_at(JANE, "2026-11-16T15:00:00Z", "widen the canary; needs approving again");
    repo.now = Some("2026-11-16T16:00:00Z".into());
    repo.chg_as(SAM, &["reject", ID, "--reason", "50 % is too much at once"])
        .ok();
    let rejected = head(&repo);
    gate(&repo).status(1);
    // Mallory merges the old, scheduled commit back in and keeps its record:
    // the merge's tree restores the version before the rejection.
    let merge = repo.launder(
        MALLORY,
        "2026-11-16T17:00:00Z",
        &approved_and_scheduled,
        &[FILE],
        "Merge branch 'canary'",
    );
    assert!(repo.read(FILE).contains("status: scheduled"));
    // The pull-request gate catches the merge ...
    let check = repo.chg(&["check", "--base", &rejected, "--format", "json"]).status(1);
    assert!(check.stdout.contains(&merge), "{check:?}");
    // ... and so does the deployment gate, naming the merge.
    let run = gate(&repo).status(1);
    let found = reasons(&run);
    assert!(
        found
            .iter()
            .any(|(rule, message)| rule == "approval-removed" && message.contains(&merge[..10])),
        "{run:?}"
    );
}

#[test]
fn gate_passes_an_approval_merged_from_a_branch() {
    // The honest counterpart: Sam approves on his own branch, merged into main
    // with a merge commit, then the change is scheduled.
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T12:00:00Z".into());
    new_change(&repo);
    repo.chg(&["submit", ID]).ok();
    repo.git(&["checkout", "-q", "-b", "sam"]);
    repo.now = Some("2026-11-16T13:00:00Z".into());
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.git(&["checkout", "-q", "main"]);
    repo.write("notes.txt", "unrelated\n");
    repo.commit_all_at(JANE, "2026-11-16T13:30:00Z", "notes");
    repo.git_at(
        SAM,
        "2026-11-16T13:45:00Z",
        &["merge", "-q", "--no-ff", "-m", "Merge branch 'sam'", "sam"],
    );
    repo.now = Some("2026-11-16T14:00:00Z".into());
    schedule(&repo);
    let run = gate(&repo).ok();
    assert_eq!(reasons(&run), Vec::<(String, String)>::new());
}

// ---- 2. the appended approval round ------------------------------------------

/// A store from before approvals carried a digest: Sam's approval is
/// written by hand and committed by Sam.
fn unbound_scheduled() -> Repo {
    let repo = Repo::initialised();
    repo.write(FILE, &normal_record(ID, "submitted"));
    repo.commit_all_at(JANE, "2026-11-16T10:00:00Z", "submit");
    repo.write(FILE, &format!("{}{SAM_APPROVAL}", normal_record(ID, "approved")));
    repo.commit_all_at(SAM, "2026-11-17T10:05:00Z", "approve");
    repo.write(FILE, &format!("{}{SAM_APPROVAL}", normal_record(ID, "scheduled")));
    repo.commit_all_at(JANE, "2026-11-17T10:10:00Z", "schedule");
    repo
}

const SAM_AGAIN: &str = "  - role: change-manager
    approver: Sam Lee <sam@example.com>
    decision: approved
    method: written
    at: 2026-11-17T11:28:00Z
    comment: 50 % is fine
";

#[test]
fn gate_passes_a_change_sent_back_and_approved_again_in_an_appended_round() {
    let repo = unbound_scheduled();
    gate(&repo).ok();
    // Jane widens the change and sends it back in the same commit, keeping Sam's entry.
    let widened =
        |status: &str| format!("{}{SAM_APPROVAL}", normal_record(ID, status)).replace("Route 5 %", "Route 50 %");
    repo.write(FILE, &widened("submitted"));
    repo.commit_all_at(JANE, "2026-11-17T11:00:00Z", "widen the canary; needs approving again");
    // Sam approves the new round: a second entry, appended, in his own commit.
    repo.write(FILE, &format!("{}{SAM_AGAIN}", widened("approved")));
    repo.commit_all_at(SAM, "2026-11-17T11:30:00Z", "approve again");
    repo.write(FILE, &format!("{}{SAM_AGAIN}", widened("scheduled")));
    repo.commit_all_at(JANE, "2026-11-17T11:40:00Z", "schedule");
    let run = gate(&repo).ok();
    assert_eq!(reasons(&run), Vec::<(String, String)>::new());
}

#[test]
fn gate_refuses_an_edit_after_approval_that_no_new_round_followed() {
    // The same edit without sending the change back stays refused, also after
    // later commits that change nothing of the scope.
    let repo = unbound_scheduled();
    let widened = format!("{}{SAM_APPROVAL}", normal_record(ID, "scheduled")).replace("Route 5 %", "Route 50 %");
    repo.write(FILE, &widened);
    repo.commit_all_at(JANE, "2026-11-17T11:00:00Z", "widen the canary");
    repo.write(FILE, &widened.replace("priority: high", "priority: high\n"));
    repo.commit_all_at(JANE, "2026-11-17T11:10:00Z", "tidy");
    let run = gate(&repo).status(1);
    assert!(
        reasons(&run).iter().any(|(rule, _)| rule == "edited-after-approval"),
        "{run:?}"
    );
}

#[test]
fn gate_refuses_a_round_reset_by_deleting_the_old_entries() {
    let repo = unbound_scheduled();
    // The old "reset": approvals deleted, status back to submitted, then approved anew.
    let widened = |status: &str| normal_record(ID, status).replace("Route 5 %", "Route 50 %");
    repo.write(FILE, &widened("submitted"));
    repo.commit_all_at(JANE, "2026-11-17T11:00:00Z", "widen; reset approvals");
    repo.write(FILE, &format!("{}approvals:\n{SAM_AGAIN}", widened("approved")));
    repo.commit_all_at(SAM, "2026-11-17T11:30:00Z", "approve again");
    repo.write(FILE, &format!("{}approvals:\n{SAM_AGAIN}", widened("scheduled")));
    repo.commit_all_at(JANE, "2026-11-17T11:40:00Z", "schedule");
    let run = gate(&repo).status(1);
    assert!(
        reasons(&run)
            .iter()
            .any(|(rule, message)| rule == "approval-removed" && message.contains("Sam Lee")),
        "{run:?}"
    );
}

#[test]
fn gate_refuses_a_rejected_change_sent_back_and_approved_again() {
    // A rejection is final (docs/evidence.md): a new round appended after it,
    // however it was opened, does not make the change deployable.
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T12:00:00Z".into());
    new_change(&repo);
    repo.chg(&["submit", ID]).ok();
    repo.now = Some("2026-11-16T13:00:00Z".into());
    repo.chg_as(SAM, &["reject", ID, "--reason", "no load test"]).ok();
    let text = repo.read(FILE);
    repo.write(FILE, &text.replace("status: rejected", "status: submitted"));
    repo.commit_all_at(JANE, "2026-11-16T13:30:00Z", "load test done; please look again");
    repo.now = Some("2026-11-16T14:00:00Z".into());
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.now = Some("2026-11-16T14:10:00Z".into());
    schedule(&repo);
    let run = gate(&repo).status(1);
    assert!(
        reasons(&run)
            .iter()
            .any(|(rule, message)| rule == "illegal-transition" && message.contains("from `rejected`")),
        "{run:?}"
    );
}

// ---- 3. implausible times -------------------------------------------------------

#[test]
fn gate_refuses_an_approval_back_dated_days_before_its_commit() {
    // Sam approves on Friday but back-dates his approval to Monday with
    // CHG_NOW; git records when the commit was really made.
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T12:00:00Z".into());
    new_change(&repo);
    repo.chg(&["submit", ID]).ok();
    repo.chg_env(
        SAM,
        &[
            ("CHG_NOW", "2026-11-16T13:00:00Z"),
            ("GIT_COMMITTER_DATE", "2026-11-20T13:00:00Z"),
            ("GIT_AUTHOR_DATE", "2026-11-20T13:00:00Z"),
        ],
        &["approve", ID],
    )
    .ok();
    repo.now = Some("2026-11-20T14:00:00Z".into());
    repo.chg(&[
        "schedule",
        ID,
        "--start",
        "2026-11-25 02:00",
        "--end",
        "2026-11-25 04:00",
    ])
    .ok();
    let run = repo.chg_env(
        JANE,
        &[("CHG_NOW", "2026-11-25T03:00:00Z")],
        &["gate", ID, "--format", "json"],
    );
    let run = run.status(1);
    assert!(
        reasons(&run).iter().any(|(rule, message)| rule == "implausible-time"
            && message.contains("approvals[0].at")
            && message.contains("2026-11-20 13:00")),
        "{run:?}"
    );
}

#[test]
fn gate_refuses_an_implementation_start_dated_days_before_its_commit() {
    let mut repo = scheduled();
    // The start is recorded on Saturday, claiming Wednesday's window.
    repo.chg_env(
        JANE,
        &[
            ("CHG_NOW", "2026-11-18T02:10:00Z"),
            ("GIT_COMMITTER_DATE", "2026-11-21T09:00:00Z"),
        ],
        &["start", ID],
    )
    .ok();
    repo.now = Some("2026-11-18T03:00:00Z".into());
    let run = gate(&repo).status(1);
    assert!(
        reasons(&run)
            .iter()
            .any(|(rule, message)| rule == "implausible-time" && message.contains("implementation.started_at")),
        "{run:?}"
    );
}

#[test]
fn gate_refuses_an_approval_committed_with_the_clock_set_back() {
    // Sam sets chg's and git's clocks back a week: the approval agrees with
    // its commit, but the commit is dated before its parent.
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T12:00:00Z".into());
    new_change(&repo);
    repo.chg(&["submit", ID]).ok();
    repo.chg_env(
        SAM,
        &[
            ("CHG_NOW", "2026-11-16T13:00:00Z"),
            ("GIT_COMMITTER_DATE", "2026-11-09T13:00:00Z"),
            ("GIT_AUTHOR_DATE", "2026-11-09T13:00:00Z"),
        ],
        &["approve", ID],
    )
    .ok();
    repo.now = Some("2026-11-16T14:00:00Z".into());
    schedule(&repo);
    let run = gate(&repo).status(1);
    assert!(
        reasons(&run)
            .iter()
            .any(|(rule, message)| rule == "implausible-time" && message.contains("before its parent")),
        "{run:?}"
    );
}

#[test]
fn gate_passes_times_back_dated_within_what_at_allows() {
    // Work started 40 minutes before it was recorded, with `--at`.
    let mut repo = scheduled();
    repo.now = Some("2026-11-18T02:50:00Z".into());
    repo.chg(&["start", ID, "--at", "2026-11-18T02:10:00Z"]).ok();
    let run = gate(&repo).ok();
    assert_eq!(reasons(&run), Vec::<(String, String)>::new());
}
