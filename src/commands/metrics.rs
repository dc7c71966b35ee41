//! `chg metrics`: the guide's monthly table and the figures the history judges.

use anyhow::{bail, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::cli::{Format, MetricsArgs};
use crate::context::App;
use crate::history::{AtTip, Source};
use crate::metrics::{self, fmt_num, Figure, Metrics, Period, GUIDE_TABLE, HISTORY_FIGURES};
use crate::policy::Policy;

#[derive(Serialize)]
struct Output<'a> {
    period: Period,
    as_of: String,
    /// Why the history is incomplete (shallow clone), when it is.
    incomplete: &'a Option<String>,
    /// Record files at the tip that do not parse, left out of every figure.
    unparsed: &'a [String],
    metrics: &'a std::collections::BTreeMap<&'static str, Figure>,
}

/// Prints the figures of the period.
pub fn run(args: &MetricsArgs, app: &App) -> Result<u8> {
    let format = app.format(Format::Table, &[Format::Table, Format::Json, Format::Markdown])?;
    let store = app.store()?;
    let repo = store.repo();
    let now = crate::clock::now();
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
    at.warn_incomplete();
    for file in &at.unparsed {
        crate::output::warn(&format!(
            "warning: {file} does not parse at {tip}; it is left out (`chg check` says why)"
        ));
    }
    if !args.explain {
        for figure in result.metrics.values_mut() {
            figure.records.clear();
        }
    }
    let text = match format {
        Format::Json => {
            let out = Output {
                period,
                as_of: tip.to_string(),
                incomplete: &at.incomplete,
                unparsed: &at.unparsed,
                metrics: &result.metrics,
            };
            format!("{}\n", crate::output::json(&out)?)
        }
        f => render(
            &result,
            &at.policy,
            f == Format::Markdown,
            app.color,
            args.explain,
            &tip.to_string(),
            at.source,
        ),
    };
    crate::output::print(&text)?;
    Ok(0)
}

/// Resolves `--month` or `--from`/`--to`; the default is the last full month before `now`.
fn period(args: &MetricsArgs, now: DateTime<Utc>) -> Result<Period> {
    if let Some(text) = &args.month {
        return Period::parse_month(text);
    }
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let from = crate::timearg::parse_time("--from", from)?;
        let to = crate::timearg::parse_time("--to", to)?;
        if to <= from {
            bail!("`--to` must be after `--from`\n  hint: `--from` is inclusive and `--to` exclusive, e.g. `--from 2026-11-01 --to 2026-12-01`");
        }
        return Ok(Period { from, to });
    }
    Ok(Period::month_of(now.date_naive()).previous_month())
}

fn percent(x: f64) -> String {
    format!("{} %", fmt_num(x * 100.0))
}

fn duration(minutes: f64) -> String {
    if minutes >= 120.0 {
        format!("{} h", fmt_num(minutes / 60.0))
    } else {
        format!("{} min", fmt_num(minutes))
    }
}

fn cells(name: &str, f: &Figure) -> (String, String, String) {
    let is_time = name.ends_with("_minutes");
    let is_count = name == "total_changes";
    let ratio_of = matches!(
        name,
        "emergency_documented_in_time"
            | "emergency_written_approval_in_time"
            | "emergency_post_review_in_time"
            | "approvals_before_implementation"
            | "rollbacks_within_rto"
    );
    let target = match (f.target, name) {
        (None, _) => "—".to_string(),
        // The guide's targets, strict as it writes them unless the policy says otherwise.
        (Some(t), _) if f.comparison.is_some() => {
            let value = if is_time { duration(t) } else { percent(t) };
            format!("{} {value}", f.comparison.map_or("", |c| c.symbol()))
        }
        (Some(t), _) if is_time => format!("≤ {}", duration(t)),
        (Some(t), "success_rate") => format!("≥ {}", percent(t)),
        (Some(t), _) if ratio_of => percent(t),
        (Some(t), _) => format!("≤ {}", percent(t)),
    };
    let actual = match f.actual {
        None if f.of == 0 && !is_time && !ratio_of => "no changes".to_string(),
        None => "none".to_string(),
        Some(a) if is_count => fmt_num(a),
        Some(a) if is_time => duration(a),
        Some(a) if ratio_of => format!("{} ({} of {})", percent(a), (a * f.of as f64).round(), f.of),
        Some(a) => percent(a),
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
    color: bool,
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
    let total = m.metrics.get("total_changes").and_then(|f| f.actual).unwrap_or(0.0);
    if total == 0.0 {
        out.push_str("no changes\n");
    }
    for (title, names) in [
        ("Monthly figures and their targets", GUIDE_TABLE),
        ("Judged from the history", HISTORY_FIGURES),
    ] {
        out.push('\n');
        out.push_str(&format!("{title}\n"));
        let headers = ["Metric", "Target", "Actual", "Status"];
        let rows: Vec<Vec<String>> = names
            .iter()
            .filter_map(|n| m.metrics.get(n).map(|f| (n, f)))
            .map(|(n, f)| {
                let (t, a, s) = cells(n, f);
                vec![crate::report::label(n, policy), t, a, s]
            })
            .collect();
        if markdown {
            out.push_str(&crate::output::markdown_table(&headers, &rows));
        } else {
            let mut table = crate::output::table(&headers, color);
            for row in rows {
                table.add_row(row);
            }
            out.push_str(&format!("{table}\n"));
        }
    }
    if explain {
        out.push_str("\nExplanation (the records behind each figure)\n");
        for name in GUIDE_TABLE.iter().chain(HISTORY_FIGURES) {
            let Some(f) = m.metrics.get(name) else { continue };
            out.push_str(&format!("\n{} ({name}):\n", crate::report::label(name, policy)));
            if f.records.is_empty() {
                out.push_str("  (none)\n");
            }
            for line in &f.records {
                out.push_str(&format!("  {line}\n"));
            }
        }
        out.push_str(&format!(
            "\nhistory: {}\n",
            match source {
                Source::Full => "walked in full".to_string(),
                Source::Cached(n) => format!("from the cache, extended by {n} new commits"),
            }
        ));
    }
    out
}
