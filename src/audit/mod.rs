//! The auditor's evidence folder (`chg audit`) and the period seal
//! (`chg seal`). The population's verdicts come from the existing rules
//! (`controls`), the facts from one walk of the history (`evidence`); the
//! sample is drawn reproducibly (`sample`), the folder written whole with a
//! manifest (`folder`), and the index page rendered by `crate::render`.

pub mod controls;
pub mod evidence;
pub mod folder;
mod page;
pub mod population;
pub mod sample;
pub mod seal;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, bail, Result};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::git::ObjectId;
use crate::period::Period;
use crate::rules::linking::{CodeCommit, Untracked};
use crate::store::Store;
use controls::ApprovalCommit;
use folder::Files;
use population::{Population, Row};
use sample::{Candidate, Stratum};

/// What the user asked for.
pub struct Request {
    pub period: Period,
    /// How many changes the sample holds at least (every change when `None`).
    pub sample: Option<usize>,
    pub seed: u64,
    /// Whether every exception and emergency is in the sample whatever its size.
    pub strata: bool,
    /// When the folder is made (the footer; judging uses the end of the period).
    pub now: DateTime<Utc>,
}

/// What the command gathered beside the store: the untracked commits (when
/// production paths are configured) and the commits naming each change.
pub struct Gathered {
    pub untracked: Option<Vec<Untracked>>,
    pub linked: BTreeMap<String, Vec<CodeCommit>>,
}

/// The store's commit at the end of the period: the newest commit on HEAD's
/// first-parent line made before the period ends.
pub fn commit_at_end(store: &Store, period: &Period) -> Result<ObjectId> {
    let repo = store.repo();
    let Some(head) = repo.head_commit()? else {
        bail!("the repository has no commits yet\n  hint: the evidence is read from committed records; commit the store first");
    };
    repo.last_commit_before(head, period.to)?.ok_or_else(|| {
        anyhow!(
            "no commit was made before {}, the end of the period\n  hint: pick a later period",
            period.to.format("%Y-%m-%d %H:%M UTC")
        )
    })
}

/// Everything `chg audit` computed, before it is written.
pub struct Audit {
    pub population: Population,
    pub sample: Vec<(String, Stratum)>,
    pub files: Files,
}

/// The population of the period, as of `tip`: the rules' findings on the
/// store there, and one walk of the history to it.
pub fn population(
    store: &Store,
    period: Period,
    tip: ObjectId,
    untracked: Option<Vec<Untracked>>,
) -> Result<(Population, Context)> {
    let at = evidence::at_commit(store, tip)?;
    let judged_at = period.to;
    // The commit times of deadlines are read by `evidence::walk` (Witnessed).
    let times = BTreeMap::new();
    let ctx = crate::rules::Context {
        policy: &at.policy,
        templates: &at.templates,
        now: judged_at,
        times: &times,
    };
    let findings = crate::rules::check(&at.records, &ctx);
    let mut by_file: BTreeMap<&str, Vec<crate::finding::Finding>> = BTreeMap::new();
    for f in &findings {
        by_file.entry(f.file.as_str()).or_default().push(f.clone());
    }
    let members: Vec<&crate::store::Loaded> = at
        .records
        .iter()
        .filter(|l| population::in_period(&l.record, &period))
        .collect();
    let ids: BTreeSet<String> = members.iter().map(|l| l.record.id.clone()).collect();
    let walked = evidence::walk(store, tip, &ids)?;
    let none = Vec::new();
    let no_approvals: Vec<ApprovalCommit> = Vec::new();
    let unseen = controls::Witnessed::default();
    let mut changes: Vec<Row> = members
        .iter()
        .map(|l| {
            let id = l.record.id.as_str();
            let sha256 = at
                .bytes
                .get(&l.file)
                .map(|b| evidence::sha256_hex(b))
                .unwrap_or_default();
            population::row(
                &l.file,
                sha256,
                &controls::Evidence {
                    record: &l.record,
                    findings: by_file.get(l.file.as_str()).map_or(&[][..], |v| v.as_slice()),
                    history: walked.history.get(id).unwrap_or(&none),
                    approvals: walked.approvals.get(id).map_or(&no_approvals[..], |v| v.as_slice()),
                    witnessed: walked.witnessed.get(id).unwrap_or(&unseen),
                    policy: &at.policy,
                    judged_at,
                    incomplete: walked.incomplete.as_deref(),
                },
            )
        })
        .collect();
    changes.sort_by(|a, b| a.id.cmp(&b.id));
    let mut unverifiable = Vec::new();
    if let Some(why) = &walked.incomplete {
        unverifiable.push(format!("the history is incomplete: {why}"));
    }
    for e in &at.unparsed {
        unverifiable.push(format!(
            "{} does not parse at {}, so it is in no verdict: {}",
            e.file,
            tip.short(),
            e.error.message
        ));
    }
    let population = Population {
        period,
        commit: tip.to_string(),
        changes,
        untracked,
        unverifiable,
    };
    Ok((
        population,
        Context {
            bytes: at.bytes,
            approvals: walked.approvals,
            witnessed: walked.witnessed,
            policies: walked.policies,
            policy: at.policy,
            records: at.records.into_iter().map(|l| (l.record.id.clone(), l)).collect(),
        },
    ))
}

/// What the sample and policy folders are written from, beside the population.
pub struct Context {
    pub bytes: BTreeMap<String, Vec<u8>>,
    pub approvals: BTreeMap<String, Vec<ApprovalCommit>>,
    pub witnessed: BTreeMap<String, controls::Witnessed>,
    pub policies: Vec<evidence::PolicyVersion>,
    pub policy: crate::policy::Policy,
    pub records: BTreeMap<String, crate::store::Loaded>,
}

fn json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text.into_bytes())
}

/// One approval entry as the sample shows it: who, which commit, signed how, digest matching.
#[derive(Serialize)]
struct ApprovalCheck<'a> {
    index: usize,
    role: String,
    approver: String,
    decision: String,
    method: String,
    at: DateTime<Utc>,
    /// The digest the entry holds, and whether it matches the record at the end of the period.
    scope: Option<&'a str>,
    digest_now: &'a str,
    digest_matches: Option<bool>,
    /// The commit that added the entry, with author, committer and signature.
    added_in: Option<&'a ApprovalCommit>,
}

/// Gives the histories (`chg log`) of the sampled records as text and
/// JSON, keyed by id, from their ids and paths: all at once, so that the
/// history is walked once for the whole sample.
pub type RecordLogs<'a> = dyn Fn(&[(&str, &str)]) -> Result<BTreeMap<String, (String, String)>> + 'a;

/// Builds the whole folder in memory: population, sample, policy, index, manifest's inputs.
pub fn build(store: &Store, request: &Request, tip: ObjectId, gathered: Gathered, logs: &RecordLogs) -> Result<Audit> {
    let (mut population, mut ctx) = population(store, request.period, tip, gathered.untracked)?;
    let candidates: Vec<Candidate> = population
        .changes
        .iter()
        .map(|r| Candidate {
            id: r.id.clone(),
            exception: r.is_exception(),
            emergency: r.classification == "emergency",
        })
        .collect();
    let size = request.sample.unwrap_or(candidates.len());
    let drawn = sample::draw(&candidates, size, request.seed, request.strata);
    let sampled_paths: Vec<(&str, &str)> = drawn
        .iter()
        .filter_map(|(id, _)| population.changes.iter().find(|r| &r.id == id))
        .map(|r| (r.id.as_str(), r.path.as_str()))
        .collect();
    let mut histories = logs(&sampled_paths)?;
    let repo = store.repo();
    let mut files = Files::new();
    files.insert("population.csv".into(), population::csv(&population).into_bytes());
    // Signatures of sampled approvals are shown even where the policy did not require them.
    let signers = crate::git::AllowedSigners::new(&ctx.policy.signing_keys)?;
    for (id, stratum) in &drawn {
        let Some(row) = population.changes.iter().find(|r| &r.id == id) else {
            continue;
        };
        let dir = format!("sample/{id}");
        let Some(loaded) = ctx.records.get(id) else { continue };
        files.insert(
            format!("{dir}/record.yaml"),
            ctx.bytes.get(&row.path).cloned().unwrap_or_default(),
        );
        let (text, json_log) = histories.remove(id).unwrap_or_default();
        files.insert(format!("{dir}/history.txt"), text.into_bytes());
        files.insert(format!("{dir}/history.json"), json_log.into_bytes());
        let commits = ctx.approvals.entry(id.clone()).or_default();
        for a in commits.iter_mut().filter(|a| a.signature.is_none()) {
            if let Some(commit) = ObjectId::parse(&a.commit) {
                a.signature = Some(repo.signature_of(commit, &signers)?);
            }
        }
        let record = &loaded.record;
        let digest_now = record.scope_digest();
        files.insert(
            format!("{dir}/approvals.json"),
            json(&approval_checks(record, commits, &digest_now))?,
        );
        files.insert(
            format!("{dir}/deadlines.json"),
            json(&page::deadlines(
                record,
                &ctx.policy,
                request.period.to,
                ctx.witnessed.get(id),
            ))?,
        );
        files.insert(
            format!("{dir}/linked-commits.json"),
            json(&gathered.linked.get(id).cloned().unwrap_or_default())?,
        );
        #[derive(Serialize)]
        struct Verdicts<'a> {
            stratum: &'static str,
            #[serde(flatten)]
            row: &'a Row,
        }
        files.insert(
            format!("{dir}/verdicts.json"),
            json(&Verdicts {
                stratum: stratum.as_str(),
                row,
            })?,
        );
    }
    let versions = policy_versions(&ctx.policies, request, &mut files)?;
    population.changes.sort_by(|a, b| a.id.cmp(&b.id));
    files.insert("population.json".into(), json(&population)?);
    files.insert(
        "store.txt".into(),
        format!(
            "commit {tip}\nperiod {} {}\nstore {}\nmade {} by chg {}\n",
            request.period.from.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            request.period.to.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            store.prefix(),
            request.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            env!("CARGO_PKG_VERSION")
        )
        .into_bytes(),
    );
    let html = page::index(&population, &drawn, &versions, request, &files);
    files.insert("index.html".into(), html.into_bytes());
    Ok(Audit {
        population,
        sample: drawn,
        files,
    })
}

/// Each approval of a sampled record beside the commit that added it, and
/// whether its scope digest matches the record at the end of the period.
fn approval_checks<'a>(
    record: &'a crate::record::Record,
    commits: &'a [ApprovalCommit],
    digest_now: &'a str,
) -> Vec<ApprovalCheck<'a>> {
    record
        .approvals
        .iter()
        .enumerate()
        .map(|(i, a)| ApprovalCheck {
            index: i,
            role: a.role.to_string(),
            approver: a.approver.to_string(),
            decision: a.decision.to_string(),
            method: a.method.to_string(),
            at: a.at,
            scope: a.scope.as_deref(),
            digest_now,
            digest_matches: a.scope.as_ref().map(|s| *s == digest_now),
            added_in: commits
                .iter()
                .rev()
                .find(|c| c.index == i && c.approver == a.approver.to_string()),
        })
        .collect()
}

/// Writes each version of the policy in force during the period into
/// `policy/`, with `policy/versions.json` listing them; returns the list.
fn policy_versions(
    policies: &[evidence::PolicyVersion],
    request: &Request,
    files: &mut Files,
) -> Result<Vec<page::PolicyEntry>> {
    let mut versions = Vec::new();
    let in_force = page::policies_in_force(policies, &request.period);
    for (n, v) in in_force.iter().enumerate() {
        let name = format!("policy/{:02}-{}.yaml", n + 1, v.commit.short());
        files.insert(name.clone(), v.text.clone().unwrap_or_default().into_bytes());
        versions.push(page::PolicyEntry {
            file: name,
            commit: v.commit.id.to_string(),
            author: v.commit.author.to_string(),
            committer: v.commit.committer.to_string(),
            time: v.commit.time,
            summary: v.commit.summary.clone(),
            deleted: v.text.is_none(),
        });
    }
    files.insert("policy/versions.json".into(), json(&versions)?);
    Ok(versions)
}

/// Re-checks a folder: its manifest, and its store commit, records and policy against the repository.
pub fn verify(store: &Store, dir: &std::path::Path) -> Result<Vec<String>> {
    let files = folder::read(dir)?;
    let mut problems = folder::check_manifest(&files)?;
    let repo = store.repo();
    let Some(meta) = files.get("store.txt") else {
        problems.push("store.txt is missing: the folder names no store commit".into());
        return Ok(problems);
    };
    let meta = String::from_utf8_lossy(meta);
    let Some(hex) = meta.lines().find_map(|l| l.strip_prefix("commit ")) else {
        problems.push("store.txt names no commit".into());
        return Ok(problems);
    };
    let tip = match repo.commit_id(hex) {
        Ok(id) => id,
        Err(e) => {
            problems.push(format!("the store commit {hex}: {e}"));
            return Ok(problems);
        }
    };
    if let Some(head) = repo.head_commit()? {
        if !repo.is_ancestor(tip, head)? {
            problems.push(format!(
                "the store commit {hex} is not in the history of HEAD: the branch was rewritten after the folder was made"
            ));
        }
    }
    let prefix = store.prefix();
    let population: serde_json::Value = match files.get("population.json").map(|b| serde_json::from_slice(b)) {
        Some(Ok(v)) => v,
        _ => {
            problems.push("population.json is missing or not JSON".into());
            return Ok(problems);
        }
    };
    for change in population["changes"].as_array().into_iter().flatten() {
        let (Some(id), Some(path), Some(sha)) = (
            change["id"].as_str(),
            change["path"].as_str(),
            change["sha256"].as_str(),
        ) else {
            continue;
        };
        if !path.starts_with(&format!("{prefix}/")) {
            problems.push(format!("{id}: its path {path} is outside the store"));
            continue;
        }
        match repo.blob_at(tip, path)? {
            None => problems.push(format!("{id}: {path} is not in the store commit {}", tip.short())),
            Some(bytes) if evidence::sha256_hex(&bytes) != sha => problems.push(format!(
                "{id}: {path} at {} differs from the digest in population.json",
                tip.short()
            )),
            Some(bytes) => {
                if let Some(copy) = files.get(&format!("sample/{id}/record.yaml")) {
                    if *copy != bytes {
                        problems.push(format!(
                            "sample/{id}/record.yaml differs from {path} at {}",
                            tip.short()
                        ));
                    }
                }
            }
        }
    }
    if let Some(Ok(versions)) = files
        .get("policy/versions.json")
        .map(|b| serde_json::from_slice::<Vec<page::PolicyEntry>>(b))
    {
        for v in versions {
            let Ok(commit) = repo.commit_id(&v.commit) else {
                problems.push(format!("{}: the repository has no commit {}", v.file, v.commit));
                continue;
            };
            let held = repo
                .blob_at(commit, &format!("{prefix}/policy.yaml"))?
                .unwrap_or_default();
            if files.get(&v.file).is_some_and(|copy| *copy != held) {
                problems.push(format!("{}: differs from the policy at {}", v.file, commit.short()));
            }
        }
    }
    Ok(problems)
}

/// Parses `--period` (a quarter `2026-Q3` or a month `2026-11`) or `--from`/`--to`.
pub fn period(period: Option<&str>, from: Option<&str>, to: Option<&str>) -> Result<Period> {
    if let Some(text) = period {
        return if text.contains("-Q") || text.contains("-q") {
            Period::parse_quarter(&text.to_uppercase())
        } else {
            Period::parse_month(text)
        };
    }
    if let (Some(from), Some(to)) = (from, to) {
        let from = crate::timearg::parse_time("--from", from)?;
        let to = crate::timearg::parse_time("--to", to)?;
        if to <= from {
            bail!("`--to` must be after `--from`\n  hint: `--from` is inclusive and `--to` exclusive, e.g. `--from 2026-07-01 --to 2026-10-01`");
        }
        return Ok(Period { from, to });
    }
    bail!("which period?\n  hint: give `--period 2026-Q3` (or a month, `2026-11`), or `--from DATE --to DATE`")
}
