//! The iCalendar feed (RFC 5545) of the change calendar: one event per
//! planned change and one all-day event per freeze, for Outlook, Google
//! Calendar and Thunderbird to import or subscribe to.
//!
//! A change's UID is its id (`CHG-2026-0042@chg`) and a freeze's is its start,
//! a readable slug of its name and a hash of the exact name, so importing the
//! feed again updates the events instead of duplicating them, and two freezes
//! whose names differ only in punctuation or case stay two events.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::calendar;
use crate::policy::Freeze;
use crate::record::{Record, Status};

/// The longest a content line may be, in octets, without its CRLF.
const MAX_LINE: usize = 75;

/// Writes the feed: the changes (with a window) and the freezes, stamped `now`.
pub fn feed(records: &[&Record], freezes: &[&Freeze], now: DateTime<Utc>) -> String {
    let mut out = Writer::default();
    out.line("BEGIN:VCALENDAR");
    out.line("VERSION:2.0");
    out.line("PRODID:-//chg//change calendar//EN");
    out.line("CALSCALE:GREGORIAN");
    out.line("METHOD:PUBLISH");
    out.line("X-WR-CALNAME:Change calendar");
    // RFC 5545 (3.6) requires at least one component. The times below are all
    // UTC, so the UTC time zone is always true, never shown as an event, and
    // keeps a feed of an empty range valid.
    for line in UTC_TIMEZONE {
        out.line(line);
    }
    let stamp = utc(now);
    for record in records {
        let Some(window) = record.window() else { continue };
        out.line("BEGIN:VEVENT");
        out.line(&format!("UID:{}", uid(&record.id)));
        out.line(&format!("DTSTAMP:{stamp}"));
        out.line(&format!("DTSTART:{}", utc(window.start)));
        out.line(&format!("DTEND:{}", utc(window.end)));
        out.line(&format!(
            "SUMMARY:{}",
            text(&format!("{}: {}", record.id, record.title))
        ));
        out.line(&format!("DESCRIPTION:{}", text(&description(record))));
        out.line(&format!("CATEGORIES:{}", text(record.classification.as_str())));
        out.line(&format!("STATUS:{}", event_status(record.status)));
        out.line("TRANSP:TRANSPARENT");
        out.line("END:VEVENT");
    }
    for freeze in freezes {
        out.line("BEGIN:VEVENT");
        out.line(&format!("UID:{}", freeze_uid(freeze)));
        out.line(&format!("DTSTAMP:{stamp}"));
        out.line(&format!("DTSTART;VALUE=DATE:{}", date(freeze.start)));
        // An all-day event's end is exclusive: the day after the last frozen day.
        out.line(&format!("DTEND;VALUE=DATE:{}", date(freeze.end + Duration::days(1))));
        out.line(&format!("SUMMARY:{}", text(&format!("Change freeze: {}", freeze.name))));
        out.line(&format!(
            "DESCRIPTION:{}",
            text(&format!(
                "Change freeze {} – {} (UTC days). Allowed: {}.",
                freeze.start,
                freeze.end,
                calendar::describe_allow(&freeze.allow)
            ))
        ));
        out.line("TRANSP:TRANSPARENT");
        out.line("END:VEVENT");
    }
    out.line("END:VCALENDAR");
    out.text
}

/// The UTC time zone as a VTIMEZONE component.
const UTC_TIMEZONE: &[&str] = &[
    "BEGIN:VTIMEZONE",
    "TZID:UTC",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0000",
    "TZOFFSETTO:+0000",
    "TZNAME:UTC",
    "END:STANDARD",
    "END:VTIMEZONE",
];

/// Returns a change's stable UID: `CHG-2026-0042@chg`.
pub fn uid(id: &str) -> String {
    format!("{id}@chg")
}

/// Returns a freeze's stable UID, from its start and name:
/// `freeze-2026-12-21-year-end-<hash>@chg`. The slug keeps it readable; the
/// hash of the exact name keeps "Year end" and "Year end!" apart, and does not
/// depend on the order of the freezes or on the run.
pub fn freeze_uid(freeze: &Freeze) -> String {
    let mut slug = String::new();
    for c in freeze.name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    format!(
        "freeze-{}-{}-{:08x}@chg",
        freeze.start,
        slug.trim_matches('-'),
        fnv1a(freeze.name.as_bytes())
    )
}

/// FNV-1a, 32 bits: a fixed, documented hash, so UIDs are the same in every
/// build (std's hasher makes no such promise).
fn fnv1a(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |hash, b| {
        (hash ^ u32::from(*b)).wrapping_mul(0x0100_0193)
    })
}

fn description(record: &Record) -> String {
    let mut lines = vec![
        format!("Class: {}", record.classification),
        format!("Status: {}", record.status),
        format!(
            "Systems: {}",
            if record.systems.is_empty() {
                "none listed".to_string()
            } else {
                record.systems.join(", ")
            }
        ),
        format!(
            "Rollback: {}",
            record.rollback_kind().map_or("not declared", |k| k.as_str())
        ),
        format!("Requested by: {}", record.requested_by),
    ];
    if let Some(text) = record.description.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        lines.push(String::new());
        lines.push(text.to_string());
    }
    lines.join("\n")
}

/// Maps a change's status to an event's: planned but not yet approved is tentative.
fn event_status(status: Status) -> &'static str {
    match status {
        Status::Draft | Status::Submitted => "TENTATIVE",
        Status::Cancelled | Status::Rejected => "CANCELLED",
        _ => "CONFIRMED",
    }
}

fn utc(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

fn date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// Escapes a TEXT value: backslash, semicolon, comma and line breaks.
pub fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let value = value.replace("\r\n", "\n").replace('\r', "\n");
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            // Dropped like the other control characters: bidi controls and
            // line separators would reorder or break what a calendar shows.
            c if crate::render::hidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Collects content lines, folded at 75 octets and ended with CRLF.
#[derive(Default)]
struct Writer {
    text: String,
}

impl Writer {
    fn line(&mut self, content: &str) {
        self.text.push_str(&fold(content));
    }
}

/// Folds a content line: no line longer than 75 octets, continuation lines
/// starting with a space, never splitting a UTF-8 character; each ends in CRLF.
pub fn fold(content: &str) -> String {
    let mut out = String::with_capacity(content.len() + content.len() / 70 * 3 + 2);
    let mut used = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if used + len > MAX_LINE {
            // A continuation line starts with a space, which a CI runner
            // trims: never let one begin with `:` or `#` (`::error::`,
            // `##[error]`); the character before them moves down too.
            let mut carry = String::new();
            if matches!(c, ':' | '#') {
                let start = out.rfind("\r\n ").map_or(0, |i| i + 3);
                if let Some((i, _)) = out[start..]
                    .char_indices()
                    .rev()
                    .find(|(_, ch)| !matches!(ch, ':' | '#'))
                {
                    if i > 0 {
                        carry = out.split_off(start + i);
                    }
                }
            }
            out.push_str("\r\n ");
            out.push_str(&carry);
            used = 1 + carry.len();
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(text("a\\b;c,d\ne\r\nf"), "a\\\\b\\;c\\,d\\ne\\nf");
    }

    #[test]
    fn no_continuation_line_starts_a_ci_command() {
        for pad in 60..80 {
            let line = format!("SUMMARY:{}::error::x ##[error]y", "a".repeat(pad));
            let folded = fold(&line);
            for part in folded.trim_end_matches("\r\n").split("\r\n") {
                assert!(part.len() <= 75, "{part}");
                let start = part.trim_start();
                assert!(!start.starts_with(':') && !start.starts_with('#'), "{pad}: {part:?}");
            }
            assert_eq!(folded.replace("\r\n ", "").trim_end(), line);
        }
    }

    #[test]
    fn long_lines_fold_at_75_octets_on_character_boundaries() {
        let line = format!("SUMMARY:{}", "é".repeat(100));
        let folded = fold(&line);
        assert!(folded.ends_with("\r\n"));
        for part in folded.trim_end_matches("\r\n").split("\r\n") {
            assert!(part.len() <= 75, "{} octets: {part}", part.len());
        }
        let unfolded = folded.trim_end_matches("\r\n").replace("\r\n ", "");
        assert_eq!(unfolded, line);
    }

    #[test]
    fn freeze_uids_are_slugs() {
        let freeze = Freeze {
            name: "Black Friday / Cyber Monday".into(),
            start: NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(),
            end: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            allow: vec![],
        };
        let uid = freeze_uid(&freeze);
        assert!(uid.starts_with("freeze-2026-11-27-black-friday-cyber-monday-"), "{uid}");
        assert_eq!(fnv1a(b"a"), 0xe40c_292c, "the published FNV-1a test vector");
    }
}
