//! `chg log`: the audit trail of one record, from git, at field level.

use anyhow::{anyhow, bail, Result};
use serde::Serialize;

use crate::cli::{Format, LogArgs};
use crate::context::App;
use crate::git::ObjectId;
use crate::history::{self, LogEntry};
use crate::render::PushFmt as _;
use crate::render::{safe, View};
use crate::rules::linking::CodeCommit;
use crate::store::Store;

/// What `chg log` shows: the record's trail and the commits linked to it.
#[derive(Serialize)]
struct Output<'a> {
    id: &'a str,
    path: &'a str,
    as_of: String,
    /// Why the history is incomplete, when it is (shallow clone).
    incomplete: Option<String>,
    commits: &'a [LogEntry],
    /// Commits naming the change in the policy's trailer, in the store's
    /// repository and each `--repo`, oldest first.
    linked_commits: &'a [CodeCommit],
    /// The policy's trailer that links a commit to a change.
    #[serde(skip)]
    trailer: &'a str,
    /// `--repo` was given: the text lists linked commits even when there are none.
    #[serde(skip)]
    repos_given: bool,
}

/// Prints every commit that touched the record's file, oldest first.
pub fn run(args: &LogArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let (year, _) = crate::id::validate(&args.id).map_err(|m| anyhow!("{m}"))?;
    let repo = store.repo();
    let rev = args.as_of.as_deref().unwrap_or("HEAD");
    if args.as_of.is_none() && repo.head_commit()?.is_none() {
        bail!("the repository has no commits yet, so `{}` has no history\n  hint: commit the store first (`git add changes && git commit`)", args.id);
    }
    let tip = repo.resolve(rev)?;
    let prefix = store.prefix();
    let path = store.display(&store.record_path(year, &args.id));
    let (entries, incomplete) = history::record_log(repo, &prefix, tip, &path)?;
    if entries.is_empty() {
        let hint = if args.as_of.is_some() {
            format!("the record did not exist yet at {rev}; try a later revision, or drop `--as-of`")
        } else if store.record_path(year, &args.id).exists() {
            "the file exists but was never committed; commit it first".to_string()
        } else {
            "`chg list` shows the ids in the store".to_string()
        };
        bail!("no commit at {rev} touches `{path}`\n  hint: {hint}");
    }
    if let Some(why) = &incomplete {
        app.warn(&format!("warning: {why}"));
    }
    let trailer = store.policy()?.change_trailer;
    let linked = linked_commits(&store, args, tip, &trailer)?;
    let trail = Output {
        id: &args.id,
        path: &path,
        as_of: tip.to_string(),
        incomplete,
        commits: &entries,
        linked_commits: &linked,
        trailer: &trailer,
        repos_given: !args.repos.is_empty(),
    };
    let view = View::new().data(&trail).own(Format::Text, |_| Ok(text(&trail)));
    crate::render::print_view(&view, app)?;
    Ok(0)
}

/// The commits that name the change in the policy's trailer, in the store's
/// repository (up to `tip`) and each `--repo`, oldest first.
fn linked_commits(store: &Store, args: &LogArgs, tip: ObjectId, trailer: &str) -> Result<Vec<CodeCommit>> {
    let repo = store.repo();
    let prefix = store.prefix();
    let mut linked: Vec<CodeCommit> = Vec::new();
    let mut repos = vec![(".".to_string(), crate::git::Repo::discover(repo.workdir())?, tip)];
    for (label, other) in crate::code_repos::repos(store, &args.repos)?
        .into_iter()
        .filter(|_| !args.repos.is_empty())
    {
        let head = other.resolve("HEAD")?;
        repos.push((label, other, head));
    }
    for (i, (label, r, head)) in repos.iter().enumerate() {
        let all = |_: &str| true;
        // In the store's own repository, chg's commits only touch the store:
        // its folder is not entered, so the walk reads only the other commits.
        let outside_store = |dir: &str| dir != prefix;
        let keep: &dyn Fn(&str) -> bool = if i == 0 { &outside_store } else { &all };
        let commits = crate::code_repos::code_commits(r, label, *head, "", keep, None, &all, trailer)?;
        linked.extend(
            commits
                .into_iter()
                .filter(|c| c.changes.iter().any(|id| id == &args.id)),
        );
    }
    linked.sort_by_key(|c| c.time);
    Ok(linked)
}

/// Renders the trail and the linked commits for a reader.
fn text(view: &Output) -> String {
    let mut out = history::render_trail(view.id, view.commits);
    if !view.linked_commits.is_empty() || view.repos_given {
        out.push_fmt(format_args!(
            "\nlinked commits (trailer `{}: {}`): {}\n",
            view.trailer,
            view.id,
            view.linked_commits.len()
        ));
        for c in view.linked_commits {
            out.push_fmt(format_args!(
                "  {}  {}  {}  {}  {}\n",
                safe(&c.repo),
                &c.commit[..c.commit.len().min(10)],
                c.time.format("%Y-%m-%d %H:%M UTC"),
                safe(&c.author),
                safe(&c.summary)
            ));
        }
    }
    out
}
