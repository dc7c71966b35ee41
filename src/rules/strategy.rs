//! `weaker-strategy`: a major or database change planned with another
//! deployment strategy than the policy's (`strategies`, blue-green by
//! default), named with the policy line that sets it.

use super::Context;
use crate::finding::Finding;
use crate::record::{Record, Status};
use crate::rule::Rule;
use crate::store::Loaded;

/// The warning's message for a record, if its strategy is weaker than the policy's.
pub fn weaker(record: &Record, policy: &crate::policy::Policy) -> Option<String> {
    let (want, key) = policy.weaker_strategy(record)?;
    let stated = record.deployment.as_ref().and_then(|d| d.strategy);
    let what = if key == "strategies.database" {
        "a database change (a complex rollback or a database migration)".to_string()
    } else {
        format!("{} change", record.classification.with_article())
    };
    Some(format!(
        "{what} deploys {want} by the policy ({}: `{key}: {want}`), not {}",
        policy.where_set(key),
        stated.map_or("with no strategy".to_string(), |s| s.to_string())
    ))
}

/// Judges changes not yet started: once work began the strategy is history.
pub fn check(loaded: &Loaded, ctx: &Context) -> Vec<Finding> {
    let record = &loaded.record;
    let planned = matches!(
        record.status,
        Status::Draft | Status::Submitted | Status::Approved | Status::Scheduled
    );
    let Some(message) = weaker(record, ctx.policy).filter(|_| planned) else {
        return Vec::new();
    };
    vec![super::finding(
        loaded,
        "deployment.strategy",
        Rule::WeakerStrategy,
        message,
        "use the policy's strategy in `deployment.strategy`, or say in the description why this one is safe enough",
    )]
}
