//! The rules of `chg check` and the gate, as one type: each carries its id
//! (the name findings print, `edited-after-approval`), its default severity
//! and a one-line description. A new rule is one variant here; every match
//! below is exhaustive, so the compiler lists what it needs.

use crate::finding::Severity;
use crate::named::named_enum;

named_enum! {
    /// A rule a finding is reported under.
    pub enum Rule, fn id {
        YamlSyntax => "yaml-syntax",
        Schema => "schema",
        MergeConflict => "merge-conflict",
        StrayFile => "stray-file",
        Symlink => "symlink",
        IdMismatch => "id-mismatch",
        DuplicateId => "duplicate-id",
        RiskClassification => "risk-classification",
        RollbackPlanMissing => "rollback-plan-missing",
        TestingIncomplete => "testing-incomplete",
        ApprovalCriteriaMissing => "approval-criteria-missing",
        ApprovalMissing => "approval-missing",
        ApprovalStale => "approval-stale",
        ApproverNotAuthorized => "approver-not-authorized",
        SelfApproval => "self-approval",
        VoteRepeated => "vote-repeated",
        LookalikeEmail => "lookalike-email",
        InvisibleCharacter => "invisible-character",
        TemplateMissing => "template-missing",
        TemplateMismatch => "template-mismatch",
        EmergencyCriteriaMissing => "emergency-criteria-missing",
        CvssBelowThreshold => "cvss-below-threshold",
        OutcomeIncomplete => "outcome-incomplete",
        RollbackRecordIncomplete => "rollback-record-incomplete",
        IllegalStatus => "illegal-status",
        IllegalTransition => "illegal-transition",
        ImplausibleTime => "implausible-time",
        ApprovalNotByApprover => "approval-not-by-approver",
        EditedAfterApproval => "edited-after-approval",
        ApprovalRemoved => "approval-removed",
        PolicyEditUnauthorized => "policy-edit-unauthorized",
        RecordDeleted => "record-deleted",
        OutsideWindow => "outside-window",
        FreezeConflict => "freeze-conflict",
        ScheduleConflict => "schedule-conflict",
        ApproverUnavailable => "approver-unavailable",
        WorkOutsideWindow => "work-outside-window",
        WeakerStrategy => "weaker-strategy",
        EmergencyDocumentationOverdue => "emergency-documentation-overdue",
        EmergencyApprovalOverdue => "emergency-approval-overdue",
        EmergencyReviewOverdue => "emergency-review-overdue",
        EmergencyJustificationOverdue => "emergency-justification-overdue",
        CabReviewMissing => "cab-review-missing",
        RtoExceeded => "rto-exceeded",
        PostRollbackActionsMissing => "post-rollback-actions-missing",
        RollbackTestStale => "rollback-test-stale",
        RollbackVerificationIncomplete => "rollback-verification-incomplete",
        RollbackAssessmentMissing => "rollback-assessment-missing",
        VerificationNotByVerifier => "verification-not-by-verifier",
        RehearsalNotByItsAuthor => "rehearsal-not-by-its-author",
        MonitoringOwed => "monitoring-owed",
        SealedRecordChanged => "sealed-record-changed",
    }
}

impl Rule {
    /// Returns the rule with this id.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.iter().copied().find(|r| r.id() == id)
    }

    /// Returns the severity the rule reports at unless a case says otherwise
    /// (`testing-incomplete` is a warning while submitted, `outside-window`
    /// a warning for a standard change).
    pub fn severity(self) -> Severity {
        match self {
            Rule::LookalikeEmail
            | Rule::ScheduleConflict
            | Rule::ApproverUnavailable
            | Rule::RtoExceeded
            | Rule::PostRollbackActionsMissing
            | Rule::RollbackTestStale
            | Rule::RollbackVerificationIncomplete
            | Rule::RollbackAssessmentMissing
            | Rule::WeakerStrategy
            | Rule::MonitoringOwed => Severity::Warning,
            Rule::YamlSyntax
            | Rule::InvisibleCharacter
            | Rule::Schema
            | Rule::MergeConflict
            | Rule::StrayFile
            | Rule::Symlink
            | Rule::IdMismatch
            | Rule::DuplicateId
            | Rule::RiskClassification
            | Rule::RollbackPlanMissing
            | Rule::TestingIncomplete
            | Rule::ApprovalCriteriaMissing
            | Rule::ApprovalMissing
            | Rule::ApprovalStale
            | Rule::ApproverNotAuthorized
            | Rule::SelfApproval
            | Rule::VoteRepeated
            | Rule::TemplateMissing
            | Rule::TemplateMismatch
            | Rule::EmergencyCriteriaMissing
            | Rule::CvssBelowThreshold
            | Rule::OutcomeIncomplete
            | Rule::RollbackRecordIncomplete
            | Rule::IllegalStatus
            | Rule::IllegalTransition
            | Rule::ImplausibleTime
            | Rule::ApprovalNotByApprover
            | Rule::VerificationNotByVerifier
            | Rule::RehearsalNotByItsAuthor
            | Rule::EditedAfterApproval
            | Rule::ApprovalRemoved
            | Rule::PolicyEditUnauthorized
            | Rule::RecordDeleted
            | Rule::OutsideWindow
            | Rule::FreezeConflict
            | Rule::WorkOutsideWindow
            | Rule::EmergencyDocumentationOverdue
            | Rule::EmergencyApprovalOverdue
            | Rule::EmergencyReviewOverdue
            | Rule::EmergencyJustificationOverdue
            | Rule::CabReviewMissing
            | Rule::SealedRecordChanged => Severity::Error,
        }
    }

    /// Returns what the rule catches, in one line.
    pub fn description(self) -> &'static str {
        match self {
            Rule::YamlSyntax => "the file is not usable YAML (syntax, tabs, depth, aliases, encoding, size)",
            Rule::Schema => "the YAML does not have the shape of a record, template or policy",
            Rule::MergeConflict => "merge-conflict markers left in a file",
            Rule::StrayFile => "a YAML file in the store that is not the policy, a template or a record",
            Rule::Symlink => "a symbolic link in the store, which chg never follows",
            Rule::IdMismatch => "the id is not the file name, or the file is in another year's folder",
            Rule::DuplicateId => "two records with one id",
            Rule::RiskClassification => "classed lower than the risk matrix allows",
            Rule::RollbackPlanMissing => "past draft without the rollback plan its class needs",
            Rule::TestingIncomplete => "tests the class requires are not passed",
            Rule::ApprovalCriteriaMissing => {
                "a normal or major change submitted, approved or scheduled without its description or business justification (reason and benefit)"
            }
            Rule::ApprovalMissing => "approved or later without the approvals its class needs",
            Rule::ApprovalStale => "an approval whose scope digest no longer matches the record",
            Rule::ApproverNotAuthorized => "an approver not listed for the role in the policy",
            Rule::SelfApproval => "the requester approving their own change",
            Rule::VoteRepeated => "a CAB member voting more than once on a change",
            Rule::LookalikeEmail => "an email with characters that look like others",
            Rule::InvisibleCharacter => "a name or email of a person holding an invisible or format character",
            Rule::TemplateMissing => "a standard change naming no template, or an unknown one",
            Rule::TemplateMismatch => "a standard change that departs from its template",
            Rule::EmergencyCriteriaMissing => "an emergency change naming no emergency criterion",
            Rule::CvssBelowThreshold => "a critical vulnerability with a CVSS score under the threshold",
            Rule::OutcomeIncomplete => "completed or failed without times, outcome and validation",
            Rule::RollbackRecordIncomplete => "rolled back without a complete rollback entry",
            Rule::IllegalStatus => "a status the record's content cannot reach",
            Rule::IllegalTransition => "a status change the lifecycle forbids, judged per commit",
            Rule::ImplausibleTime => "a time or commit date that cannot be true",
            Rule::ApprovalNotByApprover => "an approval committed by someone other than the approver",
            Rule::EditedAfterApproval => "the approved scope changed after approval",
            Rule::ApprovalRemoved => "an approval, rollback or review deleted or rewritten",
            Rule::PolicyEditUnauthorized => "the policy or a template changed by someone not allowed to",
            Rule::RecordDeleted => "a committed record deleted",
            Rule::OutsideWindow => "a window outside every deployment window",
            Rule::FreezeConflict => "a window in a freeze that does not allow the change",
            Rule::ScheduleConflict => "two windows overlap on a shared system",
            Rule::ApproverUnavailable => "the requester or an approver is away during the window",
            Rule::WeakerStrategy => "a major or database change planned with another strategy than the policy's (blue-green)",
            Rule::WorkOutsideWindow => {
                "work started outside its scheduled window, the deployment windows or in a freeze, without a change manager's override"
            }
            Rule::EmergencyDocumentationOverdue => "an emergency change documented late",
            Rule::EmergencyApprovalOverdue => "an emergency change approved in writing late",
            Rule::EmergencyReviewOverdue => "an emergency change reviewed late",
            Rule::EmergencyJustificationOverdue => {
                "an emergency change without its description and business justification a day after implementation"
            }
            Rule::CabReviewMissing => "an emergency change not reviewed at the next CAB meeting",
            Rule::RtoExceeded => "a rollback took longer than the RTO of its kind",
            Rule::PostRollbackActionsMissing => "the actions owed after a rollback are missing",
            Rule::RollbackVerificationIncomplete => {
                "a rollback without smoke tests, error rates, customer access (planned: full suite, performance, security) or a not-run reason"
            }
            Rule::RollbackAssessmentMissing => {
                "an immediate rollback without severity or estimate, or an automatic trigger without its measure"
            }
            Rule::VerificationNotByVerifier => "a rollback's verification committed by someone other than who it names",
            Rule::RollbackTestStale => "a rollback not rehearsed within a quarter: a warning while the change is to run, an error once a major change or database migration is approved without one",
            Rule::RehearsalNotByItsAuthor => "a rollback rehearsal committed by someone other than the person it names",
            Rule::MonitoringOwed => "deployed or rolled back without the monitoring the policy asks recorded",
            Rule::SealedRecordChanged => "a record of a sealed period changed or removed after the seal (`chg seal`)",
        }
    }

    /// True for the rules that judge deadlines; `chg submit` does not refuse
    /// for them, since documenting late must still be possible.
    pub fn is_deadline(self) -> bool {
        matches!(
            self,
            Rule::EmergencyDocumentationOverdue
                | Rule::EmergencyApprovalOverdue
                | Rule::EmergencyReviewOverdue
                | Rule::EmergencyJustificationOverdue
                | Rule::CabReviewMissing
        )
    }
}

#[cfg(test)]
mod tests {
    use super::Rule;

    #[test]
    fn every_rule_is_listed_once_in_all_and_found_by_its_id() {
        let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(*rule));
            assert!(!rule.description().is_empty());
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), Rule::ALL.len(), "an id is used twice");
    }
}
