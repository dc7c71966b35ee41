//! The reports of guide section 9.4: weekly CAB, monthly management,
//! quarterly executive. Each builds its data, then a `render::Document`.

pub mod monthly;
pub mod quarterly;
pub mod weekly;

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::Format;
use crate::policy::Policy;
use crate::render::{self, Document};

/// The figures with a target that a higher value improves; every other targeted figure improves downwards.
pub const HIGHER_IS_BETTER: &[&str] = &[
    "success_rate",
    "emergency_documented_in_time",
    "emergency_written_approval_in_time",
    "emergency_post_review_in_time",
    "approvals_before_implementation",
    "rollbacks_within_rto",
    "rollback_tests_on_time",
];

/// The figures that are a share of judged cases, whose target is all of them.
pub const IN_TIME: &[&str] = &[
    "emergency_documented_in_time",
    "emergency_written_approval_in_time",
    "emergency_post_review_in_time",
    "approvals_before_implementation",
    "rollbacks_within_rto",
    "rollback_tests_on_time",
];

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
pub fn target_text(name: &str, figure: Option<&crate::metrics::Figure>) -> String {
    let Some(t) = figure.and_then(|f| f.target) else {
        return "—".into();
    };
    let value = monthly::show(name, Some(t));
    if let Some(c) = figure.and_then(|f| f.comparison) {
        format!("{} {value}", c.symbol())
    } else if IN_TIME.contains(&name) {
        value
    } else if HIGHER_IS_BETTER.contains(&name) {
        format!("≥ {value}")
    } else {
        format!("≤ {value}")
    }
}

/// Names a figure for a reader, in the words of the guide (the same as `chg metrics`).
pub fn label(name: &str, policy: &Policy) -> String {
    let d = &policy.emergency_deadlines;
    let span = crate::action::span_text;
    match name {
        "total_changes" => "Total changes".into(),
        "emergency_rate" => "Emergency changes".into(),
        "success_rate" => "Successful changes".into(),
        "rollback_rate" => "Rollback rate".into(),
        "issue_rate" => "Changes with issues".into(),
        "average_change_time_minutes" => "Average change time".into(),
        "emergency_documented_in_time" => format!("Emergency changes documented within {}", span(d.documentation)),
        "emergency_written_approval_in_time" => format!("Written approvals within {}", span(d.written_approval)),
        "emergency_post_review_in_time" => format!("Post-emergency reviews within {}", span(d.post_review)),
        "approvals_before_implementation" => "Approvals committed before implementation".into(),
        "edited_after_approval" => "Records edited after approval".into(),
        "approvals_by_others" => "Approvals committed by someone else".into(),
        "rollbacks_within_rto" => "Rollbacks within their RTO".into(),
        "rollback_tests_on_time" => "Rollback procedures tested within a quarter before the change".into(),
        "mean_lead_time_minutes" => "Mean lead time (first commit → completed)".into(),
        "mean_time_to_restore_minutes" => "Mean time to restore".into(),
        other => other.replace('_', " "),
    }
}

/// Renders report data in the chosen format: JSON is the data itself, the others the laid-out document.
pub fn render<T: Serialize>(data: &T, doc: &Document, format: Format, color: bool) -> Result<String> {
    Ok(match format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(data)?),
        Format::Markdown => render::markdown(doc),
        Format::Html => render::html(doc),
        _ => render::terminal(doc, color),
    })
}

/// Writes the report to `--output FILE` (atomically) or stdout.
pub fn emit(text: &str, output: Option<&std::path::Path>, quiet: bool) -> Result<()> {
    match output {
        None => crate::output::print(text),
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let mut temp =
                tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
            std::io::Write::write_all(&mut temp, text.as_bytes())?;
            temp.persist(path)
                .map_err(|e| e.error)
                .with_context(|| format!("cannot write {}", path.display()))?;
            if !quiet {
                eprintln!("Wrote {}", path.display());
            }
            Ok(())
        }
    }
}
