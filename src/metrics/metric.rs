//! The figures chg computes, as one type: each carries its name (the key
//! of `--format json`), its label for a reader, its unit, its goal and the
//! advice a miss calls for. A new figure is one variant here plus its
//! computation in `metrics::compute`; every match is exhaustive, so the
//! compiler lists each place that must handle it.

use super::figure::{guide_goal, Goal};
use crate::named::named_enum;
use crate::policy::{Policy, TargetName};
use crate::rule::Rule;

named_enum! {
    /// One figure of the metrics, with the table it is shown in and what its
    /// value counts.
    pub enum Metric, fn name, fn spec -> (Table, Unit) {
        TotalChanges => "total_changes" (Table::Guide, Unit::Count),
        EmergencyRate => "emergency_rate" (Table::Guide, Unit::Rate),
        SuccessRate => "success_rate" (Table::Guide, Unit::Rate),
        RollbackRate => "rollback_rate" (Table::Guide, Unit::Rate),
        IssueRate => "issue_rate" (Table::Guide, Unit::Rate),
        AverageChangeTime => "average_change_time_minutes" (Table::Guide, Unit::Minutes),
        EmergencyDocumentedInTime => "emergency_documented_in_time" (Table::History, Unit::Share),
        EmergencyWrittenApprovalInTime => "emergency_written_approval_in_time" (Table::History, Unit::Share),
        EmergencyPostReviewInTime => "emergency_post_review_in_time" (Table::History, Unit::Share),
        ApprovalsBeforeImplementation => "approvals_before_implementation" (Table::History, Unit::Share),
        EditedAfterApproval => "edited_after_approval" (Table::History, Unit::Rate),
        ApprovalsByOthers => "approvals_by_others" (Table::History, Unit::Rate),
        RollbacksWithinRto => "rollbacks_within_rto" (Table::History, Unit::Share),
        MeanLeadTime => "mean_lead_time_minutes" (Table::History, Unit::Minutes),
        MeanTimeToRestore => "mean_time_to_restore_minutes" (Table::History, Unit::Minutes),
        EmergencyTimeToResolution => "emergency_time_to_resolution_minutes" (Table::History, Unit::Minutes),
        RollbackTestsOnTime => "rollback_tests_on_time" (Table::Quarterly, Unit::Share),
    }
}

/// Which table a figure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Table {
    /// The guide's monthly table (section 9.3).
    Guide,
    /// The figures only the history can judge.
    History,
    /// Judged by the quarterly report from whole records.
    Quarterly,
}

/// What a figure's value counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A number of changes.
    Count,
    /// A fraction 0–1 of the changes counted.
    Rate,
    /// A fraction 0–1 of the cases that could be judged, whose target is all
    /// of them: written with the cases, `80.0 % (4 of 5)`.
    Share,
    /// A time in minutes.
    Minutes,
}

impl Metric {
    /// Returns the table the figure is shown in.
    pub fn table(self) -> Table {
        self.spec().0
    }

    /// Returns the figures of one table, in the order it prints them.
    pub fn of_table(table: Table) -> Vec<Metric> {
        Metric::ALL.iter().copied().filter(|m| m.table() == table).collect()
    }

    /// Returns what the value counts.
    pub fn unit(self) -> Unit {
        self.spec().1
    }

    /// True when a higher value is better; otherwise a lower one is (or,
    /// without a target, neither).
    pub fn higher_is_better(self) -> bool {
        self == Metric::SuccessRate || self.unit() == Unit::Share
    }

    /// Returns how the figure is judged under the policy.
    pub(crate) fn goal(self, policy: &Policy) -> Goal {
        let t = &policy.targets;
        match self {
            Metric::EmergencyRate => guide_goal(policy, TargetName::EmergencyRate, t.emergency_rate),
            Metric::SuccessRate => guide_goal(policy, TargetName::SuccessRate, t.success_rate),
            Metric::RollbackRate => guide_goal(policy, TargetName::RollbackRate, t.rollback_rate),
            Metric::IssueRate => guide_goal(policy, TargetName::IssueRate, t.issue_rate),
            Metric::AverageChangeTime => guide_goal(
                policy,
                TargetName::AverageChangeTime,
                crate::duration::in_minutes(t.average_change_time.duration()),
            ),
            Metric::EmergencyDocumentedInTime
            | Metric::EmergencyWrittenApprovalInTime
            | Metric::EmergencyPostReviewInTime
            | Metric::ApprovalsBeforeImplementation
            | Metric::RollbacksWithinRto
            | Metric::RollbackTestsOnTime => Goal::AtLeast(1.0),
            Metric::EditedAfterApproval | Metric::ApprovalsByOthers => Goal::AtMost(0.0),
            Metric::TotalChanges
            | Metric::MeanLeadTime
            | Metric::MeanTimeToRestore
            | Metric::EmergencyTimeToResolution => Goal::None,
        }
    }

    /// Names the figure for a reader, in the words of the guide.
    pub fn label(self, policy: &Policy) -> String {
        let d = &policy.emergency_deadlines;
        let span = crate::policy::Span::text;
        match self {
            Metric::TotalChanges => "Total changes".into(),
            Metric::EmergencyRate => "Emergency changes".into(),
            Metric::SuccessRate => "Successful changes".into(),
            Metric::RollbackRate => "Rollback rate".into(),
            Metric::IssueRate => "Changes with issues".into(),
            Metric::AverageChangeTime => "Average change time".into(),
            Metric::EmergencyDocumentedInTime => {
                format!("Emergency changes documented within {}", span(d.documentation))
            }
            Metric::EmergencyWrittenApprovalInTime => format!("Written approvals within {}", span(d.written_approval)),
            Metric::EmergencyPostReviewInTime => format!("Post-emergency reviews within {}", span(d.post_review)),
            Metric::ApprovalsBeforeImplementation => "Approvals committed before implementation".into(),
            Metric::EditedAfterApproval => "Records edited after approval".into(),
            Metric::ApprovalsByOthers => "Approvals committed by someone else".into(),
            Metric::RollbacksWithinRto => "Rollbacks within their RTO".into(),
            Metric::MeanLeadTime => "Mean lead time (first commit → completed)".into(),
            Metric::MeanTimeToRestore => "Mean time to restore".into(),
            Metric::EmergencyTimeToResolution => "Median time to resolution of emergencies".into(),
            Metric::RollbackTestsOnTime => "Rollback procedures tested within a quarter before the change".into(),
        }
    }

    /// Returns the rule of `chg check` a record counting against the figure's
    /// target broke, for the figures judged record by record: the quarterly
    /// report's training needs count them with the findings of `chg check`.
    pub fn rule(self) -> Option<Rule> {
        match self {
            Metric::EmergencyDocumentedInTime => Some(Rule::EmergencyDocumentationOverdue),
            Metric::EmergencyWrittenApprovalInTime => Some(Rule::EmergencyApprovalOverdue),
            Metric::EmergencyPostReviewInTime => Some(Rule::EmergencyReviewOverdue),
            // Implemented before the approval was committed: without the approval it needed.
            Metric::ApprovalsBeforeImplementation => Some(Rule::ApprovalMissing),
            Metric::EditedAfterApproval => Some(Rule::EditedAfterApproval),
            Metric::ApprovalsByOthers => Some(Rule::ApprovalNotByApprover),
            Metric::RollbacksWithinRto => Some(Rule::RtoExceeded),
            Metric::RollbackTestsOnTime => Some(Rule::RollbackTestStale),
            Metric::TotalChanges
            | Metric::EmergencyRate
            | Metric::SuccessRate
            | Metric::RollbackRate
            | Metric::IssueRate
            | Metric::AverageChangeTime
            | Metric::MeanLeadTime
            | Metric::MeanTimeToRestore
            | Metric::EmergencyTimeToResolution => None,
        }
    }

    /// Returns what to do when the figure misses its target; recommendations
    /// print in the order of `ALL`.
    pub fn advice(self) -> Option<&'static str> {
        match self {
            Metric::EmergencyRate => Some("Plan more work as normal changes: review why each emergency could not wait for the next window, and fix the recurring causes."),
            Metric::SuccessRate => Some("Strengthen pre-deployment testing and the approval criteria for the classes that failed."),
            Metric::RollbackRate => Some("Use canary or blue-green rollouts with automatic rollback triggers, and test rollback procedures quarterly."),
            Metric::IssueRate => Some("Feed the issues met into the test plans and runbooks of the affected systems."),
            Metric::AverageChangeTime => Some("Split long changes into smaller ones and automate their manual steps."),
            Metric::EmergencyDocumentedInTime => Some("Complete emergency documentation within 24 h; put it on the incident checklist."),
            Metric::EmergencyWrittenApprovalInTime => Some("Ask the CISO and CTO to confirm verbal approvals in writing within 24 h."),
            Metric::EmergencyPostReviewInTime => Some("Hold post-emergency reviews within 5 days."),
            Metric::ApprovalsBeforeImplementation => Some("No implementation before the approval is committed."),
            Metric::RollbacksWithinRto => Some("Rehearse the rollbacks that overran their RTO, and reclassify their rollback kind if needed."),
            Metric::TotalChanges
            | Metric::EditedAfterApproval
            | Metric::ApprovalsByOthers
            | Metric::MeanLeadTime
            | Metric::MeanTimeToRestore
            | Metric::EmergencyTimeToResolution
            | Metric::RollbackTestsOnTime => None,
        }
    }
}

/// Figures sort by name, so a map of them prints its keys in the order
/// `--format json` always had.
impl Ord for Metric {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}

impl PartialOrd for Metric {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::Metric;

    #[test]
    fn every_metric_has_a_distinct_name_and_a_label() {
        let policy = crate::policy::Policy::default();
        let mut names: Vec<&str> = Metric::ALL.iter().map(|m| m.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Metric::ALL.len());
        for m in Metric::ALL {
            assert!(!m.label(&policy).is_empty());
        }
    }
}
