//! The quarterly executive report (guide 9.4): the quarter against the one
//! before, month by month; risk trends; process effectiveness and the
//! programme's maturity (targets met, deadlines kept, rollback procedures
//! tested); emergency and rollback trends; and the improvement initiatives,
//! which are the monthly report's recommendations that recurred.
//!
//! Every figure comes from `metrics::compute` over one walk of the history,
//! the same function `chg metrics` and the monthly report use, so a month's
//! column here equals `chg metrics --month` for that month.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::monthly::{missed, show};
use super::{target_text, HIGHER_IS_BETTER, IN_TIME};
use crate::metrics::{Figure, Metrics, GUIDE_TABLE};
use crate::period::Period;
use crate::policy::Policy;
use crate::record::{Classification, Level, Record, RollbackKind};
use crate::render::{Block, Cell, Chart, ChartKind, Document, Section, Series, Table, Tone, Unit};
use crate::rules::rollback::TEST_INTERVAL_DAYS;

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
    /// How a figure is named for a reader.
    #[serde(skip)]
    pub labels: BTreeMap<String, String>,
}

/// One quarter's figures.
#[derive(Debug, Serialize)]
pub struct Quarter {
    pub quarter: String,
    pub period: Period,
    /// Every figure of `chg metrics` over the quarter.
    pub metrics: BTreeMap<&'static str, Figure>,
    /// Rollback plans tested in the 92 days before the change's planned start (guide 7.3: quarterly).
    pub rollback_tests_on_time: Figure,
    /// Targets of the guide's table met, of those that could be judged.
    pub targets_met: usize,
    pub targets_judged: usize,
    pub emergencies: usize,
    pub rolled_back: usize,
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
    pub metrics: BTreeMap<&'static str, Figure>,
    pub rollback_tests_on_time: Figure,
    pub targets_met: usize,
    pub targets_judged: usize,
    pub emergencies: usize,
    pub rolled_back: usize,
}

/// A target missed in some months of the quarter, and what to do about it.
#[derive(Debug, Serialize)]
pub struct Initiative {
    pub metric: &'static str,
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
const EFFECTIVENESS: &[&str] = &[
    "emergency_documented_in_time",
    "emergency_written_approval_in_time",
    "emergency_post_review_in_time",
    "approvals_before_implementation",
    "edited_after_approval",
    "approvals_by_others",
    "rollbacks_within_rto",
    "rollback_tests_on_time",
];

/// Builds the report.
///
/// `months` holds the metrics of the six months (the previous quarter's
/// three, then this quarter's), `quarters` those of the previous quarter and
/// this one, all computed from one history walk.
pub fn build(
    quarter: Period,
    months: &[Metrics],
    quarters: (&Metrics, &Metrics),
    records: &[Record],
    policy: &Policy,
    now: DateTime<Utc>,
) -> Quarterly {
    let by_id: BTreeMap<&str, &Record> = records.iter().map(|r| (r.id.as_str(), r)).collect();
    let previous = quarter.previous_quarter();
    let months: Vec<Month> = months
        .iter()
        .map(|m| {
            let mut metrics = m.metrics.clone();
            let (targets_met, targets_judged) = targets(&metrics);
            let emergencies = hits(&metrics, "emergency_rate");
            let rolled_back = hits(&metrics, "rollback_rate");
            let mut tests = rollback_tests(&counted(&metrics), &by_id);
            // The month columns are the figures of `chg metrics --month`, without its `--explain`.
            for f in metrics.values_mut() {
                f.records.clear();
            }
            tests.records.clear();
            Month {
                month: m.period.label(),
                period: m.period,
                in_quarter: quarter.contains(m.period.from),
                metrics,
                rollback_tests_on_time: tests,
                targets_met,
                targets_judged,
                emergencies,
                rolled_back,
            }
        })
        .collect();
    let quarter_of = |m: &Metrics| {
        let ids = counted(&m.metrics);
        let (targets_met, targets_judged) = targets(&m.metrics);
        let mut by_class: BTreeMap<String, usize> = Classification::ALL.iter().map(|c| (c.to_string(), 0)).collect();
        let mut by_risk: BTreeMap<String, usize> = Level::ALL.iter().map(|l| (l.to_string(), 0)).collect();
        for r in ids.iter().filter_map(|id| by_id.get(id.as_str())) {
            *by_class.entry(r.classification.to_string()).or_insert(0) += 1;
            *by_risk.entry(risk_level(r, policy)).or_insert(0) += 1;
        }
        Quarter {
            quarter: m.period.label(),
            period: m.period,
            rollback_tests_on_time: rollback_tests(&ids, &by_id),
            metrics: m.metrics.clone(),
            targets_met,
            targets_judged,
            emergencies: hits(&m.metrics, "emergency_rate"),
            rolled_back: hits(&m.metrics, "rollback_rate"),
            by_class,
            by_risk,
        }
    };
    let (initiatives, missed_once) = initiatives(&months);
    let labels = GUIDE_TABLE
        .iter()
        .chain(EFFECTIVENESS)
        .chain(&["mean_time_to_restore_minutes", "mean_lead_time_minutes"])
        .map(|n| (n.to_string(), super::label(n, policy)))
        .collect();
    Quarterly {
        quarter: quarter.label(),
        period: quarter,
        previous_quarter: previous.label(),
        previous_period: previous,
        generated_at: now,
        current: quarter_of(quarters.1),
        previous: quarter_of(quarters.0),
        months,
        initiatives,
        missed_once,
        labels,
    }
}

/// The ids a figure set counted (those of `total_changes`).
fn counted(metrics: &BTreeMap<&'static str, Figure>) -> Vec<String> {
    metrics
        .get("total_changes")
        .map(|f| f.records.clone())
        .unwrap_or_default()
}

/// How many records a rate counted as hits (its `records` are the hits).
fn hits(metrics: &BTreeMap<&'static str, Figure>, name: &str) -> usize {
    metrics.get(name).map_or(0, |f| f.records.len())
}

/// Targets of the guide's table met, and judged.
fn targets(metrics: &BTreeMap<&'static str, Figure>) -> (usize, usize) {
    let judged: Vec<bool> = GUIDE_TABLE
        .iter()
        .filter_map(|n| metrics.get(n).and_then(|f| f.met))
        .collect();
    (judged.iter().filter(|m| **m).count(), judged.len())
}

/// The risk level the policy's matrix gives a record: low, medium or high.
fn risk_level(r: &Record, policy: &Policy) -> String {
    match policy.least_class(r.risk.impact, r.risk.likelihood) {
        Some(Classification::Standard) => Level::Low.to_string(),
        Some(Classification::Normal) => Level::Medium.to_string(),
        Some(Classification::Major | Classification::Emergency) => Level::High.to_string(),
        None => "unknown".to_string(),
    }
}

/// Judges whether each counted change's rollback plan was tested in the
/// quarter (92 days) before its planned start: the window's start, else when
/// it started. A test after the start does not count. Only complex and
/// full-restore rollbacks are judged, the ones `rollback-test-stale` asks
/// to be tested; a simple rollback or a standard change needs no test.
fn rollback_tests(ids: &[String], by_id: &BTreeMap<&str, &Record>) -> Figure {
    let mut on_time = 0;
    let mut of = 0;
    let mut lines = Vec::new();
    for id in ids {
        let Some(r) = by_id.get(id.as_str()) else {
            lines.push(format!("{id}: not in the work tree, left out"));
            continue;
        };
        if !matches!(
            r.rollback_kind(),
            Some(RollbackKind::Complex | RollbackKind::FullRestore)
        ) {
            continue;
        }
        let Some(start) = r.window().map(|w| w.start).or(r.started_at()) else {
            lines.push(format!("{id}: no planned start, left out"));
            continue;
        };
        let start = start.date_naive();
        of += 1;
        match r.rollback.as_ref().and_then(|p| p.last_tested) {
            Some(tested) if tested <= start && start - tested <= Duration::days(TEST_INTERVAL_DAYS) => {
                on_time += 1;
                lines.push(format!(
                    "{id}: tested {tested}, {} days before {start}",
                    (start - tested).num_days()
                ));
            }
            Some(tested) if tested > start => {
                lines.push(format!("{id}: tested {tested}, after the start {start}"));
            }
            Some(tested) => lines.push(format!(
                "{id}: tested {tested}, {} days before {start}, more than a quarter",
                (start - tested).num_days()
            )),
            None => lines.push(format!("{id}: rollback procedure never tested")),
        }
    }
    let actual = (of > 0).then(|| on_time as f64 / of as f64);
    Figure {
        actual,
        target: Some(1.0),
        comparison: None,
        met: actual.map(|a| a + 1e-12 >= 1.0),
        of,
        records: lines,
    }
}

/// Groups the months' missed targets: recurring (two or more months of the quarter) and once.
fn initiatives(months: &[Month]) -> (Vec<Initiative>, Vec<Initiative>) {
    let mut by_metric: Vec<(super::monthly::Missed, Vec<MissedIn>)> = Vec::new();
    for m in months.iter().filter(|m| m.in_quarter) {
        for miss in missed(&m.metrics) {
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
            .map(|m| format!("{} ({})", m.month, show(miss.metric, m.actual)))
            .collect();
        let text = format!(
            "{} (`{}` missed its target of {} in {})",
            miss.advice,
            miss.metric,
            show(miss.metric, miss.target),
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

/// A figure as a cell: its value, toned by its target.
fn value_cell(name: &str, f: Option<&Figure>) -> Cell {
    let Some(f) = f else { return Cell::plain("—") };
    let text = match f.actual {
        None if name == "total_changes" || f.of == 0 => {
            if IN_TIME.contains(&name) || name.ends_with("_minutes") {
                "none".to_string()
            } else {
                "no changes".to_string()
            }
        }
        None => "none".to_string(),
        Some(a) if IN_TIME.contains(&name) => {
            format!("{} ({} of {})", show(name, Some(a)), (a * f.of as f64).round(), f.of)
        }
        a => show(name, a),
    };
    let tone = match f.met {
        Some(true) => Some(Tone::Good),
        Some(false) => Some(Tone::Bad),
        None => None,
    };
    Cell::toned(text, tone)
}

/// The change from the previous quarter, toned better or worse.
fn change_cell(name: &str, before: Option<&Figure>, now: Option<&Figure>) -> Cell {
    let (Some(b), Some(n)) = (before.and_then(|f| f.actual), now.and_then(|f| f.actual)) else {
        return Cell::plain("—");
    };
    let delta = n - b;
    let text = if name == "total_changes" {
        format!("{delta:+.0}")
    } else if name.ends_with("_minutes") {
        format!("{delta:+.0} min")
    } else {
        format!("{:+.1} pts", delta * 100.0)
    };
    if delta.abs() < 1e-9 {
        return Cell::plain("no change");
    }
    let has_target = now.and_then(|f| f.target).is_some();
    let better = if HIGHER_IS_BETTER.contains(&name) {
        delta > 0.0
    } else {
        delta < 0.0
    };
    let tone = has_target.then_some(if better { Tone::Good } else { Tone::Bad });
    Cell::toned(text.replace('-', "−"), tone)
}

fn status_cell(f: Option<&Figure>) -> Cell {
    match f.and_then(|f| f.met) {
        Some(true) => Cell::toned("met", Some(Tone::Good)),
        Some(false) => Cell::toned("missed", Some(Tone::Bad)),
        None => Cell::plain("—"),
    }
}

impl Quarter {
    fn figure(&self, name: &str) -> Option<&Figure> {
        if name == "rollback_tests_on_time" {
            Some(&self.rollback_tests_on_time)
        } else {
            self.metrics.get(name)
        }
    }
}

impl Month {
    fn figure(&self, name: &str) -> Option<&Figure> {
        if name == "rollback_tests_on_time" {
            Some(&self.rollback_tests_on_time)
        } else {
            self.metrics.get(name)
        }
    }
}

/// `1 rollback`, `2 rollbacks`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `3 of 5`, or `none judged` for a quarter without changes.
fn met_text(x: &Quarter) -> String {
    if x.targets_judged == 0 {
        "none judged".into()
    } else {
        format!("{} of {}", x.targets_met, x.targets_judged)
    }
}

fn count_chart(title: &str, labels: Vec<String>, series: Vec<Series>) -> Block {
    Block::Chart(Chart {
        title: title.into(),
        kind: ChartKind::Bar,
        labels,
        series,
        target: None,
        unit: Unit::Count,
    })
}

/// Lays the report out for an executive reader: the headline first, then the detail.
pub fn document(q: &Quarterly) -> Document {
    let (cur, prev) = (&q.current, &q.previous);
    let label = |name: &str| q.labels.get(name).cloned().unwrap_or_else(|| name.replace('_', " "));
    let total = |x: &Quarter| x.metrics.get("total_changes").and_then(|f| f.actual).unwrap_or(0.0);
    let mut sections = Vec::new();

    let months_met = |in_quarter: bool| {
        q.months
            .iter()
            .filter(|m| m.in_quarter == in_quarter && m.targets_judged > 0 && m.targets_met == m.targets_judged)
            .count()
    };
    let success = |x: &Quarter| value_cell("success_rate", x.metrics.get("success_rate")).text;
    let mut summary = vec![
        format!(
            "{} changes were implemented in {} ({} in {}).",
            total(cur),
            cur.quarter,
            total(prev),
            prev.quarter
        ),
        format!(
            "Successful changes: {} against a target of {} ({} in {}).",
            success(cur),
            target_text("success_rate", cur.metrics.get("success_rate")),
            success(prev),
            prev.quarter
        ),
        format!(
            "Monthly targets met over the quarter: {} ({}); every target was met in {} of its 3 months ({} of 3 in {}).",
            met_text(cur),
            if prev.targets_judged == 0 {
                format!("{} had no changes", prev.quarter)
            } else {
                format!("{} in {}", met_text(prev), prev.quarter)
            },
            months_met(true),
            months_met(false),
            prev.quarter
        ),
        format!(
            "{} and {} ({} and {} in {}).",
            plural(cur.emergencies, "emergency change", "emergency changes"),
            plural(cur.rolled_back, "change rolled back", "changes rolled back"),
            prev.emergencies,
            prev.rolled_back,
            prev.quarter
        ),
    ];
    summary.push(match q.initiatives.len() {
        0 => "No target was missed in two or more months, so no improvement initiative is called for.".into(),
        1 => "One target was missed in two or more months: one improvement initiative (last section).".into(),
        n => format!("{n} targets were missed in two or more months: {n} improvement initiatives (last section)."),
    });
    sections.push(Section {
        heading: "Summary".into(),
        blocks: vec![Block::List(summary)],
    });

    let quarter_rows = |names: &[&str]| -> Vec<Vec<Cell>> {
        names
            .iter()
            .map(|n| {
                vec![
                    Cell::plain(label(n)),
                    Cell::plain(target_text(n, cur.figure(n))),
                    value_cell(n, prev.figure(n)),
                    value_cell(n, cur.figure(n)),
                    change_cell(n, prev.figure(n), cur.figure(n)),
                    status_cell(cur.figure(n)),
                ]
            })
            .collect()
    };
    let quarter_headers = [
        "Metric",
        "Target",
        prev.quarter.as_str(),
        cur.quarter.as_str(),
        "Change",
        "Status",
    ];
    sections.push(Section {
        heading: format!("{} against {}: the monthly targets", cur.quarter, prev.quarter),
        blocks: vec![Block::Table(Table::new(&quarter_headers, quarter_rows(GUIDE_TABLE)))],
    });

    let mut month_headers = vec!["Metric".to_string(), "Target".to_string()];
    month_headers.extend(q.months.iter().map(|m| m.month.clone()));
    let mut month_rows: Vec<Vec<Cell>> = GUIDE_TABLE
        .iter()
        .map(|n| {
            let mut row = vec![
                Cell::plain(label(n)),
                Cell::plain(target_text(n, q.months.last().and_then(|m| m.figure(n)))),
            ];
            row.extend(q.months.iter().map(|m| value_cell(n, m.figure(n))));
            row
        })
        .collect();
    let mut met_row = vec![Cell::plain("Targets met"), Cell::plain("all")];
    met_row.extend(q.months.iter().map(|m| {
        if m.targets_judged == 0 {
            Cell::plain("no changes")
        } else {
            Cell::toned(
                format!("{} of {}", m.targets_met, m.targets_judged),
                Some(if m.targets_met == m.targets_judged {
                    Tone::Good
                } else {
                    Tone::Bad
                }),
            )
        }
    }));
    month_rows.push(met_row);
    let header_refs: Vec<&str> = month_headers.iter().map(String::as_str).collect();
    sections.push(Section {
        heading: "Month by month".into(),
        blocks: vec![
            Block::Text(format!(
                "The three months of {} (left) beside the three of {} (right); each column equals `chg metrics --month` for its month.",
                prev.quarter, cur.quarter
            )),
            Block::Table(Table::new(&header_refs, month_rows)),
        ],
    });

    let mut levels: Vec<String> = Level::ALL.iter().map(|l| l.to_string()).collect();
    // Shown only when the policy's matrix leaves some impact × likelihood
    // unclassified, so that the shares still add up to 100 %.
    if [prev, cur]
        .iter()
        .any(|q| q.by_risk.get("unknown").is_some_and(|n| *n > 0))
    {
        levels.push("unknown".into());
    }
    let classes: Vec<String> = Classification::ALL.iter().map(|c| c.to_string()).collect();
    let series_of = |x: &Quarter, keys: &[String], map: fn(&Quarter) -> &BTreeMap<String, usize>| Series {
        name: x.quarter.clone(),
        values: keys.iter().map(|k| *map(x).get(k).unwrap_or(&0) as f64).collect(),
    };
    let risk_rows = |title: &str, keys: &[String], map: fn(&Quarter) -> &BTreeMap<String, usize>| {
        let share = |x: &Quarter, k: &str| {
            let n = *map(x).get(k).unwrap_or(&0);
            let all: usize = map(x).values().sum();
            if all == 0 {
                format!("{n}")
            } else {
                format!("{n} ({:.0} %)", n as f64 * 100.0 / all as f64)
            }
        };
        let rows = keys
            .iter()
            .map(|k| {
                let (b, n) = (*map(prev).get(k).unwrap_or(&0), *map(cur).get(k).unwrap_or(&0));
                vec![
                    Cell::plain(k),
                    Cell::plain(share(prev, k)),
                    Cell::plain(share(cur, k)),
                    Cell::plain(if n == b {
                        "no change".to_string()
                    } else {
                        format!("{:+}", n as i64 - b as i64).replace('-', "−")
                    }),
                ]
            })
            .collect();
        Block::Table(Table::new(&[title, &prev.quarter, &cur.quarter, "Change"], rows))
    };
    let by_risk: fn(&Quarter) -> &BTreeMap<String, usize> = |x| &x.by_risk;
    let by_class: fn(&Quarter) -> &BTreeMap<String, usize> = |x| &x.by_class;
    sections.push(Section {
        heading: "Risk trends".into(),
        blocks: vec![
            Block::Text(
                "Risk level is what the policy's risk matrix makes of a change's impact and likelihood: low where it allows a standard change, medium where it asks for a normal one, high where it asks for a major one.".into(),
            ),
            count_chart(
                "Changes by risk level",
                levels.clone(),
                vec![series_of(prev, &levels, by_risk), series_of(cur, &levels, by_risk)],
            ),
            risk_rows("Risk level", &levels, by_risk),
            count_chart(
                "Changes by class",
                classes.clone(),
                vec![series_of(prev, &classes, by_class), series_of(cur, &classes, by_class)],
            ),
            risk_rows("Class", &classes, by_class),
        ],
    });

    sections.push(Section {
        heading: "Process effectiveness and programme maturity".into(),
        blocks: vec![
            Block::Chart(Chart {
                title: format!("Monthly targets met per month (of {})", GUIDE_TABLE.len() - 1),
                kind: ChartKind::Bar,
                labels: q.months.iter().map(|m| m.month.clone()).collect(),
                series: vec![Series {
                    name: "targets met".into(),
                    values: q.months.iter().map(|m| m.targets_met as f64).collect(),
                }],
                target: Some((GUIDE_TABLE.len() - 1) as f64),
                unit: Unit::Count,
            }),
            Block::Text(
                "Deadlines are judged by commit times in the git history, not by the dates a record declares; complex and full-restore rollback procedures count as tested on time when `rollback.last_tested` falls in the 92 days before the planned start (simple rollbacks need no test).".into(),
            ),
            Block::Table(Table::new(&quarter_headers, quarter_rows(EFFECTIVENESS))),
        ],
    });

    let month_labels: Vec<String> = q.months.iter().map(|m| m.month.clone()).collect();
    let line = |title: &str, name: &str, values: Vec<f64>| {
        Block::Chart(Chart {
            title: title.into(),
            kind: ChartKind::Line,
            labels: month_labels.clone(),
            series: vec![Series {
                name: name.into(),
                values,
            }],
            target: None,
            unit: Unit::Count,
        })
    };
    let trend_rows = q
        .months
        .iter()
        .map(|m| {
            vec![
                Cell::plain(&m.month),
                Cell::plain(show(
                    "total_changes",
                    m.metrics.get("total_changes").and_then(|f| f.actual),
                )),
                Cell::plain(m.emergencies),
                value_cell("emergency_rate", m.metrics.get("emergency_rate")),
                Cell::plain(m.rolled_back),
                value_cell("rollback_rate", m.metrics.get("rollback_rate")),
                value_cell("rollbacks_within_rto", m.metrics.get("rollbacks_within_rto")),
                value_cell(
                    "mean_time_to_restore_minutes",
                    m.metrics.get("mean_time_to_restore_minutes"),
                ),
            ]
        })
        .collect();
    sections.push(Section {
        heading: "Emergency and rollback trends".into(),
        blocks: vec![
            line(
                "Emergency changes per month",
                "emergency changes",
                q.months.iter().map(|m| m.emergencies as f64).collect(),
            ),
            line(
                "Changes rolled back per month",
                "rolled back",
                q.months.iter().map(|m| m.rolled_back as f64).collect(),
            ),
            Block::Table(Table::new(
                &[
                    "Month",
                    "Changes",
                    "Emergency",
                    "Emergency rate",
                    "Rolled back",
                    "Rollback rate",
                    "Within RTO",
                    "Mean time to restore",
                ],
                trend_rows,
            )),
        ],
    });

    let mut improvement = vec![if q.initiatives.is_empty() {
        Block::Empty(format!(
            "No target was missed in two or more months of {}; no improvement initiative is called for.",
            cur.quarter
        ))
    } else {
        Block::List(q.initiatives.iter().map(|i| i.text.clone()).collect())
    }];
    if !q.missed_once.is_empty() {
        improvement.push(Block::Text("Missed in one month only, to watch next quarter:".into()));
        improvement.push(Block::List(q.missed_once.iter().map(|i| i.text.clone()).collect()));
    }
    sections.push(Section {
        heading: "Improvement initiatives".into(),
        blocks: improvement,
    });

    Document {
        title: format!("Quarterly executive report — {}", q.quarter),
        subtitle: format!(
            "{} · compared with {} · generated {}",
            q.period.dates(),
            q.previous_quarter,
            q.generated_at.format("%Y-%m-%d %H:%M UTC")
        ),
        sections,
    }
}
