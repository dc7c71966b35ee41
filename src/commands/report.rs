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
            let attention = attention_items(&records, &policy, period, now);
            let data = report::weekly::build(&records, &policy, period, now, attention);
            report::render(&data, &report::weekly::document(&data), format, color)?
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
            let computed = super::metrics::compute_at_head(&store, &months, now)?;
            let Some(this_month) = computed.last() else {
                anyhow::bail!("no metrics computed");
            };
            let data = report::monthly::build(period, this_month, &computed, &records, now);
            report::render(&data, &report::monthly::document(&data), format, color)?
        }
    };
    report::emit(&text, args.output.as_deref(), app.args.quiet)?;
    Ok(0)
}

/// What needs attention this week: the attention engine's items (pending
/// approvals, emergency deadlines, post-rollback actions, RTO overruns) and
/// the calendar's problems for changes planned up to the end of next week.
fn attention_items(
    records: &[crate::record::Record],
    policy: &crate::policy::Policy,
    week: Period,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<report::weekly::Attention> {
    let mut out: Vec<report::weekly::Attention> = crate::attention::items(records, policy, now)
        .into_iter()
        .map(|item| report::weekly::Attention {
            id: item.id.clone(),
            what: item.what.clone(),
            who: if item.who.is_empty() {
                "—".into()
            } else {
                item.who.join(", ")
            },
            when: match item.due {
                None if item.what.starts_with("approval pending") => records
                    .iter()
                    .find(|r| r.id == item.id)
                    .map(|r| {
                        format!(
                            "waiting {} days (created {})",
                            (now - r.created_at).num_days(),
                            r.created_at.format("%d %b")
                        )
                    })
                    .unwrap_or_default(),
                Some(due) if item.overdue => format!("overdue since {}", due.format("%a %d %b %H:%M")),
                Some(due) => format!("due {}", due.format("%a %d %b %H:%M")),
                None => String::new(),
            },
            overdue: item.overdue,
        })
        .collect();
    let horizon = week.next_week();
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
