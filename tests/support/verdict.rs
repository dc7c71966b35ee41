//! What `chg check --format json` said, its exit status and its findings,
//! and the assertions a test makes of it, each failure message naming the
//! case a loop is at and showing every finding.

use super::{Finding, Repo, Run};

pub struct Verdict {
    pub status: i32,
    pub findings: Vec<Finding>,
    case: String,
}

impl From<Run> for Verdict {
    #[track_caller]
    fn from(run: Run) -> Verdict {
        Verdict {
            findings: run.findings(),
            status: run.status,
            case: String::new(),
        }
    }
}

impl Verdict {
    /// The gate of a pull request: `chg check --base main`.
    #[track_caller]
    pub fn gate(repo: &Repo) -> Verdict {
        repo.chg(&["check", "--base", "main", "--format", "json"]).into()
    }

    /// `chg check` of the working tree.
    #[track_caller]
    pub fn check(repo: &Repo) -> Verdict {
        repo.chg(&["check", "--format", "json"]).into()
    }

    /// Names the case in failure messages.
    pub fn case(mut self, case: &str) -> Verdict {
        self.case = format!("{case}: ");
        self
    }

    pub fn rules(&self) -> Vec<&str> {
        self.findings.iter().map(|f| f.rule.as_str()).collect()
    }

    /// The findings of one rule.
    pub fn of(&self, rule: &str) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.rule == rule).collect()
    }

    /// The errors (warnings aside).
    pub fn errors(&self) -> Vec<&Finding> {
        self.findings.iter().filter(|f| f.is_error()).collect()
    }

    /// Asserts a pass with nothing to say.
    #[track_caller]
    pub fn clean(&self) {
        assert_eq!(
            (self.status, self.findings.len()),
            (0, 0),
            "{}{:?}",
            self.case,
            self.findings
        );
    }

    /// Asserts a pass without errors (warnings may be said).
    #[track_caller]
    pub fn no_errors(&self) {
        assert_eq!(
            (self.status, self.errors().len()),
            (0, 0),
            "{}{:?}",
            self.case,
            self.findings
        );
    }

    /// Asserts a failure (exit 1).
    #[track_caller]
    pub fn fails(&self) {
        assert_eq!(self.status, 1, "{}{:?}", self.case, self.findings);
    }

    /// Asserts a failure (exit 1) with `rule` among the findings; its first finding.
    #[track_caller]
    pub fn fails_with(&self, rule: &str) -> &Finding {
        self.fails();
        self.findings
            .iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("{}`{rule}` should fire: {:?}", self.case, self.findings))
    }

    /// Asserts a failure with `rule` its only finding.
    #[track_caller]
    pub fn fails_with_only(&self, rule: &str) {
        assert_eq!(
            (self.status, self.rules()),
            (1, vec![rule]),
            "{}{:?}",
            self.case,
            self.findings
        );
    }

    /// Asserts a failure whose first finding of `rule` says `text`.
    #[track_caller]
    pub fn fails_saying(&self, rule: &str, text: &str) {
        let f = self.fails_with(rule);
        assert!(f.message.contains(text), "{}{text:?} not in {f:?}", self.case);
    }

    /// Asserts a failure with exactly one finding of `rule`; its message.
    #[track_caller]
    pub fn fails_once(&self, rule: &str) -> String {
        self.fails_with(rule);
        let found = self.of(rule);
        assert_eq!(found.len(), 1, "{}{:?}", self.case, self.findings);
        found[0].message.clone()
    }
}
