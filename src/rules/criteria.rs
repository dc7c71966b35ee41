//! `approval-criteria-missing` and `emergency-justification-overdue`: the
//! approval criteria (a description and the business justification, reason
//! and benefit; [`crate::record::Record::missing_criteria`]) a change states
//! before it is decided. `chg submit` refuses a normal or major change
//! without them; `check` catches one that reached submitted, approved or
//! scheduled another way (a hand edit, a plain `git commit`). An emergency
//! may state them after the fact, by its documentation deadline (24 h after
//! implementation by default), judged like the other emergency deadlines.

use super::Context;
use crate::finding::Finding;
use crate::record::{Classification, Status};
use crate::rule::Rule;
use crate::store::Loaded;

/// Checks a normal or major change waiting for or past its decision, and an
/// implemented emergency change past its documentation deadline.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let missing = record.missing_criteria();
    if missing.is_empty() {
        return Vec::new();
    }
    let id = &record.id;
    let (rule, message, hint) = match record.classification {
        // Judged until the change runs, so a closed change's history stays as it was.
        Classification::Normal | Classification::Major
            if matches!(record.status, Status::Submitted | Status::Approved | Status::Scheduled) =>
        {
            (
                Rule::ApprovalCriteriaMissing,
                format!(
                    "{} change is {} without {}, which it needs before approval",
                    record.classification.with_article(),
                    record.status,
                    missing.join(", ")
                ),
                format!(
                    "add them with `chg edit {id}` (`description: …`, `justification: {{business_reason: …, expected_benefit: …}}`); the approvers then decide on the complete change"
                ),
            )
        }
        Classification::Emergency => {
            let times = ctx.times.get(&record.id).map_or(&[][..], Vec::as_slice);
            let Some(owed) = super::emergency_deadlines_judged(record, ctx.policy, times) else {
                return Vec::new();
            };
            let due = owed.documentation.due;
            if ctx.now <= due {
                return Vec::new();
            }
            (
                Rule::EmergencyJustificationOverdue,
                format!(
                    "an emergency change owes {} within {} of implementation (due {}); it is overdue",
                    missing.join(", "),
                    ctx.policy.emergency_deadlines.documentation.text(),
                    due.format("%Y-%m-%d %H:%M UTC")
                ),
                format!("add them with `chg edit {id}`, then `chg submit {id}`"),
            )
        }
        _ => return Vec::new(),
    };
    let key = if missing[0].starts_with("a description") {
        "description"
    } else {
        "justification"
    };
    // A key left out altogether: the status line, where the record claims more than it states.
    let at = loaded
        .positions
        .get(key)
        .unwrap_or_else(|| loaded.positions.of("status"));
    vec![Finding::error(&loaded.file, at, rule, message, hint)]
}
