//! One integration test binary: each module drives the real `chg` binary in
//! real temporary git repositories.

#![allow(clippy::unwrap_used)]

mod support;

mod attention;
mod audit;
mod cab;
mod calendar;
mod check;
mod crash;
mod deploy;
mod docs;
mod durations;
mod emergencies;
mod emergency;
mod engine;
mod ev_times;
mod evidence;
mod files;
mod firstday;
mod formats;
mod forms;
mod fuzz_corpus;
mod gate;
mod gate_history;
mod golden;
mod guide15;
mod guide15b;
mod hardening;
mod hygiene;
mod injection;
mod lifecycle;
mod links;
mod manners;
mod numbers;
mod patches;
mod pipeline;
mod properties;
mod quarterly;
mod rehearsals;
mod reports;
mod rollbacks;
mod rules_lifecycle;
mod schemas;
mod store;
mod types;
mod views;
mod windows;
mod wizards;
mod yml_records;

mod history;
