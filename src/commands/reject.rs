//! `chg reject`: a submitted change is rejected, with the reason.

use anyhow::Result;

use crate::action::{self, Done};
use crate::approval::choose_role;
use crate::cli::RejectArgs;
use crate::context::App;
use crate::record::Status;

/// Records the rejection as an approval entry with `decision: rejected`.
pub fn run(args: &RejectArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "reject", |act, record| {
        record.can_move_to(Status::Rejected)?;
        let reason = action::required_text(app, "--reason", args.reason.as_deref(), "Reason for rejecting")?;
        let role = choose_role(&act.policy, record, act.person(), args.role)?;
        record.reject(act.person(), role, act.now, reason)?;
        Ok(Done::new(format!("{}: rejected by {} as {role}", record.id, act.person())).detail(role.to_string()))
    })
}
