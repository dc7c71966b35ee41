//! The quarterly review of the guide (9.3, 9.4) beyond the trends: training
//! needs and risk assessment (the ROI and the maturity model have files of
//! their own). Pure: the figures `metrics::compute` made for the quarter,
//! the changes it counted, the whole records and the findings of `chg check`
//! in; each item with the records behind it out.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Quarter;
use crate::metrics::{Change, Figure, Metric, Metrics};
use crate::record::{Classification, Outcome, Record, RollbackKind};
use crate::render::plural;
use crate::rule::Rule;

/// How many systems the risk assessment names, and rules the training needs.
const SHORT_LIST: usize = 5;

/// A name and how many changes it holds.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Tally {
    pub name: String,
    pub changes: usize,
}

/// A rule the quarter's changes broke, and where.
#[derive(Debug, Serialize)]
pub struct RuleBroken {
    pub rule: Rule,
    pub description: &'static str,
    /// The changes that broke it, each once.
    pub changes: Vec<String>,
    /// The systems those changes touched, most first.
    pub by_system: Vec<Tally>,
    /// Who requested those changes (records name no team: the requester
    /// stands for it), most first.
    pub by_requester: Vec<Tally>,
    /// One line per change: how it was judged.
    pub records: Vec<String>,
    pub text: String,
}

/// Rollbacks or emergencies that recurred on one system within the quarter.
#[derive(Debug, Serialize)]
pub struct Recurrence {
    /// `rollback` or `emergency`.
    pub kind: &'static str,
    pub system: String,
    pub changes: Vec<String>,
    pub text: String,
}

/// Training needs (guide 9.3), derived from the records.
#[derive(Debug, Serialize)]
pub struct Training {
    /// Rules broken, most changes first.
    pub rules: Vec<RuleBroken>,
    /// Rollbacks and emergencies on a system two or more times.
    pub recurring: Vec<Recurrence>,
}

/// One system's failed, rolled-back and emergency changes.
#[derive(Debug, Serialize)]
pub struct SystemRisk {
    pub system: String,
    /// Changes of the quarter that touched it.
    pub changes: usize,
    pub failed: Vec<String>,
    pub rolled_back: Vec<String>,
    pub emergency: Vec<String>,
    /// Failed, rolled-back and emergency changes, a change counted once per list.
    pub total: usize,
}

/// A change approved with a rollback procedure not rehearsed in the quarter before it.
#[derive(Debug, Serialize)]
pub struct Unrehearsed {
    pub id: String,
    pub kind: RollbackKind,
    /// How the rehearsal was judged.
    pub record: String,
}

/// Risk assessment beyond the trends.
#[derive(Debug, Serialize)]
pub struct RiskAssessment {
    /// The systems with the most failed, rolled-back or emergency changes (at most five).
    pub systems: Vec<SystemRisk>,
    pub unrehearsed: Vec<Unrehearsed>,
}

/// Ids of the records a figure counts against its target.
fn missed(f: Option<&Figure>) -> Vec<String> {
    f.map(|f| f.missed.clone()).unwrap_or_default()
}

/// Sorts a tally most first, then by name, and keeps the first `n`.
fn top(map: BTreeMap<String, usize>, n: usize) -> Vec<Tally> {
    let mut list: Vec<Tally> = map.into_iter().map(|(name, changes)| Tally { name, changes }).collect();
    list.sort_by(|a, b| b.changes.cmp(&a.changes).then_with(|| a.name.cmp(&b.name)));
    list.truncate(n);
    list
}

/// A change's systems, or one placeholder for a change that names none.
fn systems_of(r: Option<&&Record>) -> Vec<String> {
    match r {
        Some(r) if !r.systems.is_empty() => r.systems.clone(),
        _ => vec!["(no system named)".to_string()],
    }
}

fn tally_text(list: &[Tally]) -> String {
    list.iter()
        .map(|t| format!("{} ({})", t.name, t.changes))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The training needs: rules broken (the history-judged figures' misses and
/// the findings of `chg check` on the quarter's changes), and the rollbacks
/// and emergencies that recurred on a system.
pub fn training(
    quarter: &Quarter,
    counted: &Metrics,
    by_id: &BTreeMap<&str, &Record>,
    findings: &[(String, Rule)],
) -> Training {
    let ids: Vec<&str> = counted.changes.iter().map(|c| c.id.as_str()).collect();
    // (rule, id) → how it was judged.
    let mut broken: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    let rank = |rule: Rule| Rule::ALL.iter().position(|r| *r == rule).unwrap_or(usize::MAX);
    for metric in Metric::ALL {
        let Some(rule) = metric.rule() else { continue };
        for id in missed(quarter.scores.figure(*metric)) {
            broken
                .entry((rank(rule), id))
                .or_default()
                .push(format!("missed `{metric}`"));
        }
    }
    for (id, rule) in findings.iter().filter(|(id, _)| ids.contains(&id.as_str())) {
        let how = broken.entry((rank(*rule), id.clone())).or_default();
        if !how.iter().any(|h| h == "`chg check` finding") {
            how.push("`chg check` finding".into());
        }
    }
    let mut rules: Vec<RuleBroken> = Vec::new();
    for ((at, id), how) in broken {
        let Some(rule) = Rule::ALL.get(at).copied() else {
            continue;
        };
        if rules.last().is_none_or(|r| r.rule != rule) {
            rules.push(RuleBroken {
                rule,
                description: rule.description(),
                changes: Vec::new(),
                by_system: Vec::new(),
                by_requester: Vec::new(),
                records: Vec::new(),
                text: String::new(),
            });
        }
        if let Some(entry) = rules.last_mut() {
            entry.records.push(format!("{id}: {}", how.join(", ")));
            entry.changes.push(id);
        }
    }
    for entry in &mut rules {
        let mut systems: BTreeMap<String, usize> = BTreeMap::new();
        let mut requesters: BTreeMap<String, usize> = BTreeMap::new();
        for id in &entry.changes {
            let r = by_id.get(id.as_str());
            for s in systems_of(r) {
                *systems.entry(s).or_insert(0) += 1;
            }
            let who = r.map_or("(not in the work tree)", |r| r.requested_by.email());
            *requesters.entry(who.to_string()).or_insert(0) += 1;
        }
        entry.by_system = top(systems, 3);
        entry.by_requester = top(requesters, 3);
        entry.text = format!(
            "`{}` ({}): {} ({}); most on {}; requested by {}.",
            entry.rule,
            entry.description,
            plural(entry.changes.len(), "change"),
            first_ids(&entry.changes),
            tally_text(&entry.by_system),
            tally_text(&entry.by_requester)
        );
    }
    // Most changes first; the rule order of `chg check` breaks ties.
    rules.sort_by(|a, b| {
        b.changes
            .len()
            .cmp(&a.changes.len())
            .then(rank(a.rule).cmp(&rank(b.rule)))
    });
    Training {
        rules,
        recurring: recurring(counted, by_id),
    }
}

/// Whether a change is of the kind a recurrence counts.
type IsKind = fn(&Change) -> bool;

/// Systems with two or more rolled-back changes, or two or more emergencies, in the quarter.
fn recurring(counted: &Metrics, by_id: &BTreeMap<&str, &Record>) -> Vec<Recurrence> {
    let mut out = Vec::new();
    let kinds: [(&'static str, IsKind); 2] = [
        ("rollback", |c| c.outcome == Some(Outcome::RolledBack)),
        ("emergency", |c| c.classification == Classification::Emergency),
    ];
    for (kind, pred) in kinds {
        let mut by_system: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for c in counted.changes.iter().filter(|c| pred(c)) {
            for s in systems_of(by_id.get(c.id.as_str())) {
                by_system.entry(s).or_default().push(c.id.clone());
            }
        }
        for (system, changes) in by_system.into_iter().filter(|(_, c)| c.len() >= 2) {
            let what = if kind == "rollback" {
                "changes rolled back"
            } else {
                "emergency changes"
            };
            out.push(Recurrence {
                kind,
                text: format!("{system}: {} {what} ({}).", changes.len(), changes.join(", ")),
                system,
                changes,
            });
        }
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.changes.len()));
    out
}

/// The first few ids and how many more: a report's line stays short; the
/// JSON lists them all.
fn first_ids(ids: &[String]) -> String {
    const SHOWN: usize = 5;
    if ids.len() <= SHOWN {
        ids.join(", ")
    } else {
        format!("{} and {} more", ids[..SHOWN].join(", "), ids.len() - SHOWN)
    }
}

/// The systems with the most failed, rolled-back or emergency changes, and
/// the approved changes whose rollback was not rehearsed.
pub fn risk(
    quarter: &Quarter,
    counted: &Metrics,
    by_id: &BTreeMap<&str, &Record>,
    rehearsals: &BTreeMap<String, String>,
) -> RiskAssessment {
    let mut systems: BTreeMap<String, SystemRisk> = BTreeMap::new();
    for c in &counted.changes {
        for s in systems_of(by_id.get(c.id.as_str())) {
            let entry = systems.entry(s.clone()).or_insert_with(|| SystemRisk {
                system: s,
                changes: 0,
                failed: Vec::new(),
                rolled_back: Vec::new(),
                emergency: Vec::new(),
                total: 0,
            });
            entry.changes += 1;
            match c.outcome {
                Some(Outcome::Failed) => entry.failed.push(c.id.clone()),
                Some(Outcome::RolledBack) => entry.rolled_back.push(c.id.clone()),
                _ => {}
            }
            if c.classification == Classification::Emergency {
                entry.emergency.push(c.id.clone());
            }
        }
    }
    let mut systems: Vec<SystemRisk> = systems
        .into_values()
        .map(|mut s| {
            s.total = s.failed.len() + s.rolled_back.len() + s.emergency.len();
            s
        })
        .filter(|s| s.total > 0)
        .collect();
    systems.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.system.cmp(&b.system)));
    systems.truncate(SHORT_LIST);
    let unrehearsed = quarter
        .scores
        .rollback_tests_on_time
        .missed
        .iter()
        .filter_map(|id| {
            let r = by_id.get(id.as_str())?;
            r.granted_approvals().next()?;
            Some(Unrehearsed {
                id: id.clone(),
                kind: r.rollback_kind()?,
                record: rehearsals.get(id).cloned().unwrap_or_default(),
            })
        })
        .collect();
    RiskAssessment { systems, unrehearsed }
}
