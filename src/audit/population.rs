//! The population: every change in the period, with its facts and a verdict
//! per control, and the production commits that shipped without a change.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::controls::{self, Control, Evidence, Judged, Verdict};
use crate::finding::Severity;
use crate::period::Period;
use crate::record::Record;
use crate::rules::linking::Untracked;

/// One change of the population.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub id: String,
    pub path: String,
    pub title: String,
    pub classification: String,
    pub status: String,
    pub requester: String,
    /// `role: Name <email> (method, time)` for each granted approval.
    pub approvers: Vec<String>,
    pub created_at: DateTime<Utc>,
    pub window_start: Option<DateTime<Utc>>,
    pub window_end: Option<DateTime<Utc>>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub outcome: Option<String>,
    /// SHA-256 of the record file at the end of the period.
    pub sha256: String,
    pub controls: Vec<Judged>,
    /// Every other error the rules found on the record or its commits.
    pub other_findings: Vec<String>,
}

impl Row {
    /// Failed or unverifiable controls.
    pub fn exceptions(&self) -> impl Iterator<Item = &Judged> {
        self.controls.iter().filter(|j| j.verdict.is_exception())
    }

    pub fn is_exception(&self) -> bool {
        self.exceptions().next().is_some()
    }

    pub fn verdict(&self, control: Control) -> Verdict {
        self.controls
            .iter()
            .find(|j| j.control == control)
            .map_or(Verdict::NotApplicable, |j| j.verdict)
    }
}

/// The whole population and what else the period's evidence lacks.
#[derive(Debug, Clone, Serialize)]
pub struct Population {
    pub period: Period,
    /// The store's commit at the end of the period.
    pub commit: String,
    pub changes: Vec<Row>,
    /// Production commits without an approved, in-window change; `None` when no production paths are configured.
    pub untracked: Option<Vec<Untracked>>,
    /// What could not be verified or read, in words: never skipped.
    pub unverifiable: Vec<String>,
}

/// Says whether a change belongs to the period: filed, planned, started or finished in it.
pub fn in_period(r: &Record, period: &Period) -> bool {
    [
        Some(r.created_at),
        r.window().map(|w| w.start),
        r.started_at(),
        r.finished_at(),
    ]
    .into_iter()
    .flatten()
    .any(|t| period.contains(t))
}

/// Builds one row from the evidence of its change: facts from the record,
/// verdicts from the rules' findings. `path` and `bytes_sha256` name the
/// record's file as the auditor receives it.
pub fn row(path: &str, bytes_sha256: String, evidence: &Evidence) -> Row {
    let r = evidence.record;
    let controls = controls::judge(evidence);
    let mapped: Vec<&str> = controls
        .iter()
        .flat_map(|j| j.reasons.iter())
        .map(String::as_str)
        .collect();
    let mut other: Vec<String> = evidence
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .map(controls::quote)
        .chain(
            evidence
                .history
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .map(controls::quote_history),
        )
        .filter(|line| !mapped.contains(&line.as_str()))
        .collect();
    other.dedup();
    Row {
        id: r.id.clone(),
        path: path.to_string(),
        title: r.title.clone(),
        classification: r.classification.to_string(),
        status: r.status.to_string(),
        requester: r.requested_by.to_string(),
        approvers: r
            .granted_approvals()
            .map(|a| {
                format!(
                    "{}: {} ({}, {})",
                    a.role,
                    a.approver,
                    a.method,
                    a.at.format("%Y-%m-%d %H:%M UTC")
                )
            })
            .collect(),
        created_at: r.created_at,
        window_start: r.window().map(|w| w.start),
        window_end: r.window().map(|w| w.end),
        started_at: r.started_at(),
        finished_at: r.finished_at(),
        outcome: r.outcome().map(|o| o.to_string()),
        sha256: bytes_sha256,
        controls,
        other_findings: other,
    }
}

fn time(t: Option<DateTime<Utc>>) -> String {
    t.map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// The population as CSV: one line per change, one column per control, then
/// the untracked commits as rows of their own kind.
pub fn csv(p: &Population) -> String {
    let mut headers: Vec<&str> = vec![
        "kind",
        "id",
        "title",
        "classification",
        "status",
        "requester",
        "approvers",
        "created_at",
        "window_start",
        "window_end",
        "started_at",
        "finished_at",
        "outcome",
    ];
    headers.extend(Control::ALL.iter().map(|c| c.name()));
    headers.extend(["exceptions", "path", "sha256"]);
    let mut rows: Vec<Vec<String>> = Vec::new();
    for c in &p.changes {
        let mut row = vec![
            "change".to_string(),
            c.id.clone(),
            c.title.clone(),
            c.classification.clone(),
            c.status.clone(),
            c.requester.clone(),
            c.approvers.join("; "),
            time(Some(c.created_at)),
            time(c.window_start),
            time(c.window_end),
            time(c.started_at),
            time(c.finished_at),
            c.outcome.clone().unwrap_or_default(),
        ];
        row.extend(Control::ALL.iter().map(|k| c.verdict(*k).as_str().to_string()));
        row.push(
            c.exceptions()
                .flat_map(|j| j.reasons.iter().map(move |r| format!("{}: {r}", j.control.name())))
                .collect::<Vec<_>>()
                .join(" | "),
        );
        row.push(c.path.clone());
        row.push(c.sha256.clone());
        rows.push(row);
    }
    for u in p.untracked.iter().flatten() {
        let mut row = vec![
            "untracked-commit".to_string(),
            u.commit.commit.clone(),
            u.commit.summary.clone(),
            String::new(),
            String::new(),
            u.commit.author.clone(),
            String::new(),
            time(Some(u.commit.time)),
        ];
        row.resize(headers.len() - 3, String::new());
        row.push(format!("{}: {}", u.reason, u.message));
        row.push(u.commit.repo.clone());
        row.push(String::new());
        rows.push(row);
    }
    crate::render::csv(&headers, &rows)
}

/// Counts per control and verdict, for the summary.
pub fn tally(p: &Population) -> BTreeMap<Control, BTreeMap<&'static str, usize>> {
    let mut out: BTreeMap<Control, BTreeMap<&'static str, usize>> = BTreeMap::new();
    for c in &p.changes {
        for j in &c.controls {
            *out.entry(j.control).or_default().entry(j.verdict.as_str()).or_default() += 1;
        }
    }
    out
}
