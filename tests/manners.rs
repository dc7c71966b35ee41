//! Manners on the command line: `-q`, colour by the common conventions,
//! `chg list` in a pipe, Markdown and CSV that cannot be turned against
//! their readers, and man pages `man` can find.

use crate::support::*;

/// A store with one record whose check gives a warning and no error: a
/// submitted normal change still missing a required test.
fn with_a_warning() -> Repo {
    let repo = Repo::initialised();
    let record = normal_record("CHG-2026-0001", "submitted").replace("  qa_review: passed\n", "");
    repo.write("changes/2026/CHG-2026-0001.yaml", &record);
    repo
}

#[test]
fn quiet_prints_no_warnings() {
    let repo = with_a_warning();
    let loud = repo.chg(&["check"]).ok();
    assert!(loud.stdout.contains("warning[testing-incomplete]"), "{}", loud.stdout);
    let quiet = repo.chg(&["-q", "check"]).ok();
    assert!(!quiet.stdout.contains("warning"), "{}", quiet.stdout);
    assert!(!quiet.stderr.contains("warning"), "{}", quiet.stderr);
    // With --strict a warning fails the check, so it is shown as what failed.
    let strict = repo.chg(&["-q", "check", "--strict"]).status(1);
    assert!(strict.stdout.contains("testing-incomplete"), "{}", strict.stdout);
}

#[test]
fn quiet_prints_no_warning_after_an_action() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-18T03:30:00Z".into());
    let record = format!(
        "{}{}implementation:\n  started_at: 2026-11-18T02:00:00Z\n",
        normal_record("CHG-2026-0001", "in-progress"),
        SAM_APPROVAL
    );
    repo.write("changes/2026/CHG-2026-0001.yaml", &record);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "record"]);
    let args = words("-q rollback CHG-2026-0001 --trigger error-rate --reason 5xx --started-at '2026-11-18 02:30' --restored-at '2026-11-18 03:20' --smoke-tests passed --error-rates normal --customer-access verified");
    let run = repo.chg(&args).ok();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(repo
        .read("changes/2026/CHG-2026-0001.yaml")
        .contains("rto_exceeded: true"));
}

/// A store whose check prints an error finding, which is coloured.
fn with_an_error() -> Repo {
    let repo = Repo::initialised();
    let record = normal_record("CHG-2026-0001", "approved");
    repo.write("changes/2026/CHG-2026-0001.yaml", &record);
    repo
}

#[test]
fn clicolor_force_colours_a_pipe_and_no_color_still_wins() {
    let repo = with_an_error();
    let plain = repo.chg(&["check"]).status(1);
    assert!(!plain.stdout.contains('\u{1b}'), "{}", plain.stdout);
    let forced = repo.chg_env(JANE, &[("CLICOLOR_FORCE", "1")], &["check"]).status(1);
    assert!(forced.stdout.contains("\u{1b}["), "CLICOLOR_FORCE=1: {}", forced.stdout);
    let zero = repo.chg_env(JANE, &[("CLICOLOR_FORCE", "0")], &["check"]).status(1);
    assert!(!zero.stdout.contains('\u{1b}'), "CLICOLOR_FORCE=0: {}", zero.stdout);
    let both = repo
        .chg_env(JANE, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &["check"])
        .status(1);
    assert!(!both.stdout.contains('\u{1b}'), "NO_COLOR wins: {}", both.stdout);
    let asked = repo
        .chg_env(JANE, &[("NO_COLOR", "1")], &["check", "--color", "always"])
        .status(1);
    assert!(
        asked.stdout.contains('\u{1b}'),
        "--color always is asked for: {}",
        asked.stdout
    );
}

/// Runs chg on a pseudo-terminal with TERM set, returning what it printed.
fn on_terminal(repo: &Repo, term: &str, args: &[&str]) -> String {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chg"));
    cmd.current_dir(repo.path()).args(args);
    isolate(&mut cmd, home.path());
    cmd.env("TERM", term);
    let mut session = expectrl::Session::spawn(cmd).expect("spawn chg on a pty");
    session.set_expect_timeout(Some(std::time::Duration::from_secs(60)));
    let printed = session
        .expect("checked 1 file")
        .map(|c| String::from_utf8_lossy(c.before()).into_owned())
        .unwrap_or_else(|e| panic!("chg printed no summary: {e}"));
    assert!(session.get_process().wait().is_ok());
    printed
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
    let repo = Repo::initialised();
    let long = "Move every checkout-api replica to the new node pool with pod disruption budgets, topology spread constraints and a canary";
    for n in 1..=3 {
        let id = format!("CHG-2026-000{n}");
        repo.write(
            &format!("changes/2026/{id}.yaml"),
            &normal_record(&id, "draft").replace("Enable canary routing for checkout-api", long),
        );
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
    let table = repo.chg(&["list", "--format", "table"]).ok().stdout;
    assert!(table.contains('┆') || table.contains('│'), "{table}");
    assert!(table.contains("3 changes"), "{table}");
    let none = repo.chg(&["list", "--status", "closed"]).ok();
    assert_eq!(none.stdout, "", "no line when nothing matches");
}

const HOSTILE: &str = "<img src=x onerror=alert(1)> & co";

#[test]
fn markdown_output_escapes_html() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-25T12:00:00Z".into());
    // Scheduled next week, so the weekly report shows its title.
    let record = format!("{}{SAM_APPROVAL}", normal_record("CHG-2026-0001", "scheduled"))
        .replace("Enable canary routing for checkout-api", HOSTILE)
        .replace("2026-11-18T02:00:00Z", "2026-12-01T02:00:00Z")
        .replace("2026-11-18T04:00:00Z", "2026-12-01T04:00:00Z");
    repo.write("changes/2026/CHG-2026-0001.yaml", &record);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "record"]);
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
    let repo = Repo::initialised();
    for (n, title) in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tTab", "Plain"]
        .iter()
        .enumerate()
    {
        let id = format!("CHG-2026-000{}", n + 1);
        let text = normal_record(&id, "draft").replace(
            "title: Enable canary routing for checkout-api",
            &format!("title: {}", serde_json::to_string(title).unwrap()),
        );
        repo.write(&format!("changes/2026/{id}.yaml"), &text);
    }
    let csv = repo.chg(&["list", "--format", "csv"]).ok().stdout;
    for line in csv.lines().skip(1) {
        let title = line.split(',').nth(5).unwrap_or("");
        let bare = title.trim_start_matches('"');
        assert!(
            !bare.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a formula cell: {line}"
        );
    }
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    assert!(csv.contains(",Plain,"), "{csv}");
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
