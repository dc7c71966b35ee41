//! The synthetic store generator (`chg demo`).

use std::path::PathBuf;

use anyhow::{bail, Result};

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub records: usize,
    pub out: PathBuf,
    pub seed: u64,
    pub commits_per_record: usize,
}

/// Generates the repository; returns a one-line summary.
pub fn generate(_options: &Options) -> Result<String> {
    bail!("not yet")
}
