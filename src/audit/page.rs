//! The folder's index page (through `crate::render`, so its escaping and
//! print stylesheet), the policy versions in force, and the deadline sheet
//! of a sampled change.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::controls::{Control, Verdict, Witnessed};
use super::evidence::PolicyVersion;
use super::population::Population;
use super::sample::Stratum;
use super::Request;
use crate::period::Period;
use crate::policy::Policy;
use crate::record::Record;
use crate::render::{Block, Cell, Document, Link, Section, Table, Tone};

/// One policy version in the folder, with who changed it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PolicyEntry {
    pub file: String,
    pub commit: String,
    pub author: String,
    pub committer: String,
    pub time: DateTime<Utc>,
    pub summary: String,
    pub deleted: bool,
}

/// The versions in force during the period: the one standing at its start and every one written in it.
pub fn policies_in_force<'a>(versions: &'a [PolicyVersion], period: &Period) -> Vec<&'a PolicyVersion> {
    let before = versions.iter().rposition(|v| v.commit.time < period.from);
    versions
        .iter()
        .enumerate()
        .filter(|(i, v)| Some(*i) == before || period.contains(v.commit.time))
        .map(|(_, v)| v)
        .collect()
}

#[derive(Serialize)]
pub struct DeadlineSheet {
    pub classification: String,
    /// When the implementation ended (or started, while in progress); deadlines run from it.
    pub implemented: Option<DateTime<Utc>>,
    pub judged_at: DateTime<Utc>,
    pub deadlines: Vec<DeadlineLine>,
}

#[derive(Serialize)]
pub struct DeadlineLine {
    pub item: &'static str,
    pub due: DateTime<Utc>,
    /// The time the record states.
    pub done: Option<DateTime<Utc>>,
    /// The commit that first held it, and its committer time.
    pub committed_in: Option<String>,
    pub committed_at: Option<DateTime<Utc>>,
    pub verdict: &'static str,
}

/// The emergency deadlines of a change, with the record's times and the commits' times.
pub fn deadlines(
    record: &Record,
    policy: &Policy,
    judged_at: DateTime<Utc>,
    seen: Option<&Witnessed>,
) -> DeadlineSheet {
    let mut sheet = DeadlineSheet {
        classification: record.classification.to_string(),
        implemented: None,
        judged_at,
        deadlines: Vec::new(),
    };
    let Some(d) = crate::rules::emergency_deadlines(record, policy) else {
        return sheet;
    };
    sheet.implemented = Some(d.implemented);
    let empty = Witnessed::default();
    let seen = seen.unwrap_or(&empty);
    for (item, deadline, stamp) in [
        ("documentation", d.documentation, &seen.documented),
        ("written approval", d.written_approval, &seen.written_approval),
        ("post-emergency review", d.post_review, &seen.post_review),
    ] {
        use crate::rules::Verdict as V;
        let late_commit = stamp.as_ref().is_some_and(|(_, at)| *at > deadline.due);
        sheet.deadlines.push(DeadlineLine {
            item,
            due: deadline.due,
            done: deadline.done,
            committed_in: stamp.as_ref().map(|(c, _)| c.clone()),
            committed_at: stamp.as_ref().map(|(_, t)| *t),
            verdict: match deadline.verdict(judged_at) {
                V::Met if late_commit => "committed late",
                V::Met => "met",
                V::Late => "late",
                V::Overdue => "overdue",
                V::Pending => "pending",
            },
        });
    }
    sheet
}

fn tone(v: Verdict) -> Option<Tone> {
    match v {
        Verdict::Pass => Some(Tone::Good),
        Verdict::Fail => Some(Tone::Bad),
        Verdict::Unverifiable | Verdict::Pending => Some(Tone::Warn),
        Verdict::NotApplicable => None,
    }
}

fn link(label: impl Into<String>, href: impl Into<String>) -> Link {
    Link {
        label: label.into(),
        href: href.into(),
    }
}

/// The index page: exceptions first, then the counts, the population, the sample, the policy, and how to verify.
// One page's layout, read top to bottom section by section, like the reports' documents; split, it would read worse.
#[allow(clippy::too_many_lines)]
pub fn index(
    p: &Population,
    sample: &[(String, Stratum)],
    policies: &[PolicyEntry],
    request: &Request,
    files: &super::folder::Files,
) -> String {
    let label = p.period.label();
    let mut sections = Vec::new();

    let mut rows = Vec::new();
    for c in &p.changes {
        for j in c.exceptions() {
            rows.push(vec![
                Cell::plain(&c.id),
                Cell::plain(&c.classification),
                Cell::plain(j.control.name()),
                Cell::toned(j.verdict.as_str(), tone(j.verdict)),
                Cell::plain(j.reasons.join("; ")),
            ]);
        }
    }
    let mut blocks = Vec::new();
    if rows.is_empty() && p.unverifiable.is_empty() && p.untracked.as_ref().is_none_or(Vec::is_empty) {
        blocks.push(Block::Empty(
            "no exceptions: every control held for every change".into(),
        ));
    }
    if !rows.is_empty() {
        blocks.push(Block::Table(Table::new(
            &["Change", "Class", "Control", "Verdict", "Why"],
            rows,
        )));
    }
    if !p.unverifiable.is_empty() {
        blocks.push(Block::Text("Not verifiable:".into()));
        blocks.push(Block::List(p.unverifiable.clone()));
    }
    match &p.untracked {
        Some(list) if !list.is_empty() => {
            blocks.push(Block::Text(format!(
                "{} production commit(s) shipped without an approved, in-window change:",
                list.len()
            )));
            blocks.push(Block::Table(Table::new(
                &["Commit", "Time", "Author", "Summary", "Why"],
                list.iter()
                    .map(|u| {
                        vec![
                            Cell::plain(&u.commit.commit[..u.commit.commit.len().min(12)]),
                            Cell::plain(u.commit.time.format("%Y-%m-%d %H:%M UTC")),
                            Cell::plain(&u.commit.author),
                            Cell::plain(&u.commit.summary),
                            Cell::toned(&u.message, Some(Tone::Bad)),
                        ]
                    })
                    .collect(),
            )));
        }
        Some(_) => blocks.push(Block::Text(
            "Every production commit in the period names an approved change and was made in its window.".into(),
        )),
        None => blocks.push(Block::Text(
            "No `production_paths` in the policy: commits that shipped without a change were not looked for.".into(),
        )),
    }
    sections.push(Section {
        heading: "Exceptions".into(),
        blocks,
    });

    let tally = super::population::tally(p);
    let verdicts = ["pass", "fail", "unverifiable", "pending", "n/a"];
    let mut headers = vec!["Control"];
    headers.extend(verdicts);
    sections.push(Section {
        heading: "Controls".into(),
        blocks: vec![Block::Table(Table::new(
            &headers,
            Control::ALL
                .iter()
                .map(|c| {
                    let mut row = vec![Cell::plain(c.describe())];
                    row.extend(verdicts.iter().map(|v| {
                        let n = tally.get(c).and_then(|t| t.get(v)).copied().unwrap_or(0);
                        let t = match *v {
                            "fail" if n > 0 => Some(Tone::Bad),
                            "unverifiable" if n > 0 => Some(Tone::Warn),
                            _ => None,
                        };
                        Cell::toned(n, t)
                    }));
                    row
                })
                .collect(),
        ))],
    });

    let mut headers = vec!["Change", "Class", "Status", "Outcome"];
    headers.extend(Control::ALL.iter().map(|c| c.name()));
    sections.push(Section {
        heading: format!("Population: {} changes", p.changes.len()),
        blocks: vec![
            Block::Links(vec![
                link("population.csv", "population.csv"),
                link("population.json", "population.json"),
            ]),
            Block::Table(Table::new(
                &headers,
                p.changes
                    .iter()
                    .map(|c| {
                        let mut row = vec![
                            Cell::plain(&c.id),
                            Cell::plain(&c.classification),
                            Cell::plain(&c.status),
                            Cell::plain(c.outcome.as_deref().unwrap_or("—")),
                        ];
                        row.extend(Control::ALL.iter().map(|k| {
                            let v = c.verdict(*k);
                            Cell::toned(v.as_str(), tone(v))
                        }));
                        row
                    })
                    .collect(),
            )),
        ],
    });

    let mut blocks = vec![Block::Text(format!(
        "{} of {} changes, drawn with seed {}{}. Each folder holds the record as of the end of the period, its field-level history, the approval verification, the deadlines and the linked commits.",
        sample.len(),
        p.changes.len(),
        request.seed,
        if request.strata {
            "; every exception and every emergency is in it"
        } else {
            "; drawn at random only (`--no-strata`)"
        }
    ))];
    let mut links = Vec::new();
    for (id, stratum) in sample {
        for name in files.keys().filter(|f| f.starts_with(&format!("sample/{id}/"))) {
            let file = name.rsplit('/').next().unwrap_or(name);
            links.push(link(format!("{id} ({}): {file}", stratum.as_str()), name.clone()));
        }
    }
    if links.is_empty() {
        blocks.push(Block::Empty("no change in the sample".into()));
    } else {
        blocks.push(Block::Links(links));
    }
    sections.push(Section {
        heading: "Sample".into(),
        blocks,
    });

    sections.push(Section {
        heading: "Policy in force".into(),
        blocks: if policies.is_empty() {
            vec![Block::Empty(
                "no policy file was committed: every default applied".into(),
            )]
        } else {
            vec![
                Block::Table(Table::new(
                    &["File", "Commit", "Time", "Changed by", "Summary"],
                    policies
                        .iter()
                        .map(|v| {
                            vec![
                                Cell::plain(&v.file),
                                Cell::plain(&v.commit[..v.commit.len().min(12)]),
                                Cell::plain(v.time.format("%Y-%m-%d %H:%M UTC")),
                                Cell::plain(&v.author),
                                Cell::plain(&v.summary),
                            ]
                        })
                        .collect(),
                )),
                Block::Links(policies.iter().map(|v| link(&v.file, &v.file)).collect()),
            ]
        },
    });

    sections.push(Section {
        heading: "Verifying this folder".into(),
        blocks: vec![Block::List(vec![
            "`sha256sum -c manifest.sha256` in this folder: every file is as written.".into(),
            format!(
                "`git cat-file -e {}` in the store's repository: the commit exists; `git merge-base --is-ancestor {} main`: it is still in main's history.",
                p.commit, p.commit
            ),
            "`git show <commit>:<path> | sha256sum` for a change: equals its `sha256` in population.json.".into(),
            "`chg audit --verify <this folder>` runs all of these.".into(),
        ])],
    });

    let doc = Document {
        title: format!("Change management evidence — {label}"),
        subtitle: format!(
            "{} · store commit {} · made {}",
            p.period.dates(),
            &p.commit[..p.commit.len().min(12)],
            request.now.format("%Y-%m-%d %H:%M UTC")
        ),
        sections,
    };
    crate::render::html(&doc)
}
