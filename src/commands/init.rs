//! `chg init`: create the store with the default policy and templates.

use anyhow::{Context as _, Result};

use crate::cli::{CiSystem, InitArgs};
use crate::context::App;
use crate::policy::DEFAULT_POLICY_YAML;
use crate::store::Store;
use crate::template::DEFAULT_TEMPLATES;

/// Writes what is missing of `changes/`, leaving existing files alone.
pub fn run(args: &InitArgs, app: &App) -> Result<u8> {
    let store = Store::locate(app.args.store.as_deref())?;
    let mut written = Vec::new();
    std::fs::create_dir_all(store.dir()).with_context(|| format!("cannot create {}", store.display(store.dir())))?;
    let _lock = store.lock()?;
    std::fs::create_dir_all(store.dir()).with_context(|| format!("cannot create {}", store.display(store.dir())))?;
    let policy = store.policy_path();
    if !policy.exists() {
        let text = format!("{}{DEFAULT_POLICY_YAML}", header("schemas/policy.schema.json"));
        store.write_atomic(&policy, text.as_bytes())?;
        written.push(policy);
    }
    for (name, text) in DEFAULT_TEMPLATES {
        let path = store.templates_dir().join(format!("{name}.yaml"));
        if !path.exists() {
            let text = format!("{}{text}", header("../schemas/template.schema.json"));
            store.write_atomic(&path, text.as_bytes())?;
            written.push(path);
        }
    }
    // The schemas the files' headers point at, so editors find them offline
    // and at the version of chg that made the store.
    for (kind, schema) in [
        ("change", crate::schema::change()),
        ("policy", crate::schema::policy()),
        ("template", crate::schema::template()),
    ] {
        let path = store.schemas_dir().join(format!("{kind}.schema.json"));
        if !path.exists() {
            store.write_atomic(&path, crate::schema::to_text(&schema).as_bytes())?;
            written.push(path);
        }
    }
    if args.ci == Some(CiSystem::Github) {
        let workflow = store.repo().workdir().join(".github/workflows/chg.yml");
        if !workflow.exists() {
            store.write_atomic(&workflow, GITHUB_WORKFLOW.as_bytes())?;
            written.push(workflow);
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

/// The yaml-language-server line that names a file's schema, relative to the file.
pub fn header(schema: &str) -> String {
    format!("# yaml-language-server: $schema={schema}\n")
}

/// The pull-request workflow `chg init --ci github` writes.
pub const GITHUB_WORKFLOW: &str = r#"# Checks change records on every pull request: the files, and what the
# branch's commits did to them (forged approvals, skipped steps, edits after
# approval). Written by `chg init --ci github`.
name: chg
on:
  pull_request:
    paths: ["changes/**"]
env:
  CHG_GIT_URL: https://git.example.com/platform/chg.git   # where your team hosts chg's source
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0          # chg reads the history; a shallow clone is refused
      - uses: dtolnay/rust-toolchain@stable
      - name: Install chg
        run: cargo install --locked --git "$CHG_GIT_URL" chg
      - name: Check the change records
        run: chg check --base "origin/${{ github.base_ref }}" --format github
"#;
