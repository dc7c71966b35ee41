//! The monthly management report (guide 9.4): the metrics of section 9.3
//! exactly as `chg metrics` computes them, volume, emergency trends, rollback
//! analysis and the improvements the numbers call for.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::metrics::{value_text, Figures, Metric, Metrics, Style, Table as MetricTable};
use crate::period::Period;
use crate::policy::Policy;
use crate::record::{Classification, MeasureState, Outcome, Record};
use crate::render::{plural, Block, Cell, Chart, ChartKind, Document, Section, Series, Table, Tone, Unit};

/// Everything the monthly report says, as data.
#[derive(Debug, Serialize)]
pub struct Monthly {
    pub month: String,
    pub period: Period,
    pub generated_at: DateTime<Utc>,
    pub metrics: Figures,
    pub volume_by_class: BTreeMap<String, usize>,
    pub volume_by_system: BTreeMap<String, usize>,
    /// Emergency changes per month, the last six months, oldest first.
    pub emergency_trend: Vec<(String, usize)>,
    pub emergency_reasons: BTreeMap<String, usize>,
    pub emergency_root_causes: Vec<String>,
    pub open_post_emergency_actions: Vec<String>,
    /// Each emergency's time to resolution, in the order of their ids.
    pub emergency_resolutions: Vec<Resolved>,
    /// Their median, as `chg metrics` computes it (`emergency_time_to_resolution_minutes`).
    pub median_time_to_resolution_minutes: Option<f64>,
    /// Rollback entries by trigger and by kind (a change may have several).
    pub rollbacks_by_trigger: BTreeMap<String, usize>,
    pub rollbacks_by_kind: BTreeMap<String, usize>,
    /// Changes rolled back, and how many of them had a rollback with each trigger and kind.
    pub changes_rolled_back: usize,
    pub rollback_entries: usize,
    pub changes_by_trigger: BTreeMap<String, usize>,
    pub changes_by_kind: BTreeMap<String, usize>,
    /// Rollback entries, and changes, by the origin of their trigger:
    /// `automatic` or `manual` (guide 7.1).
    pub rollbacks_by_origin: BTreeMap<String, usize>,
    pub changes_by_origin: BTreeMap<String, usize>,
    /// `ID: text` for each rolled-back change's root cause, re-deployment
    /// plan and issue met during the rollback.
    pub rollback_root_causes: Vec<String>,
    pub redeploy_plans: Vec<String>,
    pub rollback_issues: Vec<String>,
    /// `ID: trigger at value (threshold …)` for each automatic trigger that recorded its measure.
    pub rollback_measures: Vec<String>,
    /// `ID: item` for everything a rolled-back change still owes.
    pub rollback_owed: Vec<String>,
    /// `ID: text` for the CAB's feedback on the month's emergencies.
    pub emergency_cab_feedback: Vec<String>,
    pub recommendations: Vec<String>,
    /// How each figure is named for a reader (the names of `chg metrics`).
    #[serde(skip)]
    pub labels: BTreeMap<Metric, String>,
}

/// One emergency's time to resolution.
#[derive(Debug, Serialize)]
pub struct Resolved {
    pub id: String,
    /// `incident` (the incident's recorded start) or `declared` (the record's creation).
    pub from_kind: &'static str,
    pub from: DateTime<Utc>,
    pub restored: DateTime<Utc>,
    pub minutes: i64,
}

/// What the month's emergencies say: why they were declared, their root
/// causes, the actions still open after them and the CAB's feedback.
#[derive(Default)]
struct EmergencyNotes {
    reasons: BTreeMap<String, usize>,
    root_causes: Vec<String>,
    open_actions: Vec<String>,
    cab_feedback: Vec<String>,
}

impl EmergencyNotes {
    fn of(emergencies: &[&&Record]) -> EmergencyNotes {
        let mut n = EmergencyNotes::default();
        for r in emergencies {
            if let Some(e) = &r.emergency {
                for c in &e.criteria {
                    *n.reasons.entry(c.to_string()).or_insert(0) += 1;
                }
                if let Some(f) = e.cab_review.as_ref().and_then(|c| c.feedback.as_deref()) {
                    n.cab_feedback.push(format!("{}: {}", r.id, f.trim()));
                }
                match e.post_review.as_ref().and_then(|p| p.root_cause.clone()) {
                    Some(cause) => n.root_causes.push(format!("{}: {}", r.id, cause.trim())),
                    None => n.open_actions.push(format!(
                        "{}: post-emergency review (root cause, preventive measures)",
                        r.id
                    )),
                }
                let measures = e.post_review.as_ref().and_then(|p| p.preventive_measures.as_ref());
                for (i, m) in measures.map_or(&[][..], |m| m.items()).iter().enumerate() {
                    if m.state == MeasureState::Open {
                        n.open_actions.push(format!(
                            "{}: preventive measure {}: {} ({}, due {})",
                            r.id,
                            i + 1,
                            m.action,
                            m.owner.email(),
                            m.due
                        ));
                    }
                }
            }
        }
        n
    }
}

/// The month's rollbacks: entries and changes by trigger, kind and origin,
/// and what their records say and still owe.
#[derive(Default)]
struct RollbackTally {
    changes: usize,
    entries: usize,
    by_trigger: BTreeMap<String, usize>,
    by_kind: BTreeMap<String, usize>,
    by_origin: BTreeMap<String, usize>,
    changes_by_trigger: BTreeMap<String, usize>,
    changes_by_kind: BTreeMap<String, usize>,
    changes_by_origin: BTreeMap<String, usize>,
    causes: Vec<String>,
    plans: Vec<String>,
    issues: Vec<String>,
    measures: Vec<String>,
    owed: Vec<String>,
}

impl RollbackTally {
    /// Counts a rolled-back change.
    fn add(&mut self, r: &Record, policy: &Policy) {
        self.changes += 1;
        let mut triggers = std::collections::BTreeSet::new();
        let mut kinds = std::collections::BTreeSet::new();
        let mut origins = std::collections::BTreeSet::new();
        for rb in &r.rollbacks {
            self.entries += 1;
            *self.by_trigger.entry(rb.trigger.to_string()).or_insert(0) += 1;
            *self.by_origin.entry(rb.trigger.origin().to_string()).or_insert(0) += 1;
            origins.insert(rb.trigger.origin());
            let p = &rb.post_actions;
            if let Some(c) = &p.root_cause {
                self.causes.push(format!("{}: {}", r.id, c.trim()));
            }
            if let Some(plan) = &p.redeploy_plan {
                self.plans.push(format!("{}: {}", r.id, plan.trim()));
            }
            self.issues
                .extend(rb.issues.iter().map(|i| format!("{}: {}", r.id, i.trim())));
            if let (Some(what), Some(m)) = (rb.trigger.measure(), rb.measured) {
                self.measures.push(format!(
                    "{}: {} at {} (threshold {})",
                    r.id,
                    rb.trigger,
                    what.text(m.value),
                    what.text(m.threshold)
                ));
            }
            let kind = rb
                .kind
                .or(r.rollback_kind())
                .map_or("unknown".to_string(), |k| k.to_string());
            *self.by_kind.entry(kind.clone()).or_insert(0) += 1;
            triggers.insert(rb.trigger.to_string());
            kinds.insert(kind);
        }
        for t in triggers {
            *self.changes_by_trigger.entry(t).or_insert(0) += 1;
        }
        for k in kinds {
            *self.changes_by_kind.entry(k).or_insert(0) += 1;
        }
        for o in origins {
            *self.changes_by_origin.entry(o.to_string()).or_insert(0) += 1;
        }
        self.owed
            .extend(r.owed(policy).into_iter().map(|item| format!("{}: {item}", r.id)));
    }
}

/// Builds the report from the month's metrics, the six months' metrics (oldest first) and the records.
pub fn build(
    month: Period,
    metrics: &Metrics,
    trend: &[Metrics],
    records: &[Record],
    policy: &Policy,
    now: DateTime<Utc>,
) -> Monthly {
    let counted: Vec<&Record> = records
        .iter()
        .filter(|r| r.finished_at().is_some_and(|t| month.contains(t)) && r.outcome().is_some())
        .collect();
    let mut by_class = BTreeMap::new();
    let mut by_system = BTreeMap::new();
    for r in &counted {
        *by_class.entry(r.classification.to_string()).or_insert(0) += 1;
        for s in &r.systems {
            *by_system.entry(s.clone()).or_insert(0) += 1;
        }
    }
    let emergencies: Vec<&&Record> = counted
        .iter()
        .filter(|r| r.classification == Classification::Emergency)
        .collect();
    let notes = EmergencyNotes::of(&emergencies);
    let mut resolutions: Vec<Resolved> = emergencies
        .iter()
        .filter_map(|r| {
            crate::rules::time_to_resolution(r).map(|t| Resolved {
                id: r.id.clone(),
                from_kind: if t.from_incident { "incident" } else { "declared" },
                from: t.from,
                restored: t.restored,
                minutes: t.duration().num_minutes(),
            })
        })
        .collect();
    resolutions.sort_by(|a, b| a.id.cmp(&b.id));
    let mut rollbacks = RollbackTally::default();
    for r in counted.iter().filter(|r| r.outcome() == Some(Outcome::RolledBack)) {
        rollbacks.add(r, policy);
    }
    let emergency_trend = trend
        .iter()
        .map(|m| {
            let count = m
                .metrics
                .get(&Metric::EmergencyRate)
                .map_or(0, |f| (f.actual.unwrap_or(0.0) * f.of as f64).round() as usize);
            (m.period.label(), count)
        })
        .collect();
    Monthly {
        month: month.label(),
        period: month,
        generated_at: now,
        recommendations: recommendations(&metrics.metrics),
        metrics: metrics.metrics.clone(),
        volume_by_class: by_class,
        volume_by_system: by_system,
        emergency_trend,
        emergency_reasons: notes.reasons,
        emergency_root_causes: notes.root_causes,
        open_post_emergency_actions: notes.open_actions,
        emergency_resolutions: resolutions,
        median_time_to_resolution_minutes: metrics
            .metrics
            .get(&Metric::EmergencyTimeToResolution)
            .and_then(|f| f.actual),
        rollbacks_by_trigger: rollbacks.by_trigger,
        rollbacks_by_kind: rollbacks.by_kind,
        changes_rolled_back: rollbacks.changes,
        rollback_entries: rollbacks.entries,
        changes_by_trigger: rollbacks.changes_by_trigger,
        changes_by_kind: rollbacks.changes_by_kind,
        rollbacks_by_origin: rollbacks.by_origin,
        changes_by_origin: rollbacks.changes_by_origin,
        rollback_root_causes: rollbacks.causes,
        redeploy_plans: rollbacks.plans,
        rollback_issues: rollbacks.issues,
        rollback_measures: rollbacks.measures,
        rollback_owed: rollbacks.owed,
        emergency_cab_feedback: notes.cab_feedback,
        labels: super::labels(policy),
    }
}

/// A target the numbers missed, and what to do about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missed {
    /// The figure's name, as `chg metrics --format json` spells it.
    pub metric: Metric,
    pub advice: &'static str,
    pub actual: Option<f64>,
    pub target: Option<f64>,
}

/// The targets a period missed, each with its advice, in a fixed order.
pub fn missed(metrics: &Figures) -> Vec<Missed> {
    Metric::ALL
        .iter()
        .filter_map(|&metric| {
            let advice = metric.advice()?;
            let f = metrics.get(&metric)?;
            (f.met == Some(false)).then_some(Missed {
                metric,
                advice,
                actual: f.actual,
                target: f.target,
            })
        })
        .collect()
}

/// One recommendation per missed target, citing the figure that triggered it.
pub fn recommendations(metrics: &Figures) -> Vec<String> {
    missed(metrics)
        .iter()
        .map(|m| {
            format!(
                "{} (because `{}` was {} against a target of {})",
                m.advice,
                m.metric,
                value_text(m.metric, m.actual, Style::Report),
                value_text(m.metric, m.target, Style::Report)
            )
        })
        .collect()
}

/// Rows of name, target, actual, status for figures.
pub fn figure_rows(metrics: &Figures, labels: &BTreeMap<Metric, String>, names: &[Metric]) -> Vec<Vec<Cell>> {
    names
        .iter()
        .filter_map(|&name| {
            let f = metrics.get(&name)?;
            let status = match f.met {
                Some(true) => Cell::toned("met", Some(Tone::Good)),
                Some(false) => Cell::toned("missed", Some(Tone::Bad)),
                None if f.actual.is_none() && f.of == 0 => Cell::plain("no changes"),
                None => Cell::plain("—"),
            };
            Some(vec![
                Cell::plain(labels.get(&name).cloned().unwrap_or_default()),
                Cell::plain(super::target_text(name, Some(f))),
                Cell::plain(value_text(name, f.actual, Style::Report)),
                Cell::plain(f.of),
                status,
            ])
        })
        .collect()
}

fn counts_table(title: &str, map: &BTreeMap<String, usize>) -> Block {
    if map.is_empty() {
        return Block::Empty(format!("{title}: none."));
    }
    Block::Table(Table::new(
        &[title, "Changes"],
        map.iter().map(|(k, v)| vec![Cell::plain(k), Cell::plain(v)]).collect(),
    ))
}

/// A table of changes and rollback entries per value, each column labelled.
fn changes_and_entries(title: &str, changes: &BTreeMap<String, usize>, entries: &BTreeMap<String, usize>) -> Block {
    if entries.is_empty() {
        return Block::Empty(format!("{title}: none."));
    }
    Block::Table(Table::new(
        &[title, "Changes", "Rollback entries"],
        entries
            .iter()
            .map(|(k, n)| {
                vec![
                    Cell::plain(k),
                    Cell::plain(changes.get(k).copied().unwrap_or(0)),
                    Cell::plain(n),
                ]
            })
            .collect(),
    ))
}

/// A heading and its list, when the list has anything.
fn listed(blocks: &mut Vec<Block>, heading: &str, items: &[String]) {
    if !items.is_empty() {
        blocks.push(Block::Text(heading.into()));
        blocks.push(Block::List(items.to_vec()));
    }
}

/// Lays the report out for a reader.
// One report's layout, read top to bottom section by section; split, it would read worse.
#[allow(clippy::too_many_lines)]
pub fn document(m: &Monthly) -> Document {
    let headers = ["Metric", "Target", "Actual", "Counted", "Status"];
    let mut sections = vec![
        Section {
            heading: "Metrics against their targets".into(),
            blocks: vec![Block::Table(Table::new(
                &headers,
                figure_rows(&m.metrics, &m.labels, &Metric::of_table(MetricTable::Guide)),
            ))],
        },
        Section {
            heading: "Judged from the history".into(),
            blocks: vec![Block::Table(Table::new(
                &headers,
                figure_rows(&m.metrics, &m.labels, &Metric::of_table(MetricTable::History)),
            ))],
        },
    ];
    let classes: Vec<String> = Classification::ALL.iter().map(|c| c.to_string()).collect();
    sections.push(Section {
        heading: "Change volume".into(),
        blocks: vec![
            Block::Chart(Chart {
                title: "Changes by class".into(),
                kind: ChartKind::Bar,
                labels: classes.clone(),
                series: vec![Series {
                    name: "changes".into(),
                    values: classes
                        .iter()
                        .map(|c| *m.volume_by_class.get(c).unwrap_or(&0) as f64)
                        .collect(),
                }],
                target: None,
                unit: Unit::Count,
            }),
            counts_table("System", &m.volume_by_system),
        ],
    });
    let mut emergency = vec![Block::Chart(Chart {
        title: "Emergency changes per month".into(),
        kind: ChartKind::Line,
        labels: m.emergency_trend.iter().map(|(l, _)| l.clone()).collect(),
        series: vec![Series {
            name: "emergency changes".into(),
            values: m.emergency_trend.iter().map(|(_, n)| *n as f64).collect(),
        }],
        target: None,
        unit: Unit::Count,
    })];
    emergency.push(counts_table("Reason (criterion)", &m.emergency_reasons));
    if !m.emergency_root_causes.is_empty() {
        emergency.push(Block::Text("Root causes:".into()));
        emergency.push(Block::List(m.emergency_root_causes.clone()));
    }
    if !m.emergency_resolutions.is_empty() {
        emergency.push(Block::Text(format!(
            "Time to resolution (from the incident's start, or the emergency's declaration when no start is recorded, to the restoration of service); median {}:",
            m.median_time_to_resolution_minutes
                .map_or("—".to_string(), |v| value_text(Metric::EmergencyTimeToResolution, Some(v), Style::Report))
        )));
        emergency.push(Block::Table(Table::new(
            &["Change", "From", "Restored", "Time to resolution"],
            m.emergency_resolutions
                .iter()
                .map(|r| {
                    vec![
                        Cell::plain(&r.id),
                        Cell::plain(format!("{} ({})", r.from.format("%Y-%m-%d %H:%M"), r.from_kind)),
                        Cell::plain(r.restored.format("%Y-%m-%d %H:%M").to_string()),
                        Cell::plain(value_text(
                            Metric::EmergencyTimeToResolution,
                            Some(r.minutes as f64),
                            Style::Report,
                        )),
                    ]
                })
                .collect(),
        )));
    }
    if !m.open_post_emergency_actions.is_empty() {
        emergency.push(Block::Text("Open post-emergency action items:".into()));
        emergency.push(Block::List(m.open_post_emergency_actions.clone()));
    }
    listed(&mut emergency, "CAB feedback:", &m.emergency_cab_feedback);
    sections.push(Section {
        heading: "Emergency change tracking".into(),
        blocks: emergency,
    });
    let mut rollback = vec![if m.changes_rolled_back == 0 {
        Block::Empty("No change was rolled back this month.".into())
    } else {
        Block::Text(format!(
            "{} rolled back, with {} (a change may be rolled back more than once).",
            plural(m.changes_rolled_back, "change"),
            plural(m.rollback_entries, "rollback entry")
        ))
    }];
    rollback.extend([
        changes_and_entries("Trigger origin", &m.changes_by_origin, &m.rollbacks_by_origin),
        changes_and_entries("Trigger", &m.changes_by_trigger, &m.rollbacks_by_trigger),
        changes_and_entries("Rollback kind", &m.changes_by_kind, &m.rollbacks_by_kind),
    ]);
    rollback.push(Block::Table(Table::new(
        &headers,
        figure_rows(
            &m.metrics,
            &m.labels,
            &[Metric::RollbacksWithinRto, Metric::MeanTimeToRestore],
        ),
    )));
    listed(
        &mut rollback,
        "Automatic triggers, measured against the policy:",
        &m.rollback_measures,
    );
    listed(&mut rollback, "Root causes:", &m.rollback_root_causes);
    listed(&mut rollback, "Re-deployment plans:", &m.redeploy_plans);
    listed(&mut rollback, "Issues met during rollbacks:", &m.rollback_issues);
    listed(&mut rollback, "Still owed:", &m.rollback_owed);
    sections.push(Section {
        heading: "Rollback analysis".into(),
        blocks: rollback,
    });
    sections.push(Section {
        heading: "Recommended improvements".into(),
        blocks: vec![if m.recommendations.is_empty() {
            Block::Empty("Every target was met; no improvement is called for.".into())
        } else {
            Block::List(m.recommendations.clone())
        }],
    });
    Document {
        title: format!("Monthly change management report — {}", m.month),
        subtitle: format!(
            "{} · generated {}",
            m.period.dates(),
            m.generated_at.format("%Y-%m-%d %H:%M UTC")
        ),
        sections,
    }
}
