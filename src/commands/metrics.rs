//! `chg metrics`: the guide's monthly table and the figures the history judges.

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::{Format, MetricsArgs};
use crate::context::App;
use crate::history::{AtTip, Source};
use crate::metrics::{self, value_text, Figure, Figures, Metric, Metrics, Period, Style, Table, Unit};
use crate::policy::Policy;
use crate::render::{PushFmt as _, View};

#[derive(Serialize)]
struct Output<'a> {
    period: Period,
    as_of: String,
    /// Why the history is incomplete (shallow clone), when it is.
    incomplete: &'a Option<String>,
    /// Record files at the tip that do not parse, left out of every figure.
    unparsed: &'a [String],
    metrics: &'a Figures,
}

/// Prints the figures of the period.
pub fn run(args: &MetricsArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let repo = store.repo();
    let now = app.now;
    let period = period(args, now)?;
    if args.as_of.is_none() && repo.head_commit()?.is_none() {
        bail!("the repository has no commits yet\n  hint: metrics are computed from committed records; commit the store first");
    }
    let tip = repo.resolve(args.as_of.as_deref().unwrap_or("HEAD"))?;
    // Deadlines still running are judged at the time of the commit asked for,
    // so a report `--as-of` a commit is the same whenever it is run.
    let judged_at = if args.as_of.is_some() {
        repo.commit_info(tip)?.time
    } else {
        now
    };
    let at = AtTip::read(&store, tip, args.no_cache)?;
    let mut result = metrics::compute(&at.changes, &at.facts, &at.policy, period, judged_at);
    at.warn_incomplete(&|w| app.warn(w));
    for file in &at.unparsed {
        app.warn(&format!(
            "warning: {file} does not parse at {tip}; it is left out (`chg check` says why)"
        ));
    }
    if !args.explain {
        for figure in result.metrics.values_mut() {
            figure.records.clear();
        }
    }
    let tip = tip.to_string();
    let data = Output {
        period,
        as_of: tip.clone(),
        incomplete: &at.incomplete,
        unparsed: &at.unparsed,
        metrics: &result.metrics,
    };
    let text = |markdown: bool| {
        let (result, at, tip) = (&result, &at, &tip);
        move |look| Ok(render(result, &at.policy, markdown, look, args.explain, tip, at.source))
    };
    let view = View::new()
        .data(&data)
        .own(Format::Table, text(false))
        .own(Format::Markdown, text(true));
    crate::render::print_view(&view, app)?;
    Ok(0)
}

/// Resolves `--month` or `--from`/`--to`; the default is the last full month before `now`.
fn period(args: &MetricsArgs, now: DateTime<Utc>) -> Result<Period> {
    if let Some(text) = &args.month {
        return Period::parse_month(text);
    }
    if let (Some(from), Some(to)) = (&args.range.from, &args.range.to) {
        let from = crate::timearg::parse_time("--from", from)?;
        let to = crate::timearg::parse_time("--to", to)?;
        if to <= from {
            bail!("`--to` must be after `--from`\n  hint: `--from` is inclusive and `--to` exclusive, e.g. `--from 2026-11-01 --to 2026-12-01`");
        }
        return Ok(Period { from, to });
    }
    Ok(Period::month_of(now.date_naive()).previous_month())
}

/// The target, value and status of a figure as `chg metrics` writes them.
fn cells(metric: Metric, f: &Figure) -> (String, String, String) {
    let show = |v: f64| value_text(metric, Some(v), Style::Compact);
    let target = match f.target {
        None => "—".to_string(),
        // The guide's targets, strict as it writes them unless the policy says otherwise.
        Some(t) if f.comparison.is_some() => format!("{} {}", f.comparison.map_or("", |c| c.symbol()), show(t)),
        Some(t) => match metric.unit() {
            Unit::Share => show(t),
            _ if metric.higher_is_better() => format!("≥ {}", show(t)),
            _ => format!("≤ {}", show(t)),
        },
    };
    let actual = match (f.actual, metric.unit()) {
        (None, Unit::Count | Unit::Rate) if f.of == 0 => "no changes".to_string(),
        (None, _) => "none".to_string(),
        (Some(a), Unit::Share) => format!("{} ({} of {})", show(a), (a * f.of as f64).round(), f.of),
        (Some(a), _) => show(a),
    };
    let status = match f.met {
        Some(true) => "met",
        Some(false) => "missed",
        None => "—",
    };
    (target, actual, status.to_string())
}

fn render(
    m: &Metrics,
    policy: &Policy,
    markdown: bool,
    look: crate::render::Look,
    explain: bool,
    tip: &str,
    source: Source,
) -> String {
    let mut out = format!(
        "Metrics {} – {} (UTC, to exclusive), as of {}\n",
        m.period.from.format("%Y-%m-%d %H:%M"),
        m.period.to.format("%Y-%m-%d %H:%M"),
        &tip[..tip.len().min(10)]
    );
    let total = m
        .metrics
        .get(&Metric::TotalChanges)
        .and_then(|f| f.actual)
        .unwrap_or(0.0);
    if total == 0.0 {
        out.push_str("no changes\n");
    }
    for (title, names) in [
        ("Monthly figures and their targets", Table::Guide),
        ("Judged from the history", Table::History),
    ] {
        out.push('\n');
        out.push_fmt(format_args!("{title}\n"));
        let headers = ["Metric", "Target", "Actual", "Status"];
        let rows: Vec<Vec<String>> = Metric::of_table(names)
            .into_iter()
            .filter_map(|n| m.metrics.get(&n).map(|f| (n, f)))
            .map(|(n, f)| {
                let (t, a, s) = cells(n, f);
                vec![n.label(policy), t, a, s]
            })
            .collect();
        if markdown {
            out.push_str(&crate::render::markdown_table(&headers, &rows));
        } else {
            let mut table = crate::render::table(&headers, look);
            for row in rows {
                table.add_row(row);
            }
            out.push_fmt(format_args!("{table}\n"));
        }
    }
    if explain {
        out.push_str("\nExplanation (the records behind each figure)\n");
        for name in Metric::of_table(Table::Guide)
            .into_iter()
            .chain(Metric::of_table(Table::History))
        {
            let Some(f) = m.metrics.get(&name) else { continue };
            out.push_fmt(format_args!("\n{} ({name}):\n", name.label(policy)));
            if f.records.is_empty() {
                out.push_str("  (none)\n");
            }
            for line in &f.records {
                out.push_fmt(format_args!("  {line}\n"));
            }
        }
        out.push_fmt(format_args!(
            "\nhistory: {}\n",
            match source {
                Source::Full => "walked in full".to_string(),
                Source::Cached(n) => format!("from the cache, extended by {n} new commits"),
            }
        ));
    }
    out
}
