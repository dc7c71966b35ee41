//! `chg cancel`: a change that has not started is cancelled, with the reason.

use anyhow::Result;

use crate::action::{self, Done};
use crate::cli::CancelArgs;
use crate::context::App;
use crate::record::Status;

/// Records `cancellation: {at, by, reason}` and moves to cancelled (`Record::cancel`).
pub fn run(args: &CancelArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "cancel", |act, record| {
        // Refused before the reason is asked for.
        record.can_move_to(Status::Cancelled)?;
        let reason = action::required_text(app, "--reason", args.reason.as_deref(), "Reason for cancelling")?;
        record.cancel(act.person(), act.now, reason)?;
        Ok(Done::new(format!("{}: cancelled", record.id)))
    })
}
