//! Real repository states, the editor, and the tool's manners.

use crate::support::*;

const REC: &str = "changes/2026/CHG-2026-0001.yaml";

fn with_record() -> Test {
    let repo = Test::new().record(Record::normal("CHG-2026-0001"));
    repo.commit_all_at(JANE, "@1763280000 +0000", "draft");
    repo
}

#[test]
fn edit_saves_a_valid_edit_and_commits_it() {
    let repo = with_record();
    let run = repo
        .chg_env(
            JANE,
            &[("EDITOR", "sed -i s/Enable/Turn-on/"), ("VISUAL", "")],
            &["edit", "CHG-2026-0001"],
        )
        .ok();
    assert_eq!(run.stdout, "Saved CHG-2026-0001 (changes/2026/CHG-2026-0001.yaml)\n");
    assert!(repo.read(REC).contains("title: Turn-on canary routing"));
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s"]).trim(),
        "chg: edit CHG-2026-0001"
    );
}

#[test]
fn edit_keeps_the_record_when_the_edit_is_invalid() {
    let repo = with_record();
    let before = repo.read(REC);
    repo.chg_env(
        JANE,
        &[("EDITOR", "sed -i s/priority:/priorty:/")],
        &["edit", "CHG-2026-0001", "--no-input"],
    )
    .is(
        1,
        "",
        "changes/2026/CHG-2026-0001.yaml:7:1: unknown key `priorty` in the record
  hint: did you mean `priority`? Keys starting with `x-` are kept as extensions
error: the edit of CHG-2026-0001 has errors; the record is unchanged
  hint: run `chg edit CHG-2026-0001` again and fix what is listed above
",
    );
    assert_eq!(repo.read(REC), before);
    repo.chg_env(
        JANE,
        &[("EDITOR", "sed -i s/CHG-2026-0001/CHG-2026-0009/")],
        &["edit", "CHG-2026-0001"],
    )
    .is(
        1,
        "",
        "changes/2026/CHG-2026-0001.yaml: the id changed from `CHG-2026-0001` to `CHG-2026-0009`
  hint: ids are fixed; use `chg renumber CHG-2026-0001` to move a record
error: the edit of CHG-2026-0001 has errors; the record is unchanged
  hint: run `chg edit CHG-2026-0001` again and fix what is listed above
",
    );
    assert_eq!(repo.read(REC), before);
}

#[test]
fn edit_runs_the_editor_without_a_shell() {
    let repo = with_record();
    repo.chg_env(JANE, &[("EDITOR", "true; touch pwned")], &["edit", "CHG-2026-0001"])
        .is(
            2,
            "",
            "error: cannot start the editor `true;`: No such file or directory (os error 2)\n  hint: set VISUAL or EDITOR to an installed editor\n",
        );
    assert!(!repo.join("pwned").exists());
    repo.chg_env(JANE, &[("EDITOR", "true")], &["edit", "CHG-2026-0001"])
        .ok();
}

#[test]
fn completions_and_man_page() {
    let repo = Repo::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = repo.chg(&["completions", shell]).ok().stdout;
        assert!(out.contains("chg") && out.contains("renumber"), "{shell}");
    }
    let man = repo.chg(&["man"]).ok().stdout;
    assert!(
        man.starts_with(".ie") || man.contains(".TH chg"),
        "{}",
        &man[..200.min(man.len())]
    );
}

#[test]
fn a_bare_repository_is_refused_clearly() {
    let repo = Repo::new();
    repo.git(&["init", "-q", "--bare", "bare.git"]);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chg"));
    let home = tempfile::tempdir().unwrap();
    isolate(&mut cmd, home.path());
    let out = cmd.current_dir(repo.join("bare.git")).arg("list").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bare repository"));
}

#[test]
fn detached_head_and_linked_worktrees_work() {
    let repo = with_record();
    repo.git(&["checkout", "-q", "--detach"]);
    repo.chg_line("new --no-input --title 'on a detached head' --impact low --likelihood medium")
        .ok();
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s"]).trim(),
        "chg: new CHG-2026-0002 (on a detached head)"
    );
    repo.git(&["checkout", "-q", "main"]);
    let linked = repo
        .path()
        .join("..")
        .join(format!("{}-linked", repo.path().file_name().unwrap().to_string_lossy()));
    repo.git(&["worktree", "add", "-q", "-b", "side", linked.to_str().unwrap()]);
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chg"));
    let home = tempfile::tempdir().unwrap();
    isolate(&mut cmd, home.path());
    cmd.env("GIT_AUTHOR_NAME", "Jane Doe")
        .env("GIT_AUTHOR_EMAIL", "jane@example.com");
    let out = cmd
        .current_dir(&linked)
        .args([
            "new",
            "--no-input",
            "--title",
            "in a worktree",
            "--impact",
            "low",
            "--likelihood",
            "medium",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(linked.join("changes/2026/CHG-2026-0002.yaml").exists());
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s", "side"]).trim(),
        "chg: new CHG-2026-0002 (in a worktree)"
    );
    std::fs::remove_dir_all(&linked).ok();
}

/// The record's priority set to low on branch `other` and to medium on
/// main, which is checked out: the two conflict.
fn conflicting_priorities() -> Test {
    let repo = with_record();
    let set = |priority: &str| {
        repo.put(&Record::normal("CHG-2026-0001").raw("priority", priority));
        repo.commit_all_at(JANE, "@1763290000 +0000", priority);
    };
    repo.git(&["checkout", "-q", "-b", "other"]);
    set("low");
    repo.git(&["checkout", "-q", "main"]);
    set("medium");
    repo
}

/// From `branch` of `conflicting_priorities`, a `git` merge or rebase that
/// stops on the conflict; then `chg new`, refused as a usage error.
fn new_in_the_middle_of(branch: &str, git: &[&str]) -> (Test, Run) {
    let repo = conflicting_priorities();
    repo.git(&["checkout", "-q", branch]);
    let stopped = std::process::Command::new("git")
        .current_dir(repo.path())
        .args(git)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(!stopped.status.success(), "git {git:?} stops on the conflict");
    let run = repo
        .chg_line("new --no-input --title x --impact low --likelihood medium")
        .status(2);
    (repo, run)
}

#[test]
fn a_merge_in_progress_blocks_commits_with_a_hint() {
    let (repo, run) = new_in_the_middle_of("main", &["merge", "-q", "other"]);
    run.stdout_is("").stderr_is(
        "error: the repository is in the middle of a merge; chg will not commit now
  hint: finish it (`git merge --continue`) or abort it, then run chg again; or pass `--no-commit`
",
    );
    crate::check::conflict_markers_at_7_9_11(repo.chg(&["check"]));
}

#[test]
fn crlf_records_are_read_and_non_utf8_is_located() {
    let repo = Test::new();
    let draft = Record::normal("CHG-2026-0001").text();
    // Line ends as a Windows editor writes them: the encoding is the point.
    repo.write(REC, &draft.replace('\n', "\r\n"));
    repo.chg(&["check"]).ok();
    repo.chg(&["show", "CHG-2026-0001"]).ok();
    let mut bytes = draft.into_bytes();
    let at = bytes.windows(5).position(|w| w == b"Route").unwrap();
    bytes[at] = 0xE9;
    std::fs::write(repo.join(REC), bytes).unwrap();
    let run = repo.chg(&["check"]).status(2);
    assert_contains(
        &run.stdout,
        &["CHG-2026-0001.yaml:11:3: error[yaml-syntax]: the file is not valid UTF-8"],
    );
}

#[test]
fn a_symlink_out_of_the_repository_is_refused() {
    let repo = Test::new();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.yaml"),
        Record::normal("CHG-2026-0001").text(),
    )
    .unwrap();
    std::fs::create_dir_all(repo.join("changes/2026")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("secret.yaml"), repo.join(REC)).unwrap();
    let target = outside.path().join("secret.yaml");
    repo.chg(&["check"]).is(
        2,
        &format!("changes/2026/CHG-2026-0001.yaml:1:1: error[symlink]: changes/2026/CHG-2026-0001.yaml is a symlink to {}, outside the repository
  hint: replace the link with the file itself; chg never follows links in the store
", target.display()),
        "checked 1 file: 1 error, 0 warnings\n",
    );
    repo.chg(&["show", "CHG-2026-0001"]).status(2);
}

#[test]
fn a_store_with_no_commits_yet_works() {
    let repo = Repo::new();
    repo.chg(&["init", "--no-commit"]).ok();
    repo.chg_line("new --no-input --title first --impact low --likelihood medium")
        .ok();
    assert_eq!(
        repo.git(&["log", "--format=%s"]).trim(),
        "chg: new CHG-2026-0001 (first)"
    );
    repo.chg(&["check"]).ok();
}

#[test]
fn color_follows_the_choice_and_no_color() {
    let repo = with_record();
    // The table, which has colour to give (a pipe gets plain lines by default).
    let plain = repo.chg(&["list", "--format", "table"]).ok().stdout;
    assert!(!plain.contains('\u{1b}'), "no colour into a pipe");
    let forced = repo
        .chg(&["list", "--format", "table", "--color", "always"])
        .ok()
        .stdout;
    assert!(forced.contains('\u{1b}'), "--color always colours");
    let never = repo.chg(&["list", "--format", "table", "--color", "never"]).ok().stdout;
    assert!(!never.contains('\u{1b}'));
}

/// Runs `chg` on a pseudo-terminal (stdout and stderr both on it) and returns
/// what it printed up to and including `last`, the end of its output.
fn on_terminal(dir: &std::path::Path, home: &std::path::Path, args: &[&str], delay_ms: &str, last: &str) -> String {
    on_terminal_of(env!("CARGO_BIN_EXE_chg"), dir, home, args, delay_ms, last)
}

/// Runs `program` (chg or chg-demo) on a pseudo-terminal until it prints `last`.
fn on_terminal_of(
    program: &str,
    dir: &std::path::Path,
    home: &std::path::Path,
    args: &[&str],
    delay_ms: &str,
    last: &str,
) -> String {
    let mut cmd = std::process::Command::new(program);
    cmd.current_dir(dir).args(args);
    isolate(&mut cmd, home);
    cmd.env("TERM", "xterm").env("CHG_PROGRESS_DELAY_MS", delay_ms);
    on_pty(cmd, last)
}

#[test]
fn long_history_walks_show_progress_on_a_terminal_only() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let out_arg = out.to_string_lossy().into_owned();
    // With no delay, every walk counts as long.
    let printed = on_terminal_of(
        env!("CARGO_BIN_EXE_chg-demo"),
        dir.path(),
        home.path(),
        &["--records", "40", "--seed", "3", "--out", &out_arg],
        "0",
        "Created",
    );
    assert!(printed.contains("writing the history:"), "{printed}");
    assert!(printed.contains("commits"), "{printed}");
    let metrics = ["metrics", "--no-cache", "--month", "2026-10"];
    let printed = on_terminal(&out, home.path(), &metrics, "0", "Mean time to restore");
    assert!(printed.contains("reading the history:"), "{printed}");
    // --quiet, or a walk quicker than the default delay, prints no progress.
    let quiet: Vec<&str> = ["--quiet"].iter().chain(metrics.iter()).copied().collect();
    let end = "Mean time to restore";
    assert!(!on_terminal(&out, home.path(), &quiet, "0", end).contains("reading the history"));
    assert!(!on_terminal(&out, home.path(), &metrics, "60000", end).contains("reading the history"));
    // Not a terminal (a pipe, as in CI): never.
    let piped = std::process::Command::new(env!("CARGO_BIN_EXE_chg"))
        .current_dir(&out)
        .args(metrics)
        .env("CHG_PROGRESS_DELAY_MS", "0")
        .env("HOME", home.path())
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert_eq!(piped.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&piped.stderr).is_empty(),
        "{}",
        String::from_utf8_lossy(&piped.stderr)
    );
}

/// The one toolchain here cannot build with Rust 1.89 itself, so this checks
/// what can be checked: no locked dependency that this platform builds
/// declares that it needs a newer Rust than the `rust-version` chg states.
#[test]
fn no_dependency_needs_a_newer_rust_than_the_stated_msrv() {
    // Only the crates this platform builds: a fresh cargo home (CI, a new
    // machine) has downloaded no others, and `--offline` must not need them.
    let rustc = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("-vV")
        .output()
        .unwrap();
    let rustc = String::from_utf8_lossy(&rustc.stdout).into_owned();
    let host = rustc
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host");
    let out = std::process::Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--locked", "--offline"])
        .args(["--filter-platform", host])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let version = |v: &str| -> (u32, u32) {
        let mut parts = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
    };
    let packages = meta["packages"].as_array().unwrap();
    let ours = packages.iter().find(|p| p["name"] == "chg").unwrap();
    let msrv = version(
        ours["rust_version"]
            .as_str()
            .expect("rust-version is stated in Cargo.toml"),
    );
    let newer: Vec<String> = packages
        .iter()
        .filter_map(|p| {
            let needs = p["rust_version"].as_str()?;
            (version(needs) > msrv).then(|| format!("{} {} needs {needs}", p["name"], p["version"]))
        })
        .collect();
    assert!(newer.is_empty(), "dependencies newer than the MSRV {msrv:?}: {newer:?}");
}

/// A report written with `--output` from a narrow terminal is laid out for
/// the file (120 columns), not for the width of the terminal it was run in.
#[test]
fn a_table_report_written_to_a_file_ignores_the_terminal_width() {
    let repo = Test::new().record(Record::normal("CHG-2026-0001").status("submitted"));
    repo.commit_all_at(JANE, "@1763280000 +0000", "submit");
    let home = tempfile::tempdir().unwrap();
    let out = repo.path().join("cab.txt");
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chg"));
    cmd.current_dir(repo.path())
        .args(["report", "weekly", "--date", "2025-11-19", "--output"])
        .arg(&out);
    isolate(&mut cmd, home.path());
    cmd.env("TERM", "xterm");
    let mut session = expectrl::Session::spawn(cmd).expect("spawn chg on a pty");
    // 60 columns; the default size (80) shows the same if chg measured first.
    let _ = session.get_process_mut().set_window_size(60, 24);
    session.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
    session.expect("Wrote").expect("chg writes the file");
    let text = std::fs::read_to_string(&out).unwrap();
    let widest = text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    assert!(text.contains("approval pending"), "{text}");
    assert!(widest > 80 && widest <= 120, "widest line {widest}:\n{text}");
}

#[test]
fn a_rebase_in_progress_blocks_commits_with_a_hint() {
    let (repo, run) = new_in_the_middle_of("other", &["rebase", "-q", "main"]);
    // A plain `git rebase` is an interactive one to libgit2: named as git names it.
    run.stdout_is("")
        .stderr_has_line("error: the repository is in the middle of a rebase; chg will not commit now")
        .stderr_has_line(
            "  hint: finish it (`git rebase --continue`) or abort it, then run chg again; or pass `--no-commit`",
        );
    assert!(
        !repo.join("changes/2026/CHG-2026-0002.yaml").exists(),
        "nothing written"
    );
}

#[test]
fn quiet_silences_confirmations_and_verbose_says_what_was_read() {
    let repo = with_record();
    let new = words("new --no-input --title x --impact low --likelihood medium");
    repo.chg(&new)
        .is(0, "Created CHG-2026-0002 (changes/2026/CHG-2026-0002.yaml)\n", "");
    let quiet: Vec<&str> = ["--quiet"].iter().chain(new.iter()).copied().collect();
    let run = repo.chg(&quiet).ok();
    assert_eq!((run.stdout.as_str(), run.stderr.as_str()), ("", ""));
    assert!(repo.join("changes/2026/CHG-2026-0003.yaml").exists());
    let run = repo.chg(&["--verbose", "check"]).ok();
    assert!(run.stderr.contains("chg: store "), "{}", run.stderr);
    assert!(!repo.chg(&["check"]).ok().stderr.contains("chg: store"));
    repo.chg(&["--quiet", "--verbose", "check"]).status(2);
}
