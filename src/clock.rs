//! The current time. `CHG_NOW` (RFC 3339) fixes it, so that a report or a
//! check of deadlines can be reproduced exactly later.

use chrono::{DateTime, SubsecRound, Utc};

/// Returns the current time in UTC, whole seconds, or `CHG_NOW` when set and valid.
pub fn now() -> DateTime<Utc> {
    std::env::var("CHG_NOW")
        .ok()
        .and_then(|t| DateTime::parse_from_rfc3339(t.trim()).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
        .trunc_subsecs(0)
}

/// Checks `CHG_NOW` once, so a typo there is an error instead of a silent "now".
pub fn validate_env() -> anyhow::Result<()> {
    if let Ok(text) = std::env::var("CHG_NOW") {
        if DateTime::parse_from_rfc3339(text.trim()).is_err() {
            anyhow::bail!(
                "CHG_NOW `{text}` is not an RFC 3339 time\n  hint: write it like `2026-11-25T12:00:00Z`, or unset it"
            );
        }
    }
    Ok(())
}
