//! CAB votes on major changes (issue 15, point 3): a majority of the members
//! who voted decides once the quorum is reached, the chair breaks a tie, and
//! every vote keeps the approval evidence (commit author, signature, scope).

use crate::lifecycle::{refused, ID};
use crate::support::*;

const DEV: Who = Who {
    name: "Dev Rao",
    email: "dev@example.com",
};

/// A submitted major change by Jane, at the tests' clock.
fn submitted_major() -> Test {
    Test::new()
        .record(Record::major(ID).status("submitted"))
        .fixture_rehearsed()
        .commit_as(JANE, "CHG-2026-0001: submit")
}

/// What `chg show`'s `CAB vote` line says, after its label.
fn cab_vote(t: &Test) -> String {
    let shown = t.run(&["show", ID]).ok().stdout;
    shown
        .lines()
        .find_map(|l| l.trim().strip_prefix("CAB vote           "))
        .unwrap_or_else(|| panic!("no `CAB vote` line in:\n{shown}"))
        .to_string()
}

/// Asserts `chg check` finds nothing.
#[track_caller]
fn no_findings(t: &Test) {
    let findings = t.findings();
    assert!(findings.is_empty(), "{findings:?}");
}

/// The errors of one rule the gate finds against main (it must fail).
fn gate_errors(t: &Test, rule: &str) -> Vec<Finding> {
    let findings = t.check_against("main").status(1).findings();
    let errors: Vec<Finding> = findings
        .iter()
        .filter(|f| f.rule == rule && f.is_error())
        .cloned()
        .collect();
    assert!(!errors.is_empty(), "no {rule} error in {findings:?}");
    errors
}

/// `chg monitor CHG-2026-0001` with these arguments, as Jane.
fn monitor(t: &Test, args: &str) -> Run {
    t.chg_line(&format!("monitor {ID} {args}"))
}

fn status(t: &Test) -> String {
    let text = t.read(&Record::major(ID).path());
    text.lines()
        .find_map(|l| l.strip_prefix("status: "))
        .unwrap_or_default()
        .to_string()
}

/// Sets the policy's CAB quorum and chair, committed by the change manager.
fn cab_rules(t: &Test, quorum: u32, chair: &str) {
    t.edit_policy(|p| {
        p.set(
            "approvals.major",
            &format!("[{{role: cab, count: {quorum}}}, {{role: cto, count: 1}}]"),
        )
        .set("cab_chair", chair)
    });
    t.commit(SAM, "policy: CAB quorum and chair");
}

#[test]
fn one_rejection_after_two_approvals_does_not_reject_a_major_change() {
    let t = submitted_major();
    t.run_as(ANA, &["approve", ID]).ok();
    t.run_as(BEN, &["approve", ID]).ok();
    t.run_as(CHO, &["reject", ID, "--reason", "the load test was too short"])
        .is(
            0,
            "CHG-2026-0001: vote against by Cho Min <cho@example.com> as cab recorded; the CAB approved it, 2 for, 1 against; status `approved`\n",
            "",
        );
    assert_eq!(status(&t), "approved");
    // Every vote stays, the rejection with its reason.
    let text = t.read(&Record::major(ID).path());
    assert_eq!(text.matches("decision: approved").count(), 2, "{text}");
    assert_eq!(text.matches("decision: rejected").count(), 1, "{text}");
    assert!(text.contains("the load test was too short"), "{text}");
    assert_eq!(cab_vote(&t), "approved: 2 for, 1 against (quorum 3 of 5)");
    no_findings(&t);
}

#[test]
fn a_cab_majority_against_rejects_a_major_change_once_the_quorum_is_reached() {
    let t = submitted_major();
    t.run_as(ANA, &["reject", ID, "--reason", "no capacity plan"]).is(
        0,
        "CHG-2026-0001: vote against by Ana Silva <ana@example.com> as cab recorded; 0 for, 1 against: it still needs 2 more cab, or 1 more cto\n",
        "",
    );
    t.run_as(BEN, &["reject", ID, "--reason", "no capacity plan"]).ok();
    assert_eq!(status(&t), "submitted", "two votes do not make the quorum of three");
    assert_eq!(
        cab_vote(&t),
        "open: 0 for, 2 against; 1 more vote to reach the quorum of 3 of 5"
    );
    t.run_as(CHO, &["approve", ID]).is(
        0,
        "CHG-2026-0001: approval by Cho Min <cho@example.com> as cab recorded; the CAB rejected it, 1 for, 2 against; status `rejected`\n",
        "",
    );
    assert_eq!(status(&t), "rejected");
    assert_eq!(cab_vote(&t), "rejected: 1 for, 2 against (quorum 3 of 5)");
    no_findings(&t);
}

#[test]
fn the_cab_chair_named_by_the_policy_breaks_a_tie() {
    for (chair_votes, decided) in [("reject", "rejected"), ("approve", "approved")] {
        let t = submitted_major();
        cab_rules(&t, 4, "ben@example.com");
        t.run_as(ANA, &["approve", ID]).ok();
        let vote = |who: Who, how: &str| match how {
            "approve" => t.run_as(who, &["approve", ID]).ok(),
            _ => t.run_as(who, &["reject", ID, "--reason", "not now"]).ok(),
        };
        vote(BEN, chair_votes);
        vote(CHO, if chair_votes == "approve" { "reject" } else { "approve" });
        assert_eq!(status(&t), "submitted");
        vote(DEV, "reject");
        assert_eq!(status(&t), decided, "the chair voted `{chair_votes}` in a 2–2 tie");
        let against = if decided == "approved" { "for" } else { "against" };
        assert_eq!(
            cab_vote(&t),
            format!("{decided}: 2 for, 2 against, the chair ben@example.com {against} (quorum 4 of 5)")
        );
    }
}

#[test]
fn a_tie_without_the_chairs_vote_waits_for_the_chair() {
    let t = submitted_major();
    cab_rules(&t, 4, "ben@example.com");
    t.run_as(ANA, &["approve", ID]).ok();
    t.run_as(CHO, &["approve", ID]).ok();
    t.run_as(DEV, &["reject", ID, "--reason", "not now"]).ok();
    t.run_as(
        Who {
            name: "Eli Fox",
            email: "eli@example.com",
        },
        &["reject", ID, "--reason", "not now"],
    )
    .ok();
    assert_eq!(status(&t), "submitted");
    assert_eq!(
        cab_vote(&t),
        "open: 2 for, 2 against; the chair ben@example.com breaks the tie"
    );
    t.run_as(BEN, &["approve", ID]).ok();
    assert_eq!(status(&t), "approved");
}

#[test]
fn a_cab_member_who_voted_cannot_vote_again_and_a_second_vote_in_the_file_counts_once() {
    let t = submitted_major();
    t.run_as(ANA, &["approve", ID]).ok();
    let before = t.read(&Record::major(ID).path());
    refused(&t, ANA, &["reject", ID, "--reason", "changed my mind"]).stderr_is(
        "error: Ana Silva <ana@example.com> has already voted on CHG-2026-0001 as cab (approved); a vote counts once
  hint: another CAB member must vote
",
    );
    assert_eq!(t.read(&Record::major(ID).path()), before);
    // In another store, Ana writes three votes herself and commits them as herself.
    let t = submitted_major();
    t.git(&["checkout", "-q", "-b", "feature"]);
    let mut twice = Record::major(ID).status("submitted");
    for _ in 0..3 {
        twice = twice.approval(Approval::new("cab", ANA).at("2026-11-25T12:00:00Z"));
    }
    t.put(&twice);
    t.commit(ANA, "vote, vote, vote");
    assert_eq!(
        cab_vote(&t),
        "open: 1 for, 0 against; 2 more votes to reach the quorum of 3 of 5"
    );
    let findings = t.findings();
    let repeated: Vec<&Finding> = findings.iter().filter(|f| f.rule == "vote-repeated").collect();
    assert_eq!(repeated.len(), 2, "{findings:?}");
    assert_eq!(
        repeated[0].message,
        "Ana Silva <ana@example.com> voted on CHG-2026-0001 as cab more than once; only the first vote counts"
    );
    // In the work tree the later entries are evidence that counts for nothing;
    // the gate refuses the commit that adds them.
    assert!(!repeated[0].is_error());
    let refused = gate_errors(&t, "vote-repeated");
    assert_eq!(refused.len(), 2, "{refused:?}");
    assert_eq!(refused[0].commit, Some(t.head()));
}

#[test]
fn a_vote_by_someone_outside_the_cab_is_refused_and_does_not_count() {
    let t = submitted_major();
    refused_outside(&t);
    // Written into the file by hand, by Mallory herself: not counted, and an error.
    t.put(
        &Record::major(ID).status("submitted").approval(
            Approval::new("cab", MALLORY)
                .decision("rejected")
                .at("2026-11-25T12:00:00Z"),
        ),
    );
    t.commit(MALLORY, "vote");
    assert_eq!(
        cab_vote(&t),
        "open: 0 for, 0 against; 3 more votes to reach the quorum of 3 of 5"
    );
    assert_eq!(t.findings(), [("approver-not-authorized", ID)]);
    t.run_as(ANA, &["approve", ID]).ok();
    t.run_as(BEN, &["approve", ID]).ok();
    assert_eq!(
        cab_vote(&t),
        "open: 2 for, 0 against; 1 more vote to reach the quorum of 3 of 5"
    );
    let shown = t.run(&["show", ID]).ok().stdout;
    assert!(
        shown.contains("cab Mallory Bad <mallory@example.com> (rejected, written) [does not count: not a CAB member]"),
        "{shown}"
    );
}

fn refused_outside(t: &Test) {
    let run = refused(t, MALLORY, &["reject", ID, "--reason", "no", "--role", "cab"]);
    assert!(
        run.stderr
            .starts_with("error: Mallory Bad <mallory@example.com> is not listed for the role `cab` in the policy"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_vote_committed_under_another_members_name_is_refused_by_the_gate() {
    let t = submitted_major();
    t.git(&["checkout", "-q", "-b", "feature"]);
    // Jane writes Ana's rejection and commits it with `--author` set to Ana.
    t.put(
        &Record::major(ID).status("submitted").approval(
            Approval::new("cab", ANA)
                .decision("rejected")
                .at("2026-11-25T12:00:00Z")
                .field("comment", "no"),
        ),
    );
    t.git(&["add", "-A"]);
    t.git_at(
        JANE,
        t.now(),
        &[
            "commit",
            "-q",
            "--author",
            "Ana Silva <ana@example.com>",
            "-m",
            "ana votes",
        ],
    );
    let f = t.check_against("main").status(1).finding("approval-not-by-approver");
    assert_eq!(
        f.message,
        "an approval by Ana Silva <ana@example.com> was added in a commit authored by Ana Silva <ana@example.com> and committed by Jane Doe <jane@example.com>"
    );
}

#[test]
fn a_vote_merged_from_an_old_parent_counts_only_for_the_version_it_was_cast_on() {
    let mut t = submitted_major();
    let path = Record::major(ID).path();
    // Ana starts from the version submitted first.
    t.git(&["checkout", "-q", "-b", "ana"]);
    t.git(&["checkout", "-q", "main"]);
    // Meanwhile Jane changes what the change does (still submitted).
    t.set_now("2026-11-25T13:00:00Z");
    let text = t.read(&path).replace("Route 5 %", "Route 50 %");
    t.write(&path, &text);
    t.commit(JANE, "CHG-2026-0001: route more traffic");
    // Ana votes against the old version on her branch, which is merged later.
    t.git(&["checkout", "-q", "ana"]);
    t.set_now("2026-11-25T13:30:00Z");
    t.run_as(ANA, &["reject", ID, "--reason", "5 % is too little to learn anything"])
        .ok();
    t.git(&["checkout", "-q", "main"]);
    t.git_at(JANE, "2026-11-25T14:00:00Z", &["merge", "-q", "--no-edit", "ana"]);
    let merged = t.read(&path);
    assert!(
        merged.contains("Route 50 %") && merged.contains("decision: rejected"),
        "{merged}"
    );
    assert_eq!(status(&t), "submitted");
    t.set_now("2026-11-25T14:30:00Z");
    assert_eq!(
        cab_vote(&t),
        "open: 0 for, 0 against; 3 more votes to reach the quorum of 3 of 5"
    );
    // The vote on the old version does not count: three votes on this one decide.
    t.run_as(BEN, &["approve", ID]).ok();
    t.run_as(CHO, &["approve", ID]).ok();
    assert_eq!(status(&t), "submitted");
    t.run_as(DEV, &["reject", ID, "--reason", "too much at once"]).ok();
    assert_eq!(status(&t), "approved");
    assert_eq!(cab_vote(&t), "approved: 2 for, 1 against (quorum 3 of 5)");
    let shown = t.run(&["show", ID]).ok().stdout;
    assert_contains(&shown, &["cab Ana Silva <ana@example.com> (rejected, written) — 5 % is too little to learn anything [does not count: cast on an earlier version]"]);
}

#[test]
fn the_weekly_report_shows_each_cab_decision_and_its_count() {
    let t = submitted_major();
    t.run_as(ANA, &["approve", ID]).ok();
    t.run_as(BEN, &["reject", ID, "--reason", "no"]).ok();
    t.run_as(CHO, &["approve", ID]).ok();
    let report = t.run(&["report", "weekly", "--format", "markdown"]).ok().stdout;
    let votes = section(&report, "CAB votes");
    assert!(
        votes.contains("| CHG-2026-0001 | Enable canary routing for checkout-api | approved | 2 | 1 | quorum 3 of 5 |"),
        "{report}"
    );
    let json = t.run(&["report", "weekly", "--format", "json"]).ok().json();
    assert_eq!(json["cab_votes"][0]["decision"], "approved");
    assert_eq!(json["cab_votes"][0]["for"], 2);
    assert_eq!(json["cab_votes"][0]["against"], 1);
}

#[test]
fn a_cab_chair_who_is_not_a_cab_member_is_an_error_in_the_policy() {
    let t = submitted_major();
    let policy = t.read("changes/policy.yaml");
    t.write(
        "changes/policy.yaml",
        &format!("{policy}\ncab_chair: mallory@example.com\n"),
    );
    let f = t
        .run(&["check", "--format", "json"])
        .status(1)
        .finding("approver-not-authorized");
    assert_eq!(f.file, "changes/policy.yaml");
    assert_eq!(
        f.message,
        "the CAB chair mallory@example.com is not listed for the role `cab` in the policy"
    );
}

// Monitoring after deployment (issue 15, point 4): owed for the policy's
// period after a deployment (1 h normal, 24 h major) or a rollback (30 min),
// until `chg monitor` records who watched, from when to when, and what they saw.

/// A change completed on Wed 25 Nov 02:41 and reviewed: all it may still owe is monitoring.
fn completed(class: &str) -> Record {
    let r = if class == "major" {
        Record::major(ID).approval(Approval::new("cto", DAVE))
    } else {
        Record::normal(ID).approved_by_sam()
    };
    r.status("completed")
        .window("2026-11-25T02:00:00Z", "2026-11-25T04:00:00Z")
        .implementation(
            Implementation::new("2026-11-25T02:05:00Z", "2026-11-25T02:41:00Z", "successful")
                .validation("{smoke_tests: passed, error_rates: normal, customer_access: verified}"),
        )
        .raw(
            "review",
            "{completed_at: 2026-11-25T09:00:00Z, summary: Went as planned., lessons_learned: None.}",
        )
}

fn owed_items(t: &Test) -> Vec<String> {
    let status = t.run(&["status", "--format", "json"]).ok().json();
    let weekly = t.run(&["report", "weekly", "--format", "json"]).ok().json();
    let whats = |list: &serde_json::Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .filter(|i| i["id"] == ID && i["what"].as_str().unwrap().contains("monitoring"))
            .map(|i| i["what"].as_str().unwrap().to_string())
            .collect()
    };
    let (s, w) = (whats(&status), whats(&weekly["attention"]));
    assert_eq!(s, w, "`chg status` and the weekly attention list agree");
    s
}

#[test]
fn monitoring_after_a_deployment_is_owed_until_recorded_and_close_refuses_without_it() {
    let t = Test::new()
        .record(completed("normal"))
        .commit_as(JANE, "CHG-2026-0001: completed");
    assert_eq!(
        owed_items(&t),
        ["monitoring owed: 1 h after the deployment (from Wed 25 Nov 02:41): `chg monitor CHG-2026-0001 --from … --to … --observed …`"]
    );
    let f = t.findings();
    assert_eq!(f, [("monitoring-owed", ID)]);
    assert_eq!(
        f[0].message,
        "CHG-2026-0001 owes 1 h of monitoring after the deployment (from 2026-11-25 02:41 UTC); none is recorded"
    );
    refused(&t, JANE, &["close", ID]).stderr_is(
        "error: CHG-2026-0001 cannot be closed yet: it lacks the monitoring after the deployment (1 h, `chg monitor`)
  hint: record it with `chg monitor CHG-2026-0001 --from … --to … --observed …`
",
    );
    // Half an hour is shorter than the policy's hour: recorded, and does not count.
    monitor(&t, "--from '2026-11-25 02:41' --to '2026-11-25 03:11' --observed 'error rate flat at 0.1 %'")
    .is(
        0,
        "CHG-2026-0001: monitoring by Jane Doe <jane@example.com> recorded, 02:41–03:11 (30 min)\n",
        "warning[monitoring-owed]: 30 min after the deployment is shorter than the 1 h the policy asks after the deployment of a normal change: it does not count, and monitoring is still owed\n",
    );
    assert_eq!(owed_items(&t).len(), 1);
    refused(&t, JANE, &["close", ID]);
    // The future is not monitored yet.
    let before = t.read(&Record::normal(ID).path());
    monitor(&t, "--to '2026-11-25 13:00' --observed fine")
        .status(2)
        .stderr_is(
            "error: `--to 2026-11-25 13:00` is in the future (it is now 2026-11-25 12:00 UTC)
  hint: give the time it happened, or leave `--to` out for now
",
        );
    assert_eq!(t.read(&Record::normal(ID).path()), before);
    monitor(
        &t,
        "--from '2026-11-25 02:41' --to '2026-11-25 03:45' --observed 'error rate 0.1 %, p99 240 ms, no alerts'",
    )
    .ok();
    assert_eq!(owed_items(&t), Vec::<String>::new());
    no_findings(&t);
    let shown = t.run(&["show", ID]).ok().stdout;
    assert!(
        shown.contains("\n  2026-11-25 02:41 → 03:45 UTC (64 min) Jane Doe <jane@example.com> — error rate 0.1 %, p99 240 ms, no alerts\n"),
        "{shown}"
    );
    let text = t.read(&Record::normal(ID).path());
    assert!(
        text.contains("monitoring:\n  - by: Jane Doe <jane@example.com>\n    from: \"2026-11-25T02:41:00Z\"\n    to: \"2026-11-25T03:11:00Z\"\n    observed: error rate flat at 0.1 %\n"),
        "{text}"
    );
    t.run(&["close", ID]).ok();
}

#[test]
fn a_major_change_owes_24_hours_of_monitoring() {
    let mut t = Test::new()
        .record(completed("major"))
        .commit_as(JANE, "CHG-2026-0001: completed");
    t.set_now("2026-11-26T03:00:00Z");
    monitor(&t, "--from '2026-11-25 02:41' --to '2026-11-25 04:41' --observed quiet").ok();
    assert_eq!(
        owed_items(&t),
        ["monitoring owed: 24 h after the deployment (from Wed 25 Nov 02:41): `chg monitor CHG-2026-0001 --from … --to … --observed …`"]
    );
    monitor(
        &t,
        "--from '2026-11-25 02:41' --to '2026-11-26 02:41' --observed 'quiet day'",
    )
    .ok()
    .stderr_is("");
    assert_eq!(owed_items(&t), Vec::<String>::new());
}

#[test]
fn monitoring_after_a_rollback_is_owed_for_30_minutes() {
    let rolled = Record::normal(ID)
        .approved_by_sam()
        .window("2026-11-25T02:00:00Z", "2026-11-25T04:00:00Z")
        .rolled_back(
            "2026-11-25T02:05:00Z",
            "2026-11-25T02:30:00Z",
            Fields::rollback_entry("simple", "2026-11-25T02:30:00Z", "2026-11-25T02:40:00Z")
                .set("reason", "error rate 7 %")
                .set(
                    "validation",
                    "{smoke_tests: passed, error_rates: normal, customer_access: verified}",
                )
                .set(
                    "post_actions",
                    "{lessons_learned: canary earlier, root_cause: a missing index, redeploy_plan: next window}",
                ),
        )
        .raw("implementation.validation", "{smoke_tests: failed}")
        .raw(
            "review",
            "{completed_at: 2026-11-25T09:00:00Z, summary: Rolled back., lessons_learned: Canary earlier.}",
        );
    let t = Test::new().record(rolled).commit_as(JANE, "CHG-2026-0001: rolled back");
    assert_eq!(
        owed_items(&t),
        ["monitoring owed: 30 min after the rollback (from Wed 25 Nov 02:40): `chg monitor CHG-2026-0001 --from … --to … --observed …`"]
    );
    refused(&t, JANE, &["close", ID]);
    // Watching from before the restoration counts only from the restoration on.
    monitor(
        &t,
        "--from '2026-11-25 02:30' --to '2026-11-25 03:05' --observed recovered",
    )
    .ok();
    assert_eq!(
        owed_items(&t).len(),
        1,
        "25 minutes after the restoration do not make 30"
    );
    monitor(&t, "--to '2026-11-25 03:10' --observed 'error rate back to 0.1 %'")
        .ok()
        .stdout_is("CHG-2026-0001: monitoring by Jane Doe <jane@example.com> recorded, 02:40–03:10 (30 min)\n");
    assert_eq!(owed_items(&t), Vec::<String>::new());
    t.run(&["close", ID]).ok();
}

#[test]
fn closing_by_hand_while_monitoring_is_owed_is_refused_by_the_gate() {
    let t = Test::new()
        .record(completed("normal"))
        .commit_as(JANE, "CHG-2026-0001: completed");
    t.git(&["checkout", "-q", "-b", "feature"]);
    t.put(&completed("normal").status("closed"));
    t.commit(JANE, "close it");
    let refused = gate_errors(&t, "monitoring-owed");
    assert_eq!(refused.len(), 1, "{refused:?}");
    let f = &refused[0];
    assert_eq!(f.commit, Some(t.head()));
    assert_eq!(
        f.message,
        format!(
            "commit {} by Jane Doe <jane@example.com> closed CHG-2026-0001 while it owes 1 h of monitoring after the deployment",
            &t.head()[..10]
        )
    );
}

#[test]
fn a_change_rejected_by_hand_after_a_lone_vote_against_is_refused_by_the_gate() {
    let t = submitted_major();
    t.run_as(ANA, &["approve", ID]).ok();
    t.git(&["checkout", "-q", "-b", "feature"]);
    t.run_as(BEN, &["reject", ID, "--reason", "not this quarter"]).ok();
    assert_eq!(status(&t), "submitted");
    // Ben then sets the status himself, as if his vote had decided.
    let path = Record::major(ID).path();
    let text = t.read(&path).replace("status: submitted", "status: rejected");
    t.write(&path, &text);
    t.commit(BEN, "rejected");
    let f = gate_errors(&t, "illegal-transition");
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0].commit, Some(t.head()));
    assert_eq!(
        f[0].message,
        format!(
            "commit {} by Ben Okafor <ben@example.com> moved CHG-2026-0001 to `rejected`, but the CAB vote has not rejected it (open: 1 for, 1 against; 1 more vote to reach the quorum of 3 of 5)",
            &t.head()[..10]
        )
    );
}
