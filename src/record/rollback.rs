//! What a rollback and a validation still owe: a rollback's assessment at
//! its start, its verification and post-actions after it; which checks may
//! be recorded `not-run`, and when new results only add to old ones.

use chrono::{DateTime, Utc};

use super::{CheckResult, RollbackEntry, RollbackMode, Validation};

/// The checks that may be recorded `not-run`, by key and by name.
pub const SKIPPABLE_CHECKS: [(&str, &str); 3] = [
    ("smoke_tests", "smoke tests"),
    ("full_test_suite", "full test suite"),
    ("security", "security verification"),
];

impl Validation {
    /// Returns true when no result is recorded.
    pub fn is_empty(&self) -> bool {
        self == &Validation::default()
    }

    /// The result of a check that may be `not-run`, by its key.
    pub fn skippable(&self, key: &str) -> Option<CheckResult> {
        match key {
            "smoke_tests" => self.smoke_tests,
            "full_test_suite" => self.full_test_suite,
            "security" => self.security,
            _ => None,
        }
    }

    /// Refuses a reason for a check that is not recorded `not-run` (here,
    /// where results recorded earlier may be merged in), naming the flag.
    pub fn check_not_run_reasons(&self) -> anyhow::Result<()> {
        let keys: Vec<&str> = SKIPPABLE_CHECKS.iter().map(|(k, _)| *k).collect();
        for key in self.not_run_reasons.keys() {
            let Some((_, name)) = SKIPPABLE_CHECKS.iter().find(|(k, _)| k == key) else {
                anyhow::bail!(
                    "`--not-run-reason {key}=…` names no check that can be not run\n  hint: give one of {}",
                    keys.join(", ")
                );
            };
            match self.skippable(key) {
                Some(CheckResult::NotRun) => {}
                other => {
                    let verb = if *key == "security" { "is" } else { "are" };
                    anyhow::bail!(
                        "`--not-run-reason {key}=…` explains a check that was not run, but {name} {verb} {}\n  hint: give the reason only with `--{} not-run`",
                        other.map_or("not recorded".to_string(), |r| format!("recorded as `{r}`")),
                        key.replace('_', "-")
                    );
                }
            }
        }
        Ok(())
    }

    /// Returns true when `self` only adds to `old`: results recorded where
    /// none was, new reasons, new names at the end of `verified_by`.
    pub fn extends(&self, old: &Validation) -> bool {
        fn kept<T: PartialEq>(old: &Option<T>, new: &Option<T>) -> bool {
            old.is_none() || old == new
        }
        kept(&old.smoke_tests, &self.smoke_tests)
            && kept(&old.error_rates, &self.error_rates)
            && kept(&old.performance, &self.performance)
            && kept(&old.customer_access, &self.customer_access)
            && kept(&old.monitored_minutes, &self.monitored_minutes)
            && kept(&old.full_test_suite, &self.full_test_suite)
            && kept(&old.security, &self.security)
            && old
                .not_run_reasons
                .iter()
                .all(|(k, v)| self.not_run_reasons.get(k) == Some(v))
            && self.verified_by.starts_with(&old.verified_by)
    }
}

impl RollbackEntry {
    /// What the start of the rollback should have recorded and did not: the
    /// severity and estimated time of an immediate rollback, the measured
    /// value and threshold of an automatic trigger that has one.
    pub fn assessment_missing(&self) -> Vec<String> {
        let mut missing = Vec::new();
        if self.mode == RollbackMode::Immediate {
            if self.severity.is_none() {
                missing.push("its severity".to_string());
            }
            if self.estimated_minutes.is_none() {
                missing.push("its estimated rollback time".to_string());
            }
        }
        if let (Some(what), None) = (self.trigger.measure(), self.measured) {
            missing.push(format!("the measured {} with the policy's threshold", what.name));
        }
        missing
    }

    /// What this rollback still owes after it: lessons learned, root cause,
    /// a re-deployment plan, and its verification.
    pub fn still_owes(&self) -> Vec<String> {
        let p = &self.post_actions;
        let mut owed: Vec<String> = [
            (p.lessons_learned.is_none(), "lessons learned"),
            (p.root_cause.is_none(), "root cause"),
            (p.redeploy_plan.is_none(), "re-deployment plan"),
        ]
        .into_iter()
        .filter(|(missing, _)| *missing)
        .map(|(_, what)| what.to_string())
        .collect();
        let lacks = self.verification_owed();
        if !lacks.is_empty() {
            owed.push(format!("verification ({})", lacks.join(", ")));
        }
        owed
    }

    /// The earliest time a log entry may carry: the rollback's start, or for
    /// a planned rollback, whose announcement comes first, `implemented`
    /// (when the change's implementation started).
    pub fn log_floor(&self, implemented: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
        match self.mode {
            RollbackMode::Immediate => self.started_at,
            RollbackMode::Planned => implemented.or(self.started_at),
        }
    }

    /// What the verification of this rollback still lacks: smoke tests,
    /// error rates and customer access after any rollback, and the full test
    /// suite, performance and security verification after a planned one; a
    /// check recorded `not-run` lacks its reason until one is given.
    pub fn verification_owed(&self) -> Vec<String> {
        let v = self.validation.clone().unwrap_or_default();
        let planned = self.mode == RollbackMode::Planned;
        let mut owed = Vec::new();
        let skippable = |key: &str, name: &str, owed: &mut Vec<String>| match v.skippable(key) {
            None => owed.push(name.to_string()),
            Some(CheckResult::NotRun) if v.not_run_reasons.get(key).is_none_or(|r| r.trim().is_empty()) => {
                owed.push(format!(
                    "a reason the {name} {} not run",
                    if key == "security" { "was" } else { "were" }
                ))
            }
            Some(_) => {}
        };
        skippable("smoke_tests", "smoke tests", &mut owed);
        if v.error_rates.is_none() {
            owed.push("error rates".into());
        }
        if v.customer_access.is_none() {
            owed.push("customer access".into());
        }
        if planned {
            skippable("full_test_suite", "full test suite", &mut owed);
            if v.performance.is_none() {
                owed.push("performance".into());
            }
            skippable("security", "security verification", &mut owed);
        }
        owed
    }
}
