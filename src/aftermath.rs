//! What a change owes once its implementation has ended, before it may be
//! closed: the review, the monitoring, a rollback's post-actions and
//! verification, and an emergency's aftermath (guide, section 8.2).
//! `Record::close` refuses while anything is owed; `chg review`, `chg
//! status` and the reports say what is.

use crate::policy::Policy;
use crate::record::{CabReview, Classification, Record, Status};
use crate::rules::written_approval_status;

impl Record {
    /// Lists what a change still owes before it may be closed; an emergency
    /// owes everything the guide asks afterwards (section 8.2): the complete
    /// documentation, the written approvals, the post-emergency review with
    /// root cause and preventive measures, and the CAB presentation with its
    /// feedback.
    pub fn owed_before_close(&self, policy: &Policy) -> Vec<String> {
        let mut owed = Vec::new();
        if let Some(need) = self.monitoring_owed(policy) {
            owed.push(format!(
                "the monitoring after the {} ({}, `chg monitor`)",
                need.after.as_str(),
                need.period.text()
            ));
        }
        let review = self.review.clone().unwrap_or_default();
        if review.completed_at.is_none() || review.summary.is_none() {
            owed.push("the post-implementation review (`--summary`)".to_string());
        }
        if self.status == Status::RolledBack {
            if let Some(entry) = self.rollbacks.last() {
                let p = &entry.post_actions;
                for (missing, flag) in [
                    (p.lessons_learned.is_none(), "--lessons-learned"),
                    (p.root_cause.is_none(), "--root-cause"),
                    (p.redeploy_plan.is_none(), "--redeploy-plan"),
                ] {
                    if missing {
                        owed.push(format!("the post-rollback `{flag}`"));
                    }
                }
            }
        }
        for (i, entry) in self.rollbacks.iter().enumerate() {
            let lacks = entry.verification_owed();
            if entry.restored_at.is_some() && !lacks.is_empty() {
                owed.push(format!("the verification of rollback {}: {}", i + 1, lacks.join(", ")));
            }
        }
        if self.classification == Classification::Emergency {
            owed.extend(self.emergency_owed(policy));
        }
        owed
    }

    /// What an emergency's documentation lacks of what the guide calls
    /// complete (section 8.2, "within 24 hours"): the approval criteria
    /// (description, business reason and expected benefit), the systems,
    /// the testing done, the results and the rollback plan; each named with
    /// the key that holds it.
    pub fn emergency_documentation_lacks(&self) -> Vec<String> {
        let filled = |t: Option<&String>| t.is_some_and(|t| !t.trim().is_empty());
        // The approval criteria first: one definition for submit, `check` and here.
        let mut lacks = self.missing_criteria();
        if self.systems.is_empty() {
            lacks.push("the systems affected (`systems`)");
        }
        if self.testing.is_empty() {
            lacks.push("the testing done (`testing`)");
        }
        let results = self
            .implementation
            .as_ref()
            .is_some_and(|i| i.validation.as_ref().is_some_and(|v| !v.is_empty()));
        if !results {
            lacks.push("the results (`implementation.validation`)");
        }
        let plan = self.rollback.as_ref();
        if !filled(plan.and_then(|p| p.plan.as_ref())) || plan.and_then(|p| p.kind).is_none() {
            lacks.push("the rollback plan and kind (`rollback.plan`, `rollback.kind`)");
        }
        lacks.into_iter().map(String::from).collect()
    }

    /// What an emergency still owes of the guide's aftermath.
    fn emergency_owed(&self, policy: &Policy) -> Vec<String> {
        let mut owed = Vec::new();
        let emergency = self.emergency.clone().unwrap_or_default();
        if emergency.documented_at.is_none() || !self.emergency_documentation_lacks().is_empty() {
            owed.push(format!("the emergency documentation (`chg submit {}`)", self.id));
        }
        let written = written_approval_status(self, policy);
        if !written.satisfied {
            let stale: String = crate::rules::emergency::stale_written_names(self)
                .iter()
                .map(|s| format!("; {s} is stale"))
                .collect();
            owed.push(format!(
                "the written approvals ({}: `chg approve {}`{stale})",
                written.missing.join(", or "),
                self.id
            ));
        }
        let post = emergency.post_review.unwrap_or_default();
        let filled = |t: &Option<String>| t.as_deref().is_some_and(|t| !t.trim().is_empty());
        if post.completed_at.is_none()
            || !filled(&post.root_cause)
            || post.preventive_measures.as_ref().is_none_or(|m| m.is_empty())
        {
            owed.push("the post-emergency review (`--root-cause`, `--preventive-measures`)".to_string());
        }
        match emergency.cab_review {
            Some(CabReview {
                date: Some(_),
                feedback,
            }) if filled(&feedback) => {}
            Some(CabReview { date: Some(_), .. }) => owed.push(format!(
                "the CAB's feedback (`chg review {} --cab --feedback …`)",
                self.id
            )),
            _ => owed.push("the CAB presentation (`--cab --date`)".to_string()),
        }
        owed
    }

    /// Lists what the change owes now: what it needs before it may close,
    /// once its implementation has ended (nothing before, nothing once closed).
    pub fn owed(&self, policy: &Policy) -> Vec<String> {
        if matches!(self.status, Status::Completed | Status::Failed | Status::RolledBack) {
            self.owed_before_close(policy)
        } else {
            Vec::new()
        }
    }
}
