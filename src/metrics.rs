//! The monthly metrics of the guide (section 9.3) and the figures only the
//! history can judge. Pure aggregation: the changes, the facts the history
//! walk found for each, the policy and a period in; every figure, with the
//! records it counted, out. Monthly, quarterly and weekly reports reuse
//! [`compute`].

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::policy::{Policy, TargetName};
use crate::record::{Classification, Outcome, Record, RollbackKind};
use crate::rules::{Deadline, EmergencyDeadlines, Verdict};

pub use crate::period::Period;

/// The fields of a record the metrics read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub id: String,
    pub classification: Classification,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: Option<Outcome>,
    /// How many `implementation.issues` are listed.
    pub issues: usize,
    /// The kind the rollback plan declares, for rollback entries that name none.
    pub plan_kind: Option<RollbackKind>,
    pub rollbacks: Vec<RollbackTimes>,
    /// The guide's deadlines of an emergency change, judged as `chg check`
    /// judges them. Filled from the record at the tip with the policy in
    /// force (by `chg metrics` and the reports), never cached.
    #[serde(skip)]
    pub emergency: Option<EmergencyDeadlines>,
}

/// The times of one rollback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RollbackTimes {
    pub kind: Option<RollbackKind>,
    pub started_at: Option<DateTime<Utc>>,
    pub restored_at: Option<DateTime<Utc>>,
}

impl From<&Record> for Change {
    fn from(r: &Record) -> Change {
        Change {
            id: r.id.clone(),
            classification: r.classification,
            started_at: r.started_at(),
            finished_at: r.finished_at(),
            outcome: r.outcome(),
            issues: r.implementation.as_ref().map_or(0, |i| i.issues.len()),
            plan_kind: r.rollback_kind(),
            rollbacks: r
                .rollbacks
                .iter()
                .map(|b| RollbackTimes {
                    kind: b.kind,
                    started_at: b.started_at,
                    restored_at: b.restored_at,
                })
                .collect(),
            emergency: None,
        }
    }
}

/// A moment the repository witnessed: a commit, its committer time and author.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    pub commit: crate::git::ObjectId,
    pub at: DateTime<Utc>,
    /// The author's email.
    pub by: String,
}

impl Stamp {
    fn short(&self) -> String {
        self.commit.short()
    }
}

/// The first commit in which a record had each status, by status name.
///
/// A short list rather than a `BTreeMap`: a map's node reserves room for 11
/// entries (1.3 KB) where a record reaches 4 to 6 statuses, and the history
/// of a large store holds one per record. Written as a JSON object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StatusStamps(Vec<(String, Stamp)>);

impl StatusStamps {
    pub fn get(&self, status: &str) -> Option<&Stamp> {
        self.0.iter().find(|(s, _)| s == status).map(|(_, stamp)| stamp)
    }

    /// Keeps the earlier of the stamp held for `status` and `stamp`.
    pub fn keep_earliest(&mut self, status: &str, stamp: &Stamp) {
        match self.0.iter_mut().find(|(s, _)| s == status) {
            Some((_, held)) if held.at <= stamp.at => {}
            Some((_, held)) => *held = stamp.clone(),
            None => self.0.push((status.to_string(), stamp.clone())),
        }
    }
}

impl Serialize for StatusStamps {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(s, stamp)| (s, stamp)))
    }
}

impl<'de> Deserialize<'de> for StatusStamps {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<StatusStamps, D::Error> {
        let map = BTreeMap::<String, Stamp>::deserialize(deserializer)?;
        Ok(StatusStamps(map.into_iter().collect()))
    }
}

/// What the history says about one record.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// The first commit of the record's file (before any rename).
    pub first_commit: Option<Stamp>,
    /// The first commit in which the record had each status.
    pub status_first: StatusStamps,
    /// The first commit holding a granted approval.
    pub first_approval: Option<Stamp>,
    /// The latest commit in which the record went from no granted approval
    /// to some: the approval that holds now, after a change was sent back.
    pub last_approval: Option<Stamp>,
    /// The first commit holding a granted written approval.
    pub first_written_approval: Option<Stamp>,
    /// The first commit with `emergency.post_review.completed_at` set.
    pub post_review: Option<Stamp>,
    /// Commits that changed the approved scope (`crate::scope`) of a record
    /// that already held a granted approval.
    pub edits_after_approval: Vec<Stamp>,
    /// Granted approvals committed by someone other than the approver: (approver email, commit).
    pub approvals_by_others: Vec<(String, Stamp)>,
    /// The rollback entries of the version that held the most.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rollbacks_seen: Vec<RollbackTimes>,
    /// The gravest outcome any version recorded (rolled back, then failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gravest_outcome: Option<Outcome>,
    /// Times the record states that are implausible against when history
    /// received them; deadlines and metrics use the evidence time instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub implausible_times: Vec<crate::rules::history::TimeEvidence>,
}

impl Facts {
    /// Notes the outcome and rollbacks of a version the history walked.
    pub fn saw(&mut self, version: &Change) {
        if version.rollbacks.len() > self.rollbacks_seen.len() {
            self.rollbacks_seen = version.rollbacks.clone();
        }
        if gravity(version.outcome) > gravity(self.gravest_outcome) {
            self.gravest_outcome = version.outcome;
        }
    }

    /// Puts back into the record at the tip the rollbacks and the outcome an
    /// earlier version recorded. Evidence is append-only: a later version
    /// that drops them (a merge with an old commit restoring the record as it
    /// was before its rollback) cannot make a rolled-back change count as a
    /// success. `chg check --base` flags such a commit (`approval-removed`).
    pub fn restore_evidence(&self, change: &mut Change) {
        if self.rollbacks_seen.len() > change.rollbacks.len() {
            change.rollbacks = self.rollbacks_seen.clone();
        }
        if gravity(self.gravest_outcome) > gravity(change.outcome) {
            change.outcome = self.gravest_outcome;
        }
    }
}

/// How grave an outcome is: a change may go from successful to rolled back
/// (`chg rollback` after completion), never back.
fn gravity(outcome: Option<Outcome>) -> u8 {
    match outcome {
        None => 0,
        Some(Outcome::Successful) => 1,
        Some(Outcome::Failed) => 2,
        Some(Outcome::RolledBack) => 3,
    }
}

/// One figure: its value, target and whether the target is met.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// The value; a fraction 0–1 for rates, minutes for times; null when nothing was counted.
    pub actual: Option<f64>,
    pub target: Option<f64>,
    /// How the value compares with the target to meet it: `<`, `>`, `<=`, `>=`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparison: Option<Compare>,
    /// Null when there is no target or nothing was counted.
    pub met: Option<bool>,
    /// How many records (or rollbacks) the value is taken over.
    pub of: usize,
    /// One line per record considered, so the figure can be checked by hand.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<String>,
}

/// How a value must compare with its target to meet it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compare {
    Below,
    Above,
    AtMost,
    AtLeast,
}

impl Compare {
    /// The symbol a reader sees: `<`, `>`, `≤`, `≥`.
    pub fn symbol(self) -> &'static str {
        match self {
            Compare::Below => "<",
            Compare::Above => ">",
            Compare::AtMost => "≤",
            Compare::AtLeast => "≥",
        }
    }

    /// Returns true when `actual` meets `target`. Rates are compared as
    /// exact fractions would be: 1 of 20 is exactly 5 %, not a hair above.
    pub fn met(self, actual: f64, target: f64) -> bool {
        const EPS: f64 = 1e-9;
        match self {
            Compare::Below => actual < target - EPS,
            Compare::Above => actual > target + EPS,
            Compare::AtMost => actual <= target + EPS,
            Compare::AtLeast => actual + EPS >= target,
        }
    }
}

impl Serialize for Compare {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(match self {
            Compare::Below => "<",
            Compare::Above => ">",
            Compare::AtMost => "<=",
            Compare::AtLeast => ">=",
        })
    }
}

/// How a figure compares with its target.
#[derive(Clone, Copy)]
enum Goal {
    /// A target of the guide's table: strict unless the policy makes it inclusive.
    Target(Compare, f64),
    AtMost(f64),
    AtLeast(f64),
    None,
}

/// The goal of one of the guide's targets: `below` or `above`, strict
/// unless the policy lists the target as inclusive.
fn guide_goal(policy: &Policy, name: TargetName, target: f64) -> Goal {
    let inclusive = policy.targets.is_inclusive(name);
    let compare = match name {
        TargetName::SuccessRate if inclusive => Compare::AtLeast,
        TargetName::SuccessRate => Compare::Above,
        _ if inclusive => Compare::AtMost,
        _ => Compare::Below,
    };
    Goal::Target(compare, target)
}

impl Figure {
    fn new(actual: Option<f64>, goal: Goal, of: usize, records: Vec<String>) -> Figure {
        let (target, compare) = match goal {
            Goal::Target(c, t) => (Some(t), Some(c)),
            Goal::AtMost(t) => (Some(t), Some(Compare::AtMost)),
            Goal::AtLeast(t) => (Some(t), Some(Compare::AtLeast)),
            Goal::None => (None, None),
        };
        let met = match (target, compare, actual) {
            (Some(t), Some(c), Some(a)) => Some(c.met(a, t)),
            _ => None,
        };
        let comparison = match goal {
            Goal::Target(..) => compare,
            _ => None,
        };
        Figure {
            actual,
            target,
            comparison,
            met,
            of,
            records,
        }
    }

    fn ratio(hits: usize, of: usize, goal: Goal, records: Vec<String>) -> Figure {
        let actual = (of > 0).then(|| hits as f64 / of as f64);
        Figure::new(actual, goal, of, records)
    }
}

/// Every figure of a period, by name, in a stable order.
#[derive(Debug, Clone, Serialize)]
pub struct Metrics {
    pub period: Period,
    pub metrics: BTreeMap<&'static str, Figure>,
}

/// The names of the guide's table (section 9.3), in the order it prints them.
pub const GUIDE_TABLE: &[&str] = &[
    "total_changes",
    "emergency_rate",
    "success_rate",
    "rollback_rate",
    "issue_rate",
    "average_change_time_minutes",
];

/// The names of the figures the history judges, in the order they print.
pub const HISTORY_FIGURES: &[&str] = &[
    "emergency_documented_in_time",
    "emergency_written_approval_in_time",
    "emergency_post_review_in_time",
    "approvals_before_implementation",
    "edited_after_approval",
    "approvals_by_others",
    "rollbacks_within_rto",
    "mean_lead_time_minutes",
    "mean_time_to_restore_minutes",
];

fn minutes(d: Duration) -> f64 {
    d.num_seconds() as f64 / 60.0
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
    let total = counted.len();
    let none = Facts::default();
    let facts_of = |id: &str| facts.get(id).unwrap_or(&none);
    let t = &policy.targets;
    let mut m: BTreeMap<&'static str, Figure> = BTreeMap::new();

    let ids = |pred: &dyn Fn(&Change) -> bool| -> Vec<String> {
        counted.iter().filter(|c| pred(c)).map(|c| c.id.clone()).collect()
    };
    let rate = |pred: &dyn Fn(&Change) -> bool, goal: Goal| {
        let hits = ids(pred);
        Figure::ratio(hits.len(), total, goal, hits)
    };
    m.insert(
        "total_changes",
        Figure {
            actual: Some(total as f64),
            target: None,
            comparison: None,
            met: None,
            of: total,
            records: counted.iter().map(|c| c.id.clone()).chain(set_aside).collect(),
        },
    );
    m.insert(
        "emergency_rate",
        rate(
            &|c| c.classification == Classification::Emergency,
            guide_goal(policy, TargetName::EmergencyRate, t.emergency_rate),
        ),
    );
    m.insert(
        "success_rate",
        rate(
            &|c| c.outcome == Some(Outcome::Successful),
            guide_goal(policy, TargetName::SuccessRate, t.success_rate),
        ),
    );
    m.insert(
        "rollback_rate",
        rate(
            &|c| c.outcome == Some(Outcome::RolledBack),
            guide_goal(policy, TargetName::RollbackRate, t.rollback_rate),
        ),
    );
    m.insert(
        "issue_rate",
        rate(
            &|c| matches!(c.outcome, Some(Outcome::Failed | Outcome::RolledBack)) || c.issues > 0,
            guide_goal(policy, TargetName::IssueRate, t.issue_rate),
        ),
    );
    let mut times = Vec::new();
    let mut lines = Vec::new();
    for c in &counted {
        if let (Some(s), Some(f)) = (c.started_at, c.finished_at) {
            let mins = minutes(f - s);
            times.push(mins);
            lines.push(format!("{}: {} min", c.id, fmt_num(mins)));
        } else {
            lines.push(format!("{}: no implementation.started_at, left out", c.id));
        }
    }
    m.insert(
        "average_change_time_minutes",
        Figure::new(
            mean(&times),
            guide_goal(
                policy,
                TargetName::AverageChangeTime,
                minutes(t.average_change_time.duration()),
            ),
            times.len(),
            lines,
        ),
    );

    // Emergency deadlines, judged by commit times.
    let emergencies: Vec<&&Change> = counted
        .iter()
        .filter(|c| c.classification == Classification::Emergency)
        .collect();
    let judge = |name: &str,
                 base: &dyn Fn(&Change) -> Option<DateTime<Utc>>,
                 done: &dyn Fn(&Facts) -> Option<&Stamp>,
                 span: Duration,
                 list: &[&&Change]|
     -> Figure {
        let mut hits = 0;
        let mut of = 0;
        let mut lines = Vec::new();
        for c in list {
            let Some(base) = base(c) else {
                lines.push(format!("{}: no start time, left out", c.id));
                continue;
            };
            let due = base + span;
            match done(facts_of(&c.id)) {
                Some(s) if s.at <= due => {
                    hits += 1;
                    of += 1;
                    lines.push(format!(
                        "{}: met, {name} committed {} ({}), due {}",
                        c.id,
                        s.at.format("%Y-%m-%d %H:%M"),
                        s.short(),
                        due.format("%Y-%m-%d %H:%M")
                    ));
                }
                Some(s) => {
                    of += 1;
                    lines.push(format!(
                        "{}: missed, {name} committed {} ({}), due {}",
                        c.id,
                        s.at.format("%Y-%m-%d %H:%M"),
                        s.short(),
                        due.format("%Y-%m-%d %H:%M")
                    ));
                }
                None if due > now => lines.push(format!(
                    "{}: pending, {name} due {}, left out",
                    c.id,
                    due.format("%Y-%m-%d %H:%M")
                )),
                None => {
                    of += 1;
                    lines.push(format!(
                        "{}: missed, no {name} committed, due {}",
                        c.id,
                        due.format("%Y-%m-%d %H:%M")
                    ));
                }
            }
        }
        Figure::ratio(hits, of, Goal::AtLeast(1.0), lines)
    };
    let start = |c: &Change| c.started_at.or(c.finished_at);
    // The emergency deadlines: one definition with `chg check` (rules::emergency_deadlines).
    let owed = |name: &str, pick: &dyn Fn(&EmergencyDeadlines) -> Deadline| -> Figure {
        let mut hits = 0;
        let mut of = 0;
        let mut lines = Vec::new();
        for c in &emergencies {
            let Some(d) = c.emergency.as_ref() else {
                lines.push(format!("{}: no implementation time, left out", c.id));
                continue;
            };
            let deadline = pick(d);
            let due = deadline.due.format("%Y-%m-%d %H:%M");
            let done = deadline.done.map(|t| {
                let mut text = t.format("%Y-%m-%d %H:%M").to_string();
                if let Some((stated, _)) = deadline.set_aside {
                    text.push_str(&format!(
                        " (when history received it; the record's {} is implausible against that)",
                        stated.format("%Y-%m-%d %H:%M")
                    ));
                }
                text
            });
            match (deadline.verdict(now), done) {
                (Verdict::Met, Some(t)) => {
                    hits += 1;
                    of += 1;
                    lines.push(format!("{}: met, {name} {t}, due {due}", c.id));
                }
                (Verdict::Late, Some(t)) => {
                    of += 1;
                    lines.push(format!("{}: missed, {name} {t}, due {due}", c.id));
                }
                (Verdict::Pending, _) => lines.push(format!("{}: pending, {name} due {due}, left out", c.id)),
                _ => {
                    of += 1;
                    lines.push(format!("{}: missed, no {name}, due {due}", c.id));
                }
            }
        }
        Figure::ratio(hits, of, Goal::AtLeast(1.0), lines)
    };
    m.insert("emergency_documented_in_time", owed("documented", &|d| d.documentation));
    m.insert(
        "emergency_written_approval_in_time",
        owed("written approval of the CISO and CTO (or the CEO)", &|d| {
            d.written_approval
        }),
    );
    m.insert(
        "emergency_post_review_in_time",
        owed("post-emergency review", &|d| d.post_review),
    );
    let approvable: Vec<&&Change> = counted
        .iter()
        .filter(|c| !matches!(c.classification, Classification::Standard | Classification::Emergency))
        .collect();
    m.insert(
        "approvals_before_implementation",
        judge(
            "approval",
            &start,
            &|f| f.first_approval.as_ref(),
            Duration::zero(),
            &approvable,
        ),
    );

    let mut edited = Vec::new();
    for c in &counted {
        let f = facts_of(&c.id);
        if !f.edits_after_approval.is_empty() {
            let commits: Vec<String> = f
                .edits_after_approval
                .iter()
                .map(|s| format!("{} by {} at {}", s.short(), s.by, s.at.format("%Y-%m-%d %H:%M")))
                .collect();
            edited.push(format!("{}: {}", c.id, commits.join("; ")));
        }
    }
    m.insert(
        "edited_after_approval",
        Figure::ratio(edited.len(), total, Goal::AtMost(0.0), edited),
    );
    let mut by_others = Vec::new();
    for c in &counted {
        for (approver, s) in &facts_of(&c.id).approvals_by_others {
            by_others.push(format!(
                "{}: approval of {approver} committed by {} ({})",
                c.id,
                s.by,
                s.short()
            ));
        }
    }
    let others_count = counted
        .iter()
        .filter(|c| !facts_of(&c.id).approvals_by_others.is_empty())
        .count();
    m.insert(
        "approvals_by_others",
        Figure::ratio(others_count, total, Goal::AtMost(0.0), by_others),
    );

    let mut within = 0;
    let mut rollbacks = 0;
    let mut restore = Vec::new();
    let mut lines = Vec::new();
    for c in &counted {
        for (i, b) in c.rollbacks.iter().enumerate() {
            let (Some(s), Some(r)) = (b.started_at, b.restored_at) else {
                lines.push(format!("{} rollback {}: not restored, left out", c.id, i + 1));
                continue;
            };
            let kind = b.kind.or(c.plan_kind).unwrap_or(RollbackKind::Simple);
            let rto = policy.rto.of(kind);
            let took = minutes(r - s);
            rollbacks += 1;
            restore.push(took);
            let ok = policy.within_rto(kind, r - s);
            if ok {
                within += 1;
            }
            lines.push(format!(
                "{} rollback {}: {} min, {kind} RTO {rto}, {}",
                c.id,
                i + 1,
                fmt_num(took),
                if ok { "met" } else { "missed" }
            ));
        }
    }
    m.insert(
        "rollbacks_within_rto",
        Figure::ratio(within, rollbacks, Goal::AtLeast(1.0), lines.clone()),
    );
    m.insert(
        "mean_time_to_restore_minutes",
        Figure::new(mean(&restore), Goal::None, restore.len(), lines),
    );

    let mut leads = Vec::new();
    let mut lines = Vec::new();
    for c in &counted {
        let f = facts_of(&c.id);
        match (&f.first_commit, f.status_first.get("completed")) {
            (Some(first), Some(done)) => {
                let mins = minutes(done.at - first.at);
                leads.push(mins);
                lines.push(format!(
                    "{}: first commit {} ({}) → completed {} ({}): {} min",
                    c.id,
                    first.at.format("%Y-%m-%d %H:%M"),
                    first.short(),
                    done.at.format("%Y-%m-%d %H:%M"),
                    done.short(),
                    fmt_num(mins)
                ));
            }
            _ => lines.push(format!("{}: never committed as completed, left out", c.id)),
        }
    }
    m.insert(
        "mean_lead_time_minutes",
        Figure::new(mean(&leads), Goal::None, leads.len(), lines),
    );
    Metrics { period, metrics: m }
}

/// Returns the change with each time it states judged by its evidence: a
/// time implausible against when history received it counts as that time.
/// Says so in `notes`, for `--explain`.
fn judge_times(c: &Change, facts: Option<&Facts>, notes: &mut Vec<String>) -> Change {
    let Some(times) = facts.map(|f| f.implausible_times.as_slice()).filter(|t| !t.is_empty()) else {
        return c.clone();
    };
    let mut out = c.clone();
    use crate::rules::history::Counts;
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

/// Formats a number with at most one decimal, without a trailing `.0`.
pub fn fmt_num(x: f64) -> String {
    let rounded = (x * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{rounded:.0}")
    } else {
        format!("{rounded:.1}")
    }
}
