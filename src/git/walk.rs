//! The one walk over history: the commits that touch a folder, and for each
//! the files it changed, found by comparing raw tree objects. The gate,
//! `chg log`, `chg metrics` and the reports all read history through it.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context as _, Result};
use chrono::{DateTime, TimeZone, Utc};
use git2::{Oid, Signature, Time};

use super::raw_tree::{diff_raw, TreeReader};
use super::{Commit, FileChange, ObjectId, Repo, WalkStats};
use crate::person::Person;

/// What one walk covers: the commits reachable from `tip` and not from
/// `hide`, and in each the files below `prefix` (`""` for the whole tree),
/// entering only the folders `keep_dir` accepts.
pub struct WalkScope<'a> {
    pub tip: ObjectId,
    pub hide: Option<ObjectId>,
    /// The evidence time of `hide` from an earlier walk, to continue from
    /// (without one, the committer time of the commit the tip's first
    /// parents leave the walk at).
    pub seed: Option<DateTime<Utc>>,
    pub prefix: &'a str,
    pub keep_dir: &'a dyn Fn(&str) -> bool,
}

impl Repo {
    /// Walks every commit reachable from `tip` and not from `hide`, parents
    /// before children, and calls `visit` with the files below `prefix` that
    /// each commit changed: [`Repo::walk_changes_from`] without a seed.
    pub fn walk_changes(
        &self,
        tip: ObjectId,
        hide: Option<ObjectId>,
        prefix: &str,
        keep_dir: &dyn Fn(&str) -> bool,
        visit: &mut dyn FnMut(&Commit, &[FileChange]) -> Result<()>,
    ) -> Result<WalkStats> {
        let scope = WalkScope {
            tip,
            hide,
            seed: None,
            prefix,
            keep_dir,
        };
        self.walk_changes_from(&scope, visit)
    }

    /// Walks the commits of `scope`, parents before children, and calls
    /// `visit` with the files each changed. Commits whose `prefix` subtree
    /// id equals their parent's are skipped without reading anything else;
    /// where the ids differ, the two trees are compared entry by entry,
    /// recursing only into entries whose ids differ (`keep_dir` may prune
    /// folders by path). A merge is the merger's edit: see `judge_merge`.
    pub fn walk_changes_from(
        &self,
        scope: &WalkScope,
        visit: &mut dyn FnMut(&Commit, &[FileChange]) -> Result<()>,
    ) -> Result<WalkStats> {
        self.walk_git(scope, &mut |commit, evidence_time, changes| {
            let mut meta = commit_of(commit);
            meta.evidence_time = evidence_time;
            visit(&meta, changes)
        })
    }

    /// The walk itself, handing out libgit2's commit (with its evidence
    /// time), so that a caller in this module folder can read more of it
    /// (its message) without looking the commit up a second time.
    pub(super) fn walk_git(&self, scope: &WalkScope, visit: &mut GitVisit) -> Result<WalkStats> {
        let WalkScope {
            tip,
            hide,
            seed,
            prefix,
            keep_dir,
        } = *scope;
        let repo = &self.inner;
        let mut stats = WalkStats::default();
        if repo.is_shallow() {
            stats.incomplete = Some(
                "the repository is a shallow clone, so the history before its cut is missing; run `git fetch --unshallow` (in CI: `fetch-depth: 0`)".into(),
            );
        }
        let prefix_path = Path::new(prefix);
        let subtree = |commit: &git2::Commit| -> Result<Option<Oid>> {
            if prefix.is_empty() {
                return Ok(Some(commit.tree_id())); // the whole tree (`chg untracked` on an application)
            }
            let tree = commit
                .tree()
                .with_context(|| format!("cannot read the tree of commit {}", commit.id()))?;
            Ok(match tree.get_path(prefix_path) {
                Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => Some(entry.id()),
                _ => None,
            })
        };
        let oids = self.commits_between(tip, hide)?;
        let evidence = self.evidence_times(&oids, tip.0, hide.map(|h| h.0), seed, &mut stats)?;
        let mut changes = Vec::new();
        let mut reader = TreeReader::new(repo)?;
        // The `prefix` subtree of the commits walked last: parents come
        // before children, so a commit's parent is almost always here, and
        // is not looked up (and inflated) again, nor its root tree read.
        let mut recent: std::collections::VecDeque<(Oid, Option<Oid>)> =
            std::collections::VecDeque::with_capacity(RECENT);
        for (at, &oid) in oids.iter().enumerate() {
            stats.commits += 1;
            let commit = repo
                .find_commit(oid)
                .with_context(|| format!("cannot read commit {oid}"))?;
            let new_sub = subtree(&commit)?;
            let mut parent_subs = Vec::with_capacity(commit.parent_count());
            for (i, parent_id) in commit.parent_ids().enumerate() {
                if let Some((_, sub)) = recent.iter().find(|(id, _)| *id == parent_id) {
                    parent_subs.push(*sub);
                    continue;
                }
                match commit.parent(i) {
                    Ok(parent) => parent_subs.push(subtree(&parent)?),
                    Err(e) => {
                        let why = format!(
                            "commit {oid} names a parent that is not in the repository ({}); the history is incomplete",
                            e.message()
                        );
                        stats.gap.get_or_insert_with(|| why.clone());
                        stats.incomplete.get_or_insert(why);
                        parent_subs.push(None);
                    }
                }
            }
            if commit.parent_count() == 0 && repo.is_shallow() && stats.gap.is_none() {
                // A root in a shallow clone is usually the cut, not the first commit.
                stats.gap = Some(format!("commit {oid} is at the cut of a shallow clone"));
            }
            if recent.len() == RECENT {
                recent.pop_front();
            }
            recent.push_back((oid, new_sub));
            if leaves_unchanged(&parent_subs, new_sub) {
                continue;
            }
            let first = parent_subs.first().copied().flatten();
            let merge = parent_subs.len() > 1;
            changes.clear();
            if first != new_sub {
                diff_raw(&mut reader, first, new_sub, prefix, keep_dir, &mut changes)?;
            }
            if merge {
                let parents: Vec<Oid> = commit.parent_ids().collect();
                self.judge_merge(
                    &mut reader,
                    &parents,
                    &parent_subs,
                    new_sub,
                    prefix,
                    keep_dir,
                    &mut changes,
                )?;
            }
            if changes.is_empty() {
                continue;
            }
            stats.commits_touching += 1;
            let evidence_time = evidence
                .get(at)
                .copied()
                .unwrap_or_else(|| to_utc(commit.committer().when()));
            visit(&commit, evidence_time, &changes)?;
        }
        Ok(stats)
    }

    /// The commits reachable from `tip` and not from `hide`, parents before children.
    fn commits_between(&self, tip: ObjectId, hide: Option<ObjectId>) -> Result<Vec<Oid>> {
        let mut walk = self.inner.revwalk().context("cannot walk the history")?;
        walk.set_sorting(git2::Sort::TOPOLOGICAL | git2::Sort::TIME | git2::Sort::REVERSE)?;
        walk.push(tip.0)
            .with_context(|| format!("cannot start the history walk at {tip}"))?;
        if let Some(hide) = hide {
            walk.hide(hide.0)
                .with_context(|| format!("cannot exclude {hide} from the history walk"))?;
        }
        walk.collect::<Result<_, _>>().context("the history walk failed")
    }

    /// The evidence time of each commit of `oids` (parents before children,
    /// as the walk yields them): see [`Commit::evidence_time`]. The tip's
    /// first-parent chain is found first; each other commit lands with the
    /// oldest chain commit whose history holds it (the merge that brought
    /// it in), found children first. One extra read of each commit object.
    fn evidence_times(
        &self,
        oids: &[Oid],
        tip: Oid,
        hide: Option<Oid>,
        seed: Option<DateTime<Utc>>,
        stats: &mut WalkStats,
    ) -> Result<Vec<DateTime<Utc>>> {
        let n = oids.len();
        let index: HashMap<Oid, usize> = oids.iter().enumerate().map(|(i, o)| (*o, i)).collect();
        let mut times = Vec::with_capacity(n);
        let mut first = Vec::with_capacity(n);
        let mut parents: Vec<Vec<usize>> = Vec::with_capacity(n);
        for oid in oids {
            let commit = self
                .inner
                .find_commit(*oid)
                .with_context(|| format!("cannot read commit {oid}"))?;
            times.push(to_utc(commit.committer().when()));
            first.push(commit.parent_id(0).ok());
            parents.push(commit.parent_ids().filter_map(|p| index.get(&p).copied()).collect());
        }
        // The tip's first parents, newest first, until they leave the walk.
        let mut landing: Vec<Option<usize>> = vec![None; n];
        let mut on_chain = vec![false; n];
        let mut chain: Vec<usize> = Vec::new();
        let mut at = index.get(&tip).copied();
        let mut left_at = None;
        while let Some(i) = at {
            landing[i] = Some(chain.len());
            on_chain[i] = true;
            chain.push(i);
            at = match first[i] {
                Some(p) => match index.get(&p) {
                    Some(j) => Some(*j),
                    None => {
                        left_at = Some(p);
                        None
                    }
                },
                None => None,
            };
        }
        stats.off_chain = hide.is_some() && left_at != hide;
        let mut floor = match left_at {
            Some(p) if Some(p) == hide && seed.is_some() => seed,
            Some(p) => self.inner.find_commit(p).ok().map(|c| to_utc(c.committer().when())),
            None => None,
        };
        let mut mono = vec![DateTime::<Utc>::default(); chain.len()];
        for k in (0..chain.len()).rev() {
            let t = floor.map_or(times[chain[k]], |f| f.max(times[chain[k]]));
            mono[k] = t;
            floor = Some(t);
        }
        stats.tip_evidence = mono.first().copied().or(seed);
        // Children before parents: a commit off the chain lands with the
        // oldest chain commit any of its children landed with.
        for i in (0..n).rev() {
            let here = landing[i].unwrap_or(0);
            for &p in &parents[i] {
                if on_chain[p] {
                    continue; // a chain commit lands with itself
                }
                landing[p] = Some(landing[p].map_or(here, |l| l.max(here)));
            }
        }
        Ok((0..n)
            .map(|i| mono.get(landing[i].unwrap_or(0)).copied().unwrap_or(times[i]))
            .collect())
    }

    /// Turns a merge's changes against its first parent into the merger's own
    /// edits. A file the merge took cleanly from another parent (changed there
    /// since the common ancestor, untouched on the first parent's side) was
    /// judged in the commit that changed it, and is dropped. Anything else is
    /// the merger's: a file that differs from what a clean merge gives is
    /// judged against that clean version (the first parent's, or the other
    /// parent's where only that side changed it), so an old version restored
    /// through a merge with an old commit, or another side's change quietly
    /// undone, is seen whichever parent comes first.
    #[allow(clippy::too_many_arguments)]
    fn judge_merge(
        &self,
        reader: &mut TreeReader,
        parents: &[Oid],
        subs: &[Option<Oid>],
        new_sub: Option<Oid>,
        prefix: &str,
        keep_dir: &dyn Fn(&str) -> bool,
        changes: &mut Vec<FileChange>,
    ) -> Result<()> {
        let strip = format!("{prefix}/");
        let blob_in = |sub: Option<Oid>, path: &str| -> Result<Option<ObjectId>> {
            let Some(sub) = sub else { return Ok(None) };
            let rel = path.strip_prefix(&strip).unwrap_or(path);
            let tree = self.inner.find_tree(sub)?;
            Ok(tree.get_path(Path::new(rel)).ok().map(|e| ObjectId(e.id())))
        };
        let ours = subs.first().copied().flatten();
        for (k, theirs) in subs.iter().copied().enumerate().skip(1) {
            if theirs == ours {
                continue;
            }
            let base = match self.inner.merge_base(parents[0], parents[k]) {
                Ok(id) => self.subtree(ObjectId(id), prefix)?,
                Err(_) => None,
            };
            let mut kept = Vec::with_capacity(changes.len());
            for mut c in changes.drain(..) {
                let at_base = blob_in(base, &c.path)?;
                let at_theirs = blob_in(theirs, &c.path)?;
                if at_base == c.old && at_theirs != at_base {
                    if at_theirs == c.new {
                        continue; // a clean take of the other side's change
                    }
                    c.old = at_theirs; // the merger edited on top of the other side's change
                }
                kept.push(c);
            }
            *changes = kept;
            // A change of the other side that the merge dropped (the result kept
            // the first parent's version, unchanged since the common ancestor).
            if theirs != new_sub && base != theirs {
                let mut undone = Vec::new();
                diff_raw(reader, theirs, new_sub, prefix, keep_dir, &mut undone)?;
                for d in undone {
                    if changes.iter().any(|c| c.path == d.path) {
                        continue;
                    }
                    let at_base = blob_in(base, &d.path)?;
                    if at_base == d.new && d.old != at_base {
                        changes.push(d);
                    }
                }
            }
        }
        Ok(())
    }

    /// Lists the files below `prefix` that differ between two commits (`None`
    /// as `old` means the empty tree), with the same tree comparison as the walk.
    pub fn changed_files(&self, old: Option<ObjectId>, new: ObjectId, prefix: &str) -> Result<Vec<FileChange>> {
        let old = match old {
            Some(id) => self.subtree(id, prefix)?,
            None => None,
        };
        let new = self.subtree(new, prefix)?;
        let mut reader = TreeReader::new(&self.inner)?;
        let mut out = Vec::new();
        if old != new {
            diff_raw(&mut reader, old, new, prefix, &|_| true, &mut out)?;
        }
        Ok(out)
    }

    /// Returns every file below `prefix` in the tree of `commit`, with its blob id, sorted by path.
    pub fn files_at(&self, commit: ObjectId, prefix: &str) -> Result<Vec<(String, ObjectId)>> {
        let mut out: Vec<(String, ObjectId)> = self
            .changed_files(None, commit, prefix)?
            .into_iter()
            .filter_map(|c| c.new.map(|id| (c.path, id)))
            .collect();
        out.sort();
        Ok(out)
    }

    /// Returns the id of the folder `prefix` in the tree of `commit`, if there is one.
    fn subtree(&self, commit: ObjectId, prefix: &str) -> Result<Option<Oid>> {
        let commit = self
            .inner
            .find_commit(commit.0)
            .with_context(|| format!("cannot read commit {commit}"))?;
        let tree = commit
            .tree()
            .with_context(|| format!("cannot read the tree of commit {}", commit.id()))?;
        Ok(match tree.get_path(Path::new(prefix)) {
            Ok(entry) if entry.kind() == Some(git2::ObjectType::Tree) => Some(entry.id()),
            _ => None,
        })
    }
}

/// True when a commit leaves the walked subtree as its parents have it (all
/// of them, for a merge): nothing to compare, nothing to visit.
fn leaves_unchanged(parent_subs: &[Option<Oid>], new_sub: Option<Oid>) -> bool {
    match parent_subs {
        [] => new_sub.is_none(),
        [first] => *first == new_sub,
        _ => parent_subs.iter().all(|p| *p == new_sub),
    }
}

/// What [`Repo::walk_git`] calls for each commit: libgit2's commit, its
/// evidence time and the files it changed.
pub(super) type GitVisit<'v> = dyn FnMut(&git2::Commit, DateTime<Utc>, &[FileChange]) -> Result<()> + 'v;

/// How many walked commits' subtrees the walk remembers for their children.
const RECENT: usize = 16;

/// Converts a git time to UTC.
pub(super) fn to_utc(time: Time) -> DateTime<Utc> {
    Utc.timestamp_opt(time.seconds(), 0).single().unwrap_or_default()
}

pub(super) fn commit_of(commit: &git2::Commit) -> Commit {
    let person = |s: &Signature| {
        Person::new(
            &String::from_utf8_lossy(s.name_bytes()),
            &String::from_utf8_lossy(s.email_bytes()),
        )
    };
    let author = commit.author();
    let committer = commit.committer();
    Commit {
        id: ObjectId(commit.id()),
        parents: commit.parent_ids().map(ObjectId).collect(),
        author: person(&author),
        author_time: to_utc(author.when()),
        committer: person(&committer),
        time: to_utc(committer.when()),
        evidence_time: to_utc(committer.when()),
        summary: String::from_utf8_lossy(commit.summary_bytes().unwrap_or_default()).into_owned(),
    }
}
