//! `chg fail`: in-progress → failed, with the reason.

use anyhow::Result;

use crate::action::{self, Done};
use crate::cli::FailArgs;
use crate::context::App;
use crate::record::Status;

/// Records the reason in `implementation.issues`, `finished_at` and outcome failed (`Record::fail`).
pub fn run(args: &FailArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "fail", |act, record| {
        // Refused before the reason is asked for.
        record.can_move_to(Status::Failed)?;
        let reason = action::required_text(app, "--reason", args.reason.as_deref(), "What went wrong")?;
        let at = action::backdate("--at", args.at.as_deref(), act.now)?;
        let validation = action::validation(&args.validation)?;
        validation.check_not_run_reasons()?;
        record.fail(at, reason, validation)?;
        let mut done = Done::new(format!("{}: failed", record.id));
        done.notes.push(format!(
            "If the deployment must be undone, record it with `chg rollback {}`; then `chg review {}`.",
            record.id, record.id
        ));
        Ok(done)
    })
}
