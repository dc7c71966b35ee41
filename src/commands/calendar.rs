//! `chg calendar`: the planned changes day by day, the freezes, and a marked
//! line for every problem; or the same as an iCalendar feed.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::calendar::{self, Problem};
use crate::cli::{CalendarArgs, Format};
use crate::context::App;
use crate::finding::Severity;
use crate::policy::Freeze;
use crate::record::{Classification, Record, Status};
use crate::render::PushFmt as _;
use crate::render::{visible, View};
use crate::{ics, timearg};

/// Days shown when `--to` is not given: today and the next 14.
const DEFAULT_DAYS: i64 = 15;

/// One change as the calendar shows it.
#[derive(Debug, Serialize)]
struct Entry<'a> {
    id: &'a str,
    title: &'a str,
    status: Status,
    classification: Classification,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    systems: &'a [String],
    requested_by: String,
}

/// The calendar as JSON prints it.
#[derive(Debug, Serialize)]
struct Calendar<'a> {
    from: NaiveDate,
    /// Exclusive.
    to: NaiveDate,
    freezes: Vec<&'a Freeze>,
    changes: Vec<Entry<'a>>,
    problems: Vec<&'a Problem>,
}

/// Prints the calendar of `--from` .. `--to`; always exits 0 (`chg check` is the gate).
pub fn run(args: &CalendarArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let policy = store.policy()?;
    let loaded = store.load_all_strict()?;
    let now = app.now;
    let from = match &args.from {
        Some(d) => timearg::parse_date("--from", d)?,
        None => now.date_naive(),
    };
    let to = match &args.to {
        Some(d) => timearg::parse_date("--to", d)?,
        None => from + Duration::days(DEFAULT_DAYS),
    };
    if to <= from {
        bail!(
            "`--to {to}` is not after `--from {from}`\n  hint: `--to` is the day after the last day shown, e.g. `--from {from} --to {}`",
            from + Duration::days(DEFAULT_DAYS)
        );
    }
    let (start, end) = (midnight(from), midnight(to));
    let in_range = |s: DateTime<Utc>, e: DateTime<Utc>| s < end && start < e;

    let records: Vec<&Record> = loaded.iter().map(|l| &l.record).collect();
    let problems = calendar::problems(&records, &policy);
    let mut planned: Vec<&Record> = records
        .iter()
        .copied()
        .filter(|r| calendar::is_planned(r.status))
        .filter(|r| r.window().is_some_and(|w| in_range(w.start, w.end)))
        .collect();
    planned.sort_by_key(|r| (r.window().map(|w| w.start), r.id.clone()));
    let freezes: Vec<&Freeze> = policy
        .freezes
        .iter()
        .filter(|f| {
            let (s, e) = calendar::days(f.start, f.end);
            in_range(s, e)
        })
        .collect();
    // A conflict is one problem of two changes: shown once, under the first id.
    let shown: Vec<&Problem> = problems
        .iter()
        .filter(|p| in_range(p.start, p.end))
        .filter(|p| p.other.as_ref().is_none_or(|o| p.id < *o))
        .collect();

    let data = Calendar {
        from,
        to,
        freezes: freezes.clone(),
        changes: planned.iter().map(|r| entry(r)).collect(),
        problems: shown.clone(),
    };
    let view = View::new()
        .data(&data)
        .own(Format::Ics, |_| {
            let mut feed: Vec<&Record> = records
                .iter()
                .copied()
                .filter(|r| calendar::is_planned(r.status) || r.status == Status::Cancelled)
                .filter(|r| r.window().is_some_and(|w| in_range(w.start, w.end)))
                .collect();
            feed.sort_by_key(|r| (r.window().map(|w| w.start), r.id.clone()));
            Ok(ics::feed(&feed, &freezes, now))
        })
        .own(Format::Markdown, |_| Ok(markdown(from, to, &freezes, &planned, &shown)))
        .own(Format::Table, |look| {
            Ok(table(from, to, &freezes, &planned, &shown, look.color))
        });
    crate::render::print_view(&view, app)?;
    Ok(0)
}

fn midnight(day: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_time(chrono::NaiveTime::MIN))
}

fn entry(r: &Record) -> Entry<'_> {
    let (start, end) = r.window().map(|w| (w.start, w.end)).unwrap_or_default();
    Entry {
        id: &r.id,
        title: &r.title,
        status: r.status,
        classification: r.classification,
        start,
        end,
        systems: &r.systems,
        requested_by: r.requested_by.name().to_string(),
    }
}

/// What one day shows.
#[derive(Default)]
struct Day<'a> {
    changes: Vec<&'a Record>,
    problems: Vec<&'a Problem>,
}

/// Groups changes and problems by the day their window opens (the first day shown for earlier ones).
fn by_day<'a>(from: NaiveDate, planned: &[&'a Record], problems: &[&'a Problem]) -> BTreeMap<NaiveDate, Day<'a>> {
    let mut days: BTreeMap<NaiveDate, Day> = BTreeMap::new();
    for r in planned {
        if let Some(w) = r.window() {
            days.entry(w.start.date_naive().max(from)).or_default().changes.push(r);
        }
    }
    for p in problems {
        days.entry(p.start.date_naive().max(from)).or_default().problems.push(p);
    }
    days
}

/// Returns the freezes covering a day, by name.
fn freezes_on(day: NaiveDate, freezes: &[&Freeze]) -> Vec<String> {
    freezes
        .iter()
        .filter(|f| f.start <= day && day <= f.end)
        .map(|f| visible(&f.name).into_owned())
        .collect()
}

/// Shows a window's time: `02:00–04:00`, with the end's date when it is another day.
fn time(r: &Record) -> String {
    let Some(w) = r.window() else {
        return String::new();
    };
    let end = if w.end.date_naive() == w.start.date_naive() {
        w.end.format("%H:%M").to_string()
    } else {
        w.end.format("%m-%d %H:%M").to_string()
    };
    format!("{}–{end}", w.start.format("%H:%M"))
}

fn row(r: &Record) -> Vec<String> {
    vec![
        time(r),
        r.id.clone(),
        r.classification.to_string(),
        r.status.to_string(),
        visible(&r.systems.join(", ")).into_owned(),
        visible(r.requested_by.name()).into_owned(),
        visible(&r.title).into_owned(),
    ]
}

fn problem_line(p: &Problem) -> String {
    // The message quotes record text (titles, names, systems).
    format!(
        "{}[{}] {}: {}",
        p.severity,
        p.kind.rule(),
        visible(&p.id),
        visible(&p.message)
    )
}

fn summary(planned: usize, problems: &[&Problem]) -> String {
    let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
    let warnings = problems.len() - errors;
    format!(
        "{planned} change{}, {errors} error{}, {warnings} warning{}",
        plural(planned),
        plural(errors),
        plural(warnings)
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn freeze_line(f: &Freeze) -> String {
    format!(
        "{} {} – {}, allows {}",
        visible(&f.name),
        f.start,
        f.end,
        calendar::describe_allow(&f.allow)
    )
}

fn table(
    from: NaiveDate,
    to: NaiveDate,
    freezes: &[&Freeze],
    planned: &[&Record],
    problems: &[&Problem],
    color: bool,
) -> String {
    let last = to - Duration::days(1);
    let mut out = format!("Change calendar {from} – {last} (times in UTC)\n");
    for f in freezes {
        out.push_fmt(format_args!("freeze: {}\n", freeze_line(f)));
    }
    let rows: Vec<Vec<String>> = planned.iter().map(|r| row(r)).collect();
    let columns = rows.first().map_or(0, Vec::len);
    let widths: Vec<usize> = (0..columns)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let paint = |text: String, code: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text
        }
    };
    let days = by_day(from, planned, problems);
    if days.is_empty() {
        out.push_str("\nno changes planned\n");
    }
    for (day, content) in &days {
        let frozen = freezes_on(*day, freezes);
        out.push('\n');
        let heading = day.format("%a %Y-%m-%d").to_string();
        out.push_str(&paint(heading, "1"));
        if !frozen.is_empty() {
            out.push_fmt(format_args!("  [freeze: {}]", frozen.join(", ")));
        }
        out.push('\n');
        for r in &content.changes {
            let cells = row(r);
            let last = cells.len() - 1;
            let line: Vec<String> = cells
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    if i == last {
                        c.clone()
                    } else {
                        format!("{c:<width$}", width = widths[i])
                    }
                })
                .collect();
            out.push_fmt(format_args!("  {}\n", line.join("  ").trim_end()));
        }
        for p in &content.problems {
            let code = if p.severity == Severity::Error { "31" } else { "33" };
            out.push_fmt(format_args!("  {}\n", paint(format!("! {}", problem_line(p)), code)));
        }
    }
    out.push_fmt(format_args!("\n{}\n", summary(planned.len(), problems)));
    out
}

fn markdown(from: NaiveDate, to: NaiveDate, freezes: &[&Freeze], planned: &[&Record], problems: &[&Problem]) -> String {
    use crate::render::md_cell;
    let last = to - Duration::days(1);
    let mut out = format!("# Change calendar {from} – {last}\n\nTimes in UTC.\n");
    if !freezes.is_empty() {
        out.push('\n');
        for f in freezes {
            out.push_fmt(format_args!("- **Freeze:** {}\n", md_cell(&freeze_line(f))));
        }
    }
    let days = by_day(from, planned, problems);
    if days.is_empty() {
        out.push_str("\nNo changes planned.\n");
    }
    let headers = ["Time", "ID", "Class", "Status", "Systems", "Requested by", "Title"];
    for (day, content) in &days {
        let frozen = freezes_on(*day, freezes);
        out.push_fmt(format_args!("\n## {}", day.format("%a %Y-%m-%d")));
        if !frozen.is_empty() {
            out.push_fmt(format_args!(" (freeze: {})", md_cell(&frozen.join(", "))));
        }
        out.push_str("\n\n");
        if !content.changes.is_empty() {
            let rows: Vec<Vec<String>> = content.changes.iter().map(|r| row(r)).collect();
            out.push_str(&crate::render::markdown_table(&headers, &rows));
        }
        if !content.problems.is_empty() {
            if !content.changes.is_empty() {
                out.push('\n');
            }
            for p in &content.problems {
                let mark = if p.severity == Severity::Error { "❌" } else { "⚠️" };
                out.push_fmt(format_args!(
                    "- {mark} **{}** `{}` {}: {}\n",
                    p.severity,
                    p.kind.rule(),
                    md_cell(&p.id),
                    md_cell(&p.message)
                ));
            }
        }
    }
    out.push_fmt(format_args!("\n{}\n", summary(planned.len(), problems)));
    out
}
