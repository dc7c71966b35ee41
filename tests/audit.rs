//! `chg audit` and `chg seal` over a real quarter: normal, major, standard
//! and emergency changes made with chg, and one change per control made to
//! fail the way people do it, with chg or with plain git.

use crate::support::*;

fn at(repo: &Repo, who: Who, now: &str, args: &[&str]) -> Run {
    repo.chg_env(who, &[("CHG_NOW", now)], args)
}

fn file(id: &str) -> String {
    format!("changes/2026/{id}.yaml")
}

/// A normal change filed by Jane with its testing passed, submitted, not yet approved.
fn filed(repo: &Repo, day: &str, title: &str) -> String {
    let run = at(
        repo,
        JANE,
        &format!("{day}T09:00:00Z"),
        &[
            "new",
            "--no-input",
            "--title",
            title,
            "--impact",
            "medium",
            "--likelihood",
            "low",
            "--system",
            "db",
            "--test",
            "unit=passed",
            "--test",
            "integration=passed",
            "--test",
            "qa_review=passed",
            "--rollback-plan",
            "restore the snapshot",
            "--rollback-kind",
            "simple",
        ],
    )
    .ok();
    let id = run
        .stdout
        .split_whitespace()
        .find(|w| w.starts_with("CHG-"))
        .unwrap()
        .to_string();
    at(repo, JANE, &format!("{day}T09:05:00Z"), &["submit", &id]).ok();
    id
}

/// Schedules, starts, completes, reviews and closes a change, all in its window (`day` is a Monday).
fn carry_out(repo: &Repo, id: &str, window_day: &str) {
    at(repo, JANE, &format!("{window_day}T01:00:00Z"), &[
        "schedule",
        id,
        "--start",
        &format!("{window_day} 02:00"),
        "--end",
        &format!("{window_day} 04:00"),
    ])
    .ok();
    at(repo, JANE, &format!("{window_day}T02:05:00Z"), &["start", id]).ok();
    at(repo, JANE, &format!("{window_day}T02:45:00Z"), &[
        "complete",
        id,
        "--smoke-tests",
        "passed",
        "--error-rates",
        "normal",
    ])
    .ok();
    at(repo, JANE, &format!("{window_day}T09:00:00Z"), &[
        "review",
        id,
        "--summary",
        "went fine",
        "--lessons-learned",
        "none",
    ])
    .ok();
    at(repo, JANE, &format!("{window_day}T09:10:00Z"), &["close", id]).ok();
}

/// The same emergency, documented and approved in time, or documented two days late.
fn emergency(repo: &Repo, day: &str, late: bool) -> String {
    let run = at(
        repo,
        JANE,
        &format!("{day}T12:00:00Z"),
        &[
            "new",
            "--emergency",
            "--no-input",
            "--title",
            "Patch RCE in api-gateway",
            "--criterion",
            "critical-vulnerability",
            "--cvss",
            "9.8",
            "--impact-of-not-implementing",
            "Remote code execution on the public API",
            "--system",
            "api-gateway",
            "--test",
            "unit=passed",
            "--rollback-plan",
            "redeploy the previous image",
            "--rollback-kind",
            "simple",
            "--verbal-approval",
            "ciso:carol@example.com",
            "--verbal-approval",
            "cto:Dave Kim <dave@example.com>",
            "--verbal-at",
            &format!("{day}T11:50:00Z"),
        ],
    )
    .ok();
    let id = run
        .stdout
        .split_whitespace()
        .find(|w| w.starts_with("CHG-"))
        .unwrap()
        .trim_end_matches([':', '.'])
        .to_string();
    at(repo, JANE, &format!("{day}T12:00:00Z"), &["start", &id]).ok();
    at(repo, JANE, &format!("{day}T13:00:00Z"), &[
        "complete",
        &id,
        "--smoke-tests",
        "passed",
        "--error-rates",
        "normal",
    ])
    .ok();
    // Documented (and so approved in writing) the same afternoon, or two days later.
    let next = |d: &str, days: i64| {
        let date = chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap() + chrono::Duration::days(days);
        date.format("%Y-%m-%d").to_string()
    };
    let doc_day = if late { next(day, 2) } else { day.to_string() };
    at(repo, JANE, &format!("{doc_day}T15:00:00Z"), &["submit", &id]).ok();
    at(repo, CAROL, &format!("{doc_day}T16:00:00Z"), &["approve", &id]).ok();
    at(repo, DAVE, &format!("{doc_day}T16:10:00Z"), &["approve", &id]).ok();
    // Presented at the next CAB meeting (the day after: `day` is a Monday), reviewed within 5 days.
    let cab_day = next(day, 1);
    let review_day = next(day, 3);
    at(repo, JANE, &format!("{review_day}T10:30:00Z"), &[
        "review",
        &id,
        "--cab",
        "--date",
        &cab_day,
        "--feedback",
        "ok",
    ])
    .ok();
    at(repo, JANE, &format!("{review_day}T10:40:00Z"), &[
        "review",
        &id,
        "--summary",
        "patched",
        "--root-cause",
        "an old library",
        "--preventive-measures",
        "dependency alerts",
    ])
    .ok();
    at(repo, JANE, &format!("{review_day}T10:50:00Z"), &["close", &id]).ok();
    id
}

/// Edits a record's text and commits it with git as someone, at a time.
fn edit(repo: &Repo, who: Who, when: &str, id: &str, from: &str, to: &str) {
    let text = repo.read(&file(id));
    assert!(text.contains(from), "{from:?} in {text}");
    repo.write(&file(id), &text.replacen(from, to, 1));
    repo.commit_all_at(who, when, &format!("edit {id}"));
}

/// The ids of the quarter's changes, by what they show.
struct Quarter {
    repo: Repo,
    normal: String,
    major: String,
    standard: String,
    emergency: String,
    approvals: String,
    current: String,
    signed: String,
    window: String,
    testing: String,
    deadlines: String,
    review: String,
}

/// 2026-Q3 of a team's store: one clean change of each class, then one
/// change per control that fails it (and only it).
fn quarter() -> Quarter {
    let repo = Repo::initialised();
    // Clean: a normal change, a major one, a standard one and an emergency.
    let normal = filed(&repo, "2026-07-06", "Upgrade postgres");
    at(&repo, SAM, "2026-07-06T10:00:00Z", &["approve", &normal]).ok();
    carry_out(&repo, &normal, "2026-07-07");

    let run = at(
        &repo,
        JANE,
        "2026-07-08T09:00:00Z",
        &[
            "new", "--no-input", "--title", "Move checkout to the new cluster", "--impact", "high",
            "--likelihood", "medium", "--system", "checkout", "--test", "unit=passed", "--test",
            "integration=passed", "--test", "qa_review=passed", "--test", "security_review=passed", "--test",
            "performance=passed", "--rollback-plan", "switch the DNS back", "--rollback-kind", "complex",
        ],
    )
    .ok();
    let major = run.stdout.split_whitespace().find(|w| w.starts_with("CHG-")).unwrap().to_string();
    at(&repo, JANE, "2026-07-08T09:05:00Z", &["submit", &major]).ok();
    for (who, t) in [(ANA, "10:00"), (BEN, "10:10"), (CHO, "10:20")] {
        at(&repo, who, &format!("2026-07-08T{t}:00Z"), &["approve", &major]).ok();
    }
    carry_out(&repo, &major, "2026-07-14");

    let run = at(
        &repo,
        JANE,
        "2026-07-15T09:00:00Z",
        &["new", "--no-input", "--template", "certificate-renewal", "--title", "Renew the api certificate"],
    )
    .ok();
    let standard = run.stdout.split_whitespace().find(|w| w.starts_with("CHG-")).unwrap().to_string();
    at(&repo, JANE, "2026-07-15T09:05:00Z", &["submit", &standard]).ok();
    carry_out(&repo, &standard, "2026-07-16");

    let emergency_ok = emergency(&repo, "2026-07-20", false);

    // approvals: Jane writes Lee's approval into the record herself, with git.
    let approvals = filed(&repo, "2026-08-03", "Rotate the API keys");
    edit(
        &repo,
        JANE,
        "2026-08-03T11:00:00+00:00",
        &approvals,
        "status: submitted\n",
        "status: approved\n",
    );
    let text = repo.read(&file(&approvals))
        + "approvals:\n  - role: engineering-lead\n    approver: Lee Park <lee@example.com>\n    decision: approved\n    method: written\n    at: \"2026-08-03T10:58:00Z\"\n";
    repo.write(&file(&approvals), &text);
    repo.commit_all_at(JANE, "2026-08-03T11:00:00+00:00", "approved by Lee on Slack");

    // approvals-current: approved, then its title rewritten by a plain commit.
    let current = filed(&repo, "2026-08-04", "Resize the cache");
    at(&repo, SAM, "2026-08-04T10:00:00Z", &["approve", &current]).ok();
    edit(
        &repo,
        JANE,
        "2026-08-04T11:00:00+00:00",
        &current,
        "title: Resize the cache",
        "title: Resize the cache and drop the old index",
    );

    // window: finished an hour after its window closed.
    let window = filed(&repo, "2026-08-10", "Reindex search");
    at(&repo, SAM, "2026-08-10T10:00:00Z", &["approve", &window]).ok();
    at(&repo, JANE, "2026-08-10T11:00:00Z", &[
        "schedule", &window, "--start", "2026-08-11 02:00", "--end", "2026-08-11 04:00",
    ])
    .ok();
    at(&repo, JANE, "2026-08-11T03:00:00Z", &["start", &window]).ok();
    at(&repo, JANE, "2026-08-11T05:00:00Z", &[
        "complete", &window, "--smoke-tests", "passed", "--error-rates", "normal",
    ])
    .ok();

    // testing: QA failed, and Sam approved it anyway, by hand with git.
    let testing = filed(&repo, "2026-08-17", "Bump the TLS library");
    edit(
        &repo,
        JANE,
        "2026-08-17T09:30:00+00:00",
        &testing,
        "  qa_review: passed\n",
        "  qa_review: failed\n",
    );
    edit(
        &repo,
        SAM,
        "2026-08-17T10:00:00+00:00",
        &testing,
        "status: submitted\n",
        "status: approved\n",
    );
    let text = repo.read(&file(&testing))
        + "approvals:\n  - role: change-manager\n    approver: Sam Lee <sam@example.com>\n    decision: approved\n    method: written\n    at: \"2026-08-17T09:59:00Z\"\n";
    repo.write(&file(&testing), &text);
    repo.commit_all_at(SAM, "2026-08-17T10:00:00+00:00", "approve");

    // emergency-deadlines: documented and approved in writing two days late.
    let deadlines = emergency(&repo, "2026-08-24", true);

    // review: completed, then closed by hand without a review.
    let review = filed(&repo, "2026-08-31", "Archive old logs");
    at(&repo, SAM, "2026-08-31T10:00:00Z", &["approve", &review]).ok();
    at(&repo, JANE, "2026-08-31T11:00:00Z", &[
        "schedule", &review, "--start", "2026-09-01 02:00", "--end", "2026-09-01 04:00",
    ])
    .ok();
    at(&repo, JANE, "2026-09-01T02:05:00Z", &["start", &review]).ok();
    at(&repo, JANE, "2026-09-01T02:30:00Z", &[
        "complete", &review, "--smoke-tests", "passed", "--error-rates", "normal",
    ])
    .ok();
    edit(
        &repo,
        JANE,
        "2026-09-01T09:00:00+00:00",
        &review,
        "status: completed\n",
        "status: closed\n",
    );

    // signed: from September approvals must be signed; Sam's is not.
    let key = |who: &str| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("id");
        let out = std::process::Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-C", who, "-f"])
            .arg(&path)
            .output()
            .expect("ssh-keygen");
        assert!(out.status.success(), "{out:?}");
        std::fs::read_to_string(path.with_extension("pub")).unwrap().trim().to_string()
    };
    let policy = repo.read("changes/policy.yaml");
    let policy = policy.replacen(
        "require_signed_approvals: false",
        "require_signed_approvals: true",
        1,
    );
    let policy = policy.replacen(
        "signing_keys: {}",
        &format!(
            "signing_keys:\n  sam@example.com: \"{}\"\n  lee@example.com: \"{}\"",
            key("sam"),
            key("lee")
        ),
        1,
    );
    assert!(policy.contains("require_signed_approvals: true"), "{policy}");
    repo.write("changes/policy.yaml", &policy);
    repo.commit_all_at(SAM, "2026-09-01T12:00:00+00:00", "require signed approvals");
    let signed = filed(&repo, "2026-09-07", "Enable HTTP/3");
    at(&repo, SAM, "2026-09-07T10:00:00Z", &["approve", &signed]).ok();

    // After the quarter: nothing that happens later is in its folder.
    filed(&repo, "2026-10-05", "Next quarter's change");
    Quarter {
        repo,
        normal,
        major,
        standard,
        emergency: emergency_ok,
        approvals,
        current,
        signed,
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
        .map(|c| (c["control"].as_str().unwrap().to_string(), c["verdict"].as_str().unwrap().to_string()))
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
    at(repo, JANE, "2026-10-10T09:00:00Z", &args)
}

#[test]
fn the_population_lists_every_change_of_the_quarter_with_its_control_verdicts() {
    let q = quarter();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("audit-2026-Q3");
    let out = out.to_str().unwrap();
    audit(&q.repo, out, &[]).ok();
    let population: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{out}/population.json")).unwrap()).unwrap();
    let ids: Vec<&str> = population["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), 11, "the quarter's eleven changes, not October's: {ids:?}");
    for clean in [&q.normal, &q.major, &q.standard, &q.emergency] {
        assert_eq!(failing(&population, clean), Vec::<String>::new(), "{clean}: {population:#}");
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
        assert_eq!(failing(&population, id), [control], "{id}: {:#?}", verdicts(&population, id));
    }
    // The emergency passed on its deadlines; the standard change needs no approval round.
    assert!(verdicts(&population, &q.emergency).contains(&("emergency-deadlines".into(), "pass".into())));
    assert!(verdicts(&population, &q.normal).contains(&("emergency-deadlines".into(), "n/a".into())));
    // The CSV has the same verdicts, one column per control.
    let csv = std::fs::read_to_string(format!("{out}/population.csv")).unwrap();
    let header = csv.lines().next().unwrap();
    assert!(header.contains("approvals,approvals-current,signed,window,testing,emergency-deadlines,review"), "{header}");
    let line = csv.lines().find(|l| l.contains(&*q.window)).unwrap();
    assert!(line.contains(",pass,pass,n/a,fail,pass,n/a,"), "{line}");
    // Both policy versions in force are in the folder, with who changed them.
    let versions = std::fs::read_to_string(format!("{out}/policy/versions.json")).unwrap();
    assert!(versions.contains("Sam Lee <sam@example.com>") && versions.contains("Jane Doe <jane@example.com>"), "{versions}");
}
