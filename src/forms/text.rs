//! The phrases a record's parts read as, shared by `chg show` (text) and the
//! forms (`--format markdown|html`), so both say the same thing the same way.

use chrono::{DateTime, Utc};

use crate::duration;
use crate::lifecycle;
use crate::metrics::{value_text, Metric, Style};
use crate::monitoring::Need;
use crate::policy::Policy;
use crate::record::{
    Approval, CheckResult, MeasureState, Monitoring, PreventiveMeasure, Record, RollbackEntry, Status, Validation,
    WindowOverride, SKIPPABLE_CHECKS,
};
use crate::rehearsal::{self, Rehearsals, Standing};
use crate::vote::Ignored;

/// A time to the minute, in UTC.
pub fn when(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

/// Validation results in words: `smoke tests passed, error rates normal`; a
/// check not run carries its reason: `full test suite not-run (staging down)`.
pub fn validation(v: &Validation) -> String {
    let checks = [
        ("smoke_tests", "smoke tests", v.smoke_tests.map(|s| s.to_string())),
        ("error_rates", "error rates", v.error_rates.map(|s| s.to_string())),
        ("performance", "performance", v.performance.map(|s| s.to_string())),
        (
            "customer_access",
            "customer access",
            v.customer_access.map(|s| s.to_string()),
        ),
        (
            "full_test_suite",
            "full test suite",
            v.full_test_suite.map(|s| s.to_string()),
        ),
        ("security", "security verification", v.security.map(|s| s.to_string())),
    ];
    let mut parts = Vec::new();
    for (key, name, result) in checks {
        let Some(result) = result else { continue };
        match v.not_run_reasons.get(key) {
            Some(why) if result == CheckResult::NotRun.as_str() => parts.push(format!("{name} {result} ({why})")),
            _ => parts.push(format!("{name} {result}")),
        }
    }
    if let Some(m) = v.monitored_minutes {
        // The record's own number and unit, so a reader finds the field's value.
        parts.push(format!("monitored {m} min"));
    }
    // A reason given for a check recorded otherwise still shows.
    for (key, why) in &v.not_run_reasons {
        if v.skippable(key) != Some(CheckResult::NotRun) {
            let name = SKIPPABLE_CHECKS
                .iter()
                .find(|(k, _)| k == key)
                .map_or(key.as_str(), |(_, n)| n);
            parts.push(format!("{name} not run: {why}"));
        }
    }
    if !v.verified_by.is_empty() {
        let names: Vec<String> = v.verified_by.iter().map(|p| p.to_string()).collect();
        parts.push(format!("by {}", names.join(", ")));
    }
    parts.join(", ")
}

/// An approval's comment, and why a CAB vote does not count, if it does not.
pub fn approval_comment(a: &Approval, ignored: Option<Ignored>) -> String {
    let mut parts: Vec<String> = a.comment.iter().cloned().collect();
    if let Some(why) = ignored {
        parts.push(format!("[does not count: {}]", why.text()));
    }
    parts.join(" ")
}

/// A scope digest by its first twelve digits: `sha256:0123456789ab…`.
pub fn short_digest(digest: &str) -> String {
    match digest.get(..19) {
        Some(head) if digest.len() > 19 => format!("{head}…"),
        _ => digest.to_string(),
    }
}

/// A spell of monitoring: `2026-11-18 05:12 → 05:50 UTC (38 min) Jane … — what was seen`.
pub fn spell(m: &Monitoring) -> String {
    format!(
        "{} ({}) {} — {}",
        duration::from_date(m.from, m.to),
        duration::minutes((m.to - m.from).num_minutes() as f64),
        m.by,
        m.observed
    )
}

/// The monitoring owed: `1h after the deployment (from 2026-11-18 03:00 UTC)`.
pub fn monitoring_owed(need: &Need) -> String {
    format!(
        "{} after the {} (from {})",
        need.period.text(),
        need.after.as_str(),
        when(need.since)
    )
}

/// The change manager's leave to work outside the window.
pub fn window_override(o: &WindowOverride) -> String {
    format!("by {} at {}: {}", o.by, when(o.at), o.reason)
}

/// The severity and estimate recorded at the start of a rollback.
pub fn assessment(rb: &RollbackEntry) -> Option<String> {
    if rb.severity.is_none() && rb.estimated_minutes.is_none() {
        return None;
    }
    let severity = rb
        .severity
        .map_or("severity not recorded".to_string(), |s| s.to_string());
    let estimate = rb
        .estimated_minutes
        .map_or("no estimate".to_string(), |m| format!("estimated {m} min"));
    Some(format!("{severity}, {estimate}"))
}

/// What an automatic trigger measured: `response time 2.5× (threshold 2×)`.
pub fn measured(rb: &RollbackEntry) -> Option<String> {
    let (what, m) = (rb.trigger.measure()?, rb.measured?);
    Some(format!(
        "{} {} (threshold {})",
        what.name,
        what.text(m.value),
        what.text(m.threshold)
    ))
}

/// The status a rollback reopened the change from: `closed → rolled-back`.
pub fn reopened(rb: &RollbackEntry) -> Option<String> {
    rb.reopened_from.map(|from| format!("{from} → {}", Status::RolledBack))
}

/// An emergency's time to resolution: `2.7 h (incident from … → restored …)`.
pub fn resolution(r: &Record) -> Option<String> {
    let t = crate::rules::time_to_resolution(r)?;
    let took = value_text(
        Metric::EmergencyTimeToResolution,
        Some(t.duration().num_minutes() as f64),
        Style::Report,
    );
    Some(format!(
        "{took} ({} {} → restored {})",
        if t.from_incident { "incident from" } else { "declared" },
        t.from.format("%Y-%m-%d %H:%M"),
        when(t.restored)
    ))
}

/// A preventive measure: `action (owner, due 2026-12-20, open)`.
pub fn measure(m: &PreventiveMeasure) -> String {
    let state = match (m.state, m.done_on) {
        (MeasureState::Done, Some(on)) => format!("done on {on}"),
        (state, _) => state.to_string(),
    };
    format!("{} ({}, due {}, {state})", m.action, m.owner, m.due)
}

/// Where the change's rollback rehearsal stands, and whether it is owed: a
/// change still to run is judged now and owes a missing rehearsal; one
/// implemented is judged at its planned start (the window's, else when it
/// started), as the quarterly report judges it. `None`: nothing to judge.
pub fn rehearsal(r: &Record, rehearsals: &Rehearsals, policy: &Policy, now: DateTime<Utc>) -> Option<(String, bool)> {
    if matches!(r.status, Status::Cancelled | Status::Rejected) {
        return None;
    }
    let start = r
        .window()
        .map(|w| w.start)
        .or(r.started_at())
        .filter(|_| lifecycle::implemented(r.status));
    match (rehearsal::standing(r, rehearsals, policy, start.unwrap_or(now)), start) {
        (Standing::Exempt, _) => None,
        (Standing::Current { kind, on }, None) => {
            Some((format!("{kind} rollback rehearsed and passed on {on}"), false))
        }
        (Standing::Current { kind, on }, Some(s)) => Some((
            format!(
                "{kind} rollback rehearsed and passed on {on}, before its start on {}",
                s.date_naive()
            ),
            false,
        )),
        (Standing::Stale(s), None) => Some((format!("owed: {}", s.text(policy)), true)),
        (Standing::Stale(stale), Some(s)) => Some((
            format!(
                "not in time: at its start on {}, {}",
                s.date_naive(),
                stale.text(policy)
            ),
            false,
        )),
    }
}

/// The team's own `x-` keys, by dotted path (`x-ticket`, `deployment.x-team`), with their values.
pub fn extensions(r: &Record) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (parent, keys) in &r.extensions {
        for (key, value) in keys {
            let path = if parent.is_empty() {
                key.clone()
            } else {
                format!("{parent}.{key}")
            };
            out.push((path, crate::document::plain_text(value)));
        }
    }
    out
}
