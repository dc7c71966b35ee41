//! The change calendar: `chg calendar` in each format, the iCalendar feed
//! parsed back by an independent parser, the calendar rules of `chg check`
//! (time zones across daylight-saving changes, windows across midnight) and
//! the warnings of `chg new --window-start/--window-end`.

use icalendar::{Component, DatePerhapsTime};

use crate::support::*;

/// A scheduled normal change touching `systems` (comma-separated) in the
/// window `start`–`end`, UTC times to the minute (`2026-11-18T02:00`).
fn change(id: &str, start: &str, end: &str, systems: &str) -> Record {
    Record::normal(id)
        .status("scheduled")
        .window(&format!("{start}:00Z"), &format!("{end}:00Z"))
        .raw("systems", &format!("[{systems}]"))
}

/// The change manager Sam's written approval.
fn sam() -> Approval {
    Approval::new("change-manager", SAM)
}

fn path(id: &str) -> String {
    Record::normal(id).path()
}

/// A store at a fixed time (Monday 2026-11-16) with the given records.
fn store(records: &[Record]) -> Test {
    let repo = Test::new().at("2026-11-16T10:00:00Z");
    for record in records {
        repo.put(record);
    }
    repo
}

/// Each finding's file, line and severity.
fn placed(found: &[Finding]) -> Vec<(&str, u64, &str)> {
    found
        .iter()
        .map(|f| (f.file.as_str(), f.line, f.severity.as_str()))
        .collect()
}

/// The line of `deployment.window` in a record made by `change`.
const WINDOW_LINE: u64 = 19;

#[test]
fn calendar_shows_changes_by_day_with_freezes_and_problems() {
    let repo = store(&[
        change("CHG-2026-0001", "2026-11-18T02:00", "2026-11-18T04:00", "db, api"),
        change("CHG-2026-0002", "2026-11-18T03:00", "2026-11-18T05:00", "db").status("approved"),
        change("CHG-2026-0003", "2026-11-20T02:00", "2026-11-20T03:00", "web").status("in-progress"),
        // History and drafts are not shown.
        change("CHG-2026-0004", "2026-11-18T02:00", "2026-11-18T04:00", "db").status("completed"),
        change("CHG-2026-0005", "2026-11-18T02:00", "2026-11-18T04:00", "db").status("draft"),
        // Outside the default 15 days.
        change("CHG-2026-0006", "2026-12-02T02:00", "2026-12-02T04:00", "db"),
    ]);
    repo.write(
        "changes/policy.yaml",
        "freezes:\n  - {name: Black Friday, start: 2026-11-27, end: 2026-11-30, allow: [emergency]}\n",
    );
    let run = repo.chg(&["calendar"]).ok();
    assert_eq!(
        run.stdout,
        "Change calendar 2026-11-16 – 2026-11-30 (times in UTC)
freeze: Black Friday 2026-11-27 – 2026-11-30, allows emergency changes

Wed 2026-11-18
  02:00–04:00  CHG-2026-0001  normal  scheduled    db, api  Jane Doe  Enable canary routing for checkout-api
  03:00–05:00  CHG-2026-0002  normal  approved     db       Jane Doe  Enable canary routing for checkout-api
  ! warning[schedule-conflict] CHG-2026-0001: the window 2026-11-18 02:00–04:00 UTC overlaps CHG-2026-0002 (2026-11-18 03:00–05:00 UTC) on `db`

Fri 2026-11-20
  02:00–03:00  CHG-2026-0003  normal  in-progress  web      Jane Doe  Enable canary routing for checkout-api
  ! error[outside-window] CHG-2026-0003: the window 2026-11-20 02:00–03:00 UTC is outside the deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)

3 changes, 1 error, 1 warning
"
    );
    // The range is chosen with --from and --to (exclusive); a freeze day is marked.
    repo.chg(&["calendar", "--from", "2026-11-28", "--to", "2026-12-03"])
        .is(
            0,
            "Change calendar 2026-11-28 – 2026-12-02 (times in UTC)
freeze: Black Friday 2026-11-27 – 2026-11-30, allows emergency changes

Wed 2026-12-02
  02:00–04:00  CHG-2026-0006  normal  scheduled  db  Jane Doe  Enable canary routing for checkout-api

1 change, 0 errors, 0 warnings
",
            "",
        );
    repo.chg(&["calendar", "--from", "2026-11-28", "--to", "2026-11-28"])
        .is(
            2,
            "",
            "error: `--to 2026-11-28` is not after `--from 2026-11-28`
  hint: `--to` is the day after the last day shown, e.g. `--from 2026-11-28 --to 2026-12-13`
",
        );
}

#[test]
fn calendar_in_markdown_and_json() {
    let repo = store(&[change("CHG-2026-0001", "2026-12-22T02:00", "2026-12-22T04:00", "db")]);
    let md = repo
        .chg_line("calendar --from 2026-12-21 --to 2026-12-23 --format markdown")
        .ok()
        .stdout;
    assert_eq!(
        md,
        "# Change calendar 2026-12-21 – 2026-12-22

Times in UTC.

- **Freeze:** Year end 2026-12-21 – 2027-01-04, allows emergency or CAB-approved changes

## Tue 2026-12-22 (freeze: Year end)

| Time | ID | Class | Status | Systems | Requested by | Title |
|---|---|---|---|---|---|---|
| 02:00–04:00 | CHG-2026-0001 | normal | scheduled | db | Jane Doe | Enable canary routing for checkout-api |

- ❌ **error** `freeze-conflict` CHG-2026-0001: the window 2026-12-22 02:00–04:00 UTC falls in the freeze `Year end` (2026-12-21 – 2027-01-04), which allows only emergency or CAB-approved changes

1 change, 1 error, 0 warnings
"
    );
    let json = repo
        .chg_line("calendar --from 2026-12-21 --to 2026-12-23 --format json")
        .ok()
        .stdout;
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["from"], "2026-12-21");
    assert_eq!(v["to"], "2026-12-23");
    assert_eq!(v["freezes"][0]["name"], "Year end");
    assert_eq!(v["changes"][0]["id"], "CHG-2026-0001");
    assert_eq!(v["changes"][0]["start"], "2026-12-22T02:00:00Z");
    assert_eq!(v["problems"][0]["rule"], "freeze-conflict");
    assert_eq!(v["problems"][0]["severity"], "error");
    let run = repo.chg(&["calendar", "--format", "csv"]).status(2);
    assert_contains(&run.stderr, &["use one of: table, markdown, json, ics"]);
}

#[test]
fn ics_feed_parses_back_with_stable_uids() {
    let long = "Route 5 % of checkout traffic; then 25 %, 50 % and 100 %.\\nWatch the dashboards \\\\ alerts, and roll back on 5xx above 1 %. Ärger vermeiden — ünïcödé text long enough to fold several times.";
    let first = change("CHG-2026-0001", "2026-12-01T02:00", "2026-12-01T04:00", "db, api")
        .title("Canary, checkout; pricing")
        .raw("description", &format!("\"{long}\""));
    let repo = store(&[
        first,
        change("CHG-2026-0002", "2026-12-03T02:00", "2026-12-03T03:30", "web")
            .status("submitted")
            .class("major"),
        change("CHG-2026-0003", "2026-12-02T02:00", "2026-12-02T03:00", "web").status("cancelled"),
    ]);
    let args = words("calendar --from 2026-11-30 --to 2027-01-01 --format ics");
    let feed = repo.chg(&args).ok().stdout;
    // RFC 5545 framing: CRLF everywhere, no line over 75 octets.
    assert!(feed.ends_with("END:VCALENDAR\r\n"), "{feed}");
    for line in feed.split("\r\n") {
        assert!(!line.contains('\n'), "bare LF in {line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let parsed: icalendar::Calendar = feed.parse().unwrap_or_else(|e| panic!("{e}\n{feed}"));
    let events: Vec<&icalendar::Event> = parsed.components.iter().filter_map(|c| c.as_event()).collect();
    assert_eq!(events.len(), 4, "{feed}");
    let by_uid = |uid: &str| {
        *events
            .iter()
            .find(|e| e.get_uid() == Some(uid))
            .unwrap_or_else(|| panic!("no {uid} in {feed}"))
    };
    let one = by_uid("CHG-2026-0001@chg");
    assert_eq!(one.get_summary(), Some("CHG-2026-0001: Canary, checkout; pricing"));
    let utc = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    assert_eq!(
        one.get_start(),
        Some(DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(utc(
            "2026-12-01T02:00:00Z"
        ))))
    );
    assert_eq!(
        one.get_end(),
        Some(DatePerhapsTime::DateTime(icalendar::CalendarDateTime::Utc(utc(
            "2026-12-01T04:00:00Z"
        ))))
    );
    let description = one.get_description().unwrap();
    assert_eq!(
        description,
        format!(
            "Class: normal\nStatus: scheduled\nSystems: db, api\nRollback: simple\nRequested by: Jane Doe <jane@example.com>\n\n{}",
            long.replace("\\n", "\n").replace("\\\\", "\\")
        )
    );
    assert_eq!(one.property_value("STATUS"), Some("CONFIRMED"));
    assert_eq!(one.property_value("DTSTAMP"), Some("20261116T100000Z"));
    assert!(one.property_value("URL").is_none());
    assert_eq!(by_uid("CHG-2026-0002@chg").property_value("STATUS"), Some("TENTATIVE"));
    assert_eq!(by_uid("CHG-2026-0003@chg").property_value("STATUS"), Some("CANCELLED"));
    let freeze = by_uid("freeze-2026-12-21-year-end-6b396f69@chg");
    assert_eq!(freeze.get_summary(), Some("Change freeze: Year end"));
    let day = |y, m, d| Some(DatePerhapsTime::Date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap()));
    assert_eq!(freeze.get_start(), day(2026, 12, 21));
    assert_eq!(
        freeze.get_end(),
        day(2027, 1, 5),
        "DTEND is the day after the last frozen day"
    );

    // The same change keeps its UID when it moves, so a re-import updates it.
    repo.edit_yaml(&path("CHG-2026-0001"), |y| {
        assert_eq!(y.get("deployment.window.start"), "2026-12-01T02:00:00Z");
        y.set("deployment.window.start", "2026-12-08T02:00:00Z")
            .set("deployment.window.end", "2026-12-08T04:00:00Z")
    });
    let again: icalendar::Calendar = repo.chg(&args).ok().stdout.parse().unwrap();
    let uids: Vec<&str> = again
        .components
        .iter()
        .filter_map(|c| c.as_event())
        .filter_map(|e| e.get_uid())
        .collect();
    assert_eq!(
        uids,
        [
            "CHG-2026-0003@chg",
            "CHG-2026-0002@chg",
            "CHG-2026-0001@chg",
            "freeze-2026-12-21-year-end-6b396f69@chg"
        ]
    );
}

#[test]
fn outside_window_is_an_error_for_normal_a_warning_for_standard_and_emergencies_are_exempt() {
    // Friday 2026-11-20 is not a window day.
    let friday = |id: &str, class: &str| change(id, "2026-11-20T02:00", "2026-11-20T03:00", id).class(class);
    let repo = store(&[
        friday("CHG-2026-0001", "normal"),
        friday("CHG-2026-0002", "standard"),
        friday("CHG-2026-0003", "emergency"),
        friday("CHG-2026-0004", "major"),
        change("CHG-2026-0005", "2026-11-18T02:00", "2026-11-18T06:00", "x"),
    ]);
    let found = repo.check().findings_of("outside-window");
    assert_eq!(
        placed(&found),
        [
            ("changes/2026/CHG-2026-0001.yaml", WINDOW_LINE, "error"),
            ("changes/2026/CHG-2026-0002.yaml", WINDOW_LINE, "warning"),
            ("changes/2026/CHG-2026-0004.yaml", WINDOW_LINE, "error"),
        ]
    );
    assert!(found[0]
        .message
        .contains("outside the deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)"));
    // The other records' findings (approvals, tests) are not this test's.
    repo.chg(&["check"]).status(1).stdout_has_line(&format!(
        "changes/2026/CHG-2026-0001.yaml:{WINDOW_LINE}:3: error[outside-window]: the window 2026-11-20 02:00–03:00 UTC is outside the deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)"
    ));
}

/// Scheduled normal changes CHG-2026-0001, -0002... in these windows
/// `(start, end)`: the ids of those `chg check` finds outside the policy's
/// one window.
fn outside_windows(window: &str, windows: &[(&str, &str)]) -> Vec<String> {
    let records: Vec<Record> = (1..)
        .zip(windows)
        .map(|(n, (start, end))| {
            let id = format!("CHG-2026-{n:04}");
            change(&id, start, end, &id)
        })
        .collect();
    let repo = store(&records);
    repo.write("changes/policy.yaml", &format!("windows:\n  - {window}\n"));
    repo.check()
        .findings_of("outside-window")
        .into_iter()
        .map(|f| f.record)
        .collect()
}

#[test]
fn berlin_window_is_checked_across_the_march_and_october_clock_changes() {
    // 08:00–12:00 in Berlin is 07:00–11:00 UTC in winter and 06:00–10:00 UTC in summer.
    let outside = outside_windows(
        "{days: [mon, tue, wed, thu, fri, sat, sun], start: \"08:00\", end: \"12:00\", time_zone: Europe/Berlin}",
        &[
            // March: clocks go forward on Sunday 2026-03-29.
            ("2026-03-28T07:00", "2026-03-28T11:00"),
            ("2026-03-29T06:00", "2026-03-29T10:00"),
            ("2026-03-29T07:00", "2026-03-29T11:00"),
            // October: clocks go back on Sunday 2026-10-25.
            ("2026-10-24T06:00", "2026-10-24T10:00"),
            ("2026-10-25T07:00", "2026-10-25T11:00"),
            ("2026-10-25T06:00", "2026-10-25T10:00"),
            ("2026-03-28T06:00", "2026-03-28T10:00"),
        ],
    );
    assert_eq!(outside, ["CHG-2026-0003", "CHG-2026-0006", "CHG-2026-0007"]);
}

#[test]
fn windows_that_cross_midnight() {
    let outside = outside_windows(
        "{days: [fri], start: \"22:00\", end: \"02:00\", time_zone: UTC}",
        &[
            // Friday 23:00 to Saturday 01:30 UTC: inside Friday's 22:00–02:00.
            ("2026-11-20T23:00", "2026-11-21T01:30"),
            // Saturday 00:30–01:00 is the tail of Friday's window.
            ("2026-11-21T00:30", "2026-11-21T01:00"),
            // Past 02:00 on Saturday.
            ("2026-11-21T01:00", "2026-11-21T02:30"),
            // Saturday 23:00 opens no window.
            ("2026-11-21T23:00", "2026-11-22T00:30"),
        ],
    );
    assert_eq!(outside, ["CHG-2026-0003", "CHG-2026-0004"]);
}

#[test]
fn freeze_conflict_spares_emergencies_and_cab_approved_changes() {
    let frozen = |id: &str, class: &str| change(id, "2026-12-22T02:00", "2026-12-22T04:00", id).class(class);
    // Approved by Sam and by these members of the CAB.
    let by_cab = |id: &str, cab: &[Who]| {
        cab.iter().fold(frozen(id, "normal").approval(sam()), |r, who| {
            r.approval(Approval::new("cab", *who))
        })
    };
    let repo = store(&[
        frozen("CHG-2026-0001", "normal"),
        frozen("CHG-2026-0002", "emergency"),
        by_cab("CHG-2026-0003", &[ANA, BEN, CHO]),
        by_cab("CHG-2026-0004", &[ANA, BEN]),
        // Before and after the freeze.
        change("CHG-2026-0005", "2026-12-20T02:00", "2026-12-20T04:00", "a"),
        change("CHG-2027-0006", "2027-01-05T02:00", "2027-01-05T04:00", "b"),
        // Cancelled changes are history.
        frozen("CHG-2026-0007", "normal").status("cancelled"),
    ]);
    let found = repo.check().findings_of("freeze-conflict");
    assert_eq!(
        placed(&found),
        [
            ("changes/2026/CHG-2026-0001.yaml", WINDOW_LINE, "error"),
            ("changes/2026/CHG-2026-0004.yaml", WINDOW_LINE, "error"),
        ]
    );
    assert!(
        found[0]
            .message
            .contains("falls in the freeze `Year end` (2026-12-21 – 2027-01-04)"),
        "{}",
        found[0].message
    );

    // A freeze that allows only emergencies refuses even the CAB.
    repo.write(
        "changes/policy.yaml",
        "freezes:\n  - {name: Year end, start: 2026-12-21, end: 2027-01-04, allow: [emergency]}\n",
    );
    let files: Vec<String> = repo
        .check()
        .findings_of("freeze-conflict")
        .into_iter()
        .map(|f| f.file)
        .collect();
    assert_eq!(
        files,
        [
            "changes/2026/CHG-2026-0001.yaml",
            "changes/2026/CHG-2026-0003.yaml",
            "changes/2026/CHG-2026-0004.yaml"
        ]
    );
}

#[test]
fn schedule_conflict_warns_both_changes_sharing_a_system() {
    let repo = store(&[
        change("CHG-2026-0001", "2026-11-18T02:00", "2026-11-18T04:00", "db, api").approval(sam()),
        change("CHG-2026-0002", "2026-11-18T03:59", "2026-11-18T05:00", "api")
            .status("approved")
            .approval(sam()),
        // Touching windows and other systems do not conflict.
        change("CHG-2026-0003", "2026-11-18T04:00", "2026-11-18T05:00", "db").approval(sam()),
        change("CHG-2026-0004", "2026-11-18T02:00", "2026-11-18T06:00", "web").approval(sam()),
    ]);
    let found = repo.check().findings_of("schedule-conflict");
    let got: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|f| (f.file.as_str(), f.severity.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "changes/2026/CHG-2026-0001.yaml",
                "warning",
                "the window 2026-11-18 02:00–04:00 UTC overlaps CHG-2026-0002 (2026-11-18 03:59–05:00 UTC) on `api`"
            ),
            (
                "changes/2026/CHG-2026-0002.yaml",
                "warning",
                "the window 2026-11-18 03:59–05:00 UTC overlaps CHG-2026-0001 (2026-11-18 02:00–04:00 UTC) on `api`"
            ),
        ]
    );
    // Warnings alone pass the check, unless --strict.
    repo.chg(&["check"]).ok();
    repo.chg(&["check", "--strict"]).status(1);
}

#[test]
fn approver_unavailable_names_the_person_and_dates() {
    let repo = store(&[
        change("CHG-2026-0001", "2026-11-18T02:00", "2026-11-18T04:00", "CHG-2026-0001").approval(sam()),
        change("CHG-2026-0002", "2026-11-25T02:00", "2026-11-25T04:00", "CHG-2026-0002").approval(sam()),
    ]);
    repo.write(
        "changes/policy.yaml",
        "unavailable:\n  - {who: Sam@Example.com, from: 2026-11-17, to: 2026-11-18}\n  - {who: Jane Doe <jane@example.com>, from: 2026-11-25, to: 2026-11-25}\n",
    );
    let found = repo.check().findings_of("approver-unavailable");
    let got: Vec<(&str, u64, &str, &str)> = found
        .iter()
        .map(|f| (f.file.as_str(), f.line, f.severity.as_str(), f.message.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "changes/2026/CHG-2026-0001.yaml",
                WINDOW_LINE,
                "warning",
                "the approver Sam Lee <sam@example.com> is unavailable 2026-11-17 – 2026-11-18 during the window 2026-11-18 02:00–04:00 UTC"
            ),
            (
                "changes/2026/CHG-2026-0002.yaml",
                WINDOW_LINE,
                "warning",
                "the requester Jane Doe <jane@example.com> is unavailable 2026-11-25 – 2026-11-25 during the window 2026-11-25 02:00–04:00 UTC"
            ),
        ]
    );
    let run = repo.chg(&["calendar"]).ok();
    assert!(
        run.stdout
            .contains("! warning[approver-unavailable] CHG-2026-0001: the approver Sam Lee"),
        "{}",
        run.stdout
    );
}

#[test]
fn an_unknown_time_zone_names_the_policy_line() {
    let repo = store(&[]);
    repo.write(
        "changes/policy.yaml",
        "# windows\nwindows:\n  - {days: [mon], start: \"02:00\", end: \"06:00\", time_zone: Europe/Berln}\n",
    );
    repo.chg(&["calendar"]).is(
        2,
        "",
        "error: changes/policy.yaml:3:49: `windows[0].time_zone`: `Europe/Berln` is not a time zone of the IANA database; did you mean `Europe/Berlin`?
  hint: see `chg schema` for the record format
",
    );
    let run = repo.chg(&["check", "--format", "json"]).status(1);
    let first = &run.findings()[0];
    assert_eq!(
        (first.rule.as_str(), first.file.as_str(), first.line),
        ("schema", "changes/policy.yaml", 3)
    );
}

#[test]
fn new_with_a_window_warns_and_refuses_a_freeze() {
    let repo = store(&[change("CHG-2026-0001", "2026-11-18T02:00", "2026-11-18T04:00", "db")]);
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "scheduled"]);
    let base = words("new --no-input --title 'Tune db' --impact medium --likelihood low --system db");
    let with = |start: &str, end: &str| {
        let mut args = base.to_vec();
        args.extend(["--window-start", start, "--window-end", end]);
        repo.chg(&args)
    };
    let run = with("2026-11-18 03:00", "2026-11-18 07:00").ok();
    assert_eq!(run.stdout, "Created CHG-2026-0002 (changes/2026/CHG-2026-0002.yaml)\n");
    assert_eq!(
        run.stderr,
        "warning[schedule-conflict]: the window 2026-11-18 03:00–07:00 UTC overlaps CHG-2026-0001 (2026-11-18 02:00–04:00 UTC) on `db`
  hint: move one of the windows, or coordinate with the requester of CHG-2026-0001
error[outside-window]: the window 2026-11-18 03:00–07:00 UTC is outside the deployment windows (sun, mon, tue, wed, thu 02:00–06:00 UTC)
  hint: move the window into a deployment window, or classify the change as an emergency if it is one
"
    );
    let run = with("2026-12-22 02:00", "2026-12-22 04:00").status(1);
    assert_eq!(
        run.stderr,
        "error: the window 2026-12-22 02:00–04:00 UTC falls in the freeze `Year end` (2026-12-21 – 2027-01-04), which allows only emergency or CAB-approved changes [freeze-conflict]
  hint: move the window after 2027-01-04, or get the CAB's approval (3 cab approvals)
"
    );
    assert!(!repo.join("changes/2026/CHG-2026-0003.yaml").exists());
    // An emergency is allowed in the freeze.
    let mut args = base.to_vec();
    args.extend([
        "--classification",
        "emergency",
        "--window-start",
        "2026-12-22 02:00",
        "--window-end",
        "2026-12-22 04:00",
    ]);
    let run = repo.chg(&args).ok();
    assert_eq!(run.stderr, "");
    assert_eq!(run.stdout, "Created CHG-2026-0003 (changes/2026/CHG-2026-0003.yaml)\n");
}
