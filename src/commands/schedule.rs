//! `chg schedule`: set the deployment window of an approved change.

use anyhow::{bail, Result};

use crate::action::{self, Done};
use crate::cli::ScheduleArgs;
use crate::context::App;
use crate::lifecycle::WindowFault;
use crate::record::{Record, Window};
use crate::timearg;

/// Sets `deployment.window` and moves approved → scheduled (or moves the
/// window of a scheduled change), as `Record::schedule` decides.
pub fn run(args: &ScheduleArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "schedule", |act, record| {
        record.can_schedule()?;
        let start = action::required_text(
            app,
            "--start",
            args.start.as_deref(),
            "Window start (YYYY-MM-DD HH:MM UTC)",
        )?;
        let end_text = action::required_text(app, "--end", args.end.as_deref(), "Window end (YYYY-MM-DD HH:MM UTC)")?;
        let start = timearg::parse_time("--start", &start)?;
        let end = timearg::parse_time("--end", &end_text)?;
        let window = Window { start, end };
        // Said in the flags' terms, with the end as it was typed.
        match window.fault(act.now) {
            Some(WindowFault::EndsBeforeStart) => {
                bail!("the window ends before it starts\n  hint: `--end` must be after `--start`")
            }
            Some(WindowFault::Over) => bail!(
                "`--end {}` is in the past (it is now {}): a window that has already ended cannot be worked in\n  hint: give a window still to come with `--start` and `--end`",
                end_text.trim(),
                act.now.format("%Y-%m-%d %H:%M UTC")
            ),
            None => {}
        }
        record.schedule(window, act.now)?;
        // Warn about conflicts and unavailable people; refuse a freeze the change may not enter.
        let (loaded, _) = act.store.load_all()?;
        let others: Vec<&Record> = loaded.iter().map(|l| &l.record).collect();
        action::warn_or_refuse(record, &others, &act.policy, app.quiet)?;
        Ok(Done::new(format!(
            "{}: scheduled {} – {}",
            record.id,
            start.format("%Y-%m-%d %H:%M"),
            end.format("%Y-%m-%d %H:%M UTC")
        )))
    })
}
