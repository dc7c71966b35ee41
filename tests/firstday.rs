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

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn the_sample_store_passes_check_on_any_date() {
    let mut repo = Repo::new();
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("changes"),
        &repo.join("changes"),
    );
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
        let made = assert_cmd::Command::new(env!("CARGO_BIN_EXE_chg"))
            .args(["demo", "--records", "700", "--seed", seed, "--out"])
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
