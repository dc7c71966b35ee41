//! The record's vocabulary: the kebab-case values of its enums (status,
//! class, levels, outcomes...), spelled once for the CLI, the parser and
//! the error hints.

/// Declares a kebab-case enum with `Display`, `FromStr` and a list of all
/// values, so the CLI, the parser and the error hints share one spelling.
macro_rules! kebab_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ::serde::Serialize, ::serde::Deserialize, ::schemars::JsonSchema, ::clap::ValueEnum)]
        pub enum $name {
            $(#[serde(rename = $text)] #[value(name = $text)] $variant),+
        }

        impl $name {
            /// Lists every value in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// Returns the value as written in a record.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => {
                        let all: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        Err(crate::suggest::unknown_value(s, &all))
                    }
                }
            }
        }
    };
}
pub(crate) use kebab_enum;

kebab_enum!(
    /// Where a change is in its lifecycle.
    Status {
        Draft => "draft",
        Submitted => "submitted",
        Approved => "approved",
        Rejected => "rejected",
        Scheduled => "scheduled",
        InProgress => "in-progress",
        Completed => "completed",
        Failed => "failed",
        RolledBack => "rolled-back",
        Cancelled => "cancelled",
        Closed => "closed",
    }
);

kebab_enum!(
    /// Where a preventive measure stands.
    MeasureState {
        Open => "open",
        Done => "done",
    }
);

kebab_enum!(
    /// The change class, which decides the approvals and testing it needs.
    Classification {
        Standard => "standard",
        Normal => "normal",
        Major => "major",
        Emergency => "emergency",
    }
);

kebab_enum!(
    /// A three-step scale for impact, likelihood and priority.
    Level {
        Low => "low",
        Medium => "medium",
        High => "high",
    }
);

impl Classification {
    /// Names the class with its article, for a sentence: `a normal`, `an emergency`.
    pub fn with_article(self) -> String {
        let article = if self == Classification::Emergency { "an" } else { "a" };
        format!("{article} {self}")
    }
}

kebab_enum!(
    /// The state of one kind of testing.
    TestState {
        Passed => "passed",
        Failed => "failed",
        NotRun => "not-run",
        NotApplicable => "not-applicable",
    }
);

kebab_enum!(
    /// The kinds of testing the policy knows, by their record key.
    TestKind {
        Unit => "unit",
        Integration => "integration",
        QaReview => "qa_review",
        SecurityReview => "security_review",
        Performance => "performance",
    }
);

kebab_enum!(
    /// How a change is rolled out.
    Strategy {
        BlueGreen => "blue-green",
        Canary => "canary",
        Rolling => "rolling",
        DatabaseMigration => "database-migration",
        Manual => "manual",
    }
);

kebab_enum!(
    /// How hard a rollback is; decides its recovery time objective.
    RollbackKind {
        Simple => "simple",
        Complex => "complex",
        FullRestore => "full-restore",
    }
);

kebab_enum!(
    /// A role that may approve changes, as named in the policy.
    Role {
        ChangeManager => "change-manager",
        EngineeringLead => "engineering-lead",
        Cab => "cab",
        Ciso => "ciso",
        Cto => "cto",
        Ceo => "ceo",
    }
);

kebab_enum!(
    /// An approver's decision.
    Decision {
        Approved => "approved",
        Rejected => "rejected",
    }
);

kebab_enum!(
    /// How an approval was given.
    Method {
        Written => "written",
        Verbal => "verbal",
    }
);

impl Method {
    /// Returns true when the approval counts only if the approver committed it
    /// themselves. A verbal approval is given on the phone during an emergency
    /// and recorded by the engineer, as the guide prescribes; the gate and the
    /// `approvals_by_others` figure both exempt it through this one test.
    pub fn needs_approvers_commit(self) -> bool {
        self == Method::Written
    }
}

kebab_enum!(
    /// How an implementation ended.
    Outcome {
        Successful => "successful",
        Failed => "failed",
        RolledBack => "rolled-back",
    }
);

kebab_enum!(
    /// The result of smoke tests after a deployment or rollback.
    CheckResult {
        Passed => "passed",
        Failed => "failed",
        NotRun => "not-run",
    }
);

kebab_enum!(
    /// Error rates or performance compared with the baseline.
    Health {
        Normal => "normal",
        Elevated => "elevated",
    }
);

kebab_enum!(
    /// Whether customers can use the service.
    Access {
        Verified => "verified",
        Impaired => "impaired",
    }
);

kebab_enum!(
    /// What made a rollback necessary (the guide's automatic and manual triggers).
    Trigger {
        ErrorRate => "error-rate",
        ResponseTime => "response-time",
        CriticalFunctionality => "critical-functionality",
        SecurityVulnerability => "security-vulnerability",
        CustomerComplaints => "customer-complaints",
        CriticalBug => "critical-bug",
        DataCorruption => "data-corruption",
        PerformanceDegradation => "performance-degradation",
        CustomerImpact => "customer-impact",
    }
);

impl Trigger {
    /// Returns true for the guide's automatic triggers (7.1): those a
    /// monitor fires on a measured threshold or a failed check, as against
    /// the manual ones a person decides on.
    pub fn is_automatic(self) -> bool {
        matches!(
            self,
            Trigger::ErrorRate
                | Trigger::ResponseTime
                | Trigger::CriticalFunctionality
                | Trigger::SecurityVulnerability
                | Trigger::CustomerComplaints
        )
    }

    /// What an automatic trigger with a threshold measures, and in what unit.
    pub fn measure(self) -> Option<Measure> {
        match self {
            Trigger::ErrorRate => Some(Measure {
                name: "error rate",
                unit: " %",
                flag_hint: "per cent of requests failing",
            }),
            Trigger::ResponseTime => Some(Measure {
                name: "response time",
                unit: "×",
                flag_hint: "multiple of the baseline",
            }),
            Trigger::CustomerComplaints => Some(Measure {
                name: "complaints",
                unit: "",
                flag_hint: "complaints received",
            }),
            _ => None,
        }
    }

    /// `automatic` or `manual`, as the reports split rollbacks.
    pub fn origin(self) -> &'static str {
        if self.is_automatic() {
            "automatic"
        } else {
            "manual"
        }
    }
}

/// What an automatic trigger measures: its name, the unit its value is
/// printed with, and what `--measured` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    pub name: &'static str,
    pub unit: &'static str,
    pub flag_hint: &'static str,
}

impl Measure {
    /// A value with its unit: `7.5 %`, `3×`, `12`.
    pub fn text(&self, value: f64) -> String {
        format!("{value}{}", self.unit)
    }
}

kebab_enum!(
    /// Whether a rollback was immediate or planned.
    RollbackMode {
        Immediate => "immediate",
        Planned => "planned",
    }
);

kebab_enum!(
    /// Why an emergency change skipped the normal process.
    Criterion {
        CriticalVulnerability => "critical-vulnerability",
        ProductionDown => "production-down",
        DataCorruption => "data-corruption",
        CriticalFunctionality => "critical-functionality",
        SlaBreach => "sla-breach",
    }
);
