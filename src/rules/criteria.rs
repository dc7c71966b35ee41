//! `emergency-justification-overdue`: the approval criteria an emergency
//! change may state after the fact (a description and the business
//! justification, reason and benefit) are owed by the documentation deadline
//! (24 h after implementation by default), judged like the other emergency
//! deadlines. Normal and major changes state them before `chg submit`,
//! which refuses them otherwise.

use super::Context;
use crate::finding::Finding;
use crate::rule::Rule;
use crate::store::Loaded;

/// Checks an implemented emergency change past its documentation deadline.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let times = ctx.times.get(&record.id).map_or(&[][..], Vec::as_slice);
    let Some(owed) = super::emergency_deadlines_judged(record, ctx.policy, times) else {
        return Vec::new();
    };
    let due = owed.documentation.due;
    let missing = record.missing_criteria();
    if missing.is_empty() || ctx.now <= due {
        return Vec::new();
    }
    let key = if missing[0].starts_with("a description") {
        "description"
    } else {
        "justification"
    };
    vec![super::finding(
        loaded,
        key,
        Rule::EmergencyJustificationOverdue,
        format!(
            "an emergency change owes {} within {} of implementation (due {}); it is overdue",
            missing.join(", "),
            ctx.policy.emergency_deadlines.documentation.text(),
            due.format("%Y-%m-%d %H:%M UTC")
        ),
        format!(
            "add them with `chg edit {}`, then `chg submit {}`",
            record.id, record.id
        ),
    )]
}
