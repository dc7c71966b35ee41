//! Approvals on the record: who may approve in which role, and adding an
//! approval or a rejection. Whether the approvals suffice is
//! `rules::approval_status`.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};

use crate::error::Refusal;
use crate::person::Person;
use crate::policy::Policy;
use crate::record::{Approval, Decision, Method, Record, Role, Status};
use crate::vote::Tally;

/// Parses an approver given on the command line: `Name <email>`, or a bare email.
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

/// Lists the holders of a role for a message: `a@x, b@x`, or `nobody`.
fn holders(policy: &Policy, role: Role) -> String {
    let people = policy.members(role);
    if people.is_empty() {
        "nobody".to_string()
    } else {
        people.join(", ")
    }
}

/// Picks the role `who` decides on the record in: the one given, or their one
/// role that the class needs. Refuses a role the class does not need, one
/// they do not hold, and a decision on their own change.
pub fn choose_role(policy: &Policy, record: &Record, who: &Person, given: Option<Role>) -> Result<Role> {
    let needed = policy.roles_for(record.classification);
    let needed_list = needed.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(", ");
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
                    let who_may: Vec<String> = needed.iter().map(|r| format!("{r}: {}", holders(policy, *r))).collect();
                    return Err(Refusal::new(
                        format!(
                            "{who} is not listed in the policy for any role that approves {} change ({needed_list})",
                            record.classification.with_article()
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
                record.classification.with_article()
            ),
            format!("the policy asks for: {needed_list}"),
        )
        .into());
    }
    if !policy.holds(who.email(), role) {
        return Err(Refusal::new(
            format!("{who} is not listed for the role `{role}` in the policy"),
            format!(
                "`{role}` is held by: {} (changes/policy.yaml, `roles`)",
                holders(policy, role)
            ),
        )
        .into());
    }
    if who.same_as(&record.requested_by) {
        return Err(Refusal::new(
            format!("{who} requested {} and cannot decide on their own change", record.id),
            format!(
                "another person holding `{role}` must decide: {}; to withdraw it, run `chg cancel {} --reason ...`",
                holders(policy, role),
                record.id
            ),
        )
        .into());
    }
    Ok(role)
}

impl Record {
    /// Adds an approval, refusing one the same person already gave in that
    /// role and way. A written approval binds the approved scope's digest.
    pub fn add_approval(
        &mut self,
        approver: &Person,
        role: Role,
        method: Method,
        at: DateTime<Utc>,
        comment: Option<String>,
    ) -> Result<(), Refusal> {
        // Only an approval that still stands counts; a superseded one (an earlier round) does not.
        let standing = self.standing_approvals();
        // An entry without a digest in a submitted change is from before it was
        // sent back: the new entry, bound to content, supersedes it.
        let new_round = self.status == Status::Submitted;
        let repeated = self.approvals.iter().zip(&standing).any(|(a, stands)| {
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
                    self.id
                ),
                "another person holding the role must approve it",
            ));
        }
        // A verbal approval is given on the phone, before the record is written
        // up; it binds no content (docs/evidence.md).
        let scope = (method == Method::Written).then(|| self.scope_digest());
        self.approvals.push(Approval {
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

    /// Records a CAB member's vote, for or against: a written decision bound
    /// to the scope, refused when the member already voted in this round.
    /// Returns the count after it; the caller moves the status as it decides.
    pub fn vote(
        &mut self,
        policy: &Policy,
        voter: &Person,
        decision: Decision,
        at: DateTime<Utc>,
        comment: Option<String>,
    ) -> Result<Tally, Refusal> {
        let standing = self.standing_approvals();
        // As for approvals: an entry without a digest in a submitted change is from an earlier round.
        let new_round = self.status == Status::Submitted;
        let earlier = self.approvals.iter().zip(&standing).find(|(a, stands)| {
            **stands
                && !(new_round && a.scope.is_none())
                && a.role == Role::Cab
                && a.method == Method::Written
                && a.approver.same_as(voter)
        });
        if let Some((a, _)) = earlier {
            return Err(Refusal::new(
                format!(
                    "{voter} has already voted on {} as cab ({}); a vote counts once",
                    self.id, a.decision
                ),
                "another CAB member must vote",
            ));
        }
        let scope = Some(self.scope_digest());
        self.approvals.push(Approval {
            role: Role::Cab,
            approver: voter.clone(),
            decision,
            method: Method::Written,
            at,
            comment,
            scope,
        });
        Ok(crate::vote::tally(self, policy))
    }

    /// Rejects the change: a written decision with the reason, bound to the
    /// scope it refused, and the status `rejected`.
    pub fn reject(&mut self, by: &Person, role: Role, at: DateTime<Utc>, reason: String) -> Result<(), Refusal> {
        self.move_to(Status::Rejected)?;
        self.approvals.push(Approval {
            role,
            approver: by.clone(),
            decision: Decision::Rejected,
            method: Method::Written,
            at,
            comment: Some(reason),
            scope: Some(self.scope_digest()),
        });
        Ok(())
    }
}
