//! The pull-request rules: what a branch's commits did to each record,
//! judged commit by commit. Pure: the versions of records and the commits'
//! identities come in, findings come out.

use crate::finding::Severity;
use crate::git::Commit;
use crate::lifecycle;
use crate::policy::Policy;
use crate::record::{Approval, Decision, Record, Role, RollbackEntry, Status};
use crate::rule::Rule;

mod times;

use times::implausible_times;
pub use times::{
    check_chronology, implausible_against_evidence, judged_time, plausible, Counts, TimeEvidence,
    CLOCK_TOLERANCE_MINUTES,
};

/// One record file as one commit changed it.
pub struct Step<'a> {
    pub commit: &'a Commit,
    /// The record's path in the commit (after a rename, the new one).
    pub path: &'a str,
    pub old: Option<&'a Record>,
    pub new: Option<&'a Record>,
}

/// A finding of a history rule, before it is placed on a line of HEAD's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryFinding {
    pub path: String,
    /// The dotted key the finding points at in HEAD's version of the file.
    pub key: String,
    pub severity: Severity,
    pub rule: Rule,
    pub message: String,
    pub hint: String,
    pub commit: String,
}

impl HistoryFinding {
    /// An error a history rule found in `commit` on the file at `path`,
    /// pointing at no key (set `key` to point at one).
    pub fn error(
        commit: impl std::fmt::Display,
        path: &str,
        rule: Rule,
        message: String,
        hint: String,
    ) -> HistoryFinding {
        HistoryFinding {
            path: path.to_string(),
            key: String::new(),
            severity: Severity::Error,
            rule,
            message,
            hint,
            commit: commit.to_string(),
        }
    }
}

/// Answers whether a commit carries a valid signature by an email's key.
pub type SignatureCheck<'a> = &'a dyn Fn(&Commit, &str) -> bool;

/// Judges one step against the lifecycle, the approvers and append-only history.
pub fn check_step(step: &Step, policy: &Policy, signed: Option<SignatureCheck>) -> Vec<HistoryFinding> {
    let mut out = Vec::new();
    let Some(new) = step.new else {
        // Every committed record is evidence, a cancelled or never-approved one too.
        if let Some(old) = step.old {
            out.push(finding(
                step,
                "id",
                Rule::RecordDeleted,
                format!("{} deleted {} (status `{}`)", who(step), old.id, old.status),
                "records are audit evidence: restore the file; cancel a change with `chg cancel` instead of deleting it"
                    .into(),
            ));
        }
        return out;
    };
    let reset = step.old.is_some_and(|old| new_round(old, new));
    transition(step, new, reset, policy, &mut out);
    closed_unmonitored(step, new, policy, &mut out);
    implausible_times(step, new, &mut out);
    approvals_added(step, new, policy, signed, &mut out);
    verification_added(step, new, &mut out);
    override_added(step, new, &mut out);
    if let Some(old) = step.old {
        // Evidence is append-only, a new approval round included.
        appended_only(step, old, new, &mut out);
        if !reset {
            scope_after_approval(step, old, new, &mut out);
        }
    }
    out
}

/// A new approval round: an approved or scheduled change sent back to
/// `submitted`, its earlier decisions kept (superseded). Once work has started
/// there is nothing left to re-approve.
pub fn new_round(old: &Record, new: &Record) -> bool {
    matches!(old.status, Status::Approved | Status::Scheduled) && new.status == Status::Submitted
}

fn transition(step: &Step, new: &Record, reset: bool, policy: &Policy, out: &mut Vec<HistoryFinding>) {
    // A record added by the branch starts, in effect, as a draft.
    let from = step.old.map_or(Status::Draft, |o| o.status);
    if new.status == Status::Rejected && from != Status::Rejected {
        rejected_by_vote(step, new, policy, out);
    }
    // Reopening a closed change is a rollback: it comes with the new entry.
    let reopened = from != Status::Closed
        || new.status != Status::RolledBack
        || (new.rollbacks.len() > step.old.map_or(0, |o| o.rollbacks.len())
            && new
                .rollbacks
                .last()
                .is_some_and(|e| e.reopened_from == Some(Status::Closed)));
    if reset || (reopened && lifecycle::allows(from, new.status, new.classification)) {
        return;
    }
    let legal = lifecycle::next_states(from, new.classification);
    out.push(finding(
        step,
        "status",
        Rule::IllegalTransition,
        format!(
            "{} moved {} from `{from}` to `{}`, which the lifecycle forbids",
            who(step),
            new.id,
            new.status
        ),
        format!(
            "from `{from}` the next status is one of: {}; take each step with its own chg command",
            lifecycle::list(&legal)
        ),
    ));
}

/// A CAB member's vote against decides nothing alone: a commit that rejects
/// a change on CAB votes alone must have the count behind it.
fn rejected_by_vote(step: &Step, new: &Record, policy: &Policy, out: &mut Vec<HistoryFinding>) {
    let other = new
        .approvals
        .iter()
        .any(|a| a.decision == Decision::Rejected && a.role != Role::Cab);
    let tally = crate::vote::tally(new, policy);
    if other || tally.decision == Some(Decision::Rejected) || tally.no == 0 {
        return;
    }
    out.push(finding(
        step,
        "status",
        Rule::IllegalTransition,
        format!(
            "{} moved {} to `rejected`, but the CAB vote has not rejected it ({})",
            who(step),
            new.id,
            tally.summary()
        ),
        format!(
            "a vote against counts in the CAB's count and rejects nothing alone: restore the status; `chg show {}` prints the count",
            new.id
        ),
    ));
}

/// `monitoring-owed`: the commit that closes a change while the monitoring
/// after its deployment or rollback is owed (`chg close` refuses it).
fn closed_unmonitored(step: &Step, new: &Record, policy: &Policy, out: &mut Vec<HistoryFinding>) {
    let closing = new.status == Status::Closed && step.old.is_none_or(|o| o.status != Status::Closed);
    let Some(need) = new.monitoring_owed(policy).filter(|_| closing) else {
        return;
    };
    out.push(finding(
        step,
        "status",
        Rule::MonitoringOwed,
        format!(
            "{} closed {} while it owes {} of monitoring after the {}",
            who(step),
            new.id,
            need.period.text(),
            need.after.as_str()
        ),
        format!(
            "record the monitoring first (`chg monitor {} --from … --to … --observed …`), then close it",
            new.id
        ),
    ));
}

fn approvals_added(
    step: &Step,
    new: &Record,
    policy: &Policy,
    signed: Option<SignatureCheck>,
    out: &mut Vec<HistoryFinding>,
) {
    let old_approvals: &[Approval] = step.old.map_or(&[], |o| o.approvals.as_slice());
    let tally = crate::vote::tally(new, policy);
    for (i, approval) in new.approvals.iter().enumerate() {
        if old_approvals.contains(approval) {
            continue;
        }
        if tally.ignored.get(i) == Some(&Some(crate::vote::Ignored::Repeated)) {
            out.push(finding(
                step,
                &format!("approvals[{i}]"),
                Rule::VoteRepeated,
                format!(
                    "{} added a second CAB vote by {} on {}; a vote counts once",
                    who(step),
                    approval.approver,
                    new.id
                ),
                "remove the entry this commit added; another CAB member must vote".into(),
            ));
        }
        // A verbal approval is given on the phone and recorded by the engineer.
        if !approval.method.needs_approvers_commit() {
            continue;
        }
        let key = format!("approvals[{i}]");
        let author_ok = step.commit.author.same_as(&approval.approver);
        let committer_ok = step.commit.committer.same_as(&approval.approver);
        if !author_ok || !committer_ok {
            out.push(finding(
                step,
                &key,
                Rule::ApprovalNotByApprover,
                format!(
                    "an approval by {} was added in a commit authored by {} and committed by {}",
                    approval.approver, step.commit.author, step.commit.committer
                ),
                format!(
                    "the approver runs `chg approve {}` with their own git identity; remove this entry",
                    new.id
                ),
            ));
            continue;
        }
        if let Some(check) = signed {
            if policy.require_signed_approvals && !check(step.commit, approval.approver.email()) {
                let has_key = policy.signing_keys.contains_key(approval.approver.email());
                out.push(finding(
                    step,
                    &key,
                    Rule::ApprovalNotByApprover,
                    format!(
                        "the approval by {} is in a commit without a valid signature by their key",
                        approval.approver
                    ),
                    if has_key {
                        "sign approval commits (`git config commit.gpgsign true` with the key in the policy's `signing_keys`)".into()
                    } else {
                        format!("the policy's `signing_keys` has no key for {}", approval.approver.email())
                    },
                ));
            }
        }
    }
}

/// `verification-not-by-verifier`: a commit that records a rollback's
/// verification results is made (authored and committed) by the person it
/// names last in `verified_by`, as an approval is by its approver.
fn verification_added(step: &Step, new: &Record, out: &mut Vec<HistoryFinding>) {
    for (i, entry) in new.rollbacks.iter().enumerate() {
        let old = step
            .old
            .and_then(|o| o.rollbacks.get(i))
            .and_then(|e| e.validation.as_ref());
        let Some(v) = entry.validation.as_ref().filter(|v| Some(*v) != old) else {
            continue;
        };
        let Some(claimed) = v.verified_by.last() else { continue };
        let (author, committer) = (&step.commit.author, &step.commit.committer);
        if !author.same_as(claimed) || !committer.same_as(claimed) {
            out.push(finding(
                step,
                &format!("rollbacks[{i}].validation"),
                Rule::VerificationNotByVerifier,
                format!(
                    "the verification of rollback {} names {claimed} but was committed by {committer} (author {author})",
                    i + 1
                ),
                format!(
                    "whoever ran the checks records them with `chg review {}` under their own git identity; remove these results",
                    new.id
                ),
            ));
        }
    }
}

/// A window override is the change manager's decision, like an approval:
/// it counts only when committed by the person it names.
fn override_added(step: &Step, new: &Record, out: &mut Vec<HistoryFinding>) {
    let of = |r: &Record| r.implementation.as_ref().and_then(|i| i.window_override.clone());
    let Some(o) = of(new) else { return };
    if step.old.and_then(of).as_ref() == Some(&o) {
        return;
    }
    if !step.commit.author.same_as(&o.by) || !step.commit.committer.same_as(&o.by) {
        out.push(finding(
            step,
            "implementation.window_override",
            Rule::ApprovalNotByApprover,
            format!(
                "a window override by {} was added in a commit authored by {} and committed by {}",
                o.by, step.commit.author, step.commit.committer
            ),
            format!(
                "the change manager runs `chg start {} --override REASON` with their own git identity; remove this override",
                new.id
            ),
        ));
    }
}

fn appended_only(step: &Step, old: &Record, new: &Record, out: &mut Vec<HistoryFinding>) {
    for approval in &old.approvals {
        if !new.approvals.contains(approval) {
            out.push(finding(
                step,
                "approvals",
                Rule::ApprovalRemoved,
                format!(
                    "{} removed or rewrote the {} approval by {} of {}",
                    who(step),
                    approval.role,
                    approval.approver,
                    approval.at.format("%Y-%m-%d %H:%M")
                ),
                "approvals are append-only: restore the entry; a new decision is a new entry".into(),
            ));
        }
    }
    for (i, entry) in old.rollbacks.iter().enumerate() {
        let kept = new.rollbacks.get(i).is_some_and(|n| extends(entry, n));
        if !kept {
            out.push(finding(
                step,
                &format!("rollbacks[{i}]"),
                Rule::ApprovalRemoved,
                format!(
                    "{} removed or rewrote rollback entry {} of {}",
                    who(step),
                    i + 1,
                    old.id
                ),
                "rollback entries are append-only: restore it; only its owed post-rollback actions may be filled in"
                    .into(),
            ));
        }
    }
    if let Some(was) = &old.implementation {
        let now = new.implementation.clone().unwrap_or_default();
        let changed = |a: bool, b: bool| a && !b;
        // `chg rollback` of a finished change records when and how it really ended.
        let rolled_back_now = new.status == Status::RolledBack
            && old.status != Status::RolledBack
            && new.rollbacks.len() > old.rollbacks.len();
        let ending_rewritten = changed(was.finished_at.is_some(), was.finished_at == now.finished_at)
            || changed(was.outcome.is_some(), was.outcome == now.outcome);
        let rewritten = changed(was.started_at.is_some(), was.started_at == now.started_at)
            || (ending_rewritten && !rolled_back_now)
            || !now.issues.starts_with(&was.issues)
            || changed(was.validation.is_some(), was.validation == now.validation);
        if rewritten {
            out.push(finding(
                step,
                "implementation",
                Rule::ApprovalRemoved,
                format!(
                    "{} removed or rewrote the implementation facts of {}",
                    who(step),
                    old.id
                ),
                "implementation facts (start, finish, outcome, validation, issues) are append-only: restore them"
                    .into(),
            ));
        }
    }
    if !new.monitoring.starts_with(&old.monitoring) {
        out.push(finding(
            step,
            "monitoring",
            Rule::ApprovalRemoved,
            format!(
                "{} removed or rewrote the monitoring recorded for {}",
                who(step),
                old.id
            ),
            "monitoring records are append-only: restore them; record a new spell with `chg monitor`".into(),
        ));
    }
    if old.cancellation.is_some() && new.cancellation != old.cancellation {
        out.push(finding(
            step,
            "cancellation",
            Rule::ApprovalRemoved,
            format!("{} removed or rewrote the cancellation of {}", who(step), old.id),
            "a cancellation is final: restore it, and file a new change for new work".into(),
        ));
    }
    let filled_then_changed = |a: &Option<String>, b: &Option<String>| a.is_some() && a != b;
    if let Some(review) = &old.review {
        let newer = new.review.clone().unwrap_or_default();
        if (review.completed_at.is_some() && review.completed_at != newer.completed_at)
            || filled_then_changed(&review.summary, &newer.summary)
            || filled_then_changed(&review.lessons_learned, &newer.lessons_learned)
        {
            out.push(finding(
                step,
                "review",
                Rule::ApprovalRemoved,
                format!("{} removed or rewrote the review of {}", who(step), old.id),
                "a completed review is append-only: restore it, and add what is new as lessons learned".into(),
            ));
        }
    }
}

/// A rollback entry may gain its owed post-rollback actions; nothing else may change.
fn extends(old: &RollbackEntry, new: &RollbackEntry) -> bool {
    let mut settled = new.clone();
    // Verification owed after the rollback may be added later (`chg review`).
    let was = old.validation.clone().unwrap_or_default();
    if settled.validation.as_ref().is_some_and(|v| v.extends(&was)) {
        settled.validation.clone_from(&old.validation);
    }
    let (a, b) = (&old.post_actions, &mut settled.post_actions);
    for (was, now) in [
        (&a.lessons_learned, &mut b.lessons_learned),
        (&a.root_cause, &mut b.root_cause),
        (&a.redeploy_plan, &mut b.redeploy_plan),
    ] {
        if was.is_none() {
            *now = None;
        }
    }
    &settled == old
}

/// `edited-after-approval`: the approved scope (`crate::scope`) changed in a
/// commit after the record held a granted approval, or in the very commit
/// that added one, so the approver cannot have seen it.
fn scope_after_approval(step: &Step, old: &Record, new: &Record, out: &mut Vec<HistoryFinding>) {
    let approved_before = lifecycle::needs_approval(old.status) && old.granted_approvals().next().is_some();
    let approved_now = new.granted_approvals().any(|a| !old.approvals.contains(a));
    if !approved_before && !approved_now {
        return;
    }
    let fields = crate::scope::changed_fields(&old.approved_scope(), &new.approved_scope());
    let Some(first) = fields.first() else { return };
    let when = if approved_before {
        "after it was approved"
    } else {
        "in the same commit that adds an approval"
    };
    out.push(finding(
        step,
        first,
        Rule::EditedAfterApproval,
        format!("{} changed {} of {} {when}", who(step), fields.join(", "), old.id),
        "revert the edit, or send the change back for approval: set `status: submitted` (keep the old approvals) and ask the approvers again"
            .into(),
    ));
}

/// `self-approval` through the requester field: everyone who is a requester
/// of the record decides nothing on it. `requesters` holds the author of the
/// commit that added the record (when the branch added it) and everyone
/// named in `requested_by` in any version the branch saw, so naming a
/// colleague as requester, before or after, does not make one's own change
/// someone else's.
pub fn self_approval(step: &Step, new: &Record, requesters: &[String]) -> Vec<HistoryFinding> {
    let old_approvals: &[Approval] = step.old.map_or(&[], |o| o.approvals.as_slice());
    let mut out = Vec::new();
    for (i, approval) in new.approvals.iter().enumerate() {
        if old_approvals.contains(approval) || approval.decision != crate::record::Decision::Approved {
            continue;
        }
        let email = approval.approver.email();
        if requesters.iter().any(|r| crate::person::emails_match(r, email)) && !new.requested_by.has_email(email) {
            out.push(finding(
                step,
                &format!("approvals[{i}]"),
                Rule::SelfApproval,
                format!(
                    "{} approves {}, which {email} filed or was named to request (now `requested_by: {}`)",
                    approval.approver, new.id, new.requested_by
                ),
                "the requester is whoever filed the change: another person holding the role must approve it".into(),
            ));
        }
    }
    out
}

/// Judges an edit of the policy or a template: only the change manager and
/// CAB may make one, with the same proof as an approval: the commit authored
/// and committed by one person who holds the role, and signed by that
/// person's key where the policy requires signed approvals.
pub fn check_policy_edit(
    commit: &Commit,
    path: &str,
    policy_at_base: &Policy,
    signed: Option<SignatureCheck>,
) -> Option<HistoryFinding> {
    let (author, committer) = (&commit.author, &commit.committer);
    let allowed = [Role::ChangeManager, Role::Cab];
    let holds = |email: &str| allowed.iter().any(|r| policy_at_base.holds(email, *r));
    let problem = if !holds(author.email()) {
        Some(format!("{author} authored it"))
    } else if !committer.same_as(author) {
        Some(format!("it was authored by {author} but committed by {committer}"))
    } else if policy_at_base.require_signed_approvals && !signed.is_some_and(|check| check(commit, author.email())) {
        Some(format!("it carries no valid signature by the key of {author}"))
    } else {
        None
    }?;
    let mut editors: Vec<&str> = Vec::new();
    for role in allowed {
        editors.extend(policy_at_base.members(role).iter().map(String::as_str));
    }
    Some(HistoryFinding::error(
        commit.id,
        path,
        Rule::PolicyEditUnauthorized,
        format!(
            "commit {} changed {path}, but {problem}: only the change manager and CAB may edit the policy and templates, in their own (signed, where required) commits",
            short(commit)
        ),
        format!(
            "ask one of {} to make the edit and commit it themselves{}",
            editors.join(", "),
            if policy_at_base.require_signed_approvals { ", signed" } else { "" }
        ),
    ))
}

/// Judges a commit that writes the store's first policy (the base has
/// none): its author and its committer must both be change managers that
/// this very policy names. Merging that pull request is the team's
/// decision; from then on the policy on the base governs its own edits.
pub fn check_first_policy(commit: &Commit, path: &str, written: Option<&Policy>) -> Option<HistoryFinding> {
    let named = |p: &crate::person::Person| written.is_some_and(|w| w.holds(p.email(), Role::ChangeManager));
    if named(&commit.author) && named(&commit.committer) {
        return None;
    }
    let managers = written
        .map(|w| w.members(Role::ChangeManager).join(", "))
        .unwrap_or_default();
    Some(HistoryFinding::error(
        commit.id,
        path,
        Rule::PolicyEditUnauthorized,
        format!(
            "commit {} (author {}, committer {}) sets up the store's first policy, but a first policy is authorised only when its author and committer are change managers it names{}",
            short(commit),
            commit.author,
            commit.committer,
            if managers.is_empty() { String::new() } else { format!(" ({managers})") }
        ),
        "a change manager named in `roles` runs `chg init` and commits it with their own git identity (docs/first-day.md)".into(),
    ))
}

fn who(step: &Step) -> String {
    format!("commit {} by {}", short(step.commit), step.commit.author)
}

fn short(commit: &Commit) -> String {
    commit.short()
}

fn finding(step: &Step, key: &str, rule: Rule, message: String, hint: String) -> HistoryFinding {
    HistoryFinding {
        key: key.to_string(),
        ..HistoryFinding::error(step.commit.id, step.path, rule, message, hint)
    }
}
