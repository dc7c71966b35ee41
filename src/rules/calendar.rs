//! `outside-window`, `freeze-conflict`, `schedule-conflict` and
//! `approver-unavailable`: the change calendar's problems as findings, each
//! pointing at the change's `deployment.window`.

use std::collections::HashMap;

use super::Context;
use crate::calendar;
use crate::finding::{Finding, Severity};
use crate::record::Record;
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
