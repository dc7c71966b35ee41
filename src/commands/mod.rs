//! One file per subcommand, each with a `run`.

mod check;
mod init;
mod list;
mod new;

pub use new::Fields as NewFields;
mod schema;
mod show;

mod demo;
mod log;
mod metrics;

use anyhow::Result;

use crate::cli::Command;
use crate::context::App;

/// Runs one subcommand and returns its exit status.
pub fn dispatch(command: Command, app: &App) -> Result<u8> {
    match command {
        Command::Init(args) => init::run(&args, app),
        Command::New(args) => new::run(*args, app),
        Command::Show(args) => show::run(&args, app),
        Command::List(args) => list::run(&args, app),
        Command::Check(args) => check::run(&args, app),
        Command::Schema(args) => schema::run(&args, app),
        Command::Log(args) => log::run(&args, app),
        Command::Metrics(args) => metrics::run(&args, app),
        Command::Demo(args) => demo::run(&args, app),
    }
}
