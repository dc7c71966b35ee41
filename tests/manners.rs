//! Manners on the command line: `-q`, colour by the common conventions,
//! `chg list` in a pipe, Markdown and CSV that cannot be turned against
//! their readers, and man pages `man` can find.

use crate::support::*;

const ID: &str = "CHG-2026-0001";

/// A store with one record whose check gives a warning and no error: a
/// submitted normal change still missing a required test.
fn with_a_warning() -> Test {
    Test::new().record(Record::normal(ID).status("submitted").without("testing.qa_review"))
}

#[test]
fn quiet_prints_no_warnings() {
    let t = with_a_warning();
    t.run(&["check"]).is(0, "changes/2026/CHG-2026-0001.yaml:13:1: warning[testing-incomplete]: `qa_review` testing is missing; a normal change needs it passed before approval
  hint: run it and set `testing.qa_review: passed` (`chg new --test qa_review=passed` when creating)
", "checked 1 file: 0 errors, 1 warning
");
    t.run(&["-q", "check"]).is(0, "", "");
    // With --strict a warning fails the check, so it is shown as what failed.
    t.run(&["-q", "check", "--strict"]).is(1, "changes/2026/CHG-2026-0001.yaml:13:1: warning[testing-incomplete]: `qa_review` testing is missing; a normal change needs it passed before approval
  hint: run it and set `testing.qa_review: passed` (`chg new --test qa_review=passed` when creating)
", "");
}

#[test]
fn quiet_prints_no_warning_after_an_action() {
    let started = Implementation::started("2026-11-18T02:00:00Z");
    let t = Test::new()
        .at("2026-11-18T03:30:00Z")
        .record(
            Record::normal(ID)
                .approved_by_sam()
                .status("in-progress")
                .implementation(started),
        )
        .commit_as(JANE, "record");
    t.chg_line("-q rollback CHG-2026-0001 --trigger error-rate --reason 5xx --started-at '2026-11-18 02:30' --restored-at '2026-11-18 03:20' --smoke-tests passed --error-rates normal --customer-access verified")
        .is(0, "", "");
    let text = t.read("changes/2026/CHG-2026-0001.yaml");
    let exceeded: Vec<&str> = text.lines().filter(|l| l.contains("rto_exceeded")).collect();
    assert_eq!(exceeded, ["    rto_exceeded: true"], "{text}");
}

/// A store whose check prints an error finding, which is coloured.
fn with_an_error() -> Test {
    Test::new().record(Record::normal(ID).status("approved"))
}

#[test]
fn clicolor_force_colours_a_pipe_and_no_color_still_wins() {
    let t = with_an_error();
    let plain = t.run(&["check"]).is(1, "changes/2026/CHG-2026-0001.yaml:4:1: error[approval-missing]: status `approved` needs the approvals of a normal change (change-manager or engineering-lead); it lacks 1 more change-manager, or 1 more engineering-lead
  hint: approvers run `chg approve CHG-2026-0001`
", "checked 1 file: 1 error, 0 warnings
");
    let env = |env: &[(&str, &str)], args: &[&str]| t.chg_env(JANE, env, args);
    let forced = env(&[("CLICOLOR_FORCE", "1")], &["check"]).is(1, "changes/2026/CHG-2026-0001.yaml:4:1: \u{1b}[1;31merror\u{1b}[0m[approval-missing]: status `approved` needs the approvals of a normal change (change-manager or engineering-lead); it lacks 1 more change-manager, or 1 more engineering-lead
  hint: approvers run `chg approve CHG-2026-0001`
", &plain.stderr);
    env(&[("CLICOLOR_FORCE", "0")], &["check"]).is(1, &plain.stdout, &plain.stderr);
    // NO_COLOR wins over CLICOLOR_FORCE, but not over --color always, which is asked for.
    let both = [("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")];
    env(&both, &["check"]).is(1, &plain.stdout, &plain.stderr);
    env(&[("NO_COLOR", "1")], &["check", "--color", "always"]).is(1, &forced.stdout, &plain.stderr);
}

/// Runs chg on a pseudo-terminal with TERM set, returning what it printed.
fn on_terminal(repo: &Repo, term: &str, args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chg"));
    cmd.current_dir(repo.path()).args(args);
    isolate(&mut cmd, home.path());
    cmd.env("TERM", term);
    on_pty(cmd, "checked 1 file")
}

#[test]
fn term_dumb_gets_no_colour_on_a_terminal() {
    let repo = with_an_error();
    let xterm = on_terminal(&repo, "xterm", &["check"]);
    assert!(xterm.contains("\u{1b}[1;31m"), "a terminal gets colour: {xterm:?}");
    let dumb = on_terminal(&repo, "dumb", &["check"]);
    assert!(dumb.contains("error[approval-missing]"), "{dumb:?}");
    assert!(!dumb.contains("\u{1b}[1;31m"), "TERM=dumb: {dumb:?}");
}

#[test]
fn list_in_a_pipe_prints_one_line_per_record() {
    let repo = Test::new();
    let long = "Move every checkout-api replica to the new node pool with pod disruption budgets, topology spread constraints and a canary";
    for n in 1..=3 {
        repo.put(&Record::normal(&format!("CHG-2026-000{n}")).title(long));
    }
    let out = repo.chg(&["list"]).ok().stdout;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    for (n, line) in lines.iter().enumerate() {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields[0], format!("CHG-2026-000{}", n + 1), "{line}");
        assert_eq!(fields[1], "draft", "{line}");
        assert!(fields.contains(&long), "the title whole: {line}");
    }
    // The title wraps in its column; each record takes these rows.
    let rows = |id: &str| {
        format!(
            "│ {id} ┆ draft  ┆ normal ┆ medium/low ┆ 2026-11-18 02:00 ┆ Move every       ┆ checkout-api,    ┆ Jane Doe     │
│               ┆        ┆        ┆            ┆                  ┆ checkout-api     ┆ pricing-service  ┆              │
│               ┆        ┆        ┆            ┆                  ┆ replica to the   ┆                  ┆              │
│               ┆        ┆        ┆            ┆                  ┆ new node pool    ┆                  ┆              │
│               ┆        ┆        ┆            ┆                  ┆ with pod         ┆                  ┆              │
│               ┆        ┆        ┆            ┆                  ┆ disruption       ┆                  ┆              │
│               ┆        ┆        ┆            ┆                  ┆ budgets,         ┆                  ┆              │
│               ┆        ┆        ┆            ┆                  ┆ topology spread  ┆                  ┆              │
│               ┆        ┆        ┆            ┆                  ┆ constraints and  ┆                  ┆              │
│               ┆        ┆        ┆            ┆                  ┆ a canary         ┆                  ┆              │
"
        )
    };
    let ids = ["CHG-2026-0001", "CHG-2026-0002", "CHG-2026-0003"];
    let table = format!(
        "┌───────────────┬────────┬────────┬────────────┬──────────────────┬──────────────────┬──────────────────┬──────────────┐
│ ID            ┆ Status ┆ Class  ┆ Risk       ┆ Date             ┆ Title            ┆ Systems          ┆ Requested by │
╞═══════════════╪════════╪════════╪════════════╪══════════════════╪══════════════════╪══════════════════╪══════════════╡
{}└───────────────┴────────┴────────┴────────────┴──────────────────┴──────────────────┴──────────────────┴──────────────┘
3 changes
",
        ids.map(rows).concat()
    );
    repo.chg(&["list", "--format", "table"]).is(0, &table, "");
    // No line when nothing matches.
    repo.chg(&["list", "--status", "closed"]).is(
        0,
        "",
        "no changes match
",
    );
}

const HOSTILE: &str = "<img src=x onerror=alert(1)> & co";

#[test]
fn markdown_output_escapes_html() {
    // Scheduled next week, so the weekly report shows its title.
    let record = Record::normal(ID)
        .approved_by_sam()
        .status("scheduled")
        .title(HOSTILE)
        .window("2026-12-01T02:00:00Z", "2026-12-01T04:00:00Z");
    let repo = Test::new().record(record).commit_as(JANE, "record");
    for args in [
        &["list", "--format", "markdown"][..],
        &["report", "weekly", "--format", "markdown"][..],
        &words("calendar --from 2026-11-30 --to 2026-12-03 --format markdown")[..],
    ] {
        let out = repo.chg(args).ok().stdout;
        assert!(
            out.contains("&lt;img src=x onerror=alert(1)&gt; &amp; co"),
            "{args:?}: {out}"
        );
        assert!(!out.contains("<img"), "{args:?}: {out}");
    }
}

#[test]
fn csv_cells_that_start_a_formula_are_guarded() {
    let repo = Test::new();
    for (n, title) in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tTab", "Plain"]
        .iter()
        .enumerate()
    {
        let record = Record::normal(&format!("CHG-2026-000{}", n + 1));
        repo.put(&record.title(&serde_json::to_string(title).unwrap()));
    }
    // Each such cell starts with `'`, so a spreadsheet shows it as text.
    repo.chg(&["list", "--format", "csv"]).is(
        0,
        "ID,Status,Class,Risk,Date,Title,Systems,Requested by
CHG-2026-0001,draft,normal,medium/low,2026-11-18 02:00,\"'=HYPERLINK(\"\"http://x\"\")\",\"checkout-api, pricing-service\",Jane Doe
CHG-2026-0002,draft,normal,medium/low,2026-11-18 02:00,'+1,\"checkout-api, pricing-service\",Jane Doe
CHG-2026-0003,draft,normal,medium/low,2026-11-18 02:00,'-2+3,\"checkout-api, pricing-service\",Jane Doe
CHG-2026-0004,draft,normal,medium/low,2026-11-18 02:00,'@SUM(A1),\"checkout-api, pricing-service\",Jane Doe
CHG-2026-0005,draft,normal,medium/low,2026-11-18 02:00,'\\tTab,\"checkout-api, pricing-service\",Jane Doe
CHG-2026-0006,draft,normal,medium/low,2026-11-18 02:00,Plain,\"checkout-api, pricing-service\",Jane Doe
",
        "",
    );
}

#[test]
fn man_dir_writes_one_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repo::new();
    // DIR is what goes on MANPATH, so the pages go in its section folder,
    // DIR/man1, where `man` looks them up.
    let root = dir.path().join("man");
    repo.chg(&["man", "--dir", root.to_str().unwrap()]).ok();
    let out = root.join("man1");
    for (file, name) in [
        ("chg.1", "chg"),
        ("chg-new.1", "chg-new"),
        ("chg-report.1", "chg-report"),
        ("chg-check.1", "chg-check"),
    ] {
        let page = std::fs::read_to_string(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(
            page.starts_with(".ie") || page.contains(&format!(".TH {name} ")),
            "{file}: {}",
            &page[..200.min(page.len())]
        );
        assert!(page.contains(&format!(".TH {name} ")), "{file} names itself");
    }
    let new = std::fs::read_to_string(out.join("chg-new.1")).unwrap();
    assert!(new.contains("title"), "chg-new.1 documents --title");
    // The top page still prints to stdout without --dir.
    assert!(repo.chg(&["man"]).ok().stdout.contains(".TH chg "));
}
