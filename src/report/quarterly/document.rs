//! The quarterly report laid out for an executive reader: the headline
//! first, then the detail, as one `render::Document`.

use std::collections::BTreeMap;

use super::{Quarter, Quarterly, EFFECTIVENESS};
use crate::metrics::{value_text, Figure, Metric, Style, Table as MetricTable, Unit as MetricUnit};
use crate::record::{Classification, Level};
use crate::render::{Block, Cell, Chart, ChartKind, Document, Section, Series, Table, Tone, Unit};
use crate::report::target_text;

/// A figure as a cell: its value, toned by its target.
fn value_cell(name: Metric, f: Option<&Figure>) -> Cell {
    let Some(f) = f else { return Cell::plain("—") };
    let show = |value| value_text(name, value, Style::Report);
    let text = match f.actual {
        None if name == Metric::TotalChanges || f.of == 0 => {
            if matches!(name.unit(), MetricUnit::Share | MetricUnit::Minutes) {
                "none".to_string()
            } else {
                "no changes".to_string()
            }
        }
        None => "none".to_string(),
        Some(a) if name.unit() == MetricUnit::Share => {
            format!("{} ({} of {})", show(Some(a)), (a * f.of as f64).round(), f.of)
        }
        a => show(a),
    };
    let tone = match f.met {
        Some(true) => Some(Tone::Good),
        Some(false) => Some(Tone::Bad),
        None => None,
    };
    Cell::toned(text, tone)
}

/// The change from the previous quarter, toned better or worse.
fn change_cell(name: Metric, before: Option<&Figure>, now: Option<&Figure>) -> Cell {
    let (Some(b), Some(n)) = (before.and_then(|f| f.actual), now.and_then(|f| f.actual)) else {
        return Cell::plain("—");
    };
    let delta = n - b;
    let text = match name.unit() {
        MetricUnit::Count => format!("{delta:+.0}"),
        MetricUnit::Minutes => {
            let sign = if delta < 0.0 { '-' } else { '+' };
            format!("{sign}{}", crate::duration::fixed_minutes(delta.abs()))
        }
        MetricUnit::Rate | MetricUnit::Share => format!("{:+.1} pts", delta * 100.0),
    };
    if delta.abs() < 1e-9 {
        return Cell::plain("no change");
    }
    let has_target = now.and_then(|f| f.target).is_some();
    let better = if name.higher_is_better() {
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

/// `1 rollback`, `2 rollbacks`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `3 of 5`, or `none judged` for a quarter without changes.
fn met_text(x: &Quarter) -> String {
    if x.scores.targets_judged == 0 {
        "none judged".into()
    } else {
        format!("{} of {}", x.scores.targets_met, x.scores.targets_judged)
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
// One report's layout, read top to bottom section by section; split, it would read worse.
#[allow(clippy::too_many_lines)]
pub fn document(q: &Quarterly) -> Document {
    let (cur, prev) = (&q.current, &q.previous);
    let label = |name: Metric| q.labels.get(&name).cloned().unwrap_or_default();
    let total = |x: &Quarter| {
        x.scores
            .metrics
            .get(&Metric::TotalChanges)
            .and_then(|f| f.actual)
            .unwrap_or(0.0)
    };
    let guide = Metric::of_table(MetricTable::Guide);
    let mut sections = Vec::new();

    let months_met = |in_quarter: bool| {
        q.months
            .iter()
            .filter(|m| m.in_quarter == in_quarter && m.scores.all_met())
            .count()
    };
    let success = |x: &Quarter| value_cell(Metric::SuccessRate, x.scores.metrics.get(&Metric::SuccessRate)).text;
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
            target_text(Metric::SuccessRate, cur.scores.metrics.get(&Metric::SuccessRate)),
            success(prev),
            prev.quarter
        ),
        format!(
            "Monthly targets met over the quarter: {} ({}); every target was met in {} of its 3 months ({} of 3 in {}).",
            met_text(cur),
            if prev.scores.targets_judged == 0 {
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
            plural(cur.scores.emergencies, "emergency change", "emergency changes"),
            plural(cur.scores.rolled_back, "change rolled back", "changes rolled back"),
            prev.scores.emergencies,
            prev.scores.rolled_back,
            prev.quarter
        ),
    ];
    summary.push(format!(
        "Programme maturity: level {} of 5 ({}).",
        q.maturity.level, q.maturity.name
    ));
    summary.push(match q.initiatives.len() {
        0 => "No target was missed in two or more months, so no improvement initiative is called for.".into(),
        1 => "One target was missed in two or more months: one improvement initiative (see Improvement initiatives)."
            .into(),
        n => format!(
            "{n} targets were missed in two or more months: {n} improvement initiatives (see Improvement initiatives)."
        ),
    });
    sections.push(Section {
        heading: "Summary".into(),
        blocks: vec![Block::List(summary)],
    });

    let quarter_rows = |names: &[Metric]| -> Vec<Vec<Cell>> {
        names
            .iter()
            .map(|&n| {
                vec![
                    Cell::plain(label(n)),
                    Cell::plain(target_text(n, cur.scores.figure(n))),
                    value_cell(n, prev.scores.figure(n)),
                    value_cell(n, cur.scores.figure(n)),
                    change_cell(n, prev.scores.figure(n), cur.scores.figure(n)),
                    status_cell(cur.scores.figure(n)),
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
        blocks: vec![Block::Table(Table::new(&quarter_headers, quarter_rows(&guide)))],
    });

    let mut month_headers = vec!["Metric".to_string(), "Target".to_string()];
    month_headers.extend(q.months.iter().map(|m| m.month.clone()));
    let mut month_rows: Vec<Vec<Cell>> = guide
        .iter()
        .map(|&n| {
            let mut row = vec![
                Cell::plain(label(n)),
                Cell::plain(target_text(n, q.months.last().and_then(|m| m.scores.figure(n)))),
            ];
            row.extend(q.months.iter().map(|m| value_cell(n, m.scores.figure(n))));
            row
        })
        .collect();
    let mut met_row = vec![Cell::plain("Targets met"), Cell::plain("all")];
    met_row.extend(q.months.iter().map(|m| {
        if m.scores.targets_judged == 0 {
            Cell::plain("no changes")
        } else {
            Cell::toned(
                format!("{} of {}", m.scores.targets_met, m.scores.targets_judged),
                Some(if m.scores.targets_met == m.scores.targets_judged {
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

    sections.push(super::sections::maturity(&q.maturity, total(cur) as usize));

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
    sections.push(super::sections::risk(&q.risk));

    sections.push(Section {
        heading: "Process effectiveness".into(),
        blocks: vec![
            Block::Text(
                "Deadlines are judged by commit times in the git history, not by the dates a record declares; a rollback counts as rehearsed on time when a passed rehearsal of its kind (`chg rehearse`; for a change that is not major nor a database migration, also the plan's `rollback.last_tested`) falls in the `rollback_rehearsal.interval` (92 days) before the planned start.".into(),
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
    sections.push(Section {
        heading: "Emergency and rollback trends".into(),
        blocks: vec![
            line(
                "Emergency changes per month",
                "emergency changes",
                q.months.iter().map(|m| m.scores.emergencies as f64).collect(),
            ),
            line(
                "Changes rolled back per month",
                "rolled back",
                q.months.iter().map(|m| m.scores.rolled_back as f64).collect(),
            ),
            Block::Table(Table::of(
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
                &q.months,
                |m| {
                    vec![
                        Cell::plain(&m.month),
                        Cell::plain(value_text(
                            Metric::TotalChanges,
                            m.scores.metrics.get(&Metric::TotalChanges).and_then(|f| f.actual),
                            Style::Report,
                        )),
                        Cell::plain(m.scores.emergencies),
                        value_cell(Metric::EmergencyRate, m.scores.metrics.get(&Metric::EmergencyRate)),
                        Cell::plain(m.scores.rolled_back),
                        value_cell(Metric::RollbackRate, m.scores.metrics.get(&Metric::RollbackRate)),
                        value_cell(
                            Metric::RollbacksWithinRto,
                            m.scores.metrics.get(&Metric::RollbacksWithinRto),
                        ),
                        value_cell(
                            Metric::MeanTimeToRestore,
                            m.scores.metrics.get(&Metric::MeanTimeToRestore),
                        ),
                    ]
                },
            )),
        ],
    });

    sections.push(super::sections::training(&q.training));

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
    sections.push(super::sections::roi(&q.roi));

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
