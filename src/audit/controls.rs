//! The auditor's controls, one verdict each per change. Pure: every verdict
//! is read from what the existing rules already found (`chg check`'s rules
//! on the record at the end of the period, the gate's history rules on each
//! commit, the deployment gate's window rules at the start time, the
//! emergency deadlines); nothing here judges a record a second way.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::git::SignatureInfo;
use crate::person::emails_match;
use crate::policy::Policy;
use crate::record::{Classification, Record, Status};
use crate::rule::Rule;
use crate::rules::history::HistoryFinding;
use crate::rules::{self, Verdict as DeadlineVerdict};

/// One control an auditor tests for every change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Control {
    /// The approvals the policy asks for, by people in the right roles, none by a requester.
    Approvals,
    /// Each approval still matches the approved scope (its digest), and nothing was edited after it.
    ApprovalsCurrent,
    /// Approval commits signed by the approver's key, where the policy requires it.
    Signed,
    /// Implemented inside its window and the policy's deployment windows, outside freezes.
    Window,
    /// The testing the class requires is complete.
    Testing,
    /// An emergency's documentation, written approval and review in time.
    EmergencyDeadlines,
    /// The post-implementation review is recorded.
    Review,
}

impl Control {
    pub const ALL: [Control; 7] = [
        Control::Approvals,
        Control::ApprovalsCurrent,
        Control::Signed,
        Control::Window,
        Control::Testing,
        Control::EmergencyDeadlines,
        Control::Review,
    ];

    /// The name in CSV headers and JSON keys.
    pub fn name(self) -> &'static str {
        match self {
            Control::Approvals => "approvals",
            Control::ApprovalsCurrent => "approvals-current",
            Control::Signed => "signed",
            Control::Window => "window",
            Control::Testing => "testing",
            Control::EmergencyDeadlines => "emergency-deadlines",
            Control::Review => "review",
        }
    }

    /// What the control says, for the index page.
    pub fn describe(self) -> &'static str {
        match self {
            Control::Approvals => {
                "approvals complete, by the right roles, committed by the approvers, none by a requester"
            }
            Control::ApprovalsCurrent => "approvals current: digest matches the approved scope, no edit after approval",
            Control::Signed => "approval commits signed by the approver's key (where the policy requires it)",
            Control::Window => "implemented inside its window and the deployment windows, outside any freeze",
            Control::Testing => "testing complete for its class",
            Control::EmergencyDeadlines => {
                "emergency documentation, written approval and review within their deadlines"
            }
            Control::Review => "post-implementation review recorded",
        }
    }
}

/// A control's verdict for one change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Verdict {
    #[serde(rename = "pass")]
    Pass,
    #[serde(rename = "fail")]
    Fail,
    /// A deadline that had not fallen due at the end of the period.
    #[serde(rename = "pending")]
    Pending,
    /// The evidence needed is not there (shallow clone, no key): an exception.
    #[serde(rename = "unverifiable")]
    Unverifiable,
    #[serde(rename = "n/a")]
    NotApplicable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Pending => "pending",
            Verdict::Unverifiable => "unverifiable",
            Verdict::NotApplicable => "n/a",
        }
    }

    /// Failed and unverifiable controls are exceptions: never skipped.
    pub fn is_exception(self) -> bool {
        matches!(self, Verdict::Fail | Verdict::Unverifiable)
    }
}

/// One control's verdict and the findings behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judged {
    pub control: Control,
    pub verdict: Verdict,
    pub reasons: Vec<String>,
}

/// An approval entry and the commit that added it.
#[derive(Debug, Clone, Serialize)]
pub struct ApprovalCommit {
    /// The entry's index in `approvals` at the end of the period.
    pub index: usize,
    pub role: String,
    pub approver: String,
    #[serde(skip)]
    pub approver_email: String,
    pub method: String,
    pub at: DateTime<Utc>,
    pub commit: String,
    pub author: String,
    pub committer: String,
    pub commit_time: DateTime<Utc>,
    /// Whether the policy in force when it was committed required signed approvals.
    pub signing_required: bool,
    /// Whether that policy listed a key for the approver.
    pub key_listed: bool,
    /// git's verdict on the commit's signature; `None` when not asked.
    pub signature: Option<SignatureInfo>,
}

/// The commits that first witnessed an emergency's follow-ups (commit times, not the record's word).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Witnessed {
    pub documented: Option<(String, DateTime<Utc>)>,
    pub written_approval: Option<(String, DateTime<Utc>)>,
    pub post_review: Option<(String, DateTime<Utc>)>,
}

/// Everything the verdicts of one change are read from.
pub struct Evidence<'a> {
    pub record: &'a Record,
    /// `chg check`'s findings on the record at the end of the period.
    pub findings: &'a [Finding],
    /// The gate's history rules, over every commit of the record up to the end of the period.
    pub history: &'a [HistoryFinding],
    pub approvals: &'a [ApprovalCommit],
    pub witnessed: &'a Witnessed,
    /// The policy in force at the end of the period.
    pub policy: &'a Policy,
    /// The end of the period: deadlines not due by then are pending.
    pub judged_at: DateTime<Utc>,
    /// Why the history is incomplete (shallow clone), when it is.
    pub incomplete: Option<&'a str>,
}

/// How a verdict quotes a finding of `chg check` as its reason.
pub(super) fn quote(f: &Finding) -> String {
    format!("{}: {}", f.rule, f.message)
}

/// How a verdict quotes a finding of the history rules, with its commit.
pub(super) fn quote_history(f: &HistoryFinding) -> String {
    format!(
        "{}: {} (commit {})",
        f.rule,
        f.message,
        &f.commit[..f.commit.len().min(10)]
    )
}

fn errors<'a>(findings: &'a [Finding], rules: &'a [Rule]) -> impl Iterator<Item = String> + 'a {
    findings
        .iter()
        .filter(move |f| f.severity == Severity::Error && rules.contains(&f.rule))
        .map(quote)
}

fn history_errors<'a>(history: &'a [HistoryFinding], rules: &'a [Rule]) -> impl Iterator<Item = String> + 'a {
    history
        .iter()
        .filter(move |f| f.severity == Severity::Error && rules.contains(&f.rule))
        .map(quote_history)
}

fn verdict(reasons: Vec<String>, otherwise: Verdict) -> (Verdict, Vec<String>) {
    if reasons.is_empty() {
        (otherwise, reasons)
    } else {
        (Verdict::Fail, reasons)
    }
}

/// Fails on `reasons`; else stays `open` (pending, unverifiable) for
/// `open_reasons`; else passes.
fn fail_or(reasons: Vec<String>, open: Verdict, open_reasons: Vec<String>) -> (Verdict, Vec<String>) {
    if !reasons.is_empty() {
        (Verdict::Fail, reasons)
    } else if !open_reasons.is_empty() {
        (open, open_reasons)
    } else {
        (Verdict::Pass, Vec::new())
    }
}

/// Judges every control for one change.
pub fn judge(e: &Evidence) -> Vec<Judged> {
    Control::ALL
        .iter()
        .map(|&control| {
            let (verdict, reasons) = match control {
                Control::Approvals => approvals(e),
                Control::ApprovalsCurrent => current(e),
                Control::Signed => signed(e),
                Control::Window => window(e),
                Control::Testing => testing(e),
                Control::EmergencyDeadlines => deadlines(e),
                Control::Review => review(e),
            };
            Judged {
                control,
                verdict,
                reasons,
            }
        })
        .collect()
}

/// Whether the change reached a state where approvals were owed.
fn past_approval(r: &Record) -> bool {
    !matches!(
        r.status,
        Status::Draft | Status::Submitted | Status::Rejected | Status::Cancelled
    ) || r.granted_approvals().next().is_some()
}

/// Whether an approval went stale: then the rules also find it missing,
/// which is the currency control's failure, not a second one.
fn stale(e: &Evidence) -> bool {
    e.findings.iter().any(|f| f.rule == Rule::ApprovalStale)
}

fn approvals(e: &Evidence) -> (Verdict, Vec<String>) {
    let rules: &[Rule] = if stale(e) {
        &[Rule::ApproverNotAuthorized, Rule::SelfApproval]
    } else {
        &[Rule::ApprovalMissing, Rule::ApproverNotAuthorized, Rule::SelfApproval]
    };
    let mut reasons: Vec<String> = errors(e.findings, rules).collect();
    reasons.extend(history_errors(
        e.history,
        &[Rule::ApprovalNotByApprover, Rule::ApprovalRemoved, Rule::SelfApproval],
    ));
    if !reasons.is_empty() {
        return (Verdict::Fail, reasons);
    }
    if !past_approval(e.record) {
        return (
            Verdict::NotApplicable,
            vec![format!("not approved (status {})", e.record.status)],
        );
    }
    if let Some(why) = e.incomplete {
        return (
            Verdict::Unverifiable,
            vec![format!("who committed the approvals: {why}")],
        );
    }
    (Verdict::Pass, Vec::new())
}

fn current(e: &Evidence) -> (Verdict, Vec<String>) {
    // What is missing because an approval went stale is this control's
    // failure; missing for any other reason is the approvals control's.
    let rules: &[Rule] = if stale(e) {
        &[Rule::ApprovalStale, Rule::ApprovalMissing]
    } else {
        &[Rule::ApprovalStale]
    };
    let mut reasons: Vec<String> = errors(e.findings, rules).collect();
    reasons.extend(history_errors(e.history, &[Rule::EditedAfterApproval]));
    if reasons.is_empty() && e.record.granted_approvals().next().is_none() {
        return (Verdict::NotApplicable, vec!["no approval".into()]);
    }
    verdict(reasons, Verdict::Pass)
}

fn signed(e: &Evidence) -> (Verdict, Vec<String>) {
    let owed: Vec<&ApprovalCommit> = e.approvals.iter().filter(|a| a.signing_required).collect();
    if owed.is_empty() {
        return (
            Verdict::NotApplicable,
            vec!["the policy did not require signed approvals for its approvals".into()],
        );
    }
    let mut fail = Vec::new();
    let mut unverifiable = Vec::new();
    for a in owed {
        let short = &a.commit[..a.commit.len().min(10)];
        if !a.key_listed {
            unverifiable.push(format!(
                "the policy lists no key for {}, so the signature of {short} cannot be verified",
                a.approver
            ));
            continue;
        }
        match &a.signature {
            None => unverifiable.push(format!("the signature of {short} was not checked")),
            Some(s) if s.status == "G" && emails_match(&s.signer, &a.approver_email) => {}
            Some(s) if s.status == "E" => {
                unverifiable.push(format!("the signature of {short} cannot be checked: {}", s.meaning))
            }
            Some(s) => fail.push(format!(
                "the approval by {} in {short}: {}{}",
                a.approver,
                s.meaning,
                if s.signer.is_empty() {
                    String::new()
                } else {
                    format!(" for {}", s.signer)
                }
            )),
        }
    }
    if !fail.is_empty() {
        fail.append(&mut unverifiable);
    }
    fail_or(fail, Verdict::Unverifiable, unverifiable)
}

fn window(e: &Evidence) -> (Verdict, Vec<String>) {
    let r = e.record;
    let mut reasons: Vec<String> = errors(e.findings, &[Rule::OutsideWindow, Rule::FreezeConflict]).collect();
    let Some(started) = r.started_at() else {
        if reasons.is_empty() {
            return (Verdict::NotApplicable, vec!["not implemented".into()]);
        }
        return (Verdict::Fail, reasons);
    };
    // The deployment gate's own window rules, asked at the moment work started.
    let gate = rules::deploy::judge(r, e.policy, started, &rules::deploy::Evidence::default());
    reasons.extend(
        gate.iter()
            .filter(|g| g.rule.is_waitable())
            .map(|g| format!("at the start {}: {}", started.format("%Y-%m-%d %H:%M UTC"), g.message)),
    );
    if let (Some(w), Some(finished), false) = (
        r.window(),
        r.finished_at(),
        r.classification == Classification::Emergency,
    ) {
        if finished > w.end {
            reasons.push(format!(
                "finished {} after its window closed at {}",
                finished.format("%Y-%m-%d %H:%M UTC"),
                w.end.format("%Y-%m-%d %H:%M UTC")
            ));
        }
    }
    verdict(reasons, Verdict::Pass)
}

fn testing(e: &Evidence) -> (Verdict, Vec<String>) {
    let reasons: Vec<String> = errors(e.findings, &[Rule::TestingIncomplete]).collect();
    if reasons.is_empty() && e.record.status == Status::Draft {
        return (Verdict::NotApplicable, vec!["a draft".into()]);
    }
    verdict(reasons, Verdict::Pass)
}

fn deadlines(e: &Evidence) -> (Verdict, Vec<String>) {
    let r = e.record;
    if r.classification != Classification::Emergency {
        return (Verdict::NotApplicable, vec!["not an emergency".into()]);
    }
    let mut reasons: Vec<String> = errors(
        e.findings,
        &[
            Rule::EmergencyDocumentationOverdue,
            Rule::EmergencyApprovalOverdue,
            Rule::EmergencyReviewOverdue,
            Rule::CabReviewMissing,
        ],
    )
    .collect();
    let Some(d) = rules::emergency_deadlines(r, e.policy) else {
        return verdict(reasons, Verdict::NotApplicable);
    };
    let mut pending = Vec::new();
    let items = [
        ("documentation", d.documentation, &e.witnessed.documented),
        ("written approval", d.written_approval, &e.witnessed.written_approval),
        ("post-emergency review", d.post_review, &e.witnessed.post_review),
    ];
    for (name, deadline, seen) in items {
        let due = deadline.due.format("%Y-%m-%d %H:%M UTC");
        match deadline.verdict(e.judged_at) {
            DeadlineVerdict::Met => {
                // The record's time is the writer's word; the commit is the repository's.
                if let Some((commit, at)) = seen {
                    if *at > deadline.due {
                        reasons.push(format!(
                            "{name} stated in time but first committed {} in {}, due {due}",
                            at.format("%Y-%m-%d %H:%M UTC"),
                            &commit[..commit.len().min(10)]
                        ));
                    }
                }
            }
            DeadlineVerdict::Late => reasons.push(format!("{name} done late, due {due}")),
            DeadlineVerdict::Overdue => reasons.push(format!("{name} not done, due {due}")),
            DeadlineVerdict::Pending => pending.push(format!("{name} due {due}")),
        }
    }
    reasons.sort();
    reasons.dedup();
    fail_or(reasons, Verdict::Pending, pending)
}

fn review(e: &Evidence) -> (Verdict, Vec<String>) {
    let r = e.record;
    let done = r.review.as_ref().is_some_and(|v| v.completed_at.is_some());
    if done {
        return (Verdict::Pass, Vec::new());
    }
    if r.outcome().is_none() {
        return (Verdict::NotApplicable, vec!["not implemented".into()]);
    }
    let closed: Vec<String> = errors(e.findings, &[Rule::IllegalStatus])
        .filter(|m| m.contains("review"))
        .collect();
    if !closed.is_empty() {
        return (Verdict::Fail, closed);
    }
    (
        Verdict::Pending,
        vec![format!(
            "implemented, no post-implementation review yet (status {})",
            r.status
        )],
    )
}
