//! `chg approve`: an approval in one of the approver's policy roles; the
//! status becomes approved when the class's rule is met (`Record::decide`).

use anyhow::Result;

use crate::action::{self, Action, Done};
use crate::approval::{choose_role, parse_approver, Verdict};
use crate::cli::ApproveArgs;
use crate::context::App;
use crate::error::Refusal;
use crate::record::{Decision, Method, Record, Status};

/// Records the approval and moves a submitted change to approved once it has enough.
pub fn run(args: &ApproveArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "approve", |act, record| {
        let method = if args.verbal { Method::Verbal } else { Method::Written };
        record.can_decide(Decision::Approved, method)?;
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
        let verdict = Verdict {
            by: &approver,
            role,
            decision: Decision::Approved,
            method,
            at,
            comment: args.comment.clone(),
        };
        let decided = record.decide(&act.policy, verdict)?;
        if decided.moved_to == Some(Status::Approved) {
            // Approval criteria: what `chg check` demands of an approved change.
            act.refuse_errors(record)?;
        }
        let how = if method == Method::Verbal {
            "verbal approval"
        } else {
            "approval"
        };
        let message = match (decided.moved_to, &decided.tally) {
            // A vote for it can still complete a quorum whose majority is against.
            (Some(Status::Rejected), Some(t)) => format!(
                "{}: {how} by {approver} as {role} recorded; the CAB rejected it, {} for, {} against; status `{}`",
                record.id, t.yes, t.no, record.status
            ),
            _ if decided.approvals.satisfied => format!(
                "{}: {how} by {approver} as {role} recorded; status `{}`",
                record.id, record.status
            ),
            _ => format!(
                "{}: {how} by {approver} as {role} recorded; it still needs {}",
                record.id,
                decided.approvals.missing.join(", or ")
            ),
        };
        Ok(Done::new(message).detail(if method == Method::Verbal {
            format!("{role}, verbal")
        } else {
            role.to_string()
        }))
    })
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
