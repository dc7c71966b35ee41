//! Recorded rollback rehearsals for the fixtures: a major change or a
//! database migration is approved only on a rehearsal `chg rehearse`
//! recorded, never on the date its plan states (`rollback.last_tested`).

use super::Test;

/// The fixture records' systems (`Record::normal` and `Record::major`).
const FIXTURE_SYSTEMS: [&str; 2] = ["checkout-api", "pricing-service"];

impl Test {
    /// Writes, uncommitted, the rehearsal logs of the fixture's systems with
    /// the passed simple rollback rehearsal its plan states (2026-11-09).
    pub fn fixture_rehearsed(self) -> Test {
        for system in FIXTURE_SYSTEMS {
            self.write(
                &format!("changes/rehearsals/{system}.yaml"),
                &format!(
                    "schema_version: 1\nsystem: {system}\nrehearsals:\n  - at: \"2026-11-09T10:00:00Z\"\n    kind: simple\n    minutes: 12\n    result: passed\n    by: Jane Doe <jane@example.com>\n"
                ),
            );
        }
        self
    }
}
