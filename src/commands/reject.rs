//! `chg reject`: a submitted change is rejected, with the reason. A CAB
//! member's rejection of a change the CAB decides is a vote against it.

use anyhow::Result;

use crate::action::{self, Done};
use crate::approval::choose_role;
use crate::cli::RejectArgs;
use crate::context::App;
use crate::record::{Decision, Role, Status};
use crate::rules::approval_status;

/// Records the rejection as an approval entry with `decision: rejected`; a
/// CAB vote moves the change only once the count decides.
pub fn run(args: &RejectArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "reject", |act, record| {
        record.can_move_to(Status::Rejected)?;
        let reason = action::required_text(app, "--reason", args.reason.as_deref(), "Reason for rejecting")?;
        let role = choose_role(&act.policy, record, act.person(), args.role)?;
        if role != Role::Cab {
            record.reject(act.person(), role, act.now, reason)?;
            return Ok(
                Done::new(format!("{}: rejected by {} as {role}", record.id, act.person())).detail(role.to_string()),
            );
        }
        let tally = record.vote(&act.policy, act.person(), Decision::Rejected, act.now, Some(reason))?;
        let state = approval_status(record, &act.policy);
        let head = format!("{}: vote against by {} as cab recorded", record.id, act.person());
        let count = format!("{} for, {} against", tally.yes, tally.no);
        let message = if tally.decision == Some(Decision::Rejected) {
            record.move_to(Status::Rejected)?;
            format!("{head}; the CAB rejected it, {count}; status `{}`", record.status)
        } else if state.satisfied {
            // One vote against after enough for it: the majority approves.
            record.move_to(Status::Approved)?;
            act.refuse_errors(record)?;
            format!("{head}; the CAB approved it, {count}; status `{}`", record.status)
        } else {
            format!("{head}; {count}: it still needs {}", state.missing.join(", or "))
        };
        Ok(Done::new(message).detail(role.to_string()))
    })
}
