//! `chg start`: scheduled → in-progress; an emergency may start from draft
//! once its verbal approvals are recorded.

use anyhow::Result;

use crate::action::{self, Done};
use crate::cli::StartArgs;
use crate::context::App;

/// Records `implementation.started_at` and moves to in-progress.
pub fn run(args: &StartArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "start", |act, record| {
        let at = action::backdate("--at", args.at.as_deref(), act.now)?;
        record.start(&act.policy, at)?;
        Ok(Done::started(record, at))
    })
}
