//! Monitoring after a deployment or a rollback: what the policy asks
//! (`monitoring` in the policy: 1 h after a normal change, 24 h after a
//! major one, 30 min after a rollback) and whether a recorded spell covers
//! it. Pure: the record and the policy in. `chg status`, the weekly
//! attention list, `chg close`, `chg check` and the gate all ask here.

use chrono::{DateTime, Duration, Utc};

use crate::error::Refusal;
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
    /// Returns when monitoring may start counting: the event the policy asks
    /// it after, or a successful deployment of a class it asks none of
    /// (which may still record it); refused with nothing to monitor.
    pub fn monitoring_since(&self, policy: &Policy) -> Result<DateTime<Utc>, Refusal> {
        let deployed = self
            .finished_at()
            .filter(|_| self.outcome() == Some(Outcome::Successful));
        need(self, policy).map(|n| n.since).or(deployed).ok_or_else(|| {
            Refusal::new(
                format!(
                    "{} is `{}` with nothing deployed or rolled back to monitor",
                    self.id, self.status
                ),
                "monitoring follows a successful deployment (`chg complete`) or a rollback (`chg rollback`)",
            )
        })
    }

    /// Appends a spell of monitoring, refusing the same person's same spell
    /// twice (monitoring is evidence that counts once). Returns the need it
    /// falls short of, when monitoring was owed and the spell alone does not
    /// cover it: it is kept as evidence but does not count.
    pub fn add_monitoring(&mut self, policy: &Policy, spell: Monitoring) -> Result<Option<Need>, Refusal> {
        let again = |m: &Monitoring| m.by.same_as(&spell.by) && m.from == spell.from && m.to == spell.to;
        if self.monitoring.iter().any(again) {
            return Err(Refusal::new(
                format!(
                    "{}: {}'s monitoring {} is already recorded",
                    self.id,
                    spell.by,
                    crate::duration::between(spell.from, spell.to)
                ),
                "record only a new spell of watching, with its own `--from` and `--to`",
            ));
        }
        let short = need(self, policy).filter(|n| !n.met_by(&spell) && self.monitoring_owed(policy).is_some());
        self.monitoring.push(spell);
        Ok(short)
    }

    /// Returns the monitoring still owed: needed, and no recorded spell covers it.
    pub fn monitoring_owed(&self, policy: &Policy) -> Option<Need> {
        need(self, policy).filter(|n| !self.monitoring.iter().any(|m| n.met_by(m)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::person::Person;
    use crate::record::sample::sample;
    use crate::rfc3339::at;

    const DEPLOYED: &str =
        "implementation: {started_at: 2026-11-20T08:00:00Z, finished_at: 2026-11-20T09:00:00Z, outcome: successful}\n";

    fn spell(from: &str, to: &str) -> Monitoring {
        Monitoring {
            by: Person::new("Raj", "raj@example.com"),
            from: at(from),
            to: at(to),
            observed: "quiet".into(),
        }
    }

    #[test]
    fn monitoring_starts_at_the_deployment_and_is_refused_before_one() {
        let policy = Policy::default();
        let refused = sample("normal", "in-progress", "")
            .monitoring_since(&policy)
            .unwrap_err();
        assert!(
            refused.reason.contains("nothing deployed or rolled back to monitor"),
            "{refused}"
        );
        let completed = sample("normal", "completed", DEPLOYED);
        assert_eq!(completed.monitoring_since(&policy).unwrap(), at("2026-11-20T09:00:00Z"));
    }

    #[test]
    fn a_short_spell_is_kept_but_said_short_and_the_same_spell_twice_is_refused() {
        let policy = Policy::default();
        let mut completed = sample("normal", "completed", DEPLOYED);
        let short = completed
            .add_monitoring(&policy, spell("2026-11-20T09:00:00Z", "2026-11-20T09:20:00Z"))
            .unwrap();
        assert_eq!(short.map(|n| n.after), Some(After::Deployment));
        let full = spell("2026-11-20T09:00:00Z", "2026-11-20T10:00:00Z");
        assert_eq!(completed.add_monitoring(&policy, full.clone()).unwrap(), None);
        assert!(completed.monitoring_owed(&policy).is_none());
        let refused = completed.add_monitoring(&policy, full).unwrap_err();
        assert!(refused.reason.contains("is already recorded"), "{refused}");
        assert_eq!(completed.monitoring.len(), 2);
    }
}
