//! Monitoring after a deployment or a rollback: what the policy asks
//! (`monitoring` in the policy: 1 h after a normal change, 24 h after a
//! major one, 30 min after a rollback) and whether a recorded spell covers
//! it. Pure: the record and the policy in. `chg status`, the weekly
//! attention list, `chg close`, `chg check` and the gate all ask here.

use chrono::{DateTime, Duration, Utc};

use crate::policy::{Policy, Span};
use crate::record::{Monitoring, Outcome, Record};

/// What the change is watched after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    Deployment,
    Rollback,
}

impl After {
    /// `deployment`, `rollback`.
    pub fn as_str(self) -> &'static str {
        match self {
            After::Deployment => "deployment",
            After::Rollback => "rollback",
        }
    }
}

/// The monitoring a change needs: after what, from when, for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    pub after: After,
    pub since: DateTime<Utc>,
    pub period: Span,
}

impl Need {
    /// When the period ends, and monitoring can be recorded.
    pub fn due(&self) -> DateTime<Utc> {
        self.since + self.period.duration()
    }

    /// How much of a spell counts: the part after the event.
    pub fn covered_by(&self, spell: &Monitoring) -> Duration {
        (spell.to - spell.from.max(self.since)).max(Duration::zero())
    }

    /// True when the spell alone watched the whole period after the event.
    pub fn met_by(&self, spell: &Monitoring) -> bool {
        self.covered_by(spell) >= self.period.duration()
    }
}

/// Returns the monitoring the change needs, met or not: after its last
/// restored rollback, else after a successful deployment of a class the
/// policy names; `None` when nothing was deployed.
pub fn need(record: &Record, policy: &Policy) -> Option<Need> {
    let periods = &policy.monitoring;
    if let Some(restored) = record.rollbacks.iter().rev().find_map(|r| r.restored_at) {
        return Some(Need {
            after: After::Rollback,
            since: restored,
            period: periods.after_rollback,
        });
    }
    if record.outcome() != Some(Outcome::Successful) {
        return None;
    }
    Some(Need {
        after: After::Deployment,
        since: record.finished_at()?,
        period: *periods.after_deployment.get(&record.classification)?,
    })
}

impl Record {
    /// Returns the monitoring still owed: needed, and no recorded spell covers it.
    pub fn monitoring_owed(&self, policy: &Policy) -> Option<Need> {
        need(self, policy).filter(|n| !self.monitoring.iter().any(|m| n.met_by(m)))
    }
}
