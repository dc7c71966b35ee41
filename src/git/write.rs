//! chg's own commits, made by the `git` command itself so that the user's
//! configuration applies: signing (`commit.gpgsign`, `gpg.format`,
//! `user.signingkey`) and hooks (pre-commit, commit-msg, ...).

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context as _, Result};
use chrono::{DateTime, FixedOffset};

use super::{Actor, ObjectId, Repo};
use crate::render::PushFmt as _;

impl Repo {
    /// Commits exactly the given files (path relative to the work tree, new
    /// content or `None` to delete) on top of HEAD, leaving anything else the
    /// user has staged alone, and updates the index for those paths.
    ///
    /// Crash safety: the user's index is updated first, then the commit is
    /// made from a temporary index. Killed in between, the index holds chg's
    /// new content (as the work tree does) and HEAD the old: the user's next
    /// `git commit` can only commit chg's change, never revert it. HEAD never
    /// moves ahead of the index.
    pub fn commit_files(&self, files: &[(&Path, Option<&[u8]>)], message: &str, actor: &Actor) -> Result<ObjectId> {
        self.ensure_clean_state()?;
        let mut lines = String::new();
        let mut paths = Vec::new();
        for (path, content) in files {
            let git_path = git_path(path)?;
            match content {
                Some(bytes) => {
                    let id = self.inner.blob(bytes).context("cannot write the file into git")?;
                    lines.push_fmt(format_args!("100644 {id}\t{git_path}\n"));
                }
                None => lines.push_fmt(format_args!("0 {}\t{git_path}\n", git2::Oid::zero())),
            }
            paths.push(git_path);
        }
        let has_head = self.head_commit()?.is_some();
        self.git(&["update-index", "--add", "--index-info"], None, Some(&lines))
            .map_err(|e| anyhow!("cannot update the index: {e:#}"))?;
        let temp = tempfile::tempdir().context("cannot make a temporary folder for the commit's index")?;
        let index = temp.path().join("index");
        let committed = (|| -> Result<()> {
            if has_head {
                self.git(&["read-tree", "HEAD"], Some(&index), None)?;
            }
            self.git(&["update-index", "--add", "--index-info"], Some(&index), Some(&lines))?;
            self.commit_with_git(&index, message, actor).map_err(|e| {
                anyhow!(
                    "git refused chg's commit: {e:#}\n  hint: a hook or the signing setup refused it; {} is written but not committed: fix the cause and commit it with git, or undo it with `git checkout -- {}`",
                    paths.join(", "),
                    paths.join(" ")
                )
            })
        })();
        if let Err(e) = committed {
            // Nothing was committed: leave the user's index as it was for these paths.
            let mut undo: Vec<&str> = if has_head {
                vec!["reset", "-q", "HEAD", "--"]
            } else {
                vec!["rm", "-q", "--cached", "--ignore-unmatch", "--"]
            };
            undo.extend(paths.iter().map(String::as_str));
            let _ = self.git(&undo, None, None);
            return Err(e);
        }
        self.head_commit()?
            .ok_or_else(|| anyhow!("git reported a commit, but HEAD has none"))
    }

    /// Runs `git commit` on the given index as the actor, with git's own
    /// configuration, hooks and signing.
    fn commit_with_git(&self, index: &Path, message: &str, actor: &Actor) -> Result<()> {
        let from_env = |var: &str| std::env::var(var).ok().filter(|v| !v.trim().is_empty());
        let mut cmd = self.command(Some(index));
        cmd.env("GIT_AUTHOR_NAME", actor.person.name())
            .env("GIT_AUTHOR_EMAIL", actor.person.email())
            .env("GIT_AUTHOR_DATE", git_date(actor.when))
            .env(
                "GIT_COMMITTER_NAME",
                from_env("GIT_COMMITTER_NAME").unwrap_or_else(|| actor.person.name().to_string()),
            )
            .env(
                "GIT_COMMITTER_EMAIL",
                from_env("GIT_COMMITTER_EMAIL").unwrap_or_else(|| actor.person.email().to_string()),
            )
            .env(
                "GIT_COMMITTER_DATE",
                from_env("GIT_COMMITTER_DATE").unwrap_or_else(|| git_date(actor.when)),
            )
            .args(["commit", "-q", "--allow-empty", "--cleanup=strip", "-F", "-"]);
        run(cmd, Some(message))?;
        Ok(())
    }

    /// Runs a git command in the work tree (on `index` when given) and returns its stdout.
    fn git(&self, args: &[&str], index: Option<&Path>, stdin: Option<&str>) -> Result<String> {
        let mut cmd = self.command(index);
        cmd.args(args);
        run(cmd, stdin)
    }

    fn command(&self, index: Option<&Path>) -> Command {
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(&self.workdir);
        if let Some(index) = index {
            cmd.env("GIT_INDEX_FILE", index);
        }
        cmd
    }
}

fn run(mut cmd: Command, stdin: Option<&str>) -> Result<String> {
    let mut child = cmd
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run `git`\n  hint: chg commits through the git command; install git or pass `--no-commit`")?;
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes()).context("cannot write to git")?;
    }
    let output = child.wait_with_output().context("git did not finish")?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stdout = String::from_utf8_lossy(&output.stdout);
        bail!("{}", format!("{}\n{}", stderr.trim(), stdout.trim()).trim());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Writes a time as git reads it in `GIT_AUTHOR_DATE`: `@<seconds> +hhmm`.
fn git_date(when: DateTime<FixedOffset>) -> String {
    let offset = when.offset().local_minus_utc() / 60;
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "@{} {sign}{:02}{:02}",
        when.timestamp(),
        offset.abs() / 60,
        offset.abs() % 60
    )
}

fn git_path(path: &Path) -> Result<String> {
    let text = path
        .to_str()
        .ok_or_else(|| anyhow!("{} is not a UTF-8 path", path.display()))?;
    if text.contains(['\n', '\t']) {
        bail!(
            "{} has a line break or tab in its name, which chg does not commit",
            path.display()
        );
    }
    Ok(text.replace('\\', "/"))
}
