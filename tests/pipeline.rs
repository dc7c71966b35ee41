//! One output pipeline: each command declares the formats it prints, and
//! any other `--format` is a usage error (exit 2) that lists them, before
//! the command does anything.

use crate::support::*;

/// Runs `chg ARGS` in an initialised store and returns its stderr, asserting exit 2 and no output.
fn usage_error(args: &[&str]) -> String {
    let repo = Repo::initialised();
    let run = repo.chg(args).status(2);
    assert_eq!(run.stdout, "", "chg {args:?} printed something before refusing");
    run.stderr
}

#[test]
fn approve_format_json_is_a_usage_error_not_ignored() {
    let stderr = usage_error(&["approve", "CHG-2026-0001", "--format", "json"]);
    assert_eq!(
        stderr,
        "error: `chg approve` does not print `--format json`\n  hint: use one of: text\n"
    );
}

#[test]
fn cancel_format_json_is_a_usage_error_not_ignored() {
    let stderr = usage_error(&["cancel", "CHG-2026-0001", "--reason", "not needed", "--format", "json"]);
    assert_eq!(
        stderr,
        "error: `chg cancel` does not print `--format json`\n  hint: use one of: text\n"
    );
}

#[test]
fn init_format_json_is_a_usage_error_and_creates_nothing() {
    let repo = Repo::new();
    let run = repo.chg(&["init", "--format", "json"]).status(2);
    assert_eq!(
        run.stderr,
        "error: `chg init` does not print `--format json`\n  hint: use one of: text\n"
    );
    assert!(
        !repo.join("changes").exists(),
        "init wrote the store although it refused"
    );
}

#[test]
fn completions_format_json_is_a_usage_error_not_a_script() {
    let stderr = usage_error(&["completions", "bash", "--format", "json"]);
    assert_eq!(
        stderr,
        "error: `chg completions` does not print `--format json`\n  hint: use one of: text\n"
    );
}

#[test]
fn list_format_yaml_is_a_usage_error_listing_its_formats() {
    let stderr = usage_error(&["list", "--format", "yaml"]);
    assert_eq!(
        stderr,
        "error: `chg list` does not print `--format yaml`\n  hint: use one of: table, text, json, csv, markdown\n"
    );
}

#[test]
fn report_subcommand_is_named_in_the_format_error() {
    let stderr = usage_error(&["report", "weekly", "--format", "csv"]);
    assert_eq!(
        stderr,
        "error: `chg report weekly` does not print `--format csv`\n  hint: use one of: table, markdown, json, html\n"
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
