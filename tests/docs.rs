//! The documentation works as written: README.md is a front page, every
//! relative link in it and in `docs/` resolves, every `chg` command in their
//! shell blocks is accepted by the CLI, the report samples are the golden
//! files, and no page sends a reader to a file they do not have.

use std::path::{Path, PathBuf};

use clap::Parser;

use crate::support::*;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// README.md and every Markdown file under `docs/`, sorted.
fn pages() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut out = vec![root().join("README.md")];
    walk(&root().join("docs"), &mut out);
    out.sort();
    out
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn shown(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

/// The lines of a page outside fenced code blocks, with their line numbers.
fn prose(text: &str) -> Vec<(usize, &str)> {
    let mut fence = false;
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if !fence {
            out.push((n + 1, line));
        }
    }
    out
}

/// Removes `inline code` so that a `[x](y)` written as an example is not read as a link.
fn without_inline_code(line: &str) -> String {
    let mut out = String::new();
    let mut code = false;
    for c in line.chars() {
        if c == '`' {
            code = !code;
        } else if !code {
            out.push(c);
        }
    }
    out
}

/// The targets of the Markdown links `[text](target)` on a line.
fn link_targets(line: &str) -> Vec<String> {
    let line = without_inline_code(line);
    let mut out = Vec::new();
    let mut rest = line.as_str();
    while let Some(at) = rest.find("](") {
        let after = &rest[at + 2..];
        let Some(end) = after.find(')') else { break };
        out.push(after[..end].trim().to_string());
        rest = &after[end..];
    }
    out
}

#[test]
fn readme_is_a_front_page_of_at_most_250_lines() {
    let readme = read(&root().join("README.md"));
    let lines = readme.lines().count();
    assert!(lines <= 250, "README.md has {lines} lines; move the detail to docs/");
    for must in [
        "cargo test --locked",
        "cargo run --locked --",
        "## Install",
        "## A five-minute tour",
        "## Commands",
        "docs/first-day.md",
        "docs/README.md",
    ] {
        assert!(readme.contains(must), "README.md lacks `{must}`");
    }
}

/// The README's test command is exactly what CI runs.
#[test]
fn the_readme_test_command_is_what_ci_runs() {
    let ci = read(&root().join(".ci/run"));
    assert!(ci.lines().any(|l| l.trim() == "cargo test --locked"), "{ci}");
}

#[test]
fn every_relative_link_in_readme_and_docs_resolves() {
    let mut broken = Vec::new();
    let mut checked = 0;
    for page in pages() {
        let text = read(&page);
        let dir = page.parent().expect("a page is in a folder");
        for (n, line) in prose(&text) {
            for target in link_targets(line) {
                let target = target.split_whitespace().next().unwrap_or("").to_string();
                if target.is_empty()
                    || target.starts_with('#')
                    || target.contains("://")
                    || target.starts_with("mailto:")
                {
                    continue;
                }
                let file = target.split('#').next().unwrap_or("");
                checked += 1;
                if !dir.join(file).exists() {
                    broken.push(format!("{}:{n}: `{target}` does not exist", shown(&page)));
                }
            }
        }
    }
    assert!(checked > 10, "the link check found only {checked} links");
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

/// Splits a command line into words the way a POSIX shell would for the
/// simple commands the docs hold; stops at a comment, pipe, redirection or list.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                word.push(e);
                            }
                        }
                        _ => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(e) = chars.next() {
                    word.push(e);
                }
            }
            '#' if !in_word => break,
            '|' | '>' | '<' | ';' | '&' if !in_word => break,
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            _ => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The arguments a docs line gives chg, if it runs chg: `chg …`,
/// `target/release/chg …`, `cargo run [--locked] -- …`, after `VAR=value`s.
fn chg_args(words: &[String]) -> Option<Vec<String>> {
    let start = words
        .iter()
        .position(|w| !(w.contains('=') && w.chars().next().is_some_and(|c| c.is_ascii_uppercase())))?;
    let words = &words[start..];
    let first = words.first()?;
    if first == "chg" || first.ends_with("/chg") {
        return Some(words[1..].to_vec());
    }
    if first == "cargo" && words.get(1).is_some_and(|w| w == "run") {
        let dash = words.iter().position(|w| w == "--")?;
        return Some(words[dash + 1..].to_vec());
    }
    None
}

/// Every command line in the ```sh and ```console blocks of a page that runs
/// chg, with its line number, continuation lines joined.
fn shell_commands(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut block: Option<String> = None;
    let mut pending: Option<(usize, String)> = None;
    for (n, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if let Some(lang) = trimmed.strip_prefix("```") {
            block = match block {
                Some(_) => None,
                None => Some(lang.trim().to_string()),
            };
            continue;
        }
        let Some(lang) = block.as_deref() else { continue };
        if lang != "sh" && lang != "console" {
            continue;
        }
        if let Some((at, mut joined)) = pending.take() {
            let more = trimmed.strip_suffix('\\');
            joined.push(' ');
            joined.push_str(more.unwrap_or(trimmed));
            if more.is_some() {
                pending = Some((at, joined));
            } else {
                out.push((at, joined));
            }
            continue;
        }
        let command = if lang == "console" {
            match trimmed.strip_prefix("$ ") {
                Some(c) => c,
                None => continue,
            }
        } else {
            trimmed
        };
        match command.strip_suffix('\\') {
            Some(head) => pending = Some((n + 1, head.to_string())),
            None => out.push((n + 1, command.to_string())),
        }
    }
    out
}

/// Parses a chg command line with the real CLI definition; help and version
/// requests count as accepted.
fn accepted(args: &[String]) -> Result<(), String> {
    let argv = std::iter::once("chg".to_string()).chain(args.iter().cloned());
    match chg::cli::Cli::try_parse_from(argv) {
        Ok(_) => Ok(()),
        Err(e)
            if matches!(
                e.kind(),
                clap::error::ErrorKind::DisplayHelp
                    | clap::error::ErrorKind::DisplayVersion
                    | clap::error::ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
            ) =>
        {
            Ok(())
        }
        Err(e) => Err(e.render().to_string()),
    }
}

#[test]
fn every_chg_command_in_the_docs_shell_blocks_is_accepted() {
    let mut rejected = Vec::new();
    let mut verified = Vec::new();
    for page in pages() {
        for (n, line) in shell_commands(&read(&page)) {
            let Some(args) = chg_args(&shell_words(&line)) else {
                continue;
            };
            match accepted(&args) {
                Ok(()) => verified.push(format!("{}:{n}: chg {}", shown(&page), args.join(" "))),
                Err(e) => rejected.push(format!("{}:{n}: `{line}`\n{e}", shown(&page))),
            }
        }
    }
    // `cargo test -- --nocapture docs` lists them, for a review by hand.
    println!("{} docs commands accepted:\n{}", verified.len(), verified.join("\n"));
    assert!(
        verified.len() > 40,
        "only {} commands found in the docs",
        verified.len()
    );
    assert!(
        rejected.is_empty(),
        "commands the CLI rejects:\n{}",
        rejected.join("\n")
    );
}

/// The test's own parts, on lines a reader could write.
#[test]
fn the_docs_command_reader_reads_what_a_shell_would() {
    let words = shell_words(r#"CHG_NOW=x cargo run --locked -- report weekly --title "a b" 'c d' > out # note"#);
    assert_eq!(
        chg_args(&words).unwrap(),
        ["report", "weekly", "--title", "a b", "c d"].map(String::from)
    );
    assert!(accepted(&["status".into(), "CHG-2019-2443".into()]).is_err());
    assert!(accepted(&["new".into(), "--help".into()]).is_ok());
    let block = "```console\n$ chg new --title x \\\n    --impact low\noutput\n```\n";
    assert_eq!(
        shell_commands(block),
        vec![(2, "chg new --title x  --impact low".to_string())]
    );
}

/// Every chg command `benches/read-commands.sh` times, and every command
/// row of the benchmark tables, is one the CLI accepts (the script stops
/// at the first command that fails).
#[test]
fn every_benchmarked_command_is_accepted() {
    let script = read(&root().join("benches/read-commands.sh"));
    let mut rejected = Vec::new();
    let mut seen = 0;
    for line in script.lines().filter(|l| l.trim_start().starts_with("row ")) {
        // row LABEL "CMD": the command is the last double-quoted string.
        let Some(command) = line.rsplit('"').nth(1) else {
            continue;
        };
        for part in command.split("&&") {
            let words = shell_words(&part.replace("$ID", "CHG-2019-2443").replace("$FILE", "x"));
            if words.first().is_some_and(|w| w == "$CHG") {
                seen += 1;
                if let Err(e) = accepted(&words[1..]) {
                    rejected.push(format!("benches/read-commands.sh: `{command}`\n{e}"));
                }
            }
        }
    }
    let table = read(&root().join("docs/benchmarks.md"));
    for line in table.lines().filter(|l| l.starts_with("| `chg ")) {
        let command = line.trim_start_matches("| `").split('`').next().unwrap_or("");
        seen += 1;
        if let Err(e) = accepted(&shell_words(command)[1..]) {
            rejected.push(format!("docs/benchmarks.md: `{command}`\n{e}"));
        }
    }
    assert!(seen > 20, "found only {seen} benchmarked commands");
    assert!(rejected.is_empty(), "{}", rejected.join("\n"));
}

/// The report samples in docs/reports.md sit between
/// `<!-- golden: tests/golden/NAME -->` and `<!-- end golden -->` and are
/// the golden files, which a test keeps equal to the reports chg makes.
/// `CHG_UPDATE_GOLDEN=1` rewrites them along with the golden files.
#[test]
fn report_samples_in_the_docs_are_the_golden_files() {
    let path = root().join("docs/reports.md");
    let text = read(&path);
    let mut out = String::new();
    let mut rest = text.as_str();
    let mut samples = 0;
    let mut stale = Vec::new();
    while let Some(at) = rest.find("<!-- golden: ") {
        let head_end = at + rest[at..].find("-->").expect("a golden marker ends with -->") + 3;
        let name = rest[at + "<!-- golden: ".len()..head_end - 3].trim();
        let end = rest[head_end..]
            .find("<!-- end golden -->")
            .expect("each golden sample ends")
            + head_end;
        let golden = read(&root().join(name));
        let wanted = format!("\n\n{golden}\n");
        if rest[head_end..end] != wanted {
            stale.push(name.to_string());
        }
        out.push_str(&rest[..head_end]);
        out.push_str(&wanted);
        rest = &rest[end..];
        samples += 1;
    }
    out.push_str(rest);
    assert!(
        samples >= 3,
        "docs/reports.md shows {samples} golden samples; expected the three reports"
    );
    if std::env::var_os("CHG_UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        std::fs::write(&path, out).expect("write docs/reports.md");
        return;
    }
    assert!(
        stale.is_empty(),
        "docs/reports.md differs from {stale:?}; run `CHG_UPDATE_GOLDEN=1 cargo test --test integration golden` and review the diff"
    );
}

/// The text of a page without its golden report samples.
fn without_golden(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("<!-- golden: ") {
            inside = true;
        } else if line.starts_with("<!-- end golden -->") {
            inside = false;
        } else if !inside {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// Users have neither the design notes nor the policy text chg was built
/// from; the pages and the policy `chg init` writes explain in their own words.
#[test]
fn no_page_sends_readers_to_files_they_do_not_have() {
    let repo = Repo::new();
    repo.chg(&["init"]).ok();
    // The report samples are chg's own output, checked by the golden test.
    let mut texts: Vec<(String, String)> = pages().iter().map(|p| (shown(p), without_golden(&read(p)))).collect();
    texts.push((
        "changes/policy.yaml of chg init".into(),
        repo.read("changes/policy.yaml"),
    ));
    texts.push((
        "the sample store's changes/policy.yaml".into(),
        read(&root().join("changes/policy.yaml")),
    ));
    // What chg prints: the reports (their golden files) and every help text.
    for entry in std::fs::read_dir(root().join("tests/golden")).unwrap().flatten() {
        texts.push((shown(&entry.path()), read(&entry.path())));
    }
    let mut command = chg::cli::command();
    command.build();
    let mut helps = vec![(String::from("chg --help"), command.render_long_help().to_string())];
    for sub in command.get_subcommands_mut() {
        helps.push((
            format!("chg {} --help", sub.get_name()),
            sub.render_long_help().to_string(),
        ));
    }
    texts.extend(helps);
    let demo = Repo::new();
    demo.write("changes/policy.yaml", "{}\n");
    demo.git(&["add", "-A"]);
    demo.git(&["commit", "-q", "-m", "store"]);
    texts.push((
        "chg metrics".into(),
        demo.chg(&["metrics", "--month", "2026-06"]).ok().stdout,
    ));
    let mut found = Vec::new();
    for (name, text) in &texts {
        for (n, line) in text.lines().enumerate() {
            for bad in [
                "POLICY.md",
                "DESIGN.md",
                "the guide",
                "guide section",
                "(guide ",
                "Guide table",
            ] {
                if line.contains(bad) {
                    found.push(format!("{name}:{}: {line}", n + 1));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "references to files users do not have:\n{}",
        found.join("\n")
    );
}
