//! `chg review`: the post-implementation review, the post-rollback actions,
//! the post-emergency review and the CAB presentation of an emergency. The
//! record decides where each note goes (`crate::review`); this reads the
//! flags, asks on a terminal and says what was recorded.

use anyhow::{bail, Result};

use crate::action::{self, Action, Done};
use crate::cli::ReviewArgs;
use crate::context::App;
use crate::policy::Policy;
use crate::record::{Classification, Record, Status};
use crate::review::{Assignment, ReviewNotes};
use crate::{timearg, wizard};

/// Records what the flags (and, on a terminal, the prompts) give.
pub fn run(args: &ReviewArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "review", |act, record| {
        let emergency = record.classification == Classification::Emergency;
        if args.cab {
            return cab(args, act, record);
        }
        if !args.measure_done.is_empty() {
            record.measures_done(&args.measure_done, act.now.date_naive())?;
            let list: Vec<String> = args.measure_done.iter().map(|n| n.to_string()).collect();
            return Ok(
                Done::new(format!("{}: preventive measure {} done", record.id, list.join(", ")))
                    .detail("preventive measures"),
            );
        }
        record.can_review()?;
        let rolled_back = record.reviews_rollback();
        let mut notes = ReviewNotes {
            summary: args.summary.clone(),
            lessons_learned: args.lessons_learned.clone(),
            root_cause: args.root_cause.clone(),
            redeploy_plan: args.redeploy_plan.clone(),
            preventive_measures: args.preventive_measures.clone(),
        };
        let verified = action::validation(&args.validation)?;
        let verifying = !verified.is_empty();
        if verifying {
            record.verify_rollback(verified, act.person())?;
        }
        if app.interactive {
            ask(&mut notes, record, rolled_back, emergency)?;
        }
        if notes.is_empty() && !verifying {
            bail!(
                "nothing to record\n  hint: give `--summary` and `--lessons-learned`{}{}",
                if rolled_back {
                    ", `--root-cause`, `--redeploy-plan`"
                } else {
                    ""
                },
                if emergency {
                    ", `--root-cause`, `--preventive-measures`"
                } else {
                    ""
                }
            );
        }
        // The owner and due date are read only for the measures they go with.
        let assignment = if record.takes_post_emergency(&notes) {
            Some(Assignment {
                owner: match &args.measure_owner {
                    Some(who) => crate::approval::parse_approver(who)?,
                    None => act.person().clone(),
                },
                due: args
                    .measure_due
                    .as_deref()
                    .map(|d| timearg::parse_date("--measure-due", d))
                    .transpose()?,
            })
        } else {
            None
        };
        let recorded = record.record_notes(&notes, assignment.as_ref(), act.now);
        let said: Vec<&str> = [
            (recorded.review, "review"),
            (verifying, "rollback verification"),
            (recorded.post_rollback, "post-rollback actions"),
            (recorded.post_emergency, "post-emergency review"),
        ]
        .into_iter()
        .filter_map(|(done, what)| done.then_some(what))
        .collect();
        let mut done = Done::new(format!("{}: recorded {}", record.id, said.join(", ")));
        done.notes.push(closing_note(record, &act.policy));
        Ok(done)
    })
}

/// `--cab`: the presentation of an emergency at the CAB meeting, on `--date` or today.
fn cab(args: &ReviewArgs, act: &Action, record: &mut Record) -> Result<Done> {
    // Refused before `--date` is read.
    record.can_present_to_cab()?;
    let date = args
        .date
        .as_deref()
        .map(|d| timearg::parse_date("--date", d))
        .transpose()?;
    let date = record.present_to_cab(&act.policy, date, args.feedback.clone(), act.now)?;
    let mut done = Done::new(format!("{}: presented to the CAB on {date}", record.id)).detail("cab");
    done.notes.push(closing_note(record, &act.policy));
    Ok(done)
}

/// Says whether the change may be closed now, or what it still owes.
fn closing_note(record: &Record, policy: &Policy) -> String {
    if !matches!(record.status, Status::Completed | Status::Failed | Status::RolledBack) {
        return format!("Close it once the implementation has ended: `chg close {}`", record.id);
    }
    let owed = record.owed_before_close(policy);
    if owed.is_empty() {
        format!("Ready to close: `chg close {}`", record.id)
    } else {
        format!("Still owed before closing: {}", owed.join(", "))
    }
}

/// Asks for what the flags left out and the record does not have yet.
fn ask(f: &mut ReviewNotes, record: &Record, rolled_back: bool, emergency: bool) -> Result<()> {
    let review = record.review.clone().unwrap_or_default();
    if f.summary.is_none() && review.summary.is_none() {
        f.summary = wizard::text("Summary of the implementation", false)?;
    }
    if f.lessons_learned.is_none() && review.lessons_learned.is_none() {
        f.lessons_learned = wizard::text("Lessons learned", false)?;
    }
    let post = record
        .rollbacks
        .last()
        .map(|e| e.post_actions.clone())
        .unwrap_or_default();
    let emergency_review = record
        .emergency
        .as_ref()
        .and_then(|e| e.post_review.clone())
        .unwrap_or_default();
    let need_root = (rolled_back && post.root_cause.is_none()) || (emergency && emergency_review.root_cause.is_none());
    if f.root_cause.is_none() && need_root {
        f.root_cause = wizard::text("Root cause", false)?;
    }
    if rolled_back && f.redeploy_plan.is_none() && post.redeploy_plan.is_none() {
        f.redeploy_plan = wizard::text("Re-deployment plan (with the fixes)", false)?;
    }
    if emergency && f.preventive_measures.is_empty() && emergency_review.preventive_measures.is_none() {
        if let Some(action) = wizard::text("Preventive measure (an action item)", false)? {
            f.preventive_measures.push(action);
        }
    }
    Ok(())
}
