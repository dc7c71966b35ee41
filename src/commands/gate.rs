//! `chg gate ID`: the deployment pipeline's question, "may this change be
//! deployed now?". The decision is `rules::deploy`'s; this file gathers what
//! it needs (the record, the policy, what the history says about each
//! approval), prints the answer, and with `--start` records the start under
//! the store lock, as `chg start` does.

use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::action::{Action, Done};
use crate::cli::{Format, GateArgs};
use crate::context::App;
use crate::git::{Commit, ObjectId};
use crate::policy::{Policy, Span};
use crate::record::{Record, Status};
use crate::render::{PushFmt as _, View};
use crate::rules::deploy::{self, Evidence, HistoryEvidence, Overridden, Reason};
use crate::rules::history::{self as history_rules, Step};
use crate::store::Store;

/// How long `--wait` waits by default.
const DEFAULT_TIMEOUT: Span = Span::hours(1);
/// How often `--wait` asks again (sooner when the window opens sooner).
const POLL: Duration = Duration::from_secs(30);

/// The gate's answer, as `--format json` prints it.
#[derive(Debug, Serialize)]
struct Verdict {
    id: String,
    at: DateTime<Utc>,
    allowed: bool,
    reasons: Vec<Reason>,
    /// The change manager's window override that let the change through outside its window.
    #[serde(skip_serializing_if = "Option::is_none")]
    window_override: Option<Overridden>,
    /// Set when this run recorded the implementation start (`--start`).
    #[serde(skip_serializing_if = "Option::is_none")]
    started_at: Option<DateTime<Utc>>,
    /// Set when `--start` found the change already started: nothing was recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    already_started_at: Option<DateTime<Utc>>,
    /// What recording the start says (`ID: in progress since …`), for the
    /// text; the other formats say it with `started_at`.
    #[serde(skip)]
    started: String,
}

/// Answers the gate, waiting for the window with `--wait`; exit 0 allowed, 1 refused.
pub fn run(args: &GateArgs, app: &App) -> Result<u8> {
    crate::id::validate(&args.id).map_err(|m| anyhow!("{m}"))?;
    for fact in &args.deployment {
        crate::action::parse_fact(fact)?;
    }
    let at = args
        .at
        .as_deref()
        .map(|t| crate::timearg::parse_time("--at", t))
        .transpose()?;
    let span = args.timeout.unwrap_or(DEFAULT_TIMEOUT);
    let limit = Duration::from_secs(span.seconds().max(0) as u64);
    let began = Instant::now();
    let verdict = loop {
        let verdict = if args.start {
            decide_and_start(args, app)?
        } else {
            let store = app.store()?;
            let record = store.find(&args.id)?.record;
            // The live clock, not `app.now`: a gate that waits judges each poll at its own time.
            decide(&store, &record, at.unwrap_or_else(crate::clock::now))?
        };
        let waitable = verdict.reasons.iter().all(|r| r.rule.is_waitable());
        let left = limit.saturating_sub(began.elapsed());
        if verdict.allowed || !args.wait || !waitable || left.is_zero() {
            if args.wait && waitable && !verdict.allowed && !app.quiet {
                eprintln!("chg gate: gave up waiting after {}", span.text());
            }
            break verdict;
        }
        let opens = opens_in(&verdict, app)?;
        std::thread::sleep(
            POLL.min(left)
                .min(opens.unwrap_or(POLL))
                .max(Duration::from_millis(200)),
        );
    };
    print(&verdict, app)?;
    Ok(if verdict.allowed { 0 } else { 1 })
}

/// How long until the change's own window opens, when that is what it waits for.
fn opens_in(verdict: &Verdict, app: &App) -> Result<Option<Duration>> {
    let store = app.store()?;
    let record = store.find(&verdict.id)?.record;
    Ok(record
        .window()
        .and_then(|w| (w.start - crate::clock::now()).to_std().ok()))
}

/// Judges the record at `at` with the evidence of its history at HEAD.
fn decide(store: &Store, record: &Record, at: DateTime<Utc>) -> Result<Verdict> {
    let policy = store.policy()?;
    let evidence = evidence(store, record, &policy)?;
    let decision = deploy::decide(record, &policy, at, &evidence);
    Ok(Verdict {
        id: record.id.clone(),
        at,
        allowed: decision.reasons.is_empty(),
        reasons: decision.reasons,
        window_override: decision.window_override,
        started_at: None,
        already_started_at: None,
        started: String::new(),
    })
}

/// Judges and, when allowed, records the start, all under the store lock, so
/// two pipelines asking at once record one start.
fn decide_and_start(args: &GateArgs, app: &App) -> Result<Verdict> {
    // The live clock, as for a gate that only asks: each poll of `--wait`
    // judges, and records the start, at its own time.
    let act = Action::load_at(app, &args.id, crate::clock::now())?;
    let mut verdict = decide(&act.store, &act.original, act.now)?;
    if !verdict.allowed {
        return Ok(verdict);
    }
    if act.original.status == Status::InProgress {
        verdict.already_started_at = act.original.implementation.as_ref().and_then(|i| i.started_at);
        return Ok(verdict);
    }
    let mut record = act.original.clone();
    let now = act.now;
    record.start(&act.policy, now, None)?;
    let mut done = Done::started(&record, now);
    crate::action::record_deployment(&mut record, &args.deployment)?;
    // The verdict says it, in the format asked for.
    let started = std::mem::take(&mut done.message);
    act.save(
        app,
        &record,
        "start",
        Done {
            detail: Some("gate".into()),
            ..done
        },
    )?;
    verdict.started_at = Some(now);
    verdict.started = started;
    Ok(verdict)
}

/// Finds what the history says against the record: approvals added in a
/// commit not made (or signed, where the policy requires it) by the
/// approver, or never committed; evidence removed; edits after approval;
/// times their commits contradict. Each version is judged by the history
/// rules against the one the engine's walk pairs it with (a merge: its
/// first parent's, as `chg check --base` judges it), so a merge that
/// restores an old version is the merger's edit.
fn evidence(store: &Store, record: &Record, policy: &Policy) -> Result<Evidence> {
    let mut history = HistoryEvidence::default();
    let repo = store.repo();
    let (year, _) = crate::id::validate(&record.id).map_err(|m| anyhow!("{m}"))?;
    let prefix = store.prefix();
    let path = format!("{prefix}/{year}/{}.yaml", record.id);
    let entries = match repo.head_commit()? {
        Some(head) => {
            let (entries, incomplete) = crate::history::record_log(repo, &prefix, head, &path)?;
            if let Some(why) = incomplete {
                history.incomplete(&why);
            }
            entries
        }
        None => Vec::new(),
    };
    let signatures = crate::gate::Signatures::new(repo, policy)?;
    let verify = |commit: &Commit, email: &str| signatures.verify(commit, email);
    let check: Option<history_rules::SignatureCheck> = signatures.required().then_some(&verify);
    let parse = |blob: Option<ObjectId>, path: &str| -> Result<Option<Record>> {
        let Some(blob) = blob else { return Ok(None) };
        // A version that does not parse is the work-tree check's finding.
        Ok(Store::parse_record(path, &repo.blob_text(blob)?).ok().map(|l| l.record))
    };
    // The last version that parsed, for a step whose older side does not.
    let mut last: Option<Record> = None;
    for entry in &entries {
        let id = ObjectId::parse(&entry.commit).ok_or_else(|| anyhow!("`{}` is not a commit id", entry.commit))?;
        let new = parse(entry.new, &entry.path)?;
        if entry.new.is_some() && new.is_none() {
            continue;
        }
        let old = match (entry.old, parse(entry.old, &entry.path)?) {
            (Some(_), None) => last.clone(),
            (_, old) => old,
        };
        let meta = repo.commit_info(id)?;
        let step = Step {
            commit: &meta,
            path: &entry.path,
            old: old.as_ref(),
            new: new.as_ref(),
        };
        let mut findings = history_rules::check_step(&step, policy, check);
        if let Some(parent) = meta.parents.first() {
            findings.extend(history_rules::check_chronology(
                &meta,
                &repo.commit_info(*parent)?,
                &entry.path,
            ));
        }
        history.add(&step, findings);
        last = new;
    }
    Ok(history.finish(record))
}

/// Prints the verdict: as data, GitHub annotations, or lines for a reader.
fn print(verdict: &Verdict, app: &App) -> Result<()> {
    let id = &verdict.id;
    let when = verdict.at.format("%Y-%m-%d %H:%M UTC");
    // What the override let through is said in every format, allowed or not.
    let granted = verdict.window_override.as_ref().map(|o| {
        let mut text = format!(
            "outside its window on the window override of {} ({}): {}",
            o.by,
            o.at.format("%Y-%m-%d %H:%M UTC"),
            crate::render::visible(&o.reason)
        );
        for r in &o.overridden {
            text.push_fmt(format_args!("\n  overridden[{}]: {}", r.rule, r.message));
        }
        text
    });
    let github = |_| {
        let mut out: String = if verdict.allowed {
            format!("::notice title=chg gate {id}::{id} may be deployed at {when}\n")
        } else {
            verdict
                .reasons
                .iter()
                .map(|r| crate::github::error(&format!("chg gate {id}: {}", r.rule), &r.message))
                .collect()
        };
        if let Some(granted) = &granted {
            out.push_str(&crate::github::warning(
                &format!("chg gate {id}: window override"),
                granted,
            ));
        }
        Ok(out)
    };
    let text = |_| {
        let mut out: String = if verdict.allowed {
            let mut out = String::new();
            if !verdict.started.is_empty() {
                out.push_fmt(format_args!("{}\n", verdict.started));
            }
            out.push_fmt(format_args!("{id}: may be deployed at {when}\n"));
            if let Some(started) = verdict.already_started_at {
                out.push_fmt(format_args!(
                    "{id}: already in progress since {}; no second start recorded\n",
                    started.format("%Y-%m-%d %H:%M UTC")
                ));
            }
            if app.quiet {
                out.clear();
            }
            out
        } else {
            verdict
                .reasons
                .iter()
                .map(|r| format!("{id}: refused[{}]: {}\n", r.rule, r.message))
                .collect()
        };
        if let (Some(granted), false) = (&granted, app.quiet) {
            out.push_fmt(format_args!("{id}: {granted}\n"));
        }
        Ok(out)
    };
    let view = View::new()
        .data(verdict)
        .own(Format::Github, github)
        .own(Format::Text, text);
    crate::render::print_view(&view, app)
}
