//! The wizards of `new`, `new --emergency`, `rollback` and `review`, driven
//! through a real pseudo-terminal (expectrl), as a user at a keyboard.

use expectrl::{Eof, Session};

use crate::lifecycle::{assert_committed, in_progress, last_commit, store, FILE, ID};
use crate::support::*;

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";

/// `chg` running as Jane on a pseudo-terminal in a repository.
struct Wizard {
    session: Session,
}

impl Wizard {
    /// Starts `chg` with the arguments of a command line (`words`).
    fn spawn(repo: &Repo, line: &str) -> Wizard {
        Wizard {
            session: repo.terminal(JANE, &words(line)),
        }
    }

    /// Waits for a text on the screen.
    fn expect(&mut self, text: &str) {
        self.session
            .expect(text)
            .unwrap_or_else(|e| panic!("`{text}` not shown: {e}"));
    }

    /// Waits for a prompt, then types an answer and Enter.
    fn answer(&mut self, prompt: &str, text: &str) {
        self.expect(prompt);
        self.session.send(text).unwrap();
        self.session.send(ENTER).unwrap();
    }

    /// Answers a list of prompts in turn.
    fn answers(&mut self, answers: &[(&str, &str)]) {
        for (prompt, text) in answers {
            self.answer(prompt, text);
        }
    }

    /// Waits for the program to end, asserts it succeeded and returns what it printed.
    fn succeeds(mut self) -> String {
        let output = self
            .session
            .expect(Eof)
            .map(|c| String::from_utf8_lossy(c.before()).into_owned());
        if output.is_err() {
            // Still waiting for input: end it rather than hang the test run.
            let _ = self.session.get_process_mut().exit(true);
            panic!("chg did not finish: {output:?}");
        }
        let status = self.session.get_process().wait().expect("wait");
        let end = format!("{status:?} {output:?}");
        assert!(end.contains("Exited(") && end.contains(", 0)"), "{end}");
        end
    }
}

/// The emergency questions after the title or the class, as the tests answer
/// them: production down, checkout-api, a simple rollback, approved on the
/// phone by the CISO and the CTO.
const EMERGENCY_ANSWERS: [(&str, &str); 7] = [
    ("Emergency criteria", "production-down"),
    ("Impact of not implementing", "No orders can be placed"),
    ("Systems affected", "checkout-api"),
    ("Rollback plan", "Redeploy checkout-api v41"),
    // The first choice is `simple`.
    ("Rollback kind", ""),
    ("Verbal approval by the ciso", "carol@example.com"),
    ("Verbal approval by the cto", "dave@example.com"),
];

/// A store, and `chg` started in it (what `new` wizards start from).
fn new_wizard(line: &str) -> (Repo, Wizard) {
    let repo = store();
    let wizard = Wizard::spawn(&repo, line);
    (repo, wizard)
}

/// Asserts the record says each of these.
#[track_caller]
fn assert_record_has(repo: &Repo, parts: &[&str]) {
    assert_says("the record", &repo.read(FILE), parts);
}

#[test]
fn the_new_wizard_asks_for_what_the_flags_left_out() {
    let (repo, mut w) = new_wizard("new --impact medium --likelihood low --strategy canary --test unit=passed --test integration=passed --test qa_review=passed");
    w.answers(&[
        ("Title", "Upgrade postgres to 16.4"),
        ("Description", "Minor version upgrade"),
        ("Business reason", "Security fixes"),
        ("Expected benefit", "No known CVE open on the database"),
        // The class: the matrix allows normal (default) or higher; take the next one, major.
        ("Classification (risk matrix: at least normal)", DOWN),
        ("Systems affected", "db-main, db-replica"),
    ]);
    // A yes/no question takes one key, without Enter.
    w.expect("Give the deployment window now?");
    w.session.send("n").unwrap();
    w.answers(&[
        ("Rollback plan", "Restore the 16.3 binaries"),
        ("Rollback kind", ""),
        // A major change needs two more kinds of testing; the first choice is `passed`.
        ("Testing: security_review", "\x1b[A\x1b[A"),
        ("Testing: performance", ""),
    ]);
    w.succeeds();
    assert_record_has(
        &repo,
        &[
            "title: Upgrade postgres to 16.4\n",
            "classification: major\n",
            "systems:\n  - db-main\n  - db-replica\n",
            "  plan: Restore the 16.3 binaries\n  kind: simple\n",
            "  security_review: passed\n  performance: not-run\n",
        ],
    );
    assert_committed(&repo, JANE, "chg: new CHG-2026-0001 (Upgrade postgres to 16.4)");
}

#[test]
fn the_emergency_wizard_prints_whom_to_call_before_asking() {
    let (repo, mut w) = new_wizard("new --emergency");
    w.expect("call: CISO (carol@example.com) and CTO (dave@example.com)");
    w.expect("backup: CEO (erin@example.com)");
    w.answer("Title", "Restore checkout after outage");
    // The rollback plan is asked since issue 15.7.
    w.answers(&EMERGENCY_ANSWERS);
    w.succeeds();
    assert_record_has(
        &repo,
        &["classification: emergency\n", "  criteria:\n    - production-down\n"],
    );
    let text = repo.read(FILE);
    assert_eq!(text.matches("  method: verbal\n").count(), 2, "{text}");
    repo.chg(&["start", ID]).ok();
}

/// Issue 15.13: the wizard asks the severity and estimate first, the
/// measured value of an automatic trigger, and each log step's own time.
#[test]
fn the_rollback_wizard_shows_the_plan_and_steps_and_asks_each_steps_time() {
    let repo = in_progress();
    let mut w = Wizard::spawn(&repo, "rollback CHG-2026-0001");
    w.expect("Set canary weight to 0, redeploy checkout-api v41.");
    w.expect("Steps (canary):");
    w.expect("1. stop the rollout");
    w.expect("2. revert the canary to the previous version");
    w.answers(&[
        // Second trigger in the list: response-time.
        ("Trigger", DOWN),
        ("Reason for the rollback", "p99 at 3x baseline"),
        ("Mode", ""),
        // The default severity is high; the first choice.
        ("Severity", ""),
        ("Estimated rollback time in minutes", "15"),
        ("Measured response time (multiple of the baseline)", "3"),
        ("Rollback started at", "12:20"),
        ("Execution log entry", "canary weight set to 0"),
        // A time before the rollback started is refused, and asked again.
        ("Time of that step", "12:10"),
    ]);
    w.expect("before the rollback started");
    w.answers(&[
        ("Time of that step", "12:21"),
        ("Execution log entry", ""),
        ("Smoke tests", ""),
        ("Error rates", ""),
        ("Customer access", ""),
        ("Minutes monitored", "30"),
    ]);
    w.expect("warning[rto-exceeded]: the rollback took 25 min");
    w.succeeds();
    assert_record_has(
        &repo,
        &[
            "status: rolled-back\n",
            "  - trigger: response-time\n    mode: immediate\n    kind: simple\n    reason: p99 at 3x baseline\n    started_at: \"2026-11-25T12:20:00Z\"\n    restored_at: \"2026-11-25T12:45:00Z\"\n",
            "    severity: high\n    estimated_minutes: 15\n    measured:\n      value: 3.0\n      threshold: 2.0\n",
            "      - at: \"2026-11-25T12:21:00Z\"\n        by: Jane Doe <jane@example.com>\n        entry: canary weight set to 0\n",
            "    validation:\n      smoke_tests: passed\n      error_rates: normal\n      customer_access: verified\n      monitored_minutes: 30\n",
            "  rto_exceeded: true\n",
        ],
    );
    assert_committed(&repo, JANE, "chg: rollback CHG-2026-0001 (response-time)");
}

#[test]
fn the_review_wizard_asks_for_the_post_rollback_actions() {
    let mut repo = in_progress();
    repo.chg_line("rollback CHG-2026-0001 --trigger error-rate --reason 5xx --started-at 12:40 --smoke-tests passed --error-rates normal --customer-access verified")
        .ok();
    let mut w = Wizard::spawn(&repo, "review CHG-2026-0001 --summary 'rolled back within minutes'");
    w.answers(&[
        ("Lessons learned", "start the canary at 1 %"),
        ("Root cause", "pricing-service timeout"),
        ("Re-deployment plan", "redeploy with a 2 s timeout"),
    ]);
    // Reviewed; the 30 minutes of monitoring after the rollback are still to come.
    w.expect("Still owed before closing: the monitoring after the rollback (30 min");
    w.succeeds();
    assert_record_has(
        &repo,
        &[
            "    post_actions:\n      lessons_learned: start the canary at 1 %\n      root_cause: pricing-service timeout\n      redeploy_plan: redeploy with a 2 s timeout\n",
            "review:\n  completed_at: \"2026-11-25T12:45:00Z\"\n  summary: rolled back within minutes\n",
        ],
    );
    repo.now = Some("2026-11-25T13:20:00Z".into());
    repo.monitor_and_close(ID, "error rate back to normal");
}

#[test]
fn a_rollback_typed_in_full_on_a_terminal_asks_nothing() {
    let repo = in_progress();
    let line = "rollback CHG-2026-0001 --trigger critical-bug --reason 'orders lost' --started-at 12:40";
    let end = Wizard::spawn(&repo, line).succeeds();
    assert!(!end.contains("Trigger") && !end.contains("Execution log"), "{end}");
    assert_record_has(&repo, &["  - trigger: critical-bug\n"]);
}

#[test]
fn issue_15_7_the_emergency_wizard_asks_for_the_rollback_plan() {
    let (repo, mut w) = new_wizard("new --emergency");
    w.answer("Title", "Restore checkout after outage");
    w.answers(&EMERGENCY_ANSWERS);
    w.succeeds();
    assert_record_has(
        &repo,
        &["rollback:\n  plan: Redeploy checkout-api v41\n  kind: simple\n"],
    );
    repo.chg(&["start", ID]).ok();
    let rules = repo.check().rules();
    assert!(!rules.iter().any(|r| r == "rollback-plan-missing"), "{rules:?}");
}

#[test]
fn issue_15_7_picking_emergency_in_the_new_wizard_asks_for_the_criteria() {
    let (repo, mut w) = new_wizard("new --title 'Restore checkout' --description 'Roll the pricing hotfix out' --justification 'Checkout down' --benefit 'Orders flow again' --impact medium --likelihood low");
    // normal, major, emergency: two down.
    w.answer(
        "Classification (risk matrix: at least normal)",
        &format!("{DOWN}{DOWN}"),
    );
    w.expect("call: CISO (carol@example.com) and CTO (dave@example.com)");
    w.answers(&EMERGENCY_ANSWERS);
    w.succeeds();
    assert_record_has(
        &repo,
        &[
            "classification: emergency\n",
            "  criteria:\n    - production-down\n",
            "  impact_of_not_implementing: No orders can be placed\n",
        ],
    );
    let text = repo.read(FILE);
    assert_eq!(text.matches("  method: verbal\n").count(), 2, "{text}");
    let rules = repo.check().rules();
    assert!(!rules.iter().any(|r| r == "emergency-criteria-missing"), "{rules:?}");
    let (_, subject, _) = last_commit(&repo);
    assert_eq!(subject, "chg: new CHG-2026-0001 (emergency: Restore checkout)");
}
