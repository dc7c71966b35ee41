//! `chg-demo`: writes a synthetic change store with years of backdated
//! history, for the benchmarks and for trying chg on a store of some size.
//! A separate binary of the package, so the product binary `chg` does not
//! carry it; it builds every record with the record's own lifecycle methods.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

mod generate;
mod record;

/// Writes a synthetic change store: a new git repository whose history spans
/// years, with several authors, every class, outcomes, rollbacks, emergencies
/// and unrelated commits, all backdated. The same seed gives the same repository.
#[derive(Debug, Parser)]
#[command(name = "chg-demo", version)]
struct Args {
    /// How many change records to generate.
    #[arg(long, default_value_t = 200)]
    records: usize,
    /// The folder to create the repository in (must not exist, or be empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The seed of the random choices; the same seed gives the same repository.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Commits per record on average, counting unrelated commits (default 5).
    #[arg(long, default_value_t = 5)]
    commits_per_record: usize,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let options = generate::Options {
        records: args.records,
        out: args.out,
        seed: args.seed,
        commits_per_record: args.commits_per_record,
    };
    match generate::generate(&options) {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}
