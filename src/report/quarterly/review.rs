//! The quarterly review of the guide (9.3, 9.4) beyond the trends: training
//! needs, risk assessment, the ROI of change management and the programme's
//! maturity. Pure: the figures `metrics::compute` made for the quarter, the
//! changes it counted, the whole records and the findings of `chg check`
//! in; each item with the records behind it out.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Quarter;
use crate::metrics::{fmt_num, value_text, Change, Figure, Metric, Metrics, Style, Table};
use crate::policy::{Policy, RoiInputs};
use crate::record::{Classification, Outcome, Record, RollbackKind};
use crate::rule::Rule;

/// How many systems the risk assessment names, and rules the training needs.
const SHORT_LIST: usize = 5;

/// A name and how many changes it holds.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Tally {
    pub name: String,
    pub changes: usize,
}

/// A rule the quarter's changes broke, and where.
#[derive(Debug, Serialize)]
pub struct RuleBroken {
    pub rule: Rule,
    pub description: &'static str,
    /// The changes that broke it, each once.
    pub changes: Vec<String>,
    /// The systems those changes touched, most first.
    pub by_system: Vec<Tally>,
    /// Who requested those changes (records name no team: the requester
    /// stands for it), most first.
    pub by_requester: Vec<Tally>,
    /// One line per change: how it was judged.
    pub records: Vec<String>,
    pub text: String,
}

/// Rollbacks or emergencies that recurred on one system within the quarter.
#[derive(Debug, Serialize)]
pub struct Recurrence {
    /// `rollback` or `emergency`.
    pub kind: &'static str,
    pub system: String,
    pub changes: Vec<String>,
    pub text: String,
}

/// Training needs (guide 9.3), derived from the records.
#[derive(Debug, Serialize)]
pub struct Training {
    /// Rules broken, most changes first.
    pub rules: Vec<RuleBroken>,
    /// Rollbacks and emergencies on a system two or more times.
    pub recurring: Vec<Recurrence>,
}

/// One system's failed, rolled-back and emergency changes.
#[derive(Debug, Serialize)]
pub struct SystemRisk {
    pub system: String,
    /// Changes of the quarter that touched it.
    pub changes: usize,
    pub failed: Vec<String>,
    pub rolled_back: Vec<String>,
    pub emergency: Vec<String>,
    /// Failed, rolled-back and emergency changes, a change counted once per list.
    pub total: usize,
}

/// A change approved with a rollback procedure not rehearsed in the quarter before it.
#[derive(Debug, Serialize)]
pub struct Unrehearsed {
    pub id: String,
    pub kind: RollbackKind,
    /// How the rehearsal was judged.
    pub record: String,
}

/// Risk assessment beyond the trends.
#[derive(Debug, Serialize)]
pub struct RiskAssessment {
    /// The systems with the most failed, rolled-back or emergency changes (at most five).
    pub systems: Vec<SystemRisk>,
    pub unrehearsed: Vec<Unrehearsed>,
}

/// Money put on the figures, from the policy's inputs.
#[derive(Debug, Serialize)]
pub struct Money {
    pub currency: String,
    /// The minutes avoided, at the cost of an hour of downtime.
    pub downtime_avoided: f64,
    /// The minutes over RTO, at the cost of an hour of downtime.
    pub downtime_over_rto: f64,
    /// Failed changes' and rollbacks' minutes, at the cost of an hour of downtime.
    pub downtime_caused: f64,
    /// The hours spent, at the cost of an hour of engineering.
    pub process: f64,
    /// Avoided − over RTO − process.
    pub net: f64,
    /// `net ÷ process`; null when the process cost nothing.
    pub roi: Option<f64>,
}

/// The ROI of change management (guide 9.4).
#[derive(Debug, Serialize)]
pub struct Roi {
    pub rollbacks_within_rto: usize,
    /// Minutes between each such rollback's restore and its RTO, summed.
    pub minutes_avoided: f64,
    pub rollbacks_over_rto: usize,
    /// Minutes beyond the RTO, summed.
    pub minutes_over_rto: f64,
    /// Restore time of every rollback, summed.
    pub rollback_minutes: f64,
    pub failed_changes: usize,
    /// Start to finish of each failed change, summed.
    pub failed_minutes: f64,
    /// Start to finish of every change, summed.
    pub implementation_hours: f64,
    pub approvals: usize,
    /// `approvals × roi.hours_per_approval`; null when that is not set.
    pub approval_hours: Option<f64>,
    /// Implementation, rollbacks and approvals.
    pub process_hours: f64,
    pub inputs: RoiInputs,
    /// The policy keys left unset, which money needs.
    pub missing_inputs: Vec<&'static str>,
    pub money: Option<Money>,
    /// What the figures assume, said plainly.
    pub assumptions: Vec<String>,
    pub records: Vec<String>,
}

/// One criterion of a maturity level, judged on the quarter's figures.
#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub text: String,
    pub met: bool,
    /// The figure that judges it.
    pub figure: String,
    /// The records that keep it from being met.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<String>,
}

/// One level of the maturity model.
#[derive(Debug, Serialize)]
pub struct MaturityLevel {
    pub level: u8,
    pub name: &'static str,
    pub meaning: &'static str,
    pub criteria: Vec<Criterion>,
    pub met: bool,
}

/// The programme's maturity: the model, the quarter's level and the way to the next.
#[derive(Debug, Serialize)]
pub struct Maturity {
    pub level: u8,
    pub name: &'static str,
    pub levels: Vec<MaturityLevel>,
    /// The criteria of the next level not met, or none at the top.
    pub next: Vec<Criterion>,
}

/// The levels of the model: number, name, what it means.
pub const LEVELS: [(u8, &str, &str); 5] = [
    (1, "Initial", "changes are recorded in the store"),
    (
        2,
        "Controlled",
        "every approval is committed before implementation, by the approver, and the approved scope is not edited after",
    ),
    (
        3,
        "Defined",
        "deadlines are kept, rollback procedures are rehearsed and restore within their RTO, and approvals are signed",
    ),
    (4, "Managed", "every monthly target is met in each month of the quarter"),
    (5, "Optimising", "levels 2 to 4 held in the previous quarter too"),
];

/// Ids of the records a figure counts against its target.
fn missed(f: Option<&Figure>) -> Vec<String> {
    f.map(|f| f.missed.clone()).unwrap_or_default()
}

/// Sorts a tally most first, then by name, and keeps the first `n`.
fn top(map: BTreeMap<String, usize>, n: usize) -> Vec<Tally> {
    let mut list: Vec<Tally> = map.into_iter().map(|(name, changes)| Tally { name, changes }).collect();
    list.sort_by(|a, b| b.changes.cmp(&a.changes).then_with(|| a.name.cmp(&b.name)));
    list.truncate(n);
    list
}

/// A change's systems, or one placeholder for a change that names none.
fn systems_of(r: Option<&&Record>) -> Vec<String> {
    match r {
        Some(r) if !r.systems.is_empty() => r.systems.clone(),
        _ => vec!["(no system named)".to_string()],
    }
}

fn tally_text(list: &[Tally]) -> String {
    list.iter()
        .map(|t| format!("{} ({})", t.name, t.changes))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The training needs: rules broken (the history-judged figures' misses and
/// the findings of `chg check` on the quarter's changes), and the rollbacks
/// and emergencies that recurred on a system.
pub fn training(
    quarter: &Quarter,
    counted: &Metrics,
    by_id: &BTreeMap<&str, &Record>,
    findings: &[(String, Rule)],
) -> Training {
    let ids: Vec<&str> = counted.changes.iter().map(|c| c.id.as_str()).collect();
    // (rule, id) → how it was judged.
    let mut broken: BTreeMap<(usize, String), Vec<String>> = BTreeMap::new();
    let rank = |rule: Rule| Rule::ALL.iter().position(|r| *r == rule).unwrap_or(usize::MAX);
    for metric in Metric::ALL {
        let Some(rule) = metric.rule() else { continue };
        for id in missed(quarter.scores.figure(*metric)) {
            broken
                .entry((rank(rule), id))
                .or_default()
                .push(format!("missed `{metric}`"));
        }
    }
    for (id, rule) in findings.iter().filter(|(id, _)| ids.contains(&id.as_str())) {
        let how = broken.entry((rank(*rule), id.clone())).or_default();
        if !how.iter().any(|h| h == "`chg check` finding") {
            how.push("`chg check` finding".into());
        }
    }
    let mut rules: Vec<RuleBroken> = Vec::new();
    for ((at, id), how) in broken {
        let Some(rule) = Rule::ALL.get(at).copied() else {
            continue;
        };
        if rules.last().is_none_or(|r| r.rule != rule) {
            rules.push(RuleBroken {
                rule,
                description: rule.description(),
                changes: Vec::new(),
                by_system: Vec::new(),
                by_requester: Vec::new(),
                records: Vec::new(),
                text: String::new(),
            });
        }
        if let Some(entry) = rules.last_mut() {
            entry.records.push(format!("{id}: {}", how.join(", ")));
            entry.changes.push(id);
        }
    }
    for entry in &mut rules {
        let mut systems: BTreeMap<String, usize> = BTreeMap::new();
        let mut requesters: BTreeMap<String, usize> = BTreeMap::new();
        for id in &entry.changes {
            let r = by_id.get(id.as_str());
            for s in systems_of(r) {
                *systems.entry(s).or_insert(0) += 1;
            }
            let who = r.map_or("(not in the work tree)", |r| r.requested_by.email());
            *requesters.entry(who.to_string()).or_insert(0) += 1;
        }
        entry.by_system = top(systems, 3);
        entry.by_requester = top(requesters, 3);
        entry.text = format!(
            "`{}` ({}): {} ({}); most on {}; requested by {}.",
            entry.rule,
            entry.description,
            plural(entry.changes.len(), "change"),
            first_ids(&entry.changes),
            tally_text(&entry.by_system),
            tally_text(&entry.by_requester)
        );
    }
    // Most changes first; the rule order of `chg check` breaks ties.
    rules.sort_by(|a, b| {
        b.changes
            .len()
            .cmp(&a.changes.len())
            .then(rank(a.rule).cmp(&rank(b.rule)))
    });
    Training {
        rules,
        recurring: recurring(counted, by_id),
    }
}

/// Whether a change is of the kind a recurrence counts.
type IsKind = fn(&Change) -> bool;

/// Systems with two or more rolled-back changes, or two or more emergencies, in the quarter.
fn recurring(counted: &Metrics, by_id: &BTreeMap<&str, &Record>) -> Vec<Recurrence> {
    let mut out = Vec::new();
    let kinds: [(&'static str, IsKind); 2] = [
        ("rollback", |c| c.outcome == Some(Outcome::RolledBack)),
        ("emergency", |c| c.classification == Classification::Emergency),
    ];
    for (kind, pred) in kinds {
        let mut by_system: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for c in counted.changes.iter().filter(|c| pred(c)) {
            for s in systems_of(by_id.get(c.id.as_str())) {
                by_system.entry(s).or_default().push(c.id.clone());
            }
        }
        for (system, changes) in by_system.into_iter().filter(|(_, c)| c.len() >= 2) {
            let what = if kind == "rollback" {
                "changes rolled back"
            } else {
                "emergency changes"
            };
            out.push(Recurrence {
                kind,
                text: format!("{system}: {} {what} ({}).", changes.len(), changes.join(", ")),
                system,
                changes,
            });
        }
    }
    out.sort_by_key(|r| std::cmp::Reverse(r.changes.len()));
    out
}

/// The first few ids and how many more: a report's line stays short; the
/// JSON lists them all.
fn first_ids(ids: &[String]) -> String {
    const SHOWN: usize = 5;
    if ids.len() <= SHOWN {
        ids.join(", ")
    } else {
        format!("{} and {} more", ids[..SHOWN].join(", "), ids.len() - SHOWN)
    }
}

/// `1 change`, `2 changes`.
fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// The systems with the most failed, rolled-back or emergency changes, and
/// the approved changes whose rollback was not rehearsed.
pub fn risk(
    quarter: &Quarter,
    counted: &Metrics,
    by_id: &BTreeMap<&str, &Record>,
    rehearsals: &BTreeMap<String, String>,
) -> RiskAssessment {
    let mut systems: BTreeMap<String, SystemRisk> = BTreeMap::new();
    for c in &counted.changes {
        for s in systems_of(by_id.get(c.id.as_str())) {
            let entry = systems.entry(s.clone()).or_insert_with(|| SystemRisk {
                system: s,
                changes: 0,
                failed: Vec::new(),
                rolled_back: Vec::new(),
                emergency: Vec::new(),
                total: 0,
            });
            entry.changes += 1;
            match c.outcome {
                Some(Outcome::Failed) => entry.failed.push(c.id.clone()),
                Some(Outcome::RolledBack) => entry.rolled_back.push(c.id.clone()),
                _ => {}
            }
            if c.classification == Classification::Emergency {
                entry.emergency.push(c.id.clone());
            }
        }
    }
    let mut systems: Vec<SystemRisk> = systems
        .into_values()
        .map(|mut s| {
            s.total = s.failed.len() + s.rolled_back.len() + s.emergency.len();
            s
        })
        .filter(|s| s.total > 0)
        .collect();
    systems.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.system.cmp(&b.system)));
    systems.truncate(SHORT_LIST);
    let unrehearsed = quarter
        .scores
        .rollback_tests_on_time
        .missed
        .iter()
        .filter_map(|id| {
            let r = by_id.get(id.as_str())?;
            r.granted_approvals().next()?;
            Some(Unrehearsed {
                id: id.clone(),
                kind: r.rollback_kind()?,
                record: rehearsals.get(id).cloned().unwrap_or_default(),
            })
        })
        .collect();
    RiskAssessment { systems, unrehearsed }
}

fn minutes(d: chrono::Duration) -> f64 {
    d.num_seconds() as f64 / 60.0
}

/// The outage minutes the quarter's rollbacks kept inside or ran over their
/// RTO, the failed changes' downtime, the time spent, and money where the
/// policy gives its inputs.
pub fn roi(counted: &Metrics, by_id: &BTreeMap<&str, &Record>, policy: &Policy) -> Roi {
    let mut r = Roi {
        rollbacks_within_rto: 0,
        minutes_avoided: 0.0,
        rollbacks_over_rto: 0,
        minutes_over_rto: 0.0,
        rollback_minutes: 0.0,
        failed_changes: 0,
        failed_minutes: 0.0,
        implementation_hours: 0.0,
        approvals: 0,
        approval_hours: None,
        process_hours: 0.0,
        inputs: policy.roi.clone(),
        missing_inputs: Vec::new(),
        money: None,
        assumptions: Vec::new(),
        records: Vec::new(),
    };
    let mut implementation = 0.0;
    for c in &counted.changes {
        if let (Some(s), Some(f)) = (c.started_at, c.finished_at) {
            implementation += minutes(f - s);
            if c.outcome == Some(Outcome::Failed) {
                r.failed_changes += 1;
                r.failed_minutes += minutes(f - s);
                r.records.push(format!(
                    "{}: failed, {} min from start to finish",
                    c.id,
                    fmt_num(minutes(f - s))
                ));
            }
        }
        for (i, b) in c.rollbacks.iter().enumerate() {
            let (Some(s), Some(done)) = (b.started_at, b.restored_at) else {
                continue;
            };
            let kind = b.kind.or(c.plan_kind).unwrap_or(RollbackKind::Simple);
            let check = policy.rto_check(kind, done - s);
            let took = minutes(done - s);
            let rto = minutes(check.rto.duration());
            r.rollback_minutes += took;
            if check.within {
                r.rollbacks_within_rto += 1;
                r.minutes_avoided += rto - took;
                r.records.push(format!(
                    "{} rollback {}: {} min, {kind} RTO {}: {} min inside it",
                    c.id,
                    i + 1,
                    fmt_num(took),
                    check.rto.text(),
                    fmt_num(rto - took)
                ));
            } else {
                r.rollbacks_over_rto += 1;
                r.minutes_over_rto += took - rto;
                r.records.push(format!(
                    "{} rollback {}: {} min, {kind} RTO {}: {} min over it",
                    c.id,
                    i + 1,
                    fmt_num(took),
                    check.rto.text(),
                    fmt_num(took - rto)
                ));
            }
        }
        let approvals = by_id
            .get(c.id.as_str())
            .map_or(0, |rec| rec.granted_approvals().count());
        r.approvals += approvals;
    }
    r.implementation_hours = implementation / 60.0;
    r.approval_hours = policy.roi.hours_per_approval.map(|h| h * r.approvals as f64);
    r.process_hours = r.implementation_hours + r.rollback_minutes / 60.0 + r.approval_hours.unwrap_or(0.0);
    let inputs = &policy.roi;
    if inputs.downtime_cost_per_hour.is_none() {
        r.missing_inputs.push("roi.downtime_cost_per_hour");
    }
    if inputs.engineering_cost_per_hour.is_none() {
        r.missing_inputs.push("roi.engineering_cost_per_hour");
    }
    if inputs.hours_per_approval.is_none() {
        r.missing_inputs.push("roi.hours_per_approval");
    }
    r.assumptions.push(
        "A rollback restored within its RTO avoided the minutes left between its restore and its RTO: the RTO is taken as the outage the process plans for (chg's reading; the standard gives no baseline).".into(),
    );
    if let Some(h) = inputs.hours_per_approval {
        r.assumptions.push(format!(
            "One approval takes {} engineering hours (policy `roi.hours_per_approval`, an assumption).",
            fmt_num(h)
        ));
    }
    if let (Some(down), Some(eng)) = (inputs.downtime_cost_per_hour, inputs.engineering_cost_per_hour) {
        let currency = inputs.currency.clone().unwrap_or_default();
        r.assumptions.push(format!(
            "An hour of downtime costs {} (policy `roi.downtime_cost_per_hour`, an assumption).",
            money_text(down, &currency)
        ));
        r.assumptions.push(format!(
            "An hour of engineering costs {} (policy `roi.engineering_cost_per_hour`, an assumption).",
            money_text(eng, &currency)
        ));
        let avoided = r.minutes_avoided / 60.0 * down;
        let over = r.minutes_over_rto / 60.0 * down;
        let caused = (r.rollback_minutes + r.failed_minutes) / 60.0 * down;
        let process = r.process_hours * eng;
        let net = avoided - over - process;
        r.money = Some(Money {
            currency,
            downtime_avoided: avoided,
            downtime_over_rto: over,
            downtime_caused: caused,
            process,
            net,
            roi: (process > 0.0).then(|| net / process),
        });
    }
    r
}

/// `12,500 EUR`: whole units with thousands separated.
pub fn money_text(amount: f64, currency: &str) -> String {
    let rounded = amount.round();
    let digits = format!("{:.0}", rounded.abs());
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if rounded < 0.0 { "−" } else { "" };
    if currency.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped} {currency}")
    }
}

/// A share figure as a criterion: met when every case judged met it, or none was there to judge.
fn share(text: String, metric: Metric, f: Option<&Figure>) -> Criterion {
    match f {
        Some(f) if f.of > 0 => Criterion {
            text,
            met: f.met == Some(true),
            figure: format!(
                "{} ({} of {})",
                value_text(metric, f.actual, Style::Report),
                (f.actual.unwrap_or(0.0) * f.of as f64).round(),
                f.of
            ),
            records: f.missed.clone(),
        },
        _ => Criterion {
            text,
            met: true,
            figure: "nothing to judge".into(),
            records: Vec::new(),
        },
    }
}

/// A rate that must be zero, as a criterion.
fn none_of(text: String, f: Option<&Figure>) -> Criterion {
    let n = f.map_or(0, |f| f.missed.len());
    let of = f.map_or(0, |f| f.of);
    Criterion {
        text,
        met: n == 0,
        figure: format!("{n} of {of} changes"),
        records: f.map(|f| f.missed.clone()).unwrap_or_default(),
    }
}

/// The criteria of levels 2 to 4 for one quarter, by level.
fn criteria(q: &Quarter, months: &[&super::Month], policy: &Policy) -> [Vec<Criterion>; 3] {
    let label = |m: Metric| m.label(policy);
    let controlled = vec![
        share(
            label(Metric::ApprovalsBeforeImplementation),
            Metric::ApprovalsBeforeImplementation,
            q.scores.figure(Metric::ApprovalsBeforeImplementation),
        ),
        none_of(
            "Approvals committed by the approver, none by someone else".into(),
            q.scores.figure(Metric::ApprovalsByOthers),
        ),
        none_of(
            "Approved scope not edited after approval".into(),
            q.scores.figure(Metric::EditedAfterApproval),
        ),
    ];
    let mut defined: Vec<Criterion> = [
        Metric::EmergencyDocumentedInTime,
        Metric::EmergencyWrittenApprovalInTime,
        Metric::EmergencyPostReviewInTime,
        Metric::RollbackTestsOnTime,
        Metric::RollbacksWithinRto,
    ]
    .iter()
    .map(|&m| share(label(m), m, q.scores.figure(m)))
    .collect();
    defined.push(Criterion {
        text: "Approval commits must be signed (`require_signed_approvals`; `chg audit` verifies the signatures)"
            .into(),
        met: policy.require_signed_approvals,
        figure: if policy.require_signed_approvals {
            "required".into()
        } else {
            "not required".into()
        },
        records: Vec::new(),
    });
    let judged: Vec<&&super::Month> = months.iter().filter(|m| m.scores.targets_judged > 0).collect();
    let all_met = judged
        .iter()
        .filter(|m| m.scores.targets_met == m.scores.targets_judged)
        .count();
    let short: Vec<String> = judged
        .iter()
        .filter(|m| m.scores.targets_met < m.scores.targets_judged)
        .map(|m| {
            format!(
                "{}: {} of {} targets met",
                m.month, m.scores.targets_met, m.scores.targets_judged
            )
        })
        .collect();
    let managed = vec![Criterion {
        text: format!(
            "Every monthly target ({} of them) met in each month with changes",
            Metric::of_table(Table::Guide).len() - 1
        ),
        met: !judged.is_empty() && all_met == judged.len(),
        figure: if judged.is_empty() {
            "no month with changes".into()
        } else {
            format!("{all_met} of {} months", judged.len())
        },
        records: short,
    }];
    [controlled, defined, managed]
}

/// Judges the quarter's level in the model of [`LEVELS`].
pub fn maturity(cur: &Quarter, prev: &Quarter, months: &[super::Month], policy: &Policy) -> Maturity {
    let in_q: Vec<&super::Month> = months.iter().filter(|m| m.in_quarter).collect();
    let before: Vec<&super::Month> = months.iter().filter(|m| !m.in_quarter).collect();
    let [controlled, defined, managed] = criteria(cur, &in_q, policy);
    let previous = criteria(prev, &before, policy);
    let held = previous.iter().flatten().filter(|c| !c.met).count();
    let optimising = vec![Criterion {
        text: format!("The criteria of levels 2 to 4 met in {} too", prev.quarter),
        met: held == 0,
        figure: format!(
            "{} of {} met",
            previous.iter().flatten().count() - held,
            previous.iter().flatten().count()
        ),
        records: previous
            .iter()
            .flatten()
            .filter(|c| !c.met)
            .map(|c| format!("{}: {}", c.text, c.figure))
            .collect(),
    }];
    let mut levels = Vec::new();
    let mut reached = 0;
    for ((level, name, meaning), criteria) in LEVELS
        .iter()
        .zip([Vec::new(), controlled, defined, managed, optimising])
    {
        let met = criteria.iter().all(|c| c.met);
        if met && reached + 1 == *level {
            reached = *level;
        }
        levels.push(MaturityLevel {
            level: *level,
            name,
            meaning,
            criteria,
            met,
        });
    }
    let next = levels
        .iter()
        .find(|l| l.level == reached + 1)
        .map(|l| l.criteria.iter().filter(|c| !c.met).cloned().collect())
        .unwrap_or_default();
    let name = LEVELS.iter().find(|l| l.0 == reached).map_or("", |l| l.1);
    Maturity {
        level: reached,
        name,
        levels,
        next,
    }
}

#[cfg(test)]
mod tests {
    use super::money_text;

    #[test]
    fn money_is_whole_units_with_thousands_separated_and_a_true_minus() {
        assert_eq!(money_text(7800.0, "EUR"), "7,800 EUR");
        assert_eq!(money_text(1_234_567.4, "USD"), "1,234,567 USD");
        assert_eq!(money_text(-516.67, "EUR"), "−517 EUR");
        assert_eq!(money_text(999.5, ""), "1,000");
        assert_eq!(money_text(0.0, "EUR"), "0 EUR");
    }
}
