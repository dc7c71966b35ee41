//! How a length of time reads: the one formatter of durations (`45 s`,
//! `15 min`, `62.5 min`, `1 h`, `24.5 h`, `5 days`), for a policy's spans,
//! measured times and the metrics alike, and how a stretch between two
//! moments reads.

use chrono::{DateTime, Duration, Utc};

use crate::metrics::fmt_num;

const HOUR: f64 = 60.0;
const DAY: f64 = 24.0 * HOUR;

/// How many decimals a duration shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Digits {
    /// At most one, none when it is `.0`: `62.5 min`, `24 h`.
    AtMostOne,
    /// Minutes whole and hours with one, for the columns of a report: `63 min`, `24.0 h`.
    Fixed,
}

/// Writes a duration for a sentence: `15 min`, `1 h`, `24.5 h`, `5 days`.
pub fn text(d: Duration) -> String {
    minutes(in_minutes(d))
}

/// A duration in minutes, to the second: what the figures add and compare.
pub fn in_minutes(d: Duration) -> f64 {
    d.num_seconds() as f64 / 60.0
}

/// Writes a number of minutes for a sentence, as `text` does.
pub fn minutes(m: f64) -> String {
    write(m, Digits::AtMostOne)
}

/// Writes a number of minutes for a report's table: minutes whole, hours
/// with one decimal (`63 min`, `2.5 h`, `24.0 h`).
pub fn fixed_minutes(m: f64) -> String {
    write(m, Digits::Fixed)
}

/// The one rule: under a minute in seconds; whole days from three days up;
/// hours from two hours up, or a whole hour; else minutes. So a policy's
/// `1h` reads `1 h` and its `92d` reads `92 days`, while a restore of 90
/// minutes reads `90 min`, not `1.5 h`.
fn write(m: f64, digits: Digits) -> String {
    let seconds = (m * 60.0).round();
    let whole = |unit: f64| (m % unit).abs() < 1e-9;
    let number = |x: f64, fixed: usize| match digits {
        Digits::AtMostOne => fmt_num(x),
        Digits::Fixed => format!("{x:.fixed$}"),
    };
    if seconds > 0.0 && seconds < 60.0 {
        format!("{seconds:.0} s")
    } else if m >= 3.0 * DAY && whole(DAY) {
        format!("{:.0} days", m / DAY)
    } else if m >= 2.0 * HOUR || (m > 0.0 && whole(HOUR)) {
        format!("{} h", number(m / HOUR, 1))
    } else {
        format!("{} min", number(m, 0))
    }
}

/// Writes the stretch from one moment to another in UTC: the times alone
/// within a day (`03:00–03:30`), both dates when it spans days
/// (`2026-11-24 03:00–2026-11-25 03:30`), so a day of watching never reads
/// as half an hour.
pub fn between(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    if from.date_naive() == to.date_naive() {
        format!("{}–{}", from.format("%H:%M"), to.format("%H:%M"))
    } else {
        format!("{}–{}", from.format("%Y-%m-%d %H:%M"), to.format("%Y-%m-%d %H:%M"))
    }
}

/// Writes the stretch from one moment to another with the first date:
/// `2026-11-18 05:12 → 05:50 UTC`, and the second date when it is another
/// day (`2026-11-18 23:50 → 2026-11-19 00:10 UTC`).
pub fn from_date(from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let end = if from.date_naive() == to.date_naive() {
        to.format("%H:%M UTC")
    } else {
        to.format("%Y-%m-%d %H:%M UTC")
    };
    format!("{} → {end}", from.format("%Y-%m-%d %H:%M"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rfc3339::at;

    #[test]
    fn minutes_read_as_minutes_up_to_two_hours() {
        assert_eq!(text(Duration::minutes(15)), "15 min");
        assert_eq!(text(Duration::minutes(90)), "90 min");
        assert_eq!(text(Duration::minutes(119)), "119 min");
        assert_eq!(minutes(62.5), "62.5 min");
        assert_eq!(minutes(0.0), "0 min");
        assert_eq!(fixed_minutes(62.5), "62 min");
    }

    #[test]
    fn under_a_minute_reads_in_seconds() {
        assert_eq!(text(Duration::seconds(45)), "45 s");
        assert_eq!(text(Duration::seconds(90)), "1.5 min");
    }

    #[test]
    fn hours_from_two_hours_up_or_a_whole_hour() {
        assert_eq!(text(Duration::hours(1)), "1 h");
        assert_eq!(text(Duration::minutes(120)), "2 h");
        assert_eq!(text(Duration::minutes(150)), "2.5 h");
        assert_eq!(minutes(24.5 * 60.0), "24.5 h");
        assert_eq!(text(Duration::hours(48)), "48 h");
        assert_eq!(fixed_minutes(120.0), "2.0 h");
        assert_eq!(fixed_minutes(60.0), "1.0 h");
    }

    #[test]
    fn whole_days_from_three_days_up() {
        assert_eq!(text(Duration::days(3)), "3 days");
        assert_eq!(text(Duration::days(92)), "92 days");
        // Not whole: hours, to one decimal.
        assert_eq!(text(Duration::days(3) + Duration::minutes(1)), "72 h");
        assert_eq!(text(Duration::days(3) + Duration::hours(5)), "77 h");
    }

    #[test]
    fn a_stretch_shows_its_dates_only_when_it_spans_days() {
        // (from, to, between, from_date)
        let cases = [
            (
                "2026-11-24T03:00:00Z",
                "2026-11-24T03:30:00Z",
                "03:00–03:30",
                "2026-11-24 03:00 → 03:30 UTC",
            ),
            (
                "2026-11-24T03:00:00Z",
                "2026-11-25T03:30:00Z",
                "2026-11-24 03:00–2026-11-25 03:30",
                "2026-11-24 03:00 → 2026-11-25 03:30 UTC",
            ),
            (
                "2026-11-24T23:50:00Z",
                "2026-11-25T00:10:00Z",
                "2026-11-24 23:50–2026-11-25 00:10",
                "2026-11-24 23:50 → 2026-11-25 00:10 UTC",
            ),
        ];
        for (from, to, stretch, dated) in cases {
            assert_eq!(between(at(from), at(to)), stretch);
            assert_eq!(from_date(at(from), at(to)), dated);
        }
    }
}
