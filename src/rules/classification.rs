//! `risk-classification`, `template-missing`, `emergency-criteria-missing`
//! and `cvss-below-threshold`: is the change classed as its risk and kind say.

use super::Context;
use crate::finding::Finding;
use crate::record::{Classification, Criterion};
use crate::rule::Rule;
use crate::store::Loaded;

/// The lowest CVSS score that justifies an emergency for a vulnerability.
pub const CVSS_THRESHOLD: f64 = 9.0;

fn rank(class: Classification) -> u8 {
    match class {
        Classification::Standard => 0,
        Classification::Normal => 1,
        Classification::Major => 2,
        Classification::Emergency => 3,
    }
}

/// Checks the class against the risk matrix, the catalogue and the emergency criteria.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let file = loaded.file.as_str();
    let pos = &loaded.positions;
    let mut findings = Vec::new();
    let class = record.classification;
    if class != Classification::Emergency {
        if let Some(least) = ctx.policy.least_class(record.risk.impact, record.risk.likelihood) {
            if rank(class) < rank(least) {
                findings.push(Finding::error(
                    file,
                    pos.of("classification"),
                    Rule::RiskClassification,
                    format!(
                        "classified `{class}`, but impact {} and likelihood {} need at least `{least}`",
                        record.risk.impact, record.risk.likelihood
                    ),
                    format!("set `classification: {least}` (or higher), or reassess the risk"),
                ));
            }
        }
    }
    if class == Classification::Standard {
        match &record.template {
            None => findings.push(Finding::error(
                file,
                pos.of("classification"),
                Rule::TemplateMissing,
                "a standard change names no catalogue template",
                catalogue_hint(ctx),
            )),
            Some(name) if !ctx.templates.contains_key(name) => findings.push(Finding::error(
                file,
                pos.of("template"),
                Rule::TemplateMissing,
                format!("template `{name}` is not in changes/templates/"),
                catalogue_hint(ctx),
            )),
            Some(_) => {}
        }
    }
    if class == Classification::Emergency {
        let criteria = record.emergency.as_ref().map(|e| e.criteria.as_slice()).unwrap_or(&[]);
        if criteria.is_empty() {
            let all: Vec<&str> = Criterion::ALL.iter().map(|c| c.as_str()).collect();
            findings.push(Finding::error(
                file,
                pos.of("emergency.criteria"),
                Rule::EmergencyCriteriaMissing,
                "an emergency change names no emergency criterion",
                format!(
                    "add `emergency: {{criteria: [...]}}` with one of: {}; or classify it as normal",
                    all.join(", ")
                ),
            ));
        }
        if criteria.contains(&Criterion::CriticalVulnerability) {
            let cvss = record.emergency.as_ref().and_then(|e| e.cvss);
            match cvss {
                None => findings.push(Finding::error(
                    file,
                    pos.of("emergency.criteria"),
                    Rule::CvssBelowThreshold,
                    "`critical-vulnerability` needs the vulnerability's CVSS score",
                    "add `cvss:` (at least 9.0) under `emergency`",
                )),
                Some(score) if score < CVSS_THRESHOLD => findings.push(Finding::error(
                    file,
                    pos.of("emergency.cvss"),
                    Rule::CvssBelowThreshold,
                    format!("CVSS {score} is below {CVSS_THRESHOLD}, the threshold for an emergency"),
                    "patch it as a normal change, or name another emergency criterion that applies",
                )),
                Some(_) => {}
            }
        }
    }
    findings
}

fn catalogue_hint(ctx: &Context) -> String {
    if ctx.templates.is_empty() {
        "the catalogue is empty; `chg init` writes the standard templates".into()
    } else {
        let names: Vec<&str> = ctx.templates.keys().map(String::as_str).collect();
        format!(
            "set `template:` to one of: {}; or classify it as normal",
            names.join(", ")
        )
    }
}
