//! Evidence an auditor can defend (issue 13, record and rules half): the
//! approved scope, approvals bound to it by digest, append-only evidence,
//! identity, plausible times, templates, escaped output and email matching.
//! Each attack is made with `git` as an attacker would; each has its
//! legitimate counterpart.

use crate::lifecycle::{draft, store, FILE, ID};
use crate::support::*;

const REC: &str = "changes/2026/CHG-2026-0001.yaml";
const T0: i64 = 1_794_909_600; // 2026-11-17 10:00 UTC, just before the fixtures' approval times

fn at(offset_hours: i64) -> String {
    format!("@{} +0000", T0 + offset_hours * 3600)
}

/// A submitted record's text as Sam approved it (his written approval at `at`).
fn approved_at(submitted: &str, at: &str) -> String {
    format!(
        "{}{}",
        submitted.replace("status: submitted", "status: approved"),
        SAM_APPROVAL.replace("2026-11-17T10:03:00Z", at)
    )
}

/// A submitted record's text as Sam approved it with the fixtures' approval.
fn approved(submitted: &str) -> String {
    approved_at(submitted, "2026-11-17T10:03:00Z")
}

/// Writes the record and commits it as someone at a time.
fn commit_record(repo: &Repo, text: &str, (who, when): (Who, &str), message: &str) {
    repo.write(REC, text);
    repo.commit_all_at(who, when, message);
}

/// Back to main on the `feature` branch, to try the honest counterpart.
fn reset_to_main(repo: &Repo) {
    repo.git(&["reset", "-q", "--hard", "main"]);
}

/// A normal change drafted by Jane, submitted and approved by Sam with chg, all on main.
fn approved_with_chg() -> Repo {
    let repo = store();
    draft(&repo, JANE, "normal");
    repo.chg(&["submit", ID]).ok();
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo
}

/// The record with one more system than it had.
fn widened(repo: &Repo) -> String {
    repo.read(FILE)
        .replace("  - checkout-api", "  - checkout-api\n  - payments-gateway")
}

// ---- approvals bound to content --------------------------------------------

#[test]
fn approval_written_by_chg_carries_the_scope_digest() {
    let repo = approved_with_chg();
    let text = repo.read(FILE);
    let line = text
        .lines()
        .find(|l| l.contains("sha256:"))
        .unwrap_or_else(|| panic!("{text}"));
    // The digest may stand on its own line (a folded block keeps lines short).
    let hex = line.split("sha256:").nth(1).unwrap_or("").trim();
    assert_eq!(hex.len(), 64, "{line}");
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{line}");
    Verdict::check(&repo).clean();
}

#[test]
fn digest_stale_approval_after_a_hand_edit_is_found_without_history() {
    let repo = approved_with_chg();
    let text = repo.read(FILE);
    repo.write(FILE, &format!("{text}services: [payments-gateway]\n"));
    // No commit at all: the file alone shows it.
    let said = Verdict::check(&repo);
    said.fails_saying("approval-stale", "stale approval, needs approving again");
    said.fails_saying("approval-stale", "Sam Lee");
}

#[test]
fn digest_stale_approval_arriving_through_a_merge_is_found() {
    let repo = approved_with_chg();
    repo.git(&["checkout", "-q", "-b", "widen"]);
    repo.write(FILE, &widened(&repo));
    repo.commit_all_at(JANE, &at(1), "one more system");
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--no-ff", "-m", "merge widen", "widen"]);
    Verdict::check(&repo).fails_with("approval-stale");
    // A squash of the same edit is found the same way.
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
    repo.git(&["merge", "-q", "--squash", "widen"]);
    repo.git(&["commit", "-q", "-m", "squashed"]);
    Verdict::check(&repo).fails_with("approval-stale");
}

#[test]
fn finding_11_approve_then_schedule_passes_check_and_the_gate() {
    let repo = store();
    draft(&repo, JANE, "normal");
    repo.chg(&["submit", ID]).ok();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.chg_line("schedule CHG-2026-0001 --start '2026-11-26 02:00' --end '2026-11-26 04:00'")
        .ok();
    Verdict::gate(&repo).clean();
    // Moving the window later is judged by the calendar rules: outside every
    // deployment window (a Friday afternoon) is an error, the approval stands.
    let moved = repo.chg(&[
        "schedule",
        ID,
        "--start",
        "2026-11-27 14:00",
        "--end",
        "2026-11-27 15:00",
    ]);
    // What the user sees when rescheduling: the calendar rule's verdict, and
    // since `chg check` calls it an error, the move is refused (issue 15
    // point 1; this test used to expect it committed with the error printed).
    assert_eq!(moved.status, 1, "{moved:?}");
    assert!(
        moved.stderr.contains("[outside-window]")
            && moved.stderr.contains("outside the deployment windows")
            && !moved.stderr.contains("edited-after-approval"),
        "{moved:?}"
    );
    // Moved by hand instead: the calendar rules judge it, the approval stands.
    let path = "changes/2026/CHG-2026-0001.yaml";
    let text = repo.read(path).replace(
        "    start: \"2026-11-26T02:00:00Z\"\n    end: \"2026-11-26T04:00:00Z\"",
        "    start: \"2026-11-27T14:00:00Z\"\n    end: \"2026-11-27T15:00:00Z\"",
    );
    assert!(text.contains("2026-11-27T14:00:00Z"), "{text}");
    repo.write(path, &text);
    repo.git(&["commit", "-q", "-am", "move the window"]);
    let check = repo.chg(&["check"]);
    assert_eq!(check.status, 1, "{check:?}");
    assert!(
        check.stdout.contains("error[outside-window]") && !check.stdout.contains("approval-stale"),
        "{check:?}"
    );
    Verdict::gate(&repo).fails_with_only("outside-window");
}

// ---- finding 8: the whole scope ---------------------------------------------

/// main: Jane's submitted record, approved by Sam (hand-written entry, no
/// digest: judged from history); then a branch `feature`.
fn approved_on_main(extra: &str) -> (Repo, String) {
    let repo = Repo::initialised();
    let submitted = format!(
        "{}justification:\n  business_reason: Cut checkout latency.\nservices: [checkout]\ndowntime_required: false\nx-ticket: OPS-1\ndeployment:\n  strategy: canary\n  steps: [deploy canary, watch]\n{extra}",
        Record::normal("CHG-2026-0001")
            .status("submitted")
            .without("justification")
            .text()
            .replace(
            "deployment:\n  strategy: canary\n  window: {start: 2026-11-18T02:00:00Z, end: 2026-11-18T04:00:00Z}\n",
            ""
        )
    );
    commit_record(&repo, &submitted, (JANE, &at(1)), "submit");
    let approved = approved(&submitted);
    commit_record(&repo, &approved, (SAM, &at(2)), "approve");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    (repo, approved)
}

#[test]
fn finding_8_every_scope_field_edited_after_approval_is_caught() {
    let edits: &[(&str, &str, &str)] = &[
        (
            "deployment.steps",
            "steps: [deploy canary, watch]",
            "steps: [deploy everywhere]",
        ),
        ("rollback.kind", "  kind: simple", "  kind: complex"),
        ("services", "services: [checkout]", "services: [checkout, billing]"),
        ("justification", "Cut checkout latency.", "Because."),
        (
            "downtime_required",
            "downtime_required: false",
            "downtime_required: true",
        ),
        (
            "requested_by",
            "requested_by: Jane Doe <jane@example.com>",
            "requested_by: Raj Iyer <raj@example.com>",
        ),
        ("x-ticket", "x-ticket: OPS-1", "x-ticket: OPS-2"),
    ];
    for (field, from, to) in edits {
        let (repo, approved) = approved_on_main("");
        assert!(approved.contains(from), "{field}: {approved}");
        commit_record(&repo, &approved.replace(from, to), (JANE, &at(3)), "small fix");
        Verdict::gate(&repo)
            .case(field)
            .fails_saying("edited-after-approval", field);
    }
}

#[test]
fn finding_8_an_edit_in_the_same_commit_as_the_approval_is_caught() {
    let (repo, submitted) = submitted_on_main(&at(1));
    let approved = approved(&submitted);
    // Sam's approval commit, with a wider change folded in.
    let wider = approved.replace("pricing-service]", "pricing-service, payments]");
    commit_record(&repo, &wider, (SAM, &at(2)), "approve");
    Verdict::gate(&repo).fails_saying("edited-after-approval", "same commit");
    // The honest approval commit changes nothing else.
    reset_to_main(&repo);
    commit_record(&repo, &approved, (SAM, &at(2)), "approve");
    Verdict::gate(&repo).clean();
}

// ---- finding 5: append-only evidence ----------------------------------------

const COMPLETED: &str = "implementation:\n  started_at: 2026-11-18T02:05:00Z\n  finished_at: 2026-11-18T02:41:00Z\n  outcome: successful\n  validation: {smoke_tests: passed}\n";

#[test]
fn finding_5_a_reset_of_a_finished_record_wiping_evidence_is_caught() {
    for status in ["completed", "failed", "rolled-back", "closed"] {
        let repo = Repo::initialised();
        let finished = format!("{}{SAM_APPROVAL}{COMPLETED}", normal_record("CHG-2026-0001", status));
        let finished = if status == "rolled-back" {
            format!("{finished}rollbacks:\n  - trigger: error-rate\n    kind: simple\n    started_at: 2026-11-18T03:00:00Z\n    restored_at: 2026-11-18T03:10:00Z\n")
        } else {
            finished
        };
        commit_record(&repo, &finished, (SAM, &at(1)), "history");
        repo.git(&["checkout", "-q", "-b", "feature"]);
        let submitted = normal_record("CHG-2026-0001", "submitted");
        commit_record(&repo, &submitted, (JANE, &at(2)), "send back for re-approval");
        let said = Verdict::gate(&repo).case(status);
        said.fails_with("approval-removed");
        said.fails_with("illegal-transition");
    }
}

#[test]
fn finding_5_a_new_approval_round_appends_and_passes() {
    let repo = approved_with_chg();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // The requester widens the change and sends it back, keeping Sam's entry.
    repo.write(FILE, &widened(&repo).replace("status: approved", "status: submitted"));
    repo.commit_all_at(JANE, "2026-11-25T12:00:00Z", "widen; needs approving again");
    Verdict::gate(&repo).clean();
    // The old approval is superseded, not counted: approving needs a new entry.
    repo.chg_as(SAM, &["approve", ID]).ok();
    let text = repo.read(FILE);
    assert_eq!(text.matches("approver: Sam Lee").count(), 2, "{text}");
    Verdict::gate(&repo).clean();
}

#[test]
fn finding_5_a_round_that_drops_the_old_entries_is_caught() {
    let repo = approved_with_chg();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let text = repo.read(FILE);
    let cut = text.find("approvals:").unwrap();
    let rest = &text[cut..];
    let end = rest[1..].find("\n").map(|i| i + 1).unwrap();
    let mut without = text[..cut].to_string();
    // Drop the whole approvals block (its indented lines).
    let mut lines = rest[end + 1..].lines().peekable();
    while lines.peek().is_some_and(|l| l.starts_with(' ') || l.starts_with('-')) {
        lines.next();
    }
    for l in lines {
        without.push_str(l);
        without.push('\n');
    }
    repo.write(FILE, &without.replace("status: approved", "status: submitted"));
    repo.git(&["commit", "-q", "-am", "send back"]);
    Verdict::gate(&repo).fails_with("approval-removed");
}

#[test]
fn finding_5_rewritten_implementation_facts_are_caught() {
    let repo = Repo::initialised();
    let done = format!(
        "{}{SAM_APPROVAL}{COMPLETED}",
        normal_record("CHG-2026-0001", "completed")
    );
    commit_record(&repo, &done, (SAM, &at(1)), "done");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let tidied = done.replace("finished_at: 2026-11-18T02:41:00Z", "finished_at: 2026-11-18T02:21:00Z");
    commit_record(&repo, &tidied, (JANE, &at(2)), "tidy");
    Verdict::gate(&repo).fails_with("approval-removed");
}

// ---- finding 14: output injection -------------------------------------------

/// True when no line of `out` could be read as a CI log command or carries a terminal escape.
fn harmless(out: &str) -> bool {
    !out.contains('\u{1b}')
        && !out.contains('\r')
        && out.lines().all(|l| {
            let l = l.trim_start();
            !l.starts_with("::") && !l.starts_with("##")
        })
}

#[test]
fn finding_14_record_text_cannot_start_a_ci_log_line_or_send_escapes() {
    let repo = Test::new();
    let evil = normal_record("CHG-2026-0001", "submitted")
        .replace(
            "title: Enable canary routing for checkout-api",
            "title: \"Fix\\n::error file=a.yaml::forged\\n::stop-commands::x\\e[2J\\rok\"",
        )
        .replace(
            "requested_by: Jane Doe <jane@example.com>",
            "requested_by: \"Jane\\n##[error]forged <jane@example.com>\"",
        )
        .replace(
            "systems: [checkout-api, pricing-service]",
            "systems: [\"a\\n::warning::b\"]",
        )
        .replace("priority: high", "priority: urgent\n");
    repo.write(REC, &evil);
    // A file name with a line break, holding a record that fails a rule.
    repo.write(
        "changes/2026/CHG-2026-0002\n::error::name.yaml",
        &normal_record("CHG-2026-0002", "approved"),
    );
    repo.commit_all_at(JANE, &at(1), "innocent");
    let github = repo.chg(&["check", "--format", "github"]).stdout;
    assert!(
        !github.contains('\u{1b}')
            && github
                .lines()
                .all(|l| l.starts_with("::error file=") || l.starts_with("::warning file=")),
        "{github}"
    );
    assert_eq!(github.lines().count(), 3, "{github}");
    for args in [
        vec!["check"],
        vec!["check", "--format", "json"],
        vec!["status"],
        vec!["list"],
        vec!["list", "--format", "csv"],
    ] {
        let run = repo.chg(&args);
        assert!(harmless(&run.stdout), "{args:?} printed:\n{}", run.stdout);
        assert!(harmless(&run.stderr), "{args:?} printed:\n{}", run.stderr);
    }
    repo.write(REC, &evil.replace("priority: urgent\n", "priority: high"));
    for args in [
        vec!["show", ID],
        vec!["check"],
        vec!["list", "--format", "csv"],
        vec!["status"],
    ] {
        let run = repo.chg(&args);
        assert!(run.status < 2 || args[0] == "check", "{args:?}: {run:?}");
        assert!(harmless(&run.stdout), "{args:?} printed:\n{}", run.stdout);
        assert!(harmless(&run.stderr), "{args:?} printed:\n{}", run.stderr);
    }
    // The text is still there, escaped, for a reader.
    let show = repo.chg(&["show", ID]).ok().stdout;
    assert!(show.contains("Fix\\n"), "{show}");
}

// ---- finding 15b/c: emails --------------------------------------------------

#[test]
fn finding_15b_a_mixed_script_lookalike_email_gets_a_warning() {
    let repo = Repo::initialised();
    // The `а` of `аna` is Cyrillic (U+0430).
    repo.edit(
        "changes/policy.yaml",
        &[("    - ana@example.com\n", "    - \u{430}na@example.com\n")],
    );
    repo.write(
        REC,
        &normal_record("CHG-2026-0001", "submitted").replace("<jane@example.com>", "<j\u{430}ne@example.com>"),
    );
    repo.commit_all_at(SAM, &at(1), "policy and a record");
    let said = Verdict::check(&repo);
    assert_eq!(said.status, 0, "warnings only: {:?}", said.findings);
    let looks = said.of("lookalike-email");
    assert_eq!(looks.len(), 2, "{:?}", said.findings);
    let policy_finding = looks.iter().find(|f| f.file == "changes/policy.yaml").expect("policy");
    assert_eq!(policy_finding.severity, "warning");
    assert!(policy_finding.message.contains("U+0430"), "{policy_finding:?}");
    assert!(policy_finding.line > 1, "{policy_finding:?}");
    let record_finding = looks.iter().find(|f| f.file == REC).expect("record");
    assert_eq!(record_finding.line, 8, "{record_finding:?}");
    // Plain ASCII emails give no such warning.
    repo.git(&["checkout", "-q", "HEAD~1", "--", "changes/policy.yaml"]);
    repo.write(REC, &normal_record("CHG-2026-0001", "submitted"));
    let said = Verdict::check(&repo);
    assert!(said.of("lookalike-email").is_empty(), "{:?}", said.findings);
}

#[test]
fn finding_15c_a_role_entry_with_a_trailing_space_still_works_and_a_broken_one_is_located() {
    let mut repo = store();
    let policy = repo.policy_text();
    repo.edit_policy(|p| p.role_emails("engineering-lead", &["\"lee@example.com \""]));
    repo.commit_all_at(SAM, &at(1), "policy");
    draft(&repo, JANE, "normal");
    repo.chg(&["submit", ID]).ok();
    repo.chg_as(LEE, &["approve", ID]).ok();
    repo.now = None;
    repo.write(POLICY, &policy);
    repo.edit_policy(|p| p.role_emails("engineering-lead", &["\"lee @example.com\""]));
    let run = repo.chg(&["check"]).status(1);
    assert!(run.stdout.contains("changes/policy.yaml:9:"), "{}", run.stdout);
    assert!(run.stdout.contains("lee @example.com"), "{}", run.stdout);
}

#[test]
fn finding_15_emails_match_exactly_with_the_domain_in_any_case() {
    let repo = Repo::initialised();
    let approved = format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "approved"));
    // The domain's case does not matter.
    repo.write(REC, &approved.replace("<sam@example.com>", "<sam@Example.COM>"));
    Verdict::check(&repo).clean();
    // The mailbox's does: `Sam@` is not the `sam@` the policy lists.
    repo.write(REC, &approved.replace("<sam@example.com>", "<Sam@example.com>"));
    Verdict::check(&repo).fails_with("approver-not-authorized");
}

#[test]
fn a_new_approval_round_settles_the_weekly_report_and_the_old_edit_stays_counted() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-20T12:00:00Z".into());
    let approved = format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "approved"));
    repo.write(REC, &approved);
    repo.commit_all_at(SAM, "2026-11-17T10:03:00Z", "chg: approve CHG-2026-0001");
    let widened = approved.replace("pricing-service]", "pricing-service, payments]");
    repo.write(REC, &widened);
    repo.commit_all_at(RAJ, "2026-11-17T15:20:00Z", "widen the change");
    let weekly = |repo: &Repo| {
        repo.chg(&["report", "weekly", "--week", "2026-W47", "--format", "markdown"])
            .ok()
            .stdout
    };
    assert!(weekly(&repo).contains("edited after approval"));
    // Sent back keeping Sam's entry (append-only), then approved again with chg.
    repo.write(REC, &widened.replace("status: approved", "status: submitted"));
    repo.commit_all_at(RAJ, "2026-11-18T09:00:00Z", "send back for approval");
    let md = weekly(&repo);
    assert!(!md.contains("edited after approval"), "{md}");
    repo.now = Some("2026-11-18T10:00:00Z".into());
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.now = Some("2026-11-20T12:00:00Z".into());
    let md = weekly(&repo);
    assert!(!md.contains("edited after approval"), "{md}");
    let text = repo.read(REC);
    assert_eq!(text.matches("approver: Sam Lee").count(), 2, "{text}");
}

// ---- finding 4: identity ----------------------------------------------------

#[test]
fn finding_4_an_approver_filing_in_a_colleagues_name_cannot_approve_it() {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // Sam, a change manager, files a change naming Jane as the requester...
    let submitted = normal_record("CHG-2026-0001", "submitted");
    let approved = approved(&submitted);
    commit_record(&repo, &submitted, (SAM, &at(1)), "file it for Jane");
    // ...and approves it himself, in his own name, with his own identity.
    commit_record(&repo, &approved, (SAM, &at(2)), "approve");
    Verdict::gate(&repo).fails_saying("self-approval", "sam@example.com");

    // Renaming the requester after filing it oneself does not help either.
    reset_to_main(&repo);
    let own = submitted.replace("Jane Doe <jane@example.com>", "Sam Lee <sam@example.com>");
    commit_record(&repo, &own, (SAM, &at(1)), "file");
    commit_record(&repo, &submitted, (SAM, &at(2)), "fix requester");
    commit_record(&repo, &approved, (SAM, &at(3)), "approve");
    Verdict::gate(&repo).fails_with("self-approval");

    // The honest flow: Jane files, Sam approves.
    reset_to_main(&repo);
    commit_record(&repo, &submitted, (JANE, &at(1)), "file");
    commit_record(&repo, &approved, (SAM, &at(2)), "approve");
    Verdict::gate(&repo).clean();
}

// ---- finding 7: times taken at face value -----------------------------------

/// Jane's record submitted on main at `when` (created 2026-11-16 09:12), then a `feature` branch.
fn submitted_on_main(when: &str) -> (Repo, String) {
    let repo = Repo::submitted(JANE, when, "submit");
    let submitted = normal_record("CHG-2026-0001", "submitted");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    (repo, submitted)
}

/// Commits a time `forged`, then (back on main) the same at the `honest`
/// time: the gate's one `implausible-time` message for the first, and what
/// the gate says of the second.
fn forged_then_honest(repo: &Repo, commit: impl Fn(&str), forged: &str, honest: &str) -> (String, Verdict) {
    commit(forged);
    let message = Verdict::gate(repo).fails_once("implausible-time");
    reset_to_main(repo);
    commit(honest);
    (message, Verdict::gate(repo))
}

#[test]
fn finding_7a_an_approval_dated_in_the_future_of_its_commit_is_caught() {
    let (repo, submitted) = submitted_on_main("2026-11-25T10:00:00Z");
    let approve = |at: &str| {
        let text = approved_at(&submitted, at);
        commit_record(&repo, &text, (SAM, "2026-11-25T12:00:00Z"), "approve");
    };
    // The same approval dated when it was given passes.
    let (message, honest) = forged_then_honest(&repo, approve, "2026-12-20T12:00:00Z", "2026-11-25T11:58:00Z");
    assert!(
        message.contains("approvals[0].at") && message.contains("2026-12-20 12:00"),
        "{message}"
    );
    assert!(message.contains("2026-11-25 12:00"), "{message}");
    honest.clean();
}

#[test]
fn finding_7b_an_approval_dated_before_the_record_was_created_is_caught() {
    // Created 2026-11-16 09:12; the approval claims the evening before,
    // within the 24 h back-dating of its commit but before the record existed.
    let (repo, submitted) = submitted_on_main("2026-11-16T09:30:00Z");
    let approval = approved_at(&submitted, "2026-11-15T20:00:00Z");
    commit_record(&repo, &approval, (SAM, "2026-11-16T10:00:00Z"), "approve");
    let message = Verdict::gate(&repo).fails_once("implausible-time");
    assert!(message.contains("before the record was created"), "{message}");
    // An approval a week after its commit's back-dating window is caught too.
    reset_to_main(&repo);
    let approval = approved_at(&submitted, "2026-11-16T09:40:00Z");
    commit_record(&repo, &approval, (SAM, "2026-11-23T10:00:00Z"), "approve");
    Verdict::gate(&repo).fails_saying("implausible-time", "24 h before");
}

#[test]
fn finding_7c_a_branch_commit_dated_before_its_parent_is_caught() {
    let mut repo = store(); // CHG_NOW 2026-11-25 12:00
    draft(&repo, JANE, "normal");
    repo.chg(&["submit", ID]).ok();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    // Sam sets his clock back a week, git's and chg's alike: the approval
    // is consistent with its own commit, but the commit goes back in time.
    repo.now = Some("2026-11-18T09:00:00Z".into());
    repo.chg_env(SAM, &[("GIT_COMMITTER_DATE", "2026-11-18T09:00:00Z")], &["approve", ID])
        .ok();
    repo.now = Some("2026-11-25T12:30:00Z".into());
    let said = Verdict::gate(&repo);
    said.fails_with("implausible-time");
    assert!(
        said.of("implausible-time")
            .iter()
            .any(|f| f.message.contains("before its parent")),
        "{:?}",
        said.findings
    );
}

#[test]
fn finding_7g_implementation_finished_next_year_is_caught() {
    let repo = Repo::initialised();
    let approved = format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "approved"));
    commit_record(&repo, &approved, (SAM, "2026-11-17T10:05:00Z"), "approve");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    let done = |finished: &str| {
        let text = format!(
            "{}{}",
            approved.replace("status: approved", "status: completed"),
            COMPLETED.replace("2026-11-18T02:41:00Z", finished)
        );
        commit_record(&repo, &text, (JANE, "2026-11-18T02:45:00Z"), "done");
    };
    // Forward-dated into next year, so the change drops out of this month's
    // figures; finished when it really finished: no time finding.
    let (message, honest) = forged_then_honest(&repo, done, "2027-01-05T02:41:00Z", "2026-11-18T02:41:00Z");
    assert!(
        message.contains("implementation.finished_at") && message.contains("2027-01-05"),
        "{message}"
    );
    assert!(honest.of("implausible-time").is_empty(), "{:?}", honest.findings);
}

#[test]
fn finding_7_times_back_dated_with_at_pass() {
    // An emergency approved on the phone two hours before it is filed, and
    // work started an hour back: the back-dating `--at` allows.
    let repo = Test::new();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    crate::emergency::new_emergency(
        &repo,
        &words("--verbal-approval ciso:carol@example.com --verbal-approval cto:dave@example.com --verbal-at 2026-11-25T10:00:00Z --rollback-plan redeploy --rollback-kind simple"),
    )
    .ok();
    repo.chg(&["start", ID, "--at", "2026-11-25T11:00:00Z"]).ok();
    let text = repo.read(FILE);
    assert!(
        text.lines()
            .any(|l| l.trim_start().starts_with("at: ") && l.contains("2026-11-25T10:00:00Z"))
            && text
                .lines()
                .any(|l| l.contains("started_at: ") && l.contains("2026-11-25T11:00:00Z")),
        "{text}"
    );
    Verdict::gate(&repo).clean();
}

#[test]
fn finding_7_the_ordinary_chg_flow_with_consistent_dates_passes() {
    let repo = store();
    draft(&repo, JANE, "normal");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.chg(&["submit", ID]).ok();
    repo.chg_as(SAM, &["approve", ID]).ok();
    Verdict::gate(&repo).clean();
}

// ---- standard changes bound to their template (finding 9) -----------------

/// A certificate renewal from the catalogue, drafted by Jane on a branch.
fn standard_draft() -> Repo {
    let repo = Repo::initialised();
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.chg_line("new --no-input --template certificate-renewal --system db-prod")
        .ok();
    // Every rollback kind is rehearsed each quarter, a catalogue one too.
    repo.chg_line("rehearse db-prod --kind simple --minutes 4 --result passed")
        .ok();
    repo
}

#[test]
fn finding_9_a_standard_change_unchanged_from_its_template_is_approved_and_passes() {
    let repo = standard_draft();
    let run = repo.chg(&["submit", ID]).ok();
    assert!(run.stdout.contains("approved on submission"), "{run:?}");
    assert!(repo.read(REC).contains("status: approved"));
    Verdict::check(&repo).clean();
    Verdict::gate(&repo).clean();
}

#[test]
fn finding_9_other_work_filed_under_a_template_is_refused_at_submit() {
    let repo = standard_draft();
    let text = repo
        .read(REC)
        .replace("title: Renew TLS certificate", "title: Drop legacy customer tables");
    let text = text.replace(
        "  - issue the new certificate with the ACME client",
        "  - DROP TABLE customers_legacy",
    );
    repo.write(REC, &text);
    repo.git(&["commit", "-qam", "e"]);
    let run = repo.chg(&["submit", ID]).status(1);
    let said = format!("{}{}", run.stdout, run.stderr);
    let parts = [
        "template-mismatch",
        "`deployment.steps`",
        "certificate-renewal",
        "file it as a normal change",
    ];
    assert_says("submit", &said, &parts);
    assert!(repo.read(REC).contains("status: draft"), "{}", repo.read(REC));
    Verdict::check(&repo).fails_with_only("template-mismatch");
}

#[test]
fn finding_9_a_standard_change_rewritten_after_approval_is_caught() {
    let repo = standard_draft();
    repo.chg(&["submit", ID]).ok();
    repo.edit(
        REC,
        &[
            (
                "  - reload the proxies one at a time",
                "  - restart every proxy at once",
            ),
            ("kind: simple", "kind: complex"),
        ],
    );
    repo.git(&["commit", "-qam", "small fix"]);
    let said = Verdict::check(&repo);
    assert_eq!(said.status, 1, "{:?}", said.findings);
    let mismatched = said.of("template-mismatch");
    for field in ["`deployment.steps`", "`rollback.kind`"] {
        assert!(
            mismatched.iter().any(|f| f.message.contains(field)),
            "{field}: {:?}",
            said.findings
        );
    }
    Verdict::gate(&repo).fails_with("template-mismatch");
}
