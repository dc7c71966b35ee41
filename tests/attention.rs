//! Issue 16 point 8: "Changes requiring attention" is complete, in the
//! weekly report and in `chg status` alike: changes in progress past their
//! window, scheduled changes whose window passed without a start, failed or
//! rolled-back changes without a review, reviews without lessons learned,
//! rollbacks owing verification or monitoring, post-emergency reviews without
//! preventive measures, and rollback rehearsals overdue.

use crate::support::*;

const NOW: &str = "2026-11-27T12:00:00Z";

/// The sample store of this repository, committed, at 2026-11-27 12:00 UTC.
fn sample() -> Repo {
    let mut repo = Repo::new();
    copy_dir(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("changes"),
        &repo.join("changes"),
    );
    repo.commit_all_at(JANE, "@1764000000 +0000", "the sample store");
    repo.now = Some(NOW.into());
    repo
}

/// Rows of an attention list: (id, what).
type Rows = Vec<(String, String)>;

/// The rows of the weekly report's attention list and of `chg status`.
fn attention(repo: &Repo) -> (Rows, Rows) {
    let rows = |run: Run, key: Option<&str>| -> Rows {
        let value = run.json();
        let list = key.map_or(&value, |k| &value[k]);
        list.as_array()
            .unwrap_or_else(|| panic!("{value}"))
            .iter()
            .map(|i| {
                (
                    i["id"].as_str().unwrap().to_string(),
                    i["what"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let weekly = rows(
        repo.chg(&["report", "weekly", "--format", "json"]).ok(),
        Some("attention"),
    );
    let status = rows(repo.chg(&["status", "--format", "json"]).ok(), None);
    (weekly, status)
}

#[track_caller]
fn listed(rows: &[(String, String)], id: &str, what: &str) {
    assert!(
        rows.iter().any(|(i, w)| i == id && w.contains(what)),
        "{id} `{what}` is not listed:\n{}",
        rows.iter()
            .map(|(i, w)| format!("{i} {w}"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

#[test]
fn issue_16_8_the_sample_store_lists_overruns_missed_windows_and_missing_reviews() {
    let repo = sample();
    let (weekly, status) = attention(&repo);
    for rows in [&weekly, &status] {
        // In progress since 25 Nov 02:06, its window ended 05:00 that day.
        listed(
            rows,
            "CHG-2026-0027",
            "in progress past its window (ended Wed 25 Nov 05:00)",
        );
        // Scheduled for 26 Nov 02:00–02:30, never started.
        listed(
            rows,
            "CHG-2026-0043",
            "window passed without a start (ended Thu 26 Nov 02:30)",
        );
        listed(rows, "CHG-2026-0031", "failed without a post-implementation review");
        listed(
            rows,
            "CHG-2026-0025",
            "rolled back without a post-implementation review",
        );
        // Its rollback has a root cause and a plan, but no lessons learned.
        listed(rows, "CHG-2026-0025", "rolled back without lessons learned");
    }
    assert_eq!(weekly.len(), status.len(), "the same list: {weekly:?}\n{status:?}");
    // A change whose window is still ahead, or that finished well, is not listed.
    for rows in [&weekly, &status] {
        assert!(
            !rows.iter().any(|(i, _)| i == "CHG-2026-0030" || i == "CHG-2026-0037"),
            "{rows:?}"
        );
    }
    let text = repo.chg(&["status"]).ok().stdout;
    assert!(
        text.contains("CHG-2026-0043") && text.contains("window passed without a start"),
        "{text}"
    );
}

#[test]
fn issue_16_8_reviews_verification_preventive_measures_and_rehearsals_are_listed() {
    let repo = sample();
    // A completed change reviewed without lessons learned.
    let file = "changes/2026/CHG-2026-0024.yaml";
    repo.write(
        file,
        &format!(
            "{}review:\n  completed_at: 2026-11-20T10:00:00Z\n  summary: Went as planned.\n",
            repo.read(file)
        ),
    );
    // A rollback with no monitoring recorded (`chg monitor`; the old
    // `monitored_minutes` says neither who watched nor what they saw).
    let file = "changes/2026/CHG-2026-0029.yaml";
    let text = repo.read(file);
    let start = text
        .find("monitoring:\n")
        .expect("CHG-2026-0029 records its monitoring");
    let end = start + text[start..].find("\n    observed:").unwrap();
    let end = end + 1 + text[end + 1..].find('\n').unwrap() + 1;
    repo.write(file, &format!("{}{}", &text[..start], &text[end..]));
    // A post-emergency review without preventive measures.
    let file = "changes/2026/CHG-2026-0046.yaml";
    let text = repo.read(file);
    // The measures are the last block of the record: cut from their key on.
    let kept = &text[..text.find("    preventive_measures:").unwrap()];
    repo.write(file, kept);
    // A major change still to run whose checkout-api rehearsal was never recorded.
    std::fs::remove_file(repo.join("changes/rehearsals/checkout-api.yaml")).unwrap();
    repo.commit_all_at(JANE, "@1764000100 +0000", "edits");
    let (weekly, status) = attention(&repo);
    for rows in [&weekly, &status] {
        listed(rows, "CHG-2026-0024", "review without lessons learned");
        listed(
            rows,
            "CHG-2026-0029",
            "monitoring owed: 30 min after the rollback (from Wed 18 Nov 03:58)",
        );
        listed(
            rows,
            "CHG-2026-0046",
            "post-emergency review without preventive measures",
        );
        listed(
            rows,
            "CHG-2026-0030",
            "rollback rehearsal overdue: a complex rollback not rehearsed within 92 days (last rehearsed on 2026-10-20; no passed rehearsal for checkout-api)",
        );
    }
}
