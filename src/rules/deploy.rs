//! The deployment gate's decision, pure: may this change be deployed at this
//! moment? `chg gate` gathers the record, the policy and what the history
//! says about the approvals; this module answers with every reason it may
//! not, so a pipeline log shows all that is missing at once.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::approvals::approval_status;
use super::history::{self, HistoryFinding, Step};
use crate::calendar;
use crate::lifecycle;
use crate::named::named_enum;
use crate::policy::Policy;
use crate::record::{Approval, Classification, Record, Role, Status, TestState, WindowOverride};
use crate::rule::Rule;

/// What the history (or the approval's digest) says against individual approvals.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    /// Approval entries (by index) that do not count, and why.
    pub void: BTreeMap<usize, String>,
    /// Other problems the history found with the record, each with its rule
    /// (`edited-after-approval`, `approval-removed`, `implausible-time`...).
    pub problems: Vec<(Ground, String)>,
    /// What the history says of the record's window override; `None` when
    /// it has none or no history was asked (then it is not honoured).
    pub window_override: Option<Standing>,
}

/// Whether the history proves an entry: committed by the person it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    Proven,
    /// It does not count, and why.
    Void(String),
}

/// The record's history as the gate weighs it, gathered step by step,
/// oldest first, from the findings of the history rules (the very rules
/// `chg check --base` applies to a branch) on each version the engine's
/// walk pairs with the one before it (for a merge, its first parent's).
#[derive(Debug, Default)]
pub struct HistoryEvidence {
    /// Every approval entry any committed version held.
    seen: Vec<Approval>,
    /// Approval entries added in a commit that does not prove them, and why.
    void: Vec<(Approval, String)>,
    /// Scope edits after an approval; a new approval round settles them.
    edits: Vec<String>,
    /// What nothing later settles: evidence removed or rewritten, a status
    /// moved back or out of a final one, a time its commit contradicts.
    problems: Vec<(Ground, String)>,
    /// Every window override a committed version held, and those added in a
    /// commit that does not prove them, with why.
    overrides_seen: Vec<WindowOverride>,
    overrides_void: Vec<(WindowOverride, String)>,
}

impl HistoryEvidence {
    /// Takes one step and the history rules' findings on it.
    pub fn add(&mut self, step: &Step, findings: Vec<HistoryFinding>) {
        if let (Some(old), Some(new)) = (step.old, step.new) {
            if history::new_round(old, new) {
                // Sent back for approval with its entries kept: what was
                // edited before is what the new round approves.
                self.edits.clear();
            }
        }
        for f in findings {
            match f.rule {
                Rule::ApprovalNotByApprover if f.key == "implementation.window_override" => {
                    if let Some(o) = step.new.and_then(window_override) {
                        self.overrides_void.push((o.clone(), f.message));
                    }
                }
                Rule::ApprovalNotByApprover => {
                    let index = f
                        .key
                        .strip_prefix("approvals[")
                        .and_then(|k| k.strip_suffix(']'))
                        .and_then(|k| k.parse::<usize>().ok());
                    if let Some(a) = index.and_then(|i| step.new.and_then(|n| n.approvals.get(i))) {
                        self.void.push((a.clone(), f.message));
                    }
                }
                Rule::EditedAfterApproval => self.edits.push(f.message),
                Rule::ApprovalRemoved | Rule::ImplausibleTime | Rule::RecordDeleted | Rule::Symlink => {
                    self.problems.push((f.rule.into(), f.message))
                }
                // A step skipped forward is judged by the approvals the
                // record holds; a move back, or out of a final status (a
                // rejection undone), is refused.
                Rule::IllegalTransition => {
                    if let (Some(old), Some(new)) = (step.old, step.new) {
                        if !lifecycle::reachable(old.status, new.status, new.classification) {
                            self.problems.push((f.rule.into(), f.message));
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(o) = step.new.and_then(window_override) {
            if !self.overrides_seen.contains(o) {
                self.overrides_seen.push(o.clone());
            }
        }
        if let Some(n) = step.new {
            for a in &n.approvals {
                if !self.seen.contains(a) {
                    self.seen.push(a.clone());
                }
            }
        }
    }

    /// Notes that the history could not be read whole.
    pub fn incomplete(&mut self, why: &str) {
        self.problems.push((
            GateRule::HistoryIncomplete.into(),
            format!("the history is incomplete ({why}), so the approvals cannot be verified; fetch the whole history"),
        ));
    }

    /// Says what the history means for `record` as it stands.
    pub fn finish(self, record: &Record) -> Evidence {
        let mut evidence = Evidence::default();
        for (i, approval) in record.approvals.iter().enumerate() {
            if let Some((_, why)) = self.void.iter().find(|(a, _)| a == approval) {
                evidence.void.insert(i, why.clone());
            } else if !self.seen.contains(approval) {
                evidence.void.insert(i, "it was never committed".into());
            }
        }
        evidence.problems = self.problems;
        evidence.window_override = window_override(record).map(|o| {
            if let Some((_, why)) = self.overrides_void.iter().find(|(v, _)| v == o) {
                Standing::Void(why.clone())
            } else if !self.overrides_seen.contains(o) {
                Standing::Void("it was never committed".into())
            } else {
                Standing::Proven
            }
        });
        // Approvals bound to a digest are judged from the file alone (a stale
        // one by `approval-stale`); older entries without one, by whether the
        // history saw the scope change after them.
        if record.approvals.iter().all(|a| a.scope.is_none()) {
            evidence
                .problems
                .extend(self.edits.into_iter().map(|m| (Rule::EditedAfterApproval.into(), m)));
        }
        evidence
    }
}

named_enum! {
    /// The gate's own reasons, which no rule of `chg check` reports: they
    /// judge a moment (the window is not open yet) or the history as the
    /// gate weighs it.
    pub enum GateRule, fn id {
        Status => "status",
        ApprovalVoid => "approval-void",
        HistoryIncomplete => "history-incomplete",
        WindowMissing => "window-missing",
        WindowNotOpen => "window-not-open",
        WindowClosed => "window-closed",
        OutsideDeploymentWindow => "outside-deployment-window",
        Freeze => "freeze",
        WindowOverrideVoid => "window-override-void",
    }
}

/// What a reason of the gate is reported under: a rule of `chg check` the
/// gate applies too, or one of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ground {
    Rule(Rule),
    Gate(GateRule),
}

impl Ground {
    /// Returns the id the gate prints (`approval-missing`, `window-not-open`).
    pub fn id(self) -> &'static str {
        match self {
            Ground::Rule(r) => r.id(),
            Ground::Gate(g) => g.id(),
        }
    }

    /// True for what a later moment can satisfy: waiting for the window is
    /// worth it only when every reason is one of these.
    pub fn is_waitable(self) -> bool {
        matches!(
            self,
            Ground::Gate(GateRule::WindowNotOpen | GateRule::OutsideDeploymentWindow | GateRule::Freeze)
        )
    }
}

impl From<Rule> for Ground {
    fn from(rule: Rule) -> Ground {
        Ground::Rule(rule)
    }
}

impl From<GateRule> for Ground {
    fn from(rule: GateRule) -> Ground {
        Ground::Gate(rule)
    }
}

impl std::fmt::Display for Ground {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Ground {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// One reason the gate refuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub rule: Ground,
    pub message: String,
}

impl Reason {
    fn new(rule: impl Into<Ground>, message: impl Into<String>) -> Reason {
        Reason {
            rule: rule.into(),
            message: message.into(),
        }
    }
}

/// The gate's whole answer: why not, and what a change manager's window
/// override let through.
#[derive(Debug, Clone, Default)]
pub struct Decision {
    pub reasons: Vec<Reason>,
    pub window_override: Option<Overridden>,
}

/// A change manager's window override the history proves, as the verdict
/// shows it: who, when, why, and the window reasons it lifted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overridden {
    pub by: String,
    pub at: DateTime<Utc>,
    pub reason: String,
    pub overridden: Vec<Reason>,
}

fn window_override(record: &Record) -> Option<&WindowOverride> {
    record.implementation.as_ref().and_then(|i| i.window_override.as_ref())
}

/// Returns every reason the change may not be deployed at `at`; empty means it may.
pub fn judge(record: &Record, policy: &Policy, at: DateTime<Utc>, evidence: &Evidence) -> Vec<Reason> {
    decide(record, policy, at, evidence).reasons
}

/// Judges the change at `at`. Work outside the approved window (its own,
/// the deployment windows, a freeze) passes on a window override that a
/// person in `roles.change-manager` committed themselves (as `chg start
/// --override` does), the same override `chg check` honours; an override
/// anyone else wrote is a reason of its own.
pub fn decide(record: &Record, policy: &Policy, at: DateTime<Utc>, evidence: &Evidence) -> Decision {
    let mut out = Vec::new();
    let emergency = record.classification == Classification::Emergency;
    status(record, &mut out);
    approvals(record, policy, evidence, &mut out);
    readiness(record, policy, &mut out);
    let mut outside = Vec::new();
    if !emergency {
        window(record, at, &mut outside);
        deployment_windows(record, policy, at, &mut outside);
    }
    freezes(record, policy, at, &mut outside);
    let mut decision = Decision::default();
    if let (Some(o), Some(standing), false) = (window_override(record), &evidence.window_override, outside.is_empty()) {
        let void = if !policy.holds(o.by.email(), Role::ChangeManager) {
            Some("they are not a change manager (policy `roles.change-manager`)".to_string())
        } else {
            match standing {
                Standing::Proven => None,
                Standing::Void(why) => Some(why.clone()),
            }
        };
        match void {
            Some(why) => out.push(Reason::new(
                GateRule::WindowOverrideVoid,
                format!("the window override by {} does not count: {why}", o.by),
            )),
            None => {
                decision.window_override = Some(Overridden {
                    by: o.by.to_string(),
                    at: o.at,
                    reason: o.reason.clone(),
                    overridden: std::mem::take(&mut outside),
                })
            }
        }
    }
    out.extend(outside);
    decision.reasons = out;
    decision
}

/// The statuses a deployment may start (or go on) from.
fn status(record: &Record, out: &mut Vec<Reason>) {
    let emergency = record.classification == Classification::Emergency;
    let message = match record.status {
        Status::Scheduled | Status::InProgress => return,
        // An emergency may go from draft straight to in-progress on its verbal approvals.
        Status::Draft | Status::Submitted | Status::Approved if emergency => return,
        Status::Approved => format!(
            "{} is approved but not scheduled; run `chg schedule {}` with its window",
            record.id, record.id
        ),
        Status::Draft | Status::Submitted => {
            format!("{} is `{}`, not approved and scheduled", record.id, record.status)
        }
        Status::Completed | Status::Failed | Status::RolledBack | Status::Closed => {
            format!("{} is already finished (`{}`)", record.id, record.status)
        }
        Status::Rejected | Status::Cancelled => format!("{} was {}", record.id, record.status),
    };
    out.push(Reason::new(GateRule::Status, message));
}

fn approvals(record: &Record, policy: &Policy, evidence: &Evidence, out: &mut Vec<Reason>) {
    for (i, why) in &evidence.void {
        if let Some(a) = record.approvals.get(*i) {
            out.push(Reason::new(
                GateRule::ApprovalVoid,
                format!("the {} approval by {} does not count: {why}", a.role, a.approver),
            ));
        }
    }
    for (rule, problem) in &evidence.problems {
        out.push(Reason::new(*rule, problem.clone()));
    }
    let mut counted = record.clone();
    counted.approvals = record
        .approvals
        .iter()
        .enumerate()
        .filter(|(i, _)| !evidence.void.contains_key(i))
        .map(|(_, a)| a.clone())
        .collect();
    let state = approval_status(&counted, policy);
    if !state.satisfied {
        // A stale entry explains what is missing; once a new round stands, the old one is history.
        for i in record.stale_approvals() {
            let a = &record.approvals[i];
            out.push(Reason::new(
                Rule::ApprovalStale,
                format!(
                    "the {} approval by {} is stale: the record was edited after it (its approved scope digest no longer matches)",
                    a.role, a.approver
                ),
            ));
        }
        out.push(Reason::new(
            Rule::ApprovalMissing,
            format!(
                "{} lacks the approvals of {} {} change: {}",
                record.id,
                if record.classification == Classification::Emergency {
                    "an"
                } else {
                    "a"
                },
                record.classification,
                state.missing.join(", or ")
            ),
        ));
    }
}

/// The rollback plan and the testing the class needs (an emergency tests "if time permits").
fn readiness(record: &Record, policy: &Policy, out: &mut Vec<Reason>) {
    if record.classification == Classification::Standard {
        return; // the catalogue template is the plan
    }
    let plan = record.rollback.as_ref();
    let has_plan = plan
        .and_then(|p| p.plan.as_deref())
        .is_some_and(|t| !t.trim().is_empty());
    if !has_plan || plan.and_then(|p| p.kind).is_none() {
        out.push(Reason::new(
            Rule::RollbackPlanMissing,
            format!("{} has no complete rollback plan (plan and kind)", record.id),
        ));
    }
    if record.classification == Classification::Emergency {
        return;
    }
    for kind in policy.required_tests(record.classification) {
        let state = record.testing.get(*kind);
        if state != Some(TestState::Passed) {
            let shown = state.map_or("missing".to_string(), |s| s.to_string());
            out.push(Reason::new(
                Rule::TestingIncomplete,
                format!("`{kind}` testing is {shown}, not passed"),
            ));
        }
    }
}

fn window(record: &Record, at: DateTime<Utc>, out: &mut Vec<Reason>) {
    let Some(w) = record.window() else {
        out.push(Reason::new(
            GateRule::WindowMissing,
            format!("{} has no deployment window", record.id),
        ));
        return;
    };
    if at < w.start {
        out.push(Reason::new(
            GateRule::WindowNotOpen,
            format!("its window {} opens in {}", calendar::span(w), until(at, w.start)),
        ));
    } else if at >= w.end {
        out.push(Reason::new(
            GateRule::WindowClosed,
            format!("its window {} closed {} ago", calendar::span(w), until(w.end, at)),
        ));
    }
}

/// The policy's deployment windows bind normal and major changes; standard
/// ones are only warned about by the calendar, emergencies not at all.
fn deployment_windows(record: &Record, policy: &Policy, at: DateTime<Utc>, out: &mut Vec<Reason>) {
    if record.classification == Classification::Standard || policy.windows.is_empty() {
        return;
    }
    if !calendar::open_at(at, &policy.windows) {
        let rules: Vec<String> = policy.windows.iter().map(calendar::describe_rule).collect();
        out.push(Reason::new(
            GateRule::OutsideDeploymentWindow,
            format!(
                "{} is outside the policy's deployment windows ({})",
                at.format("%Y-%m-%d %H:%M UTC"),
                rules.join("; ")
            ),
        ));
    }
}

fn freezes(record: &Record, policy: &Policy, at: DateTime<Utc>, out: &mut Vec<Reason>) {
    for freeze in &policy.freezes {
        let (start, end) = calendar::days(freeze.start, freeze.end);
        if start <= at && at < end && !calendar::freeze_allows(freeze, record, policy) {
            out.push(Reason::new(
                GateRule::Freeze,
                format!(
                    "the freeze `{}` ({} – {}) allows only {}, and {} is {}",
                    freeze.name,
                    freeze.start,
                    freeze.end,
                    calendar::describe_allow(&freeze.allow),
                    record.id,
                    record.classification.with_article()
                ),
            ));
        }
    }
}

/// How long from `from` to `to`, never less than nothing, as every duration is written.
fn until(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    crate::duration::text((to - from).max(Duration::zero()))
}
