//! The command line, as clap derives it: the global options and the
//! subcommands here, each group's arguments in its own file.

mod lifecycle;
mod reading;
mod setup;

use std::ffi::OsStr;
use std::path::PathBuf;

use clap::builder::{EnumValueParser, PossibleValue, TypedValueParser};
use clap::{Arg, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::named::named_enum;

pub use lifecycle::*;
pub use reading::*;
pub use setup::*;

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

impl Format {
    /// Returns the name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Text => "text",
            Format::Json => "json",
            Format::Yaml => "yaml",
            Format::Markdown => "markdown",
            Format::Csv => "csv",
            Format::Github => "github",
            Format::Html => "html",
            Format::Ics => "ics",
        }
    }
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The subcommands, in the order of a change's life: the lifecycle
/// (new … close), then the reading commands, then setup; `--help` lists
/// them in this order.
#[derive(Debug, Subcommand)]
pub enum Command {
    // Lifecycle: create a change and take it through its states, in order.
    /// Create a change record (a wizard on a terminal; every field is also a flag).
    ///
    /// Example: `chg new --title "Rotate API keys" --impact low --likelihood medium --system api-gateway`
    New(Box<NewArgs>),
    /// Edit a record in `$VISUAL`/`$EDITOR`; it is saved only if it is valid.
    ///
    /// The editor runs without a shell. On errors it offers to re-open the
    /// editor; the record is unchanged if you give up.
    ///
    /// Example: `EDITOR=nano chg edit CHG-2026-0042`
    Edit(EditArgs),
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
    /// Record a rollback: trigger, times, log and validation; compares its duration with the RTO.
    ///
    /// Example: `chg rollback CHG-2026-0042 --trigger error-rate --reason "5xx at 7 %" --started-at 02:30`
    Rollback(Box<RollbackArgs>),
    /// Record a rollback rehearsal of a system, or of a change (in each of its systems' logs).
    ///
    /// Example: `chg rehearse billing-db --kind complex --minutes 38 --result passed`
    Rehearse(RehearseArgs),
    /// Record the monitoring after a deployment or a rollback: who watched, from–to, what was seen.
    ///
    /// Example: `chg monitor CHG-2026-0042 --from 02:41 --to 03:45 --observed "error rate flat, no alerts"`
    Monitor(MonitorArgs),
    /// Record the post-implementation review (and post-rollback or post-emergency actions).
    ///
    /// Example: `chg review CHG-2026-0042 --summary "went fine" --lessons-learned "none"`
    Review(ReviewArgs),
    /// Close a reviewed change.
    ///
    /// Example: `chg close CHG-2026-0042`
    Close(IdArgs),
    /// Cancel a change that has not started.
    ///
    /// Example: `chg cancel CHG-2026-0042 --reason "superseded by CHG-2026-0050"`
    Cancel(CancelArgs),
    /// Give a record the next free id, rename its file, and commit.
    ///
    /// For an id that a parallel branch took first (`chg check --base` says so).
    ///
    /// Example: `chg renumber CHG-2026-0042`
    Renumber(RenumberArgs),
    // Reading: what the store holds and says.
    /// Show one change record.
    ///
    /// Example: `chg show CHG-2026-0042 --format yaml`
    Show(ShowArgs),
    /// List change records, with filters.
    ///
    /// Example: `chg list --status submitted --format markdown`
    List(ListArgs),
    /// Show what needs action now, and by whom.
    ///
    /// Example: `chg status`
    Status(StatusArgs),
    /// Show the audit trail of one record from git: who changed which fields, when.
    ///
    /// Example: `chg log CHG-2026-0042 --format json`
    Log(LogArgs),
    /// Check the store (or the given files) against the schema and the policy.
    ///
    /// Prints `file:line:column: severity[rule]: message`. Exit status 0 when
    /// there is no error, 1 when a rule found one, 2 when a file cannot be parsed.
    ///
    /// Example: `chg check --format github`
    Check(CheckArgs),
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
    /// Compute the monthly metrics against their targets, and the figures the history judges.
    ///
    /// Example: `chg metrics --month 2026-11 --explain`
    Metrics(MetricsArgs),
    /// Print a report: weekly CAB, monthly management, quarterly executive.
    ///
    /// Formats: table (the default, for a terminal), markdown, json, html (one
    /// self-contained page that prints on A4).
    ///
    /// Example: `chg report weekly --week 2026-W47 --format html --output cab.html`
    Report(ReportArgs),
    // Setup.
    /// Create `changes/` with the default policy and standard-change templates.
    ///
    /// Example: `chg init`
    Init(InitArgs),
    /// Print the JSON Schema of records, the policy or templates.
    ///
    /// Example: `chg schema change > change.schema.json`
    Schema(SchemaArgs),
    /// Print shell completions.
    ///
    /// Example: `chg completions bash > ~/.local/share/bash-completion/completions/chg`
    Completions(CompletionsArgs),
    /// Print the man page (roff), or write one page per subcommand with `--dir`.
    ///
    /// With `--dir DIR`, writes `DIR/man1/chg.1`, `chg-new.1`,
    /// `chg-report-weekly.1` and the others, so `man chg-new` works once DIR
    /// is on the MANPATH.
    ///
    /// Example: `chg man --dir ~/.local/share/man`
    Man(ManArgs),
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

named_enum! {
    /// A subcommand without its arguments: what the `--format` check,
    /// `--help` and the man pages know of it. [`Command::verb`] matches every
    /// command and [`Verb::formats`] every verb, so a new command does not
    /// compile until it declares the formats it prints.
    pub enum Verb, fn name {
        New => "new",
        Edit => "edit",
        Submit => "submit",
        Approve => "approve",
        Reject => "reject",
        Schedule => "schedule",
        Start => "start",
        Complete => "complete",
        Fail => "fail",
        Rollback => "rollback",
        Rehearse => "rehearse",
        Monitor => "monitor",
        Review => "review",
        Close => "close",
        Cancel => "cancel",
        Renumber => "renumber",
        Show => "show",
        List => "list",
        Status => "status",
        Log => "log",
        Check => "check",
        Gate => "gate",
        Untracked => "untracked",
        Calendar => "calendar",
        Metrics => "metrics",
        Report => "report",
        Init => "init",
        Schema => "schema",
        Completions => "completions",
        Man => "man",
        Audit => "audit",
        Seal => "seal",
    }
}

impl Verb {
    /// Returns the formats the command prints, its default first. Any other
    /// `--format` is refused before the command runs.
    pub fn formats(self) -> &'static [Format] {
        use Format::{Csv, Github, Html, Ics, Json, Markdown, Table, Text, Yaml};
        match self {
            Verb::New => &[Text, Json],
            Verb::Show => &[Text, Yaml, Json, Markdown, Html],
            Verb::List => &[Table, Text, Json, Csv, Markdown],
            Verb::Status | Verb::Log => &[Text, Json],
            Verb::Check | Verb::Gate => &[Text, Json, Github],
            Verb::Untracked => &[Text, Json, Csv, Markdown],
            Verb::Calendar => &[Table, Markdown, Json, Ics],
            Verb::Metrics => &[Table, Json, Markdown],
            Verb::Report => &[Table, Markdown, Json, Html],
            // The schemas are JSON Schema documents.
            Verb::Schema => &[Json],
            // Text lines, and nothing else.
            Verb::Edit
            | Verb::Submit
            | Verb::Approve
            | Verb::Reject
            | Verb::Schedule
            | Verb::Start
            | Verb::Complete
            | Verb::Fail
            | Verb::Rollback
            | Verb::Rehearse
            | Verb::Monitor
            | Verb::Review
            | Verb::Close
            | Verb::Cancel
            | Verb::Renumber
            | Verb::Init
            | Verb::Completions
            | Verb::Man
            | Verb::Audit
            | Verb::Seal => &[Text],
        }
    }
}

impl Command {
    /// Returns the command without its arguments.
    pub fn verb(&self) -> Verb {
        match self {
            Command::New(_) => Verb::New,
            Command::Edit(_) => Verb::Edit,
            Command::Submit(_) => Verb::Submit,
            Command::Approve(_) => Verb::Approve,
            Command::Reject(_) => Verb::Reject,
            Command::Schedule(_) => Verb::Schedule,
            Command::Start(_) => Verb::Start,
            Command::Complete(_) => Verb::Complete,
            Command::Fail(_) => Verb::Fail,
            Command::Rollback(_) => Verb::Rollback,
            Command::Rehearse(_) => Verb::Rehearse,
            Command::Monitor(_) => Verb::Monitor,
            Command::Review(_) => Verb::Review,
            Command::Close(_) => Verb::Close,
            Command::Cancel(_) => Verb::Cancel,
            Command::Renumber(_) => Verb::Renumber,
            Command::Show(_) => Verb::Show,
            Command::List(_) => Verb::List,
            Command::Status(_) => Verb::Status,
            Command::Log(_) => Verb::Log,
            Command::Check(_) => Verb::Check,
            Command::Gate(_) => Verb::Gate,
            Command::Untracked(_) => Verb::Untracked,
            Command::Calendar(_) => Verb::Calendar,
            Command::Metrics(_) => Verb::Metrics,
            Command::Report(_) => Verb::Report,
            Command::Init(_) => Verb::Init,
            Command::Schema(_) => Verb::Schema,
            Command::Completions(_) => Verb::Completions,
            Command::Man(_) => Verb::Man,
            Command::Audit(_) => Verb::Audit,
            Command::Seal(_) => Verb::Seal,
        }
    }

    /// Returns the formats the command prints, its default first.
    pub fn formats(&self) -> &'static [Format] {
        self.verb().formats()
    }

    /// Returns the command as typed after `chg`: `approve`, `report weekly`.
    pub fn name(&self) -> String {
        match self {
            Command::Report(args) => format!(
                "report {}",
                match args.kind {
                    ReportKind::Weekly { .. } => "weekly",
                    ReportKind::Monthly { .. } => "monthly",
                    ReportKind::Quarterly { .. } => "quarterly",
                }
            ),
            _ => self.verb().name().to_string(),
        }
    }
}

/// `--format` as one command takes it: it parses every format as the global
/// option does (the command refuses one it does not print, naming those it
/// does), but offers only the command's own to `--help`, the man page and
/// shell completions.
#[derive(Clone)]
struct Prints(&'static [Format]);

impl TypedValueParser for Prints {
    type Value = Format;

    fn parse_ref(&self, cmd: &clap::Command, arg: Option<&Arg>, value: &OsStr) -> Result<Format, clap::Error> {
        EnumValueParser::<Format>::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(self.0.iter().filter_map(|f| f.to_possible_value())))
    }
}

/// Returns chg's command line with each subcommand's `--format` offering
/// the formats it prints: what `chg --help`, `chg man` and `chg completions`
/// describe and what [`parse`] reads.
pub fn command() -> clap::Command {
    let cli = Cli::command();
    let Some(global) = cli.get_arguments().find(|a| a.get_id() == "format").cloned() else {
        return cli;
    };
    Verb::ALL.iter().fold(cli, |cli, verb| {
        let own = global
            .clone()
            .value_parser(Prints(verb.formats()))
            .help(format!("Output format (`chg {verb}` prints only these)"));
        // clap gives a subcommand the global `--format` only when it has
        // none of its own, so this one takes its place.
        cli.mut_subcommand(verb.name(), |sub| sub.arg(own))
    })
}

/// Parses the command line (exiting with clap's usage error or help).
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_is_a_verb_in_the_same_order() {
        let cli = Cli::command();
        let names: Vec<&str> = cli.get_subcommands().map(|s| s.get_name()).collect();
        let verbs: Vec<&str> = Verb::ALL.iter().map(|v| v.name()).collect();
        assert_eq!(names, verbs);
    }
}
