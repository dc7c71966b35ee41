//! `chg edit`: open a record in the editor, validate it on save, and keep the
//! old record unless the edit is valid.

use anyhow::{Context as _, Result};

use crate::cli::EditArgs;
use crate::context::App;
use crate::error::Refusal;
use crate::finding::Severity;
use crate::store::Store;

/// Edits a copy of the record; writes it back only when it parses and passes the rules.
pub fn run(args: &EditArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let loaded = store.find(&args.id)?;
    let (year, _) = crate::id::validate(&args.id).map_err(|m| anyhow::anyhow!("{m}"))?;
    let path = store.record_path(year, &args.id);
    let original = std::fs::read_to_string(&path).with_context(|| format!("cannot read {}", loaded.file))?;
    let policy = store.policy()?;
    let templates = store.templates()?;
    let rehearsals = store.rehearsals();
    let scratch = tempfile::Builder::new()
        .prefix(&format!("{}-", args.id))
        .suffix(".yaml")
        .tempfile()
        .context("cannot create a temporary file to edit")?;
    std::fs::write(scratch.path(), &original)?;
    loop {
        crate::editor::edit(scratch.path())?;
        let edited = std::fs::read_to_string(scratch.path()).context("cannot read the edited file")?;
        if edited == original {
            if !app.quiet {
                eprintln!("{} unchanged", args.id);
            }
            return Ok(0);
        }
        let problems = problems(
            &loaded.file,
            &edited,
            &args.id,
            &policy,
            &templates,
            &rehearsals,
            app.now,
        );
        if problems.is_empty() {
            let _lock = store.lock()?;
            // Compare and swap: someone may have committed to the record while the editor was open.
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current != original {
                let kept = scratch.keep().map(|(_, p)| p).context("cannot keep the edited copy")?;
                return Err(Refusal::new(
                    format!("{} changed while you were editing it; your edit was not saved", args.id),
                    format!(
                        "your version is in {}; run `chg edit {}` again and re-apply it",
                        kept.display(),
                        args.id
                    ),
                )
                .into());
            }
            store.write_atomic(&path, edited.as_bytes())?;
            if app.commit {
                let actor = store.repo().actor(app.now)?;
                store.commit(&[path.as_path()], &format!("chg: edit {}", args.id), &actor)?;
            }
            if !app.quiet {
                crate::render::print(&format!("Saved {} ({})\n", args.id, loaded.file))?;
            }
            return Ok(0);
        }
        for p in &problems {
            crate::render::eprint(&p.to_string());
        }
        let again = app.interactive
            && crate::wizard::confirm("Re-open the editor to fix them? (no keeps the record as it was)", true)?;
        if !again {
            return Err(Refusal::new(
                format!("the edit of {} has errors; the record is unchanged", args.id),
                format!("run `chg edit {}` again and fix what is listed above", args.id),
            )
            .into());
        }
    }
}

/// Lists what makes the edited text unacceptable: parse errors, a changed id, rule errors.
fn problems(
    file: &str,
    text: &str,
    id: &str,
    policy: &crate::policy::Policy,
    templates: &std::collections::BTreeMap<String, crate::template::Template>,
    rehearsals: &crate::rehearsal::Rehearsals,
    now: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    let loaded = match Store::parse_record(file, text) {
        Ok(l) => l,
        Err(e) => return vec![e.to_string()],
    };
    if loaded.record.id != id {
        return vec![format!(
            "{file}: the id changed from `{id}` to `{}`\n  hint: ids are fixed; use `chg renumber {id}` to move a record",
            loaded.record.id
        )];
    }
    let ctx = crate::rules::Context {
        policy,
        templates,
        now,
        times: &Default::default(),
        rehearsals,
    };
    crate::rules::check_record(&loaded, &ctx)
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| {
            format!(
                "{}:{}:{}: error[{}]: {}\n  hint: {}",
                f.file, f.line, f.column, f.rule, f.message, f.hint
            )
        })
        .collect()
}
