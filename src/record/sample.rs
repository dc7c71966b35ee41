//! Records for the domain's unit tests: a change of a class in a status,
//! requested by Jane, with more YAML appended where a test needs it.

use super::Record;

/// Parses a change of `class` in `status`, with `extra` YAML lines appended.
pub(crate) fn sample(class: &str, status: &str, extra: &str) -> Record {
    let text = format!(
        "schema_version: 1\nid: CHG-2026-0001\ntitle: T\nstatus: {status}\nclassification: {class}\n\
         risk: {{impact: high, likelihood: medium}}\nrequested_by: Jane <jane@example.com>\n\
         created_at: 2026-11-16T09:00:00Z\n{extra}"
    );
    crate::document::loose(&text).unwrap_or_else(|| panic!("a sample record must parse:\n{text}"))
}

/// Parses an emergency for a production outage in `status`: `section` adds
/// keys to its `emergency` section (indented two spaces), `extra` YAML lines.
pub(crate) fn emergency(status: &str, section: &str, extra: &str) -> Record {
    sample(
        "emergency",
        status,
        &format!("emergency:\n  criteria: [production-down]\n{section}{extra}"),
    )
}
