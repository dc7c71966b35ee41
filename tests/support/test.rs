//! `Test`: a store, its people and a clock, in the style of `just`'s test
//! builder; and what a test reads from a `Run` (exact streams, findings, JSON).
//!
//! ```ignore
//! let t = Test::new().record(Record::normal(ID).approved_by_sam()).commit_as(SAM, "approve");
//! t.run(&["check"]).ok().stdout_is("").stderr_is("no findings in 1 record\n");
//! assert_eq!(t.findings(), [("approval-missing", ID)]);
//! ```

use std::ops::{Deref, DerefMut};

use super::lines::assert_line;
use super::{Record, Repo, Run, Who, JANE};

/// The time every `Test` starts at: Wednesday 2026-11-25 12:00 UTC, after
/// the fixtures' approvals (11-17) and window (11-18).
pub const NOW: &str = "2026-11-25T12:00:00Z";

/// A store made with `chg init` for the tests' team (see `Repo::initialised`),
/// with a clock: `CHG_NOW` for each run of chg and the author and committer
/// dates of each commit a test makes with `commit_as`.
pub struct Test {
    repo: Repo,
}

impl Deref for Test {
    type Target = Repo;
    fn deref(&self) -> &Repo {
        &self.repo
    }
}

impl DerefMut for Test {
    fn deref_mut(&mut self) -> &mut Repo {
        &mut self.repo
    }
}

impl Default for Test {
    fn default() -> Self {
        Test::new()
    }
}

impl Test {
    /// An initialised store at `NOW`.
    pub fn new() -> Test {
        let mut repo = Repo::initialised();
        repo.now = Some(NOW.into());
        Test { repo }
    }

    /// Sets the clock.
    pub fn at(mut self, now: &str) -> Test {
        self.set_now(now);
        self
    }

    /// Sets the clock of a test under way.
    pub fn set_now(&mut self, now: &str) {
        self.repo.now = Some(now.to_string());
    }

    /// The clock.
    pub fn now(&self) -> &str {
        self.repo.now.as_deref().unwrap_or(NOW)
    }

    /// Writes a record at its place in the store.
    pub fn record(self, record: Record) -> Test {
        self.put(&record);
        self
    }

    /// Writes any file.
    pub fn file(self, path: &str, text: &str) -> Test {
        self.repo.write(path, text);
        self
    }

    /// Commits everything as someone at the clock's time.
    pub fn commit_as(self, who: Who, message: &str) -> Test {
        self.commit(who, message);
        self
    }

    /// Commits everything as someone at the clock's time, in a test under way.
    pub fn commit(&self, who: Who, message: &str) {
        self.repo.commit_all_at(who, self.now(), message);
    }

    /// Runs chg as Jane, an engineer.
    pub fn run(&self, args: &[&str]) -> Run {
        self.repo.chg_as(JANE, args)
    }

    /// Runs chg as someone.
    pub fn run_as(&self, who: Who, args: &[&str]) -> Run {
        self.repo.chg_as(who, args)
    }

    /// `chg check --format json`'s findings (whatever its exit status).
    pub fn findings(&self) -> Vec<Finding> {
        self.run(&["check", "--format", "json"]).findings()
    }

    /// Asserts `chg check` finds nothing of this rule (whatever else it finds).
    #[track_caller]
    pub fn assert_no_finding(&self, rule: &str) {
        let findings = self.findings();
        assert!(!findings.iter().any(|f| f.rule == rule), "{rule} found: {findings:?}");
    }
}

/// One finding of `chg check --format json`.
///
/// Compares equal to `(rule, record)`, so a test can list what fired:
/// `assert_eq!(run.findings(), [("approval-missing", "CHG-2026-0001")])`.
#[derive(Clone, PartialEq)]
pub struct Finding {
    pub rule: String,
    /// The record's id (its file's name without `.yaml`), or the file's path
    /// for a file that is not a record.
    pub record: String,
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub severity: String,
    pub message: String,
    pub hint: String,
    pub commit: Option<String>,
}

impl std::fmt::Debug for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "({:?}, {:?}) at {}:{}:{} {}: {} (hint: {})",
            self.rule, self.record, self.file, self.line, self.column, self.severity, self.message, self.hint
        )
    }
}

impl PartialEq<(&str, &str)> for Finding {
    fn eq(&self, other: &(&str, &str)) -> bool {
        self.rule == other.0 && self.record == other.1
    }
}

impl Finding {
    fn from_json(value: &serde_json::Value) -> Finding {
        let text = |key: &str| value[key].as_str().unwrap_or_default().to_string();
        let file = text("file");
        let record = match file.rsplit('/').next() {
            Some(name) if name.starts_with("CHG-") => name.trim_end_matches(".yaml").to_string(),
            _ => file.clone(),
        };
        Finding {
            rule: text("rule"),
            record,
            line: value["line"].as_u64().unwrap_or_default(),
            column: value["column"].as_u64().unwrap_or_default(),
            severity: text("severity"),
            message: text("message"),
            hint: text("hint"),
            commit: value["commit"].as_str().map(str::to_string),
            file,
        }
    }

    /// Whether it is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == "error"
    }
}

/// A first line that differs, for a failure message short enough to read.
fn first_difference(got: &str, expected: &str) -> String {
    let (g, e): (Vec<&str>, Vec<&str>) = (got.lines().collect(), expected.lines().collect());
    for i in 0..g.len().max(e.len()) {
        if g.get(i) != e.get(i) {
            return format!(
                "first difference at line {}:\n  got:      {:?}\n  expected: {:?}",
                i + 1,
                g.get(i),
                e.get(i)
            );
        }
    }
    "they differ in their line ends".into()
}

/// Asserts a stream is exactly what is expected, showing the other one too.
#[track_caller]
fn same_stream(name: &str, got: &str, expected: &str, (other, text): (&str, &str)) {
    assert!(
        got == expected,
        "{name} differs; {}\n--- got\n{got}\n--- expected\n{expected}\n--- {other}\n{text}",
        first_difference(got, expected)
    );
}

impl Run {
    /// Asserts stdout is exactly this.
    #[track_caller]
    pub fn stdout_is(self, expected: &str) -> Run {
        same_stream("stdout", &self.stdout, expected, ("stderr", &self.stderr));
        self
    }

    /// Asserts stderr is exactly this.
    #[track_caller]
    pub fn stderr_is(self, expected: &str) -> Run {
        same_stream("stderr", &self.stderr, expected, ("stdout", &self.stdout));
        self
    }

    /// Asserts stdout has this whole line, for a test that cares about one
    /// line of a long output.
    #[track_caller]
    pub fn stdout_has_line(self, line: &str) -> Run {
        assert_line("stdout", &self.stdout, line);
        self
    }

    /// Asserts stderr has this whole line.
    #[track_caller]
    pub fn stderr_has_line(self, line: &str) -> Run {
        assert_line("stderr", &self.stderr, line);
        self
    }

    /// Asserts the exit status and both streams exactly.
    #[track_caller]
    pub fn is(self, status: i32, stdout: &str, stderr: &str) -> Run {
        self.status(status).stdout_is(stdout).stderr_is(stderr)
    }

    /// Asserts chg refused a command that lacks a flag where it cannot ask
    /// (`--no-input`, or no terminal): exit 2, nothing on stdout, and an error
    /// naming the flag with a hint to give it or to run `command` on a terminal.
    #[track_caller]
    pub fn misses(self, flag: &str, command: &str) -> Run {
        let expected = format!(
            "error: missing `{flag}`\n  hint: give `{flag}`, or run {command} on a terminal without `--no-input` to be asked\n"
        );
        self.is(2, "", &expected)
    }

    /// Parses stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// The findings of a `chg check --format json` run.
    #[track_caller]
    pub fn findings(&self) -> Vec<Finding> {
        match self.json() {
            serde_json::Value::Array(items) => items.iter().map(Finding::from_json).collect(),
            other => panic!("`chg check --format json` prints a list of findings, not {other}"),
        }
    }

    /// The rules that fired, in the order chg printed them.
    #[track_caller]
    pub fn rules(&self) -> Vec<String> {
        self.findings().into_iter().map(|f| f.rule).collect()
    }

    /// The findings of one rule, in the order chg printed them (none when it did not fire).
    #[track_caller]
    pub fn findings_of(&self, rule: &str) -> Vec<Finding> {
        self.findings().into_iter().filter(|f| f.rule == rule).collect()
    }

    /// The reasons of a `chg gate --format json` verdict, as `(rule, message)`, in order.
    #[track_caller]
    pub fn reasons(&self) -> Vec<(String, String)> {
        let verdict = self.json();
        let reasons = verdict["reasons"]
            .as_array()
            .unwrap_or_else(|| panic!("a gate verdict lists its reasons: {self:?}"));
        let text = |r: &serde_json::Value, key: &str| r[key].as_str().unwrap_or_default().to_string();
        reasons.iter().map(|r| (text(r, "rule"), text(r, "message"))).collect()
    }

    /// The rules of a `chg gate --format json` verdict's reasons, in order.
    #[track_caller]
    pub fn reason_rules(&self) -> Vec<String> {
        self.reasons().into_iter().map(|(rule, _)| rule).collect()
    }

    /// The one finding of a rule; fails when it did not fire or fired more than once.
    #[track_caller]
    pub fn finding(&self, rule: &str) -> Finding {
        let all = self.findings();
        let hits: Vec<&Finding> = all.iter().filter(|f| f.rule == rule).collect();
        assert_eq!(hits.len(), 1, "`{rule}` should fire once; got {all:?}");
        hits[0].clone()
    }
}
