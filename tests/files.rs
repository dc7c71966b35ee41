//! Files chg writes: modes that honour the umask, `report --output` that
//! never replaces what is not a regular file, and `chg check PATH` that
//! says when PATH is not a file of the store.

use std::os::unix::fs::{FileTypeExt, PermissionsExt};

use crate::support::*;

/// Runs chg as `who` under a umask, through `sh` (a test cannot set a
/// child's umask otherwise without changing its own, which other tests share).
fn chg_umask(repo: &Repo, who: Who, umask: &str, args: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new("sh");
    isolate(&mut cmd, home.path());
    cmd.current_dir(repo.path())
        .env("GIT_AUTHOR_NAME", who.name)
        .env("GIT_AUTHOR_EMAIL", who.email)
        .env("GIT_COMMITTER_NAME", who.name)
        .env("GIT_COMMITTER_EMAIL", who.email)
        .arg("-c")
        .arg(format!("umask {umask} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_chg"))
        .args(args);
    let out = cmd.output().unwrap();
    let run = Run {
        status: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    };
    run
}

fn mode(repo: &Repo, rel: &str) -> u32 {
    std::fs::metadata(repo.join(rel))
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .permissions()
        .mode()
        & 0o777
}

const POLICY_WITH_SAM: &str = "roles:\n  change-manager: [sam@example.com]\n  engineering-lead: [lee@example.com]\n";

#[test]
fn files_chg_writes_honour_the_umask() {
    let repo = Repo::new();
    let source = "https://git.acme.test/tools/chg.git@0123456789abcdef0123456789abcdef01234567";
    chg_umask(&repo, JANE, "022", &["init", "--ci", "github", "--chg-source", source]).ok();
    assert_eq!(mode(&repo, "changes/policy.yaml"), 0o644, "policy");
    assert_eq!(mode(&repo, "changes/templates/log-rotation.yaml"), 0o644, "template");
    assert_eq!(mode(&repo, ".github/workflows/chg.yml"), 0o644, "workflow");

    repo.write("changes/policy.yaml", POLICY_WITH_SAM);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "policy"]);
    let args = words("new --title 'Rotate keys' --description 'Rotate the API keys' --justification 'Key age policy' --benefit 'No key older than 90 days' --impact medium --likelihood low --system api --strategy canary --rollback-plan 'Redeploy v1' --rollback-kind simple --test unit=passed --test integration=passed --test qa_review=passed");
    chg_umask(&repo, JANE, "022", &args).ok();
    let year = chrono::Utc::now().format("%Y").to_string();
    let record = format!("changes/{year}/CHG-{year}-0001.yaml");
    assert_eq!(mode(&repo, &record), 0o644, "a new record");
    let id = format!("CHG-{year}-0001");
    chg_umask(&repo, JANE, "022", &["submit", &id]).ok();
    chg_umask(&repo, SAM, "022", &["approve", &id]).ok();
    assert_eq!(mode(&repo, &record), 0o644, "a record rewritten by chg approve");

    chg_umask(
        &repo,
        JANE,
        "022",
        &["report", "weekly", "--format", "html", "--output", "cab.html"],
    )
    .ok();
    assert_eq!(mode(&repo, "cab.html"), 0o644, "a report");

    // The mode comes from the umask, not from a fixed 0644.
    chg_umask(&repo, JANE, "027", &["report", "weekly", "--output", "private.txt"]).ok();
    assert_eq!(mode(&repo, "private.txt"), 0o640, "a report under umask 027");
}

#[test]
fn a_record_keeps_its_mode_when_chg_rewrites_it() {
    let repo = Repo::new();
    repo.write("changes/policy.yaml", POLICY_WITH_SAM);
    repo.put(&Record::normal("CHG-2026-0001").status("submitted"));
    let path = repo.join("changes/2026/CHG-2026-0001.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o664)).unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "record"]);
    chg_umask(&repo, SAM, "077", &["approve", "CHG-2026-0001"]).ok();
    assert_eq!(mode(&repo, "changes/2026/CHG-2026-0001.yaml"), 0o664);
}

/// What `chg report --output PATH` says of a PATH that is not a regular file (`what`).
fn not_a_regular_file(path: &str, what: &str) -> String {
    format!("error: {path} is {what}, not a regular file; chg writes a report only to a regular file and never replaces anything else
  hint: write to standard output with `--output -` (or no --output) and redirect it where you want it
")
}

/// What `chg check PATH` says of a PATH that is no file of the store.
fn not_in_the_store(path: &str) -> String {
    format!("error: {path} is not a record of this store: chg reads only changes/policy.yaml, changes/templates/*.yaml, changes/rehearsals/*.yaml and the records in changes/<year>/, so it would check nothing
  hint: move a record to changes/<year>/CHG-<year>-<NNNN>.yaml, or run `chg check` for the whole store
")
}

#[test]
fn report_output_dash_means_standard_output() {
    let repo = Test::new();
    let run = repo.chg(&["report", "weekly", "--output", "-"]).ok();
    assert!(run.stdout.contains("Weekly CAB report"), "{}", run.stdout);
    assert!(!repo.join("-").exists(), "a file named `-` was written");
}

#[test]
fn report_output_writes_through_a_symlink_to_its_target() {
    let repo = Test::new();
    repo.write("site/cab.html", "old\n");
    std::os::unix::fs::symlink("site/cab.html", repo.join("cab.html")).unwrap();
    repo.chg(&["report", "weekly", "--format", "html", "--output", "cab.html"])
        .ok();
    let link = std::fs::symlink_metadata(repo.join("cab.html")).unwrap();
    assert!(link.file_type().is_symlink(), "the symlink was replaced by a file");
    assert!(
        repo.read("site/cab.html").contains("<html"),
        "the target was not written"
    );
}

#[test]
fn report_output_refuses_a_dangling_symlink() {
    let repo = Test::new();
    std::os::unix::fs::symlink("nowhere/cab.html", repo.join("cab.html")).unwrap();
    repo.chg(&["report", "weekly", "--output", "cab.html"]).is(
        2,
        "",
        "error: cab.html is a symbolic link to `nowhere/cab.html`, which does not exist\n  hint: create the file it points to, or give another --output path\n",
    );
    assert!(std::fs::symlink_metadata(repo.join("cab.html"))
        .unwrap()
        .file_type()
        .is_symlink());
}

#[test]
fn report_output_never_replaces_a_fifo() {
    let repo = Test::new();
    let fifo = repo.join("pipe");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo failed");
    // The hint names standard output.
    let said = not_a_regular_file("pipe", "a FIFO (named pipe)");
    repo.chg(&["report", "weekly", "--output", "pipe"]).is(2, "", &said);
    assert!(
        std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(),
        "the FIFO was replaced"
    );
}

#[test]
fn report_output_never_replaces_a_device_node() {
    let repo = Test::new();
    // Only through a link: a chg that replaced what --output names would,
    // run as root on `--output /dev/null`, replace the machine's /dev/null.
    let link = repo.join("null");
    std::os::unix::fs::symlink("/dev/null", &link).unwrap();
    let said = not_a_regular_file("null", "a device");
    repo.chg(&["report", "weekly", "--output", "null"]).is(2, "", &said);
    assert!(
        std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(),
        "the link was replaced"
    );
    let dev = std::fs::metadata("/dev/null").unwrap();
    assert!(dev.file_type().is_char_device(), "/dev/null was replaced");
}

#[test]
fn check_path_of_a_broken_stray_file_in_the_store_exits_2() {
    let repo = Test::new();
    repo.write("changes/stray.yaml", "title: [unclosed\n");
    let said = not_in_the_store("changes/stray.yaml");
    repo.chg(&["check", "changes/stray.yaml"]).is(2, "", &said);
}

#[test]
fn check_path_outside_the_store_exits_2() {
    let repo = Test::new();
    repo.write("README.md", "# ops\n");
    repo.write("deploy/values.yaml", "replicas: 3\n");
    for path in ["README.md", "deploy/values.yaml"] {
        repo.chg(&["check", path]).is(2, "", &not_in_the_store(path));
    }
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "id: CHG-2026-0001\n").unwrap();
    repo.chg(&["check", outside.path().to_str().unwrap()]).status(2);
}

#[test]
fn check_path_of_store_files_still_checks_them() {
    let repo = Test::new().record(Record::normal("CHG-2026-0001"));
    repo.chg(&["check", "changes/2026/CHG-2026-0001.yaml"]).ok();
    repo.chg(&["check", "changes/policy.yaml", "changes/templates/log-rotation.yaml"])
        .ok();
    repo.chg(&["check", "changes"]).ok();
}

#[test]
fn whole_store_check_reports_stray_yaml_files() {
    let repo = Test::new();
    repo.write("changes/stray.yaml", "title: [unclosed\n");
    repo.write("changes/notes/CHG-2026-0009.yml", "id: CHG-2026-0009\n");
    repo.write("changes/README.md", "not yaml, not reported\n");
    // README.md is not YAML: not reported.
    let stray = |path: &str| {
        format!("{path}:1:1: error[stray-file]: this file is not the policy, a template, a rehearsal log or a record, so chg does not read it; nothing in it is checked
  hint: a record belongs in changes/<year>/CHG-<year>-<NNNN>.yaml and a template in changes/templates/; move the file there, or out of changes/
")
    };
    let both = stray("changes/notes/CHG-2026-0009.yml") + &stray("changes/stray.yaml");
    repo.chg(&["check"])
        .is(1, &both, "checked 2 files: 2 errors, 0 warnings\n");
}
