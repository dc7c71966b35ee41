//! A length of time in the policy (`15m`, `1h`, `5d`), and how it reads in a sentence.

use std::fmt;
use std::str::FromStr;

/// The most digits a span may have: 13 digits of days still fit in i64 seconds.
const MAX_SPAN_DIGITS: usize = 13;

/// A length of time written `15m`, `1h`, `5d` (or `90s`), kept in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    seconds: i64,
}

impl Span {
    /// Builds a span of whole minutes.
    pub const fn minutes(m: i64) -> Span {
        Span { seconds: m * 60 }
    }

    /// Builds a span of whole hours.
    pub const fn hours(h: i64) -> Span {
        Span { seconds: h * 3600 }
    }

    /// Builds a span of whole days.
    pub const fn days(d: i64) -> Span {
        Span { seconds: d * 86_400 }
    }

    /// Returns the span as a chrono duration.
    pub fn duration(self) -> chrono::Duration {
        chrono::Duration::seconds(self.seconds)
    }

    /// Returns the span in seconds.
    pub fn seconds(self) -> i64 {
        self.seconds
    }

    /// Writes the span for a sentence, as every duration is written
    /// (`crate::duration`): `24 h`, `15 min`, `5 days`. Its `Display` is the
    /// policy's notation (`15m`), for the policy file and its keys only.
    pub fn text(self) -> String {
        crate::duration::text(self.duration())
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.seconds;
        if s != 0 && s % 86_400 == 0 {
            write!(f, "{}d", s / 86_400)
        } else if s != 0 && s % 3600 == 0 {
            write!(f, "{}h", s / 3600)
        } else if s % 60 == 0 {
            write!(f, "{}m", s / 60)
        } else {
            write!(f, "{s}s")
        }
    }
}

impl FromStr for Span {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a length of time; write it like `15m`, `1h` or `5d`");
        let unit = text.chars().last().ok_or_else(bad)?;
        let digits = &text[..text.len() - unit.len_utf8()];
        // Whole digits only, at most 13 (the schema's pattern): no sign, no
        // spaces, and no overflow of the seconds.
        if digits.is_empty() || digits.len() > MAX_SPAN_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let number: i64 = digits.parse().map_err(|_| bad())?;
        let scale = match unit {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            _ => return Err(bad()),
        };
        if number < 0 {
            return Err(bad());
        }
        number
            .checked_mul(scale)
            .map(|seconds| Span { seconds })
            .ok_or_else(bad)
    }
}

crate::text_serde::serde_as_text!(
    Span,
    Span::from_str,
    description: "A length of time: a whole number and a unit, s, m, h or d (`15m`, `1h`, `5d`).",
    pattern: "^[0-9]{1,13}[smhd]$"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_parse_and_print() {
        assert_eq!("15m".parse::<Span>().unwrap(), Span::minutes(15));
        assert_eq!("5d".parse::<Span>().unwrap().to_string(), "5d");
        assert!("15 minutes".parse::<Span>().is_err());
    }

    #[test]
    fn spans_read_as_people_say_them() {
        assert_eq!(Span::hours(24).text(), "24 h");
        assert_eq!(Span::days(5).text(), "5 days");
        assert_eq!(Span::minutes(15).text(), "15 min");
    }
}
