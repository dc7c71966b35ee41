//! Each record of a plan as it stands after one of its steps, built by
//! replaying its life with the record's own lifecycle methods.

use anyhow::Result;
use chg::approval::{choose_role, Verdict};
use chg::cli::About;
use chg::draft::Draft;
use chg::person::Person;
use chg::policy::Policy;
use chg::record::*;
use chrono::{DateTime, Duration, Utc};

use crate::generate::{person, End, Plan, Step, CAROL, DAVE, LEE, TEMPLATES};

/// Where a step stands in a change's life, to replay the steps before it.
fn rank(step: Step) -> u8 {
    match step {
        Step::New => 0,
        Step::Approve(_) => 1,
        Step::EditAfterApproval => 2,
        Step::Stop => 3,
        Step::Schedule => 4,
        Step::Start => 5,
        Step::Finish => 6,
        Step::Close | Step::PostReview => 7,
    }
}

/// The role an approver decides a non-emergency change in.
fn role_of(p: &Plan, who: (&str, &str)) -> Role {
    match p.class {
        _ if who == DAVE => Role::Cto,
        Classification::Major => Role::Cab,
        _ if who == LEE => Role::EngineeringLead,
        _ => Role::ChangeManager,
    }
}

/// Who rejects a change that ends rejected: its first approver, but the
/// CTO for a major change, since a CAB member's rejection is one vote
/// (as `chg reject` counts it) and the CTO's ends it at once.
pub(crate) fn rejecter(p: &Plan) -> (&'static str, &'static str) {
    match p.class {
        Classification::Major => DAVE,
        _ => p.approvers[0],
    }
}

/// Decides on the record as `chg approve` and `chg reject` do: in a role
/// the policy gives the person, then by `Record::decide`.
fn decide(r: &mut Record, policy: &Policy, verdict: Verdict) -> Result<()> {
    let role = choose_role(policy, r, verdict.by, Some(verdict.role))?;
    r.decide(policy, Verdict { role, ..verdict })?;
    Ok(())
}

/// A written approval by `who` in `role` at `at`.
fn written<'a>(who: &'a Person, role: Role, at: DateTime<Utc>, comment: Option<&str>) -> Verdict<'a> {
    Verdict {
        by: who,
        role,
        decision: Decision::Approved,
        method: Method::Written,
        at,
        comment: comment.map(str::to_string),
    }
}

/// The draft a plan starts from, built as `chg new` builds it.
fn draft(p: &Plan, policy: &Policy) -> Result<Record> {
    let (impact, likelihood) = match p.class {
        Classification::Standard => (Level::Low, Level::Low),
        Classification::Normal => (Level::Medium, Level::Low),
        _ => (Level::High, Level::Medium),
    };
    let template = (p.class == Classification::Standard).then(|| TEMPLATES[p.id.len() % TEMPLATES.len()].to_string());
    let mut testing = Testing::default();
    for kind in TestKind::ALL {
        testing.set(*kind, TestState::Passed);
    }
    let about = About {
        title: Some(p.title.clone()),
        description: Some(format!(
            "{} across {}.\nRoll out in stages and watch the dashboards.",
            p.title,
            p.systems.join(", ")
        )),
        justification: Some("Keep the platform supported and secure.".into()),
        benefit: Some("Fewer incidents.".into()),
        classification: Some(p.class),
        impact: Some(impact),
        likelihood: Some(likelihood),
        priority: Some(Level::Medium),
        systems: p.systems.clone(),
        ..About::default()
    };
    let mut d = Draft {
        about,
        strategy: Some(match p.class {
            Classification::Standard => Strategy::Rolling,
            Classification::Major => Strategy::BlueGreen,
            _ => Strategy::Canary,
        }),
        steps: vec!["deploy".into(), "verify".into()],
        rollback_plan: Some("Redeploy the previous version.".into()),
        rollback_kind: Some(p.rollback_kind),
        // Rehearsed the week before it was filed, so it may be approved.
        rollback_tested: Some(p.created.date_naive() - Duration::days(7)),
        testing,
        template: template.clone(),
        ..Draft::default()
    };
    if let Some(t) = template.as_deref().and_then(catalogue_entry) {
        apply_template(&mut d, &t);
    }
    let mut r = d.into_record(policy, person(p.requester), p.created)?;
    r.id = p.id.clone();
    r.downtime_required = Some(false);
    Ok(r)
}

/// The validation results of a finished change.
fn validation(good: bool, monitored: Option<u32>) -> Validation {
    Validation {
        smoke_tests: Some(if good { CheckResult::Passed } else { CheckResult::Failed }),
        error_rates: Some(if good { Health::Normal } else { Health::Elevated }),
        performance: Some(Health::Normal),
        customer_access: Some(Access::Verified),
        monitored_minutes: monitored,
        ..Validation::default()
    }
}

/// Renders a record as it stands after `step`, by replaying the lifecycle
/// up to it with the record's own methods (the ones the commands use), so
/// every record made passes `chg check`.
pub(crate) fn render(p: &Plan, step: Step, at: DateTime<Utc>, policy: &Policy) -> Result<Record> {
    let mut r = draft(p, policy)?;
    let reached = |s: Step| rank(step) >= rank(s);
    if p.class == Classification::Emergency {
        called_in(&mut r, p, step, policy)?;
    } else {
        // A standard change is approved on submission.
        r.submit()?;
        if step_is_rejection(p, step) {
            let who = person(rejecter(p));
            let verdict = Verdict {
                decision: Decision::Rejected,
                ..written(&who, role_of(p, rejecter(p)), at, Some("needs a better rollback plan"))
            };
            decide(&mut r, policy, verdict)?;
            return Ok(r);
        }
        let n = match step {
            Step::New => 0,
            Step::Approve(n) => n,
            _ => p.approvers.len(),
        };
        // The last approval the class needs approves it.
        for (k, who) in p.approvers.iter().take(n).enumerate() {
            let when = p.created + Duration::hours(2 + k as i64);
            decide(&mut r, policy, written(&person(*who), role_of(p, *who), when, None))?;
        }
        match step {
            Step::EditAfterApproval => {
                r.description = Some(format!("{} (scope widened after approval)", p.title));
                return Ok(r);
            }
            Step::Stop => {
                r.cancel(&person(p.requester), at, "no longer needed".into())?;
                return Ok(r);
            }
            _ => {}
        }
        if reached(Step::Schedule) {
            let window = Window {
                start: p.start - Duration::minutes(5),
                end: p.finish + Duration::hours(1),
            };
            // Scheduled before the work starts (`generate` commits it by then).
            r.schedule(window, p.start - Duration::minutes(30))?;
        }
        if reached(Step::Start) {
            r.start(policy, p.start, None)?;
        }
    }
    if reached(Step::Finish) {
        finish(&mut r, p, policy)?;
    }
    match step {
        Step::Close => closed(&mut r, p, at, policy)?,
        Step::PostReview => {
            if let Some(e) = r.emergency.as_mut() {
                e.post_review = Some(PostReview {
                    completed_at: Some(at),
                    root_cause: Some("disk full".into()),
                    preventive_measures: Some(PreventiveMeasures::Items(vec![PreventiveMeasure {
                        action: "alerting on disk usage".into(),
                        owner: person(p.requester),
                        due: (at + Duration::days(14)).date_naive(),
                        state: MeasureState::Done,
                        done_on: Some((at + Duration::days(7)).date_naive()),
                    }])),
                });
            }
        }
        _ => {}
    }
    Ok(r)
}

/// Reviews, writes up the rollback, records the monitoring the policy asks
/// (ending as the change is closed) and closes the change.
fn closed(r: &mut Record, p: &Plan, at: DateTime<Utc>, policy: &Policy) -> Result<()> {
    r.review = Some(Review {
        completed_at: Some(at),
        summary: Some("went as planned".into()),
        lessons_learned: None,
    });
    if let Some(entry) = r.rollbacks.last_mut() {
        entry.post_actions = PostActions {
            lessons_learned: Some("rehearse the rollback".into()),
            root_cause: Some("a connection pool too small".into()),
            redeploy_plan: Some("redeploy with a larger pool".into()),
        };
    }
    // The monitoring the policy asks, ending as the change is closed.
    if let Some(need) = r.monitoring_owed(policy) {
        r.monitoring.push(Monitoring {
            by: person(p.requester),
            from: at - need.period.duration(),
            to: at,
            observed: "error rates and latency as before".into(),
        });
    }
    r.close(policy)?;
    Ok(())
}

/// An emergency is called in: the CISO and the CTO approve on the phone,
/// it starts, and they confirm in writing by the time it is finished.
fn called_in(r: &mut Record, p: &Plan, step: Step, policy: &Policy) -> Result<()> {
    let emergency = Emergency {
        criteria: vec![Criterion::ProductionDown],
        cvss: None,
        impact_of_not_implementing: Some("Customers cannot check out.".into()),
        cab_review: Some(CabReview {
            // The meeting the rule expects: the first one after the finish.
            date: Some(policy.cab_meeting.next(p.finish).date_naive()),
            feedback: Some("Presented; no objections.".into()),
        }),
        post_review: None,
        documented_at: Some(p.documented),
        incident_started_at: None,
        restored_at: None,
    };
    let verbal = [(Role::Ciso, person(CAROL)), (Role::Cto, person(DAVE))];
    r.declare_emergency(policy, emergency, &verbal, p.start - Duration::minutes(5))?;
    r.start(policy, p.start, None)?;
    // The CISO's and the CTO's written confirmations, each in its own commit.
    let confirmed = match step {
        Step::Approve(n) => n,
        _ if rank(step) >= rank(Step::Finish) => 2,
        _ => 0,
    };
    for (k, (who, role)) in [(CAROL, Role::Ciso), (DAVE, Role::Cto)]
        .into_iter()
        .enumerate()
        .take(confirmed)
    {
        let who = person(who);
        decide(
            r,
            policy,
            written(&who, role, p.written[k], Some("confirmed in writing")),
        )?;
    }
    Ok(())
}

/// Ends the implementation as the plan says: completed, failed, or rolled
/// back (within the kind's time), with its validation and issues.
fn finish(r: &mut Record, p: &Plan, policy: &Policy) -> Result<()> {
    let issue = "error rate above baseline".to_string();
    let issues = if p.issues || p.end != End::Successful {
        vec![issue.clone()]
    } else {
        vec![]
    };
    match p.end {
        // As `chg fail` records it: what went wrong is the issue.
        End::Failed => return r.fail(p.finish, issue, validation(false, None)),
        End::RolledBack => {
            // The implementation ended when the service was restored.
            r.finish(p.finish, Outcome::RolledBack)?;
            let took = (p.finish - p.start).num_minutes() / 3;
            r.roll_back(
                policy,
                RollbackEntry {
                    trigger: Trigger::ErrorRate,
                    mode: RollbackMode::Immediate,
                    kind: Some(p.rollback_kind),
                    reason: Some("5xx above 5 %".into()),
                    started_at: Some(p.finish - Duration::minutes(took)),
                    restored_at: Some(p.finish),
                    severity: Some(Level::High),
                    estimated_minutes: Some(15),
                    measured: Some(Measured {
                        value: 6.0,
                        threshold: policy.rollback_triggers.error_rate_percent,
                    }),
                    reopened_from: None,
                    log: vec![],
                    validation: Some(validation(true, Some(30))),
                    issues: vec![],
                    post_actions: PostActions::default(),
                    duration_minutes: None,
                    rto_exceeded: None,
                },
            )?;
        }
        // As `chg complete` records it: for an emergency, service restored then.
        _ => return r.complete(p.finish, validation(true, None), &issues),
    }
    let implementation = r.implementation.get_or_insert_with(Default::default);
    implementation.validation = Some(validation(false, None));
    implementation.issues = issues;
    Ok(())
}

/// Whether this step is the rejection that ends the plan.
fn step_is_rejection(p: &Plan, step: Step) -> bool {
    matches!(step, Step::Stop) && p.end == End::Rejected
}

/// A built-in template by name; the demo's standard changes keep to it, as
/// `template-mismatch` requires.
fn catalogue_entry(name: &str) -> Option<chg::template::Template> {
    let (_, text) = chg::template::DEFAULT_TEMPLATES.iter().find(|(n, _)| *n == name)?;
    chg::document::parse(text).ok().map(|p| p.value)
}

fn apply_template(d: &mut Draft, t: &chg::template::Template) {
    d.about.title = Some(t.title.clone());
    d.about.impact = Some(t.risk.impact);
    d.about.likelihood = Some(t.risk.likelihood);
    d.testing = t.testing.clone();
    d.strategy = t.deployment.strategy.or(d.strategy);
    d.steps = t.deployment.steps.clone();
    d.rollback_plan = t.rollback.plan.clone().or(d.rollback_plan.take());
    d.rollback_kind = t.rollback.kind.or(d.rollback_kind);
}
