//! The rules of `chg check`: pure functions from records and policy to
//! findings, so each can be tested without a repository.

mod approvals;
mod calendar;
mod classification;
mod criteria;
pub mod deploy;
pub(crate) mod emergency;
pub mod history;
pub mod identity;
pub mod linking;
mod monitoring;
mod outcome;
mod readiness;
pub mod rehearsals;
pub mod rollback;
mod status;
pub(crate) mod strategy;
mod template;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

pub use approvals::{approval_status, ApprovalStatus};
pub use classification::CVSS_THRESHOLD;
pub use emergency::{
    emergency_deadlines, emergency_deadlines_judged, implemented_at, time_to_resolution, written_approval_at,
    written_approval_status, Deadline, EmergencyDeadlines, Resolution, Verdict,
};

use crate::finding::{Finding, Severity};
use crate::policy::Policy;
use crate::rule::Rule;
use crate::store::Loaded;

/// A finding under `rule`, at its default severity, at `path` of the record
/// (`rollbacks[0].measured`).
pub(crate) fn finding(
    loaded: &Loaded,
    path: &str,
    rule: Rule,
    message: impl Into<String>,
    hint: impl Into<String>,
) -> Finding {
    let make = match rule.severity() {
        Severity::Error => Finding::error,
        Severity::Warning => Finding::warning,
    };
    make(
        &loaded.file,
        loaded.positions.of(path),
        rule,
        message.into(),
        hint.into(),
    )
}

/// The names of the `(name, present)` fields that are absent, in order.
pub(crate) fn absent<'a>(fields: &[(&'a str, bool)]) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(_, present)| !present)
        .map(|(name, _)| *name)
        .collect()
}

/// What the rules need besides the records.
pub struct Context<'a> {
    pub policy: &'a Policy,
    /// The catalogue's templates, by name (file stem).
    pub templates: &'a BTreeMap<String, crate::template::Template>,
    /// The time deadlines are judged at.
    pub now: DateTime<Utc>,
    /// Times records state that are implausible against when history
    /// received them, by record id (from the gate's walk; empty without one).
    pub times: &'a BTreeMap<String, Vec<history::TimeEvidence>>,
    /// Every system's rollback rehearsals (`changes/rehearsals/`).
    pub rehearsals: &'a crate::rehearsal::Rehearsals,
}

/// Runs every rule over the records and returns the findings, in file order.
pub fn check(records: &[Loaded], ctx: &Context) -> Vec<Finding> {
    let mut findings = identity::check_store(records);
    // Records are judged on their own, so on every core (a finding's position
    // parses its file a second time, which is most of the work).
    findings.extend(
        crate::parallel::map(records, |loaded| check_record(loaded, ctx))
            .into_iter()
            .flatten(),
    );
    findings.extend(calendar::check(records, ctx));
    findings.sort_by(|a, b| (&a.file, a.line, a.column, a.rule.id()).cmp(&(&b.file, b.line, b.column, b.rule.id())));
    findings
}

/// The rules that judge one record on its own, in the order they report.
const RECORD_RULES: &[fn(&Loaded, &Context) -> Vec<Finding>] = &[
    |loaded, _| identity::check_record(loaded),
    classification::check,
    template::check,
    readiness::check,
    approvals::check,
    outcome::check,
    status::check,
    emergency::check,
    criteria::check,
    rollback::check,
    monitoring::check,
    calendar::check_work,
    strategy::check,
];

/// Runs the rules that judge one record on its own.
pub fn check_record(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    RECORD_RULES.iter().flat_map(|rule| rule(loaded, ctx)).collect()
}
