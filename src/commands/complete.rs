//! `chg complete`: in-progress → completed, with the validation results.

use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, Utc};

use crate::action::{self, Done};
use crate::cli::{CompleteArgs, ValidationArgs};
use crate::context::App;
use crate::record::{Outcome, Record, Status, Validation};

/// Records `finished_at`, outcome successful, validation and issues.
pub fn run(args: &CompleteArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "complete", |act, record| {
        action::transition(record, Status::Completed)?;
        let validation = validation(&args.validation);
        if validation.is_empty() {
            bail!(
                "give the validation results\n  hint: e.g. `--smoke-tests passed --error-rates normal --customer-access verified`"
            );
        }
        let at = action::backdate("--at", args.at.as_deref(), act.now)?;
        action::record_deployment(record, &args.deployment)?;
        finish(record, at, Outcome::Successful)?;
        let implementation = record.implementation.get_or_insert_with(Default::default);
        implementation.validation = Some(validation);
        implementation.issues.extend(args.issues.iter().cloned());
        record.status = Status::Completed;
        Ok(Done::new(format!(
            "{}: completed at {}",
            record.id,
            at.format("%Y-%m-%d %H:%M UTC")
        )))
    })
}

/// Converts the validation flags.
pub fn validation(args: &ValidationArgs) -> Validation {
    Validation {
        smoke_tests: args.smoke_tests,
        error_rates: args.error_rates,
        performance: args.performance,
        customer_access: args.customer_access,
        monitored_minutes: args.monitored_minutes,
    }
}

/// Sets `finished_at` and the outcome, refusing a finish before the start.
pub fn finish(record: &mut Record, at: DateTime<Utc>, outcome: Outcome) -> Result<()> {
    let implementation = record.implementation.get_or_insert_with(Default::default);
    if let Some(started) = implementation.started_at {
        if at < started {
            return Err(anyhow!(
                "{} would finish at {}, before it started at {}\n  hint: give a later time",
                record.id,
                at.format("%Y-%m-%d %H:%M"),
                started.format("%Y-%m-%d %H:%M UTC")
            ));
        }
    }
    implementation.finished_at = Some(at);
    implementation.outcome = Some(outcome);
    Ok(())
}
