//! `chg approve`: an approval in one of the approver's policy roles; the
//! status becomes approved when the class's rule is met.

use anyhow::Result;

use crate::action::{self, Action, Done};
use crate::approval::{choose_role, parse_approver};
use crate::cli::ApproveArgs;
use crate::context::App;
use crate::error::Refusal;
use crate::record::{Classification, Decision, Method, Record, Role, Status};
use crate::rules::approval_status;

/// Records the approval and moves a submitted change to approved once it has enough.
pub fn run(args: &ApproveArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "approve", |act, record| {
        let method = if args.verbal { Method::Verbal } else { Method::Written };
        refuse_unless_open(record, method)?;
        let approver = match &args.by {
            Some(text) => parse_approver(text)?,
            None => act.person().clone(),
        };
        let role = choose_role(&act.policy, record, &approver, args.role)?;
        confirm_calendar(act, app, record)?;
        let at = match method {
            Method::Verbal => action::backdate("--at", args.at.as_deref(), act.now)?,
            Method::Written => act.now,
        };
        // A CAB member's written approval is a vote for it (crate::vote).
        let tally = if role == Role::Cab && method == Method::Written {
            Some(record.vote(&act.policy, &approver, Decision::Approved, at, args.comment.clone())?)
        } else {
            record.add_approval(&approver, role, method, at, args.comment.clone())?;
            None
        };
        let state = approval_status(record, &act.policy);
        if state.satisfied && record.status == Status::Submitted {
            record.move_to(Status::Approved)?;
            // Approval criteria: what `chg check` demands of an approved change.
            act.refuse_errors(record)?;
        }
        let how = if method == Method::Verbal {
            "verbal approval"
        } else {
            "approval"
        };
        let rejected = tally.filter(|t| t.decision == Some(Decision::Rejected) && record.status == Status::Submitted);
        let message = if let Some(t) = rejected {
            // A vote for it can still complete a quorum whose majority is against.
            record.move_to(Status::Rejected)?;
            format!(
                "{}: {how} by {approver} as {role} recorded; the CAB rejected it, {} for, {} against; status `{}`",
                record.id, t.yes, t.no, record.status
            )
        } else if state.satisfied {
            format!(
                "{}: {how} by {approver} as {role} recorded; status `{}`",
                record.id, record.status
            )
        } else {
            format!(
                "{}: {how} by {approver} as {role} recorded; it still needs {}",
                record.id,
                state.missing.join(", or ")
            )
        };
        Ok(Done::new(message).detail(if method == Method::Verbal {
            format!("{role}, verbal")
        } else {
            role.to_string()
        }))
    })
}

/// Refuses a change that cannot take this approval: a standard change, one
/// not submitted (an emergency is approved after the fact), or a verbal
/// approval of anything but an emergency.
fn refuse_unless_open(record: &Record, method: Method) -> Result<()> {
    let class = record.classification;
    if class == Classification::Standard {
        return Err(Refusal::new(
            format!("{} is a standard change, pre-approved by its template", record.id),
            format!("`chg submit {}` approves it", record.id),
        )
        .into());
    }
    let open = match record.status {
        Status::Submitted => true,
        // Emergencies are approved in writing after the fact.
        Status::Rejected | Status::Cancelled => false,
        _ => class == Classification::Emergency,
    };
    if !open {
        return Err(Refusal::new(
            format!(
                "{} is `{}`; only a submitted change can be approved",
                record.id, record.status
            ),
            match record.status {
                Status::Draft => format!("submit it first: `chg submit {}`", record.id),
                _ => "nothing to approve in this state".to_string(),
            },
        )
        .into());
    }
    if method == Method::Verbal && class != Classification::Emergency {
        return Err(Refusal::new(
            format!(
                "{} is a {class} change; only emergency changes take verbal approvals",
                record.id
            ),
            "approve it in writing: leave out `--verbal`",
        )
        .into());
    }
    Ok(())
}

/// Shows what the calendar finds for the change and, on a terminal, asks
/// whether to approve all the same.
fn confirm_calendar(act: &Action, app: &App, record: &Record) -> Result<()> {
    // The approver decides knowing what the calendar finds for the change.
    let (loaded, _) = act.store.load_all()?;
    let others: Vec<&Record> = loaded.iter().map(|l| &l.record).collect();
    let problems = crate::calendar::problems_for(record, &others, &act.policy);
    if !problems.is_empty() {
        crate::render::eprint(crate::calendar::describe_problems(&record.id, &problems).trim_end());
        if app.interactive && !crate::wizard::confirm(&format!("Approve {} all the same?", record.id), false)? {
            return Err(Refusal::new(
                format!(
                    "{} was not approved: declined at the prompt; nothing was written",
                    record.id
                ),
                "settle the calendar problems (`chg calendar`), then approve",
            )
            .into());
        }
    }
    Ok(())
}
