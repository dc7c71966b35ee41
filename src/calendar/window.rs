//! Deployment windows in their own time zones: does a change fit one, when
//! does one open on a day, and how a window reads.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::policy::WindowRule;
use crate::record::Window;

/// Returns true when the window fits inside one occurrence of one of the rules.
pub fn fits(window: Window, rules: &[WindowRule]) -> bool {
    rules.iter().any(|rule| {
        let Some(tz) = zone(&rule.time_zone) else {
            return false;
        };
        let local = window.start.with_timezone(&tz).date_naive();
        // A window that crosses midnight may have opened the day before.
        [local.pred_opt(), Some(local)]
            .into_iter()
            .flatten()
            .filter_map(|day| occurrence(rule, tz, day))
            .any(|(start, end)| start <= window.start && window.end <= end)
    })
}

/// Returns true when one of the rules' windows is open at `at` (from its
/// opening, inclusive, to its closing, exclusive).
pub fn open_at(at: DateTime<Utc>, rules: &[WindowRule]) -> bool {
    rules.iter().any(|rule| {
        let Some(tz) = zone(&rule.time_zone) else {
            return false;
        };
        let local = at.with_timezone(&tz).date_naive();
        [local.pred_opt(), Some(local)]
            .into_iter()
            .flatten()
            .filter_map(|day| occurrence(rule, tz, day))
            .any(|(start, end)| start <= at && at < end)
    })
}

/// Returns the rule's window opening on a local day, in UTC, if the rule has that weekday.
/// An end at or before the start means the window ends the next day.
pub fn occurrence(rule: &WindowRule, tz: Tz, day: NaiveDate) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    use chrono::Datelike;
    if !rule.days.iter().any(|d| d.weekday() == day.weekday()) {
        return None;
    }
    let end_day = if rule.end.0 > rule.start.0 {
        day
    } else {
        day.succ_opt()?
    };
    let start = to_utc(tz, day.and_time(rule.start.0), true)?;
    let end = to_utc(tz, end_day.and_time(rule.end.0), false)?;
    Some((start, end))
}

/// Turns a wall-clock time into UTC. A time that happens twice (autumn) is
/// taken at its first occurrence for a start and its last for an end; a time
/// that does not exist (spring) is read with the offset before the gap, so a
/// window opening at 02:30 on the night clocks jump from 02:00 to 03:00 opens
/// at 03:30 summer time, one gap-length later, as the wall clock shows.
fn to_utc(tz: Tz, local: NaiveDateTime, first: bool) -> Option<DateTime<Utc>> {
    use chrono::LocalResult;
    match tz.from_local_datetime(&local) {
        LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        LocalResult::Ambiguous(a, b) => Some(if first { a } else { b }.with_timezone(&Utc)),
        LocalResult::None => {
            let before = tz.from_local_datetime(&(local - Duration::hours(3))).earliest()?;
            let offset = i64::from(before.offset().fix().local_minus_utc());
            Some(Utc.from_utc_datetime(&(local - Duration::seconds(offset))))
        }
    }
}

/// Returns the time zone of an IANA name (`Europe/Berlin`, `UTC`).
pub fn zone(name: &str) -> Option<Tz> {
    name.parse::<Tz>().ok()
}

/// Returns `[from 00:00, to + 1 day 00:00)` in UTC: a span of whole days, both dates included.
pub fn days(from: NaiveDate, to: NaiveDate) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = Utc.from_utc_datetime(&from.and_time(chrono::NaiveTime::MIN));
    let end = Utc.from_utc_datetime(&to.and_time(chrono::NaiveTime::MIN)) + Duration::days(1);
    (start, end)
}

/// Shows a window in UTC: `2026-11-18 02:00–04:00 UTC`, with the end's date when it differs.
pub fn span(window: Window) -> String {
    // Written out by hand: chrono's `format` parses its pattern on every call,
    // which was a third of the time of `problems` on 20,000 changes.
    use chrono::{Datelike, Timelike};
    let day = |t: DateTime<Utc>| format!("{:04}-{:02}-{:02}", t.year(), t.month(), t.day());
    let clock = |t: DateTime<Utc>| format!("{:02}:{:02}", t.hour(), t.minute());
    if window.end.date_naive() == window.start.date_naive() {
        format!(
            "{} {}–{} UTC",
            day(window.start),
            clock(window.start),
            clock(window.end)
        )
    } else {
        format!(
            "{} {}–{} {} UTC",
            day(window.start),
            clock(window.start),
            day(window.end),
            clock(window.end)
        )
    }
}

/// Describes a window rule: `sun, mon, tue 02:00–06:00 UTC`.
pub fn describe_rule(rule: &WindowRule) -> String {
    let days: Vec<&str> = rule.days.iter().map(|d| d.as_str()).collect();
    format!("{} {}–{} {}", days.join(", "), rule.start, rule.end, rule.time_zone)
}
