//! `chg report weekly|monthly|quarterly`.

use anyhow::Result;

use crate::cli::{ReportArgs, ReportKind};
use crate::context::App;
use crate::period::Period;
use crate::record::Status;
use crate::render::{render_view, View};
use crate::report;

/// Builds and prints (or writes) one report.
pub fn run(args: &ReportArgs, app: &App) -> Result<u8> {
    let format = app.format;
    // Refuse a bad --output before the work of building the report.
    let output = crate::render::output_target(args.output.as_deref())?;
    let store = app.store()?;
    let policy = store.policy()?;
    let now = app.now;
    let loaded = store.load_all_strict()?;
    let records: Vec<_> = loaded.iter().map(|l| l.record.clone()).collect();
    // Colour only on a terminal, never into a file; a file's tables are not
    // wrapped to the width of the terminal of whoever ran it.
    let look = if output.is_some() {
        crate::render::Look {
            color: false,
            width: Some(crate::render::Look::FILE_WIDTH),
        }
    } else {
        app.look()
    };
    let text = match &args.kind {
        ReportKind::Weekly { week, date } => {
            // By default the CAB's week: since the previous meeting, and
            // scheduled until the meeting after the next; ISO weeks on request.
            let span = match (week, date) {
                // The week that ended, for a report run on Monday morning.
                (Some(w), _) if w.trim() == "last" => {
                    report::weekly::Span::iso_week(Period::week_of(now.date_naive() - chrono::Duration::days(7)))
                }
                (Some(w), _) => report::weekly::Span::iso_week(Period::parse_week(w)?),
                (None, Some(d)) => {
                    report::weekly::Span::iso_week(Period::week_of(crate::timearg::parse_date("--date", d)?))
                }
                (None, None) => report::weekly::Span::cab(&policy, now),
            };
            let mut attention = attention_items(&records, &store.rehearsals(), &policy, &span, now);
            let (edited, history_note) = edits_after_approval(&store, &records);
            attention.extend(edited);
            let mut data = report::weekly::build(&records, &policy, &span, now, attention);
            data.history_note = history_note;
            let view = View::new().data(&data).document(|| Ok(report::weekly::document(&data)));
            render_view(&view, format, look)?
        }
        ReportKind::Monthly { month } => {
            let period = match month {
                Some(m) => Period::parse_month(m)?,
                None => Period::month_of(now.date_naive()).previous_month(),
            };
            // The month and the five before it, oldest first, for the trend.
            let mut months = vec![period];
            for _ in 0..5 {
                let earlier = months[0].previous_month();
                months.insert(0, earlier);
            }
            let computed = crate::history::metrics_at_head(&store, &months, now, &|w| app.warn(w))?;
            let Some(this_month) = computed.last() else {
                anyhow::bail!("no metrics computed");
            };
            let data = report::monthly::build(period, this_month, &computed, &records, &policy, now);
            let view = View::new()
                .data(&data)
                .document(|| Ok(report::monthly::document(&data)));
            render_view(&view, format, look)?
        }
        ReportKind::Quarterly { quarter } => {
            let period = match quarter {
                Some(q) => Period::parse_quarter(q).map_err(|_| {
                    anyhow::anyhow!(
                        "`--quarter {q}` is not a quarter\n  hint: write it like `2026-Q4` (quarters Q1 to Q4)"
                    )
                })?,
                None => Period::quarter_of(now.date_naive()).previous_quarter(),
            };
            let previous = period.previous_quarter();
            // The six months and the two quarters, from one walk of the history.
            let mut periods = previous.months();
            periods.extend(period.months());
            periods.push(previous);
            periods.push(period);
            let mut computed = crate::history::metrics_at_head(&store, &periods, now, &|w| app.warn(w))?;
            let (Some(this_quarter), Some(last_quarter)) = (computed.pop(), computed.pop()) else {
                anyhow::bail!("no metrics computed");
            };
            // A broken template is `chg check`'s to report: without the
            // catalogue, the template rules are left out of the training needs.
            let templates = store.templates().ok();
            let rehearsals = store.rehearsals();
            let findings =
                report::quarterly::findings(&loaded, &this_quarter, &policy, templates.as_ref(), &rehearsals, now);
            let data = report::quarterly::build(
                period,
                &computed,
                (&last_quarter, &this_quarter),
                &records,
                &rehearsals,
                &findings,
                &policy,
                now,
            );
            let view = View::new()
                .data(&data)
                .document(|| Ok(report::quarterly::document(&data)));
            render_view(&view, format, look)?
        }
    };
    crate::render::emit(&text, output.as_ref(), app.quiet)?;
    Ok(0)
}

/// What needs attention this week: the attention engine's items (pending
/// approvals, emergency deadlines, post-rollback actions, RTO overruns) and
/// the calendar's problems for changes planned up to the end of next week.
fn attention_items(
    records: &[crate::record::Record],
    rehearsals: &crate::rehearsal::Rehearsals,
    policy: &crate::policy::Policy,
    span: &report::weekly::Span,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<report::weekly::Attention> {
    let week = span.period;
    let mut out: Vec<report::weekly::Attention> = crate::attention::items(records, rehearsals, policy, now)
        .into_iter()
        .map(|item| report::weekly::Attention {
            id: item.id.clone(),
            what: item.what.clone(),
            who: if item.who.is_empty() {
                "—".into()
            } else {
                item.who.join(", ")
            },
            when: match (item.due, item.waiting_since) {
                (None, Some(since)) => {
                    let days = (now - since).num_days();
                    let unit = if days == 1 { "day" } else { "days" };
                    format!("waiting {days} {unit} (created {})", since.format("%d %b"))
                }
                (Some(due), _) if item.overdue => format!("overdue since {}", due.format("%a %d %b %H:%M")),
                (Some(due), _) => format!("due {}", due.format("%a %d %b %H:%M")),
                (None, None) => String::new(),
            },
            overdue: item.overdue,
        })
        .collect();
    let horizon = span.next;
    let planned: Vec<&crate::record::Record> = records.iter().collect();
    for problem in crate::calendar::problems(&planned, policy) {
        if problem.end < week.from || problem.start >= horizon.to {
            continue;
        }
        out.push(report::weekly::Attention {
            id: problem.id.clone(),
            what: format!("{}: {}", problem.kind.rule(), problem.message),
            who: "requester, change manager".into(),
            when: format!("window {}", problem.start.format("%a %d %b %H:%M")),
            overdue: false,
        });
    }
    out
}

/// Attention rows for the records whose approved scope was edited after
/// approval, from one walk of the history (cached). A store without commits,
/// a shallow clone or an unreadable history is said in the note, not an error.
fn edits_after_approval(
    store: &crate::store::Store,
    records: &[crate::record::Record],
) -> (Vec<report::weekly::Attention>, Option<String>) {
    let repo = store.repo();
    let unread = |e: anyhow::Error| {
        let note = format!("The git history could not be read ({e:#}), so edits after approval are not shown.");
        (Vec::new(), Some(note))
    };
    let tip = match repo.head_commit() {
        Ok(Some(tip)) => tip,
        Ok(None) => {
            let note = "The store has no commits yet, so edits after approval cannot be judged from the git history.";
            return (Vec::new(), Some(note.into()));
        }
        Err(e) => return unread(e),
    };
    let history = match crate::history::History::build(repo, &store.prefix(), tip, false) {
        Ok((history, _)) => history,
        Err(e) => return unread(e),
    };
    let note = history.incomplete.as_ref().map(|why| {
        format!("The git history is incomplete ({why}); edits after approval before its cut are not shown.")
    });
    let (_, facts, _) = history.into_current();
    let mut rows = Vec::new();
    for r in records {
        if matches!(r.status, Status::Closed | Status::Cancelled) {
            continue;
        }
        // Sent back for approval (earlier entries kept, superseded): nothing is left to act on.
        if r.granted_approvals().next().is_none() || matches!(r.status, Status::Submitted | Status::Draft) {
            continue;
        }
        let Some(f) = facts.get(&r.id) else { continue };
        // Only edits after the approval the record holds now; a change
        // re-approved after an edit is settled.
        let since = f.last_approval.as_ref().map(|s| s.at);
        let edits: Vec<&crate::metrics::Stamp> = f
            .edits_after_approval
            .iter()
            .filter(|s| since.is_none_or(|t| s.at > t))
            .collect();
        let Some(last) = edits.iter().map(|s| s.at).max() else {
            continue;
        };
        let commits: Vec<String> = edits
            .iter()
            .map(|s| {
                format!(
                    "commit {} by {} ({})",
                    s.commit.short(),
                    s.by,
                    s.at.format("%a %d %b %H:%M")
                )
            })
            .collect();
        let mut approvers: Vec<String> = r.granted_approvals().map(|a| a.approver.email().to_string()).collect();
        approvers.sort();
        approvers.dedup();
        rows.push(report::weekly::Attention {
            id: r.id.clone(),
            what: format!(
                "edited after approval: {}; revert the edit or send it back for approval",
                commits.join("; ")
            ),
            who: if approvers.is_empty() {
                "change manager".into()
            } else {
                approvers.join(", ")
            },
            when: format!("edited {}", last.format("%a %d %b %H:%M")),
            overdue: false,
        });
    }
    (rows, note)
}
