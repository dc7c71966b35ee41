//! The quarterly executive report (guide 9.4): the quarter against the one
//! before, month by month; risk trends; process effectiveness and the
//! programme's maturity (targets met, deadlines kept, rollback procedures
//! tested); emergency and rollback trends; and the improvement initiatives,
//! which are the monthly report's recommendations that recurred.
//!
//! Every figure comes from `metrics::compute` over one walk of the history,
//! the same function `chg metrics` and the monthly report use, so a month's
//! column here equals `chg metrics --month` for that month.

mod document;
pub mod maturity;
pub mod review;
pub mod roi;
mod sections;

pub use document::document;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::monthly::missed;
use crate::metrics::{value_text, Figure, Figures, Goal, Metric, Metrics, Style, Table as MetricTable};
use crate::period::Period;
use crate::policy::Policy;
use crate::record::{Classification, Level, Record};
use crate::rehearsal::{self, Rehearsals, Standing};
use crate::rule::Rule;

/// Everything the quarterly report says, as data.
#[derive(Debug, Serialize)]
pub struct Quarterly {
    pub quarter: String,
    pub period: Period,
    pub previous_quarter: String,
    pub previous_period: Period,
    pub generated_at: DateTime<Utc>,
    /// The quarter's figures, each with the records behind it.
    pub current: Quarter,
    /// The previous quarter's figures.
    pub previous: Quarter,
    /// Six months, oldest first: the previous quarter's three, then this quarter's.
    pub months: Vec<Month>,
    /// Targets missed in two or more months of the quarter: the monthly
    /// recommendations that recurred.
    pub initiatives: Vec<Initiative>,
    /// Targets missed in one month of the quarter only.
    pub missed_once: Vec<Initiative>,
    /// Training needs (guide 9.3): rules broken most, recurring rollbacks and emergencies.
    pub training: review::Training,
    /// Risk assessment: the systems most failed, rolled back or in emergency,
    /// and changes approved with an un-rehearsed rollback.
    pub risk: review::RiskAssessment,
    /// The ROI of change management (guide 9.4), money from the policy's inputs.
    pub roi: roi::Roi,
    /// The programme's maturity in the model of `maturity::LEVELS`.
    pub maturity: maturity::Maturity,
    /// How a figure is named for a reader.
    #[serde(skip)]
    pub labels: BTreeMap<Metric, String>,
}

/// One quarter's figures.
#[derive(Debug, Serialize)]
pub struct Quarter {
    pub quarter: String,
    pub period: Period,
    #[serde(flatten)]
    pub scores: Scores,
    /// Changes counted, by class (every class, zero included).
    pub by_class: BTreeMap<String, usize>,
    /// Changes counted, by the risk level the policy's risk matrix gives their
    /// impact and likelihood: `low` where it asks for a standard change,
    /// `medium` for normal, `high` for major.
    pub by_risk: BTreeMap<String, usize>,
}

/// One month's figures, equal to `chg metrics --month` for that month.
#[derive(Debug, Serialize)]
pub struct Month {
    pub month: String,
    pub period: Period,
    /// True for the months of the reported quarter.
    pub in_quarter: bool,
    #[serde(flatten)]
    pub scores: Scores,
}

/// The figures of a quarter or a month.
#[derive(Debug, Serialize)]
pub struct Scores {
    /// Every figure of `chg metrics` over the period.
    pub metrics: Figures,
    /// Rollback plans tested in the 92 days before the change's planned start (guide 7.3: quarterly).
    pub rollback_tests_on_time: Figure,
    /// Targets of the guide's table met, of those that could be judged.
    pub targets_met: usize,
    pub targets_judged: usize,
    pub emergencies: usize,
    pub rolled_back: usize,
}

/// A target missed in some months of the quarter, and what to do about it.
#[derive(Debug, Serialize)]
pub struct Initiative {
    pub metric: Metric,
    pub advice: &'static str,
    pub target: Option<f64>,
    /// The months it was missed in, with the figure of each.
    pub months: Vec<MissedIn>,
    /// The initiative in words, citing the months and figures.
    pub text: String,
}

/// The figure of a month in which a target was missed.
#[derive(Debug, Serialize)]
pub struct MissedIn {
    pub month: String,
    pub actual: Option<f64>,
}

/// The figures that judge the process: deadlines kept, approvals in order, rollbacks in time.
const EFFECTIVENESS: &[Metric] = &[
    Metric::EmergencyDocumentedInTime,
    Metric::EmergencyWrittenApprovalInTime,
    Metric::EmergencyPostReviewInTime,
    Metric::ApprovalsBeforeImplementation,
    Metric::EditedAfterApproval,
    Metric::ApprovalsByOthers,
    Metric::RollbacksWithinRto,
    Metric::RollbackTestsOnTime,
];

impl Scores {
    /// Counts the targets met and the changes in emergency and rolled back from the figures.
    fn new(metrics: Figures, rollback_tests_on_time: Figure) -> Scores {
        let (targets_met, targets_judged) = targets(&metrics);
        Scores {
            targets_met,
            targets_judged,
            emergencies: hits(&metrics, Metric::EmergencyRate),
            rolled_back: hits(&metrics, Metric::RollbackRate),
            metrics,
            rollback_tests_on_time,
        }
    }

    /// One figure, `rollback_tests_on_time` included.
    pub(crate) fn figure(&self, name: Metric) -> Option<&Figure> {
        if name == Metric::RollbackTestsOnTime {
            Some(&self.rollback_tests_on_time)
        } else {
            self.metrics.get(&name)
        }
    }

    /// True when targets were judged and every one was met.
    pub(crate) fn all_met(&self) -> bool {
        self.targets_judged > 0 && self.targets_met == self.targets_judged
    }
}

/// Builds the report.
///
/// `months` holds the metrics of the six months (the previous quarter's
/// three, then this quarter's), `quarters` those of the previous quarter and
/// this one, all computed from one history walk. `findings` are the rules
/// `chg check` finds broken today, by record id, for the training needs.
// The records, their rehearsals and today's findings are three views of the
// store the report reads once; bundling them would only rename the list.
#[allow(clippy::too_many_arguments)]
pub fn build(
    quarter: Period,
    months: &[Metrics],
    quarters: (&Metrics, &Metrics),
    records: &[Record],
    rehearsals: &Rehearsals,
    findings: &[(String, Rule)],
    policy: &Policy,
    now: DateTime<Utc>,
) -> Quarterly {
    let by_id: BTreeMap<&str, &Record> = records.iter().map(|r| (r.id.as_str(), r)).collect();
    let previous = quarter.previous_quarter();
    let months: Vec<Month> = months
        .iter()
        .map(|m| {
            let (tests, _) = rollback_tests(&counted(&m.metrics), &by_id, rehearsals, policy);
            let mut scores = Scores::new(m.metrics.clone(), tests);
            // The month columns are the figures of `chg metrics --month`, without its `--explain`.
            for f in scores.metrics.values_mut() {
                f.records.clear();
            }
            scores.rollback_tests_on_time.records.clear();
            Month {
                month: m.period.label(),
                period: m.period,
                in_quarter: quarter.contains(m.period.from),
                scores,
            }
        })
        .collect();
    let quarter_of = |m: &Metrics| {
        let ids = counted(&m.metrics);
        let mut by_class: BTreeMap<String, usize> = Classification::ALL.iter().map(|c| (c.to_string(), 0)).collect();
        let mut by_risk: BTreeMap<String, usize> = Level::ALL.iter().map(|l| (l.to_string(), 0)).collect();
        for r in ids.iter().filter_map(|id| by_id.get(id.as_str())) {
            *by_class.entry(r.classification.to_string()).or_insert(0) += 1;
            *by_risk.entry(risk_level(r, policy)).or_insert(0) += 1;
        }
        Quarter {
            quarter: m.period.label(),
            period: m.period,
            scores: Scores::new(m.metrics.clone(), rollback_tests(&ids, &by_id, rehearsals, policy).0),
            by_class,
            by_risk,
        }
    };
    let (initiatives, missed_once) = initiatives(&months);
    let labels = super::labels(policy);
    let current = quarter_of(quarters.1);
    let previous_q = quarter_of(quarters.0);
    let (_, tested) = rollback_tests(&counted(&quarters.1.metrics), &by_id, rehearsals, policy);
    Quarterly {
        quarter: quarter.label(),
        period: quarter,
        previous_quarter: previous.label(),
        previous_period: previous,
        generated_at: now,
        training: review::training(&current, quarters.1, &by_id, findings),
        risk: review::risk(&current, quarters.1, &by_id, &tested),
        roi: roi::roi(quarters.1, &by_id, policy),
        maturity: maturity::maturity(&current, &previous_q, &months, policy),
        current,
        previous: previous_q,
        months,
        initiatives,
        missed_once,
        labels,
    }
}

/// The rules `chg check` finds broken today by each change `quarter`
/// counted, as (id, rule), each pair once: only those records are judged,
/// so a large store's report does not check every record. Without the
/// catalogue (`templates` None) the template rules are left out rather than
/// reported for every standard change.
pub fn findings(
    loaded: &[crate::store::Loaded],
    quarter: &Metrics,
    policy: &Policy,
    templates: Option<&BTreeMap<String, crate::template::Template>>,
    rehearsals: &Rehearsals,
    now: DateTime<Utc>,
) -> Vec<(String, Rule)> {
    let none = BTreeMap::new();
    let times = BTreeMap::new();
    let ctx = crate::rules::Context {
        policy,
        templates: templates.unwrap_or(&none),
        now,
        times: &times,
        rehearsals,
    };
    let counted: std::collections::BTreeSet<&str> = quarter.changes.iter().map(|c| c.id.as_str()).collect();
    let mut out: Vec<(String, Rule)> = loaded
        .iter()
        .filter(|l| counted.contains(l.record.id.as_str()))
        .flat_map(|l| {
            crate::rules::check_record(l, &ctx)
                .into_iter()
                .map(|f| (l.record.id.clone(), f.rule))
        })
        .filter(|(_, rule)| templates.is_some() || !matches!(rule, Rule::TemplateMissing | Rule::TemplateMismatch))
        .collect();
    out.sort_by(|a, b| (&a.0, a.1.id()).cmp(&(&b.0, b.1.id())));
    out.dedup();
    out
}

/// The ids a figure set counted (those of `total_changes`).
fn counted(metrics: &Figures) -> Vec<String> {
    metrics
        .get(&Metric::TotalChanges)
        .map(|f| f.records.clone())
        .unwrap_or_default()
}

/// How many records a rate counted as hits (its `records` are the hits).
fn hits(metrics: &Figures, metric: Metric) -> usize {
    metrics.get(&metric).map_or(0, |f| f.records.len())
}

/// Targets of the guide's table met, and judged.
fn targets(metrics: &Figures) -> (usize, usize) {
    let judged: Vec<bool> = Metric::of_table(MetricTable::Guide)
        .iter()
        .filter_map(|n| metrics.get(n).and_then(|f| f.met))
        .collect();
    (judged.iter().filter(|m| **m).count(), judged.len())
}

/// The risk level the policy's matrix gives a record: low, medium or high.
fn risk_level(r: &Record, policy: &Policy) -> String {
    policy.risk_level(r.risk.impact, r.risk.likelihood)
}

/// Judges whether each counted change's rollback was rehearsed in time:
/// [`rehearsal::standing`] at its planned start (the window's start, else
/// when it started), the one definition `rollback-test-stale` uses too. A
/// rehearsal after the start does not count; a kind the policy exempts (or
/// no rollback at all) is not judged. Returns the figure (its `missed` the
/// changes not rehearsed on time) and each judged change's line by id.
fn rollback_tests(
    ids: &[String],
    by_id: &BTreeMap<&str, &Record>,
    rehearsals: &Rehearsals,
    policy: &Policy,
) -> (Figure, BTreeMap<String, String>) {
    let mut on_time = 0;
    let mut of = 0;
    let mut lines = Vec::new();
    let mut missed = Vec::new();
    let mut by_change = BTreeMap::new();
    for id in ids {
        let Some(r) = by_id.get(id.as_str()) else {
            lines.push(format!("{id}: not in the work tree, left out"));
            continue;
        };
        let Some(start) = r.window().map(|w| w.start).or(r.started_at()) else {
            if rehearsal::judged(r, policy) {
                lines.push(format!("{id}: no planned start, left out"));
            }
            continue;
        };
        let line = match rehearsal::standing(r, rehearsals, policy, start) {
            Standing::Exempt => continue,
            Standing::Current { kind, on } => {
                on_time += 1;
                format!(
                    "{id}: {kind} rollback rehearsed {on}, {} days before {}",
                    (start.date_naive() - on).num_days(),
                    start.date_naive()
                )
            }
            Standing::Stale(s) => {
                missed.push(id.clone());
                format!("{id}: at its start {}, {}", start.date_naive(), s.text(policy))
            }
        };
        of += 1;
        by_change.insert(id.clone(), line.clone());
        lines.push(line);
    }
    (
        Figure::ratio(on_time, of, Goal::AtLeast(1.0), lines).missing(missed),
        by_change,
    )
}

/// Groups the months' missed targets: recurring (two or more months of the quarter) and once.
fn initiatives(months: &[Month]) -> (Vec<Initiative>, Vec<Initiative>) {
    let mut by_metric: Vec<(super::monthly::Missed, Vec<MissedIn>)> = Vec::new();
    for m in months.iter().filter(|m| m.in_quarter) {
        for miss in missed(&m.scores.metrics) {
            let month = MissedIn {
                month: m.month.clone(),
                actual: miss.actual,
            };
            match by_metric.iter_mut().find(|(x, _)| x.metric == miss.metric) {
                Some((_, list)) => list.push(month),
                None => by_metric.push((miss, vec![month])),
            }
        }
    }
    let mut recurring = Vec::new();
    let mut once = Vec::new();
    for (miss, list) in by_metric {
        let cited: Vec<String> = list
            .iter()
            .map(|m| format!("{} ({})", m.month, value_text(miss.metric, m.actual, Style::Report)))
            .collect();
        let text = format!(
            "{} (`{}` missed its target of {} in {})",
            miss.advice,
            miss.metric,
            value_text(miss.metric, miss.target, Style::Report),
            and_list(&cited)
        );
        let initiative = Initiative {
            metric: miss.metric,
            advice: miss.advice,
            target: miss.target,
            months: list,
            text,
        };
        if initiative.months.len() >= 2 {
            recurring.push(initiative);
        } else {
            once.push(initiative);
        }
    }
    (recurring, once)
}

/// Joins `a`, `b` and `c` as a reader writes them.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}
