//! `chg rehearse`: record a rollback rehearsal of a system, or of a change
//! (in the log of each of its systems), as the person who ran it.

use anyhow::{anyhow, bail, Result};
use chrono::Duration;

use crate::cli::RehearseArgs;
use crate::context::App;
use crate::rehearsal::{valid_system_name, Rehearsal, RehearsalLog};
use crate::store::Store;

/// Appends the rehearsal to each system's log and commits them in one commit.
pub fn run(args: &RehearseArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    store.require_exists()?;
    let _lock = store.lock()?;
    let policy = store.policy()?;
    let actor = store.repo().actor(app.now)?;
    // The same window as every action: not in the future, at most a day back.
    let at = crate::action::backdate("--at", args.at.as_deref(), app.now)?;
    let (systems, kind, change) = if crate::id::parse(&args.target).is_some() {
        let record = store.find(&args.target)?.record;
        let kind = args.kind.or(record.rollback_kind()).ok_or_else(|| {
            anyhow!(
                "{} has no rollback kind to rehearse\n  hint: give `--kind simple|complex|full-restore`, or set the plan's `rollback.kind`",
                record.id
            )
        })?;
        if record.systems.is_empty() {
            bail!(
                "{} names no systems, so there is no log to record its rehearsal in\n  hint: rehearse a system instead: `chg rehearse SYSTEM --kind {kind} ...`",
                record.id
            );
        }
        (record.systems.clone(), kind, Some(record.id))
    } else {
        let kind = args.kind.ok_or_else(|| {
            anyhow!(
                "`--kind` is needed to rehearse the system `{}`\n  hint: `--kind simple|complex|full-restore`; for a change, give its id instead",
                args.target
            )
        })?;
        (vec![args.target.clone()], kind, None)
    };
    if let Some(bad) = systems.iter().find(|s| !valid_system_name(s)) {
        bail!(
            "`{bad}` cannot name a rehearsal log: a system name has only letters, digits, `.`, `_` and `-`\n  hint: rename the system in the record, or rehearse a system by a plain name"
        );
    }
    let rehearsal = Rehearsal {
        at,
        kind,
        minutes: args.minutes,
        result: args.result,
        by: actor.person.clone(),
        change,
        notes: args.notes.clone(),
    };
    let mut paths = Vec::new();
    for system in &systems {
        let path = store.rehearsal_path(system);
        let mut log = read_or_new(&store, &path, system)?;
        log.rehearsals.push(rehearsal.clone());
        if let Some(warning) = store.write_log(&path, &log)?.warning(&store.display(&path)) {
            app.warn(&warning);
        }
        paths.push(path);
    }
    let refs: Vec<&std::path::Path> = paths.iter().map(std::path::PathBuf::as_path).collect();
    store.commit(
        &refs,
        &format!("{}: rollback rehearsal recorded ({})", args.target, args.result),
        &actor,
    )?;
    let check = policy.rto_check(kind, Duration::minutes(i64::from(args.minutes)));
    crate::render::print(&format!(
        "{}: {kind} rollback rehearsal recorded ({}, {}, {})\n",
        args.target,
        args.result,
        check.took_text(),
        at.format("%Y-%m-%d %H:%M UTC")
    ))?;
    if check.exceeded() {
        app.warn(&format!(
            "warning: the rehearsal took {}, {} the {} RTO of a {kind} rollback; shorten the procedure or reclassify the rollback kind",
            check.took_text(),
            check.over_or_not_under(),
            check.rto.text()
        ));
    }
    Ok(0)
}

/// Reads a system's log, or starts one; a log that names another system is refused.
fn read_or_new(store: &Store, path: &std::path::Path, system: &str) -> Result<RehearsalLog> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(RehearsalLog {
            schema_version: 1,
            system: system.to_string(),
            rehearsals: Vec::new(),
        });
    }
    let loaded = store.load_log(path)?;
    if loaded.log.system != system {
        bail!(
            "{} names the system `{}`, not `{system}`\n  hint: a log's `system` equals its file name; fix the file first",
            loaded.file,
            loaded.log.system
        );
    }
    Ok(loaded.log)
}
