//! `chg audit` and `chg seal` over a real quarter: normal, major, standard
//! and emergency changes made with chg, and one change per control made to
//! fail the way people do it, with chg or with plain git.

use std::path::{Path, PathBuf};

use crate::support::*;

/// Runs a command line (`words`) as someone at a time.
fn at(repo: &Repo, who: Who, now: &str, line: &str) -> Run {
    repo.chg_env(who, &[("CHG_NOW", now)], &words(line))
}

fn file(id: &str) -> String {
    format!("changes/2026/{id}.yaml")
}

/// The day `days` after a `YYYY-MM-DD` day.
fn next(day: &str, days: i64) -> String {
    let date = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap() + chrono::Duration::days(days);
    date.format("%Y-%m-%d").to_string()
}

/// Jane's `chg new --no-input` on `day` at 09:00 with the team's usual
/// description, justification and benefit and these further flags, submitted
/// at 09:05; the new change's id.
fn new_submitted(repo: &Repo, day: &str, flags: &str) -> String {
    let line = format!(
        "new --no-input --description 'Raise the connection pool' --justification 'Timeouts at peak' --benefit 'No checkout timeouts' {flags}"
    );
    let id = created(&at(repo, JANE, &format!("{day}T09:00:00Z"), &line).ok());
    at(repo, JANE, &format!("{day}T09:05:00Z"), &format!("submit {id}")).ok();
    id
}

/// The id `chg new` names in its output.
fn created(run: &Run) -> String {
    run.stdout
        .split_whitespace()
        .find(|w| w.starts_with("CHG-"))
        .unwrap()
        .trim_end_matches([':', '.'])
        .to_string()
}

/// A normal change filed by Jane with its testing passed, submitted, not yet approved.
fn filed(repo: &Repo, day: &str, title: &str) -> String {
    new_submitted(
        repo,
        day,
        &format!("--title \"{title}\" --impact medium --likelihood low --system db --test unit=passed --test integration=passed --test qa_review=passed --rollback-plan 'restore the snapshot' --rollback-kind simple --rollback-tested {day}"),
    )
}

/// Schedules a change at `scheduled_at` for 02:00–04:00 on `day`, starts it
/// there at `started` and completes it at `done` (times of that day).
fn implement(repo: &Repo, id: &str, scheduled_at: &str, day: &str, (started, done): (&str, &str)) {
    let schedule = format!("schedule {id} --start '{day} 02:00' --end '{day} 04:00'");
    at(repo, JANE, scheduled_at, &schedule).ok();
    at(repo, JANE, &format!("{day}T{started}:00Z"), &format!("start {id}")).ok();
    let complete = format!("complete {id} --smoke-tests passed --error-rates normal");
    at(repo, JANE, &format!("{day}T{done}:00Z"), &complete).ok();
}

/// Schedules, starts, completes, reviews and closes a change, all in its window (`day` is a Monday).
fn carry_out(repo: &Repo, id: &str, window_day: &str) {
    implement(
        repo,
        id,
        &format!("{window_day}T01:00:00Z"),
        window_day,
        ("02:05", "02:45"),
    );
    let review = format!("review {id} --summary 'went fine' --lessons-learned none");
    at(repo, JANE, &format!("{window_day}T09:00:00Z"), &review).ok();
    // The monitoring after the deployment that closing needs (24 h for a
    // major change, 1 h for a normal one): watched until the next morning.
    let day_after = next(window_day, 1);
    let monitor = format!("monitor {id} --to '{day_after} 02:50' --observed 'error rates at baseline'");
    at(repo, JANE, &format!("{day_after}T03:00:00Z"), &monitor).ok();
    at(repo, JANE, &format!("{day_after}T03:10:00Z"), &format!("close {id}")).ok();
}

/// The same emergency, documented and approved in time, or documented two days late.
fn emergency(repo: &Repo, day: &str, late: bool) -> String {
    let line = format!(
        "new --emergency --no-input --title 'Patch RCE in api-gateway' --criterion critical-vulnerability --cvss 9.8 --impact-of-not-implementing 'Remote code execution on the public API' --system api-gateway --description 'Patch the parser' --justification 'RCE on the public API' --benefit 'The hole closed' --test unit=passed --rollback-plan 'redeploy the previous image' --rollback-kind simple --verbal-approval ciso:carol@example.com --verbal-approval 'cto:Dave Kim <dave@example.com>' --verbal-at {day}T11:50:00Z"
    );
    let id = created(&at(repo, JANE, &format!("{day}T12:00:00Z"), &line).ok());
    at(repo, JANE, &format!("{day}T12:00:00Z"), &format!("start {id}")).ok();
    let complete = format!("complete {id} --smoke-tests passed --error-rates normal");
    at(repo, JANE, &format!("{day}T13:00:00Z"), &complete).ok();
    // Documented (and so approved in writing) the same afternoon, or two days later.
    let doc_day = if late { next(day, 2) } else { day.to_string() };
    at(repo, JANE, &format!("{doc_day}T15:00:00Z"), &format!("submit {id}")).ok();
    at(repo, CAROL, &format!("{doc_day}T16:00:00Z"), &format!("approve {id}")).ok();
    at(repo, DAVE, &format!("{doc_day}T16:10:00Z"), &format!("approve {id}")).ok();
    // Presented at the next CAB meeting (the day after: `day` is a Monday), reviewed within 5 days.
    let (cab_day, review_day) = (next(day, 1), next(day, 3));
    let steps = [
        ("10:30", format!("review {id} --cab --date {cab_day} --feedback ok")),
        (
            "10:40",
            format!(
                "review {id} --summary patched --root-cause 'an old library' --preventive-measures 'dependency alerts'"
            ),
        ),
        ("10:50", format!("close {id}")),
    ];
    for (time, line) in steps {
        at(repo, JANE, &format!("{review_day}T{time}:00Z"), &line).ok();
    }
    id
}

/// Sets a key of a record by hand and commits it with git as someone, at a time.
fn edit(repo: &Repo, who: Who, when: &str, id: &str, (path, value): (&str, &str)) {
    repo.edit_yaml(&file(id), |y| y.set(path, value));
    repo.commit_all_at(who, when, &format!("edit {id}"));
}

/// Marks a submitted change approved with git as `who` at `when`, then adds
/// `approver`'s written approval for `role`, dated `dated`, in a commit of its own.
fn approve_with_git(
    repo: &Repo,
    (who, when): (Who, &str),
    id: &str,
    (role, approver, dated): (&str, Who, &str),
    message: &str,
) {
    edit(repo, who, when, id, ("status", "approved"));
    let approval = Approval::new(role, approver).at(&format!("\"{dated}\""));
    repo.edit_yaml(&file(id), |y| y.set("approvals", &format!("[{}]", approval.inline())));
    repo.commit_all_at(who, when, message);
}

/// The ids of the quarter's changes, by what they show.
struct Quarter {
    repo: Test,
    normal: String,
    major: String,
    standard: String,
    emergency: String,
    approvals: String,
    current: String,
    signed: String,
    signed_ok: String,
    window: String,
    testing: String,
    deadlines: String,
    review: String,
}

/// 2026-Q3 of a team's store: one clean change of each class, then one
/// change per control that fails it (and only it).
fn quarter() -> Quarter {
    let repo = Test::new();
    // Clean: a normal change, a major one, a standard one and an emergency.
    let normal = filed(&repo, "2026-07-06", "Upgrade postgres");
    at(&repo, SAM, "2026-07-06T10:00:00Z", &format!("approve {normal}")).ok();
    carry_out(&repo, &normal, "2026-07-07");

    let major = new_submitted(
        &repo,
        "2026-07-08",
        "--title 'Move checkout to the new cluster' --impact high --likelihood medium --system checkout --test unit=passed --test integration=passed --test qa_review=passed --test security_review=passed --test performance=passed --rollback-plan 'switch the DNS back' --rollback-kind complex --rollback-tested 2026-07-01",
    );
    // Approval waits for a recorded rehearsal of the complex rollback.
    at(
        &repo,
        JANE,
        "2026-07-08T09:07:00Z",
        &format!("rehearse {major} --minutes 40 --result passed"),
    )
    .ok();
    for (who, t) in [(ANA, "10:00"), (BEN, "10:10"), (CHO, "10:20")] {
        at(&repo, who, &format!("2026-07-08T{t}:00Z"), &format!("approve {major}")).ok();
    }
    carry_out(&repo, &major, "2026-07-14");

    let standard = new_submitted(
        &repo,
        "2026-07-15",
        "--template certificate-renewal --title 'Renew the api certificate'",
    );
    carry_out(&repo, &standard, "2026-07-16");

    let emergency_ok = emergency(&repo, "2026-07-20", false);

    // approvals: Jane writes Lee's approval into the record herself, with git.
    let approvals = filed(&repo, "2026-08-03", "Rotate the API keys");
    approve_with_git(
        &repo,
        (JANE, "2026-08-03T11:00:00+00:00"),
        &approvals,
        ("engineering-lead", LEE, "2026-08-03T10:58:00Z"),
        "approved by Lee on Slack",
    );

    // approvals-current: approved, then its title rewritten by a plain commit.
    let current = filed(&repo, "2026-08-04", "Resize the cache");
    at(&repo, SAM, "2026-08-04T10:00:00Z", &format!("approve {current}")).ok();
    edit(
        &repo,
        JANE,
        "2026-08-04T11:00:00+00:00",
        &current,
        ("title", "Resize the cache and drop the old index"),
    );

    // window: finished an hour after its window closed.
    let window = filed(&repo, "2026-08-10", "Reindex search");
    at(&repo, SAM, "2026-08-10T10:00:00Z", &format!("approve {window}")).ok();
    implement(&repo, &window, "2026-08-10T11:00:00Z", "2026-08-11", ("03:00", "05:00"));

    // testing: QA failed, and Sam approved it anyway, by hand with git.
    let testing = filed(&repo, "2026-08-17", "Bump the TLS library");
    edit(
        &repo,
        JANE,
        "2026-08-17T09:30:00+00:00",
        &testing,
        ("testing.qa_review", "failed"),
    );
    approve_with_git(
        &repo,
        (SAM, "2026-08-17T10:00:00+00:00"),
        &testing,
        ("change-manager", SAM, "2026-08-17T09:59:00Z"),
        "approve",
    );

    // emergency-deadlines: documented and approved in writing two days late.
    let deadlines = emergency(&repo, "2026-08-24", true);

    // review: completed, then closed by hand without a review.
    let review = filed(&repo, "2026-08-31", "Archive old logs");
    at(&repo, SAM, "2026-08-31T10:00:00Z", &format!("approve {review}")).ok();
    implement(&repo, &review, "2026-08-31T11:00:00Z", "2026-09-01", ("02:05", "02:30"));
    edit(&repo, JANE, "2026-09-01T09:00:00+00:00", &review, ("status", "closed"));

    // signed: from September approvals must be signed; Sam's is not.
    let keys = tempfile::tempdir().unwrap();
    let key = |who: &str| ssh_keygen(keys.path(), who).1;
    repo.require_signed_approvals(&[("sam@example.com", &key("sam")), ("lee@example.com", &key("lee"))]);
    repo.commit_all_at(SAM, "2026-09-01T12:00:00+00:00", "require signed approvals");
    let signed = filed(&repo, "2026-09-07", "Enable HTTP/3");
    at(&repo, SAM, "2026-09-07T10:00:00Z", &format!("approve {signed}")).ok();
    // Lee's git signs: chg's commit carries his signature, which git verifies.
    let signed_ok = filed(&repo, "2026-09-08", "Enable Brotli");
    let lee_key = keys.path().join("lee");
    repo.git(&["config", "gpg.format", "ssh"]);
    repo.git(&["config", "user.signingkey", lee_key.to_str().unwrap()]);
    repo.git(&["config", "commit.gpgsign", "true"]);
    at(&repo, LEE, "2026-09-08T10:00:00Z", &format!("approve {signed_ok}")).ok();
    repo.git(&["config", "commit.gpgsign", "false"]);

    // After the quarter: nothing that happens later is in its folder.
    filed(&repo, "2026-10-05", "Next quarter's change");
    let schedule = format!("schedule {signed} --start '2026-10-06 02:00' --end '2026-10-06 04:00'");
    at(&repo, JANE, "2026-10-05T11:00:00Z", &schedule).ok();
    Quarter {
        repo,
        normal,
        major,
        standard,
        emergency: emergency_ok,
        approvals,
        current,
        signed,
        signed_ok,
        window,
        testing,
        deadlines,
        review,
    }
}

fn verdicts(population: &serde_json::Value, id: &str) -> Vec<(String, String)> {
    let change = population["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{id} in the population: {population:#}"));
    change["controls"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["control"].as_str().unwrap().to_string(),
                c["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn failing(population: &serde_json::Value, id: &str) -> Vec<String> {
    verdicts(population, id)
        .into_iter()
        .filter(|(_, v)| v == "fail" || v == "unverifiable")
        .map(|(c, _)| c)
        .collect()
}

fn audit(repo: &Repo, out: &str, extra: &[&str]) -> Run {
    let mut args = vec!["audit", "--period", "2026-Q3", "--output", out];
    args.extend_from_slice(extra);
    repo.chg_env(JANE, &[("CHG_NOW", "2026-10-10T09:00:00Z")], &args)
}

/// A temporary folder and, in it, the folder a successful audit of the
/// quarter wrote with these further arguments.
fn audited(q: &Quarter, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit");
    audit(&q.repo, out.to_str().unwrap(), extra).ok();
    (dir, out)
}

fn read_json(path: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

#[test]
fn the_population_lists_every_change_of_the_quarter_with_its_control_verdicts() {
    let q = quarter();
    let (_dir, out) = audited(&q, &[]);
    let population = read_json(&out.join("population.json"));
    let ids = texts(&population["changes"], "id");
    assert_eq!(ids.len(), 12, "the quarter's twelve changes, not October's: {ids:?}");
    for clean in [&q.normal, &q.major, &q.standard, &q.emergency, &q.signed_ok] {
        assert_eq!(
            failing(&population, clean),
            Vec::<String>::new(),
            "{clean}: {population:#}"
        );
    }
    for (id, control) in [
        (&q.approvals, "approvals"),
        (&q.current, "approvals-current"),
        (&q.signed, "signed"),
        (&q.window, "window"),
        (&q.testing, "testing"),
        (&q.deadlines, "emergency-deadlines"),
        (&q.review, "review"),
    ] {
        assert_eq!(
            failing(&population, id),
            [control],
            "{id}: {:#?}",
            verdicts(&population, id)
        );
    }
    // The emergency passed on its deadlines; the standard change needs no approval round.
    assert!(verdicts(&population, &q.emergency).contains(&("emergency-deadlines".into(), "pass".into())));
    assert!(verdicts(&population, &q.normal).contains(&("emergency-deadlines".into(), "n/a".into())));
    assert!(verdicts(&population, &q.signed_ok).contains(&("signed".into(), "pass".into())));
    // The CSV has the same verdicts, one column per control.
    let csv = std::fs::read_to_string(out.join("population.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(
        header.contains("approvals,approvals-current,signed,window,testing,emergency-deadlines,review"),
        "{header}"
    );
    let line = csv.lines().find(|l| l.contains(&*q.window)).unwrap();
    assert!(line.contains(",pass,pass,n/a,fail,pass,n/a,"), "{line}");
    // Both policy versions in force are in the folder, with who changed them.
    let versions = std::fs::read_to_string(out.join("policy/versions.json")).unwrap();
    assert!(
        versions.contains("Sam Lee <sam@example.com>") && versions.contains("Jane Doe <jane@example.com>"),
        "{versions}"
    );
}

fn sampled(out: &str) -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(format!("{out}/sample"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_sample_with_a_seed_is_the_same_on_every_run_and_holds_every_exception() {
    let q = quarter();
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    audit(&q.repo, &path("a"), &["--sample", "9", "--seed", "7"]).ok();
    audit(&q.repo, &path("b"), &["--sample", "9", "--seed", "7"]).ok();
    let a = sampled(&path("a"));
    assert_eq!(a, sampled(&path("b")), "the same seed draws the same sample");
    assert_eq!(a.len(), 9, "{a:?}");
    // Every exception and every emergency is in it, whatever the draw.
    for id in [
        &q.approvals,
        &q.current,
        &q.signed,
        &q.window,
        &q.testing,
        &q.deadlines,
        &q.review,
        &q.emergency,
    ] {
        assert!(a.contains(id), "{id} in {a:?}");
    }
    // The one random place goes to one of the four other clean changes, by the seed.
    let random: Vec<&String> = a
        .iter()
        .filter(|id| [&q.normal, &q.major, &q.standard, &q.signed_ok].contains(id))
        .collect();
    assert_eq!(random.len(), 1, "{a:?}");
    let draws: std::collections::BTreeSet<Vec<String>> = (1..=12)
        .map(|seed| {
            let out = path(&format!("s{seed}"));
            audit(&q.repo, &out, &["--sample", "9", "--seed", &seed.to_string()]).ok();
            sampled(&out)
        })
        .collect();
    assert!(draws.len() > 1, "another seed draws another change: {draws:?}");
    // Without the strata the sample is only its size, drawn at random.
    audit(&q.repo, &path("c"), &["--sample", "2", "--no-strata"]).ok();
    assert_eq!(sampled(&path("c")).len(), 2);
    // A sampled change's folder: the record as of the end of the quarter,
    // its history, and the approval with its commit, committer and signature.
    let folder = format!("{}/sample/{}", path("a"), q.signed);
    let record = std::fs::read_to_string(format!("{folder}/record.yaml")).unwrap();
    let at_end = q.repo.git(&["show", &format!("HEAD:{}", file(&q.signed))]);
    assert_eq!(Yaml::new(&record).get("status"), "approved");
    assert_ne!(record, at_end, "October's commits are not in it");
    let approvals = read_json(Path::new(&format!("{folder}/approvals.json")));
    let first = &approvals[0];
    assert_eq!(
        first["added_in"]["committer"], "Sam Lee <sam@example.com>",
        "{approvals:#}"
    );
    assert_eq!(first["added_in"]["signature"]["status"], "N", "{approvals:#}");
    assert_eq!(first["digest_matches"], true, "{approvals:#}");
    let history = std::fs::read_to_string(format!("{folder}/history.txt")).unwrap();
    assert!(
        history.contains("chg: approve") && history.contains("Sam Lee"),
        "{history}"
    );
    // A signed approval: git's verdict, the key and the signer.
    audit(&q.repo, &path("all"), &["--sample", "all"]).ok();
    let approvals = read_json(Path::new(&format!(
        "{}/sample/{}/approvals.json",
        path("all"),
        q.signed_ok
    )));
    let signature = &approvals[0]["added_in"]["signature"];
    assert_eq!(signature["status"], "G", "{approvals:#}");
    assert_eq!(signature["signer"], "lee@example.com", "{approvals:#}");
    assert!(
        signature["key"].as_str().unwrap().starts_with("SHA256:"),
        "{approvals:#}"
    );
    let deadlines = std::fs::read_to_string(format!("{}/sample/{}/deadlines.json", path("a"), q.deadlines)).unwrap();
    assert!(deadlines.contains("\"verdict\": \"late\""), "{deadlines}");
}

#[test]
fn verify_passes_on_the_folder_as_written_and_fails_on_one_byte_changed() {
    let q = quarter();
    let (_dir, out) = audited(&q, &[]);
    let out_s = out.to_str().unwrap();
    // sha256sum reads the manifest as it is, without chg.
    let sums = std::process::Command::new("sha256sum")
        .args(["-c", "--strict", "manifest.sha256"])
        .current_dir(&out)
        .output()
        .unwrap();
    assert!(sums.status.success(), "{}", String::from_utf8_lossy(&sums.stdout));
    q.repo.chg(&["audit", "--verify", out_s]).ok();
    // One byte of a sampled record changed.
    let target = out.join(format!("sample/{}/record.yaml", q.window));
    let mut bytes = std::fs::read(&target).unwrap();
    let i = bytes.iter().position(|b| *b == b'R').unwrap();
    bytes[i] = b'r';
    std::fs::write(&target, bytes).unwrap();
    let run = q.repo.chg(&["audit", "--verify", out_s]).status(1);
    assert!(
        run.stdout.contains(&format!(
            "sample/{}/record.yaml: changed since it was written",
            q.window
        )),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("sample/{}/record.yaml differs from", q.window)),
        "the repository disagrees too: {}",
        run.stdout
    );
}

#[test]
fn audit_refuses_a_folder_that_is_not_empty_and_leaves_no_half_folder() {
    let q = quarter();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
    let folder = dir.path().to_str().unwrap();
    audit(&q.repo, folder, &[]).is(
        2,
        "",
        &format!("error: {folder} is not empty\n  hint: give a new folder (`--output audit-2026-Q3`); chg never writes over evidence\n"),
    );
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "nothing written beside it"
    );
    // An empty folder is filled, and nothing is left beside it.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    audit(&q.repo, empty.to_str().unwrap(), &[]).ok();
    assert!(empty.join("manifest.sha256").exists());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.starts_with(".chg-audit")), "{names:?}");
}

#[test]
fn a_shallow_clone_is_listed_as_unverifiable_never_skipped() {
    let q = quarter();
    let clone = q.repo.shallow_clone(5);
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("a");
    audit(&clone, folder.to_str().unwrap(), &[]).ok();
    let population = std::fs::read_to_string(folder.join("population.json")).unwrap();
    assert!(population.contains("the history is incomplete"), "{population}");
    assert!(population.contains("\"unverifiable\""), "{population}");
}

#[test]
fn a_record_rewritten_after_its_seal_by_a_plain_commit_is_reported() {
    let q = quarter();
    let run = at(&q.repo, SAM, "2026-10-10T09:00:00Z", "seal --period 2026-08").ok();
    assert!(run.stdout.contains("chg-seal/2026-08"), "{}", run.stdout);
    let tag = q.repo.git(&["cat-file", "-p", "chg-seal/2026-08"]);
    assert!(tag.contains("\ntagger Sam Lee <sam@example.com>"), "{tag}");
    assert!(
        tag.contains(&format!("record {} {} sha256:", q.window, file(&q.window))),
        "{tag}"
    );
    assert!(!tag.contains(&q.normal), "a July change is not in August's seal: {tag}");
    at(&q.repo, JANE, "2026-10-10T09:00:00Z", "seal --verify").ok();
    // A period not over yet cannot be sealed, nor one sealed twice.
    at(&q.repo, SAM, "2026-10-10T09:00:00Z", "seal --period 2026-10").status(2);
    at(&q.repo, SAM, "2026-10-10T09:00:00Z", "seal --period 2026-08").status(2);

    // In October someone makes the window look kept.
    edit(
        &q.repo,
        MALLORY,
        "2026-10-11T09:00:00+00:00",
        &q.window,
        ("title", "Reindex search (short)"),
    );
    let commit = q.repo.git(&["rev-parse", "HEAD"]).trim().to_string();
    let run = at(&q.repo, JANE, "2026-10-11T10:00:00Z", "seal --verify").status(1);
    assert!(
        run.stdout.contains(&q.window) && run.stdout.contains(&commit[..10]),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("changed title after the seal"), "{}", run.stdout);
    // chg check reports it on every run, on the record, in the commit.
    let check = at(&q.repo, JANE, "2026-10-11T10:00:00Z", "check --format json").status(1);
    let sealed = check.finding("sealed-record-changed");
    assert_eq!(sealed.file, file(&q.window));
    assert_eq!(sealed.commit.as_deref(), Some(commit.as_str()));

    // Deleting a sealed record is reported too.
    std::fs::remove_file(q.repo.join(&file(&q.testing))).unwrap();
    q.repo.commit_all_at(MALLORY, "2026-10-11T11:00:00+00:00", "tidy up");
    let run = at(&q.repo, JANE, "2026-10-11T12:00:00Z", "seal --verify").status(1);
    assert!(
        run.stdout.contains(&format!("removed {}", file(&q.testing))),
        "{}",
        run.stdout
    );
}

#[test]
fn a_force_pushed_rewrite_after_a_seal_is_detected_from_the_tag_alone() {
    let q = quarter();
    at(&q.repo, SAM, "2026-10-10T09:00:00Z", "seal --period 2026-08").ok();
    let sealed = q
        .repo
        .git(&["rev-parse", "chg-seal/2026-08^{commit}"])
        .trim()
        .to_string();
    // The whole history is rewritten so that the testing change's QA passed,
    // as a force-push of main would leave it.
    let fix = format!(
        "sed -i 's/qa_review: failed/qa_review: passed/' {} 2>/dev/null || true",
        file(&q.testing)
    );
    let home = tempfile::tempdir().unwrap();
    let mut rewrite = std::process::Command::new("git");
    isolate(&mut rewrite, home.path());
    let out = rewrite
        .current_dir(q.repo.path())
        .env("FILTER_BRANCH_SQUELCH_WARNING", "1")
        .env("GIT_COMMITTER_NAME", MALLORY.name)
        .env("GIT_COMMITTER_EMAIL", MALLORY.email)
        .args(["filter-branch", "-f", "--tree-filter", &fix, "--", "main"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let shown = q.repo.git(&["show", &format!("main:{}", file(&q.testing))]);
    assert!(shown.contains("qa_review: passed"), "{shown}");
    // The clone an auditor fetches has the rewritten main and the tag.
    let clone = q.repo.git_clone(&[]);
    let run = at(&clone, JANE, "2026-10-12T10:00:00Z", "seal --verify").status(1);
    let gone = format!("the sealed commit {sealed} of 2026-08 is no longer in the history of HEAD");
    assert_contains(&run.stdout, &[&gone, &q.testing, "changed testing"]);
}

#[test]
fn the_index_page_renders_and_prints_in_a_headless_browser() {
    let Some(chromium) = chromium("the_index_page_renders_and_prints_in_a_headless_browser") else {
        return;
    };
    let q = quarter();
    let (dir, out) = audited(&q, &[]);
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("src=\"http"),
        "self-contained"
    );
    // Exceptions come first, and every sampled file is linked.
    let exceptions = html.find("<h2>Exceptions</h2>").unwrap();
    assert!(exceptions < html.find("<h2>Population").unwrap(), "exceptions first");
    for id in [&q.window, &q.testing] {
        assert!(html.contains(&format!("href=\"sample/{id}/record.yaml\"")), "{id}");
    }
    let profile = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("index.pdf");
    let dom = dir.path().join("index.dom");
    let page = format!("file://{}", out.join("index.html").display());
    let print = format!("--print-to-pdf={}", pdf.display());
    crate::reports::finish(
        crate::reports::browse(
            chromium,
            profile.path(),
            &["--dump-dom".into(), print.clone()],
            &page,
            &dom,
        ),
        "the audit index",
    );
    if !pdf.exists() {
        let log = dir.path().join("pdf.log");
        crate::reports::finish(
            crate::reports::browse(chromium, profile.path(), &[print], &page, &log),
            "the PDF",
        );
    }
    if !std::fs::read_to_string(&dom).unwrap_or_default().contains("</html>") {
        crate::reports::finish(
            crate::reports::browse(chromium, profile.path(), &["--dump-dom".into()], &page, &dom),
            "the DOM",
        );
    }
    let printed = std::fs::read(&pdf).unwrap_or_default();
    assert!(
        printed.starts_with(b"%PDF") && printed.len() > 5_000,
        "chromium printed the index as a PDF"
    );
    let dom = std::fs::read_to_string(&dom).unwrap();
    assert!(dom.contains("Change management evidence — 2026-Q3"), "{dom}");
    assert!(dom.contains(&q.deadlines), "{dom}");
}
