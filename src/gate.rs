//! The pull-request gate behind `chg check --base REF`: walks the commits a
//! branch adds and hands each record's before-and-after to the pure history
//! rules, then places their findings on the lines of the record in HEAD.

use anyhow::{bail, Result};

use crate::document::{self, Position};
use crate::error::FileError;
use crate::finding::Finding;
use crate::git::{AllowedSigners, Commit, ObjectId};
use crate::policy::Policy;
use crate::record::Record;
use crate::rule::Rule;
use crate::rules;
use crate::rules::history::{self, HistoryFinding, Step};
use crate::store::{record_id, Store};

/// Times records state that are implausible against when history received them, by record id.
pub type Times = std::collections::BTreeMap<String, Vec<history::TimeEvidence>>;

/// What the gate found in a branch.
#[derive(Debug, Default)]
pub struct Branch {
    pub findings: Vec<Finding>,
    /// Times the branch wrote that are implausible, for the deadline rules.
    pub times: Times,
    /// The record files the branch's commits touch: only there do deadlines
    /// met late fail the pull request.
    pub touched: std::collections::BTreeSet<String>,
}

/// Runs the history rules over the commits in `base..HEAD` (from their merge
/// base), also returning the times the branch's commits wrote
/// that are implausible against their evidence time, for the deadline rules,
/// and the records it touches.
// One walk over the branch: every kind of file the callback meets (policy,
// template, rehearsal log, record) reads and adds to the walk's shared state
// (findings, times, requesters, the base's history walked once on demand);
// split, that state would travel as a struct of a dozen borrowed fields.
#[allow(clippy::too_many_lines)]
pub fn check_branch_times(store: &Store, base_rev: &str) -> Result<Branch> {
    let repo = store.repo();
    let head = repo.resolve("HEAD")?;
    let base_tip = repo.resolve(base_rev)?;
    let base = repo.merge_base(base_tip, head)?;
    let prefix = store.display(store.dir());
    let policy_path = format!("{prefix}/policy.yaml");
    let rehearsals_prefix = format!("{prefix}/{}/", crate::rehearsal::DIR);
    // The base's policy judges the branch; one that does not parse stops the
    // gate (exit 2) rather than judging with defaults, which would switch
    // signing off. Inside the branch, a broken policy is a finding at its
    // commit (`broken_policy`).
    let parse_policy = |bytes: &[u8], at: &str| -> Result<Policy> {
        let text = String::from_utf8_lossy(bytes);
        document::parse::<Policy>(&text).map(|p| p.value).map_err(|mut error| {
            error.hint = format!(
                "{}; the gate judges a branch by the policy of its base, so mend the policy there first",
                error.hint
            );
            FileError {
                file: format!("{policy_path} at {at}"),
                error,
            }
            .into()
        })
    };
    // A branch's own policy is read only where the base has none. One that
    // does not parse is a finding at its commit (see `broken_policy`),
    // never the built-in defaults.
    let policy_at = |commit: ObjectId| -> Result<Option<Policy>> {
        Ok(match repo.blob_at(commit, &policy_path)? {
            Some(bytes) => document::parse::<Policy>(&String::from_utf8_lossy(&bytes))
                .ok()
                .map(|p| p.value),
            None => None,
        })
    };
    let base_policy = match repo.blob_at(base, &policy_path)? {
        Some(bytes) => Some(parse_policy(&bytes, base_rev)?),
        None => None,
    };
    let policy_at_base = base_policy.clone().unwrap_or_default();
    let signatures = Signatures::new(repo, &policy_at_base)?;
    let verify = |commit: &Commit, email: &str| signatures.verify(commit, email);
    let check: Option<history::SignatureCheck> = signatures.required().then_some(&verify);

    let mut found: Vec<HistoryFinding> = Vec::new();
    let mut times = Times::new();
    let mut touched = std::collections::BTreeSet::new();
    // Findings already located in a commit's version of a file.
    let mut located: Vec<Finding> = Vec::new();
    // Requesters of each record, by path: who filed it and everyone ever named.
    let mut requesters: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut base_history: Option<crate::history::History> = None;
    let stats = repo.walk_changes(head, Some(base), &prefix, &|_| true, &mut |commit, changes| {
        let mut steps: Vec<(String, Option<Record>, Option<Record>)> = Vec::new();
        if let Some(parent) = commit.parents.first() {
            let parent = repo.commit_info(*parent)?;
            let path = changes.first().map_or(prefix.as_str(), |c| c.path.as_str());
            found.extend(history::check_chronology(commit, &parent, path));
        }
        for change in changes {
            let path = &change.path;
            if change.link {
                found.push(symlink_finding(commit, path));
                continue;
            }
            if *path == policy_path || path.starts_with(&format!("{prefix}/templates/")) {
                if *path == policy_path {
                    located.extend(broken_policy(store, commit, path, change.new)?);
                }
                if base_policy.is_some() {
                    found.extend(history::check_policy_edit(commit, path, &policy_at_base, check));
                    continue;
                }
                // The base has no policy: the branch sets the store up. Its
                // first policy answers for itself; later edits answer to it.
                let before = match commit.parents.first() {
                    Some(parent) => policy_at(*parent)?,
                    None => None,
                };
                found.extend(match before {
                    Some(before) => history::check_policy_edit(commit, path, &before, check),
                    None => match policy_at(commit.id)? {
                        Some(written) => history::check_first_policy(commit, path, Some(&written)),
                        // A first policy that does not parse authorises no one: its own finding says why.
                        None if repo.blob_at(commit.id, &policy_path)?.is_some() => None,
                        None => history::check_first_policy(commit, path, None),
                    },
                });
                continue;
            }
            if path.starts_with(&rehearsals_prefix) {
                let old = parse_log_blob(store, change.old, path)?;
                let new = parse_log_blob(store, change.new, path)?;
                found.extend(rules::rehearsals::check_log_step(
                    commit,
                    path,
                    old.as_ref(),
                    new.as_ref(),
                ));
                continue;
            }
            if record_id(&prefix, path).is_none() {
                continue;
            }
            let old = parse_blob(store, change.old, path)?;
            located.extend(invisible_in_version(store, commit, path, change.new)?);
            let new = parse_blob(store, change.new, path)?;
            steps.push((path.clone(), old, new));
        }
        pair_renames(&mut steps);
        for (path, old, new) in &steps {
            touched.insert(path.clone());
            let step = Step {
                commit,
                path,
                old: old.as_ref(),
                new: new.as_ref(),
            };
            found.extend(history::check_step(&step, &policy_at_base, check));
            if let Some(new) = new {
                let set_aside = history::implausible_against_evidence(&step, new);
                if !set_aside.is_empty() {
                    times.entry(new.id.clone()).or_default().extend(set_aside);
                }
            }
            if !requesters.contains_key(path) {
                // A record that exists at the base was filed before the
                // branch: who filed it and who was ever named comes from
                // the history engine, walked once and only when needed.
                let before = match old {
                    Some(old) => {
                        if base_history.is_none() {
                            base_history = Some(filed_before(repo, &prefix, base, base_rev)?);
                        }
                        base_history
                            .as_ref()
                            .map_or_else(Vec::new, |h| h.requesters_of(&old.id))
                    }
                    None => Vec::new(),
                };
                requesters.insert(path.clone(), before);
            }
            let known = requesters.entry(path.clone()).or_default();
            if old.is_none() && new.is_some() {
                known.push(commit.author.email().to_string());
            }
            known.extend(old.iter().chain(new.iter()).map(|r| r.requested_by.email().to_string()));
            if let Some(new) = new {
                found.extend(history::self_approval(&step, new, known));
            }
        }
        Ok(())
    })?;
    if stats.gap.is_some() {
        bail!(
            "the history between {base_rev} and HEAD is incomplete (a shallow clone)\n  hint: fetch the whole history: `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout"
        );
    }
    found.extend(duplicates_across_branches(store, base, base_tip, head, &prefix)?);
    let mut out: Vec<Finding> = found.into_iter().map(|f| place(store, f)).collect();
    out.extend(located);
    Ok(Branch {
        findings: out,
        times,
        touched,
    })
}

/// The history of every record as of the base, for who filed the records
/// the branch touches. Uses the history cache when its tip is an ancestor
/// of the base; otherwise one walk from the base to the first commit.
fn filed_before(
    repo: &crate::git::Repo,
    prefix: &str,
    base: ObjectId,
    base_rev: &str,
) -> Result<crate::history::History> {
    let (history, _) = crate::history::History::build(repo, prefix, base, false)?;
    if history.incomplete.is_some() {
        // Without the commit that added a record, its filer is unknown, and
        // a self-approval would pass unseen.
        bail!(
            "the history before {base_rev} is incomplete (a shallow clone), so who filed the records this branch touches is unknown\n  hint: fetch the whole history: `git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout"
        );
    }
    Ok(history)
}

/// A branch commit that writes an invisible character into a person field
/// of a record: an error at that version's line, even when a later commit
/// removes it (the version was evidence, and may have been approved).
fn invisible_in_version(store: &Store, commit: &Commit, path: &str, blob: Option<ObjectId>) -> Result<Option<Finding>> {
    let Some(blob) = blob else { return Ok(None) };
    let Some(bytes) = store.repo().blob_bytes(blob)? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&bytes);
    let Err(e) = Store::parse_record(path, &text) else {
        return Ok(None);
    };
    if e.error.rule != crate::rule::Rule::InvisibleCharacter {
        return Ok(None);
    }
    let error = e.error;
    Ok(Some(
        Finding::error(
            path,
            error.position,
            error.rule,
            format!(
                "commit {} by {}: {} (line {} of that commit's version)",
                commit.short(),
                commit.author,
                error.message,
                error.position.line
            ),
            error.hint,
        )
        .in_commit(&commit.id.to_string()),
    ))
}

/// A branch commit whose policy does not parse: an error at the line and
/// column of that commit's version of the file. The gate never reads such a
/// policy as the built-in defaults (which have signing off).
fn broken_policy(store: &Store, commit: &Commit, path: &str, blob: Option<ObjectId>) -> Result<Option<Finding>> {
    let Some(blob) = blob else { return Ok(None) };
    let Some(bytes) = store.repo().blob_bytes(blob)? else {
        return Ok(None);
    };
    let Err(error) = document::parse::<Policy>(&String::from_utf8_lossy(&bytes)) else {
        return Ok(None);
    };
    let at = error.position;
    let finding = Finding::error(
        path,
        at,
        error.rule,
        format!(
            "commit {} by {} leaves {path} in a state that does not parse (line {}, column {} of that commit's version): {}",
            commit.short(),
            commit.author,
            at.line,
            at.column,
            error.message
        ),
        format!(
            "{}; every commit of the branch must hold a readable policy, so fix it in that commit (`git rebase -i`) — the gate never judges with the built-in defaults",
            error.hint
        ),
    )
    .in_commit(&commit.id.to_string());
    Ok(Some(finding))
}

fn parse_blob(store: &Store, blob: Option<ObjectId>, path: &str) -> Result<Option<Record>> {
    let Some(blob) = blob else { return Ok(None) };
    let Some(bytes) = store.repo().blob_bytes(blob)? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&bytes);
    // A version that does not parse is judged by the working-tree check, not here.
    Ok(Store::parse_record(path, &text).ok().map(|l| l.record))
}

/// Reads a version of a rehearsal log; one that does not parse is the work tree's to report.
fn parse_log_blob(store: &Store, blob: Option<ObjectId>, path: &str) -> Result<Option<crate::rehearsal::RehearsalLog>> {
    let Some(blob) = blob else { return Ok(None) };
    let Some(bytes) = store.repo().blob_bytes(blob)? else {
        return Ok(None);
    };
    let text = String::from_utf8_lossy(&bytes);
    Ok(crate::store::parse_log(path, &text).ok().map(|l| l.log))
}

/// Joins a deletion and an addition of the same record in one commit (a renumber) into one step.
fn pair_renames(steps: &mut Vec<(String, Option<Record>, Option<Record>)>) {
    let deleted: Vec<usize> = (0..steps.len())
        .filter(|i| steps[*i].1.is_some() && steps[*i].2.is_none())
        .collect();
    for d in deleted {
        let Some(old) = steps[d].1.clone() else { continue };
        let target = (0..steps.len()).find(|a| {
            steps[*a].1.is_none()
                && steps[*a].2.as_ref().is_some_and(|new| {
                    let mut same = new.clone();
                    same.id = old.id.clone();
                    same == old
                })
        });
        if let Some(a) = target {
            steps[a].1 = Some(old);
            steps[d].1 = None;
        }
    }
    steps.retain(|(_, old, new)| old.is_some() || new.is_some());
}

/// Records the branch adds whose id the base already holds with other content.
fn duplicates_across_branches(
    store: &Store,
    merge_base: ObjectId,
    base_tip: ObjectId,
    head: ObjectId,
    prefix: &str,
) -> Result<Vec<HistoryFinding>> {
    let repo = store.repo();
    let mut out = Vec::new();
    let added: Vec<(String, String)> = repo
        .changed_files(Some(merge_base), head, prefix)?
        .into_iter()
        .filter_map(|c| Some((record_id(prefix, &c.path)?.to_string(), c.path)))
        .collect();
    for (id, path) in added {
        if repo.blob_at(merge_base, &path)?.is_some() {
            continue;
        }
        let (Some(theirs), Some(ours)) = (repo.blob_at(base_tip, &path)?, repo.blob_at(head, &path)?) else {
            continue;
        };
        if theirs != ours {
            out.push(HistoryFinding {
                key: "id".into(),
                ..HistoryFinding::error(
                    head,
                    &path,
                    Rule::DuplicateId,
                    format!("the base branch already has {id} with other content (added in parallel)"),
                    format!("give this branch's record a new id with `chg renumber {id}`, then push again"),
                )
            });
        }
    }
    Ok(out)
}

/// The signature check the policy asks for: git's own verification against
/// the policy's keys, or none when signed approvals are not required.
pub struct Signatures<'r> {
    repo: &'r crate::git::Repo,
    signers: Option<AllowedSigners>,
}

impl<'r> Signatures<'r> {
    /// Writes the policy's keys for git when the policy requires signing.
    pub fn new(repo: &'r crate::git::Repo, policy: &Policy) -> Result<Signatures<'r>> {
        let signers = if policy.require_signed_approvals {
            Some(AllowedSigners::new(&policy.signing_keys)?)
        } else {
            None
        };
        Ok(Signatures { repo, signers })
    }

    /// True when the policy requires signed approvals.
    pub fn required(&self) -> bool {
        self.signers.is_some()
    }

    /// True when the commit is signed by a key listed for exactly this email.
    pub fn verify(&self, commit: &Commit, email: &str) -> bool {
        self.signers
            .as_ref()
            .is_some_and(|file| self.repo.commit_signed_by(commit.id, email, file).unwrap_or(false))
    }
}

/// A link under the store, in a commit: never followed, always an error.
fn symlink_finding(commit: &Commit, path: &str) -> HistoryFinding {
    HistoryFinding::error(
        commit.id,
        path,
        Rule::Symlink,
        format!(
            "commit {} by {} makes {path} a symbolic link; chg never follows links in the store",
            commit.short(),
            commit.author
        ),
        "replace the link with the file itself (`git rm` the link, commit the record's own content)".into(),
    )
}

/// Places a history finding on the line of the key in HEAD's version of the file.
fn place(store: &Store, f: HistoryFinding) -> Finding {
    let path = store.repo().workdir().join(&f.path);
    let at = if f.key.is_empty() {
        Position::START
    } else if f
        .path
        .starts_with(&format!("{}/{}/", store.prefix(), crate::rehearsal::DIR))
    {
        store
            .load_log(&path)
            .map(|l| l.positions.of(&f.key))
            .unwrap_or(Position::START)
    } else {
        store
            .load(&path)
            .map(|l| l.positions.of(&f.key))
            .unwrap_or(Position::START)
    };
    let mut finding = Finding::error(&f.path, at, f.rule, f.message, f.hint).in_commit(&f.commit);
    finding.severity = f.severity;
    finding
}
