//! `chg init`: create the store with the default policy and templates.

use anyhow::{Context as _, Result};

use crate::cli::{CiSystem, InitArgs};
use crate::context::App;
use crate::policy::DEFAULT_POLICY_YAML;
use crate::store::Store;
use crate::template::DEFAULT_TEMPLATES;

/// Writes what is missing of `changes/`, leaving existing files alone.
pub fn run(args: &InitArgs, app: &App) -> Result<u8> {
    if args.deploy {
        // For the application's repository, which holds no store: printed to paste, never written.
        crate::output::print(GITHUB_DEPLOY_STEPS)?;
        return Ok(0);
    }
    let store = Store::locate(app.args.store.as_deref())?;
    let mut written = Vec::new();
    std::fs::create_dir_all(store.dir()).with_context(|| format!("cannot create {}", store.display(store.dir())))?;
    let _lock = store.lock()?;
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

/// The deployment-job steps `chg init --ci github --deploy` prints, for an
/// application's workflow: find the change the commit names, ask the gate in
/// the store repository, record the start with what is deployed, push it.
pub const GITHUB_DEPLOY_STEPS: &str = r#"      # Deployment gate (`chg init --ci github --deploy`): add these steps to
      # the application's deployment job, before the deploy itself. The job
      # checks out the application with `fetch-depth: 0`; the deployed commit
      # names its change with the store policy's trailer (`Change: CHG-…`).
      - name: Find the change this commit implements
        id: change
        run: |
          id=$(git log -1 --format='%(trailers:key=Change,valueonly,separator=%x20)' | cut -d' ' -f1)
          test -n "$id" || { echo "::error::the deployed commit names no change (trailer Change: CHG-…)"; exit 1; }
          echo "id=$id" >> "$GITHUB_OUTPUT"
      - name: Check out the change store
        uses: actions/checkout@v4
        with:
          repository: your-org/changes            # the store repository
          token: ${{ secrets.CHG_STORE_TOKEN }}   # may push to the store
          path: change-store
          fetch-depth: 0                          # the gate reads the approvals' history
      - name: Install chg
        run: cargo install --locked --git "$CHG_GIT_URL" chg
      - name: Ask the deployment gate and record the start
        working-directory: change-store
        env:
          CHANGE_ID: ${{ steps.change.outputs.id }}
          DEPLOY_ENV: production
          ARTIFACT: ${{ github.sha }}             # or the image digest
          RUN_URL: ${{ github.server_url }}/${{ github.repository }}/actions/runs/${{ github.run_id }}
        run: |
          git config user.name "deploy-bot"
          git config user.email "deploy-bot@example.com"
          chg gate "$CHANGE_ID" --start --wait --timeout 2h --format github --deployment "environment=$DEPLOY_ENV" --deployment "artifact=$ARTIFACT" --deployment "pipeline_run=$RUN_URL"
          git push origin HEAD
"#;
