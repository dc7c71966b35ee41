//! `chg approve`: an approval in one of the approver's policy roles; the
//! status becomes approved when the class's rule is met.

use anyhow::{anyhow, Result};

use crate::action::{self, Action, Done};
use crate::cli::ApproveArgs;
use crate::context::App;
use crate::error::Refusal;
use crate::person::Person;
use crate::policy::Policy;
use crate::record::{Approval, Classification, Decision, Method, Record, Role, Status};
use crate::rules::approval_status;

/// Records the approval and moves a submitted change to approved once it has enough.
pub fn run(args: &ApproveArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "approve", |act, record| {
        let class = record.classification;
        if class == Classification::Standard {
            return Err(Refusal::new(
                format!("{} is a standard change, pre-approved by its template", record.id),
                format!("`chg submit {}` approves it", record.id),
            )
            .into());
        }
        let open = match record.status {
            Status::Submitted => true,
            // Emergencies are approved in writing after the fact.
            Status::Rejected | Status::Cancelled => false,
            _ => class == Classification::Emergency,
        };
        if !open {
            return Err(Refusal::new(
                format!(
                    "{} is `{}`; only a submitted change can be approved",
                    record.id, record.status
                ),
                match record.status {
                    Status::Draft => format!("submit it first: `chg submit {}`", record.id),
                    _ => "nothing to approve in this state".to_string(),
                },
            )
            .into());
        }
        let method = if args.verbal { Method::Verbal } else { Method::Written };
        if method == Method::Verbal && class != Classification::Emergency {
            return Err(Refusal::new(
                format!(
                    "{} is a {class} change; only emergency changes take verbal approvals",
                    record.id
                ),
                "approve it in writing: leave out `--verbal`",
            )
            .into());
        }
        let approver = match &args.by {
            Some(text) => parse_approver(text)?,
            None => act.person().clone(),
        };
        let role = choose_role(&act.policy, record, &approver, args.role)?;
        let at = match method {
            Method::Verbal => action::backdate("--at", args.at.as_deref(), act.now)?,
            Method::Written => act.now,
        };
        add_approval(record, &approver, role, method, at, args.comment.clone())?;
        let state = approval_status(record, &act.policy);
        if state.satisfied && record.status == Status::Submitted {
            record.status = Status::Approved;
            // Approval criteria: what `chg check` demands of an approved change.
            super::submit::refuse_errors(act, record)?;
        }
        let how = if method == Method::Verbal {
            "verbal approval"
        } else {
            "approval"
        };
        let message = if state.satisfied {
            format!(
                "{}: {how} by {approver} as {role} recorded; status `{}`",
                record.id, record.status
            )
        } else {
            format!(
                "{}: {how} by {approver} as {role} recorded; it still needs {}",
                record.id,
                state.missing.join(", or ")
            )
        };
        Ok(Done::new(message).detail(if method == Method::Verbal {
            format!("{role}, verbal")
        } else {
            role.to_string()
        }))
    })
}

/// Parses `--by`: `Name <email>`, or a bare email.
pub fn parse_approver(text: &str) -> Result<Person> {
    if text.contains('<') {
        return Person::parse(text).map_err(|e| anyhow!("{e}\n  hint: give `Name <email>` or an email"));
    }
    let email = text.trim();
    let name = email.split('@').next().unwrap_or("");
    if !email.contains('@') || name.is_empty() {
        return Err(anyhow!(
            "`{text}` is not an email\n  hint: give the approver's git email, e.g. `carol@example.com`"
        ));
    }
    Ok(Person::new(name, email))
}

/// Picks the role to act in: the one given, or the actor's one role that the class needs.
pub fn choose_role(policy: &Policy, record: &Record, who: &Person, given: Option<Role>) -> Result<Role> {
    let needed: Vec<Role> = policy
        .approval_groups(record.classification)
        .iter()
        .flat_map(|g| g.needs().into_iter().map(|(r, _)| r))
        .fold(Vec::new(), |mut acc, r| {
            if !acc.contains(&r) {
                acc.push(r);
            }
            acc
        });
    let needed_list = needed.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
    let holders = |role: Role| {
        let people = policy.members(role);
        if people.is_empty() {
            "nobody".to_string()
        } else {
            people.join(", ")
        }
    };
    let role = match given {
        Some(role) => role,
        None => {
            let mine: Vec<Role> = needed
                .iter()
                .copied()
                .filter(|r| policy.holds(who.email(), *r))
                .collect();
            match mine.as_slice() {
                [one] => *one,
                [] => {
                    let who_may: Vec<String> = needed.iter().map(|r| format!("{r}: {}", holders(*r))).collect();
                    return Err(Refusal::new(
                        format!(
                            "{who} is not listed in the policy for any role that approves {} change ({needed_list})",
                            action::a(record.classification)
                        ),
                        format!("ask one of them — {}", who_may.join("; ")),
                    )
                    .into());
                }
                many => {
                    let names: Vec<&str> = many.iter().map(|r| r.as_str()).collect();
                    return Err(anyhow!(
                        "{who} holds several roles that approve this change: {}\n  hint: say which with `--role`",
                        names.join(", ")
                    ));
                }
            }
        }
    };
    if !needed.contains(&role) {
        return Err(Refusal::new(
            format!(
                "{} change is not approved by the role `{role}`",
                action::a(record.classification)
            ),
            format!("the policy asks for: {needed_list}"),
        )
        .into());
    }
    if !policy.holds(who.email(), role) {
        return Err(Refusal::new(
            format!("{who} is not listed for the role `{role}` in the policy"),
            format!("`{role}` is held by: {} (changes/policy.yaml, `roles`)", holders(role)),
        )
        .into());
    }
    if who.same_as(&record.requested_by) {
        return Err(Refusal::new(
            format!("{who} requested {} and cannot decide on their own change", record.id),
            format!(
                "another person holding `{role}` must decide: {}; to withdraw it, run `chg cancel {} --reason ...`",
                holders(role),
                record.id
            ),
        )
        .into());
    }
    Ok(role)
}

/// Adds an approval, refusing one the same person already gave in that role and way.
pub fn add_approval(
    record: &mut Record,
    approver: &Person,
    role: Role,
    method: Method,
    at: chrono::DateTime<chrono::Utc>,
    comment: Option<String>,
) -> Result<()> {
    // Only an approval that still stands counts; a superseded one (an earlier round) does not.
    let standing = record.standing_approvals();
    // An entry without a digest in a submitted change is from before it was
    // sent back: the new entry, bound to content, supersedes it.
    let new_round = record.status == Status::Submitted;
    let repeated = record.approvals.iter().zip(&standing).any(|(a, stands)| {
        *stands
            && !(new_round && a.scope.is_none())
            && a.approver.same_as(approver)
            && a.role == role
            && a.method == method
            && a.decision == Decision::Approved
    });
    if repeated {
        return Err(Refusal::new(
            format!(
                "{approver} has already approved {} as {role}; an approval counts once",
                record.id
            ),
            "another person holding the role must approve it",
        )
        .into());
    }
    // A verbal approval is given on the phone, before the record is written
    // up; it binds no content (docs/evidence.md).
    let scope = (method == Method::Written).then(|| record.scope_digest());
    record.approvals.push(Approval {
        role,
        approver: approver.clone(),
        decision: Decision::Approved,
        method,
        at,
        comment,
        scope,
    });
    Ok(())
}

/// Returns the role the acting person decides in (used by `reject` too).
pub fn actor_role(act: &Action, record: &Record, given: Option<Role>) -> Result<Role> {
    choose_role(&act.policy, record, act.person(), given)
}
