//! When the work was actually done, judged like the window it was planned
//! in: the start against the scheduled window, the deployment windows and the
//! freezes; the finish against the same, as an overrun. Emergencies are
//! exempt from windows (POLICY.md) and enter a freeze only where it allows them.

use chrono::{DateTime, Utc};

use super::{days, describe_allow, describe_rule, fits, freeze_allows, open_at, span};
use crate::finding::Severity;
use crate::policy::Policy;
use crate::record::{Classification, Record, Window};

/// One way the work left the approved window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkProblem {
    /// An error for a start where no change may start; a warning for an
    /// overrun (the finish is history) and for a standard change's windows.
    pub severity: Severity,
    /// True when it is about the finish rather than the start.
    pub finish: bool,
    pub message: String,
}

fn when(t: DateTime<Utc>) -> String {
    t.format("%a %Y-%m-%d %H:%M UTC").to_string()
}

/// Judges a start at `start` (and a finish at `finish`, when there is one);
/// empty when the work kept to its windows.
pub fn work_problems(
    record: &Record,
    policy: &Policy,
    start: DateTime<Utc>,
    finish: Option<DateTime<Utc>>,
) -> Vec<WorkProblem> {
    let class = record.classification;
    let exempt = class == Classification::Emergency;
    // A standard change's windows are advice, as `outside-window` says of its plan.
    let window_severity = if class == Classification::Standard {
        Severity::Warning
    } else {
        Severity::Error
    };
    let mut out = Vec::new();
    let rules = policy.windows.iter().map(describe_rule).collect::<Vec<_>>().join("; ");
    if !exempt {
        if let Some(w) = record.window() {
            if start < w.start || start >= w.end {
                out.push(WorkProblem {
                    severity: window_severity,
                    finish: false,
                    message: format!("started {}, outside its scheduled window {}", when(start), span(w)),
                });
            }
        }
        if !policy.windows.is_empty() && !open_at(start, &policy.windows) {
            out.push(WorkProblem {
                severity: window_severity,
                finish: false,
                message: format!("started {}, outside the deployment windows ({rules})", when(start)),
            });
        }
    }
    for freeze in &policy.freezes {
        let (from, to) = days(freeze.start, freeze.end);
        if from <= start && start < to && !freeze_allows(freeze, record, policy) {
            out.push(WorkProblem {
                severity: Severity::Error,
                finish: false,
                message: format!(
                    "started {}, in the freeze `{}` ({} – {}), which allows only {}",
                    when(start),
                    freeze.name,
                    freeze.start,
                    freeze.end,
                    describe_allow(&freeze.allow)
                ),
            });
        }
    }
    // An overrun is judged only after a start that kept to its windows, so
    // one mistake is reported once.
    let Some(finish) = finish.filter(|f| *f > start && out.is_empty()) else {
        return out;
    };
    let overrun = |message: String| WorkProblem {
        severity: Severity::Warning,
        finish: true,
        message,
    };
    if !exempt {
        let late = record.window().filter(|w| finish > w.end);
        if let Some(w) = late {
            out.push(overrun(format!(
                "finished {}, {} after its scheduled window {} closed",
                when(finish),
                crate::metrics::duration_text((finish - w.end).num_minutes() as f64, crate::metrics::Style::Compact),
                span(w)
            )));
        }
        // One overrun is one warning: the scheduled window's, else the policy's.
        let work = Window { start, end: finish };
        if late.is_none() && !policy.windows.is_empty() && !fits(work, &policy.windows) {
            out.push(overrun(format!(
                "finished {}, after the deployment window it started in had closed ({rules})",
                when(finish)
            )));
        }
    }
    for freeze in &policy.freezes {
        let (from, _) = days(freeze.start, freeze.end);
        if start < from && from < finish && !freeze_allows(freeze, record, policy) {
            out.push(overrun(format!(
                "finished {}, after running into the freeze `{}` ({} – {}), which allows only {}",
                when(finish),
                freeze.name,
                freeze.start,
                freeze.end,
                describe_allow(&freeze.allow)
            )));
        }
    }
    out
}
