//! One file per subcommand, each with a `run`.

mod approve;
mod audit;
mod calendar;
mod cancel;
mod check;
mod close;
mod complete;
mod completions;
mod edit;
mod emergency;
mod fail;
mod gate;
mod init;
mod list;
mod log;
pub(crate) mod metrics;
mod monitor;
mod new;
mod rehearse;
mod reject;
mod renumber;
mod report;
mod review;
mod rollback;
mod schedule;
mod schema;
mod seal;
mod show;
mod start;
mod status;
mod submit;
mod untracked;

use anyhow::Result;

use crate::cli::Command;
use crate::context::App;

/// Runs one subcommand and returns its exit status.
pub fn dispatch(command: Command, app: &App) -> Result<u8> {
    match command {
        Command::Init(args) => init::run(&args, app),
        // The quick form for an incident is its own command behind the flag.
        Command::New(args) if args.quick_emergency() => emergency::run(*args, app),
        Command::New(args) => new::run(*args, app),
        Command::Show(args) => show::run(&args, app),
        // `list --attention` is the status page.
        Command::List(args) if args.attention => status::run(&Default::default(), app),
        Command::List(args) => list::run(&args, app),
        Command::Check(args) => check::run(&args, app),
        Command::Schema(args) => schema::run(&args, app),
        Command::Renumber(args) => renumber::run(&args, app),
        Command::Edit(args) => edit::run(&args, app),
        Command::Completions(args) => completions::run(&args, app),
        Command::Man(args) => completions::man(&args, app),
        Command::Report(args) => report::run(&args, app),
        Command::Calendar(args) => calendar::run(&args, app),
        Command::Submit(args) => submit::run(&args, app),
        Command::Approve(args) => approve::run(&args, app),
        Command::Reject(args) => reject::run(&args, app),
        Command::Schedule(args) => schedule::run(&args, app),
        Command::Start(args) => start::run(&args, app),
        Command::Complete(args) => complete::run(&args, app),
        Command::Fail(args) => fail::run(&args, app),
        Command::Cancel(args) => cancel::run(&args, app),
        Command::Rollback(args) => rollback::run(&args, app),
        Command::Rehearse(args) => rehearse::run(&args, app),
        Command::Monitor(args) => monitor::run(&args, app),
        Command::Review(args) => review::run(&args, app),
        Command::Close(args) => close::run(&args, app),
        Command::Gate(args) => gate::run(&args, app),
        Command::Untracked(args) => untracked::run(&args, app),
        Command::Status(args) => status::run(&args, app),
        Command::Log(args) => log::run(&args, app),
        Command::Metrics(args) => metrics::run(&args, app),
        Command::Audit(args) => audit::run(&args, app),
        Command::Seal(args) => seal::run(&args, app),
    }
}
