//! The reports of guide section 9.4: weekly CAB, monthly management,
//! quarterly executive. Each builds its data, then a `render::Document`;
//! the command prints both as a `render::View`.

pub mod monthly;
pub mod quarterly;
pub mod weekly;

use std::collections::BTreeMap;

use crate::metrics::{value_text, Figure, Metric, Style, Unit};
use crate::policy::Policy;

/// Writes deployment facts on one line: `artifact=sha256:…, environment=production`.
pub fn deployment_text(facts: &std::collections::BTreeMap<String, String>) -> String {
    facts
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Writes a target as a reader does: `< 5.0 %`, `> 95.0 %` (as the guide
/// writes them; `≤`/`≥` where the policy makes a target inclusive), `100.0 %`
/// (all of them), `—`.
pub fn target_text(metric: Metric, figure: Option<&Figure>) -> String {
    let Some(t) = figure.and_then(|f| f.target) else {
        return "—".into();
    };
    let value = value_text(metric, Some(t), Style::Report);
    if let Some(c) = figure.and_then(|f| f.comparison) {
        format!("{} {value}", c.symbol())
    } else if metric.unit() == Unit::Share {
        value
    } else if metric.higher_is_better() {
        format!("≥ {value}")
    } else {
        format!("≤ {value}")
    }
}

/// Names each figure of a report for a reader (the names of `chg metrics`).
pub fn labels(policy: &Policy) -> BTreeMap<Metric, String> {
    Metric::ALL.iter().map(|m| (*m, m.label(policy))).collect()
}
