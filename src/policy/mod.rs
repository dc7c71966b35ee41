//! The change policy (`changes/policy.yaml`): roles, approval rules, risk
//! matrix, testing, windows, freezes, RTOs, deadlines and metric targets.
//! Every key has the default of POLICY.md, so a missing key means the default.

mod approvals;
mod canary;
mod default_yaml;
mod rto;
mod schedule;
mod span;

use std::collections::BTreeMap;

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

pub use approvals::ApprovalRules;
pub use canary::CanaryStages;
pub use default_yaml::{policy_yaml_for_team, DEFAULT_POLICY_YAML};
pub use rto::{RehearsalRule, RollbackTriggers, Rto, RtoCheck};
pub use schedule::{CabMeeting, ClockTime, Day, WindowRule};
pub use span::Span;

use crate::record::{kebab_enum, Classification, Level, Record, Role, RollbackKind, Strategy, TestKind};

/// The whole policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Policy {
    /// Who may act in each role, by email. When given, it replaces the default roles whole.
    #[serde(deserialize_with = "approvals::role_members")]
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
    /// The CAB chair, by email, who breaks a tie in a CAB vote; a member of
    /// `cab`. Default: the first member listed under `roles.cab`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cab_chair: Option<String>,
    /// Recovery time objective of each rollback kind.
    pub rto: Rto,
    /// The thresholds of the automatic rollback triggers.
    pub rollback_triggers: RollbackTriggers,
    /// How recent a passed rollback rehearsal must be, and the kinds exempt.
    pub rollback_rehearsal: RehearsalRule,
    pub emergency_deadlines: EmergencyDeadlines,
    /// How long a change is watched after its deployment (per class) or a rollback.
    pub monitoring: MonitoringPeriods,
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
    /// The deployment strategy of each class (and of database changes),
    /// which `chg new` proposes; a major or database change is warned about
    /// when it deploys otherwise.
    pub strategies: Strategies,
    /// The share of traffic each canary stage moves, proposed as a canary
    /// change's deployment steps.
    pub canary_stages: CanaryStages,
    /// Where the policy was read from, to name the line of a key in messages.
    #[serde(skip)]
    #[schemars(skip)]
    pub source: Source,
    /// The money inputs of the quarterly report's ROI section, which the
    /// records cannot give: assumptions the organisation states.
    pub roi: RoiInputs,
}

/// The deployment strategy per class; `database` is for changes whose
/// rollback is `complex` (a database migration) or whose strategy is
/// `database-migration`. A class left without one gets no proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Strategies {
    pub standard: Option<Strategy>,
    pub normal: Option<Strategy>,
    pub major: Option<Strategy>,
    pub emergency: Option<Strategy>,
    pub database: Option<Strategy>,
}

impl Default for Strategies {
    fn default() -> Self {
        Strategies {
            standard: Some(Strategy::Rolling),
            normal: Some(Strategy::Canary),
            major: Some(Strategy::BlueGreen),
            emergency: None,
            database: Some(Strategy::BlueGreen),
        }
    }
}

/// The policy file's name and text, kept to find a key's line; empty for
/// the built-in defaults. Two policies are equal whatever file they came from.
#[derive(Debug, Clone, Default)]
pub struct Source {
    pub file: String,
    pub positions: crate::document::Positions,
}

impl PartialEq for Source {
    fn eq(&self, _: &Source) -> bool {
        true
    }
}

/// Reads a cost or a number of hours: a number, 0 or more.
fn non_negative<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let value = Option::<f64>::deserialize(deserializer)?;
    match value {
        Some(v) if !v.is_finite() || v < 0.0 => Err(serde::de::Error::custom(format!(
            "`{v}` is not a cost or a number of hours; write a number, 0 or more"
        ))),
        v => Ok(v),
    }
}

/// What an hour costs, for the quarterly report's ROI of change management
/// (guide 9.4). Each is an assumption of the organisation, not a fact of the
/// records; unset, the report shows the minutes and hours without money.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RoiInputs {
    /// The currency the costs are in, as the report prints it (`EUR`, `USD`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// What one hour of a service being down costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "non_negative")]
    #[schemars(range(min = 0))]
    pub downtime_cost_per_hour: Option<f64>,
    /// What one hour of an engineer's time costs.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "non_negative")]
    #[schemars(range(min = 0))]
    pub engineering_cost_per_hour: Option<f64>,
    /// The engineering hours one approval takes (reading the record, deciding).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "non_negative")]
    #[schemars(range(min = 0))]
    pub hours_per_approval: Option<f64>,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct EmergencyDeadlines {
    pub documentation: Span,
    pub written_approval: Span,
    pub post_review: Span,
}

/// The monitoring owed after a deployment and after a rollback. A spell
/// shorter than the period does not count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MonitoringPeriods {
    /// After a successful deployment, per class; a class left out owes none.
    pub after_deployment: BTreeMap<Classification, Span>,
    /// After a rollback, whatever the class.
    pub after_rollback: Span,
}

impl Default for MonitoringPeriods {
    fn default() -> Self {
        MonitoringPeriods {
            after_deployment: BTreeMap::from([
                (Classification::Normal, Span::hours(1)),
                (Classification::Major, Span::hours(24)),
            ]),
            after_rollback: Span::minutes(30),
        }
    }
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
                time_zone: "UTC".into(),
            }],
            freezes: vec![Freeze {
                name: "Year end".into(),
                start: NaiveDate::from_ymd_opt(2026, 12, 21).unwrap_or_default(),
                end: NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default(),
                allow: default_allow(),
            }],
            unavailable: Vec::new(),
            cab_meeting: CabMeeting::default(),
            cab_chair: None,
            rto: Rto::default(),
            rollback_triggers: RollbackTriggers::default(),
            rollback_rehearsal: RehearsalRule::default(),
            emergency_deadlines: EmergencyDeadlines::default(),
            monitoring: MonitoringPeriods::default(),
            targets: Targets::default(),
            signing_keys: BTreeMap::new(),
            require_signed_approvals: false,
            change_trailer: "Change".into(),
            production_paths: Vec::new(),
            strategies: Strategies::default(),
            canary_stages: CanaryStages::default(),
            source: Source::default(),
            roi: RoiInputs::default(),
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
    /// Returns the strategy the policy gives a change of this class, with
    /// this rollback kind and (stated) strategy, and the key that sets it:
    /// a database change's (`strategies.database`) before its class's.
    pub fn strategy_for(
        &self,
        class: Classification,
        rollback: Option<RollbackKind>,
        stated: Option<Strategy>,
    ) -> Option<(Strategy, &'static str)> {
        let database = rollback == Some(RollbackKind::Complex) || stated == Some(Strategy::DatabaseMigration);
        let s = &self.strategies;
        let by_class = match class {
            Classification::Standard => (s.standard, "strategies.standard"),
            Classification::Normal => (s.normal, "strategies.normal"),
            Classification::Major => (s.major, "strategies.major"),
            Classification::Emergency => (s.emergency, "strategies.emergency"),
        };
        match (database, s.database) {
            (true, Some(db)) if class != Classification::Emergency => Some((db, "strategies.database")),
            _ => by_class.0.map(|st| (st, by_class.1)),
        }
    }

    /// Returns the strategy a major or database change should have and the
    /// key that sets it, when its own strategy differs (a missing one too).
    pub fn weaker_strategy(&self, record: &Record) -> Option<(Strategy, &'static str)> {
        let stated = record.deployment.as_ref().and_then(|d| d.strategy);
        let (want, key) = self.strategy_for(record.classification, record.rollback_kind(), stated)?;
        let binding = key == "strategies.database" || record.classification == Classification::Major;
        (binding && stated != Some(want)).then_some((want, key))
    }

    /// Names where a key of the policy is set: `changes/policy.yaml:58`, or
    /// the file and that the key is left at its default.
    pub fn where_set(&self, key: &str) -> String {
        match self.source.positions.get(key) {
            Some(at) if !self.source.file.is_empty() => format!("{}:{}", self.source.file, at.line),
            _ if !self.source.file.is_empty() => format!("{}, `{key}` left at its default", self.source.file),
            _ => format!("the default policy's `{key}`"),
        }
    }

    /// Returns the opening of the first deployment window at or after `t`
    /// within a fortnight (`t` itself when there is none).
    pub fn next_window(&self, t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        let day = t.date_naive();
        (0..14)
            .filter_map(|n| day.checked_add_days(chrono::Days::new(n)))
            .flat_map(|d| {
                self.windows.iter().filter_map(move |rule| {
                    let tz = crate::calendar::zone(&rule.time_zone)?;
                    crate::calendar::occurrence(rule, tz, d).map(|(open, _)| open)
                })
            })
            .filter(|open| *open >= t)
            .min()
            .unwrap_or(t)
    }

    /// Returns the least class the risk matrix allows, if the matrix names one.
    pub fn least_class(&self, impact: Level, likelihood: Level) -> Option<Classification> {
        self.risk_matrix.get(&impact)?.get(&likelihood).copied()
    }

    /// Returns the risk level the matrix gives an impact and likelihood: low,
    /// medium or high, as the least class it allows is standard, normal or
    /// major; `unknown` where the matrix names none.
    pub fn risk_level(&self, impact: Level, likelihood: Level) -> String {
        match self.least_class(impact, likelihood) {
            Some(Classification::Standard) => Level::Low.to_string(),
            Some(Classification::Normal) => Level::Medium.to_string(),
            Some(Classification::Major | Classification::Emergency) => Level::High.to_string(),
            None => "unknown".to_string(),
        }
    }

    /// Returns the kinds of testing that must pass before a change of this class is approved.
    pub fn required_tests(&self, class: Classification) -> &[TestKind] {
        self.testing.get(&class).map(Vec::as_slice).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_policy_means_defaults() {
        let parsed: Policy = crate::document::loose("{}").unwrap();
        assert_eq!(parsed, Policy::default());
    }
}
