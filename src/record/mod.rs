//! The change record (schema_version 1): the types that one YAML file in
//! `changes/<year>/` deserializes into, and the small vocabulary around them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::person::Person;

mod measures;
mod rollback;
#[cfg(test)]
pub(crate) mod sample;
mod vocabulary;

pub use rollback::SKIPPABLE_CHECKS;

pub(crate) use vocabulary::kebab_enum;
pub use vocabulary::*;

/// Extra keys starting with `x-`, kept as they are.
pub type Extensions = BTreeMap<String, crate::document::Value>;

/// One change record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Always 1 for this format.
    #[schemars(extend("const" = 1))]
    pub schema_version: u32,
    /// `CHG-<year>-<NNNN>`, equal to the file name.
    pub id: String,
    pub title: String,
    pub status: Status,
    pub classification: Classification,
    /// A standard change names its catalogue template (a file in `changes/templates/`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    pub risk: Risk,
    #[serde(default = "default_priority")]
    pub priority: Level,
    pub requested_by: Person,
    #[serde(deserialize_with = "crate::rfc3339::date_time")]
    pub created_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<Justification>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub systems: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customers_affected: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub downtime_required: Option<bool>,
    #[serde(default, skip_serializing_if = "Testing::is_empty")]
    pub testing: Testing,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deployment: Option<Deployment>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollback: Option<RollbackPlan>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub approvals: Vec<Approval>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub implementation: Option<Implementation>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rollbacks: Vec<RollbackEntry>,
    /// Who watched the change after its deployment or rollback, and what
    /// they saw (`chg monitor`); append-only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub monitoring: Vec<Monitoring>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub emergency: Option<Emergency>,
    /// Set when the change was cancelled (`chg cancel`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancellation: Option<Cancellation>,
    /// Keys starting with `x-`, at any level, by their dotted parent path.
    #[serde(skip)]
    #[schemars(skip)]
    pub extensions: BTreeMap<String, Extensions>,
}

fn default_priority() -> Level {
    Level::Medium
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub impact: Level,
    pub likelihood: Level,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Justification {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub business_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected_benefit: Option<String>,
}

/// The state of each kind of testing; absent means not recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Testing {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<TestState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub integration: Option<TestState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qa_review: Option<TestState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_review: Option<TestState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance: Option<TestState>,
}

impl Testing {
    /// Returns true when no kind of testing is recorded.
    pub fn is_empty(&self) -> bool {
        TestKind::ALL.iter().all(|k| self.get(*k).is_none())
    }

    /// Returns the recorded state of one kind of testing.
    pub fn get(&self, kind: TestKind) -> Option<TestState> {
        match kind {
            TestKind::Unit => self.unit,
            TestKind::Integration => self.integration,
            TestKind::QaReview => self.qa_review,
            TestKind::SecurityReview => self.security_review,
            TestKind::Performance => self.performance,
        }
    }

    /// Records the state of one kind of testing.
    pub fn set(&mut self, kind: TestKind, state: TestState) {
        let slot = match kind {
            TestKind::Unit => &mut self.unit,
            TestKind::Integration => &mut self.integration,
            TestKind::QaReview => &mut self.qa_review,
            TestKind::SecurityReview => &mut self.security_review,
            TestKind::Performance => &mut self.performance,
        };
        *slot = Some(state);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Deployment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub strategy: Option<Strategy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window: Option<Window>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
}

/// A deployment window, in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    #[serde(deserialize_with = "crate::rfc3339::date_time")]
    pub start: DateTime<Utc>,
    #[serde(deserialize_with = "crate::rfc3339::date_time")]
    pub end: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RollbackPlan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<RollbackKind>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::opt_date"
    )]
    pub last_tested: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub role: Role,
    pub approver: Person,
    pub decision: Decision,
    #[serde(default = "default_method")]
    pub method: Method,
    #[serde(deserialize_with = "crate::rfc3339::date_time")]
    pub at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// The digest (`sha256:<hex>`) of the approved scope this decision was
    /// given to; see docs/evidence.md. Entries from before chg bound
    /// approvals to content have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^sha256:[0-9a-f]{64}$"))]
    pub scope: Option<String>,
}

fn default_method() -> Method {
    Method::Written
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Implementation {
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::opt_date_time"
    )]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::opt_date_time"
    )]
    pub finished_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<String>,
    /// What was deployed where, as the pipeline reported it: `environment`,
    /// `artifact` digest, `pipeline_run` URL, or any other name
    /// (`--deployment NAME=VALUE` on `chg gate --start` and `chg complete`).
    /// Append-only: a recorded value is never rewritten.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub deployment: BTreeMap<String, String>,
    /// The change manager's leave to work outside the approved window
    /// (`chg start --override REASON`, run by the change manager).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub window_override: Option<WindowOverride>,
}

/// Work outside the scheduled window, the deployment windows or a freeze,
/// allowed by a change manager, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowOverride {
    pub by: Person,
    #[serde(deserialize_with = "crate::rfc3339::date_time")]
    pub at: DateTime<Utc>,
    pub reason: String,
}

/// Validation results after a deployment or a rollback.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Validation {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smoke_tests: Option<CheckResult>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_rates: Option<Health>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub performance: Option<Health>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_access: Option<Access>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitored_minutes: Option<u32>,
    /// The whole test suite, owed after a planned rollback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub full_test_suite: Option<CheckResult>,
    /// The security verification, owed after a planned rollback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security: Option<CheckResult>,
    /// Why a check recorded `not-run` was not run, by its key
    /// (`smoke_tests`, `full_test_suite`, `security`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub not_run_reasons: BTreeMap<String, String>,
    /// Who recorded these results, in order; each commit that adds results
    /// must be made by the person it adds here (`verification-not-by-verifier`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub verified_by: Vec<Person>,
}

/// A spell of monitoring after a deployment or a rollback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    /// Who watched.
    pub by: Person,
    #[serde(deserialize_with = "crate::rfc3339::date_time")]
    pub from: DateTime<Utc>,
    #[serde(deserialize_with = "crate::rfc3339::date_time")]
    pub to: DateTime<Utc>,
    /// What they saw: error rates, latency, alerts, complaints.
    pub observed: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RollbackEntry {
    pub trigger: Trigger,
    #[serde(default = "default_mode")]
    pub mode: RollbackMode,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<RollbackKind>,
    #[serde(skip_serializing_if = "Option::is_none")]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Level>,
    /// How long the rollback was expected to take, estimated at its start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_minutes: Option<u32>,
    /// For an automatic trigger with a threshold (error rate, response time,
    /// customer complaints): the value measured and the policy's threshold then.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<Measured>,
    /// Set when the rollback reopened a change that was closed (`closed`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reopened_from: Option<Status>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub log: Vec<LogEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validation: Option<Validation>,
    #[serde(default)]
    pub issues: Vec<String>,
    #[serde(default)]
    pub post_actions: PostActions,
    /// Minutes from `started_at` to `restored_at`, as `chg rollback` computed them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration_minutes: Option<i32>,
    /// Set when the rollback took longer than the RTO of its kind.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rto_exceeded: Option<bool>,
}

fn default_mode() -> RollbackMode {
    RollbackMode::Immediate
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

/// The post-implementation review.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Review {
    #[serde(deserialize_with = "crate::rfc3339::opt_date_time")]
    pub completed_at: Option<DateTime<Utc>>,
    pub summary: Option<String>,
    pub lessons_learned: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Emergency {
    pub criteria: Vec<Criterion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cvss: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact_of_not_implementing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cab_review: Option<CabReview>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub post_review: Option<PostReview>,
    /// When the full documentation was declared complete (`chg submit` after the emergency).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::opt_date_time"
    )]
    pub documented_at: Option<DateTime<Utc>>,
    /// When the incident began, if before the emergency was declared
    /// (`chg new --emergency --incident-started`): time to resolution runs from it.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::opt_date_time"
    )]
    pub incident_started_at: Option<DateTime<Utc>>,
    /// When service was restored (`chg complete`, or a rollback's restoration).
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::opt_date_time"
    )]
    pub restored_at: Option<DateTime<Utc>>,
}

/// The presentation of an emergency change at the next CAB meeting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CabReview {
    #[serde(deserialize_with = "crate::rfc3339::opt_date")]
    pub date: Option<NaiveDate>,
    pub feedback: Option<String>,
}

/// The post-emergency review, owed within five days.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PostReview {
    #[serde(deserialize_with = "crate::rfc3339::opt_date_time")]
    pub completed_at: Option<DateTime<Utc>>,
    pub root_cause: Option<String>,
    pub preventive_measures: Option<PreventiveMeasures>,
}

/// What prevents the emergency from recurring: action items, each with an
/// owner, a due date and a state; or, in records written before they were
/// action items, one line of text, still read and shown but not tracked.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum PreventiveMeasures {
    Items(Vec<PreventiveMeasure>),
    /// The older form: one line of text.
    Text(String),
}

/// One preventive measure: an action item open until it is done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreventiveMeasure {
    /// What is to be done.
    pub action: String,
    /// Who sees it done.
    pub owner: Person,
    /// By when.
    #[serde(deserialize_with = "crate::rfc3339::date")]
    pub due: NaiveDate,
    #[serde(default = "open_measure")]
    pub state: MeasureState,
    /// When it was done (`chg review --measure-done N`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "crate::rfc3339::opt_date"
    )]
    pub done_on: Option<NaiveDate>,
}

fn open_measure() -> MeasureState {
    MeasureState::Open
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    #[serde(deserialize_with = "crate::rfc3339::date_time")]
    pub at: DateTime<Utc>,
    pub by: Person,
    pub reason: String,
}

impl Record {
    /// Returns the approvals with decision `approved`.
    pub fn granted_approvals(&self) -> impl Iterator<Item = &Approval> {
        self.approvals.iter().filter(|a| a.decision == Decision::Approved)
    }

    /// Returns when the implementation finished, if it did.
    pub fn finished_at(&self) -> Option<DateTime<Utc>> {
        self.implementation.as_ref().and_then(|i| i.finished_at)
    }

    /// Returns when the implementation started, if it did.
    pub fn started_at(&self) -> Option<DateTime<Utc>> {
        self.implementation.as_ref().and_then(|i| i.started_at)
    }

    /// Returns how the implementation ended, if it did.
    pub fn outcome(&self) -> Option<Outcome> {
        self.implementation.as_ref().and_then(|i| i.outcome)
    }

    /// Returns the deployment window, if one is set.
    pub fn window(&self) -> Option<Window> {
        self.deployment.as_ref().and_then(|d| d.window)
    }

    /// Returns the rollback kind declared in the plan.
    pub fn rollback_kind(&self) -> Option<RollbackKind> {
        self.rollback.as_ref().and_then(|r| r.kind)
    }
}
