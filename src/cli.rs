//! The command line, as clap derives it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::record::{Classification, Level, RollbackKind, Status, Strategy};

/// IT change management over a git-backed store of YAML change records.
///
/// Every change is one file in `changes/<year>/`; git's history is the audit
/// trail. chg writes records, enforces the policy in `changes/policy.yaml`,
/// and computes metrics and reports.
#[derive(Debug, Parser)]
#[command(name = "chg", version, propagate_version = true, max_term_width = 100)]
#[command(
    after_help = "Examples:\n  chg init\n  chg new --title \"Upgrade postgres\" --impact medium --likelihood low\n  chg check\n  chg list --status submitted"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes.
#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// The store folder (default: `changes/` at the root of the git work tree).
    #[arg(long, global = true, env = "CHG_STORE", value_name = "DIR")]
    pub store: Option<PathBuf>,
    /// Output format; each command lists the ones it supports.
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,
    /// When to colour output: auto means on a terminal without `NO_COLOR`.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the file but do not commit it.
    #[arg(long, global = true)]
    pub no_commit: bool,
    /// Never prompt; a missing field is an error naming its flag.
    #[arg(long, global = true)]
    pub no_input: bool,
    /// Print only errors.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Text,
    Json,
    Yaml,
    Markdown,
    Csv,
    Github,
    Html,
    Ics,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create `changes/` with the default policy and standard-change templates.
    ///
    /// Example: `chg init`
    Init(InitArgs),
    /// Create a change record (a wizard on a terminal; every field is also a flag).
    ///
    /// Example: `chg new --title "Rotate API keys" --impact low --likelihood medium --system api-gateway`
    New(Box<NewArgs>),
    /// Show one change record.
    ///
    /// Example: `chg show CHG-2026-0042 --format yaml`
    Show(ShowArgs),
    /// List change records, with filters.
    ///
    /// Example: `chg list --status submitted --format markdown`
    List(ListArgs),
    /// Check the store (or the given files) against the schema and the policy.
    ///
    /// Prints `file:line:column: severity[rule]: message`. Exit status 0 when
    /// there is no error, 1 when a rule found one, 2 when a file cannot be parsed.
    ///
    /// Example: `chg check --format github`
    Check(CheckArgs),
    /// Print the JSON Schema of records, the policy or templates.
    ///
    /// Example: `chg schema change > change.schema.json`
    Schema(SchemaArgs),
    /// Show the audit trail of one record from git: who changed which fields, when.
    ///
    /// Example: `chg log CHG-2026-0042 --format json`
    Log(LogArgs),
    /// Compute the monthly metrics of the guide and the figures the history judges.
    ///
    /// Example: `chg metrics --month 2026-11 --explain`
    Metrics(MetricsArgs),
    /// Generate a synthetic store with years of backdated history, for trying chg and benchmarks.
    ///
    /// Example: `chg demo --records 2000 --out /tmp/chg-demo`
    Demo(DemoArgs),
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The change id, e.g. CHG-2026-0042.
    pub id: String,
    /// Answer from the repository as it was at this commit (a commit id, branch or tag).
    #[arg(long, value_name = "REV")]
    pub as_of: Option<String>,
}

#[derive(Debug, Args, Default)]
pub struct MetricsArgs {
    /// The calendar month, `YYYY-MM` (default: the last full month).
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
    pub month: Option<String>,
    /// Start of the period, inclusive (a date or time, UTC).
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// End of the period, exclusive.
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
    /// List, for each figure, the records it counted.
    #[arg(long)]
    pub explain: bool,
    /// Answer from the repository as it was at this commit (a commit id, branch or tag).
    #[arg(long, value_name = "REV")]
    pub as_of: Option<String>,
    /// Walk the whole history instead of extending the cache in `.git/chg/`.
    #[arg(long)]
    pub no_cache: bool,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// How many change records to generate.
    #[arg(long, default_value_t = 200)]
    pub records: usize,
    /// The folder to create the repository in (must not exist, or be empty).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// The seed of the random choices; the same seed gives the same repository.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Commits per record on average, counting unrelated commits (default 5).
    #[arg(long, default_value_t = 5)]
    pub commits_per_record: usize,
}

#[derive(Debug, Args)]
pub struct InitArgs {}

#[derive(Debug, Args, Default)]
pub struct NewArgs {
    /// A one-line title.
    #[arg(long)]
    pub title: Option<String>,
    /// What will change, and how.
    #[arg(long)]
    pub description: Option<String>,
    /// The business reason for the change.
    #[arg(long)]
    pub justification: Option<String>,
    /// The expected benefit.
    #[arg(long)]
    pub benefit: Option<String>,
    /// The class (default: the least the risk matrix allows).
    #[arg(long, value_enum)]
    pub classification: Option<ClassArg>,
    /// Impact if it goes wrong.
    #[arg(long, value_enum)]
    pub impact: Option<LevelArg>,
    /// Likelihood that it goes wrong.
    #[arg(long, value_enum)]
    pub likelihood: Option<LevelArg>,
    /// Priority (default: medium).
    #[arg(long, value_enum)]
    pub priority: Option<LevelArg>,
    /// An affected system (repeatable).
    #[arg(long = "system", value_name = "SYSTEM")]
    pub systems: Vec<String>,
    /// An affected service (repeatable).
    #[arg(long = "service", value_name = "SERVICE")]
    pub services: Vec<String>,
    /// Who is affected, in words.
    #[arg(long)]
    pub customers_affected: Option<String>,
    /// The change needs downtime.
    #[arg(long)]
    pub downtime: bool,
    /// Deployment strategy.
    #[arg(long, value_enum)]
    pub strategy: Option<StrategyArg>,
    /// Start of the deployment window (RFC 3339, or `YYYY-MM-DD HH:MM` in UTC).
    #[arg(long, value_name = "TIME")]
    pub window_start: Option<String>,
    /// End of the deployment window.
    #[arg(long, value_name = "TIME")]
    pub window_end: Option<String>,
    /// A deployment step (repeatable, in order).
    #[arg(long = "step", value_name = "TEXT")]
    pub steps: Vec<String>,
    /// How to roll the change back.
    #[arg(long)]
    pub rollback_plan: Option<String>,
    /// Rollback kind: simple, complex or full-restore.
    #[arg(long, value_enum)]
    pub rollback_kind: Option<RollbackKindArg>,
    /// When the rollback procedure was last tested (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub rollback_tested: Option<String>,
    /// A testing state, `KIND=STATE` (repeatable), e.g. `--test unit=passed`.
    #[arg(long = "test", value_name = "KIND=STATE")]
    pub tests: Vec<String>,
    /// Make a standard change from this catalogue template (a name in `changes/templates/`).
    #[arg(long, value_name = "NAME")]
    pub template: Option<String>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The change id, e.g. CHG-2026-0042.
    pub id: String,
}

#[derive(Debug, Args, Default)]
pub struct ListArgs {
    /// Only these statuses (repeatable, or comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub status: Vec<StatusArg>,
    /// Only these classes (repeatable, or comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub classification: Vec<ClassArg>,
    /// Only changes touching this system.
    #[arg(long)]
    pub system: Option<String>,
    /// Only changes dated on or after this day (the implementation start, else the window, else creation).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only changes dated before this day.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// List the records as they were at this commit (a commit id, branch or tag).
    #[arg(long, value_name = "REV")]
    pub as_of: Option<String>,
}

#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Files or folders to check (default: the whole store).
    pub paths: Vec<PathBuf>,
    /// Count warnings as errors for the exit status.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which schema.
    #[arg(value_enum, default_value_t = SchemaKind::Change)]
    pub kind: SchemaKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaKind {
    Change,
    Policy,
    Template,
}

/// Declares a clap value enum mirroring a record enum, so `--help` lists the values.
macro_rules! mirror {
    ($arg:ident => $target:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
        pub enum $arg {
            $(#[value(name = $text)] $variant),+
        }

        impl From<$arg> for $target {
            fn from(v: $arg) -> $target {
                match v { $($arg::$variant => $target::$variant),+ }
            }
        }

        impl From<$target> for $arg {
            fn from(v: $target) -> $arg {
                match v { $($target::$variant => $arg::$variant),+ }
            }
        }
    };
}

mirror!(ClassArg => Classification { Standard = "standard", Normal = "normal", Major = "major", Emergency = "emergency" });
mirror!(LevelArg => Level { Low = "low", Medium = "medium", High = "high" });
mirror!(StrategyArg => Strategy {
    BlueGreen = "blue-green", Canary = "canary", Rolling = "rolling",
    DatabaseMigration = "database-migration", Manual = "manual"
});
mirror!(RollbackKindArg => RollbackKind { Simple = "simple", Complex = "complex", FullRestore = "full-restore" });
mirror!(StatusArg => Status {
    Draft = "draft", Submitted = "submitted", Approved = "approved", Rejected = "rejected",
    Scheduled = "scheduled", InProgress = "in-progress", Completed = "completed", Failed = "failed",
    RolledBack = "rolled-back", Cancelled = "cancelled", Closed = "closed"
});
