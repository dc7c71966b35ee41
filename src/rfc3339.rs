//! Times and dates exactly as RFC 3339 writes them (section 5.6), the
//! `date-time` and `date` formats of JSON Schema: `2026-11-18T02:05:00Z`,
//! `2026-11-18T03:05:00+01:00`, `2026-11-18`. chrono's own parsers also take
//! `2026-7-1`, a space before `Z` or an offset without a colon, which no
//! schema validator accepts; these readers refuse them so chg and the
//! published schemas agree.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer};

/// The pattern of an RFC 3339 `date-time`, also written into the schemas.
pub const DATE_TIME_PATTERN: &str =
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$";

/// The pattern of an RFC 3339 `full-date`, also written into the schemas.
pub const DATE_PATTERN: &str = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$";

fn digits(s: &[u8]) -> bool {
    s.iter().all(u8::is_ascii_digit)
}

fn is_full_date(s: &[u8]) -> bool {
    s.len() == 10 && digits(&s[..4]) && s[4] == b'-' && digits(&s[5..7]) && s[7] == b'-' && digits(&s[8..])
}

/// Parses an RFC 3339 date-time into UTC.
pub fn parse_date_time(text: &str) -> Result<DateTime<Utc>, String> {
    let bad = || format!("`{text}` is not an RFC 3339 time; write it like `2026-11-18T02:05:00Z`");
    let b = text.as_bytes();
    let shape = b.len() >= 20
        && is_full_date(&b[..10])
        && matches!(b[10], b'T' | b't')
        && digits(&b[11..13])
        && b[13] == b':'
        && digits(&b[14..16])
        && b[16] == b':'
        && digits(&b[17..19]);
    if !shape {
        return Err(bad());
    }
    let mut rest = &b[19..];
    if rest.first() == Some(&b'.') {
        let n = rest[1..].iter().take_while(|c| c.is_ascii_digit()).count();
        if n == 0 {
            return Err(bad());
        }
        rest = &rest[1 + n..];
    }
    let zone_ok = matches!(rest, [b'Z'] | [b'z'])
        || (rest.len() == 6
            && matches!(rest[0], b'+' | b'-')
            && digits(&rest[1..3])
            && rest[3] == b':'
            && digits(&rest[4..]));
    if !zone_ok {
        return Err(bad());
    }
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| bad())
}

/// Parses a time a unit test writes literally (`2026-11-25T00:10:00Z`).
#[cfg(test)]
pub(crate) fn at(text: &str) -> DateTime<Utc> {
    parse_date_time(text).unwrap()
}

/// Parses an RFC 3339 full-date.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let bad = || format!("`{text}` is not an RFC 3339 date; write it like `2026-10-02`");
    if !is_full_date(text.as_bytes()) {
        return Err(bad());
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| bad())
}

/// serde: a required date-time.
pub fn date_time<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
    let text = String::deserialize(d)?;
    parse_date_time(&text).map_err(serde::de::Error::custom)
}

/// serde: an optional date-time (null or absent is none).
pub fn opt_date_time<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|t| parse_date_time(&t).map_err(serde::de::Error::custom))
        .transpose()
}

/// serde: a required date.
pub fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let text = String::deserialize(d)?;
    parse_date(&text).map_err(serde::de::Error::custom)
}

/// serde: an optional date (null or absent is none).
pub fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Option::<String>::deserialize(d)?
        .map(|t| parse_date(&t).map_err(serde::de::Error::custom))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_times_as_rfc_3339_writes_them() {
        for ok in [
            "2026-11-18T02:05:00Z",
            "2026-11-18t02:05:00z",
            "2026-11-18T03:05:00+01:00",
            "2026-11-18T02:05:00.250Z",
        ] {
            assert!(parse_date_time(ok).is_ok(), "{ok}");
        }
        for bad in [
            "2026-11-25T10:00:00 Z",
            "2026-11-25T10:00:00+0100",
            "2026-11-20 16:45:00+00:00",
            "2026-11-25T10:00Z",
            "2026-11-25T10:00:00",
            "2026-02-30T10:00:00Z",
            "2026-11-25T10:00:00.Z",
            " 2026-11-25T10:00:00Z",
        ] {
            assert!(parse_date_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn dates_have_four_two_two_digits() {
        assert!(parse_date("2026-07-01").is_ok());
        for bad in [
            "2026-7-1",
            "+2026-07-01",
            "20260701",
            "2026-02-30",
            "2026-07-01T00:00:00Z",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
