//! `chg schedule`: set the deployment window of an approved change.

use anyhow::{bail, Result};

use crate::action::{self, Done};
use crate::cli::ScheduleArgs;
use crate::context::App;
use crate::record::{Status, Window};
use crate::timearg;

/// Sets `deployment.window` and moves approved → scheduled (or moves the window of a scheduled change).
pub fn run(args: &ScheduleArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "schedule", |act, record| {
        if record.status != Status::Scheduled {
            record.move_to(Status::Scheduled)?;
        }
        let start = action::required_text(
            app,
            "--start",
            args.start.as_deref(),
            "Window start (YYYY-MM-DD HH:MM UTC)",
        )?;
        let end_text = action::required_text(app, "--end", args.end.as_deref(), "Window end (YYYY-MM-DD HH:MM UTC)")?;
        let start = timearg::parse_time("--start", &start)?;
        let end = timearg::parse_time("--end", &end_text)?;
        if end <= start {
            bail!("the window ends before it starts\n  hint: `--end` must be after `--start`");
        }
        // Work is planned in a window still to come; a window already over
        // would only show as "passed without a start" (issue 15.1).
        if end <= act.now {
            bail!(
                "`--end {}` is in the past (it is now {}): a window that has already ended cannot be worked in\n  hint: give a window still to come with `--start` and `--end`",
                end_text.trim(),
                act.now.format("%Y-%m-%d %H:%M UTC")
            );
        }
        record.deployment.get_or_insert_with(Default::default).window = Some(Window { start, end });
        // Warn about conflicts and unavailable people; refuse a freeze the change may not enter.
        let store = app.store()?;
        let policy = store.policy()?;
        let (loaded, _) = store.load_all()?;
        let others: Vec<&crate::record::Record> = loaded.iter().map(|l| &l.record).collect();
        action::warn_or_refuse(record, &others, &policy, app.quiet)?;
        Ok(Done::new(format!(
            "{}: scheduled {} – {}",
            record.id,
            start.format("%Y-%m-%d %H:%M"),
            end.format("%Y-%m-%d %H:%M UTC")
        )))
    })
}
