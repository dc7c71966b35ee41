//! A small builder for tests: a temporary git repository with a fixed
//! identity, and a way to run the real `chg` binary in it.
//!
//! Where to start: `Test` (a store, its people and a clock; `test.rs`),
//! `Record` to write a record by its fields (`record.rs`), `Yaml` and
//! `Repo::edit_yaml` to edit a file chg wrote by key, `Policy` and
//! `Repo::edit_policy` for the policy (`policy.rs`); a `Run` is asserted
//! whole with `is`, `stdout_is`, `stderr_is`, or one whole line with
//! `stdout_has_line`, and read with `findings`, `json` and `reasons`; any
//! text by whole lines with `assert_lines`, one table or section of it with
//! `block` (`lines.rs`).

#![allow(dead_code, unused_imports)]

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

mod lines;
mod policy;
mod record;
mod rehearsal;
mod says;
mod test;
mod verdict;

pub use lines::{assert_lines, block, line_of};
pub use policy::{Policy, POLICY};
pub use record::{Approval, Fields, Implementation, Node, Record, Yaml};
pub use says::{assert_contains, assert_says};
pub use test::{Finding, Test, NOW};
pub use verdict::Verdict;

/// A person acting in a test, with a fixed git identity.
#[derive(Clone, Copy)]
pub struct Who {
    pub name: &'static str,
    pub email: &'static str,
}

impl Who {
    /// `Name <email>`, as records and `chg init` write a person.
    pub fn id(&self) -> String {
        format!("{} <{}>", self.name, self.email)
    }
}

pub const JANE: Who = Who {
    name: "Jane Doe",
    email: "jane@example.com",
};
pub const RAJ: Who = Who {
    name: "Raj Iyer",
    email: "raj@example.com",
};
pub const SAM: Who = Who {
    name: "Sam Lee",
    email: "sam@example.com",
};
pub const LEE: Who = Who {
    name: "Lee Park",
    email: "lee@example.com",
};
pub const ANA: Who = Who {
    name: "Ana Silva",
    email: "ana@example.com",
};
pub const BEN: Who = Who {
    name: "Ben Okafor",
    email: "ben@example.com",
};
pub const CHO: Who = Who {
    name: "Cho Min",
    email: "cho@example.com",
};
pub const CAROL: Who = Who {
    name: "Carol Diaz",
    email: "carol@example.com",
};
pub const DAVE: Who = Who {
    name: "Dave Kim",
    email: "dave@example.com",
};
pub const ERIN: Who = Who {
    name: "Erin Wu",
    email: "erin@example.com",
};
pub const MALLORY: Who = Who {
    name: "Mallory Bad",
    email: "mallory@example.com",
};

/// `chg init` for the tests' team (see `Repo::initialised`).
pub const TEAM_INIT: [&str; 21] = [
    "init",
    "--change-manager",
    "Sam Lee <sam@example.com>",
    "--role",
    "engineering-lead=lee@example.com",
    "--role",
    "cab=ana@example.com",
    "--role",
    "cab=ben@example.com",
    "--role",
    "cab=cho@example.com",
    "--role",
    "cab=dev@example.com",
    "--role",
    "cab=eli@example.com",
    "--role",
    "ciso=carol@example.com",
    "--role",
    "cto=dave@example.com",
    "--role",
    "ceo=erin@example.com",
];

/// A temporary git work tree.
pub struct Repo {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
    /// `CHG_NOW` for every run, so deadlines are judged at a fixed time.
    pub now: Option<String>,
}

/// The result of one run of `chg`.
#[derive(Debug)]
pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts the exit status, showing both streams when it differs.
    #[track_caller]
    pub fn status(self, expected: i32) -> Run {
        assert_eq!(
            self.status, expected,
            "exit status {} (expected {expected})\n--- stdout\n{}\n--- stderr\n{}",
            self.status, self.stdout, self.stderr
        );
        self
    }

    /// Asserts success.
    #[track_caller]
    pub fn ok(self) -> Run {
        self.status(0)
    }
}

impl Repo {
    /// Makes an empty repository with `git init`, identity Jane.
    pub fn new() -> Repo {
        let dir = tempfile::tempdir().expect("temp dir");
        let home = tempfile::tempdir().expect("temp home");
        let repo = Repo { dir, home, now: None };
        repo.git(&["init", "-q", "-b", "main"]);
        repo.git(&["config", "user.name", JANE.name]);
        repo.git(&["config", "user.email", JANE.email]);
        repo.git(&["config", "commit.gpgsign", "false"]);
        repo
    }

    /// Makes a repository with `chg init` run in it (committed) for the
    /// tests' team: Sam the change manager, Lee the engineering lead, Ana to
    /// Eli on the CAB, Carol the CISO, Dave the CTO and Erin the CEO.
    pub fn initialised() -> Repo {
        let repo = Repo::new();
        // Set up before any time a test uses, so no later commit goes back
        // in time against it (the gate flags a branch that does).
        repo.chg_env(JANE, &[("CHG_NOW", "2025-11-01T09:00:00Z")], &TEAM_INIT)
            .ok();
        repo
    }

    /// An initialised store where CHG-2026-0001 (`Record::normal`) was filed
    /// by hand as submitted, committed by someone at a time.
    pub fn submitted(who: Who, when: &str, message: &str) -> Repo {
        let repo = Repo::initialised();
        repo.put(&Record::normal("CHG-2026-0001").status("submitted"));
        repo.commit_all_at(who, when, message);
        repo
    }

    /// Returns the work tree's path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Returns a path inside the work tree.
    pub fn join(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Writes a file (creating folders).
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }

    /// Rewrites the store's policy (not committed) to require signed
    /// approvals, listing these `(email, public key)` pairs as the keys.
    pub fn require_signed_approvals(&self, keys: &[(&str, &str)]) {
        let policy = self.read("changes/policy.yaml");
        assert!(
            policy.contains("signing_keys: {}") && policy.contains("require_signed_approvals: false"),
            "{policy}"
        );
        let listed: String = keys.iter().map(|(email, key)| format!("\n  {email}: {key}")).collect();
        let policy = policy
            .replacen("signing_keys: {}", &format!("signing_keys:{listed}"), 1)
            .replacen("require_signed_approvals: false", "require_signed_approvals: true", 1);
        self.write("changes/policy.yaml", &policy);
    }

    /// Reads a file.
    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"))
    }

    fn command(&self, program: &str, who: Who) -> std::process::Command {
        let mut cmd = std::process::Command::new(program);
        cmd.current_dir(self.path());
        isolate(&mut cmd, self.home.path());
        cmd.env("GIT_AUTHOR_NAME", who.name)
            .env("GIT_AUTHOR_EMAIL", who.email)
            .env("GIT_COMMITTER_NAME", who.name)
            .env("GIT_COMMITTER_EMAIL", who.email);
        if let Some(now) = &self.now {
            cmd.env("CHG_NOW", now);
        }
        cmd
    }

    /// Runs `chg` as Jane.
    pub fn chg(&self, args: &[&str]) -> Run {
        self.chg_as(JANE, args)
    }

    /// Runs `chg` as someone.
    pub fn chg_as(&self, who: Who, args: &[&str]) -> Run {
        let cmd = self.command(env!("CARGO_BIN_EXE_chg"), who);
        let output = Command::from_std(cmd).args(args).output().expect("run chg");
        Run::from(output)
    }

    /// Runs `chg` as Jane with a command line written as in a shell (see `words`).
    pub fn chg_line(&self, line: &str) -> Run {
        self.chg_line_as(JANE, line)
    }

    /// Runs `chg` as someone with a command line written as in a shell (see `words`).
    pub fn chg_line_as(&self, who: Who, line: &str) -> Run {
        self.chg_as(who, &words(line))
    }

    /// `chg check --format json`, as Jane.
    pub fn check(&self) -> Run {
        self.chg(&["check", "--format", "json"])
    }

    /// `chg check --base BASE --format json`, as Jane: the pull-request gate.
    pub fn check_against(&self, base: &str) -> Run {
        self.chg(&["check", "--base", base, "--format", "json"])
    }

    /// Writes a record at its place in the store.
    pub fn put(&self, record: &Record) {
        self.write(&record.path(), &record.text());
    }

    /// The commit id of HEAD.
    pub fn head(&self) -> String {
        self.git(&["rev-parse", "HEAD"]).trim().to_string()
    }

    /// Runs `chg` as someone with extra environment variables.
    pub fn chg_env(&self, who: Who, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut cmd = self.command(env!("CARGO_BIN_EXE_chg"), who);
        for (k, v) in env {
            cmd.env(k, v);
        }
        Run::from(Command::from_std(cmd).args(args).output().expect("run chg"))
    }

    /// Runs `git` as Jane and returns its stdout; panics when git fails.
    pub fn git(&self, args: &[&str]) -> String {
        self.git_as(JANE, args)
    }

    /// Runs `git` as someone and returns its stdout; panics when git fails.
    pub fn git_as(&self, who: Who, args: &[&str]) -> String {
        let output = self.command("git", who).args(args).output().expect("run git");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Commits everything as someone at a fixed time (`@seconds +0000` or RFC 3339).
    pub fn commit_all_at(&self, who: Who, when: &str, message: &str) {
        let mut add = self.command("git", who);
        add.args(["add", "-A"]);
        assert!(add.status().expect("git add").success());
        let mut commit = self.command("git", who);
        commit
            .env("GIT_AUTHOR_DATE", when)
            .env("GIT_COMMITTER_DATE", when)
            .args(["commit", "-q", "-m", message]);
        assert!(commit.status().expect("git commit").success());
    }
}

impl Repo {
    /// Edits a file as a person would in an editor: each `(from, to)` replaces
    /// every `from`, which must be there (so a fixture that drifts fails here,
    /// not in a later assertion).
    #[track_caller]
    pub fn edit(&self, rel: &str, edits: &[(&str, &str)]) {
        let mut text = self.read(rel);
        for (from, to) in edits {
            assert!(text.contains(from), "{rel} has no `{from}`:\n{text}");
            text = text.replace(from, to);
        }
        self.write(rel, &text);
    }

    /// Merges `old` into HEAD as an attacker launders a record: a merge commit
    /// made with `git commit-tree` whose tree is HEAD's with `paths` as they
    /// were at `old` (a merge git itself would call "up to date"); HEAD moves
    /// to it. Returns the merge's commit id.
    pub fn launder(&self, who: Who, when: &str, old: &str, paths: &[&str], message: &str) -> String {
        self.launder_with_parents(who, when, old, paths, ["HEAD", old], message)
    }

    /// `launder` with the merge's two parents named, in order (the old commit
    /// may come first).
    pub fn launder_with_parents(
        &self,
        who: Who,
        when: &str,
        old: &str,
        paths: &[&str],
        [first, second]: [&str; 2],
        message: &str,
    ) -> String {
        for path in paths {
            self.git_as(who, &["checkout", old, "--", path]);
        }
        let tree = self.git_as(who, &["write-tree"]).trim().to_string();
        let args = ["commit-tree", &tree, "-p", first, "-p", second, "-m", message];
        let merge = self.git_at(who, when, &args).trim().to_string();
        self.git_as(who, &["reset", "-q", "--hard", &merge]);
        merge
    }

    /// A clone of this repository (`git clone` with these options), as an
    /// auditor or a CI job fetches it, with its own isolated home and this
    /// repository's clock.
    pub fn git_clone(&self, options: &[&str]) -> Repo {
        let clone = Repo {
            dir: tempfile::tempdir().expect("temp dir"),
            home: tempfile::tempdir().expect("temp home"),
            now: self.now.clone(),
        };
        let url = format!("file://{}", self.path().display());
        let into = clone.path().to_str().expect("a UTF-8 temp path");
        let mut args = vec!["clone", "-q"];
        args.extend_from_slice(options);
        args.extend([url.as_str(), into]);
        clone.git(&args);
        clone
    }

    /// A shallow clone of this repository (`git clone --depth`).
    pub fn shallow_clone(&self, depth: u32) -> Repo {
        self.git_clone(&["--depth", &depth.to_string()])
    }

    /// Starts `chg` as someone on a pseudo-terminal, as a user at a keyboard
    /// (`TERM=xterm`, no colour, the repository's clock).
    pub fn terminal(&self, who: Who, args: &[&str]) -> expectrl::Session {
        let mut cmd = self.command(env!("CARGO_BIN_EXE_chg"), who);
        cmd.args(args).env("TERM", "xterm").env("NO_COLOR", "1");
        let mut session = expectrl::Session::spawn(cmd).expect("spawn chg on a pty");
        session.set_expect_timeout(Some(std::time::Duration::from_secs(30)));
        session
    }

    /// Records a spell of monitoring as Jane, then closes the change (closing
    /// owes the monitoring the policy asks after a deployment or a rollback).
    pub fn monitor_and_close(&self, id: &str, observed: &str) {
        self.chg(&["monitor", id, "--observed", observed]).ok();
        self.chg(&["close", id]).ok();
    }

    /// A section of a command's Markdown output (a report, `show`), from its
    /// `## heading` to the next; the command must succeed.
    #[track_caller]
    pub fn markdown_section(&self, line: &str, heading: &str) -> String {
        let md = self.chg_line(&format!("{line} --format markdown")).ok().stdout;
        section(&md, heading).to_string()
    }

    /// The paperwork of an emergency change after the fact: Jane submits it,
    /// the CISO (Carol) and the CTO (Dave) approve it in writing, Jane records
    /// the post-emergency review and the CAB's review on `cab_date`, recorded
    /// that day (the clock moves on to its noon when it is a later day: a
    /// presentation is recorded once it took place).
    pub fn emergency_paperwork(&mut self, id: &str, cab_date: &str) {
        self.chg(&["submit", id]).ok();
        self.chg_as(CAROL, &["approve", id]).ok();
        self.chg_as(DAVE, &["approve", id]).ok();
        self.chg(&["review", id, "--root-cause", "x", "--preventive-measures", "y"])
            .ok();
        if self.now.as_deref().is_some_and(|now| now.get(..10) < Some(cab_date)) {
            self.now = Some(format!("{cab_date}T12:00:00Z"));
        }
        self.chg(&["review", id, "--cab", "--date", cab_date]).ok();
    }
}

/// The first line of `text` that holds `part`; fails showing the text when none does.
#[track_caller]
pub fn line_with<'a>(text: &'a str, part: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(part))
        .unwrap_or_else(|| panic!("no line with {part:?} in:\n{text}"))
}

/// The text of `key` in each item of a JSON list (`changes[].id`), in order.
#[track_caller]
pub fn texts<'a>(list: &'a serde_json::Value, key: &str) -> Vec<&'a str> {
    let items = list.as_array().unwrap_or_else(|| panic!("not a list: {list}"));
    items
        .iter()
        .map(|item| {
            item[key]
                .as_str()
                .unwrap_or_else(|| panic!("no text `{key}` in {item}"))
        })
        .collect()
}

/// Asserts that `chg COMMAND --help` shows an example, for each command.
#[track_caller]
pub fn assert_help_has_an_example(commands: &[&str]) {
    let repo = Repo::new();
    for command in commands {
        let help = repo.chg(&[command, "--help"]).ok().stdout;
        assert!(
            help.contains("Example"),
            "`chg {command} --help` has an example: {help}"
        );
    }
}

/// Splits a command line into its words as a shell would for plain text:
/// at spaces, except inside a word quoted whole in 'single' or "double"
/// quotes (no escapes, no expansion), so a test writes
/// `schedule CHG-2026-0001 --start '2026-11-26 02:00'`.
pub fn words(line: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut rest = line.trim_start();
    while let Some(first) = rest.chars().next() {
        let (word, after) = if first == '\'' || first == '"' {
            let end = rest[1..]
                .find(first)
                .unwrap_or_else(|| panic!("unclosed quote in {line:?}"));
            (&rest[1..=end], &rest[end + 2..])
        } else {
            rest.split_at(rest.find(char::is_whitespace).unwrap_or(rest.len()))
        };
        words.push(word);
        rest = after.trim_start();
    }
    words
}

/// The body of a Markdown section, from its `## heading` line to the next
/// `## ` heading ("" when there is no such section).
pub fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let Some(start) = md.find(&format!("## {heading}")) else {
        return "";
    };
    let body = &md[start + 3 + heading.len()..];
    body.find("\n## ").map_or(body, |end| &body[..end])
}

/// Runs a command on a pseudo-terminal until it prints `until`; returns
/// what it printed before that.
pub fn on_pty(cmd: std::process::Command, until: &str) -> String {
    let mut session = expectrl::Session::spawn(cmd).expect("spawn on a pty");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
    let printed = session
        .expect(until)
        .map(|c| String::from_utf8_lossy(c.before()).into_owned())
        .unwrap_or_else(|e| panic!("`{until}` not printed: {e}"));
    assert!(session.get_process().wait().is_ok());
    printed
}

/// Makes an ed25519 key pair without a passphrase in `dir`; returns the
/// private key's path and the public key as `allowed_signers` writes it.
pub fn ssh_keygen(dir: &Path, name: &str) -> (PathBuf, String) {
    let key = dir.join(name);
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen is needed for the signing tests (apt-get install openssh-client)");
    assert!(status.success());
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    let mut parts = public.split_whitespace();
    (key, format!("{} {}", parts.next().unwrap(), parts.next().unwrap()))
}

/// Clears everything of the developer's own git setup from a command's environment.
pub fn isolate(cmd: &mut std::process::Command, home: &Path) {
    for (key, _) in std::env::vars() {
        if key.starts_with("GIT_") || key == "CHG_STORE" || key == "CHG_NOW" || key == "NO_COLOR" {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("TZ", "UTC");
}

/// The text of `Record::normal(id)` with this status (for tests that still
/// build records as text; a new test uses `Record`).
pub fn normal_record(id: &str, status: &str) -> String {
    Record::normal(id).status(status).text()
}

/// The approval block of a change manager's written approval.
pub const SAM_APPROVAL: &str = r#"approvals:
  - role: change-manager
    approver: Sam Lee <sam@example.com>
    decision: approved
    method: written
    at: 2026-11-17T10:03:00Z
"#;

impl Repo {
    /// Runs `git` as someone with author and committer dates fixed (for merges at a chosen time).
    pub fn git_at(&self, who: Who, when: &str, args: &[&str]) -> String {
        let output = self
            .command("git", who)
            .env("GIT_AUTHOR_DATE", when)
            .env("GIT_COMMITTER_DATE", when)
            .args(args)
            .output()
            .expect("run git");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8_lossy(&output.stdout).into_owned()
    }
}

/// The folder where .ci/run installs the test tools: npm packages in
/// `node_modules/`, pip packages in `python/`.
pub fn tools_dir() -> PathBuf {
    std::env::var_os("CHG_TEST_TOOLS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("target/test-tools"),
        PathBuf::from,
    )
}

/// A missing test tool fails the test in CI; elsewhere it says so past the
/// harness's capture (a direct write to stderr), so the skip is seen.
pub fn missing_tool(what: &str) {
    if in_ci() {
        panic!("{what} is missing; CI must have it (.ci/run installs it)");
    }
    use std::io::Write as _;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED (not in CI): {what} is missing; run .ci/run to install it"
    );
}

/// `python3` with the pip packages of the test tools on its path, if yamllint is there.
pub fn python_with_tools() -> Option<std::process::Command> {
    let lib = tools_dir().join("python");
    if !lib.join("yamllint").is_dir() {
        missing_tool(&format!("yamllint (pip package in {})", lib.display()));
        return None;
    }
    let mut cmd = std::process::Command::new("python3");
    cmd.env("PYTHONPATH", &lib);
    Some(cmd)
}

/// Whether this is a CI run (`CI` set to anything but empty, `0` or `false`,
/// as CI services and `.ci/run`'s caller set it).
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// Decides what a test does when a tool it needs is missing: in CI it fails
/// (CI installs every tool, so a missing one is a broken CI, not a pass);
/// elsewhere it says SKIPPED on the process's stdout, which the test harness
/// does not capture, so the skip shows in the summary of `cargo test`.
#[track_caller]
pub fn tool_present(test: &str, found: bool, tool: &str, install: &str) -> bool {
    if found {
        return true;
    }
    assert!(
        !in_ci(),
        "{test} needs {tool}, which is missing on this CI machine ({install}; .ci/run installs it)"
    );
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "\nSKIPPED {test}: {tool} is not installed ({install}); with CI=true this fails"
    );
    false
}

#[test]
fn words_split_a_command_line_as_a_shell_would() {
    assert_eq!(
        words(r#"new --title 'Patch RCE' --reason "it's down" -x ''"#),
        ["new", "--title", "Patch RCE", "--reason", "it's down", "-x", ""]
    );
}

#[test]
fn the_record_builder_writes_the_fixture_text() {
    // The approvals go in their place, before the justification the fixture keeps last.
    let text = normal_record("CHG-2026-0001", "approved");
    let (before, justification) = text.split_at(text.find("justification:").unwrap());
    assert_eq!(
        Record::normal("CHG-2026-0001").approved_by_sam().text(),
        format!("{before}{SAM_APPROVAL}{justification}")
    );
}

/// The Chromium binary on PATH, or `None` after `tool_present` has failed
/// the test in CI (or said SKIPPED elsewhere) for `test`.
pub fn chromium(test: &str) -> Option<&'static str> {
    let found = ["chromium", "chromium-browser", "google-chrome"].into_iter().find(|b| {
        std::process::Command::new(b)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success())
    });
    tool_present(test, found.is_some(), "chromium", "apt-get install chromium");
    found
}

/// Copies a folder tree (the sample store into a test's repository).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
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
