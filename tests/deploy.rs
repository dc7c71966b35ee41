//! The deployment gate (`chg gate`), asked the way a pipeline asks it, in
//! stores made with chg's own commands and with git as users would.

use crate::support::*;

const ID: &str = "CHG-2026-0001";
const FILE: &str = "changes/2026/CHG-2026-0001.yaml";

/// A normal change made with chg: created, submitted, approved by Sam and
/// scheduled for Wednesday 2026-11-18 02:00–04:00 UTC (inside the default
/// deployment window).
fn scheduled(start: &str, end: &str) -> Test {
    let repo = Test::new().at("2026-11-16T12:00:00Z");
    repo.chg_line("new --no-input --title 'Enable canary routing' --description 'Route 5 % of checkout traffic through the pricing service' --justification 'Pricing errors' --benefit 'Correct prices' --impact medium --likelihood low --system checkout-api --strategy canary --test unit=passed --test integration=passed --test qa_review=passed --rollback-plan 'Set canary weight to 0' --rollback-kind simple")
    .ok();
    repo.chg(&["submit", ID]).ok();
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.chg(&["schedule", ID, "--start", start, "--end", end]).ok();
    repo
}

fn wednesday() -> Test {
    scheduled("2026-11-18 02:00", "2026-11-18 04:00")
}

fn gate_at(repo: &mut Repo, now: &str, extra: &[&str]) -> Run {
    repo.now = Some(now.into());
    let mut args = vec!["gate", ID];
    args.extend(extra);
    repo.chg(&args)
}

fn commits(repo: &Repo) -> Vec<String> {
    repo.git(&["log", "--format=%s"]).lines().map(str::to_string).collect()
}

#[test]
fn gate_before_inside_and_after_the_window() {
    let mut repo = wednesday();
    gate_at(&mut repo, "2026-11-18T01:30:00Z", &[]).is(
        1,
        "CHG-2026-0001: refused[window-not-open]: its window 2026-11-18 02:00–04:00 UTC opens in 30 min
CHG-2026-0001: refused[outside-deployment-window]: 2026-11-18 01:30 UTC is outside the policy's deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)
",
        "",
    );
    let inside = gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).ok();
    assert_eq!(
        inside.stdout,
        "CHG-2026-0001: may be deployed at 2026-11-18 03:00 UTC\n"
    );
    let after = gate_at(&mut repo, "2026-11-18T04:30:00Z", &["--format", "json"]).status(1);
    assert_eq!(after.reason_rules(), ["window-closed"]);
    // `--at` asks about another moment without waiting for it.
    gate_at(&mut repo, "2026-11-18T01:30:00Z", &["--at", "2026-11-18 03:30"]).ok();
    // Asking never writes anything.
    assert_eq!(commits(&repo)[0], "chg: schedule CHG-2026-0001");
}

#[test]
fn gate_prints_every_reason_one_per_line() {
    let mut repo = Test::new();
    repo.put(&Record::normal(ID).status("submitted").without("testing.qa_review"));
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "submit"]);
    let run = gate_at(&mut repo, "2026-11-18T12:00:00Z", &[]).status(1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    for rule in [
        "status",
        "approval-missing",
        "testing-incomplete",
        "window-closed",
        "outside-deployment-window",
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("CHG-2026-0001: refused[{rule}]: "))),
            "{rule}: {run:?}"
        );
    }
    assert_eq!(lines.len(), 5, "{run:?}");
    let github = gate_at(&mut repo, "2026-11-18T12:00:00Z", &["--format", "github"]).status(1);
    assert_eq!(github.stdout.lines().count(), 5);
    assert!(github
        .stdout
        .starts_with("::error title=chg gate CHG-2026-0001%3A status::"));
}

/// The change manager declares a freeze over the scheduled window, allowing `allow`.
fn freeze_declared(repo: &Repo, allow: &str) {
    repo.edit_policy(|p| p.freeze("Incident review", ("2026-11-17", "2026-11-19"), &[allow]));
    repo.commit_all_at(SAM, "2026-11-17T08:00:00Z", "freeze during the incident review");
}

#[test]
fn gate_in_a_freeze_refuses_a_normal_change() {
    let mut repo = wednesday();
    freeze_declared(&repo, "emergency");
    gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).is(1, "CHG-2026-0001: refused[freeze]: the freeze `Incident review` (2026-11-17 – 2026-11-19) allows only emergency changes, and CHG-2026-0001 is a normal change\n", "");
}

#[test]
fn gate_in_a_freeze_allows_a_class_the_freeze_allows() {
    let mut repo = wednesday();
    freeze_declared(&repo, "emergency, normal");
    gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).ok();
}

#[test]
fn gate_in_a_freeze_passes_an_emergency_on_its_verbal_approvals() {
    let repo = Test::new().at("2026-12-24T15:00:00Z");
    repo.chg_line("new --emergency --no-input --title 'Patch RCE in api-gateway' --criterion critical-vulnerability --cvss 9.8 --impact-of-not-implementing 'Remote code execution' --system api-gateway --rollback-plan 'redeploy the previous image' --rollback-kind simple --verbal-approval ciso:carol@example.com")
    .ok();
    // One verbal approval is not enough: the CISO and the CTO, or the CEO.
    let run = repo.chg(&["gate", ID, "--format", "json"]).status(1);
    assert_eq!(run.reason_rules(), ["approval-missing"]);
    repo.chg(&["approve", ID, "--verbal", "--role", "cto", "--by", "dave@example.com"])
        .ok();
    // Christmas Eve, 15:00: in the freeze and outside every deployment window.
    repo.chg(&["gate", ID, "--start"]).is(
        0,
        "CHG-2026-0001: in progress since 2026-12-24 15:00 UTC\nCHG-2026-0001: may be deployed at 2026-12-24 15:00 UTC\n",
        "",
    );
    assert_eq!(repo.value(FILE, "status"), "in-progress");
}

#[test]
fn gate_refuses_an_approval_made_stale_by_an_edit() {
    let mut repo = wednesday();
    widen_the_canary(&repo);
    repo.commit_all_at(JANE, "2026-11-17T09:00:00Z", "widen the canary");
    gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).is(
        1,
        "CHG-2026-0001: refused[approval-stale]: the change-manager approval by Sam Lee <sam@example.com> is stale: the record was edited after it (its approved scope digest no longer matches)
CHG-2026-0001: refused[approval-missing]: CHG-2026-0001 lacks the approvals of a normal change: 1 more change-manager, or 1 more engineering-lead
",
        "",
    );
    // A new approval round, appended after the old entry, passes.
    repo.now = Some("2026-11-17T12:00:00Z".into());
    repo.edit_yaml(FILE, |y| y.set("status", "submitted"));
    repo.commit_all_at(JANE, "2026-11-17T12:00:00Z", "send back for approval");
    repo.chg_as(SAM, &["approve", ID]).ok();
    repo.chg_line("schedule CHG-2026-0001 --start '2026-11-18 02:00' --end '2026-11-18 04:00'")
        .ok();
    gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).ok();
}

/// A store from before approvals carried a digest: CHG-2026-0001 submitted
/// by Jane, then Sam's approval and the schedule written in by hand and
/// committed by `who`.
fn scheduled_by_hand(who: Who, message: &str) -> Test {
    let repo = Test::new();
    repo.put(&Record::normal(ID).status("submitted"));
    repo.commit_all_at(JANE, "2026-11-16T10:00:00Z", "submit");
    repo.put(&Record::normal(ID).approved_by_sam().status("scheduled"));
    repo.commit_all_at(who, "2026-11-17T10:05:00Z", message);
    repo
}

/// Jane routes ten times the traffic, in the record's description (uncommitted).
fn widen_the_canary(repo: &Repo) {
    let description = "Route 50 % of checkout traffic through the pricing service";
    repo.edit_yaml(FILE, |y| y.set("description", description));
}

#[test]
fn gate_refuses_an_unbound_approval_edited_after_it_by_the_history() {
    // A store from before approvals carried a digest: the history tells.
    let mut repo = scheduled_by_hand(SAM, "approve");
    gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).ok();
    widen_the_canary(&repo);
    repo.commit_all_at(JANE, "2026-11-17T11:00:00Z", "widen the canary");
    let edit = repo.head();
    gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).is(
        1,
        &format!("CHG-2026-0001: refused[edited-after-approval]: commit {} by Jane Doe <jane@example.com> changed description of CHG-2026-0001 after it was approved\n", &edit[..10]),
        "",
    );
}

#[test]
fn gate_refuses_an_approval_committed_by_someone_else() {
    let mut repo = scheduled_by_hand(JANE, "approved by Sam on the phone");
    let run = gate_at(&mut repo, "2026-11-18T03:00:00Z", &["--format", "json"]).status(1);
    assert_eq!(run.reason_rules(), ["approval-void", "approval-missing"]);
    // The same approval committed by Sam himself counts.
    let mut repo = scheduled_by_hand(SAM, "approve");
    gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).ok();
    // An approval written into the file but never committed does not.
    let lee = Approval::new("engineering-lead", LEE);
    repo.edit_yaml(FILE, |y| y.add("approvals", &lee.inline()));
    gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).is(
        1,
        "CHG-2026-0001: refused[approval-void]: the engineering-lead approval by Lee Park <lee@example.com> does not count: it was never committed\n",
        "",
    );
}

#[test]
fn gate_refuses_an_unsigned_approval_where_signing_is_required() {
    let keys = tempfile::tempdir().unwrap();
    let (sam_key, sam_public) = ssh_keygen(keys.path(), "sam");
    let mut repo = Test::new();
    repo.require_signed_approvals(&[("sam@example.com", &sam_public)]);
    repo.commit_all_at(SAM, "2026-11-16T09:00:00Z", "require signed approvals");
    repo.put(&Record::normal(ID).status("submitted"));
    repo.commit_all_at(JANE, "2026-11-16T10:00:00Z", "submit");
    repo.git(&["checkout", "-q", "-b", "unsigned"]);
    repo.put(&Record::normal(ID).approved_by_sam().status("scheduled"));
    repo.commit_all_at(SAM, "2026-11-17T10:05:00Z", "approve, unsigned");
    gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).is(
        1,
        "CHG-2026-0001: refused[approval-void]: the change-manager approval by Sam Lee <sam@example.com> does not count: the approval by Sam Lee <sam@example.com> is in a commit without a valid signature by their key
CHG-2026-0001: refused[approval-missing]: CHG-2026-0001 lacks the approvals of a normal change: 1 more change-manager, or 1 more engineering-lead
",
        "",
    );
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["checkout", "-q", "-b", "signed"]);
    repo.git(&["config", "gpg.format", "ssh"]);
    repo.put(&Record::normal(ID).approved_by_sam().status("scheduled"));
    repo.git_as(SAM, &["add", "-A"]);
    // Dated when the approval was given: the gate also judges its time.
    repo.git_at(
        SAM,
        "2026-11-17T10:05:00Z",
        &[
            "-c",
            &format!("user.signingkey={}", sam_key.display()),
            "commit",
            "-q",
            "-S",
            "-m",
            "approve, signed",
        ],
    );
    gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).ok();
}

#[test]
fn gate_refuses_a_finished_change() {
    let mut repo = wednesday();
    gate_at(&mut repo, "2026-11-18T02:10:00Z", &["--start"]).ok();
    repo.chg(&["complete", ID, "--smoke-tests", "passed"]).ok();
    let run = gate_at(&mut repo, "2026-11-18T03:00:00Z", &["--format", "json"]).status(1);
    assert_eq!(run.reason_rules(), ["status"]);
}

#[test]
fn gate_start_records_the_start_and_commits_it() {
    let mut repo = wednesday();
    // Refused: nothing recorded.
    gate_at(&mut repo, "2026-11-18T01:00:00Z", &["--start"]).status(1);
    assert_eq!(repo.value(FILE, "status"), "scheduled");
    gate_at(&mut repo, "2026-11-18T02:10:00Z", &["--start"]).is(
        0,
        "CHG-2026-0001: in progress since 2026-11-18 02:10 UTC\nCHG-2026-0001: may be deployed at 2026-11-18 02:10 UTC\n",
        "",
    );
    assert_eq!(repo.value(FILE, "status"), "in-progress");
    assert_eq!(
        repo.value(FILE, "implementation.started_at"),
        "\"2026-11-18T02:10:00Z\""
    );
    assert_eq!(commits(&repo)[0], "chg: start CHG-2026-0001 (gate)");
    // A pipeline re-run passes without a second start.
    gate_at(&mut repo, "2026-11-18T02:30:00Z", &["--start"]).is(
        0,
        "CHG-2026-0001: may be deployed at 2026-11-18 02:30 UTC\nCHG-2026-0001: already in progress since 2026-11-18 02:10 UTC; no second start recorded\n",
        "",
    );
    assert_eq!(
        repo.value(FILE, "implementation.started_at"),
        "\"2026-11-18T02:10:00Z\""
    );
}

#[test]
fn gate_start_under_two_concurrent_gates_records_one_start() {
    let mut repo = wednesday();
    repo.now = Some("2026-11-18T02:10:00Z".into());
    let repo = std::sync::Arc::new(repo);
    let runs: Vec<Run> = (0..2)
        .map(|_| {
            let repo = repo.clone();
            std::thread::spawn(move || repo.chg(&["gate", ID, "--start", "--format", "json"]))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|h| h.join().unwrap())
        .collect();
    let mut started = 0;
    for run in runs {
        assert_eq!(run.status, 0, "{run:?}");
        let verdict = run.json();
        if verdict.get("started_at").is_some() {
            started += 1;
        } else {
            assert_eq!(verdict["already_started_at"], "2026-11-18T02:10:00Z");
        }
    }
    assert_eq!(started, 1);
    let starts = commits(&repo).iter().filter(|s| s.starts_with("chg: start")).count();
    assert_eq!(starts, 1);
    assert_eq!(repo.read(FILE).matches("started_at").count(), 1);
}

#[test]
fn gate_wait_gives_up_at_its_timeout() {
    let mut repo = wednesday();
    gate_at(&mut repo, "2026-11-18T01:59:00Z", &["--wait", "--timeout", "1s"]).is(
        1,
        "CHG-2026-0001: refused[window-not-open]: its window 2026-11-18 02:00–04:00 UTC opens in 1 min
CHG-2026-0001: refused[outside-deployment-window]: 2026-11-18 01:59 UTC is outside the policy's deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)
",
        "chg gate: gave up waiting after 1 s\n",
    );
    // Inside the window, waiting passes at once.
    gate_at(&mut repo, "2026-11-18T02:00:00Z", &["--wait", "--timeout", "1s"]).ok();
}

#[test]
fn gate_wait_does_not_wait_for_what_time_cannot_bring() {
    let mut repo = Test::new();
    repo.put(&Record::normal(ID).status("submitted"));
    repo.commit_all_at(JANE, "2026-11-16T10:00:00Z", "submit");
    // Exits at once, without waiting (or saying it gave up).
    gate_at(&mut repo, "2026-11-18T01:00:00Z", &["--wait", "--timeout", "5s"]).is(
        1,
        "CHG-2026-0001: refused[status]: CHG-2026-0001 is `submitted`, not approved and scheduled
CHG-2026-0001: refused[approval-missing]: CHG-2026-0001 lacks the approvals of a normal change: 1 more change-manager, or 1 more engineering-lead
CHG-2026-0001: refused[window-not-open]: its window 2026-11-18 02:00–04:00 UTC opens in 1 h
CHG-2026-0001: refused[outside-deployment-window]: 2026-11-18 01:00 UTC is outside the policy's deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)
",
        "",
    );
}

#[test]
fn deployment_facts_are_recorded_by_gate_start_and_complete_and_shown() {
    let mut repo = wednesday();
    gate_at(
        &mut repo,
        "2026-11-18T02:10:00Z",
        &[
            "--start",
            "--deployment",
            "environment=production",
            "--deployment",
            "pipeline_run=https://ci.example.com/runs/4711",
        ],
    )
    .ok();
    repo.now = Some("2026-11-18T02:40:00Z".into());
    repo.chg_line("complete CHG-2026-0001 --smoke-tests passed --deployment artifact=sha256:9f86d081884c7d65")
        .ok();
    let text = repo.read(FILE);
    assert_contains(&text, &["  deployment:\n    artifact: sha256:9f86d081884c7d65\n    environment: production\n    pipeline_run: https://ci.example.com/runs/4711\n"]);
    let show = repo.chg(&["show", ID]).ok();
    assert!(show.stdout.contains("environment=production"), "{show:?}");
    assert!(show.stdout.contains("artifact=sha256:9f86d081884c7d65"), "{show:?}");
    let weekly = repo
        .chg(&["report", "weekly", "--week", "2026-W47", "--format", "markdown"])
        .ok();
    assert!(
        weekly.stdout.contains("- CHG-2026-0001: artifact=sha256:9f86d081884c7d65, environment=production, pipeline_run=https://ci.example.com/runs/4711"),
        "{weekly:?}"
    );
    let json = repo
        .chg(&["report", "weekly", "--week", "2026-W47", "--format", "json"])
        .ok();
    assert!(json.stdout.contains("\"environment\": \"production\""), "{json:?}");
    repo.chg(&["check"]).ok();
}

#[test]
fn a_deployment_fact_is_never_rewritten() {
    let mut repo = wednesday();
    gate_at(
        &mut repo,
        "2026-11-18T02:10:00Z",
        &["--start", "--deployment", "environment=staging"],
    )
    .ok();
    repo.chg_line("complete CHG-2026-0001 --smoke-tests passed --deployment environment=production")
        .is(
            1,
            "",
            "error: CHG-2026-0001: deployment fact `environment` is already recorded as `staging`
  hint: recorded facts are evidence and stay as they are; record a different fact under a new name
",
        );
    assert_eq!(repo.value(FILE, "status"), "in-progress");
}

#[test]
fn a_malformed_deployment_fact_is_a_usage_error() {
    let mut repo = wednesday();
    for bad in ["environment", "=production", "Environment=x", "environment="] {
        let said = format!("error: `--deployment {bad}` is not NAME=VALUE
  hint: e.g. `--deployment environment=production`, `--deployment artifact=sha256:…`; names are lower-case letters, digits, `_` and `-`
");
        gate_at(&mut repo, "2026-11-18T02:10:00Z", &["--start", "--deployment", bad]).is(2, "", &said);
    }
    assert_eq!(repo.value(FILE, "status"), "scheduled");
}

/// A store whose CHG-2026-0001 is scheduled, pushed to a bare "remote"; and
/// an application repository whose last commit names the change.
fn pipeline() -> (Test, tempfile::TempDir, Repo) {
    let store = wednesday();
    let remote = tempfile::tempdir().unwrap();
    let bare = remote.path().join("changes.git");
    store.git(&["clone", "-q", "--bare", ".", bare.to_str().unwrap()]);
    let app = Repo::new();
    app.write("src/pricing.rs", "fn canary() {}\n");
    app.commit_all_at(
        JANE,
        "2026-11-17T15:00:00Z",
        "Route 5 % to pricing\n\nChange: CHG-2026-0001",
    );
    (store, remote, app)
}

/// Runs a script as CI runners do (`bash -e`), with chg on the PATH and the
/// clock inside the window; returns its output.
fn ci_script(dir: &std::path::Path, script: &str, env: &[(&str, &str)]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new("bash");
    cmd.args(["-e", "-c", script]).current_dir(dir);
    isolate(&mut cmd, home.path());
    let bin = std::path::Path::new(env!("CARGO_BIN_EXE_chg")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    cmd.env("PATH", path).env("CHG_NOW", "2026-11-18T02:10:00Z");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let run = Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    assert_eq!(run.status, 0, "{script}\n{run:?}");
    run
}

fn started_in_remote(remote: &std::path::Path, facts: &[&str]) {
    let bare = remote.join("changes.git");
    let log = std::process::Command::new("git")
        .args(["--git-dir", bare.to_str().unwrap(), "log", "-1", "--format=%s %an"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&log.stdout).trim(),
        "chg: start CHG-2026-0001 (gate) deploy-bot"
    );
    let show = std::process::Command::new("git")
        .args(["--git-dir", bare.to_str().unwrap(), "show", &format!("HEAD:{FILE}")])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&show.stdout);
    assert!(text.contains("status: in-progress"), "{text}");
    // chg quotes a value a YAML 1.1 reader could take for a number (a commit
    // id of hex digits starting with a digit); the fact is the same either way.
    let unquoted = text.replace('"', "");
    for fact in facts {
        assert!(unquoted.contains(fact), "{fact}: {text}");
    }
}

#[test]
fn the_deployment_pipeline_steps_run_as_written() {
    // GitHub Actions: the steps `chg init --ci github --deploy` prints, which the docs show verbatim.
    let (store, remote, app) = pipeline();
    let printed = store
        .chg(&["init", "--ci", "github", "--chg-source", "0.1.0", "--deploy"])
        .ok()
        .stdout;
    let docs = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/deployment.md")).unwrap();
    assert!(
        docs.contains(&printed),
        "docs/deployment.md must show the printed steps as they are"
    );
    let dedented: String = printed
        .lines()
        .map(|l| format!("{}\n", l.get(6..).unwrap_or("")))
        .collect();
    let steps: Vec<serde_yaml::Value> = serde_yaml::from_str(&dedented).unwrap();
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let output = app.join("github-output");
    let find = step("Find the change this commit implements")["run"].as_str().unwrap();
    ci_script(app.path(), find, &[("GITHUB_OUTPUT", output.to_str().unwrap())]);
    let id = std::fs::read_to_string(&output)
        .unwrap()
        .trim()
        .strip_prefix("id=")
        .unwrap()
        .to_string();
    assert_eq!(id, ID);
    // actions/checkout of the store, as the step's `with:` says.
    let checkout = step("Check out the change store");
    assert_eq!(checkout["with"]["fetch-depth"], 0);
    let bare = remote.path().join("changes.git");
    app.git(&["clone", "-q", bare.to_str().unwrap(), "change-store"]);
    let gate = step("Ask the deployment gate and record the start");
    assert_eq!(gate["working-directory"], "change-store");
    let sha = app.git(&["rev-parse", "HEAD"]).trim().to_string();
    let run = ci_script(
        &app.join("change-store"),
        gate["run"].as_str().unwrap(),
        &[
            ("CHANGE_ID", &id),
            ("DEPLOY_ENV", gate["env"]["DEPLOY_ENV"].as_str().unwrap()),
            ("ARTIFACT", &sha),
            ("RUN_URL", "https://github.com/acme/checkout/actions/runs/42"),
        ],
    );
    assert!(
        run.stdout.starts_with("::notice title=chg gate CHG-2026-0001::"),
        "{run:?}"
    );
    started_in_remote(
        remote.path(),
        &[
            "environment: production",
            &format!("artifact: {sha}"),
            "pipeline_run: https://github.com/acme/checkout/actions/runs/42",
        ],
    );
    drop(store);

    // GitLab CI: the script of the job in docs/deployment.md, line by line as written.
    let (_store, remote, app) = pipeline();
    let start = docs.find("```yaml\ndeploy:\n").unwrap() + "```yaml\n".len();
    let end = start + docs[start..].find("```").unwrap();
    let job: serde_yaml::Value = serde_yaml::from_str(&docs[start..end]).unwrap();
    let script: Vec<&str> = job["deploy"]["script"]
        .as_sequence()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .filter(|l| !l.starts_with("cargo install") && *l != "./deploy.sh")
        .collect();
    let bare = remote.path().join("changes.git");
    ci_script(
        app.path(),
        &script.join("\n"),
        &[
            ("CHG_STORE_URL", bare.to_str().unwrap()),
            ("CI_COMMIT_SHA", "0123abcd"),
            (
                "CI_PIPELINE_URL",
                "https://gitlab.example.com/acme/checkout/-/pipelines/7",
            ),
        ],
    );
    started_in_remote(
        remote.path(),
        &[
            "environment: production",
            "artifact: 0123abcd",
            "pipeline_run: https://gitlab.example.com/acme/checkout/-/pipelines/7",
        ],
    );
}

#[test]
fn gate_names_a_missing_window_and_rollback_plan_by_their_ids() {
    let mut repo = wednesday();
    let mut record = Record::normal(ID).status("scheduled");
    record.remove("deployment.window").remove("rollback.plan");
    repo.put(&record);
    let run = gate_at(&mut repo, "2026-11-18T03:00:00Z", &[]).status(1);
    let ids: Vec<&str> = run
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("CHG-2026-0001: refused[")?.split(']').next())
        .collect();
    assert_eq!(
        ids,
        ["approval-missing", "rollback-plan-missing", "window-missing"],
        "{run:?}"
    );
}

#[test]
fn gate_in_a_shallow_clone_refuses_with_history_incomplete() {
    let repo = wednesday();
    let mut clone = repo.shallow_clone(1);
    let run = gate_at(&mut clone, "2026-11-18T03:00:00Z", &["--format", "json"]).status(1);
    assert!(
        run.reason_rules().contains(&"history-incomplete".to_string()),
        "{run:?}"
    );
}

/// The start and the verdict are one answer, in the format asked for: the
/// text says both lines, `-q` neither, JSON only the verdict with its time.
#[test]
fn gate_start_prints_one_answer_in_each_format() {
    for (extra, stdout) in [
        (
            &[][..],
            "CHG-2026-0001: in progress since 2026-11-18 02:10 UTC\nCHG-2026-0001: may be deployed at 2026-11-18 02:10 UTC\n",
        ),
        (&["-q"][..], ""),
    ] {
        let mut repo = wednesday();
        let run = gate_at(&mut repo, "2026-11-18T02:10:00Z", &[&["--start"], extra].concat()).ok();
        assert_eq!(run.stdout, stdout, "{extra:?}");
    }
    let mut repo = wednesday();
    let run = gate_at(&mut repo, "2026-11-18T02:10:00Z", &["--start", "--format", "json"]).ok();
    let verdict = run.json();
    assert_eq!(
        (&verdict["allowed"], &verdict["started_at"]),
        (&serde_json::json!(true), &serde_json::json!("2026-11-18T02:10:00Z")),
        "{run:?}"
    );
}

/// On the real clock (no `CHG_NOW`): a pipeline that runs `chg gate --start
/// --wait` before its window must see the window open and record the start
/// when it does, not judge every poll at the moment the gate began.
#[test]
fn gate_start_wait_judges_each_poll_at_the_live_clock_and_starts_when_the_window_opens() {
    use chrono::{Duration, Timelike, Utc};
    // The change's window stays within one day of the policy's windows.
    let to_midnight = 86_400 - i64::from(Utc::now().num_seconds_from_midnight());
    if to_midnight < 180 {
        std::thread::sleep(std::time::Duration::from_secs(u64::try_from(to_midnight).unwrap() + 1));
    }
    let mut t =
        Test::new().with_policy(|p| p.window(&["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "00:00", "24:00"));
    t.now = None;
    t.chg_line("new --no-input --title 'Enable canary routing' --description 'Route 5 % of checkout traffic' --justification 'Pricing errors' --benefit 'Correct prices' --impact medium --likelihood low --system checkout-api --strategy canary --test unit=passed --test integration=passed --test qa_review=passed --rollback-plan 'Set canary weight to 0' --rollback-kind simple")
        .ok();
    t.chg(&["submit", ID]).ok();
    t.chg_as(SAM, &["approve", ID]).ok();
    let opens = (Utc::now() + Duration::seconds(6)).with_nanosecond(0).unwrap();
    let closes = opens + Duration::minutes(2);
    t.chg(&[
        "schedule",
        ID,
        "--start",
        &opens.to_rfc3339(),
        "--end",
        &closes.to_rfc3339(),
    ])
    .ok();
    let run = t.chg(&["gate", ID, "--start", "--wait", "--timeout", "60s", "--format", "json"]);
    assert_eq!(run.status, 0, "the gate never saw its window open: {run:?}");
    let started = run.json()["started_at"].as_str().unwrap().to_string();
    let started = chrono::DateTime::parse_from_rfc3339(&started).unwrap();
    assert!(
        started >= opens,
        "started at {started}, before the window opened at {opens}"
    );
    assert_eq!(
        t.value(FILE, "status"),
        "in-progress",
        "the start is recorded in the file"
    );
}
