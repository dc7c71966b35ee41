//! `chg renumber`: give a record the next free id (after a clash between clones).

use anyhow::{Context as _, Result};

use crate::cli::RenumberArgs;
use crate::context::App;

/// Moves the record to the next free id of its year and commits the rename.
pub fn run(args: &RenumberArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let _lock = store.lock()?;
    let loaded = store.find(&args.id)?;
    let (year, _) = crate::id::validate(&args.id).map_err(|m| anyhow::anyhow!("{m}"))?;
    let old_path = store.record_path(year, &args.id);
    let actor = if app.commit {
        Some(store.repo().actor(app.now)?)
    } else {
        None
    };
    let (record, new_path, layout) = store.renumber_record(year, loaded.record, &old_path)?;
    std::fs::remove_file(&old_path).with_context(|| {
        format!(
            "wrote {} but cannot remove {}; remove it yourself",
            store.display(&new_path),
            store.display(&old_path)
        )
    })?;
    if let Some(warning) = layout.warning(&store.display(&new_path)) {
        app.warn(&warning);
    }
    if let Some(actor) = actor {
        let message = format!("chg: renumber {} → {}", args.id, record.id);
        store.commit(&[old_path.as_path(), new_path.as_path()], &message, &actor)?;
    }
    if !app.quiet {
        crate::render::print(&format!(
            "Renumbered {} → {} ({})\n",
            args.id,
            record.id,
            store.display(&new_path)
        ))?;
    }
    Ok(0)
}
