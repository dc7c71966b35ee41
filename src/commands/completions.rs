//! `chg completions` and `chg man`: shell completions and the man page, from clap.

use anyhow::Result;
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::context::App;

/// Prints the completion script for a shell.
pub fn run(args: &CompletionsArgs, _app: &App) -> Result<u8> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "chg", &mut out);
    crate::output::print(&String::from_utf8_lossy(&out))?;
    Ok(0)
}

/// Prints the man page (roff).
pub fn man(_app: &App) -> Result<u8> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    crate::output::print(&String::from_utf8_lossy(&out))?;
    Ok(0)
}
