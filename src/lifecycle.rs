//! The lifecycle: which status may follow which.

use crate::record::{Classification, Status};

/// Returns the statuses a change may move to from `from`, for its class.
pub fn next_states(from: Status, class: Classification) -> Vec<Status> {
    use Status::*;
    let mut next = match from {
        Draft => vec![Submitted, Cancelled],
        Submitted => vec![Approved, Rejected, Cancelled],
        Approved => vec![Scheduled, Cancelled],
        Scheduled => vec![InProgress, Cancelled],
        InProgress => vec![Completed, Failed, RolledBack],
        Completed => vec![RolledBack, Closed],
        Failed => vec![RolledBack, Closed],
        RolledBack => vec![Closed],
        Rejected | Cancelled | Closed => vec![],
    };
    // A standard change from the catalogue is approved on submission.
    if class == Classification::Standard && from == Draft {
        next.insert(1, Approved);
    }
    // An emergency may start once its verbal approvals are recorded.
    if class == Classification::Emergency && matches!(from, Draft | Submitted | Approved) {
        next.push(InProgress);
    }
    next
}

/// Returns true when the lifecycle allows `from` → `to` (staying put is allowed).
pub fn allows(from: Status, to: Status, class: Classification) -> bool {
    from == to || next_states(from, class).contains(&to)
}

/// Returns true when `to` can follow `from` by legal moves, one or several:
/// a skipped step goes forward, a move back or out of a final status does not.
pub fn reachable(from: Status, to: Status, class: Classification) -> bool {
    let mut seen = vec![from];
    let mut next = 0;
    while let Some(&at) = seen.get(next) {
        if at == to {
            return true;
        }
        for s in next_states(at, class) {
            if !seen.contains(&s) {
                seen.push(s);
            }
        }
        next += 1;
    }
    false
}

/// Returns true for statuses that a change reaches only after its approvals.
pub fn needs_approval(status: Status) -> bool {
    use Status::*;
    matches!(
        status,
        Approved | Scheduled | InProgress | Completed | Failed | RolledBack | Closed
    )
}

/// Returns true once implementation has started.
pub fn implemented(status: Status) -> bool {
    use Status::*;
    matches!(status, InProgress | Completed | Failed | RolledBack | Closed)
}

/// Lists statuses for a message: `submitted, cancelled`.
pub fn list(states: &[Status]) -> String {
    if states.is_empty() {
        return "none (it is final)".into();
    }
    states.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draft_cannot_jump_to_completed() {
        assert!(!allows(Status::Draft, Status::Completed, Classification::Normal));
        assert!(allows(Status::Draft, Status::Submitted, Classification::Normal));
    }

    #[test]
    fn a_skip_forward_is_reachable_a_way_back_is_not() {
        assert!(reachable(Status::Submitted, Status::Scheduled, Classification::Normal));
        assert!(!reachable(Status::Rejected, Status::Submitted, Classification::Normal));
        assert!(!reachable(Status::Completed, Status::Scheduled, Classification::Normal));
    }

    #[test]
    fn emergencies_may_start_from_draft() {
        assert!(allows(Status::Draft, Status::InProgress, Classification::Emergency));
        assert!(!allows(Status::Draft, Status::InProgress, Classification::Normal));
    }
}
