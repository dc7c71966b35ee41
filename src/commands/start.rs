//! `chg start`: scheduled → in-progress; an emergency may start from draft
//! once its verbal approvals are recorded. Outside the approved window only
//! with a change manager's `--override REASON`.

use anyhow::Result;

use crate::action::{self, Done};
use crate::cli::StartArgs;
use crate::context::App;
use crate::record::WindowOverride;

/// Records `implementation.started_at` (and the override) and moves to in-progress.
pub fn run(args: &StartArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "start", |act, record| {
        let at = action::backdate("--at", args.at.as_deref(), act.now)?;
        let reason = args.override_reason.as_deref().map(str::trim);
        if reason == Some("") {
            return Err(action::missing("--override REASON"));
        }
        let window_override = reason.map(|reason| WindowOverride {
            by: act.person().clone(),
            at: act.now,
            reason: reason.to_string(),
        });
        record.start(&act.policy, at, window_override)?;
        let done = Done::started(record, at);
        Ok(match reason {
            Some(reason) => done.detail(format!("window override by {}: {reason}", act.person())),
            None => done,
        })
    })
}
