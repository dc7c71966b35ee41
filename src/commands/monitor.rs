//! `chg monitor`: who watched a change after its deployment or rollback,
//! from when to when, and what they saw.

use anyhow::{anyhow, Result};

use crate::action::{self, Done};
use crate::cli::MonitorArgs;
use crate::context::App;
use crate::duration;
use crate::record::Monitoring;
use crate::rule::Rule;

/// Appends a monitoring spell (`Record::add_monitoring`); one shorter than
/// the policy's period is kept as evidence but does not count, and says so.
pub fn run(args: &MonitorArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "monitor", |act, record| {
        let since = record.monitoring_since(&act.policy)?;
        // Monitoring has no deadline that back-dating could win, so a spell
        // watched more than a day ago is recorded late with its real times
        // (never in the future); the commit's time shows when it was written.
        let to = match args.to.as_deref() {
            Some(text) => action::not_future("--to", text, act.now)?,
            None => act.now,
        };
        let from = match args.from.as_deref() {
            Some(text) => action::parse_when("--from", text, act.now)?,
            None => since,
        };
        if from >= to {
            return Err(anyhow!(
                "`--from` {} is not before `--to` {}\n  hint: give when the watching began and when it ended",
                from.format("%Y-%m-%d %H:%M"),
                to.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        let observed = action::required_text(app, "--observed", args.observed.as_deref(), "What was seen")?;
        let spell = Monitoring {
            by: act.person().clone(),
            from,
            to,
            observed,
        };
        // The same spell twice is a slip, refused; a short one is kept, and said.
        let short = record.add_monitoring(&act.policy, spell.clone())?;
        let mut done = Done::new(format!(
            "{}: monitoring by {} recorded, {} ({})",
            record.id,
            spell.by,
            duration::between(from, to),
            duration::minutes((to - from).num_minutes() as f64)
        ));
        let late = act.now - to;
        if late > chrono::Duration::hours(crate::lifecycle::BACKDATE_HOURS) {
            done.notes.push(format!(
                "note: recorded {} after the watching ended ({}); the spell keeps its real times, and the commit's time says when it was written",
                crate::render::plural(late.num_days().unsigned_abs() as usize, "day"),
                to.format("%Y-%m-%d %H:%M UTC")
            ));
        }
        if let Some(need) = short {
            done.warnings.push((
                Rule::MonitoringOwed,
                format!(
                    "{} after the {} is shorter than the {} the policy asks after the {} of {} change: it does not count, and monitoring is still owed",
                    duration::minutes(need.covered_by(&spell).num_minutes() as f64),
                    need.after.as_str(),
                    need.period.text(),
                    need.after.as_str(),
                    record.classification.with_article()
                ),
            ));
        }
        Ok(done)
    })
}
