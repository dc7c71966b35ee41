//! The times of the week in a policy: the days, times of day and zones of
//! deployment windows and of the CAB meeting.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::record::kebab_enum;

kebab_enum!(
    /// A day of the week, as written in windows and meetings.
    Day {
        Mon => "mon",
        Tue => "tue",
        Wed => "wed",
        Thu => "thu",
        Fri => "fri",
        Sat => "sat",
        Sun => "sun",
    }
);

impl Day {
    /// Converts to chrono's weekday.
    pub fn weekday(self) -> chrono::Weekday {
        use chrono::Weekday::*;
        match self {
            Day::Mon => Mon,
            Day::Tue => Tue,
            Day::Wed => Wed,
            Day::Thu => Thu,
            Day::Fri => Fri,
            Day::Sat => Sat,
            Day::Sun => Sun,
        }
    }
}

/// A deployment window on some days of the week, in a time zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowRule {
    pub days: Vec<Day>,
    pub start: ClockTime,
    pub end: ClockTime,
    /// An IANA time zone name (`UTC`, `Europe/Berlin`). chg is stricter than this schema: it
    /// refuses a name its copy of the IANA database does not know, which no pattern can say.
    #[serde(default = "utc", deserialize_with = "zone_name")]
    pub time_zone: String,
}

fn utc() -> String {
    "UTC".into()
}

/// Reads a time zone name, refusing one the IANA database does not know.
fn zone_name<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let name = String::deserialize(deserializer)?;
    if crate::calendar::zone(&name).is_some() {
        return Ok(name);
    }
    let names: Vec<&str> = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name()).collect();
    let hint = match crate::suggest::closest(&name, &names) {
        Some(best) => format!("did you mean `{best}`?"),
        None => "write an IANA name like `Europe/Berlin`, `America/New_York` or `UTC`".into(),
    };
    Err(serde::de::Error::custom(format!(
        "`{name}` is not a time zone of the IANA database; {hint}"
    )))
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CabMeeting {
    pub day: Day,
    pub time: ClockTime,
    /// An IANA time zone name. chg is stricter than this schema: it refuses a name its copy of
    /// the IANA database does not know, which no pattern can say.
    #[serde(deserialize_with = "zone_name")]
    pub time_zone: String,
}

impl CabMeeting {
    /// The meeting's time zone (UTC for a name the policy check already refused).
    fn zone(&self) -> chrono_tz::Tz {
        crate::calendar::zone(&self.time_zone).unwrap_or(chrono_tz::UTC)
    }

    /// The meetings around `t`, in the meeting's own time zone, oldest first:
    /// every one from a week before `t` to two weeks after.
    fn around(&self, t: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let zone = self.zone();
        let local = t.with_timezone(&zone).date_naive();
        (-8..=16)
            .map(|d| local + chrono::Duration::days(d))
            .filter(|day| day.weekday() == self.day.weekday())
            .filter_map(|day| {
                // A meeting time skipped by a clock change is held an hour later.
                let at = day.and_time(self.time.0);
                zone.from_local_datetime(&at)
                    .earliest()
                    .or_else(|| zone.from_local_datetime(&(at + chrono::Duration::hours(1))).earliest())
                    .map(|m| m.with_timezone(&Utc))
            })
            .collect()
    }

    /// The first meeting at or after `t`: the one an emergency is presented
    /// at, and the one the weekly report prepares. The one definition of
    /// "the next CAB meeting" for the rules, `chg status` and the reports.
    pub fn next(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.around(t).into_iter().find(|m| *m >= t).unwrap_or(t)
    }

    /// The date of `t` in the meeting's time zone.
    pub fn day_of(&self, t: DateTime<Utc>) -> NaiveDate {
        let zone = self.zone();
        t.with_timezone(&zone).date_naive()
    }

    /// Names the meeting at `t` as the CAB knows it, in its own time zone:
    /// `Tue 01 Dec 2026 10:00 America/New_York (15:00 UTC)`, or
    /// `Tue 01 Dec 2026 10:00 UTC` for a meeting kept in UTC.
    pub fn name(&self, t: DateTime<Utc>) -> String {
        let zone = self.zone();
        if zone == chrono_tz::UTC {
            return t.format("%a %d %b %Y %H:%M UTC").to_string();
        }
        let local = t.with_timezone(&zone);
        format!(
            "{} {} ({})",
            local.format("%a %d %b %Y %H:%M"),
            self.time_zone,
            t.format("%H:%M UTC")
        )
    }

    /// The last meeting before `t`.
    pub fn previous(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.around(t).into_iter().rev().find(|m| *m < t).unwrap_or(t)
    }
}

impl Default for CabMeeting {
    fn default() -> Self {
        CabMeeting {
            day: Day::Tue,
            time: ClockTime::hm(10, 0),
            time_zone: utc(),
        }
    }
}

/// A time of day written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(pub NaiveTime);

impl ClockTime {
    pub(super) fn hm(h: u32, m: u32) -> ClockTime {
        ClockTime(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
    }

    /// Parses exactly `HH:MM`, or `24:00` for the end of the day.
    fn parse(text: &str) -> Result<ClockTime, String> {
        if text == "24:00" {
            // The end of the day, for windows that run to midnight.
            return Ok(ClockTime(NaiveTime::MIN));
        }
        // Exactly `HH:MM`, as the schema's pattern says: chrono alone takes `2:00`.
        let b = text.as_bytes();
        let shape = b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|i| b[*i].is_ascii_digit());
        shape
            .then(|| NaiveTime::parse_from_str(text, "%H:%M").ok())
            .flatten()
            .map(ClockTime)
            .ok_or_else(|| format!("`{text}` is not a time of day; write it like `02:00`"))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

crate::text_serde::serde_as_text!(
    ClockTime,
    ClockTime::parse,
    description: "A time of day, `HH:MM`.",
    pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"
);
