//! One output pipeline: each command declares the formats it prints, and
//! any other `--format` is a usage error (exit 2) that lists them, before
//! the command does anything.

use crate::support::*;

/// The usage error of `chg COMMAND --format FORMAT`, listing the formats it prints.
fn not_printed(command: &str, format: &str, supported: &str) -> String {
    format!("error: `chg {command}` does not print `--format {format}`\n  hint: use one of: {supported}\n")
}

/// Each command line refuses its `--format` in an initialised store: exit 2,
/// nothing printed, the usage error naming the command and the formats it
/// prints. `approve`, `cancel` and `completions` ignored `--format json`, and
/// `list --format yaml` was an error of its own (issue 14).
#[test]
fn a_format_a_command_does_not_print_is_a_usage_error_not_ignored() {
    let t = Test::new();
    let text = ("json", "text");
    for (line, command, (format, supported)) in [
        ("approve CHG-2026-0001 --format json", "approve", text),
        (
            "cancel CHG-2026-0001 --reason 'not needed' --format json",
            "cancel",
            text,
        ),
        ("completions bash --format json", "completions", text),
        (
            "list --format yaml",
            "list",
            ("yaml", "table, text, json, csv, markdown"),
        ),
        // A report's subcommand is named.
        (
            "report weekly --format csv",
            "report weekly",
            ("csv", "table, markdown, json, html"),
        ),
    ] {
        t.chg_line(line).is(2, "", &not_printed(command, format, supported));
    }
}

#[test]
fn init_format_json_is_a_usage_error_and_creates_nothing() {
    let repo = Repo::new();
    repo.chg(&["init", "--format", "json"])
        .is(2, "", &not_printed("init", "json", "text"));
    assert!(
        !repo.join("changes").exists(),
        "init wrote the store although it refused"
    );
}

/// The subcommands in `chg --help`, in the order listed.
fn help_commands() -> Vec<String> {
    let repo = Repo::new();
    let help = repo.chg(&["--help"]).ok().stdout;
    help.lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .filter(|l| l.starts_with("  ") && !l.starts_with("    "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn help_lists_subcommands_in_workflow_order_then_reading_then_setup() {
    let listed = help_commands();
    let at = |name: &str| {
        listed
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("`{name}` is not in `chg --help`: {listed:?}"))
    };
    let workflow = [
        "new", "submit", "approve", "schedule", "start", "complete", "rollback", "review", "close",
    ];
    let reading = [
        "show",
        "list",
        "status",
        "log",
        "check",
        "gate",
        "untracked",
        "calendar",
        "metrics",
        "report",
    ];
    let setup = ["init", "schema", "completions", "man"];
    for pair in workflow.windows(2) {
        assert!(
            at(pair[0]) < at(pair[1]),
            "`{}` is listed after `{}`: {listed:?}",
            pair[0],
            pair[1]
        );
    }
    let last_action = at("close").max(at("cancel")).max(at("reject")).max(at("fail"));
    let reading_at: Vec<usize> = reading.iter().map(|c| at(c)).collect();
    let setup_at: Vec<usize> = setup.iter().map(|c| at(c)).collect();
    assert!(
        reading_at.iter().all(|r| *r > last_action),
        "a reading command is listed among the lifecycle: {listed:?}"
    );
    assert!(
        setup_at.iter().all(|s| reading_at.iter().all(|r| s > r)),
        "a setup command is listed before a reading one: {listed:?}"
    );
}

/// The formats `chg ARGS --help` (and `-h`) offers for `--format`, as listed
/// after "possible values:" in that option's entry.
fn formats_in_help(args: &[&str]) -> Vec<Vec<String>> {
    let repo = Repo::new();
    ["--help", "-h"]
        .iter()
        .map(|flag| {
            let mut with_flag = args.to_vec();
            with_flag.push(flag);
            let help = repo.chg(&with_flag).ok().stdout;
            let entry: String = help
                .lines()
                .skip_while(|l| !l.trim_start().starts_with("--format"))
                // `--color` follows `--format` in every command's options.
                .take_while(|l| !l.trim_start().starts_with("--color"))
                .collect::<Vec<_>>()
                .join(" ");
            let listed = entry
                .split("[possible values:")
                .nth(1)
                .and_then(|rest| rest.split(']').next())
                .unwrap_or_else(|| panic!("`chg {with_flag:?}` lists no formats for --format:\n{help}"));
            listed.split(',').map(|f| f.trim().to_string()).collect()
        })
        .collect()
}

#[test]
fn each_subcommand_help_names_only_the_formats_it_prints() {
    let cases: [(&[&str], &[&str]); 4] = [
        (&["approve"], &["text"]),
        (&["list"], &["table", "text", "json", "csv", "markdown"]),
        (&["report", "weekly"], &["table", "markdown", "json", "html"]),
        (&["schema"], &["json"]),
    ];
    for (args, formats) in cases {
        for listed in formats_in_help(args) {
            assert_eq!(listed, formats, "the formats `chg {args:?} --help` offers");
        }
    }
    // The top level takes `--format` before any command: all nine.
    for listed in formats_in_help(&[]) {
        assert_eq!(listed.len(), 9, "chg --help: {listed:?}");
    }
}

#[test]
fn subcommand_help_lists_the_global_options_after_the_commands_own_under_their_heading() {
    let repo = Repo::new();
    let own = ["--role", "--comment", "--verbal", "--by", "--at"];
    let global = [
        "--store",
        "--format",
        "--color",
        "--no-commit",
        "--no-input",
        "--quiet",
        "--verbose",
    ];
    for flag in ["--help", "-h"] {
        let help = repo.chg(&["approve", flag]).ok().stdout;
        let lines: Vec<&str> = help.lines().collect();
        let heading = lines
            .iter()
            .position(|l| *l == "Global options:")
            .unwrap_or_else(|| panic!("`chg approve {flag}` has no `Global options:` heading:\n{help}"));
        let line_of = |option: &str| {
            lines
                .iter()
                .position(|l| l.trim_start().split([' ', ',']).any(|w| w == option))
                .unwrap_or_else(|| panic!("`chg approve {flag}` does not list {option}:\n{help}"))
        };
        for option in own {
            assert!(
                line_of(option) < heading,
                "{option} is listed among the global options:\n{help}"
            );
        }
        for option in global {
            assert!(
                line_of(option) > heading,
                "{option} is not under `Global options:`:\n{help}"
            );
        }
    }
}
