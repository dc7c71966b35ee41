//! `chg new --emergency`: the quick form for an incident. It first prints
//! whom to call for verbal approval, then records the change with the
//! verbal approvals given, so it may start at once.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Datelike, Utc};

use crate::cli::{Format, NewArgs};
use crate::context::App;
use crate::draft::Draft;
use crate::error::Refusal;
use crate::policy::Policy;
use crate::record::{Classification, Criterion, Emergency, Level, Method, Record, Role};
use crate::render::PushFmt as _;
use crate::rules::approval_status;
use crate::wizard;
use crate::{action, approval};

/// Creates the emergency record with its verbal approvals and commits it.
pub fn run(args: NewArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let policy = store.policy()?;
    let actor = store.repo().actor()?;
    let now = app.now;
    let ask = app.interactive;
    // On a terminal whom to call comes first, to phone while answering; given
    // as arguments, it waits until they hold, so a refusal prints alone.
    let call = || {
        if !app.args.quiet {
            eprint!("{}", whom_to_call(&policy));
        }
    };
    if ask {
        call();
    }
    let mut fields = Draft::from_args(&args, None)?;
    fields.classification = Some(Classification::Emergency);
    fields.impact.get_or_insert(Level::High);
    fields.likelihood.get_or_insert(Level::Medium);
    if fields.title.is_none() && ask {
        fields.title = wizard::text("Title", false)?;
    }
    let criteria = criteria(&args, ask)?;
    let cvss = cvss(&args, &criteria, ask)?;
    let impact_of_not = match args.impact_of_not_implementing.clone() {
        Some(text) => text,
        None if ask => wizard::text("Impact of not implementing", false)?.unwrap_or_default(),
        None => return Err(action::missing("--impact-of-not-implementing")),
    };
    if fields.systems.is_empty() && ask {
        if let Some(list) = wizard::text("Systems affected (comma-separated)", true)? {
            fields.systems = list
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect();
        }
    }
    let verbal = verbal_approvals(&args, ask)?;
    let at = action::backdate("--verbal-at", args.verbal_at.as_deref(), now)?;
    let mut record = fields.into_record(&policy, actor.person.clone(), now)?;
    record.emergency = Some(Emergency {
        criteria,
        cvss,
        impact_of_not_implementing: Some(impact_of_not),
        ..Emergency::default()
    });
    for spec in &verbal {
        add_verbal_approval(&policy, &mut record, spec, at)?;
    }
    if !ask {
        call();
    }
    let detail = format!("emergency: {}", record.title);
    let (record, shown) = action::create(app, &store, &actor, record, now.year(), &detail)?;
    match app.format {
        Format::Json => crate::render::print(&format!("{}\n", crate::render::json_line(&record)?))?,
        _ if app.args.quiet => {}
        _ => crate::render::print(&created(&record, &policy, &shown))?,
    }
    Ok(0)
}

/// The emergency criteria: given, or asked until the answer names at least one.
fn criteria(args: &NewArgs, ask: bool) -> Result<Vec<Criterion>> {
    let mut criteria: Vec<Criterion> = args.criteria.clone();
    if criteria.is_empty() && ask {
        loop {
            let names: Vec<&str> = Criterion::ALL.iter().map(|c| c.as_str()).collect();
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

/// The CVSS score a critical vulnerability needs, at or above the threshold.
fn cvss(args: &NewArgs, criteria: &[Criterion], ask: bool) -> Result<Option<f64>> {
    let mut cvss = args.cvss;
    if criteria.contains(&Criterion::CriticalVulnerability) {
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
            None => return Err(action::missing("--cvss")),
            Some(score) if score < crate::rules::CVSS_THRESHOLD => return Err(Refusal::new(
                format!(
                    "CVSS {score} is below {}, the threshold for an emergency",
                    crate::rules::CVSS_THRESHOLD
                ),
                "patch it as a normal change (`chg new` without `--emergency`), or name another criterion that applies",
            )
            .into()),
            Some(_) => {}
        }
    }
    Ok(cvss)
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

/// Adds one `ROLE:EMAIL` verbal approval, refused unless the policy gives the role.
fn add_verbal_approval(policy: &Policy, record: &mut Record, spec: &str, at: DateTime<Utc>) -> Result<()> {
    let (role, who) = spec.split_once(':').ok_or_else(|| {
        anyhow!("`--verbal-approval {spec}` is not ROLE:EMAIL\n  hint: write it like `--verbal-approval ciso:carol@example.com`")
    })?;
    let role: Role = role
        .trim()
        .parse()
        .map_err(|e| anyhow!("`--verbal-approval {spec}`: {e}"))?;
    let approver = approval::parse_approver(who)?;
    let role = approval::choose_role(policy, record, &approver, Some(role))?;
    record.add_approval(&approver, role, Method::Verbal, at, None)?;
    Ok(())
}

/// What `chg new --emergency` says once the record is committed: what it still needs.
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
        record.id, policy.emergency_deadlines.documentation.text(), record.id, record.id
    )
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
        if i == 0 {
            out.push_fmt(format_args!("  call: {g}\n"));
        } else {
            out.push_fmt(format_args!("  backup: {g}\n"));
        }
    }
    out
}
