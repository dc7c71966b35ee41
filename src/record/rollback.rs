//! A rollback as recorded: its trigger, times, assessment, log and
//! verification, and what it still owes afterwards.

use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CheckResult, Level, RollbackKind, RollbackMode, Status, Trigger, Validation};
use crate::person::Person;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackEntry {
    pub trigger: Trigger,
    #[serde(default = "default_mode")]
    pub mode: RollbackMode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<RollbackKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::opt_date_time"
    )]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::opt_date_time"
    )]
    pub restored_at: Option<DateTime<Utc>>,
    /// How severe the situation was, assessed at the start of an immediate rollback.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Level>,
    /// How long the rollback was expected to take, estimated at its start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_minutes: Option<u32>,
    /// For an automatic trigger with a threshold (error rate, response time,
    /// customer complaints): the value measured and the policy's threshold then.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measured: Option<Measured>,
    /// Set when the rollback reopened a change that was closed (`closed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reopened_from: Option<Status>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<LogEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    #[serde(default)]
    pub issues: Vec<String>,
    #[serde(default)]
    pub post_actions: PostActions,
    /// Minutes from `started_at` to `restored_at`, as `chg rollback` computed them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<i32>,
    /// Set when the rollback took longer than the RTO of its kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto_exceeded: Option<bool>,
}

fn default_mode() -> RollbackMode {
    RollbackMode::Immediate
}

impl RollbackEntry {
    /// What the start of the rollback should have recorded and did not: the
    /// severity and estimated time of an immediate rollback, the measured
    /// value and threshold of an automatic trigger that has one.
    pub fn assessment_missing(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if self.mode == RollbackMode::Immediate {
            if self.severity.is_none() {
                missing.push("its severity".to_string());
            }
            if self.estimated_minutes.is_none() {
                missing.push("its estimated rollback time".to_string());
            }
        }
        if let (Some(what), None) = (self.trigger.measure(), self.measured) {
            missing.push(format!("the measured {} with the policy's threshold", what.name));
        }
        missing
    }

    /// What this rollback still owes after it: lessons learned, root cause,
    /// a re-deployment plan, and its verification.
    pub fn still_owes(&self) -> Vec<String> {
        let p = &self.post_actions;
        let mut owed: Vec<String> = [
            (p.lessons_learned.is_none(), "lessons learned"),
            (p.root_cause.is_none(), "root cause"),
            (p.redeploy_plan.is_none(), "re-deployment plan"),
        ]
        .into_iter()
        .filter(|(missing, _)| *missing)
        .map(|(_, what)| what.to_string())
        .collect();
        let lacks = self.verification_owed();
        if !lacks.is_empty() {
            owed.push(format!("verification ({})", lacks.join(", ")));
        }
        owed
    }

    /// The earliest time a log entry may carry: the rollback's start, or for
    /// a planned rollback, whose announcement comes first, `implemented`
    /// (when the change's implementation started).
    pub fn log_floor(&self, implemented: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
        match self.mode {
            RollbackMode::Immediate => self.started_at,
            RollbackMode::Planned => implemented.or(self.started_at),
        }
    }

    /// What the verification of this rollback still lacks: smoke tests,
    /// error rates and customer access after any rollback, and the full test
    /// suite, performance and security verification after a planned one; a
    /// check recorded `not-run` lacks its reason until one is given.
    pub fn verification_owed(&self) -> Vec<String> {
        let v = self.validation.clone().unwrap_or_default();
        let planned = self.mode == RollbackMode::Planned;
        let mut owed = Vec::new();
        let skippable = |key: &str, name: &str, owed: &mut Vec<String>| match v.skippable(key) {
            None => owed.push(name.to_string()),
            Some(CheckResult::NotRun) if v.not_run_reasons.get(key).is_none_or(|r| r.trim().is_empty()) => {
                owed.push(format!(
                    "a reason the {name} {} not run",
                    if key == "security" { "was" } else { "were" }
                ))
            }
            Some(_) => {}
        };
        skippable("smoke_tests", "smoke tests", &mut owed);
        if v.error_rates.is_none() {
            owed.push("error rates".into());
        }
        if v.customer_access.is_none() {
            owed.push("customer access".into());
        }
        if planned {
            skippable("full_test_suite", "full test suite", &mut owed);
            if v.performance.is_none() {
                owed.push("performance".into());
            }
            skippable("security", "security verification", &mut owed);
        }
        owed
    }
}

/// What an automatic trigger measured, in the trigger's unit (per cent of
/// requests failing, multiple of the baseline response time, complaints),
/// and the threshold the policy set then.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Measured {
    pub value: f64,
    pub threshold: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LogEntry {
    #[serde(deserialize_with = "crate::rfc3339::date_time")]
    pub at: DateTime<Utc>,
    pub by: Person,
    pub entry: String,
}

/// What is owed after a rollback: lessons, root cause, a plan to redeploy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PostActions {
    pub lessons_learned: Option<String>,
    pub root_cause: Option<String>,
    pub redeploy_plan: Option<String>,
}
