//! The one path every lifecycle action takes: load the record by id, let the
//! command check and change it, write it atomically, commit it as the acting
//! person, print what happened. A refused action returns before anything is
//! written, so it changes nothing.

use std::path::PathBuf;

use anyhow::{anyhow, Result};
use chrono::{DateTime, Duration, NaiveTime, Utc};

use crate::cli::ValidationArgs;
use crate::context::App;
use crate::document::Positions;
use crate::error::Refusal;
use crate::finding::Severity;
use crate::git::Actor;
use crate::lifecycle::BACKDATE_HOURS;
use crate::person::Person;
use crate::policy::Policy;
use crate::record::{Record, Validation};
use crate::rule::Rule;
use crate::rules;
use crate::store::{Loaded, Store};

/// Everything an action knows before it changes the record.
pub struct Action {
    pub store: Store,
    pub policy: Policy,
    pub actor: Actor,
    /// The time the action is taken at (`CHG_NOW` when set).
    pub now: DateTime<Utc>,
    /// The record's path relative to the work tree, for messages.
    pub file: String,
    /// The record as it was read.
    pub original: Record,
    pub positions: Positions,
    path: PathBuf,
    /// Held from reading to committing, so two approvers never lose each other's approval.
    _lock: crate::store::StoreLock,
}

/// What an action did: the commit message's detail and what to tell the user.
#[derive(Debug, Default)]
pub struct Done {
    /// Goes in brackets after the id in the commit message: `(change-manager)`.
    pub detail: Option<String>,
    /// Printed on stdout.
    pub message: String,
    /// Printed on stderr as `warning[rule]: ...`, never silently dropped.
    pub warnings: Vec<(Rule, String)>,
    /// Printed on stderr after the warnings: what is still owed.
    pub notes: Vec<String>,
}

impl Done {
    /// Builds a result with a message and no detail.
    pub fn new(message: impl Into<String>) -> Done {
        Done {
            message: message.into(),
            ..Done::default()
        }
    }

    /// Builds the result of a start: `CHG-…: in progress since …`.
    pub fn started(record: &Record, at: DateTime<Utc>) -> Done {
        Done::new(format!(
            "{}: in progress since {}",
            record.id,
            at.format("%Y-%m-%d %H:%M UTC")
        ))
    }

    /// Sets the commit message's detail.
    pub fn detail(mut self, detail: impl Into<String>) -> Done {
        self.detail = Some(detail.into());
        self
    }
}

impl Action {
    /// Opens the store and reads the record with this id.
    pub fn load(app: &App, id: &str) -> Result<Action> {
        Action::load_at(app, id, app.now)
    }

    /// As `load`, acting at `now` rather than when the command began: a gate
    /// that waits starts the change at the poll that found its window open.
    pub fn load_at(app: &App, id: &str, now: DateTime<Utc>) -> Result<Action> {
        let store = app.store()?;
        let lock = store.lock()?;
        let policy = store.policy()?;
        let actor = store.repo().actor(now)?;
        let Loaded {
            file,
            record,
            positions,
        } = store.find(id)?;
        let (year, _) = crate::id::validate(id).map_err(|m| anyhow!("{m}"))?;
        let path = store.record_path(year, id);
        Ok(Action {
            now,
            store,
            policy,
            actor,
            file,
            original: record,
            positions,
            path,
            _lock: lock,
        })
    }

    /// Returns the acting person.
    pub fn person(&self) -> &Person {
        &self.actor.person
    }

    /// Refuses when the record as it would be saved has errors, listing them:
    /// what `chg check` demands of a submitted or approved change.
    pub fn refuse_errors(&self, record: &Record) -> Result<()> {
        let templates = self.store.templates()?;
        let ctx = rules::Context {
            policy: &self.policy,
            templates: &templates,
            now: self.now,
            times: &Default::default(),
            rehearsals: &self.store.rehearsals(),
        };
        let loaded = Loaded {
            file: self.file.clone(),
            record: record.clone(),
            positions: self.positions.clone(),
        };
        let errors: Vec<String> = rules::check_record(&loaded, &ctx)
            .into_iter()
            .filter(|f| f.severity == Severity::Error && !f.rule.is_deadline())
            .map(|f| {
                format!(
                    "  {}:{}: [{}] {}\n    hint: {}",
                    f.file, f.line, f.rule, f.message, f.hint
                )
            })
            .collect();
        if errors.is_empty() {
            return Ok(());
        }
        Err(Refusal::new(
            format!(
                "{} cannot become `{}`: `chg check` finds {} error{} in it\n{}",
                record.id,
                record.status,
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                errors.join("\n")
            ),
            format!("fix them in {} and try again", self.file),
        )
        .into())
    }

    /// Writes the changed record atomically, commits it (unless `--no-commit`)
    /// as `chg: VERB ID (DETAIL)`, and prints the result.
    pub fn save(self, app: &App, record: &Record, verb: &str, done: Done) -> Result<u8> {
        if app.commit {
            // Refuse before writing, so a failed commit never leaves a changed file behind.
            self.store.repo().ensure_clean_state()?;
        }
        if let Some(warning) = self.store.write_record(&self.path, record)?.warning(&self.file) {
            app.warn(&warning);
        }
        if app.commit {
            let message = match &done.detail {
                Some(detail) => format!("chg: {verb} {} ({detail})", record.id),
                None => format!("chg: {verb} {}", record.id),
            };
            if let Err(err) = self.store.commit(&[self.path.as_path()], &message, &self.actor) {
                return Err(err.context(format!(
                    "{} was written but not committed; commit it yourself or run `git checkout -- {}` to undo it",
                    record.id, self.file
                )));
            }
        }
        if !app.quiet && !done.message.is_empty() {
            let mut text = done.message.clone();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            crate::render::print(&text)?;
        }
        for (rule, warning) in &done.warnings {
            app.warn_rule(*rule, warning);
        }
        if !app.quiet {
            for note in &done.notes {
                crate::render::eprint(note);
            }
        }
        Ok(0)
    }
}

/// Runs one action: load, let `change` check and mutate a copy, then save it.
pub fn run(app: &App, id: &str, verb: &str, change: impl FnOnce(&Action, &mut Record) -> Result<Done>) -> Result<u8> {
    let action = Action::load(app, id)?;
    let mut record = action.original.clone();
    let done = change(&action, &mut record)?;
    action.save(app, &record, verb, done)
}

/// Reads a time of something that has happened: never in the future
/// (beyond the clock tolerance of a few minutes).
pub fn not_future(flag: &str, text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let at = parse_when(flag, text, now)?;
    if at > now + Duration::minutes(5) {
        return Err(anyhow!(
            "`{flag} {text}` is in the future (it is now {})\n  hint: give the time it happened, or leave `{flag}` out for now",
            now.format("%Y-%m-%d %H:%M UTC")
        ));
    }
    Ok(at)
}

/// Parses a time given to back-date an action: not in the future, at most a day back.
pub fn backdate(flag: &str, text: Option<&str>, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    let Some(text) = text else { return Ok(now) };
    let at = not_future(flag, text, now)?;
    if at < now - Duration::hours(BACKDATE_HOURS) {
        return Err(anyhow!(
            "`{flag} {text}` is more than a day ago\n  hint: an action is recorded within a day; correct an older time by editing the record and committing it"
        ));
    }
    Ok(at)
}

/// Reads the validation flags of `complete`, `fail`, `rollback` and
/// `review`, refusing a `--not-run-reason` for a check that ran or for no
/// check at all.
pub fn validation(args: &ValidationArgs) -> Result<Validation> {
    let mut v = Validation {
        smoke_tests: args.smoke_tests,
        error_rates: args.error_rates,
        performance: args.performance,
        customer_access: args.customer_access,
        monitored_minutes: args.monitored_minutes,
        full_test_suite: args.full_test_suite,
        security: args.security,
        ..Validation::default()
    };
    for given in &args.not_run_reasons {
        let (key, text) = parse_fact(given).map_err(|_| {
            anyhow!("`--not-run-reason {given}` is not `CHECK=TEXT`\n  hint: write `--not-run-reason 'smoke_tests=why it was not run'`")
        })?;
        v.not_run_reasons.insert(key.to_string(), text.to_string());
    }
    Ok(v)
}

/// Adds `--deployment NAME=VALUE` facts to the implementation. A name is
/// lower-case letters, digits, `_` and `-`; a fact already recorded with
/// another value is refused, since implementation facts are evidence.
pub fn record_deployment(record: &mut Record, facts: &[String]) -> Result<()> {
    for fact in facts {
        let (name, value) = parse_fact(fact)?;
        let implementation = record.implementation.get_or_insert_with(Default::default);
        match implementation.deployment.get(name) {
            Some(old) if old != value => {
                return Err(Refusal::new(
                    format!("{}: deployment fact `{name}` is already recorded as `{old}`", record.id),
                    "recorded facts are evidence and stay as they are; record a different fact under a new name",
                )
                .into())
            }
            Some(_) => {}
            None => {
                implementation.deployment.insert(name.to_string(), value.to_string());
            }
        }
    }
    Ok(())
}

/// Splits `NAME=VALUE`, refusing an empty or malformed name or an empty value.
pub fn parse_fact(fact: &str) -> Result<(&str, &str)> {
    let bad = || {
        anyhow!(
            "`--deployment {fact}` is not NAME=VALUE\n  hint: e.g. `--deployment environment=production`, `--deployment artifact=sha256:…`; names are lower-case letters, digits, `_` and `-`"
        )
    };
    let (name, value) = fact.split_once('=').ok_or_else(bad)?;
    let good_name = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !good_name || value.trim().is_empty() {
        return Err(bad());
    }
    Ok((name, value.trim()))
}

/// Returns a required text flag, or the answer of a prompt on a terminal.
pub fn required_text(app: &App, flag: &str, given: Option<&str>, prompt: &str) -> Result<String> {
    if let Some(text) = given.map(str::trim).filter(|t| !t.is_empty()) {
        return Ok(text.to_string());
    }
    if app.interactive {
        if let Some(text) = crate::wizard::text(prompt, false)? {
            return Ok(text);
        }
    }
    Err(missing(flag))
}

/// The error for a missing flag.
pub fn missing(flag: &str) -> anyhow::Error {
    anyhow!(
        "missing `{flag}`\n  hint: give `{flag}`, or run the command on a terminal without `--no-input` to be asked"
    )
}

/// Parses a time flag; `HH:MM` means today (or yesterday, if that is still to
/// come), in UTC, so an engineer under pressure types little.
pub fn parse_when(flag: &str, text: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
    if let Ok(time) = NaiveTime::parse_from_str(text.trim(), "%H:%M") {
        let today = now.date_naive().and_time(time).and_utc();
        return Ok(if today > now + Duration::minutes(5) {
            today - Duration::days(1)
        } else {
            today
        });
    }
    crate::timearg::parse_time(flag, text)
}

/// Creates a new record with the next free id under the store lock and
/// commits it as `chg: new ID (DETAIL)` unless `--no-commit`; returns it and its shown path.
pub fn create(
    app: &App,
    store: &Store,
    actor: &Actor,
    record: Record,
    year: i32,
    detail: &str,
) -> Result<(Record, String)> {
    let _lock = store.lock()?;
    if app.commit {
        store.repo().ensure_clean_state()?;
    }
    let (record, path) = store.create_record(year, record)?;
    let shown = store.display(&path);
    if app.commit {
        let message = format!("chg: new {} ({detail})", record.id);
        if let Err(err) = store.commit(&[path.as_path()], &message, actor) {
            return Err(err.context(format!(
                "{} was written but not committed; commit it yourself or run `git checkout -- {shown}` to drop it",
                record.id
            )));
        }
    }
    Ok((record, shown))
}

/// Prints on stderr the problems of a change's window at the moment it is
/// scheduled (`chg new --window-start/--window-end`, `chg schedule`), and
/// refuses (exit 1) a freeze it is not allowed in and, for a change already
/// planned (scheduled), every problem `chg check` would call an error: what
/// the gate would fail later is not written now. `others` are the store's
/// records; the change itself is skipped among them by id.
pub fn warn_or_refuse(record: &Record, others: &[&Record], policy: &Policy, quiet: bool) -> Result<()> {
    let problems = crate::calendar::problems_for(record, others, policy);
    let planned = crate::calendar::is_planned(record.status);
    let refused = |p: &crate::calendar::Problem| {
        p.kind == crate::calendar::ProblemKind::FreezeConflict || (planned && p.severity == Severity::Error)
    };
    let mut refusals = Vec::new();
    for p in &problems {
        if refused(p) {
            refusals.push(p);
        } else if !quiet || p.severity == Severity::Error {
            // With the severity `chg check` gives it: an error here fails the
            // gate later, so it must not read as a mere warning now.
            crate::render::eprint(&format!(
                "{}[{}]: {}\n  hint: {}",
                p.severity,
                p.kind.rule(),
                crate::render::visible(&p.message),
                crate::render::visible(&p.hint)
            ));
        }
    }
    if !refusals.is_empty() {
        let message = refusals
            .iter()
            .map(|p| format!("{} [{}]", p.message, p.kind.rule()))
            .collect::<Vec<_>>()
            .join("\n  and ");
        let hint = refusals.iter().map(|p| p.hint.as_str()).collect::<Vec<_>>().join("; ");
        return Err(Refusal::new(message, hint).into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rfc3339::at;

    #[test]
    fn a_clock_time_means_today_or_yesterday() {
        let now = at("2026-11-25T00:10:00Z");
        assert_eq!(parse_when("--at", "00:05", now).unwrap(), at("2026-11-25T00:05:00Z"));
        assert_eq!(parse_when("--at", "23:50", now).unwrap(), at("2026-11-24T23:50:00Z"));
        assert_eq!(
            parse_when("--at", "2026-11-20 02:00", now).unwrap(),
            at("2026-11-20T02:00:00Z")
        );
    }

    #[test]
    fn backdating_is_refused_into_the_future_or_beyond_a_day() {
        let now = at("2026-11-25T12:00:00Z");
        assert_eq!(backdate("--at", None, now).unwrap(), now);
        assert!(backdate("--at", Some("2026-11-25T13:00:00Z"), now).is_err());
        assert!(backdate("--at", Some("2026-11-23T12:00:00Z"), now).is_err());
    }
}
