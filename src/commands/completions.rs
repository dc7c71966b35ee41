//! `chg completions` and `chg man`: shell completions and the man page, from clap.

use anyhow::{Context as _, Result};

use crate::cli::{self, CompletionsArgs, ManArgs};
use crate::context::App;

/// Prints the completion script for a shell.
pub fn run(args: &CompletionsArgs, _app: &App) -> Result<u8> {
    let mut command = cli::command();
    let mut out = Vec::new();
    clap_complete::generate(args.shell, &mut command, "chg", &mut out);
    crate::render::print(&String::from_utf8_lossy(&out))?;
    Ok(0)
}

/// Prints the man page of chg (roff), or writes one page per subcommand into `--dir`.
pub fn man(args: &ManArgs, app: &App) -> Result<u8> {
    let Some(dir) = &args.dir else {
        let mut out = Vec::new();
        clap_mangen::Man::new(cli::command()).render(&mut out)?;
        crate::render::print(&String::from_utf8_lossy(&out))?;
        return Ok(0);
    };
    // DIR is what goes on MANPATH; man looks for section 1 in DIR/man1.
    let section = dir.join("man1");
    std::fs::create_dir_all(&section).with_context(|| format!("cannot create {}", section.display()))?;
    // clap_mangen names each page after its command path (`chg-report-weekly.1`),
    // which is the name `man` looks it up by.
    clap_mangen::generate_to(cli::command(), &section)
        .with_context(|| format!("cannot write the man pages in {}", section.display()))?;
    if !app.quiet {
        let pages = std::fs::read_dir(&section)?
            .filter_map(|e| e.ok())
            .filter(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.starts_with("chg") && name.ends_with(".1")
            })
            .count();
        eprintln!(
            "Wrote {pages} man pages in {}; with {} on MANPATH, `man chg-new` finds them",
            section.display(),
            dir.display()
        );
    }
    Ok(0)
}
