//! The programme's maturity (guide 9.4) in a five-level model, each level
//! judged by criteria on the quarter's figures.

use serde::Serialize;

use super::{Month, Quarter};
use crate::metrics::{value_text, Figure, Metric, Style, Table};
use crate::policy::Policy;

/// One criterion of a maturity level, judged on the quarter's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub text: String,
    pub met: bool,
    /// The figure that judges it.
    pub figure: String,
    /// The records that keep it from being met.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<String>,
}

/// One level of the maturity model.
#[derive(Debug, Serialize)]
pub struct MaturityLevel {
    pub level: u8,
    pub name: &'static str,
    pub meaning: &'static str,
    pub criteria: Vec<Criterion>,
    pub met: bool,
}

/// The programme's maturity: the model, the quarter's level and the way to the next.
#[derive(Debug, Serialize)]
pub struct Maturity {
    pub level: u8,
    pub name: &'static str,
    pub levels: Vec<MaturityLevel>,
    /// The criteria of the next level not met, or none at the top.
    pub next: Vec<Criterion>,
}

/// The levels of the model: number, name, what it means.
pub const LEVELS: [(u8, &str, &str); 5] = [
    (1, "Initial", "changes are recorded in the store"),
    (
        2,
        "Controlled",
        "every approval is committed before implementation, by the approver, and the approved scope is not edited after",
    ),
    (
        3,
        "Defined",
        "deadlines are kept, rollback procedures are rehearsed and restore within their RTO, and approvals are signed",
    ),
    (4, "Managed", "every monthly target is met in each month of the quarter"),
    (5, "Optimising", "levels 2 to 4 held in the previous quarter too"),
];

/// A share figure as a criterion: met when every case judged met it, or none was there to judge.
fn share(text: String, metric: Metric, f: Option<&Figure>) -> Criterion {
    match f {
        Some(f) if f.of > 0 => Criterion {
            text,
            met: f.met == Some(true),
            figure: format!(
                "{} ({} of {})",
                value_text(metric, f.actual, Style::Report),
                (f.actual.unwrap_or(0.0) * f.of as f64).round(),
                f.of
            ),
            records: f.missed.clone(),
        },
        _ => Criterion {
            text,
            met: true,
            figure: "nothing to judge".into(),
            records: Vec::new(),
        },
    }
}

/// A rate that must be zero, as a criterion.
fn none_of(text: String, f: Option<&Figure>) -> Criterion {
    let n = f.map_or(0, |f| f.missed.len());
    let of = f.map_or(0, |f| f.of);
    Criterion {
        text,
        met: n == 0,
        figure: format!("{n} of {of} changes"),
        records: f.map(|f| f.missed.clone()).unwrap_or_default(),
    }
}

/// The criteria of levels 2 to 4 for one quarter, by level.
fn criteria(q: &Quarter, months: &[&Month], policy: &Policy) -> [Vec<Criterion>; 3] {
    let label = |m: Metric| m.label(policy);
    let controlled = vec![
        share(
            label(Metric::ApprovalsBeforeImplementation),
            Metric::ApprovalsBeforeImplementation,
            q.scores.figure(Metric::ApprovalsBeforeImplementation),
        ),
        none_of(
            "Approvals committed by the approver, none by someone else".into(),
            q.scores.figure(Metric::ApprovalsByOthers),
        ),
        none_of(
            "Approved scope not edited after approval".into(),
            q.scores.figure(Metric::EditedAfterApproval),
        ),
    ];
    let mut defined: Vec<Criterion> = [
        Metric::EmergencyDocumentedInTime,
        Metric::EmergencyWrittenApprovalInTime,
        Metric::EmergencyPostReviewInTime,
        Metric::RollbackTestsOnTime,
        Metric::RollbacksWithinRto,
    ]
    .iter()
    .map(|&m| share(label(m), m, q.scores.figure(m)))
    .collect();
    defined.push(Criterion {
        text: "Approval commits must be signed (`require_signed_approvals`; `chg audit` verifies the signatures)"
            .into(),
        met: policy.require_signed_approvals,
        figure: if policy.require_signed_approvals {
            "required".into()
        } else {
            "not required".into()
        },
        records: Vec::new(),
    });
    let judged: Vec<&&Month> = months.iter().filter(|m| m.scores.targets_judged > 0).collect();
    let all_met = judged
        .iter()
        .filter(|m| m.scores.targets_met == m.scores.targets_judged)
        .count();
    let short: Vec<String> = judged
        .iter()
        .filter(|m| m.scores.targets_met < m.scores.targets_judged)
        .map(|m| {
            format!(
                "{}: {} of {} targets met",
                m.month, m.scores.targets_met, m.scores.targets_judged
            )
        })
        .collect();
    let managed = vec![Criterion {
        text: format!(
            "Every monthly target ({} of them) met in each month with changes",
            Metric::of_table(Table::Guide).len() - 1
        ),
        met: !judged.is_empty() && all_met == judged.len(),
        figure: if judged.is_empty() {
            "no month with changes".into()
        } else {
            format!("{all_met} of {} months", judged.len())
        },
        records: short,
    }];
    [controlled, defined, managed]
}

/// Judges the quarter's level in the model of [`LEVELS`].
pub fn maturity(cur: &Quarter, prev: &Quarter, months: &[Month], policy: &Policy) -> Maturity {
    let in_q: Vec<&Month> = months.iter().filter(|m| m.in_quarter).collect();
    let before: Vec<&Month> = months.iter().filter(|m| !m.in_quarter).collect();
    let [controlled, defined, managed] = criteria(cur, &in_q, policy);
    let previous = criteria(prev, &before, policy);
    let held = previous.iter().flatten().filter(|c| !c.met).count();
    let optimising = vec![Criterion {
        text: format!("The criteria of levels 2 to 4 met in {} too", prev.quarter),
        met: held == 0,
        figure: format!(
            "{} of {} met",
            previous.iter().flatten().count() - held,
            previous.iter().flatten().count()
        ),
        records: previous
            .iter()
            .flatten()
            .filter(|c| !c.met)
            .map(|c| format!("{}: {}", c.text, c.figure))
            .collect(),
    }];
    let mut levels = Vec::new();
    let mut reached = 0;
    for ((level, name, meaning), criteria) in LEVELS
        .iter()
        .zip([Vec::new(), controlled, defined, managed, optimising])
    {
        let met = criteria.iter().all(|c| c.met);
        if met && reached + 1 == *level {
            reached = *level;
        }
        levels.push(MaturityLevel {
            level: *level,
            name,
            meaning,
            criteria,
            met,
        });
    }
    let next = levels
        .iter()
        .find(|l| l.level == reached + 1)
        .map(|l| l.criteria.iter().filter(|c| !c.met).cloned().collect())
        .unwrap_or_default();
    let name = LEVELS.iter().find(|l| l.0 == reached).map_or("", |l| l.1);
    Maturity {
        level: reached,
        name,
        levels,
        next,
    }
}
