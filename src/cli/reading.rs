//! The arguments of the commands that read the store and print it.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::record::{Classification, Status};

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The change id, e.g. CHG-2026-0042.
    pub id: String,
}

#[derive(Debug, Args, Default)]
pub struct ListArgs {
    /// Only these statuses (repeatable, or comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub status: Vec<Status>,
    /// Only these classes (repeatable, or comma-separated).
    #[arg(long, value_enum, value_delimiter = ',')]
    pub classification: Vec<Classification>,
    /// Only changes touching this system.
    #[arg(long)]
    pub system: Option<String>,
    /// Only changes dated on or after this day (the implementation start, else the window, else creation).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only changes dated before this day.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// List what needs action now and by whom, like `chg status`.
    #[arg(long)]
    pub attention: bool,
    /// List the records as they were at this commit (a commit id, branch or tag).
    #[arg(long, value_name = "REV")]
    pub as_of: Option<String>,
}

#[derive(Debug, Args, Default)]
pub struct StatusArgs {}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// The change id, e.g. CHG-2026-0042.
    pub id: String,
    /// Also list the commits of this repository that name the change in a trailer (repeatable).
    #[arg(long = "repo", value_name = "PATH")]
    pub repos: Vec<PathBuf>,
    /// Answer from the repository as it was at this commit (a commit id, branch or tag).
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
    /// Also judge what the branch's commits since REF (e.g. `origin/main`) did to each record.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
}

#[derive(Debug, Args)]
pub struct GateArgs {
    /// The change id.
    pub id: String,
    /// Ask about another moment than now (RFC 3339, or `YYYY-MM-DD HH:MM` in UTC).
    #[arg(long, value_name = "TIME", conflicts_with_all = ["start", "wait"])]
    pub at: Option<String>,
    /// When the gate passes, record the implementation start (as `chg start`) and commit it.
    #[arg(long)]
    pub start: bool,
    /// Wait for the window to open, asking again every 30 s, up to `--timeout`.
    #[arg(long)]
    pub wait: bool,
    /// How long `--wait` waits at most, e.g. `30m`, `2h` (default 1h).
    #[arg(long, value_name = "DURATION", requires = "wait")]
    pub timeout: Option<crate::policy::Span>,
    /// A deployment fact recorded with the start, `NAME=VALUE` (repeatable), e.g. `environment=production`.
    #[arg(long = "deployment", value_name = "NAME=VALUE", requires = "start")]
    pub deployment: Vec<String>,
}

#[derive(Debug, Args, Default)]
pub struct CalendarArgs {
    /// The first day shown (default: today, UTC).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// The day after the last day shown, exclusive (default: 15 days after `--from`, so today and the next 14 days).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
}

/// A period given by its two ends, `--from` and `--to`, both or neither.
#[derive(Debug, Args, Default)]
pub struct Range {
    /// Start of the period, inclusive (a date or time, UTC).
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// End of the period, exclusive.
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
}

#[derive(Debug, Args, Default)]
pub struct MetricsArgs {
    /// The calendar month, `YYYY-MM` (default: the last full month).
    #[arg(long, value_name = "YYYY-MM", conflicts_with_all = ["from", "to"])]
    pub month: Option<String>,
    #[command(flatten)]
    pub range: Range,
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
pub struct ReportArgs {
    #[command(subcommand)]
    pub kind: ReportKind,
    /// Write the report to this file instead of stdout (`-` is stdout); a symlink is written through.
    #[arg(long, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// The weekly CAB report: implemented this week, scheduled next week,
    /// emergency changes, changes requiring attention, and the counts.
    ///
    /// Example: `chg report weekly --week 2026-W47 --format markdown`
    Weekly {
        /// The ISO week (default: the current one); `last` is the week that
        /// ended most recently, for a report run on Monday morning.
        #[arg(long, value_name = "YYYY-Www|last", conflicts_with = "date")]
        week: Option<String>,
        /// Any day of the week to report.
        #[arg(long, value_name = "DATE")]
        date: Option<String>,
    },
    /// The monthly management report: the metrics against their targets, volume
    /// by class and system, emergency trends, rollback analysis, recommendations.
    ///
    /// Example: `chg report monthly --month 2026-11 --format html --output nov.html`
    Monthly {
        /// The month (default: the last full month).
        #[arg(long, value_name = "YYYY-MM")]
        month: Option<String>,
    },
    /// The quarterly executive report: the quarter against the one before,
    /// month by month; risk trends; targets met and deadlines kept; emergency
    /// and rollback trends; the improvement initiatives that recurred.
    ///
    /// Example: `chg report quarterly --quarter 2026-Q4 --format html --output q4.html`
    Quarterly {
        /// The quarter (default: the last full quarter).
        #[arg(long, value_name = "YYYY-Qn")]
        quarter: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct UntrackedArgs {
    /// The first day looked at (UTC), inclusive.
    #[arg(long, value_name = "DATE")]
    pub since: String,
    /// Production path globs (`src/**`, `deploy/*.yaml`), replacing the policy's `production_paths`.
    #[arg(long, value_name = "GLOB", num_args = 1..)]
    pub paths: Vec<String>,
    /// An application repository to read (repeatable; default: the store's own).
    #[arg(long = "repo", value_name = "PATH")]
    pub repos: Vec<PathBuf>,
    /// The production branch in each repository.
    #[arg(long, value_name = "REF", default_value = "HEAD")]
    pub branch: String,
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The period: a quarter `2026-Q3` or a month `2026-11`.
    #[arg(long, value_name = "PERIOD", conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    #[command(flatten)]
    pub range: Range,
    /// The folder to write; it must not exist or be empty.
    #[arg(long, value_name = "DIR", required_unless_present = "verify")]
    pub output: Option<PathBuf>,
    /// How many changes the sample holds (`all` for every change); every exception and emergency is added.
    #[arg(long, value_name = "N|all", default_value = "25")]
    pub sample: String,
    /// The seed of the sample's draw; the same seed and population give the same sample.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Draw the whole sample at random, without adding every exception and emergency.
    #[arg(long)]
    pub no_strata: bool,
    /// An application repository whose commits name changes (repeatable; default: the store's own).
    #[arg(long = "repo", value_name = "PATH")]
    pub repos: Vec<PathBuf>,
    /// Re-check a folder written by `chg audit` against its manifest and the repository.
    #[arg(long, value_name = "DIR", conflicts_with_all = ["output", "period", "from", "to"])]
    pub verify: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SealArgs {
    /// The period to seal: a month `2026-11` or a quarter `2026-Q4`.
    #[arg(long, value_name = "PERIOD", required_unless_present = "verify")]
    pub period: Option<String>,
    /// Check every seal against the history instead (exit 1 when a sealed record changed).
    #[arg(long, conflicts_with = "period")]
    pub verify: bool,
}
