//! The resolved options every command runs with: raw arguments become a
//! validated context once, before any command runs.

use std::io::IsTerminal;

use anyhow::{bail, Result};

use crate::cli::{ColorChoice, Format, GlobalArgs};
use crate::store::Store;

/// What a command needs besides its own arguments.
pub struct App {
    pub args: GlobalArgs,
    /// Colour on stdout.
    pub color: bool,
    /// Prompts may be shown (a terminal, and no `--no-input`).
    pub interactive: bool,
}

impl App {
    /// Resolves the global options.
    pub fn new(args: GlobalArgs) -> App {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => !no_color && std::io::stdout().is_terminal(),
        };
        let interactive = !args.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        crate::progress::enable(!args.quiet && std::io::stderr().is_terminal());
        App {
            args,
            color,
            interactive,
        }
    }

    /// Prints a diagnostic line on stderr with `--verbose`.
    pub fn verbose(&self, message: impl FnOnce() -> String) {
        if self.args.verbose {
            eprintln!("chg: {}", message());
        }
    }

    /// Opens the store, which must exist.
    pub fn store(&self) -> Result<Store> {
        let store = Store::locate(self.args.store.as_deref())?;
        store.require_exists()?;
        self.verbose(|| format!("store {}", store.dir().display()));
        Ok(store)
    }

    /// Returns the chosen format, or `default`; refuses one the command does not support.
    pub fn format(&self, default: Format, supported: &[Format]) -> Result<Format> {
        let format = self.args.format.unwrap_or(default);
        if !supported.contains(&format) && format != default {
            let names: Vec<String> = supported.iter().map(|f| format!("{f:?}").to_lowercase()).collect();
            bail!(
                "this command does not print `--format {}`\n  hint: use one of: {}",
                format!("{format:?}").to_lowercase(),
                names.join(", ")
            );
        }
        Ok(format)
    }
}
