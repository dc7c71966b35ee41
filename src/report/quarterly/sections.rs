//! The quarterly report's review sections laid out: programme maturity,
//! risk assessment, training needs and the ROI of change management.

use super::maturity::Maturity;
use super::review::{RiskAssessment, Training};
use super::roi::{money_text, Money, Roi};
use crate::duration;
use crate::render::{plural, Block, Cell, Section, Table, Tone};

/// How many rules the training needs list before pointing to the JSON.
const TRAINING_LIST: usize = 5;

fn yes_no(met: bool) -> Cell {
    if met {
        Cell::toned("met", Some(Tone::Good))
    } else {
        Cell::toned("not met", Some(Tone::Bad))
    }
}

/// `CHG-1, CHG-2`, or `—` for none.
fn ids(list: &[String]) -> String {
    if list.is_empty() {
        "—".into()
    } else {
        list.join(", ")
    }
}

/// The model, the quarter's level and what the next one takes.
pub fn maturity(m: &Maturity, changes: usize) -> Section {
    let mut rows = Vec::new();
    for level in &m.levels {
        let head = format!("{} {}", level.level, level.name);
        if level.criteria.is_empty() {
            rows.push(vec![
                Cell::plain(&head),
                Cell::plain(format!("{} ({})", capital(level.meaning), "every store")),
                Cell::plain(format!("{changes} changes")),
                yes_no(true),
            ]);
        }
        for (i, c) in level.criteria.iter().enumerate() {
            rows.push(vec![
                Cell::plain(if i == 0 { head.clone() } else { String::new() }),
                Cell::plain(&c.text),
                Cell::plain(&c.figure),
                yes_no(c.met),
            ]);
        }
    }
    let mut blocks = vec![
        Block::Text(format!(
            "Level {} of 5, {}: {}. A level is reached when its criteria and those of every level below are met; each criterion is a figure of the quarter judged from the records and their git history.",
            m.level,
            m.name,
            m.levels
                .iter()
                .find(|l| l.level == m.level)
                .map_or("", |l| l.meaning)
        )),
        Block::Table(Table::new(&["Level", "Criterion", "This quarter", "Status"], rows)),
    ];
    match m.levels.iter().find(|l| l.level == m.level + 1) {
        Some(next) => {
            blocks.push(Block::Text(format!("To reach level {} ({}):", next.level, next.name)));
            blocks.push(Block::List(
                m.next
                    .iter()
                    .map(|c| {
                        let behind = if c.records.is_empty() {
                            String::new()
                        } else {
                            format!("; {}", c.records.join(", "))
                        };
                        format!("{}: {}{behind}.", c.text, c.figure)
                    })
                    .collect(),
            ));
        }
        None => blocks.push(Block::Text("The top level: keep every criterion met.".into())),
    }
    Section {
        heading: "Programme maturity".into(),
        blocks,
    }
}

fn capital(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// The systems at risk and the changes approved with an un-rehearsed rollback.
pub fn risk(r: &RiskAssessment) -> Section {
    let mut blocks = Vec::new();
    if r.systems.is_empty() {
        blocks.push(Block::Empty(
            "No change of the quarter failed, was rolled back or was an emergency.".into(),
        ));
    } else {
        let count = |list: &[String]| {
            if list.is_empty() {
                "0".to_string()
            } else {
                format!("{} ({})", list.len(), ids(list))
            }
        };
        blocks.push(Block::Text(
            "The systems with the most failed, rolled-back or emergency changes this quarter (at most five); a change on two systems counts for each.".into(),
        ));
        blocks.push(Block::Table(Table::of(
            &["System", "Changes", "Failed", "Rolled back", "Emergency"],
            &r.systems,
            |s| {
                vec![
                    Cell::plain(&s.system),
                    Cell::plain(s.changes),
                    Cell::plain(count(&s.failed)),
                    Cell::plain(count(&s.rolled_back)),
                    Cell::plain(count(&s.emergency)),
                ]
            },
        )));
    }
    blocks.push(Block::Text(
        "Changes approved with a rollback not rehearsed in the 92 days before their start:".into(),
    ));
    if r.unrehearsed.is_empty() {
        blocks.push(Block::Empty("None.".into()));
    } else {
        blocks.push(Block::List(
            r.unrehearsed
                .iter()
                .map(|u| format!("{} ({} rollback): {}", u.id, u.kind, after_id(&u.record, &u.id)))
                .collect(),
        ));
    }
    Section {
        heading: "Risk assessment".into(),
        blocks,
    }
}

/// The line without its leading `ID: `.
fn after_id<'a>(line: &'a str, id: &str) -> &'a str {
    line.strip_prefix(id).and_then(|l| l.strip_prefix(": ")).unwrap_or(line)
}

/// The rules broken most and the recurring rollbacks and emergencies.
pub fn training(t: &Training) -> Section {
    let mut blocks = vec![Block::Text(
        "Derived from the records: the rules the quarter's changes broke, as the history-judged figures and `chg check` find them, most changes first, with the systems and requesters behind them (records name no team). Train those people on those rules first.".into(),
    )];
    if t.rules.is_empty() {
        blocks.push(Block::Empty("No rule was broken by the quarter's changes.".into()));
    } else {
        blocks.push(Block::List(
            t.rules.iter().take(TRAINING_LIST).map(|r| r.text.clone()).collect(),
        ));
        if t.rules.len() > TRAINING_LIST {
            let rest = t.rules.len() - TRAINING_LIST;
            blocks.push(Block::Text(format!(
                "{rest} more {} broken by fewer changes: see `--format json`.",
                if rest == 1 { "rule" } else { "rules" }
            )));
        }
    }
    blocks.push(Block::Text(
        "Rollbacks and emergencies that recurred on one system:".into(),
    ));
    if t.recurring.is_empty() {
        blocks.push(Block::Empty("None recurred.".into()));
    } else {
        blocks.push(Block::List(t.recurring.iter().map(|r| r.text.clone()).collect()));
    }
    Section {
        heading: "Training needs".into(),
        blocks,
    }
}

/// Hours of work or outage, written as every duration is (`9.2 h`, `25 min`).
fn hours(h: f64) -> String {
    duration::minutes(h * 60.0)
}

/// A row of outage minutes kept inside or run over the RTO, by how many rollbacks, and their cost.
fn outage_row(what: &str, (minutes, rollbacks): (f64, usize), cost: String, tone: Tone) -> Vec<Cell> {
    vec![
        Cell::plain(what),
        Cell::plain(format!(
            "{} ({})",
            duration::fixed_minutes(minutes),
            plural(rollbacks, "rollback")
        )),
        Cell::toned(cost, Some(tone)),
    ]
}

/// Outage minutes avoided and caused, time spent, and money where the policy says what an hour costs.
pub fn roi(r: &Roi) -> Section {
    let money = |f: &dyn Fn(&Money) -> f64| {
        r.money
            .as_ref()
            .map_or("—".to_string(), |m| money_text(f(m), &m.currency))
    };
    let approval_hours = r.approval_hours.map_or("not costed".to_string(), hours);
    let rows = vec![
        outage_row(
            "Outage avoided: rollbacks restored inside their RTO",
            (r.minutes_avoided, r.rollbacks_within_rto),
            money(&|m| m.downtime_avoided),
            Tone::Good,
        ),
        outage_row(
            "Outage over RTO: rollbacks that overran",
            (r.minutes_over_rto, r.rollbacks_over_rto),
            money(&|m| m.downtime_over_rto),
            Tone::Bad,
        ),
        vec![
            Cell::plain("Outage caused: rollbacks' restore time and failed changes"),
            Cell::plain(format!(
                "{} (rollbacks {}, {} {})",
                duration::fixed_minutes(r.rollback_minutes + r.failed_minutes),
                duration::fixed_minutes(r.rollback_minutes),
                plural(r.failed_changes, "failed change"),
                duration::fixed_minutes(r.failed_minutes)
            )),
            Cell::plain(money(&|m| m.downtime_caused)),
        ],
        vec![
            Cell::plain("Time spent in the process"),
            Cell::plain(format!(
                "{} (implementing {}, rolling back {}, {} {})",
                hours(r.process_hours),
                hours(r.implementation_hours),
                hours(r.rollback_minutes / 60.0),
                plural(r.approvals, "approval"),
                approval_hours
            )),
            Cell::plain(money(&|m| m.process)),
        ],
        vec![
            Cell::plain("Net: avoided − over RTO − process"),
            Cell::plain("—"),
            Cell::plain(money(&|m| m.net)),
        ],
        vec![
            Cell::plain("Return on the process's cost"),
            Cell::plain("—"),
            Cell::plain(
                r.money
                    .as_ref()
                    .and_then(|m| m.roi)
                    .map_or("—".to_string(), |x| format!("{:.0} %", x * 100.0)),
            ),
        ],
    ];
    let mut blocks = vec![
        Block::Text(
            "The records give minutes and hours; money needs what an hour costs, which only the organisation can say (the policy's `roi` inputs).".into(),
        ),
        Block::Table(Table::new(&["Figure", "From the records", "Money"], rows)),
    ];
    if !r.missing_inputs.is_empty() {
        let keys: Vec<String> = r.missing_inputs.iter().map(|k| format!("`{k}`")).collect();
        blocks.push(Block::Text(format!(
            "Not set in the policy: {}. Set {} in changes/policy.yaml (docs/policy.md) to put money on these figures.",
            keys.join(", "),
            if keys.len() == 1 { "it" } else { "them" }
        )));
    }
    blocks.push(Block::Text("Assumptions:".into()));
    blocks.push(Block::List(r.assumptions.clone()));
    Section {
        heading: "ROI of change management".into(),
        blocks,
    }
}
