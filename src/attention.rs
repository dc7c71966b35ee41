//! What needs action now, and by whom: pending approvals, the deadlines after
//! an emergency, changes overrunning or missing their window, reviews and
//! lessons owed after a failure or a rollback, rollbacks not verified,
//! monitoring owed after a deployment or a rollback, RTO overruns, preventive measures not recorded and rollback rehearsals
//! overdue. Pure: records, policy and now in, items out. `chg status` and
//! the weekly report's "Changes requiring attention" both list these.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::lifecycle;
use crate::policy::{Policy, RtoCheck};
use crate::record::{Classification, Decision, MeasureState, Record, RollbackEntry, Status};
use crate::rehearsal::{self, Rehearsals, Standing};
use crate::rules::{approval_status, implemented_at, written_approval_at};

/// One thing somebody owes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Item {
    pub id: String,
    pub title: String,
    /// What is owed, in words.
    pub what: String,
    /// Who can do it, by email.
    pub who: Vec<String>,
    /// When it is due, if there is a deadline.
    pub due: Option<DateTime<Utc>>,
    pub overdue: bool,
    /// For an approval that waits with no deadline: since when it waits (the
    /// change's creation), which the weekly report shows instead of a due date.
    #[serde(skip)]
    pub waiting_since: Option<DateTime<Utc>>,
}

/// Lists what needs action, most urgent first.
pub fn items(records: &[Record], rehearsals: &Rehearsals, policy: &Policy, now: DateTime<Utc>) -> Vec<Item> {
    let mut items = Vec::new();
    for r in records {
        let mut owed = Owed {
            r,
            policy,
            now,
            items: &mut items,
        };
        owed.approvals();
        owed.emergency();
        owed.measures();
        if r.status == Status::Closed {
            continue;
        }
        owed.window();
        owed.monitoring();
        owed.reviews();
        owed.rollbacks(rehearsals);
    }
    items.sort_by(|a, b| (!a.overdue, a.due.is_none(), a.due, &a.id).cmp(&(!b.overdue, b.due.is_none(), b.due, &b.id)));
    items
}

/// What one record owes, collected into the list.
struct Owed<'a> {
    r: &'a Record,
    policy: &'a Policy,
    now: DateTime<Utc>,
    items: &'a mut Vec<Item>,
}

impl Owed<'_> {
    /// An item `who` owes, due at `due` if it has a deadline.
    fn item(&self, what: String, who: Vec<String>, due: Option<DateTime<Utc>>) -> Item {
        Item {
            id: self.r.id.clone(),
            title: self.r.title.clone(),
            what,
            who,
            due,
            overdue: due.is_some_and(|d| self.now > d),
            waiting_since: None,
        }
    }

    /// Adds an item `who` owes, due at `due` if it has a deadline.
    fn add(&mut self, what: String, who: Vec<String>, due: Option<DateTime<Utc>>) {
        let item = self.item(what, who, due);
        self.items.push(item);
    }

    /// Adds an item the requester owes.
    fn requester(&mut self, what: String, due: Option<DateTime<Utc>>) {
        let who = vec![self.r.requested_by.email().to_string()];
        self.add(what, who, due);
    }

    /// Approvals a submitted change waits for, and the verbal approval an
    /// emergency needs before it starts.
    fn approvals(&mut self) {
        let (r, policy) = (self.r, self.policy);
        if r.status == Status::Submitted && r.classification != Classification::Standard {
            let state = approval_status(r, policy);
            if !state.satisfied {
                let what = format!("approval pending: needs {}", state.missing.join(", or "));
                let item = Item {
                    waiting_since: Some(r.created_at),
                    ..self.item(what, approvers(r, policy), None)
                };
                self.items.push(item);
            }
        }
        let open = !lifecycle::implemented(r.status) && !matches!(r.status, Status::Cancelled | Status::Rejected);
        if r.classification == Classification::Emergency && open {
            let state = approval_status(r, policy);
            if !state.satisfied {
                self.add(
                    format!(
                        "emergency: verbal approval needed before it starts ({})",
                        state.missing.join(", or ")
                    ),
                    approvers(r, policy),
                    None,
                );
            }
        }
    }

    /// The deadlines after an emergency's implementation.
    fn emergency(&mut self) {
        let (r, policy) = (self.r, self.policy);
        let Some(since) = implemented_at(r).filter(|_| r.classification == Classification::Emergency) else {
            return;
        };
        let d = &policy.emergency_deadlines;
        let e = r.emergency.clone().unwrap_or_default();
        let requester = vec![r.requested_by.email().to_string()];
        let id = &r.id;
        let deadlines = [
            (
                e.documented_at.is_none() || !r.emergency_documentation_lacks().is_empty(),
                "emergency documentation",
                d.documentation,
                " of implementation",
                format!("submit {id}"),
                requester.clone(),
            ),
            (
                written_approval_at(r, policy).is_none(),
                "written approval",
                d.written_approval,
                " of implementation",
                format!("approve {id}"),
                approvers(r, policy),
            ),
            (
                e.post_review.as_ref().and_then(|p| p.completed_at).is_none(),
                "post-emergency review",
                d.post_review,
                "",
                format!("review {id} --root-cause … --preventive-measures …"),
                requester,
            ),
        ];
        for (owed, what, span, of, command, who) in deadlines {
            if owed {
                self.add(
                    format!("{what} owed within {}{of} (`chg {command}`)", span.text()),
                    who,
                    Some(since + span.duration()),
                );
            }
        }
        if e.cab_review.as_ref().and_then(|c| c.date).is_none() {
            self.requester(
                format!(
                    "CAB presentation owed at the next meeting (`chg review {} --cab --date …`)",
                    r.id
                ),
                Some(policy.cab_meeting.next(since)),
            );
        }
    }

    /// Each open preventive measure is owed by its owner until it is done,
    /// closed change or not.
    fn measures(&mut self) {
        let r = self.r;
        let measures = r
            .emergency
            .as_ref()
            .and_then(|e| e.post_review.as_ref())
            .and_then(|p| p.preventive_measures.as_ref());
        for (i, m) in measures.map_or(&[][..], |m| m.items()).iter().enumerate() {
            if m.state == MeasureState::Open {
                self.add(
                    format!(
                        "preventive measure {} open: {} (`chg review {} --measure-done {}`)",
                        i + 1,
                        m.action,
                        r.id,
                        i + 1
                    ),
                    vec![m.owner.email().to_string()],
                    m.due.and_hms_opt(23, 59, 0).map(|t| t.and_utc()),
                );
            }
        }
    }

    /// A window that is over while the change still runs, or never started.
    fn window(&mut self) {
        let r = self.r;
        let Some(w) = r.window().filter(|w| w.end < self.now) else {
            return;
        };
        let (ended, id) = (w.end.format("%a %d %b %H:%M"), &r.id);
        let what = match r.status {
            // The change still runs: finish it, or say it failed.
            Status::InProgress => format!(
                "in progress past its window (ended {ended}): `chg complete {id}`, `chg fail {id}` or `chg rollback {id}`"
            ),
            // Never started: it did not happen as approved.
            Status::Scheduled if r.started_at().is_none() => {
                format!("window passed without a start (ended {ended}): `chg schedule {id}` again, or `chg cancel {id}`")
            }
            _ => return,
        };
        self.requester(what, Some(w.end));
    }

    /// Watched for the policy's period after the deployment or rollback, and recorded.
    fn monitoring(&mut self) {
        if let Some(need) = self.r.monitoring_owed(self.policy) {
            self.requester(
                format!(
                    "monitoring owed: {} after the {} (from {}): `chg monitor {} --from … --to … --observed …`",
                    need.period.text(),
                    need.after.as_str(),
                    need.since.format("%a %d %b %H:%M"),
                    self.r.id
                ),
                Some(need.due()),
            );
        }
    }

    /// The review after a failure or a rollback, its lessons, and the
    /// preventive measures of a post-emergency review.
    fn reviews(&mut self) {
        let r = self.r;
        let review_done = r.review.as_ref().is_some_and(|v| v.completed_at.is_some());
        if matches!(r.status, Status::Failed | Status::RolledBack) && !review_done {
            let how = if r.status == Status::Failed {
                "failed"
            } else {
                "rolled back"
            };
            let since = r.rollbacks.last().and_then(|b| b.restored_at).or(r.finished_at());
            self.requester(
                format!(
                    "{how} without a post-implementation review (`chg review {} --summary … --lessons-learned …`)",
                    r.id
                ),
                since.map(|t| t + self.policy.emergency_deadlines.post_review.duration()),
            );
        }
        if let Some(review) = r.review.as_ref().filter(|v| v.completed_at.is_some()) {
            if review.lessons_learned.as_deref().is_none_or(|l| l.trim().is_empty()) {
                self.requester(
                    format!(
                        "review without lessons learned (`chg review {} --lessons-learned …`)",
                        r.id
                    ),
                    None,
                );
            }
        }
        if let Some(post) = r.emergency.as_ref().and_then(|e| e.post_review.as_ref()) {
            let measures = post.preventive_measures.as_ref();
            if post.completed_at.is_some() && measures.is_none_or(|m| m.is_empty()) {
                self.requester(
                    format!(
                        "post-emergency review without preventive measures (`chg review {} --preventive-measures …`)",
                        r.id
                    ),
                    None,
                );
            }
        }
    }

    /// What rollbacks owe: verification, a rehearsal, the actions after the
    /// last one, and an explanation of an RTO overrun.
    fn rollbacks(&mut self, rehearsals: &Rehearsals) {
        let (r, policy) = (self.r, self.policy);
        for (i, entry) in r.rollbacks.iter().enumerate() {
            let lacks = entry.verification_owed();
            if entry.restored_at.is_some() && !lacks.is_empty() {
                self.requester(
                    format!("rollback {} owes verification ({})", i + 1, lacks.join(", ")),
                    None,
                );
            }
        }
        // A rollback that is not rehearsed each quarter may not work when it
        // is needed; only changes still to run can act on it.
        let to_run = matches!(
            r.status,
            Status::Submitted | Status::Approved | Status::Scheduled | Status::InProgress
        );
        if to_run {
            if let Standing::Stale(s) = rehearsal::standing(r, rehearsals, policy, self.now) {
                self.requester(
                    format!(
                        "rollback rehearsal overdue: {} (`chg rehearse {} --minutes … --result …`)",
                        s.text(policy),
                        r.id
                    ),
                    r.window().map(|w| w.start),
                );
            }
        }
        if let Some(entry) = r.rollbacks.last() {
            self.post_actions(entry);
        }
        for entry in &r.rollbacks {
            if let Some(check) = r.rto_check(entry, policy).filter(RtoCheck::exceeded) {
                self.requester(
                    format!(
                        "RTO overrun: the {} rollback took {} (RTO {}){}; explain it in the review",
                        check.kind,
                        check.took_text(),
                        check.rto.text(),
                        check.assumed()
                    ),
                    None,
                );
            }
        }
    }

    /// What a rollback owes: the root cause, lessons learned and a plan to
    /// deploy again, each with the `chg review` flag that records it.
    fn post_actions(&mut self, entry: &RollbackEntry) {
        let p = &entry.post_actions;
        let owed: Vec<(&str, &str)> = [
            (p.root_cause.is_none(), ("a root cause", "--root-cause …")),
            (p.lessons_learned.is_none(), ("lessons learned", "--lessons-learned …")),
            (p.redeploy_plan.is_none(), ("a re-deployment plan", "--redeploy-plan …")),
        ]
        .into_iter()
        .filter_map(|(missing, what)| missing.then_some(what))
        .collect();
        if owed.is_empty() {
            return;
        }
        let words: Vec<&str> = owed.iter().map(|(w, _)| *w).collect();
        let flags: Vec<&str> = owed.iter().map(|(_, f)| *f).collect();
        let words = match words.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
            _ => words.join(""),
        };
        self.requester(
            format!(
                "rolled back without {} (`chg review {} {}`)",
                words,
                self.r.id,
                flags.join(" ")
            ),
            entry
                .restored_at
                .map(|t| t + self.policy.emergency_deadlines.post_review.duration()),
        );
    }
}

/// The people who may still approve: holders of the class's roles, not the
/// requester, and not those who already decided.
fn approvers(r: &Record, policy: &Policy) -> Vec<String> {
    let mut people = Vec::new();
    for role in policy.roles_for(r.classification) {
        for email in policy.members(role) {
            let decided = r.approvals.iter().any(|a| {
                a.approver.has_email(email)
                    && a.role == role
                    && (a.decision == Decision::Rejected || a.method == crate::record::Method::Written)
            });
            let label = format!("{email} ({role})");
            if !r.requested_by.has_email(email) && !decided && !people.contains(&label) {
                people.push(label);
            }
        }
    }
    people
}
