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
                crate::duration::minutes((finish - w.end).num_minutes() as f64),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn t(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text).unwrap().with_timezone(&Utc)
    }

    /// A change of this class scheduled Thursday 2026-11-26 02:00–03:00.
    fn record(class: &str) -> Record {
        crate::document::loose(&format!(
            "schema_version: 1\nid: CHG-2026-0001\ntitle: x\nstatus: scheduled\nclassification: {class}\n\
             risk: {{impact: low, likelihood: low}}\nrequested_by: A <a@example.com>\n\
             created_at: 2026-11-01T00:00:00Z\n\
             deployment: {{window: {{start: 2026-11-26T02:00:00Z, end: 2026-11-26T03:00:00Z}}}}\n"
        ))
        .unwrap()
    }

    #[test]
    fn the_window_opens_at_its_start_and_closes_at_its_end() {
        let policy = Policy::default();
        let normal = record("normal");
        assert!(work_problems(&normal, &policy, t("2026-11-26T02:00:00Z"), None).is_empty());
        let early = work_problems(&normal, &policy, t("2026-11-26T01:59:00Z"), None);
        assert_eq!(early.len(), 2, "{early:?}"); // its window and the policy's
        assert!(early.iter().all(|p| p.severity == Severity::Error && !p.finish));
        let late = work_problems(&normal, &policy, t("2026-11-26T03:00:00Z"), None);
        assert_eq!(late.len(), 1, "the policy's window is still open: {late:?}");
    }

    #[test]
    fn an_overrun_is_one_warning_and_an_emergency_is_exempt() {
        let policy = Policy::default();
        let normal = record("normal");
        let over = work_problems(
            &normal,
            &policy,
            t("2026-11-26T02:30:00Z"),
            Some(t("2026-11-26T07:00:00Z")),
        );
        assert_eq!(over.len(), 1, "{over:?}");
        assert!(over[0].finish && over[0].severity == Severity::Warning);
        let saturday = t("2026-11-28T14:00:00Z");
        assert!(work_problems(&record("emergency"), &policy, saturday, None).is_empty());
        // A standard change's windows are advice.
        let standard = work_problems(&record("standard"), &policy, saturday, None);
        assert!(!standard.is_empty() && standard.iter().all(|p| p.severity == Severity::Warning));
    }

    #[test]
    fn work_in_a_freeze_is_refused_unless_the_freeze_allows_the_class() {
        let policy = Policy::default(); // Year end: 2026-12-21 – 2027-01-04, emergency or CAB-approved
        let mut normal = record("normal");
        normal.deployment = None;
        let in_freeze = work_problems(&normal, &policy, t("2026-12-22T02:30:00Z"), None);
        assert_eq!(in_freeze.len(), 1, "{in_freeze:?}");
        assert!(in_freeze[0].message.contains("in the freeze `Year end`"));
        let mut emergency = record("emergency");
        emergency.deployment = None;
        assert!(work_problems(&emergency, &policy, t("2026-12-22T02:30:00Z"), None).is_empty());
    }
}
