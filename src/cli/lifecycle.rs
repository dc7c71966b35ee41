//! The arguments of the lifecycle commands, from `chg new` to `chg close`.

use clap::Args;

use crate::record::{
    Access, CheckResult, Classification, Criterion, Health, Level, Role, RollbackKind, RollbackMode, Strategy, Trigger,
};

/// What a new change is, why, how risky, and whom it touches: flags of
/// `chg new` that the draft (and its wizard) keeps as they are given.
#[derive(Debug, Args, Default, Clone)]
pub struct About {
    /// A one-line title.
    #[arg(long)]
    pub title: Option<String>,
    /// What will change, and how.
    #[arg(long)]
    pub description: Option<String>,
    /// The business reason for the change.
    #[arg(long)]
    pub justification: Option<String>,
    /// The expected benefit.
    #[arg(long)]
    pub benefit: Option<String>,
    /// The class (default: the least the risk matrix allows).
    #[arg(long, value_enum)]
    pub classification: Option<Classification>,
    /// Impact if it goes wrong.
    #[arg(long, value_enum)]
    pub impact: Option<Level>,
    /// Likelihood that it goes wrong.
    #[arg(long, value_enum)]
    pub likelihood: Option<Level>,
    /// Priority (default: medium).
    #[arg(long, value_enum)]
    pub priority: Option<Level>,
    /// An affected system (repeatable).
    #[arg(long = "system", value_name = "SYSTEM")]
    pub systems: Vec<String>,
    /// An affected service (repeatable).
    #[arg(long = "service", value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Who is affected, in words.
    #[arg(long)]
    pub customers_affected: Option<String>,
    /// The change needs downtime.
    #[arg(long)]
    pub downtime: bool,
}

#[derive(Debug, Args, Default)]
pub struct NewArgs {
    #[command(flatten)]
    pub about: About,
    /// Deployment strategy.
    #[arg(long, value_enum)]
    pub strategy: Option<Strategy>,
    /// Start of the deployment window (RFC 3339, or `YYYY-MM-DD HH:MM` in UTC).
    #[arg(long, value_name = "TIME")]
    pub window_start: Option<String>,
    /// End of the deployment window.
    #[arg(long, value_name = "TIME")]
    pub window_end: Option<String>,
    /// A deployment step (repeatable, in order).
    #[arg(long = "step", value_name = "TEXT")]
    pub steps: Vec<String>,
    /// How to roll the change back.
    #[arg(long)]
    pub rollback_plan: Option<String>,
    /// Rollback kind: simple, complex or full-restore.
    #[arg(long, value_enum)]
    pub rollback_kind: Option<RollbackKind>,
    /// When the rollback procedure was last tested (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub rollback_tested: Option<String>,
    /// A testing state, `KIND=STATE` (repeatable), e.g. `--test unit=passed`.
    #[arg(long = "test", value_name = "KIND=STATE")]
    pub tests: Vec<String>,
    /// Make a standard change from this catalogue template (a name in `changes/templates/`).
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
    /// The quick form for an incident: prints whom to call, records verbal approvals.
    #[arg(long)]
    pub emergency: bool,
    /// Why this is an emergency (repeatable; with `--emergency` or `--classification emergency`).
    #[arg(long = "criterion", value_enum)]
    pub criteria: Vec<Criterion>,
    /// The vulnerability's CVSS score (with `--criterion critical-vulnerability`).
    #[arg(long)]
    pub cvss: Option<f64>,
    /// What happens if the change is not made (with `--emergency` or `--classification emergency`).
    #[arg(long)]
    pub impact_of_not_implementing: Option<String>,
    /// A verbal approval, `ROLE:EMAIL` (repeatable), e.g. `--verbal-approval ciso:carol@example.com`.
    #[arg(long = "verbal-approval", value_name = "ROLE:EMAIL")]
    pub verbal_approvals: Vec<String>,
    /// When the verbal approvals were given (default: now).
    #[arg(long, value_name = "TIME")]
    pub verbal_at: Option<String>,
    /// When the incident began, if before now: time to resolution runs from
    /// it (default: from the emergency's declaration, this record).
    #[arg(long, value_name = "TIME")]
    pub incident_started: Option<String>,
}

impl NewArgs {
    /// The first flag given that only an emergency change takes: clap's
    /// `requires` cannot say "with `--emergency` or `--classification
    /// emergency`", so `chg new` checks it.
    pub fn emergency_flag(&self) -> Option<&'static str> {
        [
            (!self.criteria.is_empty(), "--criterion"),
            (self.cvss.is_some(), "--cvss"),
            (
                self.impact_of_not_implementing.is_some(),
                "--impact-of-not-implementing",
            ),
            (!self.verbal_approvals.is_empty(), "--verbal-approval"),
            (self.verbal_at.is_some(), "--verbal-at"),
            (self.incident_started.is_some(), "--incident-started"),
        ]
        .into_iter()
        .find_map(|(given, flag)| given.then_some(flag))
    }

    /// True for the quick form for an incident: `--emergency`, or
    /// `--classification emergency` with any of its flags.
    pub fn quick_emergency(&self) -> bool {
        self.emergency
            || (self.about.classification == Some(Classification::Emergency) && self.emergency_flag().is_some())
    }
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The change id, e.g. CHG-2026-0042.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct RenumberArgs {
    /// The change id to move, e.g. CHG-2026-0042.
    pub id: String,
}

/// A change id, for commands that need nothing else.
#[derive(Debug, Args)]
pub struct IdArgs {
    /// The change id, e.g. CHG-2026-0042.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The change id.
    pub id: String,
    /// The role you approve in (default: your one role that this class needs).
    #[arg(long, value_enum)]
    pub role: Option<Role>,
    /// A comment kept with the approval.
    #[arg(long)]
    pub comment: Option<String>,
    /// Record a verbal approval (emergency changes only).
    #[arg(long)]
    pub verbal: bool,
    /// Who gave the verbal approval: an email or `Name <email>` (default: you).
    #[arg(long, value_name = "PERSON", requires = "verbal")]
    pub by: Option<String>,
    /// When the verbal approval was given (default: now).
    #[arg(long, value_name = "TIME", requires = "verbal")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct RejectArgs {
    /// The change id.
    pub id: String,
    /// Why the change is rejected.
    #[arg(long)]
    pub reason: Option<String>,
    /// The role you reject in (default: your one role that this class needs).
    #[arg(long, value_enum)]
    pub role: Option<Role>,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// The change id.
    pub id: String,
    /// Start of the deployment window (RFC 3339, or `YYYY-MM-DD HH:MM` in UTC).
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
    /// End of the deployment window.
    #[arg(long, value_name = "TIME")]
    pub end: Option<String>,
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// The change id.
    pub id: String,
    /// When implementation started, if not now (at most a day ago).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Start outside the approved window (scheduled window, deployment
    /// windows, freezes) for this reason; only a change manager may, and the
    /// reason is recorded.
    #[arg(long = "override", value_name = "REASON")]
    pub override_reason: Option<String>,
}

/// Validation results after a deployment or a rollback.
#[derive(Debug, Args, Default)]
pub struct ValidationArgs {
    /// Smoke test result.
    #[arg(long, value_enum)]
    pub smoke_tests: Option<CheckResult>,
    /// Error rates against the baseline.
    #[arg(long, value_enum)]
    pub error_rates: Option<Health>,
    /// Performance against the baseline.
    #[arg(long, value_enum)]
    pub performance: Option<Health>,
    /// Whether customers can use the service.
    #[arg(long, value_enum)]
    pub customer_access: Option<Access>,
    /// Minutes of monitoring after the deployment or rollback.
    #[arg(long, value_name = "N")]
    pub monitored_minutes: Option<u32>,
    /// The full test suite's result (owed after a planned rollback).
    #[arg(long, value_enum)]
    pub full_test_suite: Option<CheckResult>,
    /// The security verification's result (owed after a planned rollback).
    #[arg(long, value_enum)]
    pub security: Option<CheckResult>,
    /// Why a check was not run: `CHECK=TEXT`, CHECK one of smoke_tests, full_test_suite, security (repeatable).
    #[arg(long = "not-run-reason", value_name = "CHECK=TEXT")]
    pub not_run_reasons: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// The change id.
    pub id: String,
    #[command(flatten)]
    pub validation: ValidationArgs,
    /// An issue met during implementation (repeatable).
    #[arg(long = "issue", value_name = "TEXT")]
    pub issues: Vec<String>,
    /// A deployment fact, `NAME=VALUE` (repeatable): environment, artifact digest, pipeline run URL.
    #[arg(long = "deployment", value_name = "NAME=VALUE")]
    pub deployment: Vec<String>,
    /// When implementation finished, if not now (at most a day ago).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct FailArgs {
    /// The change id.
    pub id: String,
    /// What went wrong (kept in `implementation.issues`).
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub validation: ValidationArgs,
    /// When implementation stopped, if not now (at most a day ago).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// The change id.
    pub id: String,
    /// Why the change is cancelled.
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct MonitorArgs {
    /// The change id.
    pub id: String,
    /// When the watching began (default: when the deployment finished, or the rollback restored service).
    #[arg(long, value_name = "TIME")]
    pub from: Option<String>,
    /// When it ended (default: now; at most a day ago).
    #[arg(long, value_name = "TIME")]
    pub to: Option<String>,
    /// What was seen: error rates, latency, alerts, complaints.
    #[arg(long, value_name = "TEXT")]
    pub observed: Option<String>,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The change id.
    pub id: String,
    /// What made the rollback necessary.
    #[arg(long, value_enum)]
    pub trigger: Option<Trigger>,
    /// Why, in words.
    #[arg(long)]
    pub reason: Option<String>,
    /// Immediate (emergency) or planned.
    #[arg(long, value_enum)]
    pub mode: Option<RollbackMode>,
    /// The rollback kind (default: the record's rollback kind); decides the RTO.
    #[arg(long, value_enum)]
    pub kind: Option<RollbackKind>,
    /// When the rollback started (RFC 3339, `YYYY-MM-DD HH:MM`, or `HH:MM` today in UTC).
    #[arg(long, value_name = "TIME")]
    pub started_at: Option<String>,
    /// When service was restored (default: now).
    #[arg(long, value_name = "TIME")]
    pub restored_at: Option<String>,
    /// An execution log entry with the time the step was done: `HH:MM text`
    /// (today, UTC) or `YYYY-MM-DD HH:MM text` (repeatable, in order).
    #[arg(long = "log", value_name = "TIME TEXT")]
    pub log: Vec<String>,
    /// How severe the situation is (assessed at the start of an immediate rollback).
    #[arg(long, value_enum)]
    pub severity: Option<Level>,
    /// How long the rollback is expected to take, in minutes.
    #[arg(long, value_name = "N")]
    pub estimated_minutes: Option<u32>,
    /// The value an automatic trigger fired on: per cent of requests failing
    /// (error-rate), multiple of the baseline (response-time), complaints
    /// (customer-complaints).
    #[arg(long, value_name = "VALUE")]
    pub measured: Option<f64>,
    #[command(flatten)]
    pub validation: ValidationArgs,
    /// An issue met during the rollback (repeatable).
    #[arg(long = "issue", value_name = "TEXT")]
    pub issues: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The change id.
    pub id: String,
    /// What happened, in short.
    #[arg(long)]
    pub summary: Option<String>,
    /// What to do differently next time.
    #[arg(long)]
    pub lessons_learned: Option<String>,
    /// The root cause (after a rollback or an emergency).
    #[arg(long)]
    pub root_cause: Option<String>,
    /// How the change will be deployed again, with fixes (after a rollback).
    #[arg(long)]
    pub redeploy_plan: Option<String>,
    /// A preventive measure, an action item of the post-emergency review
    /// (repeatable: one action each).
    #[arg(
        long = "preventive-measures",
        visible_alias = "preventive-measure",
        value_name = "ACTION"
    )]
    pub preventive_measures: Vec<String>,
    /// Who owns the preventive measures given (default: you).
    #[arg(long, value_name = "PERSON")]
    pub measure_owner: Option<String>,
    /// When the preventive measures given are due (default: in 30 days).
    #[arg(long, value_name = "DATE")]
    pub measure_due: Option<String>,
    /// Mark preventive measure N (as `chg show` numbers them) done; also after close.
    #[arg(long, value_name = "N")]
    pub measure_done: Vec<usize>,
    /// Record the presentation of an emergency change at the CAB meeting.
    #[arg(long)]
    pub cab: bool,
    /// The date of the CAB meeting (with `--cab`; default: today).
    #[arg(long, value_name = "DATE", requires = "cab")]
    pub date: Option<String>,
    /// The CAB's feedback (with `--cab`).
    #[arg(long, requires = "cab")]
    pub feedback: Option<String>,
    /// Verification owed after a rollback, recorded now by whoever ran it.
    #[command(flatten)]
    pub validation: ValidationArgs,
}

#[derive(Debug, Args)]
pub struct RehearseArgs {
    /// A system, as change records name it in `systems`, or a change id.
    pub target: String,
    /// The rollback kind rehearsed (for a change: its plan's kind by default).
    #[arg(long, value_enum)]
    pub kind: Option<RollbackKind>,
    /// How long the rollback took, in minutes.
    #[arg(long)]
    pub minutes: u32,
    /// How it went: only a passed rehearsal counts as rehearsed.
    #[arg(long, value_enum)]
    pub result: crate::rehearsal::RehearsalResult,
    /// When it ended (`HH:MM` today, or a full time; default now; at most a day back).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// What was done or seen.
    #[arg(long)]
    pub notes: Option<String>,
}
