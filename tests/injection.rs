//! Finding 14 of issue 13, everywhere: record text and record file names
//! cannot start a CI log line (`::error::`, `##[error]`), send a terminal
//! escape, break a line with a Unicode line separator, or reorder what a
//! reader sees with bidi controls — in any reading command, in any format,
//! on stdout or stderr. The records are written with plain file operations
//! and committed with `git`, as an attacker would.

use crate::support::*;

/// Characters no output may carry raw: ESC, carriage return, NEL, the
/// Unicode line and paragraph separators, and the bidi embedding, override
/// and isolate controls (they reorder what a reviewer reads).
const FORBIDDEN: [char; 14] = [
    '\u{1b}', '\r', '\u{85}', '\u{2028}', '\u{2029}', '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}',
    '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}',
];

/// The injected text: each payload tries to begin a line of its own.
const EVIL: &str = r"Fix\n::error::nl\L::error::ls\P::error::ps\N::error::nel\r::error::cr\e[2J\u202Eevil\u202C\u2066iso\u2069 ##[error]hash";

/// Why `out` is unsafe, if it is: a line that a CI runner would read as a
/// command (the GitHub runner trims leading spaces first), or a forbidden
/// character. `github` allows the format's own
/// `::error file=` / `::warning file=` lines and nothing else.
fn unsafe_line(out: &str, github: bool) -> Option<String> {
    // iCalendar ends its lines with CRLF by its standard.
    let unfolded = out.replace("\r\n", "\n");
    let out = if out.starts_with("BEGIN:VCALENDAR") {
        unfolded.as_str()
    } else {
        out
    };
    if let Some(c) = out.chars().find(|c| FORBIDDEN.contains(c)) {
        return Some(format!("raw U+{:04X}", u32::from(c)));
    }
    out.lines()
        .find(|l| {
            let l = l.trim_start();
            if github {
                !(l.starts_with("::error file=") || l.starts_with("::warning file="))
            } else {
                // `##[error]` (GitHub, Azure `##vso[`); a Markdown `## heading` is no command.
                l.starts_with("::") || l.starts_with("##[") || l.starts_with("##vso[")
            }
        })
        .map(|l| format!("line {l:?}"))
}

/// Runs `chg`, noting in `problems` each stream that is not harmless.
fn harmless(repo: &Repo, args: &[&str], problems: &mut Vec<String>) -> Run {
    let run = repo.chg(args);
    let github = args.windows(2).any(|w| w == ["--format", "github"]);
    if let Some(why) = unsafe_line(&run.stdout, github) {
        problems.push(format!("{args:?} stdout: {why}"));
    }
    if let Some(why) = unsafe_line(&run.stderr, false) {
        problems.push(format!("{args:?} stderr: {why}"));
    }
    run
}

/// An in-progress normal change past its window (so reports and status list
/// it), every free-text field carrying the payload.
fn evil_record(id: &str) -> String {
    let evil = format!("\"{EVIL}\"");
    let in_list = format!("[\"{EVIL}\"]");
    Record::normal(id)
        .title(&evil)
        .status("in-progress")
        .raw("requested_by", &format!("\"Jane{EVIL} <jane@example.com>\""))
        .raw("description", &evil)
        .raw("systems", &format!("[\"checkout{EVIL}\"]"))
        .raw("services", &format!("[\"svc{EVIL}\"]"))
        .window("2026-11-24T02:00:00Z", "2026-11-24T04:00:00Z")
        .raw("deployment.steps", &in_list)
        .raw("rollback.plan", &evil)
        .without("rollback.last_tested")
        .approval(
            Approval::new("change-manager", SAM)
                .field("approver", &format!("\"Sam{EVIL} <sam@example.com>\""))
                .field("comment", &evil),
        )
        .implementation(Implementation::started("2026-11-24T02:05:00Z"))
        .text()
}

/// Every reading command in every format it supports.
fn every_reading_command() -> Vec<Vec<&'static str>> {
    let mut all = Vec::new();
    for f in ["table", "text", "csv", "markdown", "json"] {
        all.push(vec!["list", "--format", f]);
    }
    for f in ["text", "json"] {
        all.push(vec!["status", "--format", f]);
    }
    for f in ["table", "markdown", "json", "ics"] {
        all.push(vec![
            "calendar",
            "--from",
            "2026-11-20",
            "--to",
            "2026-12-01",
            "--format",
            f,
        ]);
    }
    for f in ["text", "json", "github"] {
        all.push(vec!["check", "--format", f]);
    }
    for f in ["table", "markdown", "json"] {
        all.push(vec!["metrics", "--format", f]);
    }
    for kind in [
        ["weekly", "--week", "2026-W48"],
        ["monthly", "--month", "2026-11"],
        ["quarterly", "--quarter", "2026-Q4"],
    ] {
        for f in ["table", "markdown", "json", "html"] {
            let mut args = vec!["report"];
            args.extend(kind);
            args.extend(["--format", f]);
            all.push(args);
        }
    }
    all
}

fn evil_store() -> Test {
    let repo = Test::new().at("2026-11-25T12:00:00Z");
    repo.write("changes/2026/CHG-2026-0001.yaml", &evil_record("CHG-2026-0001"));
    // A file name that tries to start lines of its own.
    repo.write(
        "changes/2026/CHG-2026-0002\n::error::name\u{2028}::error::ls\u{1b}[31m\u{202e}.yaml",
        &evil_record("CHG-2026-0002"),
    );
    repo.commit_all_at(JANE, "2026-11-24T02:06:00Z", "innocent");
    // A second version, so `chg log` has a field change to print.
    let again = format!("\"Again{}\"", EVIL.trim_start_matches("Fix"));
    repo.edit_yaml("changes/2026/CHG-2026-0001.yaml", |y| y.set("title", &again));
    repo.commit_all_at(JANE, "2026-11-24T02:07:00Z", "tidy");
    repo
}

#[test]
fn finding_14_every_reading_command_and_format_escapes_record_text_and_file_names() {
    let repo = evil_store();
    let mut commands = every_reading_command();
    for f in ["text", "json", "yaml"] {
        commands.push(vec!["show", "CHG-2026-0001", "--format", f]);
    }
    for f in ["text", "json"] {
        commands.push(vec!["log", "CHG-2026-0001", "--format", f]);
    }
    let mut problems = Vec::new();
    for args in &commands {
        let run = harmless(&repo, args, &mut problems);
        // A refusal to run would make this test pass on nothing.
        if run.status >= 2 || run.stdout.trim().is_empty() {
            problems.push(format!("{args:?} did not run: {run:?}"));
        }
        if args.contains(&"json") && serde_json::from_str::<serde_json::Value>(&run.stdout).is_err() {
            problems.push(format!("{args:?} is not JSON:\n{}", run.stdout));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Still readable: the escapes show what the record says.
    let list = repo.chg(&["list", "--format", "text"]).ok().stdout;
    assert!(list.contains("\\u{2028}::error::ls"), "{list}");
    let json = repo.chg(&["show", "CHG-2026-0001", "--format", "json"]).ok().stdout;
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(
        value["title"].as_str().unwrap().contains("\u{2028}::error::ls"),
        "{json}"
    );
}

#[test]
fn finding_14_a_broken_record_file_name_is_escaped_in_every_error_on_stderr() {
    let repo = evil_store();
    repo.write(
        "changes/2026/CHG-2026-0003\n::error::broken\u{2029}::warning::x\u{85}##[error]y\u{1b}[2J.yaml",
        "schema_version: 1\nid: CHG-2026-0003\ntitle: [unclosed\n",
    );
    repo.commit_all_at(JANE, "2026-11-24T02:08:00Z", "broken");
    let mut problems = Vec::new();
    for args in every_reading_command() {
        let run = harmless(&repo, &args, &mut problems);
        // Reading commands refuse a store they cannot read, and say where.
        let reads_store = !args.contains(&"check") && !args.contains(&"metrics");
        if reads_store && (run.status != 2 || !run.stderr.contains("CHG-2026-0003\\n::error::broken")) {
            problems.push(format!("{args:?}: no located error: {run:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
