//! `template-mismatch`: a standard change is pre-approved only for the
//! procedure its template describes, so the fields the template fixes must
//! stay as the template has them; other work needs a normal change.

use super::Context;
use crate::finding::Finding;
use crate::record::{Classification, Record};
use crate::rule::Rule;
use crate::store::Loaded;
use crate::template::Template;

/// Compares a standard change with its catalogue template, field by field.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    if record.classification != Classification::Standard {
        return Vec::new();
    }
    // An unknown or missing template is `template-missing`'s finding.
    let Some((name, template)) = record
        .template
        .as_ref()
        .and_then(|name| ctx.templates.get(name).map(|t| (name, t)))
    else {
        return Vec::new();
    };
    mismatches(record, template)
        .into_iter()
        .map(|(field, problem)| {
            Finding::error(
                &loaded.file,
                loaded.positions.of(field),
                Rule::TemplateMismatch,
                format!("`{field}` {problem} of template `{name}`"),
                format!("restore `{field}` as the template has it, or file it as a normal change (`classification: normal`, no `template:`)"),
            )
        })
        .collect()
}

/// The fixed fields that differ, each with what is wrong.
fn mismatches(record: &Record, template: &Template) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let differs = "differs from the one";
    // The title is left free: it names the instance (which certificate,
    // which nodes), as the sample store's standard changes do.
    if record.risk != template.risk {
        out.push(("risk", differs.to_string()));
    }
    // A template with no systems fits any system; one that names systems
    // is approved for those alone.
    if !template.systems.is_empty() {
        let outside: Vec<&str> = record
            .systems
            .iter()
            .filter(|s| !template.systems.contains(s))
            .map(String::as_str)
            .collect();
        if !outside.is_empty() {
            out.push(("systems", format!("names {} outside the systems", outside.join(", "))));
        }
    }
    let deployment = record.deployment.as_ref();
    if template.deployment.strategy.is_some() && deployment.and_then(|d| d.strategy) != template.deployment.strategy {
        out.push(("deployment.strategy", differs.to_string()));
    }
    let steps: &[String] = deployment.map_or(&[], |d| d.steps.as_slice());
    let same_steps = steps.len() == template.deployment.steps.len()
        && steps
            .iter()
            .zip(&template.deployment.steps)
            .all(|(a, b)| a.trim() == b.trim());
    if !same_steps {
        out.push(("deployment.steps", differs.to_string()));
    }
    let rollback = record.rollback.as_ref();
    if let Some(plan) = &template.rollback.plan {
        if rollback.and_then(|r| r.plan.as_deref()).map(str::trim) != Some(plan.trim()) {
            out.push(("rollback.plan", differs.to_string()));
        }
    }
    if template.rollback.kind.is_some() && rollback.and_then(|r| r.kind) != template.rollback.kind {
        out.push(("rollback.kind", differs.to_string()));
    }
    if record.testing != template.testing {
        out.push(("testing", differs.to_string()));
    }
    out
}
