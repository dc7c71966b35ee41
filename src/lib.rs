//! chg: IT change management over a git-backed store of YAML change records.

#![cfg_attr(test, allow(clippy::unwrap_used))]

pub mod audit;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod commands;
pub mod context;
pub mod document;
pub mod editor;
pub mod error;
pub mod finding;
pub mod gate;
pub mod git;
pub mod ics;
pub mod id;
pub mod lifecycle;
pub mod parallel;
pub mod period;
pub mod person;
pub mod policy;
pub mod progress;
pub mod record;
pub mod render;
pub mod report;
pub mod rfc3339;
pub mod rule;
pub mod rules;
pub mod schema;
pub mod scope;
pub mod store;
pub mod suggest;
pub mod template;
pub mod timearg;
pub mod wizard;
pub(crate) mod yaml_patch;
pub mod yaml_writer;

pub mod action;
pub mod approval;
pub mod attention;
pub mod demo;
pub mod field_diff;
pub mod files;
pub mod history;
pub mod metrics;

/// Runs a parsed command line and returns the exit status.
pub fn run(cli: cli::Cli) -> anyhow::Result<u8> {
    let app = context::App::new(cli.global, &cli.command)?;
    commands::dispatch(cli.command, &app)
}
