//! `chg rollback`: the engineer's command when a deployment goes wrong. It
//! records the rollback entry, computes its duration against the RTO of its
//! kind (an overrun is recorded and warned about, never silent), and reminds
//! what is still owed.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Duration, Utc};

use crate::action::{self, Action, Done};
use crate::cli::RollbackArgs;
use crate::context::App;
use crate::lifecycle::MONITOR_MINUTES;
use crate::record::{
    Access, CheckResult, Health, LogEntry, Record, RollbackEntry, RollbackKind, RollbackMode, Status, Strategy,
    Trigger, Validation,
};
use crate::render::PushFmt as _;
use crate::wizard;

/// Records the rollback and moves the change to rolled-back.
pub fn run(args: &RollbackArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "rollback", |act, record| {
        record.can_move_to(Status::RolledBack)?;
        // Someone who typed the essentials on the command line is not held up by prompts.
        let incomplete = args.trigger.is_none() || args.reason.is_none() || args.started_at.is_none();
        let ask = app.interactive && incomplete;
        if ask {
            eprint!("{}", guide(record));
        }
        let trigger = match args.trigger {
            Some(t) => t,
            None if ask => wizard::choose("Trigger", Trigger::ALL, Some(Trigger::ErrorRate))?,
            None => return Err(action::missing("--trigger")),
        };
        let reason = action::required_text(app, "--reason", args.reason.as_deref(), "Reason for the rollback")?;
        let mode = match args.mode {
            Some(m) => m,
            None if ask => wizard::choose("Mode", RollbackMode::ALL, Some(RollbackMode::Immediate))?,
            None => RollbackMode::Immediate,
        };
        let kind = match args.kind.or(record.rollback_kind()) {
            Some(k) => k,
            None if ask => wizard::choose("Rollback kind", RollbackKind::ALL, Some(RollbackKind::Simple))?,
            None => return Err(action::missing("--kind")),
        };
        let (started, restored) = window(args, act, ask)?;
        let mut log_lines = args.log.clone();
        let mut validation = Validation::from(&args.validation);
        if ask {
            if log_lines.is_empty() {
                while let Some(line) = wizard::text("Execution log entry (empty to finish)", true)? {
                    log_lines.push(line);
                }
            }
            ask_validation(&mut validation)?;
        }
        let log = log_lines
            .into_iter()
            .map(|entry| LogEntry {
                at: act.now,
                by: act.person().clone(),
                entry,
            })
            .collect();
        let entry = RollbackEntry {
            trigger,
            mode,
            kind: Some(kind),
            reason: Some(reason),
            started_at: Some(started),
            restored_at: Some(restored),
            log,
            validation: (!validation.is_empty()).then_some(validation.clone()),
            issues: args.issues.clone(),
            post_actions: Default::default(),
            duration_minutes: None,
            rto_exceeded: None,
        };
        let check = record.roll_back(&act.policy, entry)?;
        let (minutes, rto) = (check.minutes(), check.rto.text());
        let mut done = Done::new(format!(
            "{}: rolled back ({trigger}, {kind}) in {minutes} min; RTO {rto}",
            record.id
        ))
        .detail(trigger.to_string());
        if check.exceeded() {
            done.warnings.push((
                "rto-exceeded",
                format!(
                    "the rollback took {minutes} min, {} the {rto} RTO of a {kind} rollback; this is recorded in the change",
                    check.over_or_not_under()
                ),
            ));
        }
        done.notes = owed(act, record, &validation);
        Ok(done)
    })
}

/// When the rollback started and when service was restored: given, asked,
/// or (restored) now; refused when restored before started or in the future.
fn window(args: &RollbackArgs, act: &Action, ask: bool) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
    let started = match args.started_at.as_deref() {
        Some(text) => action::parse_when("--started-at", text, act.now)?,
        None if ask => loop {
            if let Some(text) = wizard::text("Rollback started at (HH:MM today, or YYYY-MM-DD HH:MM, UTC)", false)? {
                match action::parse_when("started at", &text, act.now) {
                    Ok(t) => break t,
                    Err(e) => crate::render::eprint(&e.to_string()),
                }
            }
        },
        None => return Err(action::missing("--started-at")),
    };
    let restored = match args.restored_at.as_deref() {
        Some(text) => action::parse_when("--restored-at", text, act.now)?,
        None => act.now,
    };
    if restored < started {
        return Err(anyhow!(
            "the service was restored ({}) before the rollback started ({})\n  hint: check `--started-at` and `--restored-at`",
            restored.format("%Y-%m-%d %H:%M"),
            started.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    if restored > act.now + Duration::minutes(5) {
        return Err(anyhow!(
            "`--restored-at` is in the future\n  hint: record the rollback once service is restored"
        ));
    }
    Ok((started, restored))
}

/// The rollback plan of the record and the steps for its deployment strategy.
fn guide(record: &Record) -> String {
    let mut out = format!("Rollback of {}: {}\n", record.id, record.title);
    let plan = record.rollback.as_ref().and_then(|r| r.plan.as_deref());
    match plan {
        Some(plan) => {
            out.push_str("Rollback plan from the record:\n");
            for line in plan.trim_end().lines() {
                out.push_fmt(format_args!("  {line}\n"));
            }
        }
        None => out.push_str("The record has no rollback plan.\n"),
    }
    let strategy = record.deployment.as_ref().and_then(|d| d.strategy);
    out.push_fmt(format_args!(
        "Steps ({}):\n",
        strategy.map_or("no strategy recorded".to_string(), |s| s.to_string())
    ));
    for (i, step) in steps(strategy).iter().enumerate() {
        out.push_fmt(format_args!("  {}. {step}\n", i + 1));
    }
    out
}

/// The guide's rollback steps for a deployment strategy, then the verification.
pub fn steps(strategy: Option<Strategy>) -> Vec<&'static str> {
    let mut steps = match strategy {
        Some(Strategy::BlueGreen) => vec!["switch traffic back to the previous environment"],
        Some(Strategy::Canary) => vec!["stop the rollout", "revert the canary to the previous version"],
        Some(Strategy::Rolling) => vec!["deploy the previous version across the fleet"],
        Some(Strategy::DatabaseMigration) => vec!["run the rollback migration", "verify the data"],
        Some(Strategy::Manual) | None => vec!["follow the rollback plan"],
    };
    steps.extend([
        "run the smoke tests",
        "check the error rates",
        "verify customer access",
        "monitor for 30 minutes",
    ]);
    steps
}

fn ask_validation(v: &mut Validation) -> Result<()> {
    if v.smoke_tests.is_none() {
        v.smoke_tests = Some(wizard::choose(
            "Smoke tests",
            CheckResult::ALL,
            Some(CheckResult::Passed),
        )?);
    }
    if v.error_rates.is_none() {
        v.error_rates = Some(wizard::choose("Error rates", Health::ALL, Some(Health::Normal))?);
    }
    if v.customer_access.is_none() {
        v.customer_access = Some(wizard::choose("Customer access", Access::ALL, Some(Access::Verified))?);
    }
    if v.monitored_minutes.is_none() {
        if let Some(text) = wizard::text("Minutes monitored so far (empty for none)", true)? {
            v.monitored_minutes =
                Some(text.parse().map_err(|_| {
                    anyhow!("`{text}` is not a number of minutes\n  hint: give `--monitored-minutes N`")
                })?);
        }
    }
    Ok(())
}

/// What the guide still asks for after this rollback.
fn owed(act: &Action, record: &Record, validation: &Validation) -> Vec<String> {
    let mut notes = vec!["Still owed after this rollback:".to_string()];
    let monitored = validation.monitored_minutes.unwrap_or(0);
    if monitored < MONITOR_MINUTES {
        notes.push(format!(
            "  - verify the restoration over {MONITOR_MINUTES} minutes of monitoring (recorded: {monitored})"
        ));
    }
    if validation.smoke_tests.is_none() || validation.error_rates.is_none() || validation.customer_access.is_none() {
        notes.push("  - the validation results: smoke tests, error rates, customer access".to_string());
    }
    notes.push(format!(
        "  - lessons learned, root cause and a re-deployment plan, within {}: `chg review {} --lessons-learned … --root-cause … --redeploy-plan …`",
        act.policy.emergency_deadlines.post_review.text(),
        record.id
    ));
    notes
}
