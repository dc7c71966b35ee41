//! CAB votes: each approval entry in the role `cab` is a member's vote, for
//! (`approved`) or against (`rejected`). Once the quorum of members has
//! voted, the majority of those who voted decides; the chair breaks a tie.
//! Pure: the record and the policy in, the count out. `approval_status`,
//! `chg approve`/`chg reject`, `chg show` and the weekly report all read it.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::policy::Policy;
use crate::record::{Decision, Method, Record, Role};

/// The count of a record's CAB votes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// How many members must vote before the vote decides (the `cab` count of the major rule).
    pub quorum: u32,
    /// How many members the policy lists for `cab`.
    pub members: usize,
    /// The chair's email, who breaks a tie.
    pub chair: Option<String>,
    #[serde(rename = "for")]
    pub yes: u32,
    #[serde(rename = "against")]
    pub no: u32,
    /// How the chair voted, if they did (a vote that counts).
    pub chair_vote: Option<Decision>,
    /// The CAB's decision, once the quorum is reached and a majority (or the chair) decides.
    pub decision: Option<Decision>,
    /// For each approval entry: why it does not count as a vote (`None`: it
    /// counts, or it is no CAB vote).
    #[serde(skip)]
    pub ignored: Vec<Option<Ignored>>,
}

/// Why a CAB entry does not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ignored {
    /// Cast on a version of the record it no longer has (stale digest, or an earlier round).
    EarlierVersion,
    NotWritten,
    NotMember,
    Requester,
    /// The member had voted already in this round; their first vote counts.
    Repeated,
}

impl Ignored {
    /// Says why, for `chg show`.
    pub fn text(self) -> &'static str {
        match self {
            Ignored::EarlierVersion => "cast on an earlier version",
            Ignored::NotWritten => "not in writing",
            Ignored::NotMember => "not a CAB member",
            Ignored::Requester => "by the requester",
            Ignored::Repeated => "a second vote",
        }
    }
}

/// Counts the record's CAB votes against the policy's quorum (the `cab`
/// count of the major rule).
pub fn tally(record: &Record, policy: &Policy) -> Tally {
    tally_with_quorum(record, policy, crate::calendar::cab_quorum(policy))
}

/// Counts the record's CAB votes: standing, written, by members other than
/// the requester, each member's first vote only.
pub fn tally_with_quorum(record: &Record, policy: &Policy, quorum: u32) -> Tally {
    let quorum = quorum.max(1);
    let chair = policy.cab_chair().map(str::to_string);
    let standing = record.standing_approvals();
    let mut voted = BTreeSet::new();
    let (mut yes, mut no, mut chair_vote) = (0, 0, None);
    let mut ignored = Vec::with_capacity(record.approvals.len());
    for (a, stands) in record.approvals.iter().zip(standing) {
        if a.role != Role::Cab {
            ignored.push(None);
            continue;
        }
        // Who voted first: an outsider's entry never counts, whatever version it was cast on.
        let why = if !policy.holds(a.approver.email(), Role::Cab) {
            Some(Ignored::NotMember)
        } else if a.approver.same_as(&record.requested_by) {
            Some(Ignored::Requester)
        } else if a.method != Method::Written {
            Some(Ignored::NotWritten)
        } else if !stands {
            Some(Ignored::EarlierVersion)
        } else if !voted.insert(a.approver.email().to_ascii_lowercase()) {
            Some(Ignored::Repeated)
        } else {
            None
        };
        if why.is_none() {
            match a.decision {
                Decision::Approved => yes += 1,
                Decision::Rejected => no += 1,
            }
            if chair.as_deref().is_some_and(|c| a.approver.has_email(c)) {
                chair_vote = Some(a.decision);
            }
        }
        ignored.push(why);
    }
    let decision = if yes + no < quorum {
        None
    } else if yes > no {
        Some(Decision::Approved)
    } else if no > yes {
        Some(Decision::Rejected)
    } else {
        chair_vote
    };
    Tally {
        quorum,
        members: policy.members(Role::Cab).len(),
        chair,
        yes,
        no,
        chair_vote,
        decision,
        ignored,
    }
}

impl Tally {
    /// Returns true when no entry of the record is a CAB vote, counted or not.
    pub fn is_empty(&self) -> bool {
        self.yes + self.no == 0 && self.ignored.iter().all(Option::is_none)
    }

    /// Votes still needed to reach the quorum.
    pub fn to_quorum(&self) -> u32 {
        self.quorum.saturating_sub(self.yes + self.no)
    }

    /// Says where the vote stands: `approved: 2 for, 1 against (quorum 3 of 5)`.
    pub fn summary(&self) -> String {
        let count = format!("{} for, {} against", self.yes, self.no);
        let of = format!("{} of {}", self.quorum, self.members);
        let chair = self.chair.as_deref().unwrap_or("(no chair named)");
        match self.decision {
            Some(d) if self.yes == self.no => {
                let side = if d == Decision::Approved { "for" } else { "against" };
                format!("{d}: {count}, the chair {chair} {side} (quorum {of})")
            }
            Some(d) => format!("{d}: {count} (quorum {of})"),
            None if self.to_quorum() > 0 => {
                let n = self.to_quorum();
                let votes = if n == 1 { "vote" } else { "votes" };
                format!("open: {count}; {n} more {votes} to reach the quorum of {of}")
            }
            None => format!("open: {count}; the chair {chair} breaks the tie"),
        }
    }

    /// Says what the vote still lacks, for `approval_status`: `2 more cab`,
    /// `the cab chair's casting vote`, or the majority against.
    pub fn missing(&self) -> String {
        match self.decision {
            Some(Decision::Approved) => String::new(),
            Some(Decision::Rejected) => format!("a cab majority for it ({} for, {} against)", self.yes, self.no),
            None if self.to_quorum() > 0 => format!("{} more cab", self.to_quorum()),
            None => "the cab chair's casting vote".to_string(),
        }
    }
}
