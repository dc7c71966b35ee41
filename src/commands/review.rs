//! `chg review`: the post-implementation review, the post-rollback actions,
//! the post-emergency review and the CAB presentation of an emergency.

use anyhow::{bail, Result};

use crate::action::{self, Action, Done};
use crate::cli::ReviewArgs;
use crate::context::App;
use crate::error::Refusal;
use crate::lifecycle;
use crate::policy::Policy;
use crate::record::{CabReview, Classification, Record, Status};
use crate::{timearg, wizard};

/// Records what the flags (and, on a terminal, the prompts) give.
pub fn run(args: &ReviewArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "review", |act, record| {
        let emergency = record.classification == Classification::Emergency;
        if args.cab {
            return cab(args, act, record, emergency);
        }
        let reviewable = matches!(record.status, Status::Completed | Status::Failed | Status::RolledBack)
            || (emergency && lifecycle::implemented(record.status) && record.status != Status::Closed);
        if !reviewable {
            return Err(Refusal::new(
                format!(
                    "{} is `{}`; a review follows the implementation",
                    record.id, record.status
                ),
                "review it once it is completed, failed or rolled back",
            )
            .into());
        }
        let rolled_back = record.status == Status::RolledBack && !record.rollbacks.is_empty();
        let mut f = Fields {
            summary: args.summary.clone(),
            lessons_learned: args.lessons_learned.clone(),
            root_cause: args.root_cause.clone(),
            redeploy_plan: args.redeploy_plan.clone(),
            preventive_measures: args.preventive_measures.clone(),
        };
        if app.interactive {
            ask(&mut f, record, rolled_back, emergency)?;
        }
        if f.is_empty() {
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
        let now = act.now;
        let review = record.review.get_or_insert_with(Default::default);
        if f.summary.is_some() {
            review.summary = f.summary.clone();
        }
        if f.lessons_learned.is_some() {
            review.lessons_learned = f.lessons_learned.clone();
        }
        if review.summary.is_some() && review.completed_at.is_none() {
            review.completed_at = Some(now);
        }
        let mut recorded = Vec::new();
        if rolled_back {
            if let Some(entry) = record.rollbacks.last_mut() {
                let p = &mut entry.post_actions;
                set(&mut p.lessons_learned, &f.lessons_learned);
                set(&mut p.root_cause, &f.root_cause);
                set(&mut p.redeploy_plan, &f.redeploy_plan);
                recorded.push("post-rollback actions");
            }
        }
        if emergency && (f.root_cause.is_some() || f.preventive_measures.is_some()) {
            let post = record
                .emergency
                .get_or_insert_with(Default::default)
                .post_review
                .get_or_insert_with(Default::default);
            set(&mut post.root_cause, &f.root_cause);
            set(&mut post.preventive_measures, &f.preventive_measures);
            if post.root_cause.is_some() && post.preventive_measures.is_some() && post.completed_at.is_none() {
                post.completed_at = Some(now);
            }
            recorded.push("post-emergency review");
        }
        if record.review.as_ref().is_some_and(|r| r.summary.is_some()) {
            recorded.insert(0, "review");
        }
        let mut done = Done::new(format!("{}: recorded {}", record.id, recorded.join(", ")));
        done.notes.push(closing_note(record, &act.policy));
        Ok(done)
    })
}

/// `--cab`: the presentation of an emergency at the CAB meeting, on `--date` or today.
fn cab(args: &ReviewArgs, act: &Action, record: &mut Record, emergency: bool) -> Result<Done> {
    if !emergency {
        return Err(Refusal::new(
            format!(
                "{} is a {} change; only emergencies are presented to the CAB afterwards",
                record.id, record.classification
            ),
            "leave out `--cab`",
        )
        .into());
    }
    let date = match &args.date {
        Some(d) => timearg::parse_date("--date", d)?,
        None => act.now.date_naive(),
    };
    record.emergency.get_or_insert_with(Default::default).cab_review = Some(CabReview {
        date: Some(date),
        feedback: args.feedback.clone(),
    });
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

#[derive(Default)]
struct Fields {
    summary: Option<String>,
    lessons_learned: Option<String>,
    root_cause: Option<String>,
    redeploy_plan: Option<String>,
    preventive_measures: Option<String>,
}

impl Fields {
    fn is_empty(&self) -> bool {
        self.summary.is_none()
            && self.lessons_learned.is_none()
            && self.root_cause.is_none()
            && self.redeploy_plan.is_none()
            && self.preventive_measures.is_none()
    }
}

fn set(slot: &mut Option<String>, value: &Option<String>) {
    if let Some(v) = value {
        *slot = Some(v.clone());
    }
}

/// Asks for what the flags left out and the record does not have yet.
fn ask(f: &mut Fields, record: &Record, rolled_back: bool, emergency: bool) -> Result<()> {
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
    if emergency && f.preventive_measures.is_none() && emergency_review.preventive_measures.is_none() {
        f.preventive_measures = wizard::text("Preventive measures", false)?;
    }
    Ok(())
}
