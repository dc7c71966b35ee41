//! One integration test binary: each module drives the real `chg` binary in
//! real temporary git repositories.

#![allow(clippy::unwrap_used)]

mod support;

mod check;
mod store;

mod history;
