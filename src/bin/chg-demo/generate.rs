//! The synthetic store generator: a repository whose history
//! spans years, with several authors, every class, outcomes, rollbacks,
//! emergencies and unrelated commits in realistic proportions, all
//! backdated. Deterministic from the seed.
//!
//! The commits are streamed to `git fast-import`, which writes one packfile
//! with deltas: a 20,000-record, 100,000-commit store is a few hundred MB
//! and takes minutes, where writing loose objects one by one would take
//! tens of GB (each commit rewrites a year folder of thousands of entries).

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context as _, Result};
use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

use chg::person::Person;
use chg::policy::Policy;

use crate::record::render;
use chg::record::*;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Options {
    pub records: usize,
    pub out: PathBuf,
    pub seed: u64,
    /// Commits per record on average, counting unrelated commits.
    pub commits_per_record: usize,
}

/// SplitMix64: small, fast, and the same sequence everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(1000) < percent * 10
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    fn minutes(&mut self, lo: i64, hi: i64) -> Duration {
        Duration::minutes(lo + self.below((hi - lo).max(1) as u64) as i64)
    }
}

const ENGINEERS: &[(&str, &str)] = &[
    ("Jane Doe", "jane@example.com"),
    ("Raj Iyer", "raj@example.com"),
    ("Mia Chen", "mia@example.com"),
    ("Omar Haddad", "omar@example.com"),
    ("Lena Berg", "lena@example.com"),
    ("Tom Reyes", "tom@example.com"),
];
const SAM: (&str, &str) = ("Sam Lee", "sam@example.com");
pub(crate) const LEE: (&str, &str) = ("Lee Park", "lee@example.com");
const CAB: &[(&str, &str)] = &[
    ("Ana Silva", "ana@example.com"),
    ("Ben Okafor", "ben@example.com"),
    ("Cho Min", "cho@example.com"),
    ("Dev Patel", "dev@example.com"),
    ("Eli Cohen", "eli@example.com"),
];
pub(crate) const CAROL: (&str, &str) = ("Carol Diaz", "carol@example.com");
pub(crate) const DAVE: (&str, &str) = ("Dave Kim", "dave@example.com");
const SYSTEMS: &[&str] = &[
    "checkout-api",
    "pricing-service",
    "postgres-main",
    "billing-worker",
    "api-gateway",
    "search",
    "auth",
    "cdn",
    "kafka",
    "reporting",
];
pub(crate) const TEMPLATES: &[&str] = &["certificate-renewal", "log-rotation", "security-patching"];

pub(crate) fn person(p: (&str, &str)) -> Person {
    Person::new(p.0, p.1)
}

/// How a generated change ends.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum End {
    Successful,
    Failed,
    RolledBack,
    Rejected,
    Cancelled,
}

/// One record's plan: everything needed to render any step of its life.
pub(crate) struct Plan {
    pub(crate) id: String,
    pub(crate) class: Classification,
    pub(crate) created: DateTime<Utc>,
    pub(crate) requester: (&'static str, &'static str),
    pub(crate) systems: Vec<String>,
    pub(crate) end: End,
    pub(crate) issues: bool,
    pub(crate) approvers: Vec<(&'static str, &'static str)>,
    pub(crate) start: DateTime<Utc>,
    pub(crate) finish: DateTime<Utc>,
    /// An emergency's full documentation, committed with its first version.
    pub(crate) documented: DateTime<Utc>,
    /// An emergency's written approvals: the CISO's, then the CTO's, each in its own commit.
    pub(crate) written: [DateTime<Utc>; 2],
    pub(crate) rollback_kind: RollbackKind,
    pub(crate) title: String,
}

/// One commit of the history: a step of a record, or an unrelated commit.
struct Event {
    at: DateTime<Utc>,
    author: (&'static str, &'static str),
    /// The record and the step it reaches, or `None` for an unrelated commit.
    step: Option<(usize, Step)>,
    message: String,
}

#[derive(Clone, Copy)]
pub(crate) enum Step {
    New,
    /// The first `n` approvals recorded.
    Approve(usize),
    EditAfterApproval,
    Schedule,
    Start,
    Finish,
    Close,
    PostReview,
    Stop,
}

fn ts(t: DateTime<Utc>) -> String {
    format!("{} +0000", t.timestamp())
}

/// The records to make, in order of creation, numbered per year: their
/// class, how they end, who approves and when they run (in the policy's windows).
fn plans(rng: &mut Rng, n: usize, begin: DateTime<Utc>, span_minutes: i64, policy: &Policy) -> Vec<Plan> {
    let mut created: Vec<DateTime<Utc>> = (0..n)
        .map(|_| begin + Duration::minutes(rng.below(span_minutes as u64) as i64))
        .collect();
    created.sort();
    let mut per_year: BTreeMap<i32, u32> = BTreeMap::new();
    let mut plans = Vec::with_capacity(n);
    for t in created {
        let number = per_year.entry(t.year()).or_insert(0);
        *number += 1;
        let roll = rng.below(100);
        let class = match roll {
            0..=29 => Classification::Standard,
            30..=85 => Classification::Normal,
            86..=95 => Classification::Major,
            _ => Classification::Emergency,
        };
        let roll = rng.below(1000);
        let end_state = match (class, roll) {
            (Classification::Standard | Classification::Emergency, 0..=19) => End::Failed,
            (Classification::Standard | Classification::Emergency, 20..=59) => End::RolledBack,
            (Classification::Standard | Classification::Emergency, _) => End::Successful,
            (_, 0..=19) => End::Rejected,
            (_, 20..=39) => End::Cancelled,
            (_, 40..=64) => End::Failed,
            (_, 65..=109) => End::RolledBack,
            _ => End::Successful,
        };
        let approvers = match class {
            Classification::Standard => vec![],
            Classification::Normal => vec![if rng.chance(80) { SAM } else { LEE }],
            Classification::Major => {
                let first = rng.below(CAB.len() as u64) as usize;
                (0..3).map(|k| CAB[(first + k) % CAB.len()]).collect()
            }
            Classification::Emergency => vec![CAROL, DAVE],
        };
        let mut duration = if rng.chance(85) {
            rng.minutes(10, 110)
        } else {
            rng.minutes(120, 300)
        };
        // Emergencies are exempt from the deployment windows. Planned work
        // starts early in the policy's next window, as `chg start` demands,
        // and ends, with the hour its own window keeps after the finish,
        // before the deployment window closes, as a team that follows the
        // policy schedules it.
        let start = match class {
            Classification::Emergency => t + rng.minutes(0, 30),
            Classification::Standard => {
                policy.next_window(t + Duration::days(1) + rng.minutes(0, 60 * 24 * 3)) + rng.minutes(5, 35)
            }
            _ => policy.next_window(t + Duration::days(2) + rng.minutes(0, 60 * 24 * 10)) + rng.minutes(5, 35),
        };
        if class != Classification::Emergency {
            if let Some(rule) = policy.windows.first() {
                let open = (rule.end.0 - rule.start.0).max(Duration::zero());
                duration = duration
                    .min(open - Duration::minutes(35 + 60))
                    .max(Duration::minutes(10));
            }
        }
        let system_count = 1 + rng.below(3) as usize;
        let systems = (0..system_count)
            .map(|_| rng.pick(SYSTEMS).to_string())
            .collect::<std::collections::BTreeSet<_>>();
        let title = format!(
            "{} {}",
            rng.pick(&[
                "Upgrade",
                "Patch",
                "Scale",
                "Reconfigure",
                "Migrate",
                "Roll out feature on"
            ]),
            systems.iter().next().map(String::as_str).unwrap_or("api")
        );
        // Emergencies are documented and confirmed in writing within the
        // policy's 24 hours, in commits made when the record says: the demo
        // store passes `chg check` and its audit; late paperwork is the
        // tests' business (tests/ev_times.rs, tests/audit.rs).
        let documented = start + rng.minutes(30, 16 * 60);
        let ciso = documented + rng.minutes(10, 120);
        let written = [ciso, ciso + rng.minutes(5, 60)];
        plans.push(Plan {
            id: chg::id::format(t.year(), *number),
            class,
            created: t,
            requester: *rng.pick(ENGINEERS),
            systems: systems.into_iter().collect(),
            end: end_state,
            issues: rng.chance(5),
            approvers,
            start,
            finish: start + duration,
            documented,
            written,
            rollback_kind: *rng.pick(&[
                RollbackKind::Simple,
                RollbackKind::Simple,
                RollbackKind::Complex,
                RollbackKind::FullRestore,
            ]),
            title,
        });
    }
    plans
}

/// The commits of every record, then unrelated ones up to `wanted` in all
/// (at least a tenth of `n`), sorted by time.
fn events(rng: &mut Rng, plans: &[Plan], wanted: usize, begin: DateTime<Utc>, span_minutes: i64) -> Vec<Event> {
    let n = plans.len();
    let mut events: Vec<Event> = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        let mut push = |at: DateTime<Utc>, author, step, verb: &str| {
            events.push(Event {
                at,
                author,
                step: Some((i, step)),
                message: format!("chg: {verb} {}", p.id),
            })
        };
        match p.class {
            Classification::Emergency => {
                push(p.documented, p.requester, Step::Start, "emergency");
                push(p.written[0], CAROL, Step::Approve(1), "approve in writing");
                push(p.written[1], DAVE, Step::Approve(2), "approve in writing");
                let completed = p.written[1] + rng.minutes(5, 60);
                push(completed, p.requester, Step::Finish, "complete");
                // Within the policy's 5 days of the finish, and after the
                // commit that completes the record (else that commit would
                // write the record back without its review).
                let review = (p.finish + rng.minutes(24 * 60, 4 * 24 * 60)).max(completed + rng.minutes(30, 120));
                push(review, p.requester, Step::PostReview, "post-review");
            }
            Classification::Standard => {
                push(p.created, p.requester, Step::New, "new");
                push(p.start + rng.minutes(1, 10), p.requester, Step::Start, "start");
                push(p.finish + rng.minutes(1, 30), p.requester, Step::Finish, "complete");
            }
            _ => {
                push(p.created, p.requester, Step::New, "new");
                let mut t = p.created + rng.minutes(60, 36 * 60);
                if p.end == End::Rejected {
                    push(t, crate::record::rejecter(p), Step::Stop, "reject");
                    continue;
                }
                if p.end == End::Cancelled && rng.chance(50) {
                    push(t, p.requester, Step::Stop, "cancel");
                    continue;
                }
                for (k, who) in p.approvers.iter().enumerate() {
                    push(t, *who, Step::Approve(k + 1), "approve");
                    t += rng.minutes(10, 300);
                }
                if rng.chance(3) {
                    push(t, p.requester, Step::EditAfterApproval, "edit");
                    t += rng.minutes(10, 60);
                }
                if p.end == End::Cancelled {
                    push(t, p.requester, Step::Stop, "cancel");
                    continue;
                }
                push(
                    t.min(p.start - Duration::minutes(30)),
                    p.requester,
                    Step::Schedule,
                    "schedule",
                );
                push(p.start + rng.minutes(1, 10), p.requester, Step::Start, "start");
                push(p.finish + rng.minutes(1, 30), p.requester, Step::Finish, "complete");
                if rng.chance(50) {
                    push(
                        p.finish + rng.minutes(24 * 60, 7 * 24 * 60),
                        p.requester,
                        Step::Close,
                        "close",
                    );
                }
            }
        }
    }
    let unrelated = wanted.saturating_sub(events.len()).max(n / 10);
    for k in 0..unrelated {
        let at = begin + Duration::minutes(rng.below(span_minutes as u64) as i64);
        events.push(Event {
            at,
            author: *rng.pick(ENGINEERS),
            step: None,
            message: format!("src: change {k}"),
        });
    }
    events.sort_by_key(|e| e.at);
    events
}

/// Streams the init commit and every event's commit to `git fast-import`
/// in `out`; returns how many commits wrote a record.
fn import(out: &Path, plans: &[Plan], events: &[Event], begin: DateTime<Utc>, policy: &Policy) -> Result<usize> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(out)
        .args(["fast-import", "--quiet", "--date-format=raw"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .context("cannot run `git fast-import`")?;
    let stdin = child
        .stdin
        .take()
        .ok_or_else(|| anyhow!("cannot write to git fast-import"))?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, stdin);
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "changes/policy.yaml".into(),
            chg::policy::DEFAULT_POLICY_YAML.as_bytes().to_vec(),
        ),
        (
            "README.md".into(),
            b"# Demo service\n\nA synthetic store made by `chg-demo`.\n".to_vec(),
        ),
    ];
    for (name, text) in chg::template::DEFAULT_TEMPLATES {
        files.push((format!("changes/templates/{name}.yaml"), text.as_bytes().to_vec()));
    }
    commit(
        &mut w,
        begin - Duration::days(1),
        SAM,
        "chg: init the change store",
        &files,
        true,
    )?;
    let mut record_commits = 0;
    // Writing a large store takes minutes: show how far it is, on a terminal.
    let shown = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let mut progress = chg::progress::Progress::new("writing the history", "commits", shown);
    for e in events {
        progress.add(1);
        let (path, body) = match e.step {
            Some((i, step)) => {
                record_commits += 1;
                let p = &plans[i];
                let record = render(p, step, e.at, policy)?;
                let year = p.created.year();
                (
                    format!("changes/{year}/{}.yaml", p.id),
                    chg::document::to_yaml(&record, &BTreeMap::new())?.into_bytes(),
                )
            }
            None => {
                let k = e.message.len() % 40;
                (format!("src/module-{k}.txt"), format!("{}\n", e.message).into_bytes())
            }
        };
        commit(&mut w, e.at, e.author, &e.message, &[(path, body)], false)?;
    }
    w.flush()?;
    drop(w);
    drop(progress);
    let status = child.wait()?;
    if !status.success() {
        bail!("git fast-import failed in {}", out.display());
    }
    Ok(record_commits)
}

/// Generates the repository; returns a one-line summary.
pub fn generate(options: &Options) -> Result<String> {
    let out = &options.out;
    if out.exists() && std::fs::read_dir(out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!(
            "{} exists and is not empty\n  hint: pass a new folder to `--out`; chg-demo never writes into an existing repository",
            out.display()
        );
    }
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let git = |args: &[&str]| -> Result<()> {
        let status = Command::new("git")
            .arg("-C")
            .arg(out)
            .args(args)
            .stdout(Stdio::null())
            .status()
            .context("cannot run `git`\n  hint: chg-demo needs the git command on PATH")?;
        if !status.success() {
            bail!("`git {}` failed in {}", args.join(" "), out.display());
        }
        Ok(())
    };
    git(&["init", "-q", "-b", "main"])?;

    let policy = Policy::default();
    let mut rng = Rng(options.seed ^ 0x5eed);
    let n = options.records;
    let years = n.div_ceil(6700).max(2) as i64;
    let end = Utc
        .with_ymd_and_hms(2026, 11, 1, 0, 0, 0)
        .single()
        .ok_or_else(|| anyhow!("bad date"))?;
    let begin = end - Duration::days(365 * years);
    let span_minutes = (end - begin).num_minutes();

    let plans = plans(&mut rng, n, begin, span_minutes, &policy);
    let events = events(
        &mut rng,
        &plans,
        n * options.commits_per_record.max(1),
        begin,
        span_minutes,
    );

    let record_commits = import(out, &plans, &events, begin, &policy)?;
    git(&["reset", "-q", "--hard"])?;
    Ok(format!(
        "Created {} with {n} records and {} commits ({} on records, {} unrelated), {} to {}",
        out.display(),
        events.len() + 1,
        record_commits,
        events.len() - record_commits,
        begin.format("%Y-%m-%d"),
        end.format("%Y-%m-%d")
    ))
}

fn commit(
    w: &mut impl std::io::Write,
    at: DateTime<Utc>,
    who: (&str, &str),
    message: &str,
    files: &[(String, Vec<u8>)],
    first: bool,
) -> Result<()> {
    let sig = format!("{} <{}> {}", who.0, who.1, ts(at));
    write!(
        w,
        "commit refs/heads/main\nauthor {sig}\ncommitter {sig}\ndata {}\n{message}\n",
        message.len() + 1
    )?;
    let _ = first;
    for (path, body) in files {
        write!(w, "M 100644 inline {path}\ndata {}\n", body.len())?;
        w.write_all(body)?;
        w.write_all(b"\n")?;
    }
    w.write_all(b"\n")?;
    Ok(())
}
