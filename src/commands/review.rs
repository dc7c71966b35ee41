//! `chg review`: the post-implementation review, the post-rollback actions,
//! the post-emergency review and the CAB presentation of an emergency.

use anyhow::{bail, Result};
use chrono::{DateTime, NaiveDate, Utc};

use crate::action::{self, Action, Done};
use crate::cli::ReviewArgs;
use crate::context::App;
use crate::error::Refusal;
use crate::lifecycle;
use crate::person::Person;
use crate::policy::Policy;
use crate::record::{
    CabReview, Classification, MeasureState, PreventiveMeasure, PreventiveMeasures, Record, RollbackEntry, Status,
    Validation,
};
use crate::{timearg, wizard};

/// Records what the flags (and, on a terminal, the prompts) give.
pub fn run(args: &ReviewArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "review", |act, record| {
        let emergency = record.classification == Classification::Emergency;
        if args.cab {
            return cab(args, act, record, emergency);
        }
        if !args.measure_done.is_empty() {
            return measures_done(record, &args.measure_done, act.now);
        }
        let reviewable = matches!(record.status, Status::Completed | Status::Failed | Status::RolledBack)
            || (emergency && lifecycle::implemented(record.status) && record.status != Status::Closed);
        if !reviewable {
            return Err(refuse_status(
                record,
                "a review follows the implementation",
                "review it once it is completed, failed or rolled back",
            ));
        }
        let rolled_back = record.status == Status::RolledBack && !record.rollbacks.is_empty();
        let mut f = Fields {
            summary: args.summary.clone(),
            lessons_learned: args.lessons_learned.clone(),
            root_cause: args.root_cause.clone(),
            redeploy_plan: args.redeploy_plan.clone(),
            preventive_measures: args.preventive_measures.clone(),
        };
        let verified = action::validation(&args.validation)?;
        let verifying = !verified.is_empty();
        if verifying {
            if !rolled_back {
                return Err(refuse_status(
                    record,
                    "verification flags record what was checked after a rollback",
                    "record a deployment's validation with `chg complete`",
                ));
            }
            if let Some(entry) = record.rollbacks.last_mut() {
                add_verification(entry, verified, act.person())?;
            }
        }
        if app.interactive {
            ask(&mut f, record, rolled_back, emergency)?;
        }
        if f.is_empty() && !verifying {
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
        f.record_review(record, now);
        let mut recorded = Vec::new();
        if verifying {
            recorded.push("rollback verification");
        }
        if rolled_back && !f.is_empty() {
            if let Some(entry) = record.rollbacks.last_mut() {
                let p = &mut entry.post_actions;
                set(&mut p.lessons_learned, &f.lessons_learned);
                set(&mut p.root_cause, &f.root_cause);
                set(&mut p.redeploy_plan, &f.redeploy_plan);
                recorded.push("post-rollback actions");
            }
        }
        if emergency && (f.root_cause.is_some() || !f.preventive_measures.is_empty()) {
            let owner = match &args.measure_owner {
                Some(who) => crate::approval::parse_approver(who)?,
                None => act.actor.person.clone(),
            };
            let due = match &args.measure_due {
                Some(d) => timearg::parse_date("--measure-due", d)?,
                None => now.date_naive() + chrono::Duration::days(MEASURE_DAYS),
            };
            f.record_post_emergency(record, &owner, due, now);
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

/// Refuses a review flag in a status it does not follow.
fn refuse_status(record: &Record, why: &str, hint: &str) -> anyhow::Error {
    Refusal::new(format!("{} is `{}`; {why}", record.id, record.status), hint).into()
}

impl Fields {
    /// Sets the post-implementation review's summary and lessons; a summary completes it.
    fn record_review(&self, record: &mut Record, now: DateTime<Utc>) {
        if self.summary.is_none() && self.lessons_learned.is_none() {
            return;
        }
        let review = record.review.get_or_insert_with(Default::default);
        set(&mut review.summary, &self.summary);
        set(&mut review.lessons_learned, &self.lessons_learned);
        if review.summary.is_some() && review.completed_at.is_none() {
            review.completed_at = Some(now);
        }
    }

    /// Sets the post-emergency review's root cause and adds its preventive
    /// measures, owned by `owner` and due on `due`; with both it is complete.
    fn record_post_emergency(&self, record: &mut Record, owner: &Person, due: NaiveDate, now: DateTime<Utc>) {
        let post = record
            .emergency
            .get_or_insert_with(Default::default)
            .post_review
            .get_or_insert_with(Default::default);
        set(&mut post.root_cause, &self.root_cause);
        if !self.preventive_measures.is_empty() {
            // The older one-line form becomes the first action item.
            let mut items: Vec<PreventiveMeasure> = Vec::new();
            let mut actions: Vec<String> = Vec::new();
            match post.preventive_measures.take() {
                Some(PreventiveMeasures::Items(old)) => items = old,
                Some(PreventiveMeasures::Text(text)) if !text.trim().is_empty() => actions.push(text),
                _ => {}
            }
            actions.extend(self.preventive_measures.iter().cloned());
            items.extend(actions.into_iter().map(|action| PreventiveMeasure {
                action,
                owner: owner.clone(),
                due,
                state: MeasureState::Open,
                done_on: None,
            }));
            post.preventive_measures = Some(PreventiveMeasures::Items(items));
        }
        let measures = post.preventive_measures.as_ref().is_some_and(|m| !m.is_empty());
        if post.root_cause.is_some() && measures && post.completed_at.is_none() {
            post.completed_at = Some(now);
        }
    }
}

/// How long a preventive measure has by default: the guide gives no
/// figure; a month keeps it in sight of the next monthly report.
const MEASURE_DAYS: i64 = 30;

/// Marks preventive measures done, by their number; a closed change too,
/// since measures often outlive the change.
fn measures_done(record: &mut Record, numbers: &[usize], now: chrono::DateTime<chrono::Utc>) -> Result<Done> {
    let id = record.id.clone();
    let items = match record
        .emergency
        .as_mut()
        .and_then(|e| e.post_review.as_mut())
        .and_then(|p| p.preventive_measures.as_mut())
    {
        Some(PreventiveMeasures::Items(items)) => items,
        _ => {
            return Err(Refusal::new(
                format!("{id} has no preventive measures as action items"),
                format!(
                "add them with `chg review {id} --preventive-measures ACTION --measure-owner EMAIL --measure-due DATE`"
            ),
            )
            .into())
        }
    };
    let count = items.len();
    for n in numbers {
        let Some(m) = n.checked_sub(1).and_then(|i| items.get_mut(i)) else {
            return Err(Refusal::new(
                format!("{id} has no preventive measure {n}; it has {count}"),
                format!("see them numbered with `chg show {id}`"),
            )
            .into());
        };
        if m.state != MeasureState::Done {
            m.state = MeasureState::Done;
            m.done_on = Some(now.date_naive());
        }
    }
    let list: Vec<String> = numbers.iter().map(|n| n.to_string()).collect();
    Ok(Done::new(format!("{id}: preventive measure {} done", list.join(", "))).detail("preventive measures"))
}

/// Adds results to a rollback's verification: a result already recorded
/// stays as it is (it is evidence), and the person recording is named.
fn add_verification(entry: &mut RollbackEntry, given: Validation, by: &Person) -> Result<()> {
    let mut v = entry.validation.clone().unwrap_or_default();
    let mut merged = given.clone();
    fn keep<T: Copy + PartialEq + std::fmt::Display>(old: Option<T>, new: &mut Option<T>, name: &str) -> Result<()> {
        match (old, *new) {
            (Some(o), Some(n)) if o != n => bail!(
                "the rollback's {name} are already recorded as `{o}`; a recorded result stays\n  hint: leave out the flag, and say what changed in the review's lessons learned"
            ),
            (Some(o), _) => *new = Some(o),
            _ => {}
        }
        Ok(())
    }
    keep(v.smoke_tests, &mut merged.smoke_tests, "smoke tests")?;
    keep(v.error_rates, &mut merged.error_rates, "error rates")?;
    keep(v.performance, &mut merged.performance, "performance results")?;
    keep(
        v.customer_access,
        &mut merged.customer_access,
        "customer access results",
    )?;
    keep(v.monitored_minutes, &mut merged.monitored_minutes, "monitored minutes")?;
    keep(
        v.full_test_suite,
        &mut merged.full_test_suite,
        "full test suite results",
    )?;
    keep(v.security, &mut merged.security, "security verification results")?;
    for (k, text) in std::mem::take(&mut v.not_run_reasons) {
        merged.not_run_reasons.entry(k).or_insert(text);
    }
    merged.verified_by = std::mem::take(&mut v.verified_by);
    if !merged.verified_by.last().is_some_and(|p| p.same_as(by)) {
        merged.verified_by.push(by.clone());
    }
    action::check_not_run_reasons(&merged)?;
    entry.validation = Some(merged);
    Ok(())
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
    // A presentation is recorded once it took place: a date to come would
    // let `chg close` pass before the meeting (issue 15.8).
    let today = act.policy.cab_meeting.day_of(act.now);
    if date > today {
        anyhow::bail!(
            "`--date {date}` is after today ({today} at the CAB meeting's place): record the presentation once it has taken place\n  hint: run `chg review {} --cab --date …` after the meeting, with its date",
            record.id
        );
    }
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
    preventive_measures: Vec<String>,
}

impl Fields {
    fn is_empty(&self) -> bool {
        self.summary.is_none()
            && self.lessons_learned.is_none()
            && self.root_cause.is_none()
            && self.redeploy_plan.is_none()
            && self.preventive_measures.is_empty()
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
    if emergency && f.preventive_measures.is_empty() && emergency_review.preventive_measures.is_none() {
        if let Some(action) = wizard::text("Preventive measure (an action item)", false)? {
            f.preventive_measures.push(action);
        }
    }
    Ok(())
}
