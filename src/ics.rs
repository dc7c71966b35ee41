//! The iCalendar feed (RFC 5545) of the change calendar: one event per
//! planned change and one all-day event per freeze, for Outlook, Google
//! Calendar and Thunderbird to import or subscribe to.
//!
//! A change's UID is its id (`CHG-2026-0042@chg`) and a freeze's is its start
//! and name, so importing the feed again updates the events instead of
//! duplicating them.

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

/// Returns a change's stable UID: `CHG-2026-0042@chg`.
pub fn uid(id: &str) -> String {
    format!("{id}@chg")
}

/// Returns a freeze's stable UID, from its start and name: `freeze-2026-12-21-year-end@chg`.
pub fn freeze_uid(freeze: &Freeze) -> String {
    let mut slug = String::new();
    for c in freeze.name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    format!("freeze-{}-{}@chg", freeze.start, slug.trim_matches('-'))
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
            c if c.is_control() => {}
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
            out.push_str("\r\n ");
            used = 1;
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
        assert_eq!(freeze_uid(&freeze), "freeze-2026-11-27-black-friday-cyber-monday@chg");
    }
}
