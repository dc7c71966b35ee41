//! Freezes: which changes a freeze still lets through, and the CAB approval
//! that opens one.

use crate::policy::{Freeze, FreezeAllowance, Policy};
use crate::record::{Classification, Decision, Record, Role};

/// Returns true when the freeze lets this change through: its class is
/// allowed, or the freeze allows `cab-approved` changes and the CAB approved it.
pub fn freeze_allows(freeze: &Freeze, record: &Record, policy: &Policy) -> bool {
    let class = match record.classification {
        Classification::Standard => FreezeAllowance::Standard,
        Classification::Normal => FreezeAllowance::Normal,
        Classification::Major => FreezeAllowance::Major,
        Classification::Emergency => FreezeAllowance::Emergency,
    };
    freeze.allow.contains(&class)
        || (freeze.allow.contains(&FreezeAllowance::CabApproved) && cab_approved(record, policy))
}

/// Returns how many CAB members make a CAB approval: the `cab` count of the
/// major class's approval rule (3 by default), or 1 when no rule names it.
pub fn cab_quorum(policy: &Policy) -> u32 {
    policy
        .approvals
        .major
        .iter()
        .filter(|g| g.role == Some(Role::Cab))
        .map(|g| g.count.unwrap_or(1))
        .min()
        .unwrap_or(1)
        .max(1)
}

/// Returns true when the CAB approved the change: its vote (`crate::vote`)
/// reached the quorum and decided for it.
pub fn cab_approved(record: &Record, policy: &Policy) -> bool {
    crate::vote::tally(record, policy).decision == Some(Decision::Approved)
}

/// Describes what a freeze allows: `emergency changes`, `emergency or CAB-approved changes`.
pub fn describe_allow(allow: &[FreezeAllowance]) -> String {
    if allow.is_empty() {
        return "no changes".into();
    }
    let names: Vec<&str> = allow
        .iter()
        .map(|a| match a {
            FreezeAllowance::CabApproved => "CAB-approved",
            other => other.as_str(),
        })
        .collect();
    format!("{} changes", names.join(" or "))
}
