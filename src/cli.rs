//! The command line, as clap derives it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::record::{
    Access, CheckResult, Classification, Criterion, Health, Level, Role, RollbackKind, RollbackMode, Status, Strategy,
    Trigger,
};

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
    /// When to colour output: auto means on a terminal, unless `NO_COLOR` is set or `TERM=dumb`; `CLICOLOR_FORCE=1` colours a pipe.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Write the file but do not commit it.
    #[arg(long, global = true)]
    pub no_commit: bool,
    /// Never prompt; a missing field is an error naming its flag.
    #[arg(long, global = true)]
    pub no_input: bool,
    /// Print only errors.
    #[arg(long, short, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print what chg read and how long it took, on stderr.
    #[arg(long, short, global = true)]
    pub verbose: bool,
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
    /// Give a record the next free id, rename its file, and commit.
    ///
    /// For an id that a parallel branch took first (`chg check --base` says so).
    ///
    /// Example: `chg renumber CHG-2026-0042`
    Renumber(RenumberArgs),
    /// Edit a record in `$VISUAL`/`$EDITOR`; it is saved only if it is valid.
    ///
    /// The editor runs without a shell. On errors it offers to re-open the
    /// editor; the record is unchanged if you give up.
    ///
    /// Example: `EDITOR=nano chg edit CHG-2026-0042`
    Edit(EditArgs),
    /// Print shell completions.
    ///
    /// Example: `chg completions bash > ~/.local/share/bash-completion/completions/chg`
    Completions(CompletionsArgs),
    /// Print a report: weekly CAB, monthly management, quarterly executive.
    ///
    /// Formats: table (the default, for a terminal), markdown, json, html (one
    /// self-contained page that prints on A4).
    ///
    /// Example: `chg report weekly --week 2026-W47 --format html --output cab.html`
    Report(ReportArgs),
    /// Print the man page (roff), or write one page per subcommand with `--dir`.
    ///
    /// With `--dir DIR`, writes `DIR/man1/chg.1`, `chg-new.1`,
    /// `chg-report-weekly.1` and the others, so `man chg-new` works once DIR
    /// is on the MANPATH.
    ///
    /// Example: `chg man --dir ~/.local/share/man`
    Man(ManArgs),
    /// Show the change calendar: planned changes day by day, freezes and problems.
    ///
    /// Lists the submitted, approved, scheduled and in-progress changes with a
    /// window, the freeze periods, and a marked line for every problem: windows
    /// overlapping on a system, outside the deployment windows, in a freeze,
    /// requester or approver unavailable. Times are in UTC. Formats: table
    /// (default), markdown, json, and ics, an iCalendar feed to import or
    /// subscribe to.
    ///
    /// Example: `chg calendar --from 2026-12-01 --to 2027-01-01 --format ics > changes.ics`
    Calendar(CalendarArgs),
    /// Submit a draft for approval; a standard change from the catalogue is approved at once.
    ///
    /// Refused while `chg check` finds errors in the record. After an emergency
    /// was implemented, it declares the documentation complete.
    ///
    /// Example: `chg submit CHG-2026-0042`
    Submit(IdArgs),
    /// Approve a change in one of your policy roles.
    ///
    /// Example: `chg approve CHG-2026-0042 --comment "ok for Wednesday"`
    Approve(ApproveArgs),
    /// Reject a submitted change, with the reason.
    ///
    /// Example: `chg reject CHG-2026-0042 --reason "no rollback test"`
    Reject(RejectArgs),
    /// Set the deployment window of an approved change (approved → scheduled).
    ///
    /// Example: `chg schedule CHG-2026-0042 --start "2026-11-18 02:00" --end "2026-11-18 04:00"`
    Schedule(ScheduleArgs),
    /// Start implementing (scheduled → in-progress; an approved emergency from any earlier state).
    ///
    /// Example: `chg start CHG-2026-0042`
    Start(StartArgs),
    /// Record a successful implementation with its validation results (→ completed).
    ///
    /// Example: `chg complete CHG-2026-0042 --smoke-tests passed --error-rates normal`
    Complete(CompleteArgs),
    /// Record a failed implementation (→ failed).
    ///
    /// Example: `chg fail CHG-2026-0042 --reason "migration timed out"`
    Fail(FailArgs),
    /// Cancel a change that has not started.
    ///
    /// Example: `chg cancel CHG-2026-0042 --reason "superseded by CHG-2026-0050"`
    Cancel(CancelArgs),
    /// Record a rollback: trigger, times, log and validation; compares its duration with the RTO.
    ///
    /// Example: `chg rollback CHG-2026-0042 --trigger error-rate --reason "5xx at 7 %" --started-at 02:30`
    Rollback(Box<RollbackArgs>),
    /// Record the post-implementation review (and post-rollback or post-emergency actions).
    ///
    /// Example: `chg review CHG-2026-0042 --summary "went fine" --lessons-learned "none"`
    Review(ReviewArgs),
    /// Close a reviewed change.
    ///
    /// Example: `chg close CHG-2026-0042`
    Close(IdArgs),
    /// Ask, from a deployment pipeline, whether a change may be deployed now.
    ///
    /// Exit status 0 when it is approved (with approvals the history
    /// confirms), scheduled, inside its window and the policy's deployment
    /// windows, outside any freeze that forbids it, with its rollback plan and
    /// testing complete, and not already finished; otherwise 1, with every
    /// reason on its own line. An emergency passes on its verbal approvals.
    /// `--start` records the implementation start when the gate passes.
    ///
    /// Example: `chg gate CHG-2026-0042 --start --format github`
    Gate(GateArgs),
    /// List production commits that reached the branch without an approved, in-window change.
    ///
    /// Reads the commits since `--since` on the branch of each `--repo` (the
    /// store's own repository when none is given) that touch the policy's
    /// `production_paths` (or `--paths`), and lists those that name no change
    /// in the policy's `change_trailer` (`Change: CHG-2026-0042`), name one
    /// that was not approved when the commit was made, or one whose window
    /// did not contain the commit time. Exit status 1 when there is any.
    ///
    /// Example: `chg untracked --since 2026-11-01 --repo ../checkout-api --format csv`
    Untracked(UntrackedArgs),
    /// Show what needs action now, and by whom.
    ///
    /// Example: `chg status`
    Status(StatusArgs),
    /// Show the audit trail of one record from git: who changed which fields, when.
    ///
    /// Example: `chg log CHG-2026-0042 --format json`
    Log(LogArgs),
    /// Compute the monthly metrics against their targets, and the figures the history judges.
    ///
    /// Example: `chg metrics --month 2026-11 --explain`
    Metrics(MetricsArgs),
    /// Generate a synthetic store with years of backdated history, for trying chg and benchmarks.
    ///
    /// Example: `chg demo --records 2000 --out /tmp/chg-demo`
    Demo(DemoArgs),
    /// Write the auditor's evidence folder for a period: population, sample, policy, index, manifest.
    ///
    /// Every change in the period with a verdict per control (approvals,
    /// approvals current, signed, window, testing, emergency deadlines,
    /// review); the commits that shipped without a change when
    /// `production_paths` is set; a reproducible sample (`--sample`,
    /// `--seed`) holding every exception and emergency, one folder per change
    /// with its record, history, approval verification, deadlines and linked
    /// commits; the policy versions in force; `index.html`; and
    /// `manifest.sha256`, which `sha256sum -c` verifies. `--verify DIR`
    /// re-checks a folder against its manifest and the repository (exit 1 on
    /// any difference).
    ///
    /// Example: `chg audit --period 2026-Q3 --output audit-2026-Q3`
    Audit(AuditArgs),
    /// Seal a period: an annotated tag (signed when git is set up to sign)
    /// holding the digest of every record of the period.
    ///
    /// `--verify` (and `chg check`) report every sealed record changed or
    /// removed after its seal, naming the commit, and a sealed commit no
    /// longer in the history (a force-pushed rewrite).
    ///
    /// Example: `chg seal --period 2026-11`
    Seal(SealArgs),
}

#[derive(Debug, Args)]
pub struct AuditArgs {
    /// The period: a quarter `2026-Q3` or a month `2026-11`.
    #[arg(long, value_name = "PERIOD", conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
    /// Start of the period, inclusive (a date or time, UTC).
    #[arg(long, value_name = "DATE", requires = "to")]
    pub from: Option<String>,
    /// End of the period, exclusive.
    #[arg(long, value_name = "DATE", requires = "from")]
    pub to: Option<String>,
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
pub struct EditArgs {
    /// The change id, e.g. CHG-2026-0042.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page into DIR/man1 (created if missing) instead of printing `chg.1`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The change manager, `"Name <email>"` or an email (default: you, from
    /// git's user.name and user.email). Repeat for several.
    #[arg(long, value_name = "PERSON")]
    pub change_manager: Vec<String>,
    /// Someone else in a role, `ROLE=PERSON`, e.g. `--role cab="Ana Silva <ana@acme.test>"`.
    /// Roles: change-manager, engineering-lead, cab, ciso, cto, ceo. Repeat for each person.
    #[arg(long, value_name = "ROLE=PERSON")]
    pub role: Vec<String>,
    /// Also write a CI workflow that runs `chg check --base` on pull requests.
    #[arg(long, value_enum, value_name = "SYSTEM", requires = "chg_source")]
    pub ci: Option<CiSystem>,
    /// Print, instead, the steps an application's deployment job adds to ask
    /// `chg gate` of the store repository (with `--ci github --chg-source`); nothing is written.
    #[arg(long, requires = "ci")]
    pub deploy: bool,
    /// Where the CI workflow installs chg from: `GIT_URL@REV` (pin a commit
    /// id or tag) or a version published on crates.io, e.g. `0.1.0`.
    #[arg(long, value_name = "SOURCE")]
    pub chg_source: Option<String>,
}

/// CI systems `chg init --ci` writes a workflow for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CiSystem {
    Github,
}

#[derive(Debug, Args)]
pub struct RenumberArgs {
    /// The change id to move, e.g. CHG-2026-0042.
    pub id: String,
}

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
    /// The quick form for an incident: prints whom to call, records verbal approvals.
    #[arg(long)]
    pub emergency: bool,
    /// Why this is an emergency (repeatable; with `--emergency`).
    #[arg(long = "criterion", value_enum, requires = "emergency")]
    pub criteria: Vec<CriterionArg>,
    /// The vulnerability's CVSS score (with `--criterion critical-vulnerability`).
    #[arg(long, requires = "emergency")]
    pub cvss: Option<f64>,
    /// What happens if the change is not made (with `--emergency`).
    #[arg(long, requires = "emergency")]
    pub impact_of_not_implementing: Option<String>,
    /// A verbal approval, `ROLE:EMAIL` (repeatable), e.g. `--verbal-approval ciso:carol@example.com`.
    #[arg(long = "verbal-approval", value_name = "ROLE:EMAIL", requires = "emergency")]
    pub verbal_approvals: Vec<String>,
    /// When the verbal approvals were given (default: now).
    #[arg(long, value_name = "TIME", requires = "emergency")]
    pub verbal_at: Option<String>,
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
    /// List what needs action now and by whom, like `chg status`.
    #[arg(long)]
    pub attention: bool,
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
    /// Also judge what the branch's commits since REF (e.g. `origin/main`) did to each record.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
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

#[derive(Debug, Args, Default)]
pub struct CalendarArgs {
    /// The first day shown (default: today, UTC).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// The day after the last day shown, exclusive (default: 15 days after `--from`, so today and the next 14 days).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
}
mirror!(CheckResultArg => CheckResult { Passed = "passed", Failed = "failed", NotRun = "not-run" });
mirror!(HealthArg => Health { Normal = "normal", Elevated = "elevated" });
mirror!(AccessArg => Access { Verified = "verified", Impaired = "impaired" });
mirror!(RoleArg => Role {
    ChangeManager = "change-manager", EngineeringLead = "engineering-lead", Cab = "cab",
    Ciso = "ciso", Cto = "cto", Ceo = "ceo"
});
mirror!(TriggerArg => Trigger {
    ErrorRate = "error-rate", ResponseTime = "response-time", CriticalFunctionality = "critical-functionality",
    SecurityVulnerability = "security-vulnerability", CustomerComplaints = "customer-complaints",
    CriticalBug = "critical-bug", DataCorruption = "data-corruption",
    PerformanceDegradation = "performance-degradation", CustomerImpact = "customer-impact"
});
mirror!(RollbackModeArg => RollbackMode { Immediate = "immediate", Planned = "planned" });
mirror!(CriterionArg => Criterion {
    CriticalVulnerability = "critical-vulnerability", ProductionDown = "production-down",
    DataCorruption = "data-corruption", CriticalFunctionality = "critical-functionality", SlaBreach = "sla-breach"
});

/// A change id, for commands that need nothing else.
#[derive(Debug, Args)]
pub struct IdArgs {
    /// The change id, e.g. CHG-2026-0042.
    pub id: String,
}

#[derive(Debug, Args)]
pub struct ApproveArgs {
    /// The change id.
    pub id: String,
    /// The role you approve in (default: your one role that this class needs).
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
    /// A comment kept with the approval.
    #[arg(long)]
    pub comment: Option<String>,
    /// Record a verbal approval (emergency changes only).
    #[arg(long)]
    pub verbal: bool,
    /// Who gave the verbal approval: an email or `Name <email>` (default: you).
    #[arg(long, value_name = "PERSON", requires = "verbal")]
    pub by: Option<String>,
    /// When the verbal approval was given (default: now).
    #[arg(long, value_name = "TIME", requires = "verbal")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct RejectArgs {
    /// The change id.
    pub id: String,
    /// Why the change is rejected.
    #[arg(long)]
    pub reason: Option<String>,
    /// The role you reject in (default: your one role that this class needs).
    #[arg(long, value_enum)]
    pub role: Option<RoleArg>,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    /// The change id.
    pub id: String,
    /// Start of the deployment window (RFC 3339, or `YYYY-MM-DD HH:MM` in UTC).
    #[arg(long, value_name = "TIME")]
    pub start: Option<String>,
    /// End of the deployment window.
    #[arg(long, value_name = "TIME")]
    pub end: Option<String>,
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

#[derive(Debug, Args)]
pub struct StartArgs {
    /// The change id.
    pub id: String,
    /// When implementation started, if not now (at most a day ago).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

/// Validation results after a deployment or a rollback.
#[derive(Debug, Args, Default)]
pub struct ValidationArgs {
    /// Smoke test result.
    #[arg(long, value_enum)]
    pub smoke_tests: Option<CheckResultArg>,
    /// Error rates against the baseline.
    #[arg(long, value_enum)]
    pub error_rates: Option<HealthArg>,
    /// Performance against the baseline.
    #[arg(long, value_enum)]
    pub performance: Option<HealthArg>,
    /// Whether customers can use the service.
    #[arg(long, value_enum)]
    pub customer_access: Option<AccessArg>,
    /// Minutes of monitoring after the deployment or rollback.
    #[arg(long, value_name = "N")]
    pub monitored_minutes: Option<u32>,
}

#[derive(Debug, Args)]
pub struct CompleteArgs {
    /// The change id.
    pub id: String,
    #[command(flatten)]
    pub validation: ValidationArgs,
    /// An issue met during implementation (repeatable).
    #[arg(long = "issue", value_name = "TEXT")]
    pub issues: Vec<String>,
    /// A deployment fact, `NAME=VALUE` (repeatable): environment, artifact digest, pipeline run URL.
    #[arg(long = "deployment", value_name = "NAME=VALUE")]
    pub deployment: Vec<String>,
    /// When implementation finished, if not now (at most a day ago).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct FailArgs {
    /// The change id.
    pub id: String,
    /// What went wrong (kept in `implementation.issues`).
    #[arg(long)]
    pub reason: Option<String>,
    #[command(flatten)]
    pub validation: ValidationArgs,
    /// When implementation stopped, if not now (at most a day ago).
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
}

#[derive(Debug, Args)]
pub struct CancelArgs {
    /// The change id.
    pub id: String,
    /// Why the change is cancelled.
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// The change id.
    pub id: String,
    /// What made the rollback necessary.
    #[arg(long, value_enum)]
    pub trigger: Option<TriggerArg>,
    /// Why, in words.
    #[arg(long)]
    pub reason: Option<String>,
    /// Immediate (emergency) or planned.
    #[arg(long, value_enum)]
    pub mode: Option<RollbackModeArg>,
    /// The rollback kind (default: the record's rollback kind); decides the RTO.
    #[arg(long, value_enum)]
    pub kind: Option<RollbackKindArg>,
    /// When the rollback started (RFC 3339, `YYYY-MM-DD HH:MM`, or `HH:MM` today in UTC).
    #[arg(long, value_name = "TIME")]
    pub started_at: Option<String>,
    /// When service was restored (default: now).
    #[arg(long, value_name = "TIME")]
    pub restored_at: Option<String>,
    /// An execution log entry (repeatable, in order).
    #[arg(long = "log", value_name = "TEXT")]
    pub log: Vec<String>,
    #[command(flatten)]
    pub validation: ValidationArgs,
    /// An issue met during the rollback (repeatable).
    #[arg(long = "issue", value_name = "TEXT")]
    pub issues: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The change id.
    pub id: String,
    /// What happened, in short.
    #[arg(long)]
    pub summary: Option<String>,
    /// What to do differently next time.
    #[arg(long)]
    pub lessons_learned: Option<String>,
    /// The root cause (after a rollback or an emergency).
    #[arg(long)]
    pub root_cause: Option<String>,
    /// How the change will be deployed again, with fixes (after a rollback).
    #[arg(long)]
    pub redeploy_plan: Option<String>,
    /// What prevents the emergency from recurring (post-emergency review).
    #[arg(long)]
    pub preventive_measures: Option<String>,
    /// Record the presentation of an emergency change at the CAB meeting.
    #[arg(long)]
    pub cab: bool,
    /// The date of the CAB meeting (with `--cab`; default: today).
    #[arg(long, value_name = "DATE", requires = "cab")]
    pub date: Option<String>,
    /// The CAB's feedback (with `--cab`).
    #[arg(long, requires = "cab")]
    pub feedback: Option<String>,
}

#[derive(Debug, Args, Default)]
pub struct StatusArgs {}
