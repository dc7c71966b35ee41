//! `chg rollback`: the engineer's command when a deployment goes wrong. It
//! records the rollback entry, computes its duration against the RTO of its
//! kind (an overrun is recorded and warned about, never silent), and reminds
//! what is still owed.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Duration, Utc};

use crate::action::{self, Action, Done};
use crate::cli::RollbackArgs;
use crate::context::App;
use crate::policy::{Policy, RtoCheck, Span};
use crate::record::{
    Access, CheckResult, Health, Level, LogEntry, Measured, Record, RollbackEntry, RollbackKind, RollbackMode, Status,
    Strategy, Trigger, Validation,
};
use crate::render::PushFmt as _;
use crate::rule::Rule;
use crate::wizard;

/// Says the change was rolled back (and reopened, if it was closed), in how
/// long against its RTO, and warns of an overrun.
fn rolled_back(record: &Record, check: &RtoCheck, (trigger, kind): (Trigger, RollbackKind), reopening: bool) -> Done {
    let (took, rto) = (check.took_text(), check.rto.text());
    let reopened = if reopening {
        "reopened (closed → rolled-back) and "
    } else {
        ""
    };
    let mut done = Done::new(format!(
        "{}: {reopened}rolled back ({trigger}, {kind}) in {took}; RTO {rto}",
        record.id
    ))
    .detail(if reopening {
        format!("{trigger}, reopened")
    } else {
        trigger.to_string()
    });
    if check.exceeded() {
        done.warnings.push((
            Rule::RtoExceeded,
            format!(
                "the rollback took {took}, {} the {rto} RTO of a {kind} rollback; this is recorded in the change",
                check.over_or_not_under()
            ),
        ));
    }
    done
}

/// The severity and estimated time the flags give, asked for when `ask`.
fn assess(args: &RollbackArgs, ask: bool) -> Result<(Option<Level>, Option<u32>)> {
    let (mut severity, mut estimated) = (args.severity, args.estimated_minutes);
    if ask {
        if severity.is_none() {
            severity = Some(wizard::choose("Severity", Level::ALL, Some(Level::High))?);
        }
        if estimated.is_none() {
            estimated = ask_number("Estimated rollback time in minutes")?;
        }
    }
    Ok((severity, estimated))
}

/// Asks for the execution log, step by step, each with its time.
fn ask_log(floor: DateTime<Utc>, now: DateTime<Utc>) -> Result<Vec<(DateTime<Utc>, String)>> {
    let mut log = Vec::new();
    while let Some(entry) = wizard::text("Execution log entry (empty to finish)", true)? {
        loop {
            let text =
                wizard::text("  Time of that step (HH:MM today, or YYYY-MM-DD HH:MM, UTC)", false)?.unwrap_or_default();
            match action::parse_when("the step's time", &text, now)
                .and_then(|at| log_bounds(at, entry.clone(), floor, now))
            {
                Ok(step) => {
                    log.push(step);
                    break;
                }
                Err(e) => crate::render::eprint(&e.to_string()),
            }
        }
    }
    Ok(log)
}

/// Records the rollback and moves the change to rolled-back.
pub fn run(args: &RollbackArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "rollback", |act, record| {
        record.can_move_to(Status::RolledBack)?;
        // Someone who typed the essentials on the command line is not held up by prompts.
        let incomplete = args.trigger.is_none() || args.reason.is_none() || args.started_at.is_none();
        let ask = app.interactive && incomplete;
        if ask {
            eprint!("{}", guide(record, act.policy.monitoring.after_rollback));
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
        // The guide's first step of an immediate rollback: assess the severity
        // and estimate the time, before anything else is done.
        let (severity, estimated) = assess(args, ask && mode == RollbackMode::Immediate)?;
        let measured = measured(args, trigger, &act.policy, ask)?;
        let (started, restored) = window(args, act, ask)?;
        let floor = match mode {
            RollbackMode::Immediate => started,
            RollbackMode::Planned => record.started_at().unwrap_or(started).min(started),
        };
        let mut log = Vec::new();
        for given in &args.log {
            let (at, entry) = log_entry(given, act.now)?;
            log.push(log_bounds(at, entry, floor, act.now)?);
        }
        let mut validation = action::validation(&args.validation)?;
        if ask {
            if log.is_empty() {
                log = ask_log(floor, act.now)?;
            }
            ask_validation(&mut validation, mode)?;
        }
        validation.check_not_run_reasons()?;
        // A check not run says why (issue 15.12): asked for up front rather
        // than left owed; a check not recorded yet may still follow by review.
        for (key, _) in crate::record::SKIPPABLE_CHECKS {
            let reason = validation.not_run_reasons.get(key).map(|r| r.trim());
            if validation.skippable(key) == Some(CheckResult::NotRun) && reason.is_none_or(str::is_empty) {
                anyhow::bail!(
                    "`--{} not-run` needs its reason: a check not run says why\n  hint: add `--not-run-reason '{key}=why they were not run'`",
                    key.replace('_', "-")
                );
            }
        }
        if !validation.is_empty() {
            validation.verified_by = vec![act.person().clone()];
        }
        let log = log
            .into_iter()
            .map(|(at, entry)| LogEntry {
                at,
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
            severity,
            estimated_minutes: estimated,
            measured,
            reopened_from: None,
            log,
            validation: (!validation.is_empty()).then_some(validation.clone()),
            issues: args.issues.clone(),
            post_actions: Default::default(),
            duration_minutes: None,
            rto_exceeded: None,
        };
        let reopening = record.status == Status::Closed;
        let check = record.roll_back(&act.policy, entry)?;
        let mut done = rolled_back(record, &check, (trigger, kind), reopening);
        done.notes = owed(act, record);
        Ok(done)
    })
}

/// Splits `--log "HH:MM text"` (or `YYYY-MM-DD HH:MM text`, or an RFC 3339
/// time then the text) into the step's time and its text.
fn log_entry(given: &str, now: DateTime<Utc>) -> Result<(DateTime<Utc>, String)> {
    let given = given.trim();
    let mut words = given.splitn(3, ' ');
    let (first, second, rest) = (words.next().unwrap_or(""), words.next(), words.next());
    let text_after = |skip: usize| {
        given
            .splitn(skip + 1, ' ')
            .nth(skip)
            .map(str::trim)
            .filter(|t| !t.is_empty())
    };
    if let (Some(second), Some(_)) = (second, rest) {
        if let Ok(at) = action::parse_when("--log", &format!("{first} {second}"), now) {
            if first.contains('-') {
                if let Some(text) = text_after(2) {
                    return Ok((at, text.to_string()));
                }
            }
        }
    }
    if let (Ok(at), Some(text)) = (action::parse_when("--log", first, now), text_after(1)) {
        return Ok((at, text.to_string()));
    }
    Err(anyhow!(
        "`--log {given}` does not start with the step's time\n  hint: write `--log 'HH:MM what was done'` (UTC), or a full time: `--log '{} what was done'`",
        now.format("%Y-%m-%d %H:%M")
    ))
}

/// Refuses a step before the rollback began (for a planned rollback, before
/// the implementation started) or in the future.
fn log_bounds(
    at: DateTime<Utc>,
    entry: String,
    floor: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(DateTime<Utc>, String)> {
    if at < floor {
        return Err(anyhow!(
            "log entry `{entry}` is at {}, before the rollback started ({})\n  hint: give each step the time it was done; a step before the rollback belongs in the reason",
            at.format("%Y-%m-%d %H:%M"),
            floor.format("%H:%M UTC")
        ));
    }
    if at > now {
        return Err(anyhow!(
            "log entry `{entry}` is at {}, in the future (now {})\n  hint: record the steps that were done",
            at.format("%Y-%m-%d %H:%M"),
            now.format("%H:%M UTC")
        ));
    }
    Ok((at, entry))
}

/// The measured value of an automatic trigger with a threshold, with the
/// policy's threshold; refuses a value at or under it (the trigger did not
/// fire) and a value for a trigger that measures nothing.
fn measured(args: &RollbackArgs, trigger: Trigger, policy: &Policy, ask: bool) -> Result<Option<Measured>> {
    let (Some(what), Some(threshold)) = (trigger.measure(), policy.rollback_triggers.threshold(trigger)) else {
        if args.measured.is_some() {
            return Err(anyhow!(
                "`--measured` is the value an automatic trigger fired on; `{trigger}` has none\n  hint: leave out `--measured`"
            ));
        }
        return Ok(None);
    };
    let value = match args.measured {
        Some(v) => v,
        None if ask => match ask_float(&format!("Measured {} ({})", what.name, what.flag_hint))? {
            Some(v) => v,
            None => return Ok(None),
        },
        None => return Ok(None),
    };
    if !value.is_finite() || value <= threshold {
        let of = if trigger == Trigger::ResponseTime {
            " the baseline"
        } else {
            ""
        };
        return Err(anyhow!(
            "the measured {}, {}{of}, is not above the policy's threshold of {}, so the `{trigger}` trigger did not fire\n  hint: check the value, or record the manual trigger that fits ({})",
            what.name,
            what.text(value),
            what.text(threshold),
            Trigger::ALL
                .iter()
                .filter(|t| !t.is_automatic())
                .map(|t| t.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    Ok(Some(Measured { value, threshold }))
}

fn ask_number(prompt: &str) -> Result<Option<u32>> {
    loop {
        let Some(text) = wizard::text(&format!("{prompt} (empty to skip)"), true)? else {
            return Ok(None);
        };
        match text.trim().parse() {
            Ok(n) => return Ok(Some(n)),
            Err(_) => crate::render::eprint(&format!("`{text}` is not a whole number")),
        }
    }
}

fn ask_float(prompt: &str) -> Result<Option<f64>> {
    loop {
        let Some(text) = wizard::text(&format!("{prompt} (empty to skip)"), true)? else {
            return Ok(None);
        };
        match text.trim().trim_end_matches(['%', 'x', '×']).trim().parse::<f64>() {
            Ok(n) if n.is_finite() => return Ok(Some(n)),
            _ => crate::render::eprint(&format!("`{text}` is not a number")),
        }
    }
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

/// The rollback plan of the record and the steps for its deployment
/// strategy, ending with the policy's monitoring period after a rollback.
fn guide(record: &Record, monitoring: Span) -> String {
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
    for (i, step) in steps(strategy, monitoring).iter().enumerate() {
        out.push_fmt(format_args!("  {}. {step}\n", i + 1));
    }
    out
}

/// The guide's rollback steps for a deployment strategy, then the
/// verification and the policy's monitoring period (`monitoring.after_rollback`).
pub fn steps(strategy: Option<Strategy>, monitoring: Span) -> Vec<String> {
    let mut steps: Vec<String> = match strategy {
        Some(Strategy::BlueGreen) => vec!["switch traffic back to the previous environment"],
        Some(Strategy::Canary) => vec!["stop the rollout", "revert the canary to the previous version"],
        Some(Strategy::Rolling) => vec!["deploy the previous version across the fleet"],
        Some(Strategy::DatabaseMigration) => vec!["run the rollback migration", "verify the data"],
        Some(Strategy::Manual) | None => vec!["follow the rollback plan"],
    }
    .into_iter()
    .chain(["run the smoke tests", "check the error rates", "verify customer access"])
    .map(String::from)
    .collect();
    steps.push(format!("monitor for {}", monitoring.text()));
    steps
}

/// Asks for a check that may be not run, and for the reason when it was not.
fn ask_check(v: &mut Validation, key: &str, prompt: &str) -> Result<()> {
    let slot = match key {
        "smoke_tests" => &mut v.smoke_tests,
        "full_test_suite" => &mut v.full_test_suite,
        _ => &mut v.security,
    };
    if slot.is_none() {
        *slot = Some(wizard::choose(prompt, CheckResult::ALL, Some(CheckResult::Passed))?);
    }
    if *slot == Some(CheckResult::NotRun) && !v.not_run_reasons.contains_key(key) {
        if let Some(reason) = wizard::text(&format!("Why were the {} not run", prompt.to_lowercase()), false)? {
            v.not_run_reasons.insert(key.to_string(), reason);
        }
    }
    Ok(())
}

/// Asks for the verification the guide asks after a rollback of this mode.
fn ask_validation(v: &mut Validation, mode: RollbackMode) -> Result<()> {
    ask_check(v, "smoke_tests", "Smoke tests")?;
    if v.error_rates.is_none() {
        v.error_rates = Some(wizard::choose("Error rates", Health::ALL, Some(Health::Normal))?);
    }
    if v.customer_access.is_none() {
        v.customer_access = Some(wizard::choose("Customer access", Access::ALL, Some(Access::Verified))?);
    }
    if mode == RollbackMode::Planned {
        ask_check(v, "full_test_suite", "Full test suite")?;
        if v.performance.is_none() {
            v.performance = Some(wizard::choose("Performance", Health::ALL, Some(Health::Normal))?);
        }
        ask_check(v, "security", "Security verification")?;
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
fn owed(act: &Action, record: &Record) -> Vec<String> {
    let mut notes = vec!["Still owed after this rollback:".to_string()];
    // The policy's period, recorded by `chg monitor` (what `monitoring-owed` and close judge).
    if let Some(need) = record.monitoring_owed(&act.policy) {
        notes.push(format!(
            "  - monitoring for {} after the restoration at {} (policy `monitoring.after_rollback`), recorded by whoever watched: `chg monitor {} --from … --to … --observed …`",
            need.period.text(),
            need.since.format("%Y-%m-%d %H:%M UTC"),
            record.id
        ));
    }
    if let Some(entry) = record.rollbacks.last() {
        let lacks = entry.verification_owed();
        if !lacks.is_empty() {
            notes.push(format!(
                "  - the verification: {} (`chg review {} --smoke-tests … --not-run-reason CHECK=…`)",
                lacks.join(", "),
                record.id
            ));
        }
    }
    notes.push(format!(
        "  - lessons learned, root cause and a re-deployment plan, within {}: `chg review {} --lessons-learned … --root-cause … --redeploy-plan …`",
        act.policy.emergency_deadlines.post_review.text(),
        record.id
    ));
    notes
}
