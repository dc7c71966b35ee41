//! `chg start`: scheduled → in-progress; an emergency may start from draft
//! once its verbal approvals are recorded.

use anyhow::Result;
use chrono::{DateTime, Utc};

use crate::action::{self, Action, Done};
use crate::cli::StartArgs;
use crate::context::App;
use crate::error::Refusal;
use crate::record::{Classification, Record, Status};
use crate::rules::approval_status;

/// Records `implementation.started_at` and moves to in-progress.
pub fn run(args: &StartArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "start", |act, record| {
        let at = action::backdate("--at", args.at.as_deref(), act.now)?;
        begin(act, record, at)
    })
}

/// The one way a change starts, shared with `chg gate --start`: refuses an
/// illegal move or missing approvals, then sets `started_at` and the status.
pub fn begin(act: &Action, record: &mut Record, at: DateTime<Utc>) -> Result<Done> {
    action::transition(record, Status::InProgress)?;
    if record.classification != Classification::Standard {
        let state = approval_status(record, &act.policy);
        if !state.satisfied {
            let hint = if record.classification == Classification::Emergency {
                format!(
                    "record the verbal approvals first: `chg approve {} --verbal --role ciso --by EMAIL` (and cto, or the ceo)",
                    record.id
                )
            } else {
                format!("approvers run `chg approve {}`", record.id)
            };
            return Err(Refusal::new(
                format!(
                    "{} cannot start: it lacks the approvals of {} change ({})",
                    record.id,
                    action::a(record.classification),
                    state.missing.join(", or ")
                ),
                hint,
            )
            .into());
        }
    }
    record.implementation.get_or_insert_with(Default::default).started_at = Some(at);
    record.status = Status::InProgress;
    Ok(Done::new(format!(
        "{}: in progress since {}",
        record.id,
        at.format("%Y-%m-%d %H:%M UTC")
    )))
}
