//! `chg close`: a reviewed change is closed.

use anyhow::Result;

use crate::action::{self, Done};
use crate::cli::IdArgs;
use crate::context::App;
use crate::error::Refusal;
use crate::record::{Classification, Record, Status};

/// Moves completed, failed or rolled-back → closed once the reviews are recorded.
pub fn run(args: &IdArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "close", |_act, record| {
        action::transition(record, Status::Closed)?;
        let owed = owed(record);
        if !owed.is_empty() {
            return Err(Refusal::new(
                format!("{} cannot be closed yet: it lacks {}", record.id, owed.join(", ")),
                format!("record them with `chg review {}`", record.id),
            )
            .into());
        }
        record.status = Status::Closed;
        Ok(Done::new(format!("{}: closed", record.id)))
    })
}

/// Lists what a change still owes before it may be closed.
pub fn owed(record: &Record) -> Vec<String> {
    let mut owed = Vec::new();
    let review = record.review.clone().unwrap_or_default();
    if review.completed_at.is_none() || review.summary.is_none() {
        owed.push("the post-implementation review (`--summary`)".to_string());
    }
    if record.status == Status::RolledBack {
        if let Some(entry) = record.rollbacks.last() {
            let p = &entry.post_actions;
            for (missing, flag) in [
                (p.lessons_learned.is_none(), "--lessons-learned"),
                (p.root_cause.is_none(), "--root-cause"),
                (p.redeploy_plan.is_none(), "--redeploy-plan"),
            ] {
                if missing {
                    owed.push(format!("the post-rollback `{flag}`"));
                }
            }
        }
    }
    if record.classification == Classification::Emergency {
        let done = record
            .emergency
            .as_ref()
            .and_then(|e| e.post_review.as_ref())
            .is_some_and(|p| p.completed_at.is_some());
        if !done {
            owed.push("the post-emergency review (`--root-cause`, `--preventive-measures`)".to_string());
        }
        let presented = record
            .emergency
            .as_ref()
            .and_then(|e| e.cab_review.as_ref())
            .is_some_and(|c| c.date.is_some());
        if !presented {
            owed.push("the CAB presentation (`--cab --date`)".to_string());
        }
    }
    owed
}
