//! The formats chg reads and writes, checked with tools other people wrote:
//! the JSON Schemas (an independent validator and Ajv), the YAML chg writes
//! (yamllint's default rules, YAML 1.1 readings), and the iCalendar feed.

use crate::support::*;

fn record_path(id: &str) -> String {
    format!("changes/{}/{id}.yaml", &id[4..8])
}

/// A normal change with a window on `day` 02:00–03:00 UTC.
fn planned(id: &str, title: &str, day: &str) -> String {
    normal_record(id, "scheduled")
        .replace(
            "title: Enable canary routing for checkout-api",
            &format!("title: {title}"),
        )
        .replace(
            "window: {start: 2026-11-18T02:00:00Z, end: 2026-11-18T04:00:00Z}",
            &format!("window: {{start: {day}T02:00:00Z, end: {day}T03:00:00Z}}"),
        )
}

fn ics(repo: &Repo, from: &str, to: &str) -> String {
    repo.chg(&["calendar", "--from", from, "--to", to, "--format", "ics"])
        .ok()
        .stdout
}

fn freeze_uids(feed: &str) -> Vec<String> {
    let parsed: icalendar::Calendar = feed.parse().unwrap_or_else(|e| panic!("{e}\n{feed}"));
    parsed
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| icalendar::Component::get_uid(e).map(str::to_string))
        .filter(|uid| uid.starts_with("freeze-"))
        .collect()
}

#[test]
fn ics_near_identical_freezes_get_distinct_uids_that_stay_the_same() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T10:00:00Z".into());
    let policy = repo.read("changes/policy.yaml").replace(
        "freezes:\n  - {name: Year end, start: 2026-12-21, end: 2027-01-04, allow: [emergency, cab-approved]}\n",
        "freezes:\n  - {name: Year end, start: 2026-12-21, end: 2027-01-04}\n  - {name: Year end!, start: 2026-12-21, end: 2026-12-24}\n  - {name: year-end, start: 2026-12-21, end: 2026-12-22}\n",
    );
    repo.write("changes/policy.yaml", &policy);
    let first = freeze_uids(&ics(&repo, "2026-12-01", "2027-01-10"));
    assert_eq!(first.len(), 3, "{first:?}");
    let distinct: std::collections::BTreeSet<&String> = first.iter().collect();
    assert_eq!(distinct.len(), 3, "a calendar keeps one event per UID: {first:?}");
    let again = freeze_uids(&ics(&repo, "2026-12-01", "2027-01-10"));
    assert_eq!(first, again, "UIDs are the same on every run");
    // The UIDs do not depend on the order of the freezes in the policy.
    let swapped = policy.replace(
        "  - {name: Year end, start: 2026-12-21, end: 2027-01-04}\n  - {name: Year end!, start: 2026-12-21, end: 2026-12-24}\n",
        "  - {name: Year end!, start: 2026-12-21, end: 2026-12-24}\n  - {name: Year end, start: 2026-12-21, end: 2027-01-04}\n",
    );
    assert_ne!(swapped, policy);
    repo.write("changes/policy.yaml", &swapped);
    let mut reordered = freeze_uids(&ics(&repo, "2026-12-01", "2027-01-10"));
    let mut sorted = first.clone();
    reordered.sort();
    sorted.sort();
    assert_eq!(sorted, reordered);
}

#[test]
fn ics_an_empty_range_is_still_a_calendar_with_a_component() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T10:00:00Z".into());
    let feed = ics(&repo, "2026-03-01", "2026-03-08");
    // RFC 5545 3.6: a VCALENDAR holds one or more components.
    let parsed: icalendar::Calendar = feed.parse().unwrap_or_else(|e| panic!("{e}\n{feed}"));
    assert!(!parsed.components.is_empty(), "no component in\n{feed}");
    let begins: Vec<&str> = feed
        .split("\r\n")
        .filter(|l| l.starts_with("BEGIN:") && *l != "BEGIN:VCALENDAR")
        .collect();
    assert!(!begins.is_empty(), "{feed}");
    // No placeholder event that a calendar would show.
    assert!(!feed.contains("BEGIN:VEVENT"), "{feed}");
    assert!(feed.ends_with("END:VCALENDAR\r\n"));
}

#[test]
fn calendar_table_shows_a_newline_in_a_title_as_an_escape() {
    let mut repo = Repo::initialised();
    repo.now = Some("2026-11-16T10:00:00Z".into());
    repo.write(
        &record_path("CHG-2026-0001"),
        &planned("CHG-2026-0001", "\"Upgrade db\\nthen restart api\"", "2026-11-18"),
    );
    let policy = repo.read("changes/policy.yaml").replace(
        "{name: Year end, start: 2026-12-21",
        "{name: \"Year\\nend\", start: 2026-12-21",
    );
    repo.write("changes/policy.yaml", &policy);
    let out = repo
        .chg(&[
            "calendar",
            "--from",
            "2026-11-16",
            "--to",
            "2026-12-31",
            "--color",
            "never",
        ])
        .ok()
        .stdout;
    assert!(out.contains("Upgrade db\\nthen restart api"), "{out}");
    assert!(out.contains("Year\\nend"), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("then restart api")), "{out}");
    assert!(!out.lines().any(|l| l.starts_with("end")), "{out}");
}
