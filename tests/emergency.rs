//! Emergency changes end to end: the quick form with verbal approvals,
//! implementation, late documentation and approval, and the deadline rules.

use crate::lifecycle::{assert_committed, refused, FILE, ID};
use crate::support::*;

pub fn new_emergency(repo: &Repo, extra: &[&str]) -> Run {
    let mut args = words("new --emergency --no-input --title 'Patch RCE in api-gateway' --criterion critical-vulnerability --cvss 9.8 --impact-of-not-implementing 'Remote code execution on the public API' --system api-gateway --test unit=passed");
    args.extend(extra);
    repo.chg(&args)
}

#[test]
fn an_emergency_with_verbal_approvals_documented_late_fires_the_overdue_rules() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-25T12:00:00Z".into());
    let run = new_emergency(
        &repo,
        &words("--verbal-approval ciso:carol@example.com --verbal-approval 'cto:Dave Kim <dave@example.com>' --verbal-at 2026-11-25T11:50:00Z"),
    )
    .ok();
    // Whom to call comes first.
    assert!(
        run.stderr.starts_with("Emergency change: call for verbal approval now\n  call: CISO (carol@example.com) and CTO (dave@example.com)\n  backup: CEO (erin@example.com)\n"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("start now with `chg start CHG-2026-0001`"),
        "{}",
        run.stdout
    );
    let (author, subject, _) = crate::lifecycle::last_commit(&repo);
    assert_eq!(author, "Jane Doe <jane@example.com>");
    assert_eq!(subject, "chg: new CHG-2026-0001 (emergency: Patch RCE in api-gateway)");
    let text = repo.read(FILE);
    assert!(text.contains("  - role: ciso\n    approver: carol <carol@example.com>\n    decision: approved\n    method: verbal\n    at: \"2026-11-25T11:50:00Z\"\n"), "{text}");
    assert!(text.contains("approver: Dave Kim <dave@example.com>"), "{text}");
    assert!(
        text.contains("emergency:\n  criteria:\n    - critical-vulnerability\n  cvss: 9.8\n"),
        "{text}"
    );

    // Straight from draft to in-progress, then completed.
    repo.chg(&["start", ID]).ok();
    assert!(repo.read(FILE).contains("status: in-progress\n"));
    repo.now = Some("2026-11-25T13:00:00Z".into());
    repo.chg(&["complete", ID, "--smoke-tests", "passed", "--error-rates", "normal"])
        .ok();
    // The quick form left the rollback plan out: the documentation owed shows.
    assert_eq!(repo.check().rules(), ["rollback-plan-missing"]);

    // Two days later nothing was documented or approved in writing.
    repo.now = Some("2026-11-27T12:00:00Z".into());
    let fired = repo.check().rules();
    assert!(
        fired.contains(&"emergency-documentation-overdue".to_string()),
        "{fired:?}"
    );
    assert!(fired.contains(&"emergency-approval-overdue".to_string()), "{fired:?}");
    let status = repo.chg(&["status"]).ok();
    assert!(
        status.stdout.contains("emergency documentation owed"),
        "{}",
        status.stdout
    );
    assert!(
        status.stdout.contains("OVERDUE since 2026-11-26 13:00 UTC"),
        "{}",
        status.stdout
    );
    assert!(
        status
            .stdout
            .contains("for: carol@example.com (ciso), dave@example.com (cto), erin@example.com (ceo)"),
        "{}",
        status.stdout
    );

    // The documentation is refused until it is complete.
    let run = refused(&repo, JANE, &["submit", ID]);
    assert!(run.stderr.contains("[rollback-plan-missing]"), "{}", run.stderr);
    let text = repo.read(FILE) + "rollback:\n  plan: redeploy the previous image\n  kind: simple\n";
    repo.write(FILE, &text);
    repo.git(&["commit", "-qam", "document the rollback plan"]);
    repo.chg(&["submit", ID]).ok();
    assert_committed(&repo, JANE, "chg: submit CHG-2026-0001 (documentation)");
    repo.chg_as(CAROL, &["approve", ID]).ok();
    assert_committed(&repo, CAROL, "chg: approve CHG-2026-0001 (ciso)");
    repo.chg_as(DAVE, &["approve", ID]).ok();
    assert_committed(&repo, DAVE, "chg: approve CHG-2026-0001 (cto)");
    let text = repo.read(FILE);
    assert!(text.contains("  documented_at: \"2026-11-27T12:00:00Z\"\n"), "{text}");
    assert!(text.contains("status: completed\n"), "{text}");
    // Done, but late: the rules still say so.
    let check = repo.chg(&["check"]).status(1);
    assert!(
        check.stdout.contains("error[emergency-documentation-overdue]: emergency change documented at 2026-11-27 12:00 UTC, 23 h after the deadline 2026-11-26 13:00 UTC"),
        "{}",
        check.stdout
    );
    assert!(
        check.stdout.contains("error[emergency-approval-overdue]: emergency change: written approval completed at 2026-11-27 12:00 UTC, 23 h late"),
        "{}",
        check.stdout
    );

    // A week later: no post-emergency review, and the CAB of Tuesday 1 December missed.
    repo.now = Some("2026-12-02T12:00:00Z".into());
    let fired = repo.check().rules();
    assert!(fired.contains(&"emergency-review-overdue".to_string()), "{fired:?}");
    assert!(fired.contains(&"cab-review-missing".to_string()), "{fired:?}");
    repo.chg_line("review CHG-2026-0001 --root-cause 'unpatched library' --preventive-measures 'weekly dependency scan' --summary patched --lessons-learned 'scan earlier'")
    .ok();
    repo.chg(&["review", ID, "--cab", "--date", "2026-12-01", "--feedback", "justified"])
        .ok();
    assert_committed(&repo, JANE, "chg: review CHG-2026-0001 (cab)");
    let fired = repo.check().rules();
    assert!(!fired.contains(&"cab-review-missing".to_string()), "{fired:?}");
    assert!(
        fired.contains(&"emergency-review-overdue".to_string()),
        "late stays late: {fired:?}"
    );
    repo.chg(&["close", ID]).ok();
}

#[test]
fn an_emergency_documented_in_time_is_clean() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-25T12:00:00Z".into());
    new_emergency(
        &repo,
        &words("--verbal-approval ciso:carol@example.com --verbal-approval cto:dave@example.com --rollback-plan redeploy --rollback-kind simple"),
    )
    .ok();
    repo.chg(&["start", ID]).ok();
    repo.now = Some("2026-11-25T13:00:00Z".into());
    repo.chg(&["complete", ID, "--smoke-tests", "passed"]).ok();
    repo.now = Some("2026-11-25T20:00:00Z".into());
    repo.chg(&["submit", ID]).ok();
    repo.chg_as(CAROL, &["approve", ID]).ok();
    repo.chg_as(DAVE, &["approve", ID]).ok();
    repo.chg(&["review", ID, "--root-cause", "x", "--preventive-measures", "y"])
        .ok();
    repo.chg(&["review", ID, "--cab", "--date", "2026-12-01"]).ok();
    repo.now = Some("2026-12-10T12:00:00Z".into());
    assert!(repo.check().rules().is_empty(), "{:?}", repo.check().rules());
}

#[test]
fn an_emergency_cannot_start_without_both_verbal_approvals() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-25T12:00:00Z".into());
    let run = new_emergency(&repo, &["--verbal-approval", "ciso:carol@example.com"]).ok();
    assert!(
        run.stdout.contains("it still needs 1 more cto, or 1 more ceo"),
        "{}",
        run.stdout
    );
    let run = refused(&repo, JANE, &["start", ID]);
    assert!(
        run.stderr.contains("lacks the approvals of a emergency change")
            || run.stderr.contains("lacks the approvals of an emergency change"),
        "{}",
        run.stderr
    );
    // The engineer records the CTO's verbal approval, given on the phone ten minutes ago.
    repo.chg_line("approve CHG-2026-0001 --verbal --role cto --by dave@example.com --at 2026-11-25T11:50:00Z")
        .ok();
    assert_committed(&repo, JANE, "chg: approve CHG-2026-0001 (cto, verbal)");
    repo.chg(&["start", ID]).ok();
    // A verbal approval by someone not in the role is refused.
    let mut other = Repo::initialised();
    other.now = repo.now.clone();
    let run = new_emergency(&other, &["--verbal-approval", "ciso:mallory@example.com"]).status(1);
    assert!(
        run.stderr.contains("is not listed for the role `ciso`"),
        "{}",
        run.stderr
    );
    assert!(!other.join(FILE).exists());
}

#[test]
fn the_emergency_quick_form_names_what_is_missing() {
    let repo = Repo::initialised();
    let run = repo
        .chg(&["new", "--emergency", "--no-input", "--title", "x"])
        .status(2);
    assert!(run.stderr.contains("missing `--criterion`"), "{}", run.stderr);
    let run = repo
        .chg_line("new --emergency --no-input --title x --criterion critical-vulnerability")
        .status(2);
    assert!(run.stderr.contains("missing `--cvss`"), "{}", run.stderr);
    let run = repo
        .chg_line("new --emergency --no-input --title x --criterion critical-vulnerability --cvss 7.5 --impact-of-not-implementing y")
        .status(1);
    assert!(run.stderr.contains("CVSS 7.5 is below 9"), "{}", run.stderr);
    assert!(!repo.join(FILE).exists());
}
