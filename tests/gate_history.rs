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
fn scheduled() -> Test {
    let mut repo = submitted();
    repo.now = Some("2026-11-16T13:00:00Z".into());
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.now = Some("2026-11-16T14:00:00Z".into());
    schedule(&repo, "2026-11-18");
    repo
}

/// The change created and submitted by Jane on Monday 2026-11-16 12:00 (the clock stays there).
fn submitted() -> Test {
    let repo = Test::new().at("2026-11-16T12:00:00Z");
    new_change(&repo);
    repo.chg(&["submit", ID]).ok();
    repo
}

fn new_change(repo: &Repo) {
    repo.chg_line("new --no-input --title 'Enable canary routing' --description 'Route 5 % of checkout traffic through the pricing service' --justification 'Pricing errors' --benefit 'Fewer incidents' --impact medium --likelihood low --system checkout-api --strategy canary --test unit=passed --test integration=passed --test qa_review=passed --rollback-plan 'Set canary weight to 0' --rollback-kind simple")
        .ok();
}

/// Schedules the change for 02:00–04:00 UTC on `day`.
fn schedule(repo: &Repo, day: &str) {
    let (start, end) = (format!("{day} 02:00"), format!("{day} 04:00"));
    repo.chg(&["schedule", ID, "--start", &start, "--end", &end]).ok();
}

/// The gate on the submitted change approved by Sam with chg's clock at
/// Monday 2026-11-16 13:00 and git's (author and committer) at `committed`,
/// then scheduled at `scheduled` for 02:00–04:00 on `day`; asked at 03:00
/// that day.
fn gate_after_dated_approval(committed: &str, scheduled: &str, day: &str) -> Run {
    let mut repo = submitted();
    let env = [
        ("CHG_NOW", "2026-11-16T13:00:00Z"),
        ("GIT_COMMITTER_DATE", committed),
        ("GIT_AUTHOR_DATE", committed),
    ];
    repo.chg_env(SAM, &env, &["approve", ID]).ok();
    repo.now = Some(scheduled.into());
    schedule(&repo, day);
    gate_at(&repo, &format!("{day}T03:00:00Z"))
}

/// Asks the gate inside the window, as JSON.
fn gate(repo: &Repo) -> Run {
    gate_at(repo, "2026-11-18T03:00:00Z")
}

/// Asks the gate at a time, as JSON.
fn gate_at(repo: &Repo, now: &str) -> Run {
    repo.chg_env(JANE, &[("CHG_NOW", now)], &["gate", ID, "--format", "json"])
}

/// Asserts the gate opens with no reason given.
#[track_caller]
fn passes(run: Run) {
    let run = run.ok();
    assert_eq!(run.reasons(), Vec::<(String, String)>::new());
}

/// Asserts the gate refuses with a reason of `rule` whose message says each of `says`.
#[track_caller]
fn refuses(run: Run, rule: &str, says: &[&str]) {
    let run = run.status(1);
    assert!(
        run.reasons()
            .iter()
            .any(|(r, message)| r == rule && says.iter().all(|s| message.contains(s))),
        "`{rule}` saying {says:?}: {run:?}"
    );
}

/// Commits each version of the record in turn: (who, when, message, record).
fn commit_versions(repo: &Repo, versions: &[(Who, &str, &str, Record)]) {
    for (who, when, message, record) in versions {
        repo.put(record);
        repo.commit_all_at(*who, when, message);
    }
}

// ---- 1. versions paired with the merge's first parent -----------------------

#[test]
fn gate_refuses_a_rejection_laundered_through_a_merge() {
    let mut repo = scheduled();
    let approved_and_scheduled = repo.head();
    gate(&repo).ok();
    // Jane widens the change and sends it back (a new round); Sam rejects it.
    repo.edit_yaml(FILE, |y| {
        y.set("status", "submitted").set(
            "description",
            "Route 50 % of checkout traffic through the pricing service",
        )
    });
    repo.commit_all_at(JANE, "2026-11-16T15:00:00Z", "widen the canary; needs approving again");
    repo.now = Some("2026-11-16T16:00:00Z".into());
    repo.chg_as(SAM, &["reject", ID, "--reason", "50 % is too much at once"])
        .ok();
    let rejected = repo.head();
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
    assert_eq!(repo.value(FILE, "status"), "scheduled");
    // The pull-request gate catches the merge ...
    let check = repo.chg(&["check", "--base", &rejected, "--format", "json"]).status(1);
    assert!(check.stdout.contains(&merge), "{check:?}");
    // ... and so does the deployment gate, naming the merge.
    refuses(gate(&repo), "approval-removed", &[&merge[..10]]);
}

#[test]
fn gate_passes_an_approval_merged_from_a_branch() {
    // The honest counterpart: Sam approves on his own branch, merged into main
    // with a merge commit, then the change is scheduled.
    let mut repo = submitted();
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
    schedule(&repo, "2026-11-18");
    passes(gate(&repo));
}

// ---- 2. the appended approval round ------------------------------------------

/// A store from before approvals carried a digest: Sam's approval is
/// written by hand and committed by Sam.
fn unbound_scheduled() -> Test {
    let repo = Test::new();
    let approved = |status: &str| Record::normal(ID).approved_by_sam().status(status);
    commit_versions(
        &repo,
        &[
            (
                JANE,
                "2026-11-16T10:00:00Z",
                "submit",
                Record::normal(ID).status("submitted"),
            ),
            (SAM, "2026-11-17T10:05:00Z", "approve", approved("approved")),
            (JANE, "2026-11-17T10:10:00Z", "schedule", approved("scheduled")),
        ],
    );
    repo
}

/// Sam's approval of the second round.
fn sam_again() -> Approval {
    Approval::new("change-manager", SAM)
        .at("2026-11-17T11:28:00Z")
        .field("comment", "50 % is fine")
}

/// The record asking for 50 % of the traffic, not 5 %.
fn widened(record: Record) -> Record {
    record.description("Route 50 % of checkout traffic through the new pricing service.")
}

/// A second approval round: Jane commits the change sent back at 11:00,
/// Sam his approval at 11:30 and Jane the schedule at 11:40, each version
/// as `round(status)` writes it.
fn second_round(repo: &Repo, (message, sent_back): (&str, Record), round: impl Fn(&str) -> Record) {
    commit_versions(
        repo,
        &[
            (JANE, "2026-11-17T11:00:00Z", message, sent_back),
            (SAM, "2026-11-17T11:30:00Z", "approve again", round("approved")),
            (JANE, "2026-11-17T11:40:00Z", "schedule", round("scheduled")),
        ],
    );
}

#[test]
fn gate_passes_a_change_sent_back_and_approved_again_in_an_appended_round() {
    let repo = unbound_scheduled();
    gate(&repo).ok();
    // Jane widens the change and sends it back in the same commit, keeping
    // Sam's entry; Sam approves the new round: a second entry, appended.
    let kept = |status: &str| widened(Record::normal(ID).approved_by_sam().status(status));
    let sent_back = ("widen the canary; needs approving again", kept("submitted"));
    second_round(&repo, sent_back, |status| kept(status).approval(sam_again()));
    passes(gate(&repo));
}

#[test]
fn gate_refuses_an_edit_after_approval_that_no_new_round_followed() {
    // The same edit without sending the change back stays refused, also after
    // later commits that change nothing of the scope.
    let repo = unbound_scheduled();
    let widened = widened(Record::normal(ID).approved_by_sam().status("scheduled"));
    // Quoting a value changes the text, not what it says.
    let tidied = widened.clone().raw("priority", "\"high\"");
    commit_versions(
        &repo,
        &[
            (JANE, "2026-11-17T11:00:00Z", "widen the canary", widened),
            (JANE, "2026-11-17T11:10:00Z", "tidy", tidied),
        ],
    );
    refuses(gate(&repo), "edited-after-approval", &[]);
}

#[test]
fn gate_refuses_a_round_reset_by_deleting_the_old_entries() {
    let repo = unbound_scheduled();
    // The old "reset": approvals deleted, status back to submitted, then approved anew.
    let dropped = |status: &str| widened(Record::normal(ID).status(status));
    let sent_back = ("widen; reset approvals", dropped("submitted"));
    second_round(&repo, sent_back, |status| dropped(status).approval(sam_again()));
    refuses(gate(&repo), "approval-removed", &["Sam Lee"]);
}

#[test]
fn gate_refuses_a_rejected_change_sent_back_and_approved_again() {
    // A rejection is final (docs/evidence.md): a new round appended after it,
    // however it was opened, does not make the change deployable.
    let mut repo = submitted();
    repo.now = Some("2026-11-16T13:00:00Z".into());
    repo.chg_as(SAM, &["reject", ID, "--reason", "no load test"]).ok();
    repo.edit_yaml(FILE, |y| y.set("status", "submitted"));
    repo.commit_all_at(JANE, "2026-11-16T13:30:00Z", "load test done; please look again");
    repo.now = Some("2026-11-16T14:00:00Z".into());
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.now = Some("2026-11-16T14:10:00Z".into());
    schedule(&repo, "2026-11-18");
    refuses(gate(&repo), "illegal-transition", &["from `rejected`"]);
}

// ---- 3. implausible times -------------------------------------------------------

#[test]
fn gate_refuses_an_approval_back_dated_days_before_its_commit() {
    // Sam approves on Friday but back-dates his approval to Monday with
    // CHG_NOW; git records when the commit was really made.
    let gate = gate_after_dated_approval("2026-11-20T13:00:00Z", "2026-11-20T14:00:00Z", "2026-11-25");
    refuses(gate, "implausible-time", &["approvals[0].at", "2026-11-20 13:00"]);
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
    refuses(gate(&repo), "implausible-time", &["implementation.started_at"]);
}

#[test]
fn gate_refuses_an_approval_committed_with_the_clock_set_back() {
    // Sam sets chg's and git's clocks back a week: the approval agrees with
    // its commit, but the commit is dated before its parent.
    let gate = gate_after_dated_approval("2026-11-09T13:00:00Z", "2026-11-16T14:00:00Z", "2026-11-18");
    refuses(gate, "implausible-time", &["before its parent"]);
}

#[test]
fn gate_passes_times_back_dated_within_what_at_allows() {
    // Work started 40 minutes before it was recorded, with `--at`.
    let mut repo = scheduled();
    repo.now = Some("2026-11-18T02:50:00Z".into());
    repo.chg(&["start", ID, "--at", "2026-11-18T02:10:00Z"]).ok();
    passes(gate(&repo));
}
