//! `chg complete`: in-progress → completed, with the validation results.

use anyhow::{bail, Result};

use crate::action::{self, Done};
use crate::cli::CompleteArgs;
use crate::context::App;
use crate::record::Status;

/// Records `finished_at`, outcome successful, validation and issues (`Record::complete`).
pub fn run(args: &CompleteArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "complete", |act, record| {
        // Refused before the flags are read.
        record.can_move_to(Status::Completed)?;
        let validation = action::validation(&args.validation)?;
        validation.check_not_run_reasons()?;
        if validation.is_empty() {
            bail!(
                "give the validation results\n  hint: e.g. `--smoke-tests passed --error-rates normal --customer-access verified`"
            );
        }
        let at = action::backdate("--at", args.at.as_deref(), act.now)?;
        action::record_deployment(record, &args.deployment)?;
        record.complete(at, validation, &args.issues)?;
        Ok(Done::new(format!(
            "{}: completed at {}",
            record.id,
            at.format("%Y-%m-%d %H:%M UTC")
        )))
    })
}
