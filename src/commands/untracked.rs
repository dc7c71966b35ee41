//! `chg untracked`: the production commits without an approved, in-window
//! change. The commits come from the history engine's walk of each
//! repository named; the judgement is `rules::linking`'s.

use std::path::Path;

use anyhow::{bail, Result};

use crate::cli::{Format, UntrackedArgs};
use crate::context::App;
use crate::render::PushFmt as _;
use crate::rules::linking::Untracked;

/// Lists the untracked production commits; exit 1 when there is any.
pub fn run(args: &UntrackedArgs, app: &App) -> Result<u8> {
    let format = app.format;
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
    crate::render::print(&render(&found, format, &policy.change_trailer)?)?;
    Ok(if found.is_empty() { 0 } else { 1 })
}

fn render(found: &[Untracked], format: Format, trailer: &str) -> Result<String> {
    let headers = [
        "repo", "commit", "time", "author", "summary", "changes", "reason", "message",
    ];
    let row = |u: &Untracked, short: bool| {
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
    };
    Ok(match format {
        Format::Json => format!("{}\n", crate::render::json(found)?),
        Format::Csv => crate::render::csv(&headers, &found.iter().map(|u| row(u, false)).collect::<Vec<_>>()),
        Format::Markdown => {
            crate::render::markdown_table(&headers, &found.iter().map(|u| row(u, true)).collect::<Vec<_>>())
        }
        _ => {
            if found.is_empty() {
                return Ok("every production commit names an approved change and was made in its window\n".into());
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
    })
}
