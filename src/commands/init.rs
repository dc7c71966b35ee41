//! `chg init`: create the store with the team's policy and the templates.

use std::collections::BTreeMap;

use anyhow::{bail, Context as _, Result};

use crate::cli::{CiSystem, InitArgs};
use crate::context::App;
use crate::person::Person;
use crate::record::Role;
use crate::render::PushFmt as _;
use crate::store::Store;
use crate::template::DEFAULT_TEMPLATES;

/// Writes what is missing of `changes/`, leaving existing files alone.
pub fn run(args: &InitArgs, app: &App) -> Result<u8> {
    if let (true, Some(source)) = (args.deploy, &args.chg_source) {
        // For the application's repository, which holds no store: printed to paste, never written.
        let install = InstallFrom::parse(source)?.cargo_args();
        crate::render::print(&GITHUB_DEPLOY_STEPS.replace("{INSTALL}", &install))?;
        return Ok(0);
    }
    let store = Store::locate(app.store_dir.as_deref())?;
    // Everything the flags say is checked before anything is written.
    let named = team_from_flags(args)?;
    let workflow_text = match (args.ci, &args.chg_source) {
        (Some(CiSystem::Github), Some(source)) => Some(github_workflow(&InstallFrom::parse(source)?)),
        _ => None,
    };
    let mut written = Vec::new();
    std::fs::create_dir_all(store.dir()).with_context(|| format!("cannot create {}", store.display(store.dir())))?;
    let _lock = store.lock()?;
    std::fs::create_dir_all(store.dir()).with_context(|| format!("cannot create {}", store.display(store.dir())))?;
    let policy = store.policy_path();
    if !policy.exists() {
        let team = with_change_manager(named, &store, app.now)?;
        let text = format!(
            "{}{}",
            header("schemas/policy.schema.json"),
            crate::policy::policy_yaml_for_team(&team)
        );
        store.write_atomic(&policy, text.as_bytes())?;
        written.push(policy);
    } else if !named.is_empty() {
        bail!(
            "{} exists, so --change-manager and --role change nothing\n  hint: edit `roles` in it and open a pull request as a change manager (docs/first-day.md)",
            store.display(&policy)
        );
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
        ("rehearsals", crate::schema::rehearsals()),
    ] {
        let path = store.schemas_dir().join(format!("{kind}.schema.json"));
        if !path.exists() {
            store.write_atomic(&path, crate::schema::to_text(&schema).as_bytes())?;
            written.push(path);
        }
    }
    if let Some(text) = workflow_text {
        let workflow = store.repo().workdir().join(".github/workflows/chg.yml");
        if !workflow.exists() {
            store.write_atomic(&workflow, text.as_bytes())?;
            written.push(workflow);
        }
    }
    if written.is_empty() {
        if !app.quiet {
            crate::render::print(&format!(
                "{} is already initialised; nothing changed\n",
                store.display(store.dir())
            ))?;
        }
        return Ok(0);
    }
    let mut message = String::new();
    for path in &written {
        message.push_fmt(format_args!("Created {}\n", store.display(path)));
    }
    if app.commit {
        let actor = store.repo().actor(app.now)?;
        let paths: Vec<&std::path::Path> = written.iter().map(|p| p.as_path()).collect();
        store.commit(&paths, "chg: init the change store", &actor)?;
        message.push_str("Committed as \"chg: init the change store\"\n");
    }
    if !app.quiet {
        crate::render::print(&message)?;
    }
    Ok(0)
}

/// The yaml-language-server line that names a file's schema, relative to the file.
pub fn header(schema: &str) -> String {
    format!("# yaml-language-server: $schema={schema}\n")
}

/// The people `--change-manager` and `--role` name, as emails by role.
fn team_from_flags(args: &InitArgs) -> Result<BTreeMap<Role, Vec<String>>> {
    let mut team: BTreeMap<Role, Vec<String>> = BTreeMap::new();
    let mut add = |role: Role, email: String| {
        let people = team.entry(role).or_default();
        if !people.iter().any(|p| p.eq_ignore_ascii_case(&email)) {
            people.push(email);
        }
    };
    for person in &args.change_manager {
        add(Role::ChangeManager, member(person, "--change-manager")?);
    }
    for given in &args.role {
        let Some((role, person)) = given.split_once('=') else {
            bail!(
                "--role `{given}` is not ROLE=PERSON\n  hint: write it like `--role cab=\"Ana Silva <ana@acme.test>\"`"
            );
        };
        let Some(role) = Role::ALL.iter().copied().find(|r| r.as_str() == role.trim()) else {
            let names: Vec<&str> = Role::ALL.iter().map(|r| r.as_str()).collect();
            bail!(
                "--role `{given}`: `{}` is not a role\n  hint: the roles are {}",
                role.trim(),
                names.join(", ")
            );
        };
        add(role, member(person, "--role")?);
    }
    Ok(team)
}

/// An email from `Name <email>` or a bare email.
fn member(text: &str, flag: &str) -> Result<String> {
    let text = text.trim();
    let email = if text.contains('<') {
        Person::parse(text).map(|p| p.email().to_string()).ok()
    } else {
        Person::parse(&format!("x <{text}>"))
            .ok()
            .map(|p| p.email().to_string())
    };
    email.ok_or_else(|| {
        anyhow::anyhow!(
            "{flag} `{text}` is not a person\n  hint: write `\"Name <email>\"` or an email, e.g. `{flag} \"Ana Silva <ana@acme.test>\"`"
        )
    })
}

/// Makes the one running `chg init` the change manager when no flag named one.
fn with_change_manager(
    mut team: BTreeMap<Role, Vec<String>>,
    store: &Store,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<BTreeMap<Role, Vec<String>>> {
    if team.get(&Role::ChangeManager).is_some_and(|p| !p.is_empty()) {
        return Ok(team);
    }
    let actor = store.repo().actor(now).map_err(|e| {
        anyhow::anyhow!(
            "chg init makes you the change manager, but {}\n  hint: or name the change manager: `chg init --change-manager \"Name <email>\"`",
            e.to_string().replace("\n  hint:", ";")
        )
    })?;
    team.insert(Role::ChangeManager, vec![actor.person.email().to_string()]);
    Ok(team)
}

/// Where a CI workflow installs chg from.
#[derive(Debug, PartialEq, Eq)]
pub enum InstallFrom {
    /// A git repository at a pinned commit id or tag.
    Git { url: String, rev: String },
    /// A version published on crates.io.
    Version(String),
}

impl InstallFrom {
    /// Parses `GIT_URL@REV` or a version such as `0.1.0`.
    pub fn parse(text: &str) -> Result<Self> {
        let text = text.trim();
        let hint = "hint: write `--chg-source https://git.acme.test/tools/chg.git@<commit id>`, or a published version such as `--chg-source 0.1.0`";
        let safe = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&()*+,;=%".contains(c))
                && !s.contains(['\'', '"', '$', '`'])
        };
        let is_version = |s: &str| {
            s.split('.').count() == 3
                && s.split(['.', '-', '+'])
                    .next()
                    .is_some_and(|m| m.chars().all(|c| c.is_ascii_digit()))
                && s.chars().all(|c| c.is_ascii_alphanumeric() || ".-+".contains(c))
        };
        if is_version(text) {
            return Ok(InstallFrom::Version(text.to_string()));
        }
        let Some((url, rev)) = text.rsplit_once('@') else {
            bail!("--chg-source `{text}` names no revision: it is not GIT_URL@REV or a version\n  {hint}");
        };
        let rev_ok = !rev.is_empty() && rev.chars().all(|c| c.is_ascii_alphanumeric() || "-._/".contains(c));
        if url.is_empty() || !rev_ok || !safe(url) || !url.contains(['/', ':']) {
            bail!("--chg-source `{text}` is not GIT_URL@REV or a version\n  {hint}");
        }
        Ok(InstallFrom::Git {
            url: url.to_string(),
            rev: rev.to_string(),
        })
    }

    /// The `cargo install` arguments after `cargo install --locked`.
    fn cargo_args(&self) -> String {
        match self {
            InstallFrom::Git { url, rev } => {
                let pin = if rev.len() >= 7 && rev.chars().all(|c| c.is_ascii_hexdigit()) {
                    "--rev"
                } else {
                    "--tag"
                };
                format!("--git {url} {pin} {rev} chg")
            }
            InstallFrom::Version(v) => format!("--version {v} chg"),
        }
    }
}

/// The pull-request workflow `chg init --ci github` writes.
pub fn github_workflow(from: &InstallFrom) -> String {
    GITHUB_WORKFLOW.replace("{INSTALL}", &from.cargo_args())
}

/// The workflow's text; `{INSTALL}` becomes the `cargo install` arguments.
const GITHUB_WORKFLOW: &str = r#"# Checks change records on every pull request: the files, and what the
# branch's commits did to them (forged approvals, skipped steps, edits after
# approval). Written by `chg init --ci github`; see docs/ci.md.
#
# It runs on every pull request, not only those that touch changes/: a
# required status check that never runs would leave the others waiting.
name: chg
on:
  pull_request:
permissions:
  contents: read
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v5
        with:
          fetch-depth: 0          # chg reads the history; a shallow clone is refused
          persist-credentials: false
      - name: Install chg
        run: cargo install --locked {INSTALL}
      - name: Check the change records
        env:
          BASE: origin/${{ github.base_ref }}
        run: chg check --base "$BASE" --format github
"#;

/// The deployment-job steps `chg init --ci github --chg-source … --deploy` prints (`{INSTALL}` as in the workflow), for an
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
        run: cargo install --locked {INSTALL}
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
