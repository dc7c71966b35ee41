//! `outside-window`, `freeze-conflict`, `schedule-conflict` and
//! `approver-unavailable`: the change calendar's problems as findings, each
//! pointing at the change's `deployment.window`; and `work-outside-window`:
//! when the work was actually done, against the same calendar.

use std::collections::HashMap;

use super::Context;
use crate::calendar;
use crate::finding::{Finding, Severity};
use crate::record::{Record, Role};
use crate::rule::Rule;
use crate::rules::history::{judged_time, Counts};
use crate::store::Loaded;

/// Judges the windows of the planned changes of the whole store.
pub fn check(records: &[Loaded], ctx: &Context) -> Vec<Finding> {
    let refs: Vec<&Record> = records.iter().map(|l| &l.record).collect();
    // Duplicate ids are `duplicate-id`'s business; a problem goes to every file of its id.
    let mut by_id: HashMap<&str, Vec<&Loaded>> = HashMap::new();
    for loaded in records {
        by_id.entry(loaded.record.id.as_str()).or_default().push(loaded);
    }
    let mut findings = Vec::new();
    // A change in n conflicts would otherwise be parsed again n times.
    let mut window_at: HashMap<&str, crate::document::Position> = HashMap::new();
    for problem in calendar::problems(&refs, ctx.policy) {
        for loaded in by_id.get(problem.id.as_str()).into_iter().flatten() {
            let at = *window_at
                .entry(loaded.file.as_str())
                .or_insert_with(|| loaded.positions.of("deployment.window"));
            let build = match problem.severity {
                Severity::Error => Finding::error,
                Severity::Warning => Finding::warning,
            };
            findings.push(build(
                &loaded.file,
                at,
                problem.kind.rule(),
                problem.message.clone(),
                problem.hint.clone(),
            ));
        }
    }
    findings
}

/// `work-outside-window`: the actual start and finish against the scheduled
/// window, the deployment windows and the freezes. A time the history shows
/// was written long after the fact is judged at the commit that wrote it.
/// A change manager's override covers the work; anyone else's is an error.
pub fn check_work(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let Some(stated) = record.started_at() else {
        return Vec::new();
    };
    let times = ctx.times.get(&record.id).map(Vec::as_slice).unwrap_or(&[]);
    let (start, moved) = judged_time(times, "implementation.started_at", stated, Counts::Done);
    let finish = record
        .finished_at()
        .map(|f| judged_time(times, "implementation.finished_at", f, Counts::Done).0);
    let problems = calendar::work_problems(record, ctx.policy, start, finish);
    let (file, pos) = (loaded.file.as_str(), &loaded.positions);
    let mut findings = Vec::new();
    let granted = record.implementation.as_ref().and_then(|i| i.window_override.as_ref());
    if let Some(o) = granted {
        if ctx.policy.holds(o.by.email(), Role::ChangeManager) {
            return findings;
        }
        findings.push(Finding::error(
            file,
            pos.of("implementation.window_override.by"),
            Rule::WorkOutsideWindow,
            format!("the window override by {} does not count: they are not a change manager", o.by),
            "only a person in the policy's `roles.change-manager` may override the window (`chg start ID --override REASON`)",
        ));
    }
    for p in problems {
        let key = if p.finish {
            "implementation.finished_at"
        } else {
            "implementation.started_at"
        };
        let mut message = p.message;
        if let Some(e) = moved.filter(|_| !p.finish) {
            message = format!(
                "{message} (the record says {}, but commit {} wrote it then)",
                e.stated.format("%Y-%m-%d %H:%M UTC"),
                e.commit.short()
            );
        }
        let hint = if p.finish {
            "an overrun is history: note why in `implementation.issues` or the review"
        } else {
            "work starts in its window; outside it only with a change manager's `chg start ID --override REASON`"
        };
        let build = match p.severity {
            Severity::Error => Finding::error,
            Severity::Warning => Finding::warning,
        };
        findings.push(build(file, pos.of(key), Rule::WorkOutsideWindow, message, hint));
    }
    findings
}
