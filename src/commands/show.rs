//! `chg show`: print one record readably.

use anyhow::Result;

use crate::cli::{Format, ShowArgs};
use chrono::{DateTime, Utc};

use crate::context::App;
use crate::forms::text;
use crate::policy::Policy;
use crate::record::{PreventiveMeasures, Record};
use crate::rehearsal::Rehearsals;
use crate::render::PushFmt as _;
use crate::render::{safe, View};

/// Prints the record as text, YAML, JSON, or the guide's forms in Markdown or HTML.
pub fn run(args: &ShowArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let loaded = store.find(&args.id)?;
    let record = &loaded.record;
    let view = View::new()
        .data(record)
        .own(Format::Yaml, |_| crate::document::to_yaml(record, &record.extensions))
        // The guide's forms, to paste into a wiki or print.
        .document(|| {
            let rehearsals = store.rehearsals();
            Ok(crate::forms::document(
                record,
                &loaded.file,
                &rehearsals,
                &store.policy()?,
                app.now,
            ))
        })
        .own(Format::Text, |_| {
            let rehearsals = store.rehearsals();
            Ok(render(record, &loaded.file, &rehearsals, &store.policy()?, app.now))
        });
    crate::render::print_view(&view, app)?;
    Ok(0)
}

fn line(out: &mut String, label: &str, value: impl std::fmt::Display) {
    let value = value.to_string();
    out.push_fmt(format_args!("  {label:<18} {}\n", safe(&value)));
}

/// Multi-line text keeps its lines; each is made safe on its own.
fn block(out: &mut String, label: &str, text: &str) {
    out.push_fmt(format_args!("  {label}:\n"));
    for l in text.trim_end().lines() {
        out.push_fmt(format_args!("    {}\n", safe(l)));
    }
}

/// A line for a time, when there is one.
fn time_line(out: &mut String, label: &str, t: Option<DateTime<Utc>>) {
    if let Some(t) = t {
        line(out, label, text::when(t));
    }
}

/// Renders the record for a reader as of `now`: the essentials first, then each section present.
pub fn render(r: &Record, file: &str, rehearsals: &Rehearsals, policy: &Policy, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    essentials(&mut out, r, file);
    story(&mut out, r);
    testing(&mut out, r);
    deployment(&mut out, r);
    rollback_plan(&mut out, r, rehearsals, policy, now);
    approvals(&mut out, r, policy);
    implementation(&mut out, r);
    rollbacks(&mut out, r);
    monitoring(&mut out, r, policy);
    emergency(&mut out, r);
    review(&mut out, r);
    owed(&mut out, r, policy);
    cancellation(&mut out, r);
    extensions(&mut out, r);
    out
}

/// The team's own `x-` keys.
fn extensions(out: &mut String, r: &Record) {
    let keys = text::extensions(r);
    if !keys.is_empty() {
        out.push_str("\nextensions\n");
        for (key, value) in keys {
            // A key is the file's text too: made safe like any value.
            line(out, &safe(&key), value);
        }
    }
}

/// The heading and the essentials, one line each.
fn essentials(out: &mut String, r: &Record, file: &str) {
    out.push_fmt(format_args!("{}  {}\n", safe(&r.id), safe(&r.title)));
    line(out, "status", r.status);
    line(
        out,
        "classification",
        match &r.template {
            Some(t) => format!("{} (template {t})", r.classification),
            None => r.classification.to_string(),
        },
    );
    line(
        out,
        "risk",
        format!("impact {}, likelihood {}", r.risk.impact, r.risk.likelihood),
    );
    line(out, "priority", r.priority);
    line(out, "requested by", &r.requested_by);
    line(out, "created", text::when(r.created_at));
    if !r.systems.is_empty() {
        line(out, "systems", r.systems.join(", "));
    }
    if !r.services.is_empty() {
        line(out, "services", r.services.join(", "));
    }
    if let Some(c) = &r.customers_affected {
        line(out, "customers affected", c);
    }
    if let Some(d) = r.downtime_required {
        line(out, "downtime", if d { "required" } else { "none" });
    }
    line(out, "file", file);
}

/// Why and what: the description and the justification.
fn story(out: &mut String, r: &Record) {
    if let Some(d) = &r.description {
        out.push('\n');
        block(out, "description", d);
    }
    if let Some(j) = &r.justification {
        if let Some(b) = &j.business_reason {
            block(out, "business reason", b);
        }
        if let Some(b) = &j.expected_benefit {
            block(out, "expected benefit", b);
        }
    }
}

/// The testing recorded, kind by kind.
fn testing(out: &mut String, r: &Record) {
    if !r.testing.is_empty() {
        out.push_str("\ntesting\n");
        for kind in crate::record::TestKind::ALL {
            if let Some(state) = r.testing.get(*kind) {
                line(out, kind.as_str(), state);
            }
        }
    }
}

/// How it is deployed: the strategy, the window and the steps.
fn deployment(out: &mut String, r: &Record) {
    if let Some(d) = &r.deployment {
        out.push_str("\ndeployment\n");
        if let Some(s) = d.strategy {
            line(out, "strategy", s);
        }
        if let Some(w) = d.window {
            line(
                out,
                "window",
                format!(
                    "{} → {}",
                    w.start.format("%Y-%m-%d %H:%M"),
                    w.end.format("%Y-%m-%d %H:%M UTC")
                ),
            );
        }
        for (i, step) in d.steps.iter().enumerate() {
            line(out, &format!("step {}", i + 1), step);
        }
    }
}

/// The rollback plan, and where its rehearsal stands.
fn rollback_plan(out: &mut String, r: &Record, rehearsals: &Rehearsals, policy: &Policy, now: DateTime<Utc>) {
    if let Some(rb) = &r.rollback {
        out.push_str("\nrollback plan\n");
        if let Some(k) = rb.kind {
            line(out, "kind", k);
        }
        if let Some(t) = rb.last_tested {
            line(out, "last tested", t);
        }
        if let Some((standing, _)) = text::rehearsal(r, rehearsals, policy, now) {
            line(out, "rehearsal", standing);
        }
        if let Some(p) = &rb.plan {
            block(out, "plan", p);
        }
    }
}

/// Each approval on one line.
fn approvals(out: &mut String, r: &Record, policy: &Policy) {
    let tally = crate::vote::tally(r, policy);
    let cab_decides = policy.cab_votes_on(r.classification);
    if !r.approvals.is_empty() || cab_decides {
        out.push_str("\napprovals\n");
        for (a, ignored) in r.approvals.iter().zip(&tally.ignored) {
            let comment = match text::approval_comment(a, *ignored) {
                c if c.is_empty() => c,
                c if a.comment.is_some() => format!(" — {c}"),
                c => format!(" {c}"),
            };
            let approval = format!(
                "{} {} {} ({}, {}){comment}",
                a.at.format("%Y-%m-%d %H:%M"),
                a.role,
                a.approver,
                a.decision,
                a.method
            );
            out.push_fmt(format_args!("  {}\n", safe(&approval)));
        }
        // A change the CTO approved alone has no vote to show.
        if !tally.is_empty() || (cab_decides && r.status == crate::record::Status::Submitted) {
            line(out, "CAB vote", tally.summary());
        }
    }
}

/// Each spell of monitoring after the deployment or rollback, and what is still owed.
fn monitoring(out: &mut String, r: &Record, policy: &Policy) {
    let need = crate::monitoring::need(r, policy);
    if r.monitoring.is_empty() && need.is_none() {
        return;
    }
    out.push_str("\nmonitoring\n");
    for m in &r.monitoring {
        out.push_fmt(format_args!("  {}\n", safe(&text::spell(m))));
    }
    if let Some(owed) = r.monitoring_owed(policy) {
        line(out, "owed", text::monitoring_owed(&owed));
    }
}

/// What the implementation recorded.
fn implementation(out: &mut String, r: &Record) {
    if let Some(i) = &r.implementation {
        out.push_str("\nimplementation\n");
        time_line(out, "started", i.started_at);
        time_line(out, "finished", i.finished_at);
        if let Some(o) = &i.window_override {
            line(out, "window override", text::window_override(o));
        }
        if let Some(o) = i.outcome {
            line(out, "outcome", o);
        }
        if let Some(v) = &i.validation {
            line(out, "validation", text::validation(v));
        }
        for issue in &i.issues {
            line(out, "issue", issue);
        }
        if !i.deployment.is_empty() {
            line(out, "deployment", crate::report::deployment_text(&i.deployment));
        }
    }
}

/// Each rollback performed, with what it still owes.
fn rollbacks(out: &mut String, r: &Record) {
    for (n, rb) in r.rollbacks.iter().enumerate() {
        out.push_fmt(format_args!("\nrollback {}\n", n + 1));
        line(out, "trigger", rb.trigger);
        line(out, "mode", rb.mode);
        if let Some(k) = rb.kind {
            line(out, "kind", k);
        }
        if let Some(reason) = &rb.reason {
            line(out, "reason", reason);
        }
        for (label, value) in [
            ("reopened", text::reopened(rb)),
            ("measured", text::measured(rb)),
            ("assessment", text::assessment(rb)),
        ] {
            if let Some(v) = value {
                line(out, label, v);
            }
        }
        if let (Some(s), Some(e)) = (rb.started_at, rb.restored_at) {
            line(
                out,
                "duration",
                format!(
                    "{} ({})",
                    crate::duration::minutes((e - s).num_minutes() as f64),
                    crate::duration::from_date(s, e)
                ),
            );
        }
        if let Some(v) = &rb.validation {
            line(out, "validation", text::validation(v));
        }
        for issue in &rb.issues {
            line(out, "issue", issue);
        }
        for entry in &rb.log {
            line(
                out,
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
            line(out, label, value.as_deref().unwrap_or("(owed)"));
        }
    }
}

/// The emergency block.
fn emergency(out: &mut String, r: &Record) {
    if let Some(e) = &r.emergency {
        out.push_str("\nemergency\n");
        line(
            out,
            "criteria",
            e.criteria.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
        );
        if let Some(c) = e.cvss {
            line(out, "cvss", c);
        }
        if let Some(i) = &e.impact_of_not_implementing {
            line(out, "if not done", i);
        }
        // When `chg submit` recorded the documentation complete (the 24 h deadline).
        time_line(out, "documented", e.documented_at);
        if let Some(cab) = &e.cab_review {
            line(out, "CAB review", cab.date.map_or("(owed)".into(), |d| d.to_string()));
            if let Some(f) = &cab.feedback {
                block(out, "CAB feedback", f);
            }
        }
        // The root cause of the post-emergency review (its preventive
        // measures follow the review's date below).
        if let Some(c) = e.post_review.as_ref().and_then(|p| p.root_cause.as_deref()) {
            block(out, "root cause", c);
        }
        if let Some(p) = &e.post_review {
            line(
                out,
                "post review",
                p.completed_at
                    .map_or("(owed)".into(), |d| d.format("%Y-%m-%d").to_string()),
            );
            match &p.preventive_measures {
                Some(PreventiveMeasures::Text(text)) => line(out, "measures", text),
                Some(PreventiveMeasures::Items(items)) => {
                    for (i, m) in items.iter().enumerate() {
                        line(out, &format!("measure {}", i + 1), text::measure(m));
                    }
                }
                None => {}
            }
        }
        if let Some(t) = text::resolution(r) {
            line(out, "resolved in", t);
        }
    }
}

/// The post-implementation review.
fn review(out: &mut String, r: &Record) {
    if let Some(rv) = &r.review {
        out.push_str("\nreview\n");
        time_line(out, "completed", rv.completed_at);
        if let Some(s) = &rv.summary {
            block(out, "summary", s);
        }
        if let Some(s) = &rv.lessons_learned {
            block(out, "lessons learned", s);
        }
    }
}

/// Everything the change still owes before it may close.
fn owed(out: &mut String, r: &Record, policy: &Policy) {
    let owed = r.owed(policy);
    if !owed.is_empty() {
        out.push_str("\nstill owed\n");
        for item in owed {
            out.push_fmt(format_args!("  - {}\n", safe(&item)));
        }
    }
}

/// The cancellation.
fn cancellation(out: &mut String, r: &Record) {
    if let Some(c) = &r.cancellation {
        out.push_str("\ncancelled\n");
        line(out, "by", &c.by);
        line(out, "at", text::when(c.at));
        line(out, "reason", &c.reason);
    }
}
