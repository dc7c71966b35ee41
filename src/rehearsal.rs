//! Rollback rehearsals: the rollback tests the guide asks for each quarter
//! (7.3), recorded by `chg rehearse` in one file per system,
//! `changes/rehearsals/<system>.yaml`, and the one definition of "rehearsed
//! within a quarter" that `chg check`, `chg approve`, the attention list,
//! `chg show` and the quarterly report share.
//!
//! A rehearsal is stored with the system, not in a change record: one
//! rehearsal of a system's rollback serves every change to that system
//! that quarter, and writing it into a record would change the record's
//! approved scope (and stale its approvals) each quarter. The file is
//! append-only evidence whose own git history says who recorded each entry
//! and when, which the gate checks against the entry's `by` and `at`.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::person::Person;
use crate::policy::Policy;
use crate::record::{kebab_enum, Classification, Record, RollbackKind, Strategy};

/// The store's folder of rehearsal logs.
pub const DIR: &str = "rehearsals";

kebab_enum!(
    /// How a rehearsal went: only a passed one counts as rehearsed.
    RehearsalResult {
        Passed => "passed",
        Failed => "failed",
    }
);

/// The rehearsals of one system's rollback procedures, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RehearsalLog {
    /// Always 1 for this format.
    #[schemars(extend("const" = 1))]
    pub schema_version: u32,
    /// The system, as change records name it in `systems`; equal to the file name.
    pub system: String,
    #[serde(default)]
    pub rehearsals: Vec<Rehearsal>,
}

/// One rollback test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rehearsal {
    /// When it ran (its end).
    #[serde(deserialize_with = "crate::rfc3339::date_time")]
    pub at: DateTime<Utc>,
    /// The rollback kind rehearsed.
    pub kind: RollbackKind,
    /// How long the rollback took, in minutes (compare with the kind's RTO).
    pub minutes: u32,
    pub result: RehearsalResult,
    /// Who ran and recorded it; the commit that adds the entry must be theirs.
    pub by: Person,
    /// The change whose rollback was rehearsed; absent for the system's own procedure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// Every system's rehearsals, by system name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rehearsals {
    pub by_system: BTreeMap<String, Vec<Rehearsal>>,
}

/// Says whether a system name can name a file of its own: letters, digits,
/// `.`, `_` and `-`, not starting with a dot (so never `..` or a path).
pub fn valid_system_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.len() <= 100
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Where a change's rollback rehearsal stands at a moment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Nothing to rehearse: no rollback kind, or the policy exempts it.
    Exempt,
    /// Rehearsed and passed within the interval before the moment; `on` is
    /// the oldest of the rehearsals that make it so (one per system).
    Current { kind: RollbackKind, on: NaiveDate },
    /// Not rehearsed within the interval.
    Stale(Stale),
}

/// What a change lacks to count as rehearsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stale {
    pub kind: RollbackKind,
    /// The last passed rehearsal of the kind for the change, however old.
    pub last: Option<NaiveDate>,
    /// The systems with no passed rehearsal of the kind in the interval.
    pub lacking: Vec<String>,
    /// A rehearsal that counts for nothing, and why (failed, or dated after the moment).
    pub not_counted: Option<String>,
}

impl Stale {
    /// Says what is missing, for a finding or the attention list.
    pub fn text(&self, policy: &Policy) -> String {
        format!(
            "a {} rollback not rehearsed within {} ({})",
            self.kind,
            policy.rollback_rehearsal.interval.text(),
            self.details()
        )
    }

    /// The last rehearsal, the systems without one, and what did not count.
    pub fn details(&self) -> String {
        let last = match self.last {
            Some(d) => format!("last rehearsed on {d}"),
            None => "never rehearsed".to_string(),
        };
        let lacking = if self.lacking.is_empty() {
            String::new()
        } else {
            format!("; no passed rehearsal for {}", self.lacking.join(", "))
        };
        let not_counted = self
            .not_counted
            .as_deref()
            .map(|n| format!("; {n}"))
            .unwrap_or_default();
        format!("{last}{lacking}{not_counted}")
    }
}

/// True for the changes whose approval waits for a current rehearsal: major
/// changes and database migrations (emergencies cannot wait for one).
pub fn blocks_approval(record: &Record) -> bool {
    record.classification == Classification::Major
        || (record.classification != Classification::Emergency
            && record.deployment.as_ref().and_then(|d| d.strategy) == Some(Strategy::DatabaseMigration))
}

/// True when the change's rollback needs rehearsing: it has a kind the
/// policy does not exempt, and it is not an emergency (which runs before any
/// rehearsal could; its rollback plan is judged after the fact instead).
pub fn judged(record: &Record, policy: &Policy) -> bool {
    record.classification != Classification::Emergency
        && record
            .rollback_kind()
            .is_some_and(|k| !policy.rollback_rehearsal.exempt.contains(&k))
}

/// The one definition of "rehearsed within a quarter": the record's rollback
/// kind, unless the policy exempts it, was rehearsed with a passed result
/// no later than `at` and within `rollback_rehearsal.interval` before it —
/// for every system of the change (a rehearsal of the system, or of this
/// change), or by the date the plan states in `rollback.last_tested`. A
/// failed rehearsal, or one dated after `at`, never counts.
pub fn standing(record: &Record, rehearsals: &Rehearsals, policy: &Policy, at: DateTime<Utc>) -> Standing {
    let Some(kind) = record.rollback_kind().filter(|_| judged(record, policy)) else {
        return Standing::Exempt;
    };
    let from = at - policy.rollback_rehearsal.interval.duration();
    let today = at.date_naive();
    let mut not_counted = None;
    // The plan's own date is the requester's statement: it may quiet the
    // warning, never open the approval of a change that waits for a
    // rehearsal (`blocks_approval`); only a recorded rehearsal does that.
    let declared = record
        .rollback
        .as_ref()
        .and_then(|p| p.last_tested)
        .filter(|_| !blocks_approval(record));
    if let Some(d) = declared {
        if d > today {
            not_counted = Some(format!("`rollback.last_tested` {d} is after {today}"));
        } else if d >= from.date_naive() {
            return Standing::Current { kind, on: d };
        }
    }
    let applies = |r: &&Rehearsal| r.kind == kind && r.change.as_ref().is_none_or(|c| *c == record.id);
    let mut lacking = Vec::new();
    let mut oldest: Option<NaiveDate> = None;
    let mut last = declared.filter(|d| *d <= today);
    for system in &record.systems {
        let log = rehearsals.by_system.get(system).map(Vec::as_slice).unwrap_or_default();
        let mut found = None;
        for r in log.iter().filter(applies) {
            if r.at > at {
                not_counted.get_or_insert_with(|| {
                    format!("the rehearsal of {system} dated {} is after {}", when(r.at), when(at))
                });
                continue;
            }
            if r.result != RehearsalResult::Passed {
                if r.at > from {
                    not_counted.get_or_insert_with(|| format!("the rehearsal of {system} on {} failed", when(r.at)));
                }
                continue;
            }
            last = last.max(Some(r.at.date_naive()));
            if r.at > from {
                found = found.max(Some(r.at.date_naive()));
            }
        }
        match found {
            Some(d) => oldest = Some(oldest.map_or(d, |o| o.min(d))),
            None => lacking.push(system.clone()),
        }
    }
    match oldest {
        Some(on) if lacking.is_empty() => Standing::Current { kind, on },
        _ => Standing::Stale(Stale {
            kind,
            last,
            lacking,
            not_counted,
        }),
    }
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
