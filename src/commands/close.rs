//! `chg close`: a reviewed change is closed.

use anyhow::Result;

use crate::action::{self, Done};
use crate::cli::IdArgs;
use crate::context::App;

/// Moves completed, failed or rolled-back → closed once the reviews and the monitoring are recorded.
pub fn run(args: &IdArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "close", |act, record| {
        record.close(&act.policy)?;
        Ok(Done::new(format!("{}: closed", record.id)))
    })
}
