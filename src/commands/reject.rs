//! `chg reject`: a submitted change is rejected, with the reason. A CAB
//! member's rejection of a change the CAB decides is a vote against it
//! (`Record::decide`).

use anyhow::Result;

use crate::action::{self, Done};
use crate::approval::{choose_role, Verdict};
use crate::cli::RejectArgs;
use crate::context::App;
use crate::record::{Decision, Method, Status};

/// Records the rejection as an approval entry with `decision: rejected`; a
/// CAB vote moves the change only once the count decides.
pub fn run(args: &RejectArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "reject", |act, record| {
        record.can_decide(Decision::Rejected, Method::Written)?;
        let reason = action::required_text(app, "--reason", args.reason.as_deref(), "Reason for rejecting")?;
        let role = choose_role(&act.policy, record, act.person(), args.role)?;
        let verdict = Verdict {
            by: act.person(),
            role,
            decision: Decision::Rejected,
            method: Method::Written,
            at: act.now,
            comment: Some(reason),
        };
        let decided = record.decide(&act.policy, verdict)?;
        let Some(tally) = decided.tally else {
            return Ok(
                Done::new(format!("{}: rejected by {} as {role}", record.id, act.person())).detail(role.to_string()),
            );
        };
        let head = format!("{}: vote against by {} as cab recorded", record.id, act.person());
        let count = format!("{} for, {} against", tally.yes, tally.no);
        let message = match decided.moved_to {
            Some(Status::Rejected) => format!("{head}; the CAB rejected it, {count}; status `{}`", record.status),
            // One vote against after enough for it: the majority approves.
            Some(Status::Approved) => {
                act.refuse_errors(record)?;
                format!("{head}; the CAB approved it, {count}; status `{}`", record.status)
            }
            _ => format!(
                "{head}; {count}: it still needs {}",
                decided.approvals.missing.join(", or ")
            ),
        };
        Ok(Done::new(message).detail(role.to_string()))
    })
}
