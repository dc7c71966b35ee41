//! Times and dates given on the command line.

use anyhow::{anyhow, Result};
use chrono::Datelike as _;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

/// Parses a time: RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` / `YYYY-MM-DDTHH:MM` in UTC, or a date (midnight UTC).
pub fn parse_time(flag: &str, text: &str) -> Result<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    for pattern in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, pattern) {
            return Ok(Utc.from_utc_datetime(&t));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default()));
    }
    Err(anyhow!(
        "`{flag} {text}` is not a time\n  hint: write `2026-11-18T02:00:00Z` or `2026-11-18 02:00` (UTC)"
    ))
}

/// Parses a date `YYYY-MM-DD`.
pub fn parse_date(flag: &str, text: &str) -> Result<NaiveDate> {
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| anyhow!("`{flag} {text}` is not a date\n  hint: write it like `2026-11-18`"))?;
    check_year(flag, text, date.year())?;
    Ok(date)
}

/// Refuses years outside 1–9999: chrono accepts ±262,143, where the day
/// before or the week after a date no longer exists.
pub fn check_year(flag: &str, text: &str, year: i32) -> Result<()> {
    if !(1..=9999).contains(&year) {
        anyhow::bail!("`{flag} {text}`: the year {year} is out of range\n  hint: use a year from 1 to 9999");
    }
    Ok(())
}
