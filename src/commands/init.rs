//! `chg init`: create the store with the default policy and templates.

use anyhow::{Context as _, Result};

use crate::cli::InitArgs;
use crate::context::App;
use crate::policy::DEFAULT_POLICY_YAML;
use crate::store::Store;
use crate::template::DEFAULT_TEMPLATES;

/// Writes what is missing of `changes/`, leaving existing files alone.
pub fn run(_args: &InitArgs, app: &App) -> Result<u8> {
    let store = Store::locate(app.args.store.as_deref())?;
    let mut written = Vec::new();
    std::fs::create_dir_all(store.dir()).with_context(|| format!("cannot create {}", store.display(store.dir())))?;
    let policy = store.policy_path();
    if !policy.exists() {
        store.write_atomic(&policy, DEFAULT_POLICY_YAML.as_bytes())?;
        written.push(policy);
    }
    for (name, text) in DEFAULT_TEMPLATES {
        let path = store.templates_dir().join(format!("{name}.yaml"));
        if !path.exists() {
            store.write_atomic(&path, text.as_bytes())?;
            written.push(path);
        }
    }
    if written.is_empty() {
        if !app.args.quiet {
            crate::output::print(&format!(
                "{} is already initialised; nothing changed\n",
                store.display(store.dir())
            ))?;
        }
        return Ok(0);
    }
    let mut message = String::new();
    for path in &written {
        message.push_str(&format!("Created {}\n", store.display(path)));
    }
    if !app.args.no_commit {
        let actor = store.repo().actor()?;
        let paths: Vec<&std::path::Path> = written.iter().map(|p| p.as_path()).collect();
        store.commit(&paths, "chg: init the change store", &actor)?;
        message.push_str("Committed as \"chg: init the change store\"\n");
    }
    if !app.args.quiet {
        crate::output::print(&message)?;
    }
    Ok(0)
}
