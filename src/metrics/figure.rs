//! One figure of the metrics: its value, its target and whether it is met,
//! and the one way a figure's value and a duration are written.

use serde::Serialize;

use super::metric::{Metric, Unit};
use crate::policy::{Policy, TargetName};

/// One figure: its value, target and whether the target is met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The value; a fraction 0–1 for rates, minutes for times; null when nothing was counted.
    pub actual: Option<f64>,
    pub target: Option<f64>,
    /// How the value compares with the target to meet it: `<`, `>`, `<=`, `>=`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Compare>,
    /// Null when there is no target or nothing was counted.
    pub met: Option<bool>,
    /// How many records (or rollbacks) the value is taken over.
    pub of: usize,
    /// One line per record considered, so the figure can be checked by hand.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<String>,
    /// The ids of the records that count against the target (a deadline
    /// missed, an approval out of order, a rollback over its RTO), once
    /// each: what the quarterly report's training needs and maturity read.
    #[serde(skip)]
    pub missed: Vec<String>,
}

/// How a value must compare with its target to meet it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Below,
    Above,
    AtMost,
    AtLeast,
}

impl Compare {
    /// The symbol a reader sees: `<`, `>`, `≤`, `≥`.
    pub fn symbol(self) -> &'static str {
        match self {
            Compare::Below => "<",
            Compare::Above => ">",
            Compare::AtMost => "≤",
            Compare::AtLeast => "≥",
        }
    }

    /// Returns true when `actual` meets `target`. Rates are compared as
    /// exact fractions would be: 1 of 20 is exactly 5 %, not a hair above.
    pub fn met(self, actual: f64, target: f64) -> bool {
        const EPS: f64 = 1e-9;
        match self {
            Compare::Below => actual < target - EPS,
            Compare::Above => actual > target + EPS,
            Compare::AtMost => actual <= target + EPS,
            Compare::AtLeast => actual + EPS >= target,
        }
    }
}

impl Serialize for Compare {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            Compare::Below => "<",
            Compare::Above => ">",
            Compare::AtMost => "<=",
            Compare::AtLeast => ">=",
        })
    }
}

/// How a figure compares with its target.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Goal {
    /// A target of the guide's table: strict unless the policy makes it inclusive.
    Target(Compare, f64),
    AtMost(f64),
    AtLeast(f64),
    None,
}

/// The goal of one of the guide's targets: `below` or `above`, strict
/// unless the policy lists the target as inclusive.
pub(crate) fn guide_goal(policy: &Policy, name: TargetName, target: f64) -> Goal {
    let inclusive = policy.targets.is_inclusive(name);
    let compare = match name {
        TargetName::SuccessRate if inclusive => Compare::AtLeast,
        TargetName::SuccessRate => Compare::Above,
        _ if inclusive => Compare::AtMost,
        _ => Compare::Below,
    };
    Goal::Target(compare, target)
}

impl Figure {
    pub(crate) fn new(actual: Option<f64>, goal: Goal, of: usize, records: Vec<String>) -> Figure {
        let (target, compare) = match goal {
            Goal::Target(c, t) => (Some(t), Some(c)),
            Goal::AtMost(t) => (Some(t), Some(Compare::AtMost)),
            Goal::AtLeast(t) => (Some(t), Some(Compare::AtLeast)),
            Goal::None => (None, None),
        };
        let met = match (target, compare, actual) {
            (Some(t), Some(c), Some(a)) => Some(c.met(a, t)),
            _ => None,
        };
        let comparison = match goal {
            Goal::Target(..) => compare,
            _ => None,
        };
        Figure {
            actual,
            target,
            comparison,
            met,
            of,
            records,
            missed: Vec::new(),
        }
    }

    /// Returns the figure naming the records that count against its target.
    pub(crate) fn missing(mut self, mut ids: Vec<String>) -> Figure {
        ids.dedup();
        self.missed = ids;
        self
    }

    pub(crate) fn ratio(hits: usize, of: usize, goal: Goal, records: Vec<String>) -> Figure {
        let actual = (of > 0).then(|| hits as f64 / of as f64);
        Figure::new(actual, goal, of, records)
    }
}

/// Every figure of a period, keyed by what it measures.
pub type Figures = std::collections::BTreeMap<Metric, Figure>;

/// How much a number is rounded when written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `chg metrics`: at most one decimal, none when it is `.0` (`95 %`, `62.5 min`).
    Compact,
    /// The reports: rates with one decimal, minutes whole (`95.0 %`, `63 min`).
    Report,
}

/// Writes a figure's value in its unit: rates as percentages, times in
/// minutes or hours, counts as numbers; `—` for no value.
pub fn value_text(metric: Metric, value: Option<f64>, style: Style) -> String {
    let Some(v) = value else { return "—".into() };
    match (metric.unit(), style) {
        (Unit::Minutes, Style::Compact) => crate::duration::minutes(v),
        (Unit::Minutes, Style::Report) => crate::duration::fixed_minutes(v),
        (Unit::Count, Style::Compact) => fmt_num(v),
        (Unit::Count, Style::Report) => format!("{v:.0}"),
        (Unit::Rate | Unit::Share, Style::Compact) => format!("{} %", fmt_num(v * 100.0)),
        (Unit::Rate | Unit::Share, Style::Report) => format!("{:.1} %", v * 100.0),
    }
}

/// Formats a number with at most one decimal, without a trailing `.0`.
pub fn fmt_num(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}
