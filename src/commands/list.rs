//! `chg list`: a table of records, filtered.

use anyhow::Result;
use chrono::{DateTime, Utc};
use comfy_table::Color;
use serde::Serialize;

use crate::cli::{Format, ListArgs};
use crate::context::App;
use crate::record::{Classification, Record, Status};
use crate::render::{Look, View};
use crate::timearg;

/// One row of the listing, as JSON prints it.
#[derive(Debug, Serialize)]
struct Row<'a> {
    id: &'a str,
    status: Status,
    classification: Classification,
    title: &'a str,
    impact: crate::record::Level,
    likelihood: crate::record::Level,
    systems: &'a [String],
    requested_by: String,
    date: DateTime<Utc>,
    file: &'a str,
}

/// The date a change is listed by: its implementation start, else its window, else its creation.
pub fn listing_date(r: &Record) -> DateTime<Utc> {
    r.started_at()
        .or_else(|| r.window().map(|w| w.start))
        .unwrap_or(r.created_at)
}

/// The headers of the listing, in the order of [`cells`].
const HEADERS: [&str; 8] = [
    "ID",
    "Status",
    "Class",
    "Risk",
    "Date",
    "Title",
    "Systems",
    "Requested by",
];

/// Prints the records that pass the filters, oldest first.
pub fn run(args: &ListArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let keep = filter(args)?;
    let mut loaded = match &args.as_of {
        Some(rev) => store.load_all_at(rev)?,
        None => store.load_all_strict()?,
    };
    loaded.retain(|l| keep(&l.record));
    loaded.sort_by(|a, b| (listing_date(&a.record), &a.record.id).cmp(&(listing_date(&b.record), &b.record.id)));
    let rows: Vec<Row> = loaded
        .iter()
        .map(|l| Row {
            id: &l.record.id,
            status: l.record.status,
            classification: l.record.classification,
            title: &l.record.title,
            impact: l.record.risk.impact,
            likelihood: l.record.risk.likelihood,
            systems: &l.record.systems,
            requested_by: l.record.requested_by.name().to_string(),
            date: listing_date(&l.record),
            file: &l.file,
        })
        .collect();
    let mut view = View::new()
        .data(&rows)
        .rows(&HEADERS, || rows.iter().map(cells).collect())
        .own(Format::Text, |look| Ok(lines(&rows, look.color)))
        .own(Format::Table, |look| Ok(table(&rows, look)));
    if rows.is_empty() {
        view = view.note("no changes match");
    }
    crate::render::print_view(&view, app)?;
    Ok(0)
}

/// The filters of the arguments as one test of a record.
fn filter(args: &ListArgs) -> Result<impl Fn(&Record) -> bool + '_> {
    let since = args
        .since
        .as_deref()
        .map(|d| timearg::parse_time("--since", d))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|d| timearg::parse_time("--until", d))
        .transpose()?;
    let (statuses, classes) = (&args.status, &args.classification);
    Ok(move |r: &Record| {
        let date = listing_date(r);
        (statuses.is_empty() || statuses.contains(&r.status))
            && (classes.is_empty() || classes.contains(&r.classification))
            && args.system.as_ref().is_none_or(|s| r.systems.iter().any(|x| x == s))
            && since.is_none_or(|s| date >= s)
            && until.is_none_or(|u| date < u)
    })
}

/// The cells of a row, in the order of [`HEADERS`].
fn cells(r: &Row) -> Vec<String> {
    vec![
        r.id.to_string(),
        r.status.to_string(),
        r.classification.to_string(),
        format!("{}/{}", r.impact, r.likelihood),
        r.date.format("%Y-%m-%d %H:%M").to_string(),
        r.title.to_string(),
        r.systems.join(", "),
        r.requested_by.clone(),
    ]
}

/// Renders the listing one record a line, tab-separated: into a pipe (`App`
/// resolves the default so), `grep` and `cut` see whole records.
fn lines(rows: &[Row], color: bool) -> String {
    let mut out = String::new();
    for row in rows {
        let mut fields: Vec<String> = cells(row).iter().map(|c| one_field(c)).collect();
        if let (true, Some(code)) = (color, ansi(status_color(row.status))) {
            fields[1] = format!("\x1b[{code}m{}\x1b[0m", fields[1]);
        }
        out.push_str(&fields.join("\t"));
        out.push('\n');
    }
    out
}

/// Renders the listing as a table, for a terminal.
fn table(rows: &[Row], look: Look) -> String {
    if rows.is_empty() {
        return "no changes match\n".to_string();
    }
    let mut table = crate::render::table(&HEADERS, look);
    for row in rows {
        let mut c: Vec<comfy_table::Cell> = cells(row)
            .into_iter()
            .map(|text| comfy_table::Cell::new(crate::render::safe(&text)))
            .collect();
        c[1] = crate::render::colored(row.status, status_color(row.status), look.color);
        table.add_row(c);
    }
    format!(
        "{table}\n{} change{}\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )
}

/// A field of a tab-separated line: tabs, line breaks and other control
/// characters are shown as escapes, so a field never splits its line or
/// its neighbours, nor sends escape sequences to a terminal.
fn one_field(text: &str) -> String {
    crate::render::visible(text).into_owned()
}

/// The ANSI code of a status colour, for lines printed without a table.
fn ansi(color: Option<Color>) -> Option<&'static str> {
    match color? {
        Color::Green => Some("32"),
        Color::Red => Some("31"),
        Color::Cyan => Some("36"),
        Color::Yellow => Some("33"),
        _ => None,
    }
}

/// Returns the colour a status is shown in on a terminal.
pub fn status_color(status: Status) -> Option<Color> {
    match status {
        Status::Completed | Status::Closed => Some(Color::Green),
        Status::Failed | Status::RolledBack | Status::Rejected => Some(Color::Red),
        Status::InProgress | Status::Scheduled => Some(Color::Cyan),
        Status::Submitted => Some(Color::Yellow),
        _ => None,
    }
}
