//! Emergency changes end to end: the quick form with verbal approvals,
//! implementation, late documentation and approval, and the deadline rules.

use crate::lifecycle::{assert_committed, refused, FILE, ID};
use crate::support::*;

/// What `chg new --emergency` prints first: whom to call.
const CALL: &str = "Emergency change: call for verbal approval now
  call: CISO (carol@example.com) and CTO (dave@example.com)
  backup: CEO (erin@example.com)
";

pub fn new_emergency(repo: &Repo, extra: &[&str]) -> Run {
    let mut args = words("new --emergency --no-input --title 'Patch RCE in api-gateway' --criterion critical-vulnerability --cvss 9.8 --impact-of-not-implementing 'Remote code execution on the public API' --system api-gateway --test unit=passed --description 'Patch the parser' --justification 'RCE on the public API'");
    args.extend(extra);
    repo.chg(&args)
}

/// An emergency declared now (`new_emergency`) with the CISO's and the CTO's
/// verbal approvals, a simple rollback plan and `extra` flags, started at
/// once and completed with its smoke tests passed at `done`.
pub fn implemented_emergency(repo: &mut Repo, id: &str, extra: &str, done: &str) {
    let mut args = words("--verbal-approval ciso:carol@example.com --verbal-approval cto:dave@example.com --rollback-plan redeploy --rollback-kind simple");
    args.extend(words(extra));
    new_emergency(repo, &args).ok();
    repo.chg(&["start", id]).ok();
    repo.now = Some(done.into());
    repo.chg(&["complete", id, "--smoke-tests", "passed"]).ok();
}

/// The emergency's documentation completed by hand in the record chg wrote,
/// as `chg submit` asks for it: the description, the business reason and the
/// expected benefit, the rollback plan and kind.
pub fn documented(record: Yaml) -> Yaml {
    record
        .set("description", "Patch the parser")
        .set("justification.business_reason", "RCE on the public API")
        .set("justification.expected_benefit", "The hole closed")
        .set("rollback.plan", "redeploy the previous image")
        .set("rollback.kind", "simple")
}

#[test]
fn an_emergency_with_verbal_approvals_documented_late_fires_the_overdue_rules() {
    let mut repo = Test::new();
    // Whom to call comes first.
    new_emergency(
        &repo,
        &words("--verbal-approval ciso:carol@example.com --verbal-approval 'cto:Dave Kim <dave@example.com>' --verbal-at 2026-11-25T11:50:00Z"),
    )
    .is(0, "Created CHG-2026-0001 (changes/2026/CHG-2026-0001.yaml)
verbal approvals recorded; start now with `chg start CHG-2026-0001`
Within 24 h: complete the documentation (`chg submit CHG-2026-0001`) and get written approval (`chg approve CHG-2026-0001`).
", CALL);
    let (author, subject, _) = crate::lifecycle::last_commit(&repo);
    assert_eq!(author, "Jane Doe <jane@example.com>");
    assert_eq!(subject, "chg: new CHG-2026-0001 (emergency: Patch RCE in api-gateway)");
    let text = repo.read(FILE);
    assert_contains(
        &text,
        &[
            "  - role: ciso\n    approver: carol <carol@example.com>\n    decision: approved\n    method: verbal\n    at: \"2026-11-25T11:50:00Z\"\n",
            "approver: Dave Kim <dave@example.com>",
            "emergency:\n  criteria:\n    - critical-vulnerability\n  cvss: 9.8\n",
        ],
    );

    // Straight from draft to in-progress, then completed.
    repo.chg(&["start", ID]).ok();
    assert_eq!(repo.value(FILE, "status"), "in-progress");
    repo.now = Some("2026-11-25T13:00:00Z".into());
    repo.chg(&["complete", ID, "--smoke-tests", "passed", "--error-rates", "normal"])
        .ok();
    // The quick form left the rollback plan out: the documentation owed shows.
    assert_eq!(repo.check().rules(), ["rollback-plan-missing"]);

    // Two days later nothing was documented or approved in writing.
    repo.now = Some("2026-11-27T12:00:00Z".into());
    // The quick form left the description and justification out too: owed within 24 h (issue 15.2).
    repo.chg(&["check"]).is(1, "changes/2026/CHG-2026-0001.yaml:1:1: error[rollback-plan-missing]: an emergency change past draft needs a rollback plan and kind
  hint: add `rollback: {plan: ..., kind: simple|complex|full-restore}`
changes/2026/CHG-2026-0001.yaml:15:1: error[emergency-justification-overdue]: an emergency change owes an expected benefit (`justification.expected_benefit`) within 24 h of implementation (due 2026-11-26 13:00 UTC); it is overdue
  hint: add them with `chg edit CHG-2026-0001`, then `chg submit CHG-2026-0001`
changes/2026/CHG-2026-0001.yaml:21:1: error[emergency-approval-overdue]: emergency change: written approval still missing, due 2026-11-26 13:00 UTC
  hint: the CISO and CTO (or the CEO) confirm their verbal approval with `chg approve CHG-2026-0001`
changes/2026/CHG-2026-0001.yaml:39:1: error[emergency-documentation-overdue]: emergency change not documented 24 h after implementation (due 2026-11-26 13:00 UTC)
  hint: complete the record and run `chg submit CHG-2026-0001`; the policy asks for documentation within 24 h
", "checked 1 file: 4 errors, 0 warnings
");
    repo.chg(&["status"]).is(0, "CHG-2026-0001  Patch RCE in api-gateway
  emergency documentation owed within 24 h of implementation (`chg submit CHG-2026-0001`) — OVERDUE since 2026-11-26 13:00 UTC
  for: jane@example.com
CHG-2026-0001  Patch RCE in api-gateway
  written approval owed within 24 h of implementation (`chg approve CHG-2026-0001`) — OVERDUE since 2026-11-26 13:00 UTC
  for: carol@example.com (ciso), dave@example.com (cto), erin@example.com (ceo)
CHG-2026-0001  Patch RCE in api-gateway
  post-emergency review owed within 5 days (`chg review CHG-2026-0001 --root-cause … --preventive-measures …`) — due 2026-11-30 13:00 UTC
  for: jane@example.com
CHG-2026-0001  Patch RCE in api-gateway
  CAB presentation owed at the next meeting (`chg review CHG-2026-0001 --cab --date …`) — due 2026-12-01 10:00 UTC
  for: jane@example.com
", "");

    // The documentation is refused until it is complete, naming what it
    // lacks (issue 15.7: before, the `chg check` error was what refused it).
    refused(&repo, JANE, &["submit", ID]).stdout_is("").stderr_is("error: CHG-2026-0001: the emergency's documentation is not complete; it lacks an expected benefit (`justification.expected_benefit`), the rollback plan and kind (`rollback.plan`, `rollback.kind`)
  hint: add them to changes/2026/CHG-2026-0001.yaml (`chg edit CHG-2026-0001`), then run `chg submit CHG-2026-0001` again
");
    // The description and the business reason came with `chg new`; the benefit and the rollback plan now.
    repo.edit_yaml(FILE, documented);
    repo.git(&[
        "commit",
        "-qam",
        "document the rollback plan, the description and the justification",
    ]);
    repo.chg(&["submit", ID]).ok();
    assert_committed(&repo, JANE, "chg: submit CHG-2026-0001 (documentation)");
    repo.chg_as(CAROL, &["approve", ID]).ok();
    assert_committed(&repo, CAROL, "chg: approve CHG-2026-0001 (ciso)");
    repo.chg_as(DAVE, &["approve", ID]).ok();
    assert_committed(&repo, DAVE, "chg: approve CHG-2026-0001 (cto)");
    assert_eq!(repo.value(FILE, "emergency.documented_at"), "\"2026-11-27T12:00:00Z\"");
    assert_eq!(repo.value(FILE, "status"), "completed");
    // Done, but late: the rules still say so, as warnings that say late
    // (issue 15.11: they were errors for ever; nothing is owed any more).
    repo.chg(&["check"]).is(0, "changes/2026/CHG-2026-0001.yaml:22:1: warning[emergency-approval-overdue]: emergency change: written approval completed late: at 2026-11-27 12:00 UTC, 23 h after the deadline 2026-11-26 13:00 UTC
  hint: nothing is owed any more; it stays on record as late, and the metrics count it as missed
changes/2026/CHG-2026-0001.yaml:54:1: warning[emergency-documentation-overdue]: emergency change documented late: at 2026-11-27 12:00 UTC, 23 h after the deadline 2026-11-26 13:00 UTC
  hint: nothing is owed any more; it stays on record as late, and the metrics count it as missed
", "checked 1 file: 0 errors, 2 warnings
");

    // A week later: no post-emergency review, and the CAB of Tuesday 1 December missed.
    repo.now = Some("2026-12-02T12:00:00Z".into());
    let overdue = repo.chg(&["check"]).is(1, "changes/2026/CHG-2026-0001.yaml:22:1: warning[emergency-approval-overdue]: emergency change: written approval completed late: at 2026-11-27 12:00 UTC, 23 h after the deadline 2026-11-26 13:00 UTC
  hint: nothing is owed any more; it stays on record as late, and the metrics count it as missed
changes/2026/CHG-2026-0001.yaml:54:1: error[cab-review-missing]: emergency change not presented at the CAB meeting of 2026-12-01
  hint: record the presentation with `chg review CHG-2026-0001 --cab --date YYYY-MM-DD`
changes/2026/CHG-2026-0001.yaml:54:1: warning[emergency-documentation-overdue]: emergency change documented late: at 2026-11-27 12:00 UTC, 23 h after the deadline 2026-11-26 13:00 UTC
  hint: nothing is owed any more; it stays on record as late, and the metrics count it as missed
changes/2026/CHG-2026-0001.yaml:54:1: error[emergency-review-overdue]: emergency change: post-emergency review missing, due 2026-11-30 13:00 UTC
  hint: record it with `chg review CHG-2026-0001 --root-cause ... --preventive-measures ...`
", "checked 1 file: 2 errors, 2 warnings
");
    repo.chg_line("review CHG-2026-0001 --root-cause 'unpatched library' --preventive-measures 'weekly dependency scan' --summary patched --lessons-learned 'scan earlier'")
    .ok();
    repo.chg(&["review", ID, "--cab", "--date", "2026-12-01", "--feedback", "justified"])
        .ok();
    assert_committed(&repo, JANE, "chg: review CHG-2026-0001 (cab)");
    // Late stays late; the CAB review is done.
    let after = repo.chg(&["check"]).is(0, "changes/2026/CHG-2026-0001.yaml:22:1: warning[emergency-approval-overdue]: emergency change: written approval completed late: at 2026-11-27 12:00 UTC, 23 h after the deadline 2026-11-26 13:00 UTC
  hint: nothing is owed any more; it stays on record as late, and the metrics count it as missed
changes/2026/CHG-2026-0001.yaml:58:1: warning[emergency-documentation-overdue]: emergency change documented late: at 2026-11-27 12:00 UTC, 23 h after the deadline 2026-11-26 13:00 UTC
  hint: nothing is owed any more; it stays on record as late, and the metrics count it as missed
changes/2026/CHG-2026-0001.yaml:58:1: warning[emergency-review-overdue]: emergency change: post-emergency review completed late: at 2026-12-02 12:00 UTC, 47 h after the deadline 2026-11-30 13:00 UTC
  hint: nothing is owed any more; it stays on record as late, and the metrics count it as missed
", "checked 1 file: 0 errors, 3 warnings
");
    assert_ne!(after.stdout, overdue.stdout);
    repo.chg(&["close", ID]).ok();
}

#[test]
fn an_emergency_documented_in_time_is_clean() {
    let mut repo = Test::new();
    implemented_emergency(&mut repo, ID, "--benefit 'The hole closed'", "2026-11-25T13:00:00Z");
    repo.now = Some("2026-11-25T20:00:00Z".into());
    repo.emergency_paperwork(ID, "2026-12-01");
    repo.now = Some("2026-12-10T12:00:00Z".into());
    repo.check().ok().stdout_is("[]\n");
}

#[test]
fn an_emergency_cannot_start_without_both_verbal_approvals() {
    let repo = Test::new();
    new_emergency(&repo, &["--verbal-approval", "ciso:carol@example.com"]).is(0, "Created CHG-2026-0001 (changes/2026/CHG-2026-0001.yaml)
it still needs 1 more cto, or 1 more ceo before it starts: `chg approve CHG-2026-0001 --verbal --role ROLE --by EMAIL`
Within 24 h: complete the documentation (`chg submit CHG-2026-0001`) and get written approval (`chg approve CHG-2026-0001`).
", CALL);
    refused(&repo, JANE, &["start", ID]).stdout_is("").stderr_is("error: CHG-2026-0001 cannot start: it lacks the approvals of an emergency change (1 more cto, or 1 more ceo)
  hint: record the verbal approvals first: `chg approve CHG-2026-0001 --verbal --role ciso --by EMAIL` (and cto, or the ceo)
");
    // The engineer records the CTO's verbal approval, given on the phone ten minutes ago.
    repo.chg_line("approve CHG-2026-0001 --verbal --role cto --by dave@example.com --at 2026-11-25T11:50:00Z")
        .ok();
    assert_committed(&repo, JANE, "chg: approve CHG-2026-0001 (cto, verbal)");
    repo.chg(&["start", ID]).ok();
    // A verbal approval by someone not in the role is refused.
    let other = Test::new().at(repo.now.as_deref().unwrap_or(NOW));
    new_emergency(&other, &["--verbal-approval", "ciso:mallory@example.com"]).is(
        1,
        "",
        "error: mallory <mallory@example.com> is not listed for the role `ciso` in the policy
  hint: `ciso` is held by: carol@example.com (changes/policy.yaml, `roles`)
",
    );
    assert!(!other.join(FILE).exists());
}

#[test]
fn the_emergency_quick_form_names_what_is_missing() {
    let repo = Test::new();
    // Whom to call is said only once the arguments hold: a refused command
    // prints its error alone.
    repo.chg_line("new --emergency --no-input --title x")
        .misses("--criterion", "the command");
    repo.chg_line("new --emergency --no-input --title x --criterion critical-vulnerability")
        .misses("--cvss", "the command");
    repo.chg_line("new --emergency --no-input --title x --criterion critical-vulnerability --cvss 7.5 --impact-of-not-implementing y")
        .is(1, "", "error: CVSS 7.5 is below 9, the threshold for an emergency
  hint: patch it as a normal change (`chg new` without `--emergency`), or name another criterion that applies
");
    assert!(!repo.join(FILE).exists());
}
