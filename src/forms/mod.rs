//! A record as the guide's forms (`chg show ID --format markdown|html`): the
//! change request, the emergency record, one rollback record per rollback
//! and the post-implementation review, each with every field that is filled
//! and every field still owed, then the attention list's items for the
//! change. Pure: the record, the policy and now in, a `Document` out, which
//! the report renderers print.

use chrono::{DateTime, Utc};

use crate::policy::Policy;
use crate::record::{Classification, MeasureState, Method, PreventiveMeasures, Record, Status, TestKind};
use crate::rehearsal::Rehearsals;
use crate::render::{Block, Cell, Document, Field, Section, Table};
use crate::rules::{approval_status, emergency_deadlines, Deadline, Verdict};

pub mod text;

pub use text::validation;
use text::when;

/// Builds the forms of one record, as it stands at `now`.
pub fn document(record: &Record, file: &str, rehearsals: &Rehearsals, policy: &Policy, now: DateTime<Utc>) -> Document {
    let mut sections = vec![change_request(record, rehearsals, policy, now)];
    if record.classification == Classification::Emergency {
        sections.push(emergency_record(record, policy, now));
    }
    for (i, _) in record.rollbacks.iter().enumerate() {
        sections.push(rollback_record(record, i, policy));
    }
    if crate::lifecycle::implemented(record.status) || record.review.is_some() {
        sections.push(review(record));
    }
    if let Some(c) = &record.cancellation {
        sections.push(Section {
            heading: "Cancellation".into(),
            blocks: vec![Block::Fields(vec![
                Field::new("Cancelled by", &c.by),
                Field::new("Cancelled at", when(c.at)),
                Field::new("Reason", &c.reason),
            ])],
        });
    }
    sections.push(still_owed(record, rehearsals, policy, now));
    Document {
        title: format!("{} — {}", record.id, record.title),
        subtitle: format!("Change record as of {} · {file}", when(now)),
        sections,
    }
}

/// The owed marker of a field the record lacks.
const OWED: &str = "owed";

/// The change request, with what guide 9.1 asks every record to hold:
/// description, classification, risk, approvals, implementation, results
/// and post-change validation.
// One form's fields in the guide's order, read top to bottom like the reports' documents; split, it would read worse.
#[allow(clippy::too_many_lines)]
fn change_request(r: &Record, rehearsals: &Rehearsals, policy: &Policy, now: DateTime<Utc>) -> Section {
    let mut f = vec![
        Field::new("Change ID", &r.id),
        Field::new("Title", &r.title),
        Field::new("Status", r.status),
        Field::new(
            "Classification",
            match &r.template {
                Some(t) => format!("{} (template {t})", r.classification),
                None => r.classification.to_string(),
            },
        ),
        Field::new(
            "Risk",
            format!(
                "impact {}, likelihood {} ({})",
                r.risk.impact,
                r.risk.likelihood,
                policy.risk_level(r.risk.impact, r.risk.likelihood)
            ),
        ),
        Field::new("Priority", r.priority),
        Field::new("Requested by", &r.requested_by),
        Field::new("Created", when(r.created_at)),
    ];
    // What approvers judge a normal, major or emergency change by.
    let argued = r.classification != Classification::Standard;
    let justification = r.justification.clone().unwrap_or_default();
    for (label, value) in [
        ("Description", &r.description),
        ("Business reason", &justification.business_reason),
        ("Expected benefit", &justification.expected_benefit),
    ] {
        match value {
            Some(v) => f.push(Field::new(label, v)),
            None if argued => f.push(Field::owed(label, OWED)),
            None => {}
        }
    }
    if !r.systems.is_empty() {
        f.push(Field::new("Systems", r.systems.join(", ")));
    }
    if !r.services.is_empty() {
        f.push(Field::new("Services", r.services.join(", ")));
    }
    if let Some(c) = &r.customers_affected {
        f.push(Field::new("Customers affected", c));
    }
    if let Some(d) = r.downtime_required {
        f.push(Field::new("Downtime", if d { "required" } else { "none" }));
    }
    let required = policy.required_tests(r.classification);
    for kind in TestKind::ALL {
        let label = format!("Testing: {}", kind.as_str());
        match r.testing.get(*kind) {
            Some(state) => f.push(Field::new(label, state)),
            None if required.contains(kind) => f.push(Field::owed(label, OWED)),
            None => {}
        }
    }
    let deployment = r.deployment.clone().unwrap_or_default();
    if let Some(s) = deployment.strategy {
        f.push(Field::new("Deployment strategy", s));
    }
    match deployment.window {
        Some(w) => f.push(Field::new(
            "Window",
            format!("{} → {}", w.start.format("%Y-%m-%d %H:%M"), when(w.end)),
        )),
        None if matches!(r.status, Status::Approved) => f.push(Field::owed("Window", OWED)),
        None => {}
    }
    for (i, step) in deployment.steps.iter().enumerate() {
        f.push(Field::new(format!("Step {}", i + 1), step));
    }
    let plan = r.rollback.clone().unwrap_or_default();
    match &plan.plan {
        Some(p) => f.push(Field::new("Rollback plan", p)),
        None if argued => f.push(Field::owed("Rollback plan", OWED)),
        None => {}
    }
    if let Some(k) = plan.kind {
        f.push(Field::new("Rollback kind", k));
    }
    if let Some(t) = plan.last_tested {
        f.push(Field::new("Rollback last tested", t));
    }
    // Only a change still to run owes a rehearsal (`rollback-test-stale`).
    if let Some((standing, owed)) = text::rehearsal(r, rehearsals, policy, now) {
        f.push(if owed {
            Field::owed("Rollback rehearsal", standing)
        } else {
            Field::new("Rollback rehearsal", standing)
        });
    }
    let state = approval_status(r, policy);
    f.push(if state.satisfied {
        Field::new("Approval status", "approved as the policy requires")
    } else if matches!(r.status, Status::Draft | Status::Cancelled | Status::Rejected) {
        Field::new("Approval status", format!("needs {}", state.missing.join(", or ")))
    } else {
        Field::owed("Approval status", format!("needs {}", state.missing.join(", or ")))
    });
    let tally = crate::vote::tally(r, policy);
    let cab_decides = policy.cab_votes_on(r.classification);
    // A change the CTO approved alone has no vote to show.
    if !tally.is_empty() || (cab_decides && r.status == Status::Submitted) {
        let open = r.status == Status::Submitted && tally.decision.is_none();
        f.push(if open {
            Field::owed("CAB vote", tally.summary())
        } else {
            Field::new("CAB vote", tally.summary())
        });
    }
    let i = r.implementation.clone().unwrap_or_default();
    if let Some(t) = i.started_at {
        f.push(Field::new("Implementation started", when(t)));
    }
    if let Some(t) = i.finished_at {
        f.push(Field::new("Implementation finished", when(t)));
    }
    if let Some(o) = &i.window_override {
        f.push(Field::new("Window override", text::window_override(o)));
    }
    if let Some(o) = i.outcome {
        f.push(Field::new("Result", o));
    }
    match &i.validation {
        Some(v) => f.push(Field::new("Post-change validation", validation(v))),
        None if i.finished_at.is_some() => f.push(Field::owed("Post-change validation", OWED)),
        None => {}
    }
    for issue in &i.issues {
        f.push(Field::new("Issue", issue));
    }
    if !i.deployment.is_empty() {
        f.push(Field::new("Deployed", crate::report::deployment_text(&i.deployment)));
    }
    for m in &r.monitoring {
        f.push(Field::new("Monitoring", text::spell(m)));
    }
    if let Some(need) = r.monitoring_owed(policy) {
        f.push(Field::owed(
            "Monitoring",
            format!("owed: {}", text::monitoring_owed(&need)),
        ));
    }
    for (key, value) in text::extensions(r) {
        f.push(Field::new(key, value));
    }
    let mut blocks = vec![Block::Fields(f)];
    if !r.approvals.is_empty() {
        blocks.push(Block::Text("Approvals".into()));
        // The digest each decision was bound to, for records that bind them.
        let scoped = r.approvals.iter().any(|a| a.scope.is_some());
        let headers = ["At", "Role", "Approver", "Decision", "Method", "Comment", "Scope"];
        blocks.push(Block::Table(Table::new(
            &headers[..if scoped { 7 } else { 6 }],
            r.approvals
                .iter()
                .zip(&tally.ignored)
                .map(|(a, ignored)| {
                    let mut row = vec![
                        Cell::plain(when(a.at)),
                        Cell::plain(a.role),
                        Cell::plain(&a.approver),
                        Cell::plain(a.decision),
                        Cell::plain(a.method),
                        Cell::plain(text::approval_comment(a, *ignored)),
                    ];
                    if scoped {
                        row.push(Cell::plain(
                            a.scope.as_deref().map(text::short_digest).unwrap_or_default(),
                        ));
                    }
                    row
                })
                .collect(),
        )));
    }
    Section {
        heading: "Change request".into(),
        blocks,
    }
}

/// A deadline after an emergency, as the form shows it.
fn deadline(label: &str, d: Option<Deadline>, now: DateTime<Utc>) -> Field {
    let Some(d) = d else {
        return Field::owed(label, "owed once the change is implemented");
    };
    match (d.verdict(now), d.done) {
        (Verdict::Met, Some(t)) => Field::new(label, format!("done {} (due {})", when(t), when(d.due))),
        (Verdict::Late, Some(t)) => Field::new(label, format!("done late {} (due {})", when(t), when(d.due))),
        (Verdict::Overdue, _) => Field::owed(label, format!("overdue: due {}", when(d.due))),
        _ => Field::owed(label, format!("owed by {}", when(d.due))),
    }
}

/// The emergency record: the criteria, the verbal approvals given before
/// the work, and what the guide asks afterwards, each with its deadline.
fn emergency_record(r: &Record, policy: &Policy, now: DateTime<Utc>) -> Section {
    let e = r.emergency.clone().unwrap_or_default();
    let mut f = Vec::new();
    if e.criteria.is_empty() {
        f.push(Field::owed("Criteria", OWED));
    } else {
        f.push(Field::new(
            "Criteria",
            e.criteria.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(", "),
        ));
    }
    if let Some(c) = e.cvss {
        f.push(Field::new("CVSS", c));
    }
    match &e.impact_of_not_implementing {
        Some(i) => f.push(Field::new("Impact of not implementing", i)),
        None => f.push(Field::owed("Impact of not implementing", OWED)),
    }
    let verbal: Vec<String> = r
        .granted_approvals()
        .filter(|a| a.method == Method::Verbal)
        .map(|a| format!("{} {} ({})", when(a.at), a.approver, a.role))
        .collect();
    if !verbal.is_empty() {
        f.push(Field::new("Verbal approvals", verbal.join("\n")));
    }
    let deadlines = emergency_deadlines(r, policy);
    f.push(deadline(
        "Documentation completed",
        deadlines.map(|d| d.documentation),
        now,
    ));
    f.push(deadline(
        "Written approval (CISO and CTO, or CEO)",
        deadlines.map(|d| d.written_approval),
        now,
    ));
    let cab = e.cab_review.clone().unwrap_or_default();
    match cab.date {
        Some(d) => f.push(Field::new("Presented to the CAB", d)),
        None => f.push(Field::owed("Presented to the CAB", OWED)),
    }
    // Owed once implemented, as `chg close` asks for them.
    let due = deadlines.is_some();
    match &cab.feedback {
        Some(feedback) => f.push(Field::new("CAB feedback", feedback)),
        None if cab.date.is_some() => f.push(Field::owed("CAB feedback", OWED)),
        None => {}
    }
    f.push(deadline("Post-emergency review", deadlines.map(|d| d.post_review), now));
    let post = e.post_review.clone().unwrap_or_default();
    match &post.root_cause {
        Some(c) => f.push(Field::new("Root cause", c)),
        None if due => f.push(Field::owed("Root cause", OWED)),
        None => {}
    }
    match &post.preventive_measures {
        Some(PreventiveMeasures::Items(items)) => {
            for (n, m) in items.iter().enumerate() {
                let label = format!("Preventive measure {}", n + 1);
                f.push(if m.state == MeasureState::Open {
                    Field::owed(label, text::measure(m))
                } else {
                    Field::new(label, text::measure(m))
                });
            }
        }
        Some(p) if !p.is_empty() => f.push(Field::new("Preventive measures", p)),
        _ if due => f.push(Field::owed("Preventive measures", OWED)),
        _ => {}
    }
    if let Some(t) = e.incident_started_at {
        f.push(Field::new("Incident started", when(t)));
    }
    if let Some(t) = e.restored_at {
        f.push(Field::new("Service restored", when(t)));
    }
    if let Some(t) = text::resolution(r) {
        f.push(Field::new("Time to resolution", t));
    }
    Section {
        heading: "Emergency record".into(),
        blocks: vec![Block::Fields(f)],
    }
}

/// One rollback, as guide 7.4 documents it: the plan is in the change
/// request; here the execution log, the validation results, the issues and
/// the post-rollback actions.
fn rollback_record(r: &Record, i: usize, policy: &Policy) -> Section {
    let rb = &r.rollbacks[i];
    let mut f = vec![Field::new("Trigger", rb.trigger), Field::new("Mode", rb.mode)];
    if let Some(k) = rb.kind.or(r.rollback_kind()) {
        f.push(Field::new("Kind", k));
    }
    if let Some(reason) = &rb.reason {
        f.push(Field::new("Reason", reason));
    }
    for (label, value) in [
        ("Reopened", text::reopened(rb)),
        ("Measured", text::measured(rb)),
        ("Assessment", text::assessment(rb)),
    ] {
        if let Some(v) = value {
            f.push(Field::new(label, v));
        }
    }
    if let Some(t) = rb.started_at {
        f.push(Field::new("Started", when(t)));
    }
    if let Some(t) = rb.restored_at {
        f.push(Field::new("Restored", when(t)));
    }
    if let Some(check) = r.rto_check(rb, policy) {
        let judged = if check.within {
            format!("RTO {}", check.rto.text())
        } else {
            format!("{} the RTO of {}", check.over_or_not_under(), check.rto.text())
        };
        f.push(Field::new("Duration", format!("{} ({judged})", check.took_text())));
    }
    if let Some(v) = &rb.validation {
        f.push(Field::new("Validation", validation(v)));
    }
    let owed = rb.verification_owed();
    if !owed.is_empty() {
        f.push(Field::owed("Verification", format!("owed: {}", owed.join(", "))));
    }
    for issue in &rb.issues {
        f.push(Field::new("Issue", issue));
    }
    let p = &rb.post_actions;
    for (label, value) in [
        ("Root cause", &p.root_cause),
        ("Lessons learned", &p.lessons_learned),
        ("Re-deployment plan", &p.redeploy_plan),
    ] {
        f.push(match value {
            Some(v) => Field::new(label, v),
            None => Field::owed(label, OWED),
        });
    }
    let mut blocks = vec![Block::Fields(f)];
    if !rb.log.is_empty() {
        blocks.push(Block::Text("Execution log".into()));
        blocks.push(Block::Table(Table::new(
            &["At", "By", "Entry"],
            rb.log
                .iter()
                .map(|e| vec![Cell::plain(when(e.at)), Cell::plain(e.by.name()), Cell::plain(&e.entry)])
                .collect(),
        )));
    }
    Section {
        heading: format!("Rollback record {}", i + 1),
        blocks,
    }
}

/// The post-implementation review.
fn review(r: &Record) -> Section {
    let rv = r.review.clone().unwrap_or_default();
    let mut f = vec![match rv.completed_at {
        Some(t) => Field::new("Completed", when(t)),
        None => Field::owed("Completed", OWED),
    }];
    match &rv.summary {
        Some(s) => f.push(Field::new("Summary", s)),
        None => f.push(Field::owed("Summary", OWED)),
    }
    if let Some(l) = &rv.lessons_learned {
        f.push(Field::new("Lessons learned", l));
    }
    Section {
        heading: "Post-implementation review".into(),
        blocks: vec![Block::Fields(f)],
    }
}

/// What the change owes: the attention list's items for it (the one list
/// `chg status` and the weekly report print), then what `chg close` still
/// asks for (the list plain `chg show` prints).
fn still_owed(r: &Record, rehearsals: &Rehearsals, policy: &Policy, now: DateTime<Utc>) -> Section {
    let items = crate::attention::items(std::slice::from_ref(r), rehearsals, policy, now);
    let action: Vec<String> = items
        .iter()
        .map(|item| match item.due {
            Some(due) if item.overdue => format!("{} (overdue since {})", item.what, when(due)),
            Some(due) => format!("{} (due {})", item.what, when(due)),
            None => item.what.clone(),
        })
        .collect();
    let close = r.owed(policy);
    let mut blocks = Vec::new();
    for (heading, list) in [
        ("Needs action (as `chg status` lists it):", action),
        ("Before `chg close` accepts it:", close),
    ] {
        if !list.is_empty() {
            blocks.push(Block::Text(heading.into()));
            blocks.push(Block::List(list));
        }
    }
    if blocks.is_empty() {
        blocks.push(Block::Empty("Nothing is owed.".into()));
    }
    Section {
        heading: "Still owed".into(),
        blocks,
    }
}
