//! The fuzz targets' seed corpus, run through their entry points on every
//! test run: the entry points must compile with the library, and no seed,
//! nor any cut of one, may panic the parser or a rule.

use std::path::Path;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus").join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// Every seed, and the seed cut after each of its lines (a half-written file).
fn seeds_and_cuts(target: &str) -> Vec<Vec<u8>> {
    let seeds = seeds(target);
    assert!(!seeds.is_empty(), "no seeds in fuzz/corpus/{target}");
    let mut out = Vec::new();
    for (_, bytes) in seeds {
        for (i, b) in bytes.iter().enumerate() {
            if *b == b'\n' {
                out.push(bytes[..i].to_vec());
            }
        }
        out.push(bytes);
    }
    out
}

#[test]
fn the_record_fuzz_target_takes_every_seed_and_every_cut_of_one() {
    for input in seeds_and_cuts("parse_record") {
        chg::fuzzing::record(&input);
    }
}

#[test]
fn the_policy_fuzz_target_takes_every_seed_and_every_cut_of_one() {
    for input in seeds_and_cuts("parse_policy") {
        chg::fuzzing::policy(&input);
    }
}
