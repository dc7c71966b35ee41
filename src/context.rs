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
        let color = match args.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => auto_color(|name| std::env::var(name).ok(), std::io::stdout().is_terminal()),
        };
        crate::output::set_quiet(args.quiet);
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
