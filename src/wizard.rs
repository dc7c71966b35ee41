//! Terminal prompts (dialoguer) for what the flags left out.

use anyhow::{anyhow, Result};
use dialoguer::{Confirm, Input, Select};

use crate::draft::Draft;
use crate::policy::Policy;
use crate::record::{Classification, Level, RollbackKind, Strategy, TestState};

fn cancelled(err: dialoguer::Error) -> anyhow::Error {
    anyhow!("cancelled at a prompt ({err}); nothing was written")
}

/// Asks for text; `optional` allows an empty answer (returned as `None`).
pub fn text(prompt: &str, optional: bool) -> Result<Option<String>> {
    let answer: String = Input::new()
        .with_prompt(prompt)
        .allow_empty(optional)
        .validate_with(|s: &String| -> Result<(), &str> {
            if !optional && s.trim().is_empty() {
                Err("an answer is required")
            } else {
                Ok(())
            }
        })
        .interact_text()
        .map_err(cancelled)?;
    let answer = answer.trim().to_string();
    Ok((!answer.is_empty()).then_some(answer))
}

/// Asks for one of `values`, with a default.
pub fn choose<T: Copy + PartialEq + std::fmt::Display>(prompt: &str, values: &[T], default: Option<T>) -> Result<T> {
    let items: Vec<String> = values.iter().map(|v| v.to_string()).collect();
    let default = default.and_then(|d| values.iter().position(|v| *v == d)).unwrap_or(0);
    let index = Select::new()
        .with_prompt(prompt)
        .items(&items)
        .default(default)
        .interact()
        .map_err(cancelled)?;
    values.get(index).copied().ok_or_else(|| anyhow!("no choice made"))
}

/// Asks for a time, validated; empty when `optional`.
pub fn time(prompt: &str, optional: bool) -> Result<Option<chrono::DateTime<chrono::Utc>>> {
    let answer: String = Input::new()
        .with_prompt(format!(
            "{prompt} (YYYY-MM-DD HH:MM UTC{})",
            if optional { ", empty to skip" } else { "" }
        ))
        .allow_empty(optional)
        .validate_with(|s: &String| -> Result<(), String> {
            if s.trim().is_empty() && optional {
                return Ok(());
            }
            crate::timearg::parse_time("time", s)
                .map(|_| ())
                .map_err(|_| "write it like 2026-11-18 02:00".to_string())
        })
        .interact_text()
        .map_err(cancelled)?;
    if answer.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(crate::timearg::parse_time("time", &answer)?))
}

/// Asks yes or no.
pub fn confirm(prompt: &str, default: bool) -> Result<bool> {
    Confirm::new()
        .with_prompt(prompt)
        .default(default)
        .interact()
        .map_err(cancelled)
}

/// Asks, in order, for every field of a new record the flags left out.
pub fn new_record(f: &mut Draft, policy: &Policy) -> Result<()> {
    if f.about.title.is_none() {
        f.about.title = text("Title", false)?;
    }
    if f.about.description.is_none() {
        f.about.description = text("Description (what changes and how)", true)?;
    }
    if f.about.justification.is_none() && f.template.is_none() {
        f.about.justification = text("Business reason", true)?;
    }
    // Reason and benefit are both approval criteria (`chg submit` asks for them).
    if f.about.benefit.is_none() && f.template.is_none() {
        f.about.benefit = text("Expected benefit", true)?;
    }
    if f.about.impact.is_none() {
        f.about.impact = Some(choose("Impact if it goes wrong", Level::ALL, Some(Level::Medium))?);
    }
    if f.about.likelihood.is_none() {
        f.about.likelihood = Some(choose("Likelihood that it goes wrong", Level::ALL, Some(Level::Low))?);
    }
    if f.about.classification.is_none() {
        let impact = f.about.impact.unwrap_or(Level::Medium);
        let likelihood = f.about.likelihood.unwrap_or(Level::Medium);
        let least = policy.least_class(impact, likelihood).unwrap_or(Classification::Normal);
        // Offer only the classes the matrix allows; standard needs a template.
        let offered: Vec<Classification> = Classification::ALL
            .iter()
            .copied()
            .filter(|c| *c >= least && *c != Classification::Standard)
            .collect();
        let default = if least == Classification::Standard {
            Classification::Normal
        } else {
            least
        };
        f.about.classification = Some(choose(
            &format!("Classification (risk matrix: at least {least})"),
            &offered,
            Some(default),
        )?);
    }
    if f.about.classification == Some(Classification::Emergency) {
        // The emergency quick form asks the rest (`crate::emergency_form`).
        return Ok(());
    }
    if f.about.systems.is_empty() {
        if let Some(list) = text("Systems affected (comma-separated)", true)? {
            f.about.systems = list
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
    }
    if f.strategy.is_none() {
        // The policy's strategy for the class is the default choice.
        let class = f.about.classification.unwrap_or(Classification::Normal);
        let proposed = policy.strategy_for(class, f.rollback_kind, None);
        let prompt = match proposed {
            Some((s, _)) => format!(
                "Deployment strategy (the policy's for {} change: {s})",
                class.with_article()
            ),
            None => "Deployment strategy".to_string(),
        };
        let default = proposed.map_or(Strategy::Canary, |(s, _)| s);
        f.strategy = Some(choose(&prompt, Strategy::ALL, Some(default))?);
    }
    if f.window_start.is_none() && confirm("Give the deployment window now? (else later, with chg schedule)", false)? {
        loop {
            f.window_start = time("Window start", false)?;
            f.window_end = time("Window end", false)?;
            if f.window_start < f.window_end {
                break;
            }
            eprintln!("The window must end after it starts; try again.");
        }
    }
    if f.rollback_plan.is_none() {
        f.rollback_plan = text("Rollback plan", true)?;
    }
    if f.rollback_kind.is_none() {
        f.rollback_kind = Some(choose("Rollback kind", RollbackKind::ALL, Some(RollbackKind::Simple))?);
    }
    let class = f.about.classification.unwrap_or(Classification::Normal);
    for kind in policy.required_tests(class) {
        if f.testing.get(*kind).is_none() {
            let state = choose(&format!("Testing: {kind}"), TestState::ALL, Some(TestState::NotRun))?;
            f.testing.set(*kind, state);
        }
    }
    Ok(())
}
