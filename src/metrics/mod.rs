//! The monthly metrics of the guide (section 9.3) and the figures only the
//! history can judge. Pure aggregation: the changes, the facts the history
//! walk found for each, the policy and a period in; every figure, with the
//! records it counted, out. Monthly, quarterly and weekly reports reuse
//! [`compute`].

mod facts;
mod figure;
mod metric;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use facts::{Change, Facts, RollbackTimes, Stamp};
pub(crate) use figure::Goal;
pub use figure::{fmt_num, value_text, Figure, Figures, Style};
pub use metric::{Metric, Table, Unit};

use crate::duration;
use crate::policy::Policy;
use crate::record::{Classification, Outcome};
use crate::render::PushFmt as _;
use crate::rules::{Deadline, EmergencyDeadlines, Verdict};

pub use crate::period::Period;

/// Every figure of a period, in a stable order.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub period: Period,
    pub metrics: Figures,
    /// The changes the period counted, as the figures judged them (times
    /// set aside for their evidence, rollbacks and outcomes an earlier
    /// version recorded put back): what the quarterly report's risk and
    /// ROI sections read, so they count what the figures count.
    #[serde(skip)]
    pub changes: Vec<Change>,
}

/// The middle value (the mean of the two middle ones for an even count).
pub fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(sorted[n / 2]),
        _ => Some((sorted[n / 2 - 1] + sorted[n / 2]) / 2.0),
    }
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Computes every figure for the changes that finished in `period`.
///
/// `facts` holds what the history says, by record id; a change without facts
/// (no history) misses every history-judged deadline. Deadlines still running
/// at `now` are left out, not counted as missed.
pub fn compute(
    changes: &[Change],
    facts: &BTreeMap<String, Facts>,
    policy: &Policy,
    period: Period,
    now: DateTime<Utc>,
) -> Metrics {
    let mut set_aside: Vec<String> = Vec::new();
    let judged: Vec<Change> = changes
        .iter()
        .map(|c| judge_times(c, facts.get(&c.id), &mut set_aside))
        .collect();
    let mut counted: Vec<&Change> = judged
        .iter()
        .filter(|c| c.finished_at.is_some_and(|t| period.contains(t)))
        .collect();
    counted.sort_by(|a, b| a.id.cmp(&b.id));
    let none = Facts::default();
    let period_facts = Counted {
        counted,
        facts,
        none: &none,
        policy,
        now,
        set_aside,
    };
    let metrics = Metric::ALL
        .iter()
        .filter_map(|&m| period_facts.figure(m).map(|f| (m, f)))
        .collect();
    let changes = period_facts.counted.iter().map(|c| (*c).clone()).collect();
    Metrics {
        period,
        metrics,
        changes,
    }
}

/// The changes a period counts, and what is needed to judge them.
struct Counted<'a> {
    counted: Vec<&'a Change>,
    facts: &'a BTreeMap<String, Facts>,
    none: &'a Facts,
    policy: &'a Policy,
    now: DateTime<Utc>,
    /// Notes on record times set aside for their evidence, for `--explain`.
    set_aside: Vec<String>,
}

impl Counted<'_> {
    /// The emergency changes counted.
    fn emergencies(&self) -> impl Iterator<Item = &Change> + '_ {
        self.counted.iter().copied().filter(|c| c.is_emergency())
    }

    fn facts_of(&self, id: &str) -> &Facts {
        self.facts.get(id).unwrap_or(self.none)
    }

    /// Computes one figure; None for one computed elsewhere.
    fn figure(&self, metric: Metric) -> Option<Figure> {
        let goal = metric.goal(self.policy);
        Some(match metric {
            Metric::TotalChanges => Figure {
                actual: Some(self.counted.len() as f64),
                target: None,
                comparison: None,
                met: None,
                of: self.counted.len(),
                records: self
                    .counted
                    .iter()
                    .map(|c| c.id.clone())
                    .chain(self.set_aside.iter().cloned())
                    .collect(),
                missed: Vec::new(),
            },
            Metric::EmergencyRate => self.rate(&Change::is_emergency, goal),
            Metric::SuccessRate => self.rate(&|c| c.outcome == Some(Outcome::Successful), goal),
            Metric::RollbackRate => self.rate(&|c| c.outcome == Some(Outcome::RolledBack), goal),
            Metric::IssueRate => self.rate(
                &|c| matches!(c.outcome, Some(Outcome::Failed | Outcome::RolledBack)) || c.issues > 0,
                goal,
            ),
            Metric::AverageChangeTime => self.change_time(goal),
            Metric::EmergencyDocumentedInTime => self.owed("documented", &|d| d.documentation, goal),
            Metric::EmergencyWrittenApprovalInTime => self.owed(
                "written approval of the CISO and CTO (or the CEO)",
                &|d| d.written_approval,
                goal,
            ),
            Metric::EmergencyPostReviewInTime => self.owed("post-emergency review", &|d| d.post_review, goal),
            Metric::ApprovalsBeforeImplementation => self.approvals_before_implementation(goal),
            Metric::EditedAfterApproval => self.edited_after_approval(goal),
            Metric::ApprovalsByOthers => self.approvals_by_others(goal),
            Metric::RollbacksWithinRto => {
                let (within, rollbacks, _, lines, over) = self.rollbacks();
                Figure::ratio(within, rollbacks, goal, lines).missing(over)
            }
            Metric::MeanTimeToRestore => {
                let (_, _, restore, lines, _) = self.rollbacks();
                Figure::new(mean(&restore), goal, restore.len(), lines)
            }
            Metric::MeanLeadTime => self.lead_time(goal),
            Metric::EmergencyTimeToResolution => self.time_to_resolution(goal),
            // Judged from whole records (`rollback.last_tested`), which the
            // history keeps no summary of: the quarterly report computes it.
            Metric::RollbackTestsOnTime => return None,
        })
    }

    fn rate(&self, pred: &dyn Fn(&Change) -> bool, goal: Goal) -> Figure {
        let hits: Vec<String> = self.counted.iter().filter(|c| pred(c)).map(|c| c.id.clone()).collect();
        Figure::ratio(hits.len(), self.counted.len(), goal, hits)
    }

    fn change_time(&self, goal: Goal) -> Figure {
        let mut times = Vec::new();
        let mut lines = Vec::new();
        for c in &self.counted {
            if let (Some(s), Some(f)) = (c.started_at, c.finished_at) {
                let mins = duration::in_minutes(f - s);
                times.push(mins);
                lines.push(format!("{}: {}", c.id, duration::minutes(mins)));
            } else {
                lines.push(format!("{}: no implementation.started_at, left out", c.id));
            }
        }
        Figure::new(mean(&times), goal, times.len(), lines)
    }

    /// The median time to resolution of the period's emergencies: the
    /// median, not the mean, so one long outage does not hide how the others went.
    fn time_to_resolution(&self, goal: Goal) -> Figure {
        let mut times = Vec::new();
        let mut lines = Vec::new();
        for c in self.emergencies() {
            match c.resolution {
                Some(r) => {
                    let mins = duration::in_minutes(r.duration());
                    times.push(mins);
                    lines.push(format!(
                        "{}: {}, from the {} {} to the restoration {}",
                        c.id,
                        duration::minutes(mins),
                        if r.from_incident {
                            "incident's start"
                        } else {
                            "declaration"
                        },
                        r.from.format("%Y-%m-%d %H:%M"),
                        r.restored.format("%Y-%m-%d %H:%M")
                    ));
                }
                None => lines.push(format!("{}: no restoration recorded, left out", c.id)),
            }
        }
        Figure::new(median(&times), goal, times.len(), lines)
    }

    /// One of the emergency deadlines: one definition with `chg check` (rules::emergency_deadlines).
    fn owed(&self, name: &str, pick: &dyn Fn(&EmergencyDeadlines) -> Deadline, goal: Goal) -> Figure {
        let mut hits = 0;
        let mut of = 0;
        let mut lines = Vec::new();
        let mut missed = Vec::new();
        for c in self.emergencies() {
            let Some(d) = c.emergency.as_ref() else {
                lines.push(format!("{}: no implementation time, left out", c.id));
                continue;
            };
            let deadline = pick(d);
            let due = deadline.due.format("%Y-%m-%d %H:%M");
            let done = deadline.done.map(|t| {
                let mut text = t.format("%Y-%m-%d %H:%M").to_string();
                if let Some((stated, _)) = deadline.set_aside {
                    text.push_fmt(format_args!(
                        " (when history received it; the record's {} is implausible against that)",
                        stated.format("%Y-%m-%d %H:%M")
                    ));
                }
                text
            });
            match (deadline.verdict(self.now), done) {
                (Verdict::Met, Some(t)) => {
                    hits += 1;
                    of += 1;
                    lines.push(format!("{}: met, {name} {t}, due {due}", c.id));
                }
                (Verdict::Late, Some(t)) => {
                    of += 1;
                    missed.push(c.id.clone());
                    lines.push(format!("{}: missed, {name} {t}, due {due}", c.id));
                }
                (Verdict::Pending, _) => lines.push(format!("{}: pending, {name} due {due}, left out", c.id)),
                _ => {
                    of += 1;
                    missed.push(c.id.clone());
                    lines.push(format!("{}: missed, no {name}, due {due}", c.id));
                }
            }
        }
        Figure::ratio(hits, of, goal, lines).missing(missed)
    }

    /// Approvals committed by the time implementation started, judged by commit times.
    fn approvals_before_implementation(&self, goal: Goal) -> Figure {
        let name = "approval";
        let mut hits = 0;
        let mut of = 0;
        let mut lines = Vec::new();
        let mut missed = Vec::new();
        let approvable = self
            .counted
            .iter()
            .filter(|c| !matches!(c.classification, Classification::Standard | Classification::Emergency));
        for c in approvable {
            let Some(due) = c.started_at.or(c.finished_at) else {
                lines.push(format!("{}: no start time, left out", c.id));
                continue;
            };
            match self.facts_of(&c.id).first_approval.as_ref() {
                Some(s) => {
                    let met = s.at <= due;
                    hits += usize::from(met);
                    of += 1;
                    if !met {
                        missed.push(c.id.clone());
                    }
                    lines.push(format!(
                        "{}: {}, {name} committed {} ({}), due {}",
                        c.id,
                        if met { "met" } else { "missed" },
                        s.at.format("%Y-%m-%d %H:%M"),
                        s.short(),
                        due.format("%Y-%m-%d %H:%M")
                    ));
                }
                None if due > self.now => lines.push(format!(
                    "{}: pending, {name} due {}, left out",
                    c.id,
                    due.format("%Y-%m-%d %H:%M")
                )),
                None => {
                    of += 1;
                    missed.push(c.id.clone());
                    lines.push(format!(
                        "{}: missed, no {name} committed, due {}",
                        c.id,
                        due.format("%Y-%m-%d %H:%M")
                    ));
                }
            }
        }
        Figure::ratio(hits, of, goal, lines).missing(missed)
    }

    fn edited_after_approval(&self, goal: Goal) -> Figure {
        let mut edited = Vec::new();
        let mut missed = Vec::new();
        for c in &self.counted {
            let f = self.facts_of(&c.id);
            if !f.edits_after_approval.is_empty() {
                missed.push(c.id.clone());
                let commits: Vec<String> = f
                    .edits_after_approval
                    .iter()
                    .map(|s| format!("{} by {} at {}", s.short(), s.by, s.at.format("%Y-%m-%d %H:%M")))
                    .collect();
                edited.push(format!("{}: {}", c.id, commits.join("; ")));
            }
        }
        Figure::ratio(edited.len(), self.counted.len(), goal, edited).missing(missed)
    }

    fn approvals_by_others(&self, goal: Goal) -> Figure {
        let mut by_others = Vec::new();
        for c in &self.counted {
            for (approver, s) in &self.facts_of(&c.id).approvals_by_others {
                by_others.push(format!(
                    "{}: approval of {approver} committed by {} ({})",
                    c.id,
                    s.by,
                    s.short()
                ));
            }
        }
        let missed: Vec<String> = self
            .counted
            .iter()
            .filter(|c| !self.facts_of(&c.id).approvals_by_others.is_empty())
            .map(|c| c.id.clone())
            .collect();
        Figure::ratio(missed.len(), self.counted.len(), goal, by_others).missing(missed)
    }

    /// Rollbacks within their RTO, of those restored; the restore times; one
    /// line each; the changes with a rollback over its RTO.
    fn rollbacks(&self) -> (usize, usize, Vec<f64>, Vec<String>, Vec<String>) {
        let mut within = 0;
        let mut rollbacks = 0;
        let mut restore = Vec::new();
        let mut lines = Vec::new();
        let mut over = Vec::new();
        for c in &self.counted {
            for (i, b) in c.rollbacks.iter().enumerate() {
                let Some(check) = c.rto_check(b, self.policy) else {
                    lines.push(format!("{} rollback {}: not restored, left out", c.id, i + 1));
                    continue;
                };
                let took = duration::in_minutes(check.took);
                rollbacks += 1;
                restore.push(took);
                if check.within {
                    within += 1;
                } else {
                    over.push(c.id.clone());
                }
                lines.push(format!(
                    "{}, {}{}",
                    check.record_line(&c.id, i + 1),
                    if check.within { "met" } else { "missed" },
                    check.assumed()
                ));
            }
        }
        (within, rollbacks, restore, lines, over)
    }

    fn lead_time(&self, goal: Goal) -> Figure {
        let mut leads = Vec::new();
        let mut lines = Vec::new();
        for c in &self.counted {
            let f = self.facts_of(&c.id);
            match (&f.first_commit, f.status_first.get("completed")) {
                (Some(first), Some(done)) => {
                    let mins = duration::in_minutes(done.at - first.at);
                    leads.push(mins);
                    lines.push(format!(
                        "{}: first commit {} ({}) → completed {} ({}): {}",
                        c.id,
                        first.at.format("%Y-%m-%d %H:%M"),
                        first.short(),
                        done.at.format("%Y-%m-%d %H:%M"),
                        done.short(),
                        duration::minutes(mins)
                    ));
                }
                _ => lines.push(format!("{}: never committed as completed, left out", c.id)),
            }
        }
        Figure::new(mean(&leads), goal, leads.len(), lines)
    }
}

/// Returns the change with each time it states judged by its evidence: a
/// time implausible against when history received it counts as that time.
/// Says so in `notes`, for `--explain`.
fn judge_times(c: &Change, facts: Option<&Facts>, notes: &mut Vec<String>) -> Change {
    use crate::rules::history::Counts;
    let Some(times) = facts.map(|f| f.implausible_times.as_slice()).filter(|t| !t.is_empty()) else {
        return c.clone();
    };
    let mut out = c.clone();
    let mut judge = |key: String, slot: &mut Option<DateTime<Utc>>, counts: Counts| {
        if let Some(stated) = *slot {
            let (t, e) = crate::rules::history::judged_time(times, &key, stated, counts);
            if let Some(e) = e {
                notes.push(format!(
                    "{}: `{key}` states {}, implausible against commit {} received {}: counted at {}",
                    c.id,
                    stated.format("%Y-%m-%d %H:%M"),
                    e.commit.short(),
                    e.evidence.format("%Y-%m-%d %H:%M"),
                    t.format("%Y-%m-%d %H:%M")
                ));
            }
            *slot = Some(t);
        }
    };
    // A change counts in the month it finished, or earlier where history says so.
    judge("implementation.started_at".into(), &mut out.started_at, Counts::From);
    judge("implementation.finished_at".into(), &mut out.finished_at, Counts::From);
    for (i, b) in out.rollbacks.iter_mut().enumerate() {
        judge(format!("rollbacks[{i}].started_at"), &mut b.started_at, Counts::From);
        // A restore stated long before history received it may be a late
        // write-up of a real restore: only one dated ahead is set aside.
        judge(format!("rollbacks[{i}].restored_at"), &mut b.restored_at, Counts::From);
    }
    out
}
