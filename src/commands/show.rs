//! `chg show`: print one record readably.

use anyhow::Result;

use crate::cli::{Format, ShowArgs};
use crate::context::App;
use crate::record::Record;
use crate::render::safe;

/// Prints the record as text, YAML or JSON.
pub fn run(args: &ShowArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let loaded = store.find(&args.id)?;
    let record = &loaded.record;
    let text = match app.format {
        Format::Yaml => crate::document::to_yaml(record, &record.extensions)?,
        Format::Json => format!("{}\n", crate::render::json(record)?),
        _ => render(record, &loaded.file),
    };
    crate::render::print(&text)?;
    Ok(0)
}

fn line(out: &mut String, label: &str, value: impl std::fmt::Display) {
    let value = value.to_string();
    out.push_str(&format!("  {label:<18} {}\n", safe(&value)));
}

/// Multi-line text keeps its lines; each is made safe on its own.
fn block(out: &mut String, label: &str, text: &str) {
    out.push_str(&format!("  {label}:\n"));
    for l in text.trim_end().lines() {
        out.push_str(&format!("    {}\n", safe(l)));
    }
}

/// Renders the record for a reader: the essentials first, then each section present.
pub fn render(r: &Record, file: &str) -> String {
    let mut out = format!("{}  {}\n", safe(&r.id), safe(&r.title));
    line(&mut out, "status", r.status);
    line(
        &mut out,
        "classification",
        match &r.template {
            Some(t) => format!("{} (template {t})", r.classification),
            None => r.classification.to_string(),
        },
    );
    line(
        &mut out,
        "risk",
        format!("impact {}, likelihood {}", r.risk.impact, r.risk.likelihood),
    );
    line(&mut out, "priority", r.priority);
    line(&mut out, "requested by", &r.requested_by);
    line(&mut out, "created", r.created_at.format("%Y-%m-%d %H:%M UTC"));
    if !r.systems.is_empty() {
        line(&mut out, "systems", r.systems.join(", "));
    }
    if !r.services.is_empty() {
        line(&mut out, "services", r.services.join(", "));
    }
    if let Some(c) = &r.customers_affected {
        line(&mut out, "customers affected", c);
    }
    if let Some(d) = r.downtime_required {
        line(&mut out, "downtime", if d { "required" } else { "none" });
    }
    line(&mut out, "file", file);
    if let Some(d) = &r.description {
        out.push('\n');
        block(&mut out, "description", d);
    }
    if let Some(j) = &r.justification {
        if let Some(b) = &j.business_reason {
            block(&mut out, "business reason", b);
        }
        if let Some(b) = &j.expected_benefit {
            block(&mut out, "expected benefit", b);
        }
    }
    if !r.testing.is_empty() {
        out.push_str("\ntesting\n");
        for kind in crate::record::TestKind::ALL {
            if let Some(state) = r.testing.get(*kind) {
                line(&mut out, kind.as_str(), state);
            }
        }
    }
    if let Some(d) = &r.deployment {
        out.push_str("\ndeployment\n");
        if let Some(s) = d.strategy {
            line(&mut out, "strategy", s);
        }
        if let Some(w) = d.window {
            line(
                &mut out,
                "window",
                format!(
                    "{} → {}",
                    w.start.format("%Y-%m-%d %H:%M"),
                    w.end.format("%Y-%m-%d %H:%M UTC")
                ),
            );
        }
        for (i, step) in d.steps.iter().enumerate() {
            line(&mut out, &format!("step {}", i + 1), step);
        }
    }
    if let Some(rb) = &r.rollback {
        out.push_str("\nrollback plan\n");
        if let Some(k) = rb.kind {
            line(&mut out, "kind", k);
        }
        if let Some(t) = rb.last_tested {
            line(&mut out, "last tested", t);
        }
        if let Some(p) = &rb.plan {
            block(&mut out, "plan", p);
        }
    }
    if !r.approvals.is_empty() {
        out.push_str("\napprovals\n");
        for a in &r.approvals {
            let comment = a.comment.as_deref().map(|c| format!(" — {c}")).unwrap_or_default();
            let approval = format!(
                "{} {} {} ({}, {}){comment}",
                a.at.format("%Y-%m-%d %H:%M"),
                a.role,
                a.approver,
                a.decision,
                a.method
            );
            out.push_str(&format!("  {}\n", safe(&approval)));
        }
    }
    if let Some(i) = &r.implementation {
        out.push_str("\nimplementation\n");
        if let Some(t) = i.started_at {
            line(&mut out, "started", t.format("%Y-%m-%d %H:%M UTC"));
        }
        if let Some(t) = i.finished_at {
            line(&mut out, "finished", t.format("%Y-%m-%d %H:%M UTC"));
        }
        if let Some(o) = &i.window_override {
            line(
                &mut out,
                "window override",
                format!("by {} at {}: {}", o.by, o.at.format("%Y-%m-%d %H:%M UTC"), o.reason),
            );
        }
        if let Some(o) = i.outcome {
            line(&mut out, "outcome", o);
        }
        if let Some(v) = &i.validation {
            line(&mut out, "validation", validation(v));
        }
        for issue in &i.issues {
            line(&mut out, "issue", issue);
        }
        if !i.deployment.is_empty() {
            line(&mut out, "deployment", crate::report::deployment_text(&i.deployment));
        }
    }
    for (n, rb) in r.rollbacks.iter().enumerate() {
        out.push_str(&format!("\nrollback {}\n", n + 1));
        line(&mut out, "trigger", rb.trigger);
        line(&mut out, "mode", rb.mode);
        if let Some(k) = rb.kind {
            line(&mut out, "kind", k);
        }
        if let Some(reason) = &rb.reason {
            line(&mut out, "reason", reason);
        }
        if let Some(from) = rb.reopened_from {
            line(&mut out, "reopened", format!("{from} → rolled-back"));
        }
        if let (Some(what), Some(m)) = (rb.trigger.measure(), rb.measured) {
            line(
                &mut out,
                "measured",
                format!(
                    "{} {} (threshold {})",
                    what.name,
                    what.text(m.value),
                    what.text(m.threshold)
                ),
            );
        }
        if rb.severity.is_some() || rb.estimated_minutes.is_some() {
            let severity = rb
                .severity
                .map_or("severity not recorded".to_string(), |s| s.to_string());
            let estimate = rb
                .estimated_minutes
                .map_or("no estimate".to_string(), |m| format!("estimated {m} min"));
            line(&mut out, "assessment", format!("{severity}, {estimate}"));
        }
        if let (Some(s), Some(e)) = (rb.started_at, rb.restored_at) {
            line(
                &mut out,
                "duration",
                format!(
                    "{} min ({} → {})",
                    (e - s).num_minutes(),
                    s.format("%Y-%m-%d %H:%M"),
                    e.format("%H:%M UTC")
                ),
            );
        }
        if let Some(v) = &rb.validation {
            line(&mut out, "validation", validation(v));
        }
        for issue in &rb.issues {
            line(&mut out, "issue", issue);
        }
        for entry in &rb.log {
            line(
                &mut out,
                "log",
                format!("{} {} — {}", entry.at.format("%H:%M"), entry.by.name(), entry.entry),
            );
        }
        let pa = &rb.post_actions;
        for (label, value) in [
            ("root cause", &pa.root_cause),
            ("lessons learned", &pa.lessons_learned),
            ("redeploy plan", &pa.redeploy_plan),
        ] {
            line(&mut out, label, value.as_deref().unwrap_or("(owed)"));
        }
    }
    if let Some(e) = &r.emergency {
        out.push_str("\nemergency\n");
        line(
            &mut out,
            "criteria",
            e.criteria.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
        );
        if let Some(c) = e.cvss {
            line(&mut out, "cvss", c);
        }
        if let Some(i) = &e.impact_of_not_implementing {
            line(&mut out, "if not done", i);
        }
        if let Some(cab) = &e.cab_review {
            line(
                &mut out,
                "CAB review",
                cab.date.map_or("(owed)".into(), |d| d.to_string()),
            );
            if let Some(f) = &cab.feedback {
                block(&mut out, "CAB feedback", f);
            }
        }
        // The root cause of the post-emergency review (its preventive
        // measures follow the review's date below).
        if let Some(c) = e.post_review.as_ref().and_then(|p| p.root_cause.as_deref()) {
            block(&mut out, "root cause", c);
        }
        if let Some(p) = &e.post_review {
            line(
                &mut out,
                "post review",
                p.completed_at
                    .map_or("(owed)".into(), |d| d.format("%Y-%m-%d").to_string()),
            );
        }
    }
    if let Some(rv) = &r.review {
        out.push_str("\nreview\n");
        if let Some(t) = rv.completed_at {
            line(&mut out, "completed", t.format("%Y-%m-%d %H:%M UTC"));
        }
        if let Some(s) = &rv.summary {
            block(&mut out, "summary", s);
        }
        if let Some(s) = &rv.lessons_learned {
            block(&mut out, "lessons learned", s);
        }
    }
    let owed = r.owed();
    if !owed.is_empty() {
        out.push_str("\nstill owed\n");
        for item in owed {
            out.push_str(&format!("  - {}\n", safe(&item)));
        }
    }
    if let Some(c) = &r.cancellation {
        out.push_str("\ncancelled\n");
        line(&mut out, "by", &c.by);
        line(&mut out, "at", c.at.format("%Y-%m-%d %H:%M UTC"));
        line(&mut out, "reason", &c.reason);
    }
    out
}

fn validation(v: &crate::record::Validation) -> String {
    let mut parts = Vec::new();
    if let Some(s) = v.smoke_tests {
        parts.push(format!("smoke tests {s}"));
    }
    if let Some(s) = v.error_rates {
        parts.push(format!("error rates {s}"));
    }
    if let Some(s) = v.performance {
        parts.push(format!("performance {s}"));
    }
    if let Some(s) = v.customer_access {
        parts.push(format!("customer access {s}"));
    }
    if let Some(s) = v.full_test_suite {
        parts.push(format!("full test suite {s}"));
    }
    if let Some(s) = v.security {
        parts.push(format!("security verification {s}"));
    }
    if let Some(m) = v.monitored_minutes {
        parts.push(format!("monitored {m} min"));
    }
    for (check, why) in &v.not_run_reasons {
        parts.push(format!("{check} not run: {why}"));
    }
    if !v.verified_by.is_empty() {
        let names: Vec<String> = v.verified_by.iter().map(|p| p.to_string()).collect();
        parts.push(format!("by {}", names.join(", ")));
    }
    parts.join(", ")
}
