//! `chg demo`: generate a synthetic store with history.

use anyhow::Result;

use crate::cli::DemoArgs;
use crate::context::App;

/// Generates the repository and prints what it made.
pub fn run(args: &DemoArgs, _app: &App) -> Result<u8> {
    let summary = crate::demo::generate(&crate::demo::Options {
        records: args.records,
        out: args.out.clone(),
        seed: args.seed,
        commits_per_record: args.commits_per_record,
    })?;
    crate::render::print(&format!("{summary}\n"))?;
    Ok(0)
}
