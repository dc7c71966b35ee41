//! `chg completions` and `chg man`: shell completions and the man page, from clap.

use anyhow::{Context as _, Result};
use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs, ManArgs};
use crate::context::App;

/// Prints the completion script for a shell.
pub fn run(args: &CompletionsArgs, _app: &App) -> Result<u8> {
    let mut command = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "chg", &mut out);
    crate::output::print(&String::from_utf8_lossy(&out))?;
    Ok(0)
}

/// Prints the man page of chg (roff), or writes one page per subcommand into `--dir`.
pub fn man(args: &ManArgs, app: &App) -> Result<u8> {
    let Some(dir) = &args.dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(Cli::command()).render(&mut out)?;
        crate::output::print(&String::from_utf8_lossy(&out))?;
        return Ok(0);
    };
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // clap_mangen names each page after its command path (`chg-report-weekly.1`),
    // which is the name `man` looks it up by.
    clap_mangen::generate_to(Cli::command(), dir)
        .with_context(|| format!("cannot write the man pages in {}", dir.display()))?;
    if !app.args.quiet {
        let pages = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .filter(|e| {
                e.file_name().to_string_lossy().starts_with("chg") && e.file_name().to_string_lossy().ends_with(".1")
            })
            .count();
        eprintln!(
            "Wrote {pages} man pages in {}; add it to MANPATH for `man chg-new`",
            dir.display()
        );
    }
    Ok(0)
}
