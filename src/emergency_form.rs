//! The emergency quick form, shared by `chg new --emergency` and the plain
//! `chg new` wizard once "emergency" is picked: whom to call for verbal
//! approval, then the criteria, the impact of not implementing, the rollback
//! plan and the verbal approvals, asked on a terminal where the flags left
//! them out; then the record, committed.

use anyhow::{anyhow, Result};
use chrono::Datelike;

use crate::cli::{Format, NewArgs};
use crate::context::App;
use crate::draft::Draft;
use crate::error::Refusal;
use crate::person::Person;
use crate::policy::Policy;
use crate::record::{Classification, Criterion, Emergency, Level, Record, Role, RollbackKind};
use crate::render::PushFmt;
use crate::rules::approval_status;
use crate::store::Store;
use crate::wizard;
use crate::{action, approval};

/// Asks what an emergency needs beyond `fields`, builds the record with its
/// verbal approvals and commits it. Whom to call is printed first on a
/// terminal (to phone while answering; unless `announced` already), and,
/// given as arguments, only once they hold, so a refusal prints alone.
pub fn create(
    args: &NewArgs,
    app: &App,
    store: &Store,
    policy: &Policy,
    mut fields: Draft,
    announced: bool,
) -> Result<u8> {
    let actor = store.repo().actor(app.now)?;
    let now = app.now;
    let ask = app.interactive;
    let call = || {
        if !app.quiet && !announced {
            eprint!("{}", whom_to_call(policy));
        }
    };
    if ask {
        call();
    }
    fields.about.classification = Some(Classification::Emergency);
    fields.about.impact.get_or_insert(Level::High);
    fields.about.likelihood.get_or_insert(Level::Medium);
    if fields.about.title.is_none() && ask {
        fields.about.title = wizard::text("Title", false)?;
    }
    let criteria = criteria(args, ask)?;
    let cvss = cvss(args, &criteria, ask)?;
    let impact_of_not = match args.impact_of_not_implementing.clone() {
        Some(text) => text,
        None if ask => wizard::text("Impact of not implementing", false)?.unwrap_or_default(),
        None => return Err(action::missing("--impact-of-not-implementing")),
    };
    if fields.about.systems.is_empty() && ask {
        if let Some(list) = wizard::text("Systems affected (comma-separated)", true)? {
            fields.about.systems = list
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
    }
    // The guide: "prepare for rollback" — an emergency starts with a plan to undo it.
    if fields.rollback_plan.is_none() && ask {
        fields.rollback_plan = wizard::text("Rollback plan", false)?;
    }
    if fields.rollback_plan.is_some() && fields.rollback_kind.is_none() && ask {
        fields.rollback_kind = Some(wizard::choose(
            "Rollback kind",
            RollbackKind::ALL,
            Some(RollbackKind::Simple),
        )?);
    }
    let verbal = verbal_approvals(args, ask)?;
    let at = action::backdate("--verbal-at", args.verbal_at.as_deref(), now)?;
    let incident_started_at = args
        .incident_started
        .as_deref()
        .map(|t| crate::timearg::parse_time("--incident-started", t))
        .transpose()?;
    if incident_started_at.is_some_and(|t| t > now) {
        return Err(Refusal::new(
            "`--incident-started` is in the future",
            "give when the incident began, before now",
        )
        .into());
    }
    let mut record = fields.into_record(policy, actor.person.clone(), now)?;
    let verbal = verbal
        .iter()
        .map(|spec| parse_verbal(spec))
        .collect::<Result<Vec<_>>>()?;
    let emergency = Emergency {
        criteria,
        cvss,
        impact_of_not_implementing: Some(impact_of_not),
        incident_started_at,
        ..Emergency::default()
    };
    record.declare_emergency(policy, emergency, &verbal, at)?;
    if !ask {
        call();
    }
    let detail = format!("emergency: {}", record.title);
    let (record, shown) = action::create(app, store, &actor, record, now.year(), &detail)?;
    match app.format {
        Format::Json => crate::render::print(&format!("{}\n", crate::render::json_line(&record)?))?,
        _ if app.quiet => {}
        _ => crate::render::print(&created(&record, policy, &shown))?,
    }
    Ok(0)
}

/// What `chg new --emergency` says it did, and what comes next.
fn created(record: &Record, policy: &Policy, shown: &str) -> String {
    let state = approval_status(record, policy);
    let next = if state.satisfied {
        format!("verbal approvals recorded; start now with `chg start {}`", record.id)
    } else {
        format!(
            "it still needs {} before it starts: `chg approve {} --verbal --role ROLE --by EMAIL`",
            state.missing.join(", or "),
            record.id
        )
    };
    format!(
        "Created {} ({shown})\n{next}\nWithin {}: complete the documentation (`chg submit {}`) and get written approval (`chg approve {}`).\n",
        record.id,
        policy.emergency_deadlines.documentation.text(),
        record.id,
        record.id
    )
}

/// The verbal approvals as `ROLE:EMAIL`: given, or asked of the CISO and CTO.
fn verbal_approvals(args: &NewArgs, ask: bool) -> Result<Vec<String>> {
    let mut verbal = args.verbal_approvals.clone();
    if verbal.is_empty() && ask {
        for role in [Role::Ciso, Role::Cto] {
            let prompt = format!("Verbal approval by the {role}: email (empty if not yet given)");
            if let Some(email) = wizard::text(&prompt, true)? {
                verbal.push(format!("{role}:{email}"));
            }
        }
    }
    Ok(verbal)
}

/// Reads one `--verbal-approval ROLE:EMAIL`.
fn parse_verbal(spec: &str) -> Result<(Role, Person)> {
    let (role, who) = spec.split_once(':').ok_or_else(|| {
        anyhow!("`--verbal-approval {spec}` is not ROLE:EMAIL\n  hint: write it like `--verbal-approval ciso:carol@example.com`")
    })?;
    let role: Role = role
        .trim()
        .parse()
        .map_err(|e| anyhow!("`--verbal-approval {spec}`: {e}"))?;
    Ok((role, approval::parse_approver(who)?))
}

/// The emergency criteria from `--criterion`, or asked until one is named.
fn criteria(args: &NewArgs, ask: bool) -> Result<Vec<Criterion>> {
    let mut criteria: Vec<Criterion> = args.criteria.clone();
    if criteria.is_empty() && ask {
        let names: Vec<&str> = Criterion::ALL.iter().map(|c| c.as_str()).collect();
        loop {
            let answer = wizard::text(
                &format!("Emergency criteria, comma-separated ({})", names.join(", ")),
                false,
            )?
            .unwrap_or_default();
            match answer
                .split(',')
                .map(|c| c.trim().parse::<Criterion>())
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(list) if !list.is_empty() => {
                    criteria = list;
                    break;
                }
                Ok(_) => {}
                Err(e) => crate::render::eprint(&e.to_string()),
            }
        }
    }
    if criteria.is_empty() {
        return Err(action::missing("--criterion"));
    }
    Ok(criteria)
}

/// The CVSS score a critical vulnerability needs, at least the threshold.
fn cvss(args: &NewArgs, criteria: &[Criterion], ask: bool) -> Result<Option<f64>> {
    let mut cvss = args.cvss;
    if !criteria.contains(&Criterion::CriticalVulnerability) {
        return Ok(cvss);
    }
    if cvss.is_none() && ask {
        let answer = wizard::text("CVSS score", false)?.unwrap_or_default();
        cvss = Some(
            answer
                .trim()
                .parse()
                .map_err(|_| anyhow!("`{answer}` is not a CVSS score\n  hint: give a number like 9.8"))?,
        );
    }
    match cvss {
        None => Err(action::missing("--cvss")),
        Some(score) if score < crate::rules::CVSS_THRESHOLD => Err(Refusal::new(
            format!(
                "CVSS {score} is below {}, the threshold for an emergency",
                crate::rules::CVSS_THRESHOLD
            ),
            "patch it as a normal change (`chg new` without `--emergency`), or name another criterion that applies",
        )
        .into()),
        Some(_) => Ok(cvss),
    }
}

/// Says whom to call for verbal approval: the CISO and the CTO, the CEO as backup.
pub fn whom_to_call(policy: &Policy) -> String {
    let people = |role: Role| {
        let list = policy.members(role);
        if list.is_empty() {
            "nobody listed".to_string()
        } else {
            list.join(", ")
        }
    };
    let groups: Vec<String> = policy
        .approval_groups(Classification::Emergency)
        .iter()
        .map(|g| {
            g.needs()
                .iter()
                .map(|(role, _)| format!("{} ({})", role.as_str().to_uppercase(), people(*role)))
                .collect::<Vec<_>>()
                .join(" and ")
        })
        .collect();
    let mut out = String::from("Emergency change: call for verbal approval now\n");
    for (i, g) in groups.iter().enumerate() {
        let what = if i == 0 { "call" } else { "backup" };
        out.push_fmt(format_args!("  {what}: {g}\n"));
    }
    out
}
