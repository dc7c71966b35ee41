//! Approvals on the record: who may approve in which role, and a decision
//! (an approval, a rejection, a CAB member's vote) with the status it
//! leads to. Whether the approvals suffice is `rules::approval_status`.

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};

use crate::error::Refusal;
use crate::person::Person;
use crate::policy::Policy;
use crate::record::{Approval, Classification, Decision, Emergency, Method, Record, Role, Status};
use crate::rules::{approval_status, ApprovalStatus};
use crate::vote::Tally;

/// One person's decision on a change, as `chg approve` or `chg reject` gives it.
#[derive(Debug, Clone)]
pub struct Verdict<'a> {
    pub by: &'a Person,
    /// The role they decide in (`choose_role`).
    pub role: Role,
    pub decision: Decision,
    pub method: Method,
    pub at: DateTime<Utc>,
    /// The approver's comment; for a rejection, its reason.
    pub comment: Option<String>,
}

/// What a decision did: the CAB's count after a member's vote, whether the
/// approvals now suffice, and the status the change moved to, if it moved.
#[derive(Debug, Clone)]
pub struct Decided {
    pub tally: Option<Tally>,
    pub approvals: ApprovalStatus,
    pub moved_to: Option<Status>,
}

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
    /// Refuses a decision the change cannot take, before anything is asked:
    /// a rejection the lifecycle does not allow, an approval of a standard
    /// change, of one not submitted (an emergency is approved after the
    /// fact), and a verbal approval of anything but an emergency.
    pub fn can_decide(&self, decision: Decision, method: Method) -> Result<(), Refusal> {
        if decision == Decision::Rejected {
            return self.can_move_to(Status::Rejected);
        }
        let class = self.classification;
        if class == Classification::Standard {
            return Err(Refusal::new(
                format!("{} is a standard change, pre-approved by its template", self.id),
                format!("`chg submit {}` approves it", self.id),
            ));
        }
        let open = match self.status {
            Status::Submitted => true,
            // Emergencies are approved in writing after the fact.
            Status::Rejected | Status::Cancelled => false,
            _ => class == Classification::Emergency,
        };
        if !open {
            return Err(Refusal::new(
                format!(
                    "{} is `{}`; only a submitted change can be approved",
                    self.id, self.status
                ),
                match self.status {
                    Status::Draft => format!("submit it first: `chg submit {}`", self.id),
                    _ => "nothing to approve in this state".to_string(),
                },
            ));
        }
        if method == Method::Verbal && class != Classification::Emergency {
            return Err(Refusal::new(
                format!(
                    "{} is a {class} change; only emergency changes take verbal approvals",
                    self.id
                ),
                "approve it in writing: leave out `--verbal`",
            ));
        }
        Ok(())
    }

    /// Records a decision and moves the status as the policy's rules say: a
    /// CAB member's written decision is a vote (`crate::vote`), any other
    /// role's rejection rejects the change at once; a submitted change
    /// becomes approved once its approvals suffice and rejected once the
    /// CAB's majority is against it. Should the two meet (a class with a
    /// group besides the CAB), the decision just given settles it.
    pub fn decide(&mut self, policy: &Policy, verdict: Verdict) -> Result<Decided, Refusal> {
        let Verdict {
            by,
            role,
            decision,
            method,
            at,
            comment,
        } = verdict;
        self.can_decide(decision, method)?;
        let vote = role == Role::Cab && method == Method::Written;
        if decision == Decision::Rejected && !vote {
            self.reject(by, role, at, comment)?;
            return Ok(Decided {
                tally: None,
                approvals: approval_status(self, policy),
                moved_to: Some(Status::Rejected),
            });
        }
        let tally = if vote {
            Some(self.vote(policy, by, decision, at, comment)?)
        } else {
            self.add_approval(by, role, method, at, comment)?;
            None
        };
        let approvals = approval_status(self, policy);
        let cab_against = tally.as_ref().is_some_and(|t| t.decision == Some(Decision::Rejected));
        let to = match (decision, approvals.satisfied, cab_against) {
            (Decision::Approved, true, _) => Some(Status::Approved),
            (_, _, true) => Some(Status::Rejected),
            (_, true, _) => Some(Status::Approved),
            _ => None,
        };
        let moved_to = to.filter(|_| self.status == Status::Submitted);
        if let Some(to) = moved_to {
            self.move_to(to)?;
        }
        Ok(Decided {
            tally,
            approvals,
            moved_to,
        })
    }

    /// Declares the change an emergency, with the verbal approvals given on
    /// the phone at `at`: each in a role the policy gives the approver
    /// (`choose_role`), recorded by [`Record::decide`].
    pub fn declare_emergency(
        &mut self,
        policy: &Policy,
        emergency: Emergency,
        verbal: &[(Role, Person)],
        at: DateTime<Utc>,
    ) -> Result<()> {
        self.classification = Classification::Emergency;
        self.emergency = Some(emergency);
        for (role, approver) in verbal {
            let role = choose_role(policy, self, approver, Some(*role))?;
            let verdict = Verdict {
                by: approver,
                role,
                decision: Decision::Approved,
                method: Method::Verbal,
                at,
                comment: None,
            };
            self.decide(policy, verdict)?;
        }
        Ok(())
    }

    /// Adds an approval, refusing one the same person already gave in that
    /// role and way. A written approval binds the approved scope's digest.
    fn add_approval(
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
    fn vote(
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

    /// Rejects the change outright: a written decision with the reason,
    /// bound to the scope it refused, and the status `rejected`.
    fn reject(&mut self, by: &Person, role: Role, at: DateTime<Utc>, reason: Option<String>) -> Result<(), Refusal> {
        self.move_to(Status::Rejected)?;
        self.approvals.push(Approval {
            role,
            approver: by.clone(),
            decision: Decision::Rejected,
            method: Method::Written,
            at,
            comment: reason,
            scope: Some(self.scope_digest()),
        });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::sample::sample;
    use crate::rfc3339::at;

    /// `who`'s written decision in `role`, by email.
    fn written(who: &Person, role: Role, decision: Decision) -> Verdict<'_> {
        Verdict {
            by: who,
            role,
            decision,
            method: Method::Written,
            at: at("2026-11-17T09:00:00Z"),
            comment: Some("looked at it".into()),
        }
    }

    fn cab(name: &str) -> Person {
        Person::new(name, &format!("{name}@example.com"))
    }

    /// Three CAB members vote in turn (the default quorum is 3): the first
    /// two leave the change submitted, the third decides it, whichever way
    /// its own vote goes.
    #[test]
    fn the_vote_that_reaches_the_quorum_moves_the_status_by_majority() {
        use Decision::{Approved as For, Rejected as Against};
        let policy = Policy::default();
        for (cast, decided) in [
            ([For, For, For], Status::Approved),
            ([Against, Against, For], Status::Rejected),
            ([For, For, Against], Status::Approved),
        ] {
            let mut major = sample("major", "submitted", "");
            let steps: Vec<(Option<Status>, Status)> = ["ana", "ben", "cho"]
                .iter()
                .zip(cast)
                .map(|(who, d)| {
                    let outcome = major.decide(&policy, written(&cab(who), Role::Cab, d)).unwrap();
                    (outcome.moved_to, major.status)
                })
                .collect();
            let open = (None, Status::Submitted);
            assert_eq!(steps, [open, open, (Some(decided), decided)], "{cast:?}");
            assert_eq!(major.approvals.len(), 3);
        }
    }

    #[test]
    fn one_cab_vote_against_leaves_the_change_submitted() {
        let mut major = sample("major", "submitted", "");
        let policy = Policy::default();
        let decided = major
            .decide(&policy, written(&cab("ana"), Role::Cab, Decision::Rejected))
            .unwrap();
        assert_eq!((decided.moved_to, major.status), (None, Status::Submitted));
        let tally = decided.tally.unwrap();
        assert_eq!((tally.yes, tally.no), (0, 1));
        assert!(!decided.approvals.satisfied);
    }

    /// A submitted normal change after Sam, the change manager, decided on it.
    fn decided_by_sam(decision: Decision) -> (Record, Decided) {
        let mut normal = sample("normal", "submitted", "");
        let sam = Person::new("Sam", "sam@example.com");
        let decided = normal
            .decide(&Policy::default(), written(&sam, Role::ChangeManager, decision))
            .unwrap();
        (normal, decided)
    }

    #[test]
    fn a_change_managers_rejection_rejects_at_once_and_refuses_later_approval() {
        let policy = Policy::default();
        let (mut normal, decided) = decided_by_sam(Decision::Rejected);
        assert_eq!(decided.moved_to, Some(Status::Rejected));
        assert_eq!(normal.approvals[0].decision, Decision::Rejected);
        assert_eq!(normal.approvals[0].comment.as_deref(), Some("looked at it"));
        let lee = Person::new("Lee", "lee@example.com");
        let refused = normal
            .decide(&policy, written(&lee, Role::EngineeringLead, Decision::Approved))
            .unwrap_err();
        assert!(
            refused
                .reason
                .contains("is `rejected`; only a submitted change can be approved"),
            "{refused}"
        );
        assert_eq!(normal.approvals.len(), 1, "a refused approval adds no entry");
    }

    #[test]
    fn one_change_manager_approves_a_normal_change() {
        let (normal, decided) = decided_by_sam(Decision::Approved);
        assert_eq!(
            (decided.moved_to, normal.status),
            (Some(Status::Approved), Status::Approved)
        );
        assert!(decided.tally.is_none() && decided.approvals.satisfied);
    }

    #[test]
    fn approvals_are_refused_for_standard_draft_and_verbal_normal_changes() {
        let policy = Policy::default();
        let sam = Person::new("Sam", "sam@example.com");
        for (class, status, method, says) in [
            ("standard", "submitted", Method::Written, "pre-approved by its template"),
            ("normal", "draft", Method::Written, "submit it first"),
            (
                "normal",
                "submitted",
                Method::Verbal,
                "only emergency changes take verbal approvals",
            ),
        ] {
            let mut record = sample(class, status, "");
            let verdict = Verdict {
                method,
                ..written(&sam, Role::ChangeManager, Decision::Approved)
            };
            let refused = record.decide(&policy, verdict).unwrap_err();
            assert!(refused.to_string().contains(says), "{class} {status}: {refused}");
            assert!(record.approvals.is_empty());
        }
    }

    #[test]
    fn an_emergency_is_declared_with_its_verbal_approvals_by_the_role_holders() {
        let policy = Policy::default();
        let carol = Person::new("Carol", "carol@example.com");
        let dave = Person::new("Dave", "dave@example.com");
        let now = at("2026-11-17T09:00:00Z");
        let mut draft = sample("emergency", "draft", "");
        let verbal = [(Role::Ciso, carol.clone()), (Role::Cto, dave)];
        draft
            .declare_emergency(&policy, Emergency::default(), &verbal, now)
            .unwrap();
        assert_eq!(draft.status, Status::Draft);
        assert!(draft
            .approvals
            .iter()
            .all(|a| a.method == Method::Verbal && a.scope.is_none()));
        assert!(approval_status(&draft, &policy).satisfied);
        // Carol holds the CISO's role, not the CTO's.
        let mut other = sample("emergency", "draft", "");
        let refused = other
            .declare_emergency(&policy, Emergency::default(), &[(Role::Cto, carol)], now)
            .unwrap_err();
        assert!(
            refused.to_string().contains("is not listed for the role `cto`"),
            "{refused}"
        );
    }

    #[test]
    fn an_emergency_takes_its_written_approvals_after_it_started_without_moving() {
        let policy = Policy::default();
        let mut emergency = sample("emergency", "in-progress", "");
        for (who, role) in [("carol", Role::Ciso), ("dave", Role::Cto)] {
            let person = Person::new(who, &format!("{who}@example.com"));
            let decided = emergency
                .decide(&policy, written(&person, role, Decision::Approved))
                .unwrap();
            assert_eq!(decided.moved_to, None);
        }
        assert_eq!(emergency.status, Status::InProgress);
        assert!(approval_status(&emergency, &policy).satisfied);
    }
}
