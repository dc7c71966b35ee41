//! The lifecycle: which status may follow which, and the record's moves
//! along it (each checked and set in one call).

use chrono::{DateTime, Utc};

use crate::error::Refusal;
use crate::person::Person;
use crate::policy::{Policy, RtoCheck};
use crate::record::{
    Cancellation, Classification, Outcome, Record, Role, RollbackEntry, Status, Validation, Window, WindowOverride,
};
use crate::rules::approval_status;

/// Returns the statuses a change may move to from `from`, for its class.
pub fn next_states(from: Status, class: Classification) -> Vec<Status> {
    use Status::*;
    let mut next = match from {
        Draft => vec![Submitted, Cancelled],
        Submitted => vec![Approved, Rejected, Cancelled],
        Approved => vec![Scheduled, Cancelled],
        Scheduled => vec![InProgress, Cancelled],
        InProgress => vec![Completed, Failed, RolledBack],
        Completed => vec![RolledBack, Closed],
        Failed => vec![RolledBack, Closed],
        RolledBack => vec![Closed],
        // A critical bug found after closing: `chg rollback` reopens the change.
        Closed => vec![RolledBack],
        Rejected | Cancelled => vec![],
    };
    // A standard change from the catalogue is approved on submission.
    if class == Classification::Standard && from == Draft {
        next.insert(1, Approved);
    }
    // An emergency may start once its verbal approvals are recorded.
    if class == Classification::Emergency && matches!(from, Draft | Submitted | Approved) {
        next.push(InProgress);
    }
    next
}

/// Returns true when the lifecycle allows `from` → `to` (staying put is allowed).
pub fn allows(from: Status, to: Status, class: Classification) -> bool {
    from == to || next_states(from, class).contains(&to)
}

/// Returns true when `to` can follow `from` by legal moves, one or several:
/// a skipped step goes forward, a move back or out of a final status does not.
pub fn reachable(from: Status, to: Status, class: Classification) -> bool {
    let mut seen = vec![from];
    let mut next = 0;
    while let Some(&at) = seen.get(next) {
        if at == to {
            return true;
        }
        for s in next_states(at, class) {
            if !seen.contains(&s) {
                seen.push(s);
            }
        }
        next += 1;
    }
    false
}

/// Returns true for statuses that a change reaches only after its approvals.
pub fn needs_approval(status: Status) -> bool {
    use Status::*;
    matches!(
        status,
        Approved | Scheduled | InProgress | Completed | Failed | RolledBack | Closed
    )
}

/// Returns true once implementation has started.
pub fn implemented(status: Status) -> bool {
    use Status::*;
    matches!(status, InProgress | Completed | Failed | RolledBack | Closed)
}

/// Lists statuses for a message: `submitted, cancelled`.
pub fn list(states: &[Status]) -> String {
    if states.is_empty() {
        return "none (it is final)".into();
    }
    states.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// How far back `--at` may date an action; the gate allows the same for any
/// time a commit writes (`rules::history`).
pub const BACKDATE_HOURS: i64 = 24;

impl Record {
    /// Refuses a move the lifecycle does not allow, before an action asks for
    /// anything; [`Record::move_to`] makes it.
    pub fn can_move_to(&self, to: Status) -> Result<(), Refusal> {
        let next = next_states(self.status, self.classification);
        if next.contains(&to) {
            Ok(())
        } else {
            Err(illegal(self, to, &next))
        }
    }

    /// Moves the record to `to`, refusing a move the lifecycle does not allow
    /// and naming the legal next states.
    pub fn move_to(&mut self, to: Status) -> Result<(), Refusal> {
        self.can_move_to(to)?;
        self.status = to;
        Ok(())
    }

    /// Lists the approval criteria the record does not state yet: a
    /// description and the business justification (reason and benefit).
    pub fn missing_criteria(&self) -> Vec<&'static str> {
        let blank = |t: Option<&String>| t.is_none_or(|t| t.trim().is_empty());
        let j = self.justification.as_ref();
        [
            (blank(self.description.as_ref()), "a description (`description`)"),
            (
                blank(j.and_then(|j| j.business_reason.as_ref())),
                "a business reason (`justification.business_reason`)",
            ),
            (
                blank(j.and_then(|j| j.expected_benefit.as_ref())),
                "an expected benefit (`justification.expected_benefit`)",
            ),
        ]
        .into_iter()
        .filter_map(|(missing, what)| missing.then_some(what))
        .collect()
    }

    /// Submits a draft: refuses a normal or major change that lacks its
    /// description or business justification, then moves it on (a standard
    /// change is approved by its template).
    pub fn submit(&mut self) -> Result<Status, Refusal> {
        let to = if self.classification == Classification::Standard {
            Status::Approved
        } else {
            Status::Submitted
        };
        self.can_move_to(to)?;
        let missing = self.missing_criteria();
        if matches!(self.classification, Classification::Normal | Classification::Major) && !missing.is_empty() {
            return Err(Refusal::new(
                format!(
                    "{} cannot be submitted: {} change needs {} before approval",
                    self.id,
                    self.classification.with_article(),
                    missing.join(", ")
                ),
                format!(
                    "add them with `chg edit {}` (`description: …`, `justification: {{business_reason: …, expected_benefit: …}}`)",
                    self.id
                ),
            ));
        }
        self.move_to(to)?;
        Ok(to)
    }

    /// Starts the implementation at `at`: refuses an illegal move, missing
    /// approvals, or a start outside the approved window (scheduled window,
    /// deployment windows, freezes) without a change manager's override;
    /// then sets `started_at`, the override if given, and the status.
    pub fn start(
        &mut self,
        policy: &Policy,
        at: DateTime<Utc>,
        window_override: Option<WindowOverride>,
    ) -> Result<(), Refusal> {
        self.move_to(Status::InProgress)?;
        if self.classification != Classification::Standard {
            let state = approval_status(self, policy);
            if !state.satisfied {
                let hint = if self.classification == Classification::Emergency {
                    format!(
                        "record the verbal approvals first: `chg approve {} --verbal --role ciso --by EMAIL` (and cto, or the ceo)",
                        self.id
                    )
                } else {
                    format!("approvers run `chg approve {}`", self.id)
                };
                return Err(Refusal::new(
                    format!(
                        "{} cannot start: it lacks the approvals of {} change ({})",
                        self.id,
                        self.classification.with_article(),
                        state.missing.join(", or ")
                    ),
                    hint,
                ));
            }
        }
        let outside: Vec<String> = crate::calendar::work_problems(self, policy, at, None)
            .into_iter()
            .filter(|p| p.severity == crate::finding::Severity::Error)
            .map(|p| p.message)
            .collect();
        let managers = policy.members(Role::ChangeManager).join(", ");
        match &window_override {
            Some(o) if !policy.holds(o.by.email(), Role::ChangeManager) => {
                return Err(Refusal::new(
                    format!(
                        "{} is not a change manager (policy `roles.change-manager`: {}), so cannot override the window of {}",
                        o.by,
                        if managers.is_empty() { "nobody" } else { &managers },
                        self.id
                    ),
                    format!("a change manager runs `chg start {} --override REASON`", self.id),
                ));
            }
            None if !outside.is_empty() => {
                return Err(Refusal::new(
                    format!("{} may not start now: it {}", self.id, outside.join("; and it ")),
                    format!(
                        "start it in its window, `chg schedule {id}` a new one, or a change manager ({}) runs `chg start {id} --override REASON`",
                        if managers.is_empty() { "nobody" } else { &managers },
                        id = self.id
                    ),
                ));
            }
            _ => {}
        }
        let implementation = self.implementation.get_or_insert_with(Default::default);
        implementation.started_at = Some(at);
        if window_override.is_some() {
            implementation.window_override = window_override;
        }
        Ok(())
    }

    /// Refuses a schedule the lifecycle does not allow, before an action
    /// asks for the window; a scheduled change may move its window.
    pub fn can_schedule(&self) -> Result<(), Refusal> {
        if self.status == Status::Scheduled {
            return Ok(());
        }
        self.can_move_to(Status::Scheduled)
    }

    /// Plans the deployment in `window`: refuses a move the lifecycle does
    /// not allow and a window that is not one to work in (`Window::fault`),
    /// then sets it and the status `scheduled`.
    pub fn schedule(&mut self, window: Window, now: DateTime<Utc>) -> anyhow::Result<()> {
        self.can_schedule()?;
        if let Some(fault) = window.fault(now) {
            return Err(fault.into());
        }
        self.status = Status::Scheduled;
        self.deployment.get_or_insert_with(Default::default).window = Some(window);
        Ok(())
    }

    /// Completes the implementation at `at`, with its validation results and
    /// the issues met: the status `completed`, the outcome successful, and
    /// for an emergency the service restored (the end of its time to
    /// resolution, unless recorded earlier).
    pub fn complete(&mut self, at: DateTime<Utc>, validation: Validation, issues: &[String]) -> anyhow::Result<()> {
        self.move_to(Status::Completed)?;
        self.finish(at, Outcome::Successful)?;
        if let Some(e) = self.emergency.as_mut() {
            e.restored_at.get_or_insert(at);
        }
        let implementation = self.implementation.get_or_insert_with(Default::default);
        implementation.validation = Some(validation);
        implementation.issues.extend(issues.iter().cloned());
        Ok(())
    }

    /// Records the failure at `at`: the status `failed`, the outcome, what
    /// went wrong among the issues, and the validation results if any.
    pub fn fail(&mut self, at: DateTime<Utc>, reason: String, validation: Validation) -> anyhow::Result<()> {
        self.move_to(Status::Failed)?;
        self.finish(at, Outcome::Failed)?;
        let implementation = self.implementation.get_or_insert_with(Default::default);
        if !validation.is_empty() {
            implementation.validation = Some(validation);
        }
        implementation.issues.push(reason);
        Ok(())
    }

    /// Cancels the change with who cancelled it, when and why; refused once
    /// it has started or is final.
    pub fn cancel(&mut self, by: &Person, at: DateTime<Utc>, reason: String) -> Result<(), Refusal> {
        self.move_to(Status::Cancelled)?;
        self.cancellation = Some(Cancellation {
            at,
            by: by.clone(),
            reason,
        });
        Ok(())
    }

    /// Sets `finished_at` and the outcome, refusing a finish before the start.
    pub fn finish(&mut self, at: DateTime<Utc>, outcome: Outcome) -> anyhow::Result<()> {
        let implementation = self.implementation.get_or_insert_with(Default::default);
        if let Some(started) = implementation.started_at {
            if at < started {
                return Err(anyhow::anyhow!(
                    "{} would finish at {}, before it started at {}\n  hint: give a later time",
                    self.id,
                    at.format("%Y-%m-%d %H:%M"),
                    started.format("%Y-%m-%d %H:%M UTC")
                ));
            }
        }
        implementation.finished_at = Some(at);
        implementation.outcome = Some(outcome);
        Ok(())
    }

    /// Records a rollback entry and moves the change to rolled-back. The
    /// implementation's finish stays as it was, so the change time and the
    /// month it counts in do not move; a change rolled back while in progress
    /// ended when the rollback started. Returns the entry's RTO check.
    pub fn roll_back(&mut self, policy: &Policy, mut entry: RollbackEntry) -> anyhow::Result<RtoCheck> {
        let (Some(kind), Some(started), Some(restored)) = (entry.kind, entry.started_at, entry.restored_at) else {
            anyhow::bail!("a rollback needs its kind, start and restoration times");
        };
        if self.status == Status::Closed {
            entry.reopened_from = Some(Status::Closed);
        }
        self.move_to(Status::RolledBack)?;
        let check = policy.rto_check(kind, restored - started);
        // i32: its bounds are exact in every JSON Schema validator's numbers.
        entry.duration_minutes = Some(i32::try_from(check.minutes()).unwrap_or(i32::MAX));
        entry.rto_exceeded = Some(check.exceeded());
        self.rollbacks.push(entry);
        let ended = self.finished_at().unwrap_or(started);
        self.finish(ended, Outcome::RolledBack)?;
        Ok(check)
    }

    /// Measures a rollback entry against the RTO of its kind, as
    /// `Policy::judge_rollback` does; `None` until both times are known.
    pub fn rto_check(&self, entry: &RollbackEntry, policy: &Policy) -> Option<RtoCheck> {
        policy.judge_rollback((entry.kind, self.rollback_kind()), entry.started_at, entry.restored_at)
    }

    /// Closes the change, refusing while it still owes a review, the
    /// monitoring after its deployment or rollback, or (for an emergency)
    /// anything of its aftermath.
    pub fn close(&mut self, policy: &Policy) -> Result<(), Refusal> {
        let owed = self.owed_before_close(policy);
        if next_states(self.status, self.classification).contains(&Status::Closed) && !owed.is_empty() {
            let monitoring = self.monitoring_owed(policy).is_some();
            let hint = match (monitoring, owed.len()) {
                _ if self.classification == Classification::Emergency => {
                    format!("record them, then run `chg close {}` again", self.id)
                }
                (true, 1) => format!("record it with `chg monitor {} --from … --to … --observed …`", self.id),
                (true, _) => format!(
                    "record them with `chg review {id}` and `chg monitor {id}`",
                    id = self.id
                ),
                (false, _) => format!("record them with `chg review {}`", self.id),
            };
            return Err(Refusal::new(
                format!("{} cannot be closed yet: it lacks {}", self.id, owed.join(", ")),
                hint,
            ));
        }
        self.move_to(Status::Closed)
    }
}

/// Why a deployment window is not one to plan work in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowFault {
    EndsBeforeStart,
    /// Over already: it would only show as "passed without a start" (issue 15.1).
    Over,
}

impl std::fmt::Display for WindowFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            WindowFault::EndsBeforeStart => "the window ends before it starts",
            WindowFault::Over => "the window has already ended; work is planned in a window still to come",
        })
    }
}

impl std::error::Error for WindowFault {}

impl Window {
    /// Says what keeps work from being planned in the window at `now`, if anything.
    pub fn fault(&self, now: DateTime<Utc>) -> Option<WindowFault> {
        if self.end <= self.start {
            Some(WindowFault::EndsBeforeStart)
        } else if self.end <= now {
            Some(WindowFault::Over)
        } else {
            None
        }
    }
}

/// Builds the refusal for an illegal move.
fn illegal(record: &Record, to: Status, next: &[Status]) -> Refusal {
    Refusal::new(
        format!("{} is `{}`; it cannot become `{to}`", record.id, record.status),
        format!(
            "from `{}` {} change may become: {}",
            record.status,
            record.classification.with_article(),
            list(next)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::sample::sample;
    use crate::rfc3339::at;

    #[test]
    fn cancelling_records_who_and_why_and_is_refused_once_closed() {
        let jane = Person::new("Jane", "jane@example.com");
        let now = at("2026-11-20T09:00:00Z");
        let mut scheduled = sample("normal", "scheduled", "");
        scheduled.cancel(&jane, now, "no longer needed".into()).unwrap();
        assert_eq!(scheduled.status, Status::Cancelled);
        let c = scheduled.cancellation.unwrap();
        assert_eq!((c.at, c.by, c.reason.as_str()), (now, jane.clone(), "no longer needed"));
        for status in ["closed", "in-progress", "rejected"] {
            let mut record = sample("normal", status, "");
            let refused = record.cancel(&jane, now, "why".into()).unwrap_err();
            assert!(refused.reason.contains("it cannot become `cancelled`"), "{refused}");
            assert!(
                record.cancellation.is_none(),
                "{status}: a refused cancel writes nothing"
            );
        }
    }

    #[test]
    fn scheduling_refuses_a_window_that_ends_first_or_is_over() {
        let now = at("2026-11-20T09:00:00Z");
        let window = |start, end| Window {
            start: at(start),
            end: at(end),
        };
        let ahead = window("2026-11-24T02:00:00Z", "2026-11-24T03:00:00Z");
        let mut approved = sample("normal", "approved", "");
        approved.schedule(ahead, now).unwrap();
        assert_eq!(approved.status, Status::Scheduled);
        assert_eq!(approved.window(), Some(ahead));
        for (bad, fault) in [
            (
                window("2026-11-24T03:00:00Z", "2026-11-24T02:00:00Z"),
                WindowFault::EndsBeforeStart,
            ),
            (
                window("2026-11-19T02:00:00Z", "2026-11-20T09:00:00Z"),
                WindowFault::Over,
            ),
        ] {
            assert_eq!(bad.fault(now), Some(fault));
            let mut record = sample("normal", "approved", "");
            let refused = record.schedule(bad, now).unwrap_err();
            assert_eq!(refused.downcast_ref::<WindowFault>(), Some(&fault));
            assert_eq!((record.status, record.window()), (Status::Approved, None));
        }
        let mut submitted = sample("normal", "submitted", "");
        assert!(submitted.schedule(ahead, now).is_err());
        assert_eq!(submitted.status, Status::Submitted);
    }

    #[test]
    fn a_failure_ends_the_implementation_with_its_reason_and_keeps_no_empty_validation() {
        let at = at("2026-11-20T09:00:00Z");
        let started = "implementation: {started_at: 2026-11-20T08:00:00Z, issues: [slow]}\n";
        let mut record = sample("normal", "in-progress", started);
        record.fail(at, "disk full".into(), Validation::default()).unwrap();
        assert_eq!(record.status, Status::Failed);
        let implementation = record.implementation.unwrap();
        assert_eq!(implementation.issues, ["slow", "disk full"]);
        assert_eq!(
            (implementation.finished_at, implementation.outcome),
            (Some(at), Some(Outcome::Failed))
        );
        assert!(implementation.validation.is_none());
        let mut completed = sample("normal", "completed", "");
        assert!(completed.fail(at, "late".into(), Validation::default()).is_err());
        assert_eq!(completed.status, Status::Completed);
    }

    #[test]
    fn completing_an_emergency_restores_it_unless_restored_earlier() {
        let done = at("2026-11-20T09:00:00Z");
        let started = "implementation: {started_at: 2026-11-20T08:00:00Z}\n";
        let mut emergency = crate::record::sample::emergency("in-progress", "", started);
        let mut earlier = emergency.clone();
        emergency
            .complete(done, Validation::default(), &["slow".into()])
            .unwrap();
        assert_eq!(emergency.status, Status::Completed);
        assert_eq!(emergency.emergency.as_ref().unwrap().restored_at, Some(done));
        let implementation = emergency.implementation.unwrap();
        assert_eq!(implementation.outcome, Some(Outcome::Successful));
        assert_eq!(implementation.issues, ["slow"]);
        let restored = at("2026-11-20T08:30:00Z");
        earlier.emergency.as_mut().unwrap().restored_at = Some(restored);
        earlier.complete(done, Validation::default(), &[]).unwrap();
        assert_eq!(earlier.emergency.unwrap().restored_at, Some(restored));
        let mut before_start = sample(
            "normal",
            "in-progress",
            "implementation: {started_at: 2026-11-20T10:00:00Z}\n",
        );
        assert!(before_start.complete(done, Validation::default(), &[]).is_err());
    }

    #[test]
    fn draft_cannot_jump_to_completed() {
        assert!(!allows(Status::Draft, Status::Completed, Classification::Normal));
        assert!(allows(Status::Draft, Status::Submitted, Classification::Normal));
    }

    #[test]
    fn a_skip_forward_is_reachable_a_way_back_is_not() {
        assert!(reachable(Status::Submitted, Status::Scheduled, Classification::Normal));
        assert!(!reachable(Status::Rejected, Status::Submitted, Classification::Normal));
        assert!(!reachable(Status::Completed, Status::Scheduled, Classification::Normal));
    }

    #[test]
    fn emergencies_may_start_from_draft() {
        assert!(allows(Status::Draft, Status::InProgress, Classification::Emergency));
        assert!(!allows(Status::Draft, Status::InProgress, Classification::Normal));
    }
}
