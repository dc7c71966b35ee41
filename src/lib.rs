//! chg: IT change management over a git-backed store of YAML change records.

#![cfg_attr(test, allow(clippy::unwrap_used))]

// The binaries use the library: `chg` its CLI and errors, `chg-demo` and
// the integration tests the domain (records, policy, store, rules). The
// rest is private to the crate, so the compiler reports what nothing uses.
pub(crate) mod action;
pub(crate) mod aftermath;
// Public for chg-demo, which decides on its records as `chg approve` does.
pub mod approval;
pub(crate) mod attention;
pub(crate) mod audit;
pub(crate) mod calendar;
pub mod cli;
pub(crate) mod clock;
pub(crate) mod code_repos;
pub(crate) mod commands;
pub(crate) mod context;
pub mod document;
pub mod draft;
pub(crate) mod duration;
pub(crate) mod editor;
pub(crate) mod emergency_form;
pub mod error;
pub(crate) mod field_diff;
pub(crate) mod files;
pub(crate) mod finding;
pub(crate) mod forms;
#[doc(hidden)]
pub mod fuzzing;
pub(crate) mod gate;
pub mod git;
pub(crate) mod github;
pub(crate) mod history;
pub(crate) mod ics;
pub mod id;
pub(crate) mod lifecycle;
// Public for the tests that hold docs/ to the list of metrics.
pub mod metrics;
pub(crate) mod monitoring;
pub(crate) mod named;
pub(crate) mod parallel;
pub(crate) mod period;
pub mod person;
pub mod policy;
pub mod progress;
pub mod record;
pub(crate) mod rehearsal;
pub mod render;
pub(crate) mod report;
pub(crate) mod review;
pub(crate) mod rfc3339;
pub mod rule;
pub mod rules;
pub(crate) mod schema;
pub(crate) mod scope;
pub mod store;
pub(crate) mod suggest;
pub mod template;
pub(crate) mod text_serde;
pub(crate) mod timearg;
pub(crate) mod vote;
pub(crate) mod wizard;
pub(crate) mod yaml_patch;
pub(crate) mod yaml_writer;

/// Runs a parsed command line and returns the exit status.
pub fn run(cli: cli::Cli) -> anyhow::Result<u8> {
    let app = context::App::new(cli.global, &cli.command)?;
    commands::dispatch(cli.command, &app)
}
