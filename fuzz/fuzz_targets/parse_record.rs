//! Feeds arbitrary bytes to the record parser and, when they parse, to every rule.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chg::fuzzing::record(data));
