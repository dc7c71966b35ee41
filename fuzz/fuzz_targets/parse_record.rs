//! Feeds arbitrary bytes to the record parser and, when they parse, to every rule.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(loaded) = chg::store::Store::parse_record("changes/2026/CHG-2026-0001.yaml", text) {
        let policy = chg::policy::Policy::default();
        let templates = std::collections::BTreeSet::from(["log-rotation".to_string()]);
        let ctx = chg::rules::Context { policy: &policy, templates: &templates, now: chrono::Utc::now() };
        let _ = chg::rules::check(&[loaded], &ctx);
    }
});
