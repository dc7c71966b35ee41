//! `chg metrics`: the guide's monthly table and the figures the history judges.

use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde::Serialize;

use crate::cli::{Format, MetricsArgs};
use crate::context::App;
use crate::history::{History, Source};
use crate::metrics::{self, value_text, Figure, Figures, Metric, Metrics, Period, Style, Table, Unit};
use crate::policy::Policy;
use crate::render::PushFmt as _;

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

/// Computes the metrics of several periods at HEAD from one walk of the history (for the reports).
pub fn compute_at_head(
    store: &crate::store::Store,
    periods: &[Period],
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<metrics::Metrics>> {
    let repo = store.repo();
    if repo.head_commit()?.is_none() {
        bail!("the repository has no commits yet\n  hint: reports are computed from committed records; commit the store first");
    }
    let tip = repo.resolve("HEAD")?;
    let (history, _) = History::build(repo, &store.prefix(), tip, false)?;
    if let Some(why) = &history.incomplete {
        crate::render::warn(&format!("warning: {why}; the history-judged figures may be wrong"));
    }
    let policy = policy_at(store, tip)?;
    let (mut changes, facts, _) = history.into_current();
    attach_deadlines(store, tip, &policy, &facts, &mut changes)?;
    Ok(periods
        .iter()
        .map(|p| metrics::compute(&changes, &facts, &policy, *p, now))
        .collect())
}

/// Prints the figures of the period.
pub fn run(args: &MetricsArgs, app: &App) -> Result<u8> {
    let format = app.format;
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
    let (history, source) = History::build(repo, &store.prefix(), tip, args.no_cache)?;
    let policy = policy_at(&store, tip)?;
    let incomplete = history.incomplete.clone();
    let (mut changes, facts, unparsed) = history.into_current();
    attach_deadlines(&store, tip, &policy, &facts, &mut changes)?;
    let mut result = metrics::compute(&changes, &facts, &policy, period, judged_at);
    if let Some(why) = &incomplete {
        crate::render::warn(&format!("warning: {why}; the history-judged figures may be wrong"));
    }
    for file in &unparsed {
        crate::render::warn(&format!(
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
                incomplete: &incomplete,
                unparsed: &unparsed,
                metrics: &result.metrics,
            };
            format!("{}\n", crate::render::json(&out)?)
        }
        f => render(
            &result,
            &policy,
            f == Format::Markdown,
            app.look(),
            args.explain,
            &tip.to_string(),
            source,
        ),
    };
    crate::render::print(&text)?;
    Ok(0)
}

/// Resolves `--month` or `--from`/`--to`; the default is the last full month before `now`.
fn period(args: &MetricsArgs, now: DateTime<Utc>) -> Result<Period> {
    let month_start = |y: i32, m: u32| -> Result<DateTime<Utc>> {
        let d = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(|| anyhow!("no such month {y}-{m:02}"))?;
        Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()))
    };
    let next = |y: i32, m: u32| if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    if let Some(text) = &args.month {
        let bad = || anyhow!("`--month {text}` is not a month\n  hint: write it like `2026-11`");
        let (y, m) = text.trim().split_once('-').ok_or_else(bad)?;
        let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if !(1..=12).contains(&m) {
            return Err(bad());
        }
        let (ny, nm) = next(y, m);
        return Ok(Period {
            from: month_start(y, m)?,
            to: month_start(ny, nm)?,
        });
    }
    if let (Some(from), Some(to)) = (&args.from, &args.to) {
        let from = crate::timearg::parse_time("--from", from)?;
        let to = crate::timearg::parse_time("--to", to)?;
        if to <= from {
            bail!("`--to` must be after `--from`\n  hint: `--from` is inclusive and `--to` exclusive, e.g. `--from 2026-11-01 --to 2026-12-01`");
        }
        return Ok(Period { from, to });
    }
    let (y, m) = if now.month() == 1 {
        (now.year() - 1, 12)
    } else {
        (now.year(), now.month() - 1)
    };
    Ok(Period {
        from: month_start(y, m)?,
        to: month_start(now.year(), now.month())?,
    })
}

/// Reads the policy as committed at `tip` (every default when there is none).
/// Judges the deadlines of each emergency change on its whole record at
/// `tip`, as `chg check` does: the history keeps only a summary of each
/// record, and emergencies are few, so only their files are read again.
fn attach_deadlines(
    store: &crate::store::Store,
    tip: crate::git::ObjectId,
    policy: &Policy,
    facts: &std::collections::BTreeMap<String, metrics::Facts>,
    changes: &mut [metrics::Change],
) -> Result<()> {
    let repo = store.repo();
    let prefix = store.prefix();
    let mut emergencies = changes
        .iter_mut()
        .filter(|c| c.classification == crate::record::Classification::Emergency)
        .peekable();
    if emergencies.peek().is_none() {
        return Ok(());
    }
    // Every record's blob at `tip`, read once: looking each emergency up by
    // path read its year's folder again (6,600 entries at 20,000 records),
    // which made a warm `chg metrics` three times slower.
    let files: std::collections::HashMap<String, crate::git::ObjectId> =
        repo.files_at(tip, &prefix)?.into_iter().collect();
    for change in emergencies {
        let year = change.id.split('-').nth(1).unwrap_or("");
        let blob = ["yaml", "yml"]
            .iter()
            .find_map(|ext| files.get(&format!("{prefix}/{year}/{}.{ext}", change.id)).copied())
            .or_else(|| {
                files
                    .iter()
                    .find(|(p, _)| crate::store::record_id(&prefix, p) == Some(change.id.as_str()))
                    .map(|(_, b)| *b)
            });
        let Some(blob) = blob else { continue };
        // A file that does not parse is reported by `chg check`; its deadlines stay unjudged.
        if let Ok(parsed) = crate::document::parse::<crate::record::Record>(&repo.blob_text(blob)?) {
            let times = facts
                .get(&change.id)
                .map_or(&[][..], |f| f.implausible_times.as_slice());
            change.emergency = crate::rules::emergency_deadlines_judged(&parsed.value, policy, times);
        }
    }
    Ok(())
}

fn policy_at(store: &crate::store::Store, tip: crate::git::ObjectId) -> Result<Policy> {
    let path = format!("{}/policy.yaml", store.prefix());
    let Some(blob) = store.repo().blob_id_at(tip, &path)? else {
        return Ok(Policy::default());
    };
    let text = store.repo().blob_text(blob)?;
    let parsed = crate::document::parse::<Policy>(&text).map_err(|error| crate::error::FileError {
        file: format!("{path} at {tip}"),
        error,
    })?;
    Ok(parsed.value)
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
