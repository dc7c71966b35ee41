//! The arguments of the setup commands: init, schema, completions, man.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

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
    /// A system's rollback rehearsals (`changes/rehearsals/<system>.yaml`).
    Rehearsals,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page into DIR/man1 (created if missing) instead of printing `chg.1`.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}
