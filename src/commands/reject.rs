//! `chg reject`: a submitted change is rejected, with the reason.

use anyhow::Result;

use crate::action::{self, Done};
use crate::cli::RejectArgs;
use crate::context::App;
use crate::record::{Approval, Decision, Method, Status};

/// Records the rejection as an approval entry with `decision: rejected`.
pub fn run(args: &RejectArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "reject", |act, record| {
        action::transition(record, Status::Rejected)?;
        let reason = action::required_text(app, "--reason", args.reason.as_deref(), "Reason for rejecting")?;
        let role = super::approve::actor_role(act, record, args.role)?;
        record.approvals.push(Approval {
            role,
            approver: act.person().clone(),
            decision: Decision::Rejected,
            method: Method::Written,
            at: act.now,
            comment: Some(reason),
            scope: Some(record.scope_digest()),
        });
        record.status = Status::Rejected;
        Ok(Done::new(format!("{}: rejected by {} as {role}", record.id, act.person())).detail(role.to_string()))
    })
}
