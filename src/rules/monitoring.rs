//! `monitoring-owed`: a change deployed or rolled back without the
//! monitoring the policy asks after it recorded (`chg monitor`). A warning
//! in the work tree (it can be recorded any time); the gate refuses the
//! commit that closes a change while it is owed.

use super::Context;
use crate::finding::Finding;
use crate::rule::Rule;
use crate::store::Loaded;

/// Checks that the monitoring a change needs is recorded.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let Some(need) = record.monitoring_owed(ctx.policy) else {
        return Vec::new();
    };
    let longest = record.monitoring.iter().map(|m| need.covered_by(m).num_minutes()).max();
    let recorded = match longest {
        None => "none is recorded".to_string(),
        Some(m) => format!(
            "the longest recorded covers {} of it",
            crate::duration::minutes(m as f64)
        ),
    };
    let key = if record.monitoring.is_empty() {
        "status"
    } else {
        "monitoring"
    };
    vec![super::finding(
        loaded,
        key,
        Rule::MonitoringOwed,
        format!(
            "{} owes {} of monitoring after the {} (from {}); {recorded}",
            record.id,
            need.period.text(),
            need.after.as_str(),
            need.since.format("%Y-%m-%d %H:%M UTC")
        ),
        format!(
            "whoever watched it records it: `chg monitor {} --from … --to … --observed …`",
            record.id
        ),
    )]
}
