//! Feeds arbitrary bytes to the policy parser.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| chg::fuzzing::policy(data));
