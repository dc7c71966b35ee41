//! Periods in UTC: ISO weeks, calendar months and quarters, each a half-open
//! range `[from, to)`.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};
use serde::Serialize;

/// A half-open span of time in UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

fn midnight(date: NaiveDate) -> DateTime<Utc> {
    Utc.from_utc_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// Splits `2026-W47` or `2026-Q4` at `sep` into the year (checked as the
/// value of `flag`) and the number after it; `what` and `example` word the error.
fn year_and_number(text: &str, sep: &str, flag: &str, what: &str, example: &str) -> Result<(i32, u32)> {
    let bad = || anyhow!("`{text}` is not {what}\n  hint: write it like `{example}`");
    let (year, n) = text.trim().split_once(sep).ok_or_else(bad)?;
    let year: i32 = year.parse().map_err(|_| bad())?;
    crate::timearg::check_year(flag, text, year)?;
    Ok((year, n.parse().map_err(|_| bad())?))
}

impl Period {
    /// Returns true when `t` is inside the period.
    pub fn contains(&self, t: DateTime<Utc>) -> bool {
        self.from <= t && t < self.to
    }

    /// The ISO week holding `date` (Monday to Monday).
    pub fn week_of(date: NaiveDate) -> Period {
        let monday = date - Duration::days(i64::from(date.weekday().num_days_from_monday()));
        Period {
            from: midnight(monday),
            to: midnight(monday + Duration::days(7)),
        }
    }

    /// Parses `2026-W47` (ISO week-numbering year and week).
    pub fn parse_week(text: &str) -> Result<Period> {
        let (year, week) = year_and_number(text, "-W", "--week", "an ISO week", "2026-W47")?;
        let monday = NaiveDate::from_isoywd_opt(year, week, Weekday::Mon)
            .ok_or_else(|| anyhow!("{year} has no ISO week {week}\n  hint: ISO years have 52 or 53 weeks"))?;
        Ok(Period::week_of(monday))
    }

    /// The calendar month holding `date`.
    pub fn month_of(date: NaiveDate) -> Period {
        let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).unwrap_or(date);
        let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(first);
        Period {
            from: midnight(first),
            to: midnight(next),
        }
    }

    /// Parses `2026-11`.
    pub fn parse_month(text: &str) -> Result<Period> {
        let date = NaiveDate::parse_from_str(&format!("{}-01", text.trim()), "%Y-%m-%d")
            .map_err(|_| anyhow!("`{text}` is not a month\n  hint: write it like `2026-11`"))?;
        crate::timearg::check_year("--month", text, date.year())?;
        Ok(Period::month_of(date))
    }

    /// The calendar quarter holding `date`.
    pub fn quarter_of(date: NaiveDate) -> Period {
        let first_month = (date.month0() / 3) * 3 + 1;
        let first = NaiveDate::from_ymd_opt(date.year(), first_month, 1).unwrap_or(date);
        let next = first.checked_add_months(chrono::Months::new(3)).unwrap_or(first);
        Period {
            from: midnight(first),
            to: midnight(next),
        }
    }

    /// Parses `2026-Q4`.
    pub fn parse_quarter(text: &str) -> Result<Period> {
        let bad = || anyhow!("`{text}` is not a quarter\n  hint: write it like `2026-Q4`");
        let (year, q) = year_and_number(text, "-Q", "--quarter", "a quarter", "2026-Q4")?;
        if !(1..=4).contains(&q) {
            return Err(bad());
        }
        let first = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1).ok_or_else(bad)?;
        Ok(Period::quarter_of(first))
    }

    /// The period of the same length right after this one (for weeks: the next week).
    pub fn next_week(&self) -> Period {
        Period {
            from: self.to,
            to: self.to + Duration::days(7),
        }
    }

    /// The month before this period's first month.
    pub fn previous_month(&self) -> Period {
        Period::month_of(self.from.date_naive() - Duration::days(1))
    }

    /// The calendar quarter before this period's first month (Q4 of the year before for a Q1).
    pub fn previous_quarter(&self) -> Period {
        Period::quarter_of(Period::quarter_of(self.from.date_naive()).from.date_naive() - Duration::days(1))
    }

    /// The months inside this period, in order.
    pub fn months(&self) -> Vec<Period> {
        let mut months = Vec::new();
        let mut month = Period::month_of(self.from.date_naive());
        while month.from < self.to {
            months.push(month);
            month = Period::month_of(month.to.date_naive());
        }
        months
    }

    /// Names the period for a reader: `2026-W47`, `2026-11`, `2026-Q4`, or `from – to`.
    pub fn label(&self) -> String {
        let from = self.from.date_naive();
        if self.to - self.from == Duration::days(7) && from.weekday() == Weekday::Mon {
            let week = from.iso_week();
            return format!("{}-W{:02}", week.year(), week.week());
        }
        if Period::month_of(from) == *self {
            return from.format("%Y-%m").to_string();
        }
        if Period::quarter_of(from) == *self {
            return format!("{}-Q{}", from.year(), from.month0() / 3 + 1);
        }
        format!("{} – {}", from, (self.to - Duration::days(1)).date_naive())
    }

    /// Describes the dates: `Mon 16 Nov – Sun 22 Nov 2026`.
    pub fn dates(&self) -> String {
        let last = (self.to - Duration::days(1)).date_naive();
        format!("{} – {}", self.from.format("%a %-d %b %Y"), last.format("%a %-d %b %Y"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// The first day of a period and the day after it.
    fn days(p: Period) -> (NaiveDate, NaiveDate) {
        (p.from.date_naive(), p.to.date_naive())
    }

    #[test]
    fn iso_weeks_at_year_boundaries() {
        // 2026-W01 starts on Monday 29 December 2025.
        let w1 = Period::parse_week("2026-W01").unwrap();
        assert_eq!(w1.from.date_naive(), d(2025, 12, 29));
        assert_eq!(w1.label(), "2026-W01");
        // 2026 has 53 ISO weeks; W53 runs Mon 28 Dec 2026 to Sun 3 Jan 2027.
        let w53 = Period::parse_week("2026-W53").unwrap();
        assert_eq!(days(w53), (d(2026, 12, 28), d(2027, 1, 4)));
        assert_eq!(Period::week_of(d(2027, 1, 2)), w53);
        assert!(Period::parse_week("2025-W53").is_err(), "2025 has 52 weeks");
    }

    #[test]
    fn months_and_quarters() {
        let nov = Period::parse_month("2026-11").unwrap();
        assert_eq!(days(nov), (d(2026, 11, 1), d(2026, 12, 1)));
        assert_eq!(nov.label(), "2026-11");
        let q4 = Period::parse_quarter("2026-Q4").unwrap();
        assert_eq!(q4.to.date_naive(), d(2027, 1, 1));
        assert_eq!(q4.months().len(), 3);
        assert_eq!(q4.label(), "2026-Q4");
        assert_eq!(nov.previous_month().label(), "2026-10");
    }

    #[test]
    fn quarters_at_the_year_boundary() {
        let q1 = Period::parse_quarter("2027-Q1").unwrap();
        assert_eq!(days(q1), (d(2027, 1, 1), d(2027, 4, 1)));
        let labels: Vec<String> = q1.months().iter().map(Period::label).collect();
        assert_eq!(labels, ["2027-01", "2027-02", "2027-03"]);
        let q4 = q1.previous_quarter();
        assert_eq!(q4.label(), "2026-Q4");
        assert_eq!(q4.to, q1.from);
        assert_eq!(Period::quarter_of(d(2026, 12, 31)), q4);
        assert_eq!(q4.previous_quarter().label(), "2026-Q3");
        for bad in ["2026-Q0", "2026-Q5", "2026Q4", "Q4-2026", "2026-Q", ""] {
            assert!(Period::parse_quarter(bad).is_err(), "{bad}");
        }
    }
}
