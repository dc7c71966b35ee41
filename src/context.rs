//! The resolved options every command runs with: raw arguments become a
//! validated context once, before any command runs.

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::cli::{ColorChoice, Command, Format, GlobalArgs};
use crate::rule::Rule;
use crate::store::Store;

/// What a command needs besides its own arguments, resolved once before it runs.
pub struct App {
    /// The store folder asked for (`--store`, `CHG_STORE`); None: `changes/` at the work tree's root.
    pub store_dir: Option<PathBuf>,
    /// Actions commit what they write (no `--no-commit`).
    pub commit: bool,
    /// Print only errors (`--quiet`).
    pub quiet: bool,
    /// Also print what was read and how long it took (`--verbose`).
    pub verbose: bool,
    /// The format to print in: the one asked for, which the command prints,
    /// or the command's default.
    pub format: Format,
    /// The time every deadline and default date is judged at (`CHG_NOW` fixes it).
    pub now: DateTime<Utc>,
    /// Colour on stdout.
    pub color: bool,
    /// Prompts may be shown (a terminal, and no `--no-input`).
    pub interactive: bool,
    /// The width tables wrap to: None on a terminal (its own width).
    pub width: Option<u16>,
    /// Long work shows its progress on stderr (a terminal, and no `--quiet`).
    pub progress: bool,
}

/// A `--format` the command does not print: a usage error (exit 2).
#[derive(Debug)]
pub struct UnsupportedFormat {
    pub command: String,
    pub format: Format,
    pub supported: &'static [Format],
}

impl std::fmt::Display for UnsupportedFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.supported.iter().map(|s| s.name()).collect();
        write!(
            f,
            "`chg {}` does not print `--format {}`\n  hint: use one of: {}",
            self.command,
            self.format.name(),
            names.join(", ")
        )
    }
}

impl std::error::Error for UnsupportedFormat {}

impl App {
    /// Resolves the global options for `command`: refuses a format it does
    /// not print, reads the clock once, decides colour and prompting.
    pub fn new(args: GlobalArgs, command: &Command) -> Result<App> {
        crate::clock::validate_env()?;
        let stdout_terminal = std::io::stdout().is_terminal();
        let format = resolve_format(args.format, command, stdout_terminal)?;
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => auto_color(|name| std::env::var(name).ok(), stdout_terminal),
        };
        let interactive = !args.no_input && std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
        let progress = !args.quiet && std::io::stderr().is_terminal();
        Ok(App {
            store_dir: args.store,
            commit: !args.no_commit,
            quiet: args.quiet,
            verbose: args.verbose,
            format,
            now: crate::clock::now(),
            color,
            interactive,
            width: (!stdout_terminal).then_some(crate::render::Look::FILE_WIDTH),
            progress,
        })
    }

    /// Returns how text output looks on stdout.
    pub fn look(&self) -> crate::render::Look {
        crate::render::Look {
            color: self.color,
            width: self.width,
        }
    }

    /// Prints a diagnostic line on stderr with `--verbose`.
    pub fn verbose(&self, message: impl FnOnce() -> String) {
        if self.verbose {
            eprintln!("chg: {}", message());
        }
    }

    /// Prints a warning on stderr, unless `-q` asked for errors only.
    pub fn warn(&self, text: &str) {
        if !self.quiet {
            crate::render::eprint(text);
        }
    }

    /// Prints a rule's warning on stderr as `warning[rule]: message`, unless `-q`.
    pub fn warn_rule(&self, rule: Rule, message: &str) {
        self.warn(&format!("warning[{rule}]: {message}"));
    }

    /// Opens the store, which must exist.
    pub fn store(&self) -> Result<Store> {
        let store = Store::locate(self.store_dir.as_deref())?.show_progress(self.progress);
        store.require_exists()?;
        self.verbose(|| format!("store {}", store.dir().display()));
        Ok(store)
    }
}

/// The format a command prints in: the one asked for if the command prints
/// it, else its default (the first it declares). A table is for a terminal:
/// into a pipe a command that also prints plain lines prints those, so
/// `grep` and `cut` see whole records.
fn resolve_format(asked: Option<Format>, command: &Command, terminal: bool) -> Result<Format> {
    let supported = command.formats();
    match asked {
        Some(format) if supported.contains(&format) => Ok(format),
        Some(format) => Err(UnsupportedFormat {
            command: command.name(),
            format,
            supported,
        }
        .into()),
        None if supported[0] == Format::Table && !terminal && supported.contains(&Format::Text) => Ok(Format::Text),
        None => Ok(supported[0]),
    }
}

/// Decides `--color auto` by the conventions ripgrep and most tools follow
/// (no-color.org, bixense.com/clicolors): `NO_COLOR` (not empty) turns colour
/// off, and wins; `CLICOLOR_FORCE` (not empty, not `0`) turns it on even
/// into a pipe; `CLICOLOR=0` or `TERM=dumb` turn it off; otherwise colour
/// goes to a terminal only.
fn auto_color(var: impl Fn(&str) -> Option<String>, terminal: bool) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") {
        return true;
    }
    if set("CLICOLOR").is_some_and(|v| v == "0") || set("TERM").is_some_and(|v| v == "dumb") {
        return false;
    }
    terminal
}

#[cfg(test)]
mod tests {
    use super::auto_color;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| pairs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn colour_conventions() {
        assert!(auto_color(env(&[]), true));
        assert!(!auto_color(env(&[]), false));
        assert!(auto_color(env(&[("CLICOLOR_FORCE", "1")]), false));
        assert!(!auto_color(env(&[("CLICOLOR_FORCE", "0")]), false));
        assert!(!auto_color(env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), true));
        assert!(auto_color(env(&[("NO_COLOR", "")]), true), "an empty NO_COLOR is unset");
        assert!(!auto_color(env(&[("TERM", "dumb")]), true));
        assert!(!auto_color(env(&[("CLICOLOR", "0")]), true));
        assert!(auto_color(env(&[("TERM", "dumb"), ("CLICOLOR_FORCE", "1")]), false));
    }
}
