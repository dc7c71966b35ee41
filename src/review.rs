//! The reviews after an implementation, on the record: the
//! post-implementation review, a rollback's verification and post-actions,
//! an emergency's post-emergency review with its preventive measures, and
//! its presentation to the CAB. `chg review` reads the flags and prompts,
//! and says what these recorded.

use anyhow::{bail, Result};
use chrono::{DateTime, NaiveDate, Utc};

use crate::error::Refusal;
use crate::lifecycle;
use crate::person::Person;
use crate::policy::Policy;
use crate::record::{
    CabReview, Classification, MeasureState, PreventiveMeasure, PreventiveMeasures, Record, Status, Validation,
};

/// How long a preventive measure has by default: the guide gives no
/// figure; a month keeps it in sight of the next monthly report.
const MEASURE_DAYS: i64 = 30;

/// What a reviewer writes down; each is recorded where the change owes it.
#[derive(Debug, Default, Clone)]
pub struct ReviewNotes {
    pub summary: Option<String>,
    pub lessons_learned: Option<String>,
    pub root_cause: Option<String>,
    pub redeploy_plan: Option<String>,
    pub preventive_measures: Vec<String>,
}

impl ReviewNotes {
    /// Returns true when nothing is written down.
    pub fn is_empty(&self) -> bool {
        self.summary.is_none()
            && self.lessons_learned.is_none()
            && self.root_cause.is_none()
            && self.redeploy_plan.is_none()
            && self.preventive_measures.is_empty()
    }
}

/// Who owns the preventive measures recorded now, and by when (`None`: in
/// a month).
#[derive(Debug, Clone)]
pub struct Assignment {
    pub owner: Person,
    pub due: Option<NaiveDate>,
}

/// Which parts of the reviews [`Record::record_notes`] wrote to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The post-implementation review has its summary (now or from before).
    pub review: bool,
    pub post_rollback: bool,
    pub post_emergency: bool,
}

impl Record {
    /// Refuses a review before the implementation has ended: a change is
    /// reviewed once completed, failed or rolled back; an emergency, whose
    /// review may begin while it is in progress, until it is closed.
    pub fn can_review(&self) -> Result<(), Refusal> {
        let emergency = self.classification == Classification::Emergency;
        let reviewable = matches!(self.status, Status::Completed | Status::Failed | Status::RolledBack)
            || (emergency && lifecycle::implemented(self.status) && self.status != Status::Closed);
        if reviewable {
            return Ok(());
        }
        Err(self.refuse_review(
            "a review follows the implementation",
            "review it once it is completed, failed or rolled back",
        ))
    }

    /// Returns true when the review is of a rollback: the change is rolled
    /// back and its last rollback owes the post-actions.
    pub fn reviews_rollback(&self) -> bool {
        self.status == Status::RolledBack && !self.rollbacks.is_empty()
    }

    /// Returns true when the notes hold a post-emergency review of this change.
    pub fn takes_post_emergency(&self, notes: &ReviewNotes) -> bool {
        self.classification == Classification::Emergency
            && (notes.root_cause.is_some() || !notes.preventive_measures.is_empty())
    }

    /// Adds results to the last rollback's verification, naming `by`: a
    /// result already recorded stays as it is (it is evidence). Refused
    /// unless the review is of a rollback.
    pub fn verify_rollback(&mut self, given: Validation, by: &Person) -> Result<()> {
        if !self.reviews_rollback() {
            return Err(self
                .refuse_review(
                    "verification flags record what was checked after a rollback",
                    "record a deployment's validation with `chg complete`",
                )
                .into());
        }
        if let Some(entry) = self.rollbacks.last_mut() {
            let old = entry.validation.clone().unwrap_or_default();
            entry.validation = Some(old.add_results(given, by)?);
        }
        Ok(())
    }

    /// Records the notes where the change owes them: the review's summary
    /// and lessons (a summary completes it), the last rollback's
    /// post-actions, and an emergency's root cause and preventive measures
    /// (owned as `assignment` says; with both the review is complete).
    pub fn record_notes(
        &mut self,
        notes: &ReviewNotes,
        assignment: Option<&Assignment>,
        now: DateTime<Utc>,
    ) -> Recorded {
        let mut recorded = Recorded::default();
        if notes.summary.is_some() || notes.lessons_learned.is_some() {
            let review = self.review.get_or_insert_with(Default::default);
            set(&mut review.summary, &notes.summary);
            set(&mut review.lessons_learned, &notes.lessons_learned);
            if review.summary.is_some() && review.completed_at.is_none() {
                review.completed_at = Some(now);
            }
        }
        if self.reviews_rollback() && !notes.is_empty() {
            if let Some(entry) = self.rollbacks.last_mut() {
                let p = &mut entry.post_actions;
                set(&mut p.lessons_learned, &notes.lessons_learned);
                set(&mut p.root_cause, &notes.root_cause);
                set(&mut p.redeploy_plan, &notes.redeploy_plan);
                recorded.post_rollback = true;
            }
        }
        if let Some(assignment) = assignment.filter(|_| self.takes_post_emergency(notes)) {
            self.record_post_emergency(notes, assignment, now);
            recorded.post_emergency = true;
        }
        recorded.review = self.review.as_ref().is_some_and(|r| r.summary.is_some());
        recorded
    }

    /// Sets the post-emergency review's root cause and adds its preventive
    /// measures as open action items; with both it is complete.
    fn record_post_emergency(&mut self, notes: &ReviewNotes, assignment: &Assignment, now: DateTime<Utc>) {
        let post = self
            .emergency
            .get_or_insert_with(Default::default)
            .post_review
            .get_or_insert_with(Default::default);
        set(&mut post.root_cause, &notes.root_cause);
        if !notes.preventive_measures.is_empty() {
            // The older one-line form becomes the first action item.
            let mut items: Vec<PreventiveMeasure> = Vec::new();
            let mut actions: Vec<String> = Vec::new();
            match post.preventive_measures.take() {
                Some(PreventiveMeasures::Items(old)) => items = old,
                Some(PreventiveMeasures::Text(text)) if !text.trim().is_empty() => actions.push(text),
                _ => {}
            }
            actions.extend(notes.preventive_measures.iter().cloned());
            let due = assignment
                .due
                .unwrap_or(now.date_naive() + chrono::Duration::days(MEASURE_DAYS));
            items.extend(actions.into_iter().map(|action| PreventiveMeasure {
                action,
                owner: assignment.owner.clone(),
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

    /// Marks preventive measures done on `today`, by their number from 1; a
    /// closed change too, since measures often outlive the change. One
    /// already done keeps its date.
    pub fn measures_done(&mut self, numbers: &[usize], today: NaiveDate) -> Result<(), Refusal> {
        let id = self.id.clone();
        let items = match self
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
                ))
            }
        };
        let count = items.len();
        for n in numbers {
            let Some(m) = n.checked_sub(1).and_then(|i| items.get_mut(i)) else {
                return Err(Refusal::new(
                    format!("{id} has no preventive measure {n}; it has {count}"),
                    format!("see them numbered with `chg show {id}`"),
                ));
            };
            if m.state != MeasureState::Done {
                m.state = MeasureState::Done;
                m.done_on = Some(today);
            }
        }
        Ok(())
    }

    /// Refuses a CAB presentation of anything but an emergency: only
    /// emergencies are presented to the CAB afterwards.
    pub fn can_present_to_cab(&self) -> Result<(), Refusal> {
        if self.classification == Classification::Emergency {
            return Ok(());
        }
        Err(Refusal::new(
            format!(
                "{} is a {} change; only emergencies are presented to the CAB afterwards",
                self.id, self.classification
            ),
            "leave out `--cab`",
        ))
    }

    /// Records the emergency's presentation at the CAB meeting on `date`
    /// (`None`: today), with the CAB's feedback. A presentation is recorded
    /// once it took place: a date to come would let `chg close` pass before
    /// the meeting (issue 15.8), so one after today at the meeting's place
    /// is refused.
    pub fn present_to_cab(
        &mut self,
        policy: &Policy,
        date: Option<NaiveDate>,
        feedback: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<NaiveDate> {
        self.can_present_to_cab()?;
        let date = date.unwrap_or(now.date_naive());
        let today = policy.cab_meeting.day_of(now);
        if date > today {
            bail!(
                "`--date {date}` is after today ({today} at the CAB meeting's place): record the presentation once it has taken place\n  hint: run `chg review {} --cab --date …` after the meeting, with its date",
                self.id
            );
        }
        self.emergency.get_or_insert_with(Default::default).cab_review = Some(CabReview {
            date: Some(date),
            feedback,
        });
        Ok(date)
    }

    /// Refuses a review step in a status it does not follow.
    fn refuse_review(&self, why: &str, hint: &str) -> Refusal {
        Refusal::new(format!("{} is `{}`; {why}", self.id, self.status), hint)
    }
}

impl Validation {
    /// Adds `given` to these results, naming `by` among those who verified:
    /// a result recorded here stays (a different one is refused), reasons
    /// recorded here stay, and a reason must explain a check not run.
    pub fn add_results(mut self, given: Validation, by: &Person) -> Result<Validation> {
        fn keep<T: Copy + PartialEq + std::fmt::Display>(
            old: Option<T>,
            new: &mut Option<T>,
            name: &str,
        ) -> Result<()> {
            match (old, *new) {
                (Some(o), Some(n)) if o != n => bail!(
                    "the rollback's {name} are already recorded as `{o}`; a recorded result stays\n  hint: leave out the flag, and say what changed in the review's lessons learned"
                ),
                (Some(o), _) => *new = Some(o),
                _ => {}
            }
            Ok(())
        }
        let mut merged = given;
        keep(self.smoke_tests, &mut merged.smoke_tests, "smoke tests")?;
        keep(self.error_rates, &mut merged.error_rates, "error rates")?;
        keep(self.performance, &mut merged.performance, "performance results")?;
        keep(
            self.customer_access,
            &mut merged.customer_access,
            "customer access results",
        )?;
        keep(
            self.monitored_minutes,
            &mut merged.monitored_minutes,
            "monitored minutes",
        )?;
        keep(
            self.full_test_suite,
            &mut merged.full_test_suite,
            "full test suite results",
        )?;
        keep(self.security, &mut merged.security, "security verification results")?;
        for (k, text) in std::mem::take(&mut self.not_run_reasons) {
            merged.not_run_reasons.entry(k).or_insert(text);
        }
        merged.verified_by = std::mem::take(&mut self.verified_by);
        if !merged.verified_by.last().is_some_and(|p| p.same_as(by)) {
            merged.verified_by.push(by.clone());
        }
        merged.check_not_run_reasons()?;
        Ok(merged)
    }
}

fn set(slot: &mut Option<String>, value: &Option<String>) {
    if let Some(v) = value {
        *slot = Some(v.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::sample::{emergency, sample};
    use crate::record::{CheckResult, Health};
    use crate::rfc3339::at;

    #[test]
    fn a_review_waits_for_the_end_of_the_implementation_except_an_emergencys() {
        for (class, status, open) in [
            ("normal", "completed", true),
            ("normal", "in-progress", false),
            ("normal", "scheduled", false),
            ("emergency", "in-progress", true),
            ("emergency", "closed", false),
        ] {
            let refused = sample(class, status, "").can_review().err();
            assert_eq!(refused.is_none(), open, "{class} {status}: {refused:?}");
        }
    }

    #[test]
    fn a_recorded_rollback_result_stays_and_the_verifier_is_named_once() {
        let raj = Person::new("Raj", "raj@example.com");
        let old = Validation {
            smoke_tests: Some(CheckResult::Passed),
            ..Validation::default()
        };
        let more = Validation {
            error_rates: Some(Health::Normal),
            ..Validation::default()
        };
        let merged = old.clone().add_results(more.clone(), &raj).unwrap();
        assert_eq!(merged.smoke_tests, Some(CheckResult::Passed));
        assert_eq!(merged.error_rates, Some(Health::Normal));
        let again = merged.add_results(more, &raj).unwrap();
        assert_eq!(again.verified_by, std::slice::from_ref(&raj));
        let changed = Validation {
            smoke_tests: Some(CheckResult::Failed),
            ..Validation::default()
        };
        let refused = old.add_results(changed, &raj).unwrap_err();
        assert!(
            refused.to_string().contains("already recorded as `passed`"),
            "{refused}"
        );
    }

    #[test]
    fn verification_is_refused_unless_the_review_is_of_a_rollback() {
        let raj = Person::new("Raj", "raj@example.com");
        let mut completed = sample("normal", "completed", "");
        let refused = completed.verify_rollback(Validation::default(), &raj).unwrap_err();
        assert!(refused.to_string().contains("after a rollback"), "{refused}");
        assert!(completed.rollbacks.is_empty());
    }

    #[test]
    fn an_emergencys_measures_are_owned_due_in_a_month_and_complete_its_review() {
        let now = at("2026-11-20T09:00:00Z");
        let mut emergency = emergency("completed", "  post_review: {preventive_measures: alert on disk}\n", "");
        let notes = ReviewNotes {
            root_cause: Some("disk full".into()),
            preventive_measures: vec!["rotate logs".into()],
            ..ReviewNotes::default()
        };
        assert!(emergency.takes_post_emergency(&notes));
        let owner = Assignment {
            owner: Person::new("Omar", "omar@example.com"),
            due: None,
        };
        let recorded = emergency.record_notes(&notes, Some(&owner), now);
        assert_eq!(
            recorded,
            Recorded {
                post_emergency: true,
                ..Recorded::default()
            }
        );
        let post = emergency.emergency.unwrap().post_review.unwrap();
        assert_eq!(post.completed_at, Some(now));
        let items = post.preventive_measures.unwrap();
        let actions: Vec<(&str, NaiveDate)> = items.items().iter().map(|m| (m.action.as_str(), m.due)).collect();
        let due = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
        // The older one-line form becomes the first action item.
        assert_eq!(actions, [("alert on disk", due), ("rotate logs", due)]);
        assert!(items
            .items()
            .iter()
            .all(|m| m.owner == owner.owner && m.state == MeasureState::Open));
    }

    #[test]
    fn measures_are_done_by_number_and_a_missing_number_is_refused() {
        let item = "{action: a, owner: O <o@example.com>, due: 2026-12-01}";
        let mut emergency = emergency(
            "closed",
            &format!("  post_review: {{preventive_measures: [{item}]}}\n"),
            "",
        );
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let refused = emergency.measures_done(&[2], today).unwrap_err();
        assert!(
            refused.reason.contains("has no preventive measure 2; it has 1"),
            "{refused}"
        );
        emergency.measures_done(&[1], today).unwrap();
        emergency
            .measures_done(&[1], today + chrono::Duration::days(3))
            .unwrap();
        let post = emergency.emergency.unwrap().post_review.unwrap();
        let measures = post.preventive_measures.unwrap();
        let m = &measures.items()[0];
        assert_eq!((m.state, m.done_on), (MeasureState::Done, Some(today)));
    }

    #[test]
    fn a_cab_presentation_is_of_an_emergency_and_not_ahead_of_today() {
        let policy = Policy::default();
        let now = at("2026-11-20T09:00:00Z");
        let tomorrow = NaiveDate::from_ymd_opt(2026, 11, 21);
        let mut normal = sample("normal", "completed", "");
        assert!(normal.present_to_cab(&policy, None, None, now).is_err());
        let mut emergency = emergency("completed", "", "");
        let refused = emergency.present_to_cab(&policy, tomorrow, None, now).unwrap_err();
        assert!(refused.to_string().contains("is after today (2026-11-20"), "{refused}");
        let day = emergency
            .present_to_cab(&policy, None, Some("fine".into()), now)
            .unwrap();
        let review = emergency.emergency.unwrap().cab_review.unwrap();
        assert_eq!((review.date, review.feedback.as_deref()), (Some(day), Some("fine")));
        assert_eq!(day, now.date_naive());
    }
}
