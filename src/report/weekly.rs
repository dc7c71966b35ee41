//! The weekly CAB report (guide 9.4): implemented this week, scheduled next
//! week, the week's emergency changes, what needs attention, and the counts.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::period::Period;
use crate::policy::Policy;
use crate::record::{Classification, Decision, Method, Outcome, Record, Role, Status};
use crate::render::{table_or_empty, Block, Cell, Document, Section, Table, Tone};
use crate::rules::approval_status;

/// Everything the weekly report says, as data.
#[derive(Debug, Serialize)]
pub struct Weekly {
    pub week: String,
    pub period: Period,
    pub next_week: Period,
    pub generated_at: DateTime<Utc>,
    pub implemented: Vec<Implemented>,
    pub scheduled_next_week: Vec<Scheduled>,
    pub emergencies: Vec<EmergencyChange>,
    /// Changes the CAB voted on this week, or whose vote is still open.
    pub cab_votes: Vec<CabVote>,
    pub attention: Vec<Attention>,
    /// Why the history could not judge edits after approval (no commits, shallow clone), when it could not.
    pub history_note: Option<String>,
    pub counts: Counts,
}

#[derive(Debug, Serialize)]
pub struct Implemented {
    pub id: String,
    pub title: String,
    pub classification: Classification,
    pub status: Status,
    pub outcome: Option<Outcome>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub minutes: Option<i64>,
    pub systems: Vec<String>,
    pub issues: Vec<String>,
    /// What was deployed where (`implementation.deployment`).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub deployment: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
pub struct Scheduled {
    pub id: String,
    pub title: String,
    pub classification: Classification,
    pub status: Status,
    pub window_start: DateTime<Utc>,
    pub window_end: DateTime<Utc>,
    pub systems: Vec<String>,
    /// What the approvals still lack, empty when complete.
    pub approvals_missing: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct EmergencyChange {
    pub id: String,
    pub title: String,
    pub status: Status,
    pub criteria: Vec<String>,
    pub verbal_approvals: Vec<String>,
    pub written_approvals: Vec<String>,
    pub implemented_at: Option<DateTime<Utc>>,
    pub documentation_due: Option<DateTime<Utc>>,
    pub written_approval_due: Option<DateTime<Utc>>,
    pub written_approval_done: bool,
    pub post_review_due: Option<DateTime<Utc>>,
    pub post_review_done: bool,
    pub cab_presentation: Option<String>,
}

/// Where a change's CAB vote stands (`crate::vote`).
#[derive(Debug, Serialize)]
pub struct CabVote {
    pub id: String,
    pub title: String,
    /// `approved`, `rejected`, or `open` while the vote has not decided.
    pub decision: String,
    #[serde(rename = "for")]
    pub yes: u32,
    pub against: u32,
    pub quorum: u32,
    pub members: usize,
    pub chair: Option<String>,
    /// The count in words, as `chg show` prints it.
    pub summary: String,
}

/// Something that needs someone's action.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Attention {
    pub id: String,
    pub what: String,
    /// Who can act.
    pub who: String,
    /// Age or deadline, in words.
    pub when: String,
    pub overdue: bool,
}

#[derive(Debug, Serialize, Default, PartialEq)]
pub struct Counts {
    pub implemented: usize,
    pub successful: usize,
    pub failed: usize,
    pub rolled_back: usize,
    pub in_progress: usize,
    pub emergencies: usize,
    pub scheduled_next_week: usize,
    pub needing_attention: usize,
}

/// The weeks a report covers: the changes implemented in `period` and those
/// scheduled in `next`, named `label` (`2026-W47`, or the CAB meeting).
#[derive(Debug, Clone)]
pub struct Span {
    pub label: String,
    pub period: Period,
    pub next: Period,
}

impl Span {
    /// An ISO week and the one after it (`--week`, `--date`).
    pub fn iso_week(week: Period) -> Span {
        Span {
            label: week.label(),
            period: week,
            next: week.next_week(),
        }
    }

    /// The CAB's week at `now`: implemented since the previous meeting, and
    /// scheduled from now until the meeting after the next one.
    pub fn cab(policy: &Policy, now: DateTime<Utc>) -> Span {
        let cab = &policy.cab_meeting;
        let next = cab.next(now);
        let after = cab.next(next + Duration::seconds(1));
        Span {
            label: format!("CAB meeting of {}", next.format("%a %d %b %Y %H:%M UTC")),
            period: Period {
                from: cab.previous(now),
                to: now,
            },
            next: Period { from: now, to: after },
        }
    }
}

/// Builds the weekly report for `span` from the records; `attention` comes from the attention engine.
pub fn build(
    records: &[Record],
    policy: &Policy,
    span: &Span,
    now: DateTime<Utc>,
    attention: Vec<Attention>,
) -> Weekly {
    let week = span.period;
    let next_week = span.next;
    let mut implemented: Vec<Implemented> = records
        .iter()
        .filter(|r| {
            r.finished_at().is_some_and(|t| week.contains(t))
                || (r.finished_at().is_none() && r.started_at().is_some_and(|t| week.contains(t)))
        })
        .map(implemented_row)
        .collect();
    implemented.sort_by_key(|i| (i.finished_at.or(i.started_at), i.id.clone()));

    let mut scheduled: Vec<Scheduled> = records
        .iter()
        .filter(|r| matches!(r.status, Status::Submitted | Status::Approved | Status::Scheduled))
        .filter_map(|r| r.window().filter(|w| next_week.contains(w.start)).map(|w| (r, w)))
        .map(|(r, w)| Scheduled {
            id: r.id.clone(),
            title: r.title.clone(),
            classification: r.classification,
            status: r.status,
            window_start: w.start,
            window_end: w.end,
            systems: r.systems.clone(),
            approvals_missing: approval_status(r, policy).missing,
        })
        .collect();
    scheduled.sort_by_key(|s| (s.window_start, s.id.clone()));

    let emergencies: Vec<EmergencyChange> = records
        .iter()
        .filter(|r| r.classification == Classification::Emergency)
        .filter(|r| {
            [Some(r.created_at), r.started_at(), r.finished_at()]
                .into_iter()
                .flatten()
                .any(|t| week.contains(t))
        })
        .map(|r| emergency_row(r, policy))
        .collect();

    let cab_votes: Vec<CabVote> = records.iter().filter_map(|r| cab_vote(r, policy, week, now)).collect();

    let outcomes = |o: Outcome| implemented.iter().filter(|i| i.outcome == Some(o)).count();
    let counts = Counts {
        implemented: implemented.len(),
        successful: outcomes(Outcome::Successful),
        failed: outcomes(Outcome::Failed),
        rolled_back: outcomes(Outcome::RolledBack),
        in_progress: implemented.iter().filter(|i| i.status == Status::InProgress).count(),
        emergencies: emergencies.len(),
        scheduled_next_week: scheduled.len(),
        needing_attention: attention.len(),
    };
    Weekly {
        week: span.label.clone(),
        period: week,
        next_week,
        generated_at: now,
        implemented,
        scheduled_next_week: scheduled,
        emergencies,
        cab_votes,
        attention,
        history_note: None,
        counts,
    }
}

fn implemented_row(r: &Record) -> Implemented {
    Implemented {
        id: r.id.clone(),
        title: r.title.clone(),
        classification: r.classification,
        status: r.status,
        outcome: r.outcome(),
        started_at: r.started_at(),
        finished_at: r.finished_at(),
        minutes: r.started_at().zip(r.finished_at()).map(|(s, f)| (f - s).num_minutes()),
        systems: r.systems.clone(),
        issues: r.implementation.as_ref().map(|i| i.issues.clone()).unwrap_or_default(),
        deployment: r
            .implementation
            .as_ref()
            .map(|i| i.deployment.clone())
            .unwrap_or_default(),
    }
}

/// The change's CAB vote, when it is open or a vote that counts was cast
/// since `week` began (up to now, a vote this minute too).
fn cab_vote(r: &Record, policy: &Policy, week: Period, now: DateTime<Utc>) -> Option<CabVote> {
    let tally = crate::vote::tally(r, policy);
    let open = r.status == Status::Submitted && policy.cab_votes_on(r.classification);
    let voted =
        r.approvals.iter().zip(&tally.ignored).any(|(a, ignored)| {
            a.role == Role::Cab && ignored.is_none() && week.from <= a.at && a.at <= now.max(week.to)
        });
    (open || voted).then(|| CabVote {
        id: r.id.clone(),
        title: r.title.clone(),
        decision: tally.decision.map_or("open".to_string(), |d| d.to_string()),
        yes: tally.yes,
        against: tally.no,
        quorum: tally.quorum,
        members: tally.members,
        chair: tally.chair.clone(),
        summary: tally.summary(),
    })
}

fn emergency_row(r: &Record, policy: &Policy) -> EmergencyChange {
    let deadlines = &policy.emergency_deadlines;
    let implemented_at = r.finished_at().or(r.started_at());
    let list = |method: Method| -> Vec<String> {
        r.approvals
            .iter()
            .filter(|a| a.method == method && a.decision == Decision::Approved)
            .map(|a| format!("{} {} ({})", a.role, a.approver.name(), a.at.format("%a %H:%M")))
            .collect()
    };
    let written = list(Method::Written);
    let post_done = r
        .emergency
        .as_ref()
        .and_then(|e| e.post_review.as_ref())
        .is_some_and(|p| p.completed_at.is_some());
    let cab = r
        .emergency
        .as_ref()
        .and_then(|e| e.cab_review.as_ref())
        .and_then(|c| c.date)
        .map(|d| format!("presented {d}"))
        .or_else(|| {
            implemented_at.map(|t| {
                format!(
                    "owed at the CAB meeting of {}",
                    policy.cab_meeting.day_of(policy.cab_meeting.next(t))
                )
            })
        });
    EmergencyChange {
        id: r.id.clone(),
        title: r.title.clone(),
        status: r.status,
        criteria: r
            .emergency
            .as_ref()
            .map(|e| e.criteria.iter().map(|c| c.to_string()).collect())
            .unwrap_or_default(),
        verbal_approvals: list(Method::Verbal),
        // The CISO and CTO (or the CEO), as `chg check` and the metrics judge it.
        written_approval_done: crate::rules::written_approval_at(r, policy).is_some(),
        written_approvals: written,
        implemented_at,
        documentation_due: implemented_at.map(|t| t + deadlines.documentation.duration()),
        written_approval_due: implemented_at.map(|t| t + deadlines.written_approval.duration()),
        post_review_due: implemented_at.map(|t| t + deadlines.post_review.duration()),
        post_review_done: post_done,
        cab_presentation: cab,
    }
}

fn when(t: Option<DateTime<Utc>>) -> String {
    t.map_or("—".into(), |t| t.format("%a %d %b %H:%M").to_string())
}

fn outcome_cell(i: &Implemented) -> Cell {
    match (i.outcome, i.status) {
        (Some(Outcome::Successful), _) => Cell::toned("successful", Some(Tone::Good)),
        (Some(o), _) => Cell::toned(o, Some(Tone::Bad)),
        (None, s) => Cell::toned(s, Some(Tone::Warn)),
    }
}

/// Lays the report out for a reader.
pub fn document(w: &Weekly) -> Document {
    let mut implemented = table_or_empty(
        "No change was implemented this week.",
        &["ID", "Title", "Class", "Outcome", "Finished", "Duration", "Systems"],
        &w.implemented,
        |i| {
            vec![
                Cell::plain(&i.id),
                Cell::plain(&i.title),
                Cell::plain(i.classification),
                outcome_cell(i),
                // A change still running has no finish: say so, not its start time.
                match i.finished_at {
                    Some(t) => Cell::plain(when(Some(t))),
                    None => Cell::toned(i.status, Some(Tone::Warn)),
                },
                Cell::plain(i.minutes.map_or("—".into(), |m| crate::duration::minutes(m as f64))),
                Cell::plain(i.systems.join(", ")),
            ]
        },
    );
    let issues: Vec<String> = w
        .implemented
        .iter()
        .flat_map(|i| i.issues.iter().map(move |issue| format!("{}: {issue}", i.id)))
        .collect();
    if !issues.is_empty() {
        implemented.push(Block::Text("Issues encountered:".into()));
        implemented.push(Block::List(issues));
    }
    let deployed: Vec<String> = w
        .implemented
        .iter()
        .filter(|i| !i.deployment.is_empty())
        .map(|i| format!("{}: {}", i.id, crate::report::deployment_text(&i.deployment)))
        .collect();
    if !deployed.is_empty() {
        implemented.push(Block::Text("Deployed:".into()));
        implemented.push(Block::List(deployed));
    }
    let mut attention = table_or_empty(
        "Nothing needs attention.",
        &["ID", "What", "Who", "When"],
        &w.attention,
        |a| {
            vec![
                Cell::plain(&a.id),
                Cell::toned(&a.what, Some(if a.overdue { Tone::Bad } else { Tone::Warn })),
                Cell::plain(&a.who),
                Cell::plain(&a.when),
            ]
        },
    );
    if let Some(note) = &w.history_note {
        attention.push(Block::Text(note.clone()));
    }
    let scheduled_heading = if w.week.starts_with("CAB meeting") {
        format!(
            "Changes scheduled next week (until {})",
            w.next_week.to.format("%a %d %b %H:%M UTC")
        )
    } else {
        format!("Changes scheduled next week ({})", w.next_week.label())
    };
    let sections = vec![
        section("Changes implemented this week", implemented),
        section(&scheduled_heading, scheduled_blocks(w)),
        section("Emergency changes", emergency_blocks(w)),
        section("CAB votes", vote_blocks(w)),
        section("Changes requiring attention", attention),
        counts_section(&w.counts),
    ];
    Document {
        title: format!("Weekly CAB report — {}", w.week),
        subtitle: if w.week.starts_with("CAB meeting") {
            format!(
                "implemented {} – {}; scheduled until {} · generated {}",
                w.period.from.format("%a %d %b %H:%M"),
                w.period.to.format("%a %d %b %Y %H:%M UTC"),
                w.next_week.to.format("%a %d %b %Y %H:%M UTC"),
                w.generated_at.format("%Y-%m-%d %H:%M UTC")
            )
        } else {
            format!(
                "{} · generated {}",
                w.period.dates(),
                w.generated_at.format("%Y-%m-%d %H:%M UTC")
            )
        },
        sections,
    }
}

fn section(heading: &str, blocks: Vec<Block>) -> Section {
    Section {
        heading: heading.into(),
        blocks,
    }
}

fn scheduled_blocks(w: &Weekly) -> Vec<Block> {
    table_or_empty(
        "Nothing is scheduled for next week.",
        &["ID", "Title", "Class", "Status", "Window", "Systems", "Approvals"],
        &w.scheduled_next_week,
        |s| {
            let missing = if s.approvals_missing.is_empty() {
                Cell::toned("complete", Some(Tone::Good))
            } else {
                Cell::toned(format!("lacks {}", s.approvals_missing.join(" or ")), Some(Tone::Bad))
            };
            vec![
                Cell::plain(&s.id),
                Cell::plain(&s.title),
                Cell::plain(s.classification),
                Cell::plain(s.status),
                Cell::plain(format!(
                    "{} – {}",
                    s.window_start.format("%a %d %b %H:%M"),
                    s.window_end.format("%H:%M UTC")
                )),
                Cell::plain(s.systems.join(", ")),
                missing,
            ]
        },
    )
}

fn emergency_blocks(w: &Weekly) -> Vec<Block> {
    let due = |done: bool, t: Option<DateTime<Utc>>| {
        if done {
            Cell::toned("done", Some(Tone::Good))
        } else {
            let overdue = t.is_some_and(|t| t < w.generated_at);
            // Said in words too, as `chg status` says it: colour is not always shown.
            let state = if overdue { "OVERDUE since" } else { "due" };
            Cell::toned(
                format!("{state} {}", when(t)),
                Some(if overdue { Tone::Bad } else { Tone::Warn }),
            )
        }
    };
    table_or_empty(
        "No emergency change this week.",
        &[
            "ID",
            "Title",
            "Criteria",
            "Verbal approvals",
            "Written approval",
            "Post-emergency review",
            "CAB",
        ],
        &w.emergencies,
        |e| {
            vec![
                Cell::plain(&e.id),
                Cell::plain(&e.title),
                Cell::plain(e.criteria.join(", ")),
                Cell::plain(if e.verbal_approvals.is_empty() {
                    "—".into()
                } else {
                    e.verbal_approvals.join("; ")
                }),
                due(e.written_approval_done, e.written_approval_due),
                due(e.post_review_done, e.post_review_due),
                Cell::plain(e.cab_presentation.clone().unwrap_or_else(|| "—".into())),
            ]
        },
    )
}

fn vote_blocks(w: &Weekly) -> Vec<Block> {
    table_or_empty(
        "No CAB vote this week.",
        &["ID", "Title", "Decision", "For", "Against", "Quorum"],
        &w.cab_votes,
        |v| {
            let tone = match v.decision.as_str() {
                "approved" => Tone::Good,
                "rejected" => Tone::Bad,
                _ => Tone::Warn,
            };
            vec![
                Cell::plain(&v.id),
                Cell::plain(&v.title),
                Cell::toned(&v.decision, Some(tone)),
                Cell::plain(v.yes),
                Cell::plain(v.against),
                Cell::plain(format!("quorum {} of {}", v.quorum, v.members)),
            ]
        },
    )
}

fn counts_section(c: &Counts) -> Section {
    Section {
        heading: "This week in numbers".into(),
        blocks: vec![Block::Table(Table::new(
            &[
                "Implemented",
                "Successful",
                "Failed",
                "Rolled back",
                "In progress",
                "Emergency",
                "Scheduled next week",
                "Needing attention",
            ],
            vec![vec![
                Cell::plain(c.implemented),
                Cell::toned(c.successful, Some(Tone::Good)),
                Cell::toned(c.failed, (c.failed > 0).then_some(Tone::Bad)),
                Cell::toned(c.rolled_back, (c.rolled_back > 0).then_some(Tone::Bad)),
                Cell::plain(c.in_progress),
                Cell::toned(c.emergencies, (c.emergencies > 0).then_some(Tone::Warn)),
                Cell::plain(c.scheduled_next_week),
                Cell::toned(c.needing_attention, (c.needing_attention > 0).then_some(Tone::Warn)),
            ]],
        ))],
    }
}
