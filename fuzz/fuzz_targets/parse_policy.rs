//! Feeds arbitrary bytes to the policy parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = chg::document::parse::<chg::policy::Policy>(text);
    }
});
