//! `chg untracked`: the production commits without an approved, in-window
//! change. The commits come from the history engine's walk of each
//! repository named; the judgement is `rules::linking`'s.

use std::path::Path;

use anyhow::{bail, Result};

use crate::cli::{Format, UntrackedArgs};
use crate::context::App;
use crate::render::{PushFmt as _, View};
use crate::rules::linking::Untracked;

/// Lists the untracked production commits; exit 1 when there is any.
pub fn run(args: &UntrackedArgs, app: &App) -> Result<u8> {
    let since = crate::timearg::parse_date("--since", &args.since)?;
    let since = since.and_time(chrono::NaiveTime::MIN).and_utc();
    let store = app.store()?;
    let policy = store.policy()?;
    let patterns = if args.paths.is_empty() {
        &policy.production_paths
    } else {
        &args.paths
    };
    if patterns.is_empty() {
        bail!(
            "no production paths to look at\n  hint: list them under `production_paths:` in {}/policy.yaml (e.g. [\"src/**\", \"deploy/*.yaml\"]), or give `--paths GLOB…`",
            store.prefix()
        );
    }
    let found = crate::code_repos::untracked(
        &store,
        patterns,
        &policy.change_trailer,
        since,
        &args.repos,
        &args.branch,
        app.now,
    )?;
    let trailer = &policy.change_trailer;
    let view = View::new()
        .data(&found)
        .rows(&HEADERS, || found.iter().map(|u| row(u, false)).collect())
        // A table for a page shows the short commit id.
        .own(Format::Markdown, |_| {
            let rows: Vec<Vec<String>> = found.iter().map(|u| row(u, true)).collect();
            Ok(crate::render::markdown_table(&HEADERS, &rows))
        })
        .own(Format::Text, |_| Ok(text(&found, trailer)));
    crate::render::print_view(&view, app)?;
    Ok(if found.is_empty() { 0 } else { 1 })
}

const HEADERS: [&str; 8] = [
    "repo", "commit", "time", "author", "summary", "changes", "reason", "message",
];

fn row(u: &Untracked, short: bool) -> Vec<String> {
    vec![
        u.commit.repo.clone(),
        if short {
            u.commit.commit.chars().take(12).collect()
        } else {
            u.commit.commit.clone()
        },
        u.commit.time.format("%Y-%m-%d %H:%M UTC").to_string(),
        u.commit.author.clone(),
        u.commit.summary.clone(),
        u.commit.changes.join(" "),
        u.reason.to_string(),
        u.message.clone(),
    ]
}

/// The commits for a reader, each with its summary and why it is untracked.
fn text(found: &[Untracked], trailer: &str) -> String {
    if found.is_empty() {
        return "every production commit names an approved change and was made in its window\n".into();
    }
    let mut out = format!(
        "{} commit{} reached production without an approved, in-window change (trailer `{trailer}:`):\n",
        found.len(),
        if found.len() == 1 { "" } else { "s" }
    );
    for u in found {
        let c = &u.commit;
        out.push_fmt(format_args!(
            "\n{}  {}  {}  {}\n  {}\n  {}\n",
            Path::new(&c.repo).display(),
            &c.commit[..c.commit.len().min(12)],
            c.time.format("%Y-%m-%d %H:%M UTC"),
            c.author,
            c.summary,
            u.message
        ));
    }
    out
}
