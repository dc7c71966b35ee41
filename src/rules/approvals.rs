//! `approval-missing`, `approver-not-authorized` and `self-approval`: were
//! the right people asked, and did enough of them say yes.

use std::collections::BTreeSet;

use super::Context;
use crate::finding::Finding;
use crate::lifecycle;
use crate::policy::Policy;
use crate::record::{Classification, Decision, Method, Record, Role, Status};
use crate::rule::Rule;
use crate::store::Loaded;

/// Whether a record's approvals satisfy its class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalStatus {
    pub satisfied: bool,
    /// For each group of the class: what it still lacks (`2 more cab`).
    pub missing: Vec<String>,
}

/// Counts the valid approvals (standing, authorised, not by the requester,
/// distinct people; verbal ones only for emergencies) against the class's groups.
pub fn approval_status(record: &Record, policy: &Policy) -> ApprovalStatus {
    let groups = policy.approval_groups(record.classification);
    if record.classification == Classification::Standard {
        return ApprovalStatus {
            satisfied: true,
            missing: Vec::new(),
        };
    }
    // Superseded entries (a digest that no longer matches) stay as evidence but count no more.
    let standing = record.standing_approvals();
    let valid = |role| {
        record
            .approvals
            .iter()
            .zip(&standing)
            .filter(|(_, stands)| **stands)
            .map(|(a, _)| a)
            .filter(|a| a.decision == Decision::Approved && a.role == role)
            .filter(|a| a.method == Method::Written || record.classification == Classification::Emergency)
            .filter(|a| policy.holds(a.approver.email(), role) && !a.approver.same_as(&record.requested_by))
            .map(|a| a.approver.email().to_ascii_lowercase())
            .collect::<BTreeSet<_>>()
            .len() as u32
    };
    let mut missing = Vec::new();
    for group in groups {
        let lacks: Vec<String> = group
            .needs()
            .into_iter()
            .filter_map(|(role, n)| {
                // The CAB votes: a majority of the members who voted decides once `n` voted.
                if role == Role::Cab {
                    let tally = crate::vote::tally_with_quorum(record, policy, n);
                    return (tally.decision != Some(Decision::Approved)).then(|| tally.missing());
                }
                let have = valid(role);
                (have < n).then(|| format!("{} more {role}", n - have))
            })
            .collect();
        if lacks.is_empty() {
            return ApprovalStatus {
                satisfied: true,
                missing: Vec::new(),
            };
        }
        missing.push(lacks.join(" and "));
    }
    ApprovalStatus {
        satisfied: false,
        missing,
    }
}

/// Checks the approvals of one record.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let file = loaded.file.as_str();
    let pos = &loaded.positions;
    let mut findings = Vec::new();
    // An unauthorised entry never counts; once the people who hold the roles
    // have decided (or the change is over) it is history, kept as evidence
    // since approvals are append-only, and no longer an error.
    let settled = matches!(record.status, Status::Rejected | Status::Cancelled | Status::Closed)
        || approval_status(record, ctx.policy).satisfied;
    for (i, approval) in record.approvals.iter().enumerate() {
        // A closure: finding a position parses the file again, so only on a finding.
        let at = || pos.of(&format!("approvals[{i}].approver"));
        if !ctx.policy.holds(approval.approver.email(), approval.role) {
            let members = ctx.policy.members(approval.role);
            let message = format!(
                "{} is not listed for the role `{}` in the policy",
                approval.approver, approval.role
            );
            findings.push(if members.is_empty() {
                Finding::error(
                    file,
                    at(),
                    Rule::ApproverNotAuthorized,
                    message,
                    format!(
                        "nobody holds `{}`; add the approver under `roles` in changes/policy.yaml",
                        approval.role
                    ),
                )
            } else if settled {
                Finding::warning(
                    file,
                    at(),
                    Rule::ApproverNotAuthorized,
                    format!("{message}; the entry did not count, and the change was decided without it"),
                    "nothing to do: the entry stays on record (approvals are append-only)",
                )
                .historical()
            } else {
                Finding::error(
                    file,
                    at(),
                    Rule::ApproverNotAuthorized,
                    message,
                    format!("`{}` is held by: {}", approval.role, members.join(", ")),
                )
            });
        }
        if approval.approver.same_as(&record.requested_by) && approval.decision == Decision::Approved {
            findings.push(Finding::error(
                file,
                at(),
                Rule::SelfApproval,
                format!("{} approves their own change", approval.approver),
                "another person holding the role must approve it",
            ));
        }
    }
    repeated_votes(loaded, ctx, &mut findings);
    let judged = lifecycle::needs_approval(record.status)
        && record.classification != Classification::Standard
        && record.status != Status::Rejected;
    if judged {
        let state = approval_status(record, ctx.policy);
        if !state.satisfied {
            stale(loaded, &mut findings);
        }
        if !state.satisfied {
            let groups: Vec<String> = ctx
                .policy
                .approval_groups(record.classification)
                .iter()
                .map(|g| g.describe())
                .collect();
            findings.push(Finding::error(
                file,
                if record.approvals.is_empty() {
                    pos.of("status")
                } else {
                    pos.of("approvals")
                },
                Rule::ApprovalMissing,
                format!(
                    "status `{}` needs the approvals of {} change ({}); it lacks {}",
                    record.status,
                    record.classification.with_article(),
                    groups.join(" or "),
                    state.missing.join(", or ")
                ),
                format!("approvers run `chg approve {}`", record.id),
            ));
        }
    }
    findings
}

/// `approval-stale`: an approval bound to a scope the record no longer has,
/// with nothing newer that approves what it says now.
fn stale(loaded: &Loaded, findings: &mut Vec<Finding>) {
    let record = &loaded.record;
    if record.approvals.iter().all(|a| a.scope.is_none()) {
        return;
    }
    for i in record.stale_approvals() {
        let a = &record.approvals[i];
        findings.push(Finding::error(
            &loaded.file,
            loaded.positions.of(&format!("approvals[{i}].scope")),
            Rule::ApprovalStale,
            format!(
                "stale approval, needs approving again: {} approved it as {} on {}, but the record has been edited since (its approved scope is no longer {})",
                a.approver,
                a.role,
                a.at.format("%Y-%m-%d %H:%M"),
                a.scope.as_deref().unwrap_or("")
            ),
            format!(
                "undo the edit, or ask for a new approval: set `status: submitted` (keep the old entries) and the approvers run `chg approve {}`",
                record.id
            ),
        ));
    }
}

/// `vote-repeated`: a CAB member's second vote counts for nothing.
fn repeated_votes(loaded: &Loaded, ctx: &Context, findings: &mut Vec<Finding>) {
    let (record, file, pos) = (&loaded.record, loaded.file.as_str(), &loaded.positions);
    let tally = crate::vote::tally(record, ctx.policy);
    for (i, why) in tally.ignored.iter().enumerate() {
        if *why == Some(crate::vote::Ignored::Repeated) {
            // A warning here: the entry is evidence that stays (append-only)
            // and counts for nothing; the gate refuses the commit adding it.
            findings.push(Finding::warning(
                file,
                pos.of(&format!("approvals[{i}].approver")),
                Rule::VoteRepeated,
                format!(
                    "{} voted on {} as cab more than once; only the first vote counts",
                    record.approvals[i].approver, record.id
                ),
                "a vote counts once: the later entry counts for nothing; another CAB member must vote",
            ));
        }
    }
}
