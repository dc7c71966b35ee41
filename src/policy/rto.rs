//! Recovery time objectives: how long a rollback of each kind may take.

use chrono::{DateTime, Duration, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Policy, Span, TargetName};
use crate::record::RollbackKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Rto {
    pub simple: Span,
    pub complex: Span,
    #[serde(rename = "full-restore")]
    pub full_restore: Span,
}

impl Policy {
    /// Returns true when a rollback of `kind` that took `took` is within its RTO:
    /// strictly less, as the guide writes it ("< 15 minutes"), unless the
    /// policy lists `rto` under `targets.inclusive`.
    pub fn within_rto(&self, kind: RollbackKind, took: Duration) -> bool {
        let rto = self.rto.of(kind).duration();
        if self.targets.is_inclusive(TargetName::Rto) {
            took <= rto
        } else {
            took < rto
        }
    }
}

impl Rto {
    /// Returns the objective for a rollback kind.
    pub fn of(&self, kind: RollbackKind) -> Span {
        match kind {
            RollbackKind::Simple => self.simple,
            RollbackKind::Complex => self.complex,
            RollbackKind::FullRestore => self.full_restore,
        }
    }
}

impl Default for Rto {
    fn default() -> Self {
        Rto {
            simple: Span::minutes(15),
            complex: Span::hours(1),
            full_restore: Span::hours(4),
        }
    }
}

/// A rollback measured against the RTO of its kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtoCheck {
    pub kind: RollbackKind,
    /// From the start of the rollback to the restoration of service.
    pub took: Duration,
    /// The objective of the kind.
    pub rto: Span,
    /// Whether the rollback stayed within it.
    pub within: bool,
    /// False when neither the rollback nor the plan named its kind, and it
    /// was judged as simple.
    pub declared: bool,
}

impl RtoCheck {
    /// Returns the time taken in whole minutes, rounded up.
    pub fn minutes(&self) -> i64 {
        (self.took.num_seconds() + 59) / 60
    }

    /// Writes the time taken, in whole minutes rounded up: `19 min`, `2.5 h`.
    pub fn took_text(&self) -> String {
        crate::duration::minutes(self.minutes() as f64)
    }

    /// Names the judgement of one of a change's rollbacks, as the figures'
    /// records list it: `CHG-2026-0001 rollback 1: 40 min, simple RTO 15 min`.
    pub fn record_line(&self, id: &str, number: usize) -> String {
        format!(
            "{id} rollback {number}: {}, {} RTO {}",
            crate::duration::minutes(crate::duration::in_minutes(self.took)),
            self.kind,
            self.rto.text()
        )
    }

    /// Returns true when the rollback overran its RTO.
    pub fn exceeded(&self) -> bool {
        !self.within
    }

    /// What a judgement says after itself when the kind was taken as simple:
    /// ` (no kind declared, judged as simple)`, else nothing.
    pub fn assumed(&self) -> &'static str {
        if self.declared {
            ""
        } else {
            " (no kind declared, judged as simple)"
        }
    }

    /// Says how a rollback that missed its RTO missed it: `over` it, or exactly
    /// on it (`not under`, since the guide asks for less than the RTO).
    pub fn over_or_not_under(&self) -> &'static str {
        if self.took > self.rto.duration() {
            "over"
        } else {
            "not under"
        }
    }
}

impl Policy {
    /// Measures a rollback of `kind` that took `took` against its RTO.
    pub fn rto_check(&self, kind: RollbackKind, took: Duration) -> RtoCheck {
        RtoCheck {
            kind,
            took,
            rto: self.rto.of(kind),
            within: self.within_rto(kind, took),
            declared: true,
        }
    }

    /// Judges a rollback against its RTO: the one rule of `chg check`,
    /// `chg show`, the metrics and the reports. The kind is the entry's, else
    /// the rollback plan's, else simple: the strictest RTO, so a rollback
    /// nobody classified (a standard change needs no plan) cannot hide an
    /// overrun. `None` until both times are known.
    pub fn judge_rollback(
        &self,
        (entry_kind, plan_kind): (Option<RollbackKind>, Option<RollbackKind>),
        started: Option<DateTime<Utc>>,
        restored: Option<DateTime<Utc>>,
    ) -> Option<RtoCheck> {
        let kind = entry_kind.or(plan_kind);
        let check = self.rto_check(kind.unwrap_or(RollbackKind::Simple), restored? - started?);
        Some(RtoCheck {
            declared: kind.is_some(),
            ..check
        })
    }
}

/// The thresholds of the automatic rollback triggers: an error rate above
/// `error_rate_percent` per cent of requests, a response time above
/// `response_time_multiple` times the baseline, more than
/// `customer_complaints` complaints.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RollbackTriggers {
    pub error_rate_percent: f64,
    pub response_time_multiple: f64,
    pub customer_complaints: f64,
}

impl Default for RollbackTriggers {
    fn default() -> Self {
        RollbackTriggers {
            error_rate_percent: 5.0,
            response_time_multiple: 2.0,
            customer_complaints: 20.0,
        }
    }
}

impl RollbackTriggers {
    /// The threshold of an automatic trigger that has one.
    pub fn threshold(&self, trigger: crate::record::Trigger) -> Option<f64> {
        use crate::record::Trigger;
        match trigger {
            Trigger::ErrorRate => Some(self.error_rate_percent),
            Trigger::ResponseTime => Some(self.response_time_multiple),
            Trigger::CustomerComplaints => Some(self.customer_complaints),
            _ => None,
        }
    }
}

/// How often rollback procedures are rehearsed (`rollback_rehearsal`): the
/// guide asks for each one quarterly, whatever its kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RehearsalRule {
    /// How recent a passed rehearsal must be (default `92d`, a quarter).
    pub interval: Span,
    /// Rollback kinds that need no rehearsal (default: none).
    pub exempt: Vec<RollbackKind>,
}

impl Default for RehearsalRule {
    fn default() -> Self {
        RehearsalRule {
            interval: Span::days(92),
            exempt: Vec::new(),
        }
    }
}
