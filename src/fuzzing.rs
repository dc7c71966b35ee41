//! The fuzz targets' entry points (`fuzz/`), kept in the library so that
//! they compile with it and the test suite runs the seed corpus through them:
//! a target that stopped compiling went unnoticed when it lived in `fuzz/` alone.

use std::collections::BTreeMap;

use crate::template::{Template, DEFAULT_TEMPLATES};

/// Parses bytes as a record and, when they parse, runs every rule over it.
pub fn record(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(loaded) = crate::store::Store::parse_record("changes/2026/CHG-2026-0001.yaml", text) else {
        return;
    };
    let policy = crate::policy::Policy::default();
    // The templates `chg init` writes, so the template rules run too.
    let templates: BTreeMap<String, Template> = DEFAULT_TEMPLATES
        .iter()
        .filter_map(|(name, yaml)| Some(((*name).to_string(), crate::document::parse(yaml).ok()?.value)))
        .collect();
    let ctx = crate::rules::Context {
        policy: &policy,
        templates: &templates,
        now: crate::clock::now(),
        times: &BTreeMap::new(),
        rehearsals: &crate::rehearsal::Rehearsals::default(),
    };
    let _ = crate::rules::check(&[loaded], &ctx);
}

/// Parses bytes as a policy.
pub fn policy(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::document::parse::<crate::policy::Policy>(text);
    }
}
