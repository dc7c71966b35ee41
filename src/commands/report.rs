//! `chg report weekly|monthly|quarterly`.

use anyhow::Result;

use crate::cli::{Format, ReportArgs, ReportKind};
use crate::context::App;
use crate::period::Period;
use crate::report;

const FORMATS: &[Format] = &[Format::Table, Format::Markdown, Format::Json, Format::Html];

/// Builds and prints (or writes) one report.
pub fn run(args: &ReportArgs, app: &App) -> Result<u8> {
    let format = app.format(Format::Table, FORMATS)?;
    let store = app.store()?;
    let policy = store.policy()?;
    let now = crate::clock::now();
    let records: Vec<_> = store.load_all_strict()?.into_iter().map(|l| l.record).collect();
    // Colour only on a terminal, never into a file.
    let color = app.color && args.output.is_none();
    let text = match &args.kind {
        ReportKind::Weekly { week, date } => {
            let period = match (week, date) {
                (Some(w), _) => Period::parse_week(w)?,
                (None, Some(d)) => Period::week_of(crate::timearg::parse_date("--date", d)?),
                (None, None) => Period::week_of(now.date_naive()),
            };
            let attention = Vec::new();
            let data = report::weekly::build(&records, &policy, period, now, attention);
            report::render(&data, &report::weekly::document(&data), format, color)?
        }
    };
    report::emit(&text, args.output.as_deref(), app.args.quiet)?;
    Ok(0)
}
