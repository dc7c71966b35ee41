//! Code linked to changes, pure: reading the change trailer of a commit
//! message, matching production path globs, and judging a production commit
//! against the change it names (`chg untracked`).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::calendar;
use crate::named::named_enum;
use crate::record::{Record, Status, Window};

/// Returns the values of the trailer `key` (case-insensitive, as git reads
/// trailers) in the message's last paragraph: `Change: CHG-2026-0042`. A
/// value may name several changes, separated by commas or spaces.
pub fn trailer_values(message: &str, key: &str) -> Vec<String> {
    let trimmed = message.trim_end();
    let last = trimmed.rsplit("\n\n").next().unwrap_or("");
    // The subject line alone is never a trailer block.
    if last.len() == trimmed.len() && !trimmed.contains("\n\n") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for line in last.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if name.trim().eq_ignore_ascii_case(key) {
            out.extend(
                value
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|v| !v.is_empty())
                    .map(str::to_string),
            );
        }
    }
    out
}

/// A path glob: `*` and `?` within one folder name, `**` across folders.
#[derive(Debug, Clone)]
pub struct Glob {
    parts: Vec<String>,
}

impl Glob {
    /// Reads a glob written like `src/**` or `deploy/*.yaml`.
    pub fn new(text: &str) -> Glob {
        Glob {
            parts: text
                .trim_matches('/')
                .split('/')
                .filter(|p| !p.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }

    /// Returns true when the path (relative, `/`-separated) matches.
    pub fn matches(&self, path: &str) -> bool {
        let names: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match_parts(&self.parts, &names)
    }

    /// The folders before the first wildcard: where every match lies.
    pub fn literal_prefix(&self) -> Vec<&str> {
        let mut out = Vec::new();
        // The last part is a file name pattern even when literal.
        for part in self.parts.iter().take(self.parts.len().saturating_sub(1)) {
            if part.contains(['*', '?']) {
                break;
            }
            out.push(part.as_str());
        }
        out
    }
}

fn match_parts(glob: &[String], names: &[&str]) -> bool {
    match glob.split_first() {
        None => names.is_empty(),
        Some((first, rest)) if first == "**" => (0..=names.len()).any(|skip| match_parts(rest, &names[skip..])),
        Some((first, rest)) => names
            .split_first()
            .is_some_and(|(name, others)| match_name(first.as_bytes(), name.as_bytes()) && match_parts(rest, others)),
    }
}

fn match_name(pattern: &[u8], name: &[u8]) -> bool {
    match pattern.split_first() {
        None => name.is_empty(),
        Some((b'*', rest)) => (0..=name.len()).any(|skip| match_name(rest, &name[skip..])),
        Some((b'?', rest)) => !name.is_empty() && match_name(rest, &name[1..]),
        Some((c, rest)) => name.first() == Some(c) && match_name(rest, &name[1..]),
    }
}

/// Returns the folder all the globs' matches lie in (`""` for the root).
pub fn common_folder(globs: &[Glob]) -> String {
    let mut common: Option<Vec<&str>> = None;
    for glob in globs {
        let prefix = glob.literal_prefix();
        common = Some(match common {
            None => prefix,
            Some(c) => c
                .iter()
                .zip(&prefix)
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| *a)
                .collect(),
        });
    }
    common.unwrap_or_default().join("/")
}

/// What the store says about one change, for judging the commits naming it.
#[derive(Debug, Clone)]
pub struct ChangeState {
    pub status: Status,
    /// When the repository first held the change approved (commit time).
    pub approved_at: Option<DateTime<Utc>>,
    /// The span the change may be implemented in: its window, or for a
    /// change without one, its implementation so far.
    pub window: Option<Window>,
}

impl ChangeState {
    /// Builds the state of a record given when its approval was committed.
    pub fn of(record: &Record, approved_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> ChangeState {
        let window = record.window().or_else(|| {
            let i = record.implementation.as_ref()?;
            let start = i.started_at?;
            Some(Window {
                start,
                end: i.finished_at.unwrap_or(now),
            })
        });
        ChangeState {
            status: record.status,
            approved_at,
            window,
        }
    }
}

/// A commit on the production branch that touched a production path.
#[derive(Debug, Clone, Serialize)]
pub struct CodeCommit {
    pub repo: String,
    pub commit: String,
    pub time: DateTime<Utc>,
    pub author: String,
    pub summary: String,
    /// The change ids its trailers name.
    pub changes: Vec<String>,
}

named_enum! {
    /// Why a production commit counts as untracked. Not rules of `chg
    /// check`: they judge a code commit, not a record (`outside-window` here
    /// is the commit's time, not the record's window).
    pub enum Unlinked, fn id {
        NoChange => "no-change",
        UnknownChange => "unknown-change",
        NotApproved => "not-approved",
        OutsideWindow => "outside-window",
    }
}

/// A production commit without an approved, in-window change.
#[derive(Debug, Clone, Serialize)]
pub struct Untracked {
    #[serde(flatten)]
    pub commit: CodeCommit,
    pub reason: Unlinked,
    pub message: String,
}

/// Judges one commit: `None` when one of the changes it names was approved
/// before the commit and its window contains the commit time.
pub fn judge(commit: &CodeCommit, states: &HashMap<String, ChangeState>) -> Option<Untracked> {
    let untracked = |reason, message: String| {
        Some(Untracked {
            commit: commit.clone(),
            reason,
            message,
        })
    };
    if commit.changes.is_empty() {
        return untracked(Unlinked::NoChange, "names no change".into());
    }
    // The first problem met, in the order the changes are named; any sound change clears the commit.
    let mut first: Option<(Unlinked, String)> = None;
    for id in &commit.changes {
        let problem = match states.get(id) {
            None => Some((
                Unlinked::UnknownChange,
                format!("names {id}, which is not in the store"),
            )),
            Some(state) => problem(id, state, commit.time),
        };
        match problem {
            None => return None,
            Some(p) => {
                first.get_or_insert(p);
            }
        }
    }
    first.and_then(|(reason, message)| untracked(reason, message))
}

fn problem(id: &str, state: &ChangeState, at: DateTime<Utc>) -> Option<(Unlinked, String)> {
    let approved_in_time = state.approved_at.is_some_and(|t| t <= at);
    if !approved_in_time || matches!(state.status, Status::Rejected | Status::Cancelled) {
        let when = match state.approved_at {
            Some(t) if !matches!(state.status, Status::Rejected | Status::Cancelled) => {
                format!("it was approved later, at {}", t.format("%Y-%m-%d %H:%M UTC"))
            }
            _ => format!("it is `{}`", state.status),
        };
        return Some((
            Unlinked::NotApproved,
            format!("names {id}, which was not approved when the commit was made; {when}"),
        ));
    }
    match state.window {
        None => Some((Unlinked::OutsideWindow, format!("names {id}, which has no window"))),
        Some(w) if at < w.start || at >= w.end => Some((
            Unlinked::OutsideWindow,
            format!(
                "names {id}, whose window {} does not contain the commit time",
                calendar::span(w)
            ),
        )),
        Some(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailers_are_read_from_the_last_paragraph_only() {
        let message = "Fix pricing\n\nChange: CHG-2026-0001 mentioned in the body\n\nReviewed-by: Sam\nchange: CHG-2026-0042, CHG-2026-0043\n";
        assert_eq!(trailer_values(message, "Change"), ["CHG-2026-0042", "CHG-2026-0043"]);
        assert!(trailer_values("Change: CHG-2026-0001", "Change").is_empty());
        assert!(trailer_values("Fix\n\nImplements: CHG-2026-0001", "Change").is_empty());
    }

    #[test]
    fn globs_match_within_and_across_folders() {
        let g = Glob::new("src/**");
        assert!(g.matches("src/a.rs") && g.matches("src/x/y/z.rs") && !g.matches("docs/a.md"));
        let g = Glob::new("deploy/*.yaml");
        assert!(g.matches("deploy/api.yaml") && !g.matches("deploy/x/api.yaml") && !g.matches("deploy/api.yml"));
        let g = Glob::new("**/Dockerfile");
        assert!(g.matches("Dockerfile") && g.matches("svc/api/Dockerfile"));
        assert_eq!(
            common_folder(&[Glob::new("src/api/**"), Glob::new("src/web/*.ts")]),
            "src"
        );
        assert_eq!(common_folder(&[Glob::new("src/**"), Glob::new("deploy/*.yaml")]), "");
        assert_eq!(common_folder(&[Glob::new("Dockerfile")]), "");
    }
}
