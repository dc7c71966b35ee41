//! A new record before it has an id: the fields gathered from flags, a
//! template and prompts, and the checks that make it a valid draft.

use anyhow::{anyhow, bail, Result};

use crate::cli::{About, NewArgs};
use crate::error::Refusal;
use crate::policy::Policy;
use crate::record::{
    Classification, Deployment, Justification, Level, Record, Risk, RollbackKind, RollbackPlan, Status, Strategy,
    TestKind, TestState, Testing, Window,
};
use crate::template::Template;
use crate::timearg;

/// The fields of a new record as they are gathered from flags, a template and prompts.
#[derive(Debug, Default)]
pub struct Draft {
    pub about: About,
    pub strategy: Option<Strategy>,
    pub window_start: Option<chrono::DateTime<chrono::Utc>>,
    pub window_end: Option<chrono::DateTime<chrono::Utc>>,
    pub steps: Vec<String>,
    pub rollback_plan: Option<String>,
    pub rollback_kind: Option<RollbackKind>,
    pub rollback_tested: Option<chrono::NaiveDate>,
    pub testing: Testing,
    pub template: Option<String>,
}

impl Draft {
    /// Reads the flags, with a template's values under them.
    pub fn from_args(args: &NewArgs, template: Option<(&str, &Template)>) -> Result<Draft> {
        let mut f = Draft {
            about: args.about.clone(),
            strategy: args.strategy,
            window_start: args
                .window_start
                .as_deref()
                .map(|t| timearg::parse_time("--window-start", t))
                .transpose()?,
            window_end: args
                .window_end
                .as_deref()
                .map(|t| timearg::parse_time("--window-end", t))
                .transpose()?,
            steps: args.steps.clone(),
            rollback_plan: args.rollback_plan.clone(),
            rollback_kind: args.rollback_kind,
            rollback_tested: args
                .rollback_tested
                .as_deref()
                .map(|d| timearg::parse_date("--rollback-tested", d))
                .transpose()?,
            testing: parse_tests(&args.tests)?,
            template: None,
        };
        if let Some((name, t)) = template {
            if f.about.classification.is_some_and(|c| c != Classification::Standard) {
                bail!("`--template` makes a standard change; drop `--classification`, or drop `--template`");
            }
            f.template = Some(name.to_string());
            f.about.classification = Some(Classification::Standard);
            f.about.title.get_or_insert_with(|| t.title.clone());
            if f.about.description.is_none() {
                f.about.description = t.description.clone();
            }
            f.about.impact.get_or_insert(t.risk.impact);
            f.about.likelihood.get_or_insert(t.risk.likelihood);
            if f.about.systems.is_empty() {
                f.about.systems = t.systems.clone();
            }
            if f.strategy.is_none() {
                f.strategy = t.deployment.strategy;
            }
            if f.steps.is_empty() {
                f.steps = t.deployment.steps.clone();
            }
            if f.rollback_plan.is_none() {
                f.rollback_plan = t.rollback.plan.clone();
            }
            if f.rollback_kind.is_none() {
                f.rollback_kind = t.rollback.kind;
            }
            for kind in TestKind::ALL {
                if f.testing.get(*kind).is_none() {
                    if let Some(state) = t.testing.get(*kind) {
                        f.testing.set(*kind, state);
                    }
                }
            }
        }
        Ok(f)
    }

    /// Builds the draft record; a missing required field is an error naming its flag.
    pub fn into_record(
        self,
        policy: &Policy,
        requested_by: crate::person::Person,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Record> {
        let title = required(self.about.title, "--title")?;
        let impact = self.about.impact.ok_or_else(|| missing("--impact"))?;
        let likelihood = self.about.likelihood.ok_or_else(|| missing("--likelihood"))?;
        let least = policy.least_class(impact, likelihood).unwrap_or(Classification::Normal);
        let classification = self.about.classification.unwrap_or(least);
        if classification != Classification::Emergency && rank(classification) < rank(least) {
            return Err(Refusal::new(
                format!(
                    "impact {impact} and likelihood {likelihood} need at least a {least} change, not {classification}"
                ),
                format!("use `--classification {least}` (or higher), or leave it out to get {least}"),
            )
            .into());
        }
        if classification == Classification::Standard && self.template.is_none() {
            return Err(Refusal::new(
                "a standard change must follow a catalogue template",
                "use `--template NAME` (see changes/templates/), or a higher classification",
            )
            .into());
        }
        let window = match (self.window_start, self.window_end) {
            (Some(start), Some(end)) if end > start => Some(Window { start, end }),
            (Some(_), Some(_)) => {
                bail!("the window ends before it starts\n  hint: `--window-end` must be after `--window-start`")
            }
            (Some(_), None) => return Err(missing("--window-end")),
            (None, Some(_)) => return Err(missing("--window-start")),
            (None, None) => None,
        };
        // Unless a flag, a template or the wizard chose, the policy's strategy
        // for the class (or for a database change) is the proposal.
        let strategy = self.strategy.or_else(|| {
            policy
                .strategy_for(classification, self.rollback_kind, None)
                .map(|(s, _)| s)
        });
        // A canary change is proposed the policy's stages as its steps.
        let steps = if self.steps.is_empty() && strategy == Some(Strategy::Canary) {
            policy.canary_stages.steps()
        } else {
            self.steps
        };
        let deployment = (strategy.is_some() || window.is_some() || !steps.is_empty()).then_some(Deployment {
            strategy,
            window,
            steps,
        });
        let rollback = (self.rollback_plan.is_some() || self.rollback_kind.is_some() || self.rollback_tested.is_some())
            .then(|| RollbackPlan {
                plan: self.rollback_plan.filter(|p| !p.trim().is_empty()),
                kind: self.rollback_kind,
                last_tested: self.rollback_tested,
            });
        let justification =
            (self.about.justification.is_some() || self.about.benefit.is_some()).then_some(Justification {
                business_reason: self.about.justification,
                expected_benefit: self.about.benefit,
            });
        Ok(Record {
            schema_version: 1,
            id: String::new(),
            title,
            status: Status::Draft,
            classification,
            template: self.template,
            risk: Risk { impact, likelihood },
            priority: self.about.priority.unwrap_or(Level::Medium),
            requested_by,
            created_at: now,
            description: self
                .about
                .description
                .filter(|d| !d.trim().is_empty())
                .map(|d| ensure_newline(&d)),
            justification,
            systems: self.about.systems,
            services: self.about.services,
            customers_affected: self.about.customers_affected,
            downtime_required: self.about.downtime.then_some(true),
            testing: self.testing,
            deployment,
            rollback,
            approvals: Vec::new(),
            implementation: None,
            rollbacks: Vec::new(),
            monitoring: Vec::new(),
            review: None,
            emergency: None,
            cancellation: None,
            extensions: Default::default(),
        })
    }
}

/// Multi-line text ends with a newline, so YAML writes it as a block.
fn ensure_newline(text: &str) -> String {
    if text.contains('\n') && !text.ends_with('\n') {
        format!("{text}\n")
    } else {
        text.to_string()
    }
}

fn rank(class: Classification) -> u8 {
    Classification::ALL.iter().position(|c| *c == class).unwrap_or(0) as u8
}

fn required(value: Option<String>, flag: &str) -> Result<String> {
    value.filter(|v| !v.trim().is_empty()).ok_or_else(|| missing(flag))
}

fn missing(flag: &str) -> anyhow::Error {
    anyhow!("missing `{flag}`\n  hint: give `{flag}`, or run `chg new` on a terminal without `--no-input` to be asked")
}

/// Parses `--test KIND=STATE` flags.
pub fn parse_tests(flags: &[String]) -> Result<Testing> {
    let mut testing = Testing::default();
    for flag in flags {
        let (kind, state) = flag
            .split_once('=')
            .ok_or_else(|| anyhow!("`--test {flag}` is not KIND=STATE\n  hint: write it like `--test unit=passed`"))?;
        let kind: TestKind = kind
            .trim()
            .replace('-', "_")
            .parse()
            .map_err(|e| anyhow!("`--test {flag}`: {e}"))?;
        let state: TestState = state.trim().parse().map_err(|e| anyhow!("`--test {flag}`: {e}"))?;
        testing.set(kind, state);
    }
    Ok(testing)
}
