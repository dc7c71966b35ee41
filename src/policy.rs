//! The change policy (`changes/policy.yaml`): roles, approval rules, risk
//! matrix, testing, windows, freezes, RTOs, deadlines and metric targets.
//! Every key has the default of POLICY.md, so a missing key means the default.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeZone, Utc};
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::record::{kebab_enum, Classification, Level, Role, RollbackKind, TestKind};

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

/// The whole policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Who may act in each role, by email. When given, it replaces the default roles whole.
    #[serde(deserialize_with = "role_members")]
    pub roles: BTreeMap<Role, Vec<String>>,
    /// The approvals each class needs.
    pub approvals: ApprovalRules,
    /// The least class for each impact (outer key) and likelihood (inner key).
    pub risk_matrix: BTreeMap<Level, BTreeMap<Level, Classification>>,
    /// The kinds of testing that must have passed before approval, per class.
    pub testing: BTreeMap<Classification, Vec<TestKind>>,
    /// Deployment windows; a non-emergency change must fit in one.
    pub windows: Vec<WindowRule>,
    /// Freeze periods.
    pub freezes: Vec<Freeze>,
    /// People's unavailability, for resource planning.
    pub unavailable: Vec<Unavailability>,
    pub cab_meeting: CabMeeting,
    /// Recovery time objective of each rollback kind.
    pub rto: Rto,
    pub emergency_deadlines: EmergencyDeadlines,
    pub targets: Targets,
    /// Approvers' public keys, by email, in the key format of git's allowed-signers file.
    pub signing_keys: BTreeMap<String, String>,
    /// Requires approval commits to be signed by the approver's key.
    pub require_signed_approvals: bool,
    /// The git trailer a commit names the change it implements with (`Change: CHG-2026-0042`).
    pub change_trailer: String,
    /// The paths of the application repositories that count as production
    /// (globs: `*` within a folder, `**` across folders), for `chg untracked`.
    pub production_paths: Vec<String>,
}

/// The approvals needed per class: any one of the groups of a class satisfies it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ApprovalRules {
    /// Standard changes are `pre-approved` by their catalogue template.
    pub standard: PreApproved,
    pub normal: Vec<ApprovalGroup>,
    pub major: Vec<ApprovalGroup>,
    pub emergency: Vec<ApprovalGroup>,
}

/// The only value `approvals.standard` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum PreApproved {
    #[default]
    #[serde(rename = "pre-approved")]
    PreApproved,
}

/// One way to satisfy a class: `count` approvals by `role`, or one approval by each of `roles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalGroup {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
}

impl ApprovalGroup {
    fn one(role: Role, count: u32) -> Self {
        ApprovalGroup {
            role: Some(role),
            count: Some(count),
            roles: Vec::new(),
        }
    }

    fn each(roles: &[Role]) -> Self {
        ApprovalGroup {
            role: None,
            count: None,
            roles: roles.to_vec(),
        }
    }

    /// Returns what this group needs: distinct approvers per role.
    pub fn needs(&self) -> Vec<(Role, u32)> {
        let mut needs: Vec<(Role, u32)> = self.roles.iter().map(|r| (*r, 1)).collect();
        if let Some(role) = self.role {
            needs.push((role, self.count.unwrap_or(1)));
        }
        needs
    }

    /// Describes the group for messages: `3 × cab`, `ciso + cto`.
    pub fn describe(&self) -> String {
        self.needs()
            .iter()
            .map(|(role, n)| {
                if *n == 1 {
                    role.to_string()
                } else {
                    format!("{n} × {role}")
                }
            })
            .collect::<Vec<_>>()
            .join(" + ")
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

/// Reads the role lists, trimming each entry (a stray space would lock its
/// holder out without a word) and refusing one that is not an email.
fn role_members<'de, D: Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<Role, Vec<String>>, D::Error> {
    let mut roles = BTreeMap::<Role, Vec<String>>::deserialize(deserializer)?;
    for (role, members) in roles.iter_mut() {
        for member in members.iter_mut() {
            let email = member.trim();
            let valid = email.contains('@')
                && !email.starts_with('@')
                && !email.ends_with('@')
                && !email.contains(|c: char| c.is_whitespace() || c == '<' || c == '>');
            if !valid {
                return Err(serde::de::Error::custom(format!(
                    "`{member}` under `{role}` is not an email; list each holder by their git email, e.g. `sam@example.com`"
                )));
            }
            *member = email.to_string();
        }
    }
    Ok(roles)
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

/// A freeze period, both dates inclusive, and who may still change things in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Freeze {
    pub name: String,
    #[serde(deserialize_with = "crate::rfc3339::date")]
    pub start: NaiveDate,
    #[serde(deserialize_with = "crate::rfc3339::date")]
    pub end: NaiveDate,
    /// Classes allowed in the freeze, and `cab-approved` for any change with CAB approval
    /// (the CAB quorum of the major class). Default: emergency changes and CAB-approved ones.
    #[serde(default = "default_allow")]
    pub allow: Vec<FreezeAllowance>,
}

fn default_allow() -> Vec<FreezeAllowance> {
    vec![FreezeAllowance::Emergency, FreezeAllowance::CabApproved]
}

kebab_enum!(
    /// What a freeze still allows.
    FreezeAllowance {
        Standard => "standard",
        Normal => "normal",
        Major => "major",
        Emergency => "emergency",
        CabApproved => "cab-approved",
    }
);

/// A person away, by email, both dates inclusive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Unavailability {
    pub who: String,
    #[serde(deserialize_with = "crate::rfc3339::date")]
    pub from: NaiveDate,
    #[serde(deserialize_with = "crate::rfc3339::date")]
    pub to: NaiveDate,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Rto {
    pub simple: Span,
    pub complex: Span,
    #[serde(rename = "full-restore")]
    pub full_restore: Span,
}

impl Policy {
    /// Returns true when a rollback of `kind` that took `took` is within its RTO:
    /// strictly less, as the guide writes it ("< 15 minutes"), unless the
    /// policy lists `rto` under `targets.inclusive`.
    pub fn within_rto(&self, kind: RollbackKind, took: chrono::Duration) -> bool {
        let rto = self.rto.of(kind).duration();
        if self.targets.is_inclusive(TargetName::Rto) {
            took <= rto
        } else {
            took < rto
        }
    }
}

impl CabMeeting {
    /// The meetings around `t`, in the meeting's own time zone, oldest first:
    /// every one from a week before `t` to two weeks after.
    fn around(&self, t: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        let zone = crate::calendar::zone(&self.time_zone).unwrap_or(chrono_tz::UTC);
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
        let zone = crate::calendar::zone(&self.time_zone).unwrap_or(chrono_tz::UTC);
        t.with_timezone(&zone).date_naive()
    }

    /// The last meeting before `t`.
    pub fn previous(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.around(t).into_iter().rev().find(|m| *m < t).unwrap_or(t)
    }
}

/// Says how a rollback that missed its RTO missed it: `over` it, or exactly
/// on it (`not under`, since the guide asks for less than the RTO).
pub fn over_or_not_under(took: chrono::Duration, rto: Span) -> &'static str {
    if took > rto.duration() {
        "over"
    } else {
        "not under"
    }
}

impl Rto {
    /// Returns the objective for a rollback kind.
    pub fn of(&self, kind: RollbackKind) -> Span {
        match kind {
            RollbackKind::Simple => self.simple,
            RollbackKind::Complex => self.complex,
            RollbackKind::FullRestore => self.full_restore,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EmergencyDeadlines {
    pub documentation: Span,
    pub written_approval: Span,
    pub post_review: Span,
}

/// The monthly targets of the guide (section 9.3). The guide writes them
/// strictly ("< 5 %", "> 95 %", "< 2 hours"): a value exactly on the
/// target misses it, unless the target is listed in `inclusive`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Targets {
    /// Emergency changes ÷ total, below.
    pub emergency_rate: f64,
    /// Successful changes ÷ total, above.
    pub success_rate: f64,
    /// Rolled-back changes ÷ total, below.
    pub rollback_rate: f64,
    /// Changes with issues ÷ total, below.
    pub issue_rate: f64,
    /// Mean implementation time, below.
    pub average_change_time: Span,
    /// Targets also met exactly on the boundary (≤ / ≥ instead of the guide's < / >);
    /// `rto` makes a rollback that takes exactly its RTO count as within it.
    pub inclusive: Vec<TargetName>,
}

kebab_enum!(
    /// A target that the policy may make inclusive.
    TargetName {
        EmergencyRate => "emergency_rate",
        SuccessRate => "success_rate",
        RollbackRate => "rollback_rate",
        IssueRate => "issue_rate",
        AverageChangeTime => "average_change_time",
        Rto => "rto",
    }
);

impl Targets {
    /// Returns true when the policy counts the boundary of the target as met.
    pub fn is_inclusive(&self, name: TargetName) -> bool {
        self.inclusive.contains(&name)
    }
}

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

impl Serialize for Span {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

impl JsonSchema for Span {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Span".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A length of time: a whole number and a unit, s, m, h or d (`15m`, `1h`, `5d`).",
            "type": "string",
            "pattern": "^[0-9]{1,13}[smhd]$"
        })
    }
}

/// A time of day written `HH:MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime(pub NaiveTime);

impl ClockTime {
    fn hm(h: u32, m: u32) -> ClockTime {
        ClockTime(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%H:%M"))
    }
}

impl Serialize for ClockTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ClockTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text == "24:00" {
            // The end of the day, for windows that run to midnight.
            return Ok(ClockTime(NaiveTime::MIN));
        }
        // Exactly `HH:MM`, as the schema's pattern says: chrono alone takes `2:00`.
        let b = text.as_bytes();
        let shape = b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|i| b[*i].is_ascii_digit());
        shape
            .then(|| NaiveTime::parse_from_str(&text, "%H:%M").ok())
            .flatten()
            .map(ClockTime)
            .ok_or_else(|| serde::de::Error::custom(format!("`{text}` is not a time of day; write it like `02:00`")))
    }
}

impl JsonSchema for ClockTime {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ClockTime".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A time of day, `HH:MM`.",
            "type": "string",
            "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$"
        })
    }
}

impl Default for Policy {
    fn default() -> Self {
        use Classification::*;
        use Level::*;
        let emails = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let roles = BTreeMap::from([
            (Role::ChangeManager, emails(&["sam@example.com"])),
            (Role::EngineeringLead, emails(&["lee@example.com"])),
            (
                Role::Cab,
                emails(&[
                    "ana@example.com",
                    "ben@example.com",
                    "cho@example.com",
                    "dev@example.com",
                    "eli@example.com",
                ]),
            ),
            (Role::Ciso, emails(&["carol@example.com"])),
            (Role::Cto, emails(&["dave@example.com"])),
            (Role::Ceo, emails(&["erin@example.com"])),
        ]);
        let row = |l: Classification, m: Classification, h: Classification| {
            BTreeMap::from([(Low, l), (Medium, m), (High, h)])
        };
        let risk_matrix = BTreeMap::from([
            (High, row(Normal, Major, Major)),
            (Medium, row(Normal, Normal, Major)),
            (Low, row(Standard, Normal, Normal)),
        ]);
        use TestKind::*;
        let testing = BTreeMap::from([
            (Standard, vec![Unit]),
            (Normal, vec![Unit, Integration, QaReview]),
            (Major, vec![Unit, Integration, QaReview, SecurityReview, Performance]),
            (Emergency, vec![Unit]),
        ]);
        Policy {
            roles,
            approvals: ApprovalRules::default(),
            risk_matrix,
            testing,
            windows: vec![WindowRule {
                days: vec![Day::Sun, Day::Mon, Day::Tue, Day::Wed, Day::Thu],
                start: ClockTime::hm(2, 0),
                end: ClockTime::hm(6, 0),
                time_zone: utc(),
            }],
            freezes: vec![Freeze {
                name: "Year end".into(),
                start: NaiveDate::from_ymd_opt(2026, 12, 21).unwrap_or_default(),
                end: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default(),
                allow: default_allow(),
            }],
            unavailable: Vec::new(),
            cab_meeting: CabMeeting::default(),
            rto: Rto::default(),
            emergency_deadlines: EmergencyDeadlines::default(),
            targets: Targets::default(),
            signing_keys: BTreeMap::new(),
            require_signed_approvals: false,
            change_trailer: "Change".into(),
            production_paths: Vec::new(),
        }
    }
}

impl Default for ApprovalRules {
    fn default() -> Self {
        ApprovalRules {
            standard: PreApproved::PreApproved,
            normal: vec![
                ApprovalGroup::one(Role::ChangeManager, 1),
                ApprovalGroup::one(Role::EngineeringLead, 1),
            ],
            major: vec![ApprovalGroup::one(Role::Cab, 3), ApprovalGroup::one(Role::Cto, 1)],
            emergency: vec![
                ApprovalGroup::each(&[Role::Ciso, Role::Cto]),
                ApprovalGroup::one(Role::Ceo, 1),
            ],
        }
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

impl Default for Rto {
    fn default() -> Self {
        Rto {
            simple: Span::minutes(15),
            complex: Span::hours(1),
            full_restore: Span::hours(4),
        }
    }
}

impl Default for EmergencyDeadlines {
    fn default() -> Self {
        EmergencyDeadlines {
            documentation: Span::hours(24),
            written_approval: Span::hours(24),
            post_review: Span::days(5),
        }
    }
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            emergency_rate: 0.05,
            success_rate: 0.95,
            rollback_rate: 0.05,
            issue_rate: 0.10,
            average_change_time: Span::hours(2),
            inclusive: Vec::new(),
        }
    }
}

impl Policy {
    /// Returns the emails listed for a role.
    pub fn members(&self, role: Role) -> &[String] {
        self.roles.get(&role).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Returns true when the email is listed for the role.
    pub fn holds(&self, email: &str, role: Role) -> bool {
        self.members(role).iter().any(|m| crate::person::emails_match(m, email))
    }

    /// Returns the roles an email holds.
    pub fn roles_of(&self, email: &str) -> Vec<Role> {
        Role::ALL.iter().copied().filter(|r| self.holds(email, *r)).collect()
    }

    /// Returns the approval groups of a class; empty for standard (pre-approved).
    pub fn approval_groups(&self, class: Classification) -> &[ApprovalGroup] {
        match class {
            Classification::Standard => &[],
            Classification::Normal => &self.approvals.normal,
            Classification::Major => &self.approvals.major,
            Classification::Emergency => &self.approvals.emergency,
        }
    }

    /// Returns the least class the risk matrix allows, if the matrix names one.
    pub fn least_class(&self, impact: Level, likelihood: Level) -> Option<Classification> {
        self.risk_matrix.get(&impact)?.get(&likelihood).copied()
    }

    /// Returns the kinds of testing that must pass before a change of this class is approved.
    pub fn required_tests(&self, class: Classification) -> &[TestKind] {
        self.testing.get(&class).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// The policy file `chg init` writes: every default, with a comment per section.
pub const DEFAULT_POLICY_YAML: &str = r#"# chg change policy. Every key has a default; delete a key to use it.
# The comment above each section says what it means; `chg schema policy`
# prints the type of every key.
# Editable by the change manager and CAB only (`chg check --base` enforces it).
---
# Who may act in each role, by git email. When `roles` is given it replaces the
# defaults whole: a role left out has nobody in it.
roles:
  change-manager: [sam@example.com]
  engineering-lead: [lee@example.com]
  cab:
    - ana@example.com
    - ben@example.com
    - cho@example.com
    - dev@example.com
    - eli@example.com
  ciso: [carol@example.com]
  cto: [dave@example.com]
  ceo: [erin@example.com]

# Approvals per class: any one group satisfies it. `count` distinct people in
# `role`, or one person in each of `roles`.
approvals:
  standard: pre-approved
  normal: [{role: change-manager, count: 1}, {role: engineering-lead, count: 1}]
  major: [{role: cab, count: 3}, {role: cto, count: 1}]
  emergency: [{roles: [ciso, cto]}, {role: ceo, count: 1}]

# Risk matrix: the least class for an impact (outer key) and likelihood (inner
# key). A change may be classed higher, never lower; emergency is outside it.
risk_matrix:
  high: {low: normal, medium: major, high: major}
  medium: {low: normal, medium: normal, high: major}
  low: {low: standard, medium: normal, high: normal}

# Testing that must have passed before approval, per class.
testing:
  standard: [unit]
  normal: [unit, integration, qa_review]
  major: [unit, integration, qa_review, security_review, performance]
  emergency: [unit]

# Deployment windows. Non-emergency changes must fit inside one.
windows:
  - days: [sun, mon, tue, wed, thu]
    start: "02:00"
    end: "06:00"
    time_zone: UTC

# Freeze periods, both dates inclusive (UTC days). `allow` lists the classes
# still allowed, and `cab-approved` for any change the CAB approved (the `cab`
# count of the major approval rule); the default is [emergency, cab-approved].
freezes:
  - name: Year end
    start: "2026-12-21"
    end: "2027-01-04"
    allow: [emergency, cab-approved]

# People away (resource availability), by email, both dates inclusive.
unavailable: []

# The weekly CAB meeting, where every emergency change is presented.
cab_meeting: {day: tue, time: "10:00", time_zone: UTC}

# Recovery time objective per rollback kind.
rto: {simple: 15m, complex: 1h, full-restore: 4h}

# Emergency changes: documentation and written approval within 24 h of
# implementation, post-emergency review within 5 days.
emergency_deadlines:
  documentation: 24h
  written_approval: 24h
  post_review: 5d

# Monthly targets, which `chg metrics` and the reports compare each month
# with. Each is strict: under 5 % emergency changes, over
# 95 % successful, under 5 % rolled back, under 10 % with issues, changes
# taking under 2 h on average; a month exactly on a target misses it. List a
# target (or `rto`) under `inclusive: [...]` to count its boundary as met.
targets:
  emergency_rate: 0.05
  success_rate: 0.95
  rollback_rate: 0.05
  issue_rate: 0.10
  average_change_time: 2h

# Approvers' public keys (git allowed-signers key format), by email, and
# whether approval commits must be signed with them.
signing_keys: {}
require_signed_approvals: false

# Code linked to changes: the git trailer a commit names its change with
# (`Change: CHG-2026-0042` in the message's last paragraph), and the paths of
# the application repositories that count as production for `chg untracked`
# (globs: `*` within a folder, `**` across folders),
# e.g. ["src/**", "deploy/*.yaml"].
change_trailer: Change
production_paths: []
"#;

/// The policy `chg init` writes: the default policy with the team's own
/// people in `roles` (emails, by role), and nobody else.
pub fn policy_yaml_for_team(team: &BTreeMap<Role, Vec<String>>) -> String {
    let mut roles = String::from(
        "roles:\n  # An empty list has nobody in it yet: a change manager adds people\n  # with a pull request (docs/first-day.md).\n",
    );
    for role in Role::ALL {
        let people: Vec<String> = team.get(role).into_iter().flatten().map(|e| yaml_scalar(e)).collect();
        let line = format!("  {role}: [{}]\n", people.join(", "));
        // A long team is a list, one per line: yamllint's limit is 80 columns.
        if line.len() > 81 {
            roles.push_str(&format!("  {role}:\n"));
            for person in &people {
                roles.push_str(&format!("    - {person}\n"));
            }
        } else {
            roles.push_str(&line);
        }
    }
    // The block from `roles:` to the blank line that ends it.
    let start = DEFAULT_POLICY_YAML.find("\nroles:\n").map_or(0, |i| i + 1);
    let end = DEFAULT_POLICY_YAML[start..]
        .find("\n\n")
        .map_or(DEFAULT_POLICY_YAML.len(), |i| start + i + 1);
    format!(
        "{}{roles}{}",
        &DEFAULT_POLICY_YAML[..start],
        &DEFAULT_POLICY_YAML[end..]
    )
}

/// An email as a YAML scalar: bare when plain, else double-quoted (JSON is YAML).
fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '-' | '+'));
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_policy_has_the_team_and_the_default_rules() {
        let mut team = BTreeMap::new();
        team.insert(Role::ChangeManager, vec!["priya@acme.test".to_string()]);
        team.insert(Role::Cab, vec!["a@x.test".to_string(), "odd,one@x.test".to_string()]);
        let text = policy_yaml_for_team(&team);
        assert!(!text.contains("example.com"), "{text}");
        let parsed: Policy = serde_yaml::from_str(&text).unwrap();
        assert_eq!(parsed.members(Role::ChangeManager), ["priya@acme.test"]);
        assert_eq!(parsed.members(Role::Cab), ["a@x.test", "odd,one@x.test"]);
        assert!(parsed.members(Role::Ceo).is_empty());
        let defaults = Policy::default();
        assert_eq!(
            (parsed.approvals, parsed.windows),
            (defaults.approvals, defaults.windows)
        );
    }

    #[test]
    fn written_defaults_equal_the_built_in_ones() {
        let parsed: Policy = serde_yaml::from_str(DEFAULT_POLICY_YAML).unwrap();
        assert_eq!(parsed, Policy::default());
    }

    #[test]
    fn empty_policy_means_defaults() {
        let parsed: Policy = serde_yaml::from_str("{}").unwrap();
        assert_eq!(parsed, Policy::default());
    }

    #[test]
    fn spans_parse_and_print() {
        assert_eq!("15m".parse::<Span>().unwrap(), Span::minutes(15));
        assert_eq!("5d".parse::<Span>().unwrap().to_string(), "5d");
        assert!("15 minutes".parse::<Span>().is_err());
    }
}
