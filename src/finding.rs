//! A finding of `chg check`: data, not an error.

use serde::Serialize;

use crate::document::Position;
use crate::rule::Rule;

/// How much a finding counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub severity: Severity,
    pub rule: Rule,
    pub message: String,
    /// What to do about it.
    pub hint: String,
    /// The commit a history rule blames, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
    /// Says what happened and is over (a deadline met late, a rollback
    /// that overran its RTO): nothing is left to fix, so it fails neither
    /// `--strict` nor a pull request that does not touch the record.
    #[serde(skip)]
    pub historical: bool,
}

impl Finding {
    /// Builds an error finding.
    pub fn error(file: &str, at: Position, rule: Rule, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Finding {
            file: file.to_string(),
            line: at.line,
            column: at.column,
            severity: Severity::Error,
            rule,
            message: message.into(),
            hint: hint.into(),
            commit: None,
            historical: false,
        }
    }

    /// Builds a warning finding.
    pub fn warning(file: &str, at: Position, rule: Rule, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Finding {
            severity: Severity::Warning,
            ..Finding::error(file, at, rule, message, hint)
        }
    }

    /// Returns the finding marked as history (see [`Finding::historical`]).
    pub fn historical(mut self) -> Self {
        self.historical = true;
        self
    }

    /// Returns the finding blaming a commit.
    pub fn in_commit(mut self, commit: &str) -> Self {
        self.commit = Some(commit.to_string());
        self
    }
}
