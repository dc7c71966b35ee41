//! The policy file `chg init` writes: every default, with comments.

use std::collections::BTreeMap;

use crate::record::Role;
use crate::render::PushFmt as _;

/// The policy file `chg init` writes: every default, with a comment per section.
pub const DEFAULT_POLICY_YAML: &str = r#"# chg change policy. Every key has a default; delete a key to use it.
# The comment above each section says what it means; `chg schema policy`
# prints the type of every key.
# Editable by the change manager and CAB only (`chg check --base` enforces it).
---
# Who may act in each role, by git email. When `roles` is given it replaces the
# defaults whole: a role left out has nobody in it.
roles:
  change-manager: [sam@example.com]
  engineering-lead: [lee@example.com]
  cab:
    - ana@example.com
    - ben@example.com
    - cho@example.com
    - dev@example.com
    - eli@example.com
  ciso: [carol@example.com]
  cto: [dave@example.com]
  ceo: [erin@example.com]

# Approvals per class: any one group satisfies it. `count` distinct people in
# `role`, or one person in each of `roles`.
approvals:
  standard: pre-approved
  normal: [{role: change-manager, count: 1}, {role: engineering-lead, count: 1}]
  major: [{role: cab, count: 3}, {role: cto, count: 1}]
  emergency: [{roles: [ciso, cto]}, {role: ceo, count: 1}]

# Risk matrix: the least class for an impact (outer key) and likelihood (inner
# key). A change may be classed higher, never lower; emergency is outside it.
risk_matrix:
  high: {low: normal, medium: major, high: major}
  medium: {low: normal, medium: normal, high: major}
  low: {low: standard, medium: normal, high: normal}

# Testing that must have passed before approval, per class.
testing:
  standard: [unit]
  normal: [unit, integration, qa_review]
  major: [unit, integration, qa_review, security_review, performance]
  emergency: [unit]

# Deployment windows. Non-emergency changes must fit inside one.
windows:
  - days: [sun, mon, tue, wed, thu]
    start: "02:00"
    end: "06:00"
    time_zone: UTC

# Deployment strategy per class, which `chg new` proposes; `database` is for
# changes with a complex rollback or a database-migration strategy. A major or
# database change planned otherwise is warned about (`weaker-strategy`).
strategies:
  standard: rolling
  normal: canary
  major: blue-green
  database: blue-green

# The share of traffic each canary stage moves (percent, rising to 100);
# `chg new` proposes one deployment step per stage for a canary change.
canary_stages: [5, 25, 50, 100]

# Freeze periods, both dates inclusive (UTC days). `allow` lists the classes
# still allowed, and `cab-approved` for any change the CAB approved (the `cab`
# count of the major approval rule); the default is [emergency, cab-approved].
freezes:
  - name: Year end
    start: "2026-12-21"
    end: "2027-01-04"
    allow: [emergency, cab-approved]

# People away (resource availability), by email, both dates inclusive.
unavailable: []

# The weekly CAB meeting, where every emergency change is presented.
cab_meeting: {day: tue, time: "10:00", time_zone: UTC}

# The CAB chair breaks a tie when the CAB votes on a major change; the `cab`
# count of the major rule is the vote's quorum. Unset, the chair is the first
# `cab` member listed; name another `cab` member with `cab_chair: EMAIL`.

# Recovery time objective per rollback kind.
rto: {simple: 15m, complex: 1h, full-restore: 4h}

# Automatic rollback triggers: an error rate above 5 % of requests, a
# response time above 2x the baseline, more than 20 customer complaints
# in an hour.
rollback_triggers:
  error_rate_percent: 5
  response_time_multiple: 2
  customer_complaints: 20
# Rollback rehearsals (`chg rehearse`): every rollback kind is rehearsed
# within `interval` (a quarter) before a change relies on it; list kinds that
# need none under `exempt`. A major change or database migration cannot be
# approved without a current rehearsal.
rollback_rehearsal: {interval: 92d, exempt: []}

# Emergency changes: documentation and written approval within 24 h of
# implementation, post-emergency review within 5 days.
emergency_deadlines:
  documentation: 24h
  written_approval: 24h
  post_review: 5d

# Monitoring after a deployment, per class (a class left out owes none), and
# after a rollback: it is owed until `chg monitor` records who watched, from
# when to when and what they saw, and `chg close` waits for it. A spell
# shorter than the period does not count.
monitoring:
  after_deployment: {normal: 1h, major: 24h}
  after_rollback: 30m

# Monthly targets, which `chg metrics` and the reports compare each month
# with. Each is strict: under 5 % emergency changes, over
# 95 % successful, under 5 % rolled back, under 10 % with issues, changes
# taking under 2 h on average; a month exactly on a target misses it. List a
# target (or `rto`) under `inclusive: [...]` to count its boundary as met.
targets:
  emergency_rate: 0.05
  success_rate: 0.95
  rollback_rate: 0.05
  issue_rate: 0.10
  average_change_time: 2h

# Approvers' public keys (git allowed-signers key format), by email, and
# whether approval commits must be signed with them.
signing_keys: {}
require_signed_approvals: false

# Code linked to changes: the git trailer a commit names its change with
# (`Change: CHG-2026-0042` in the message's last paragraph), and the paths of
# the application repositories that count as production for `chg untracked`
# (globs: `*` within a folder, `**` across folders),
# e.g. ["src/**", "deploy/*.yaml"].
change_trailer: Change
production_paths: []
"#;

/// The policy `chg init` writes: the default policy with the team's own
/// people in `roles` (emails, by role), and nobody else.
pub fn policy_yaml_for_team(team: &BTreeMap<Role, Vec<String>>) -> String {
    let mut roles = String::from(
        "roles:\n  # An empty list has nobody in it yet: a change manager adds people\n  # with a pull request (docs/first-day.md).\n",
    );
    for role in Role::ALL {
        let people: Vec<String> = team.get(role).into_iter().flatten().map(|e| yaml_scalar(e)).collect();
        let line = format!("  {role}: [{}]\n", people.join(", "));
        // A long team is a list, one per line: yamllint's limit is 80 columns.
        if line.len() > 81 {
            roles.push_fmt(format_args!("  {role}:\n"));
            for person in &people {
                roles.push_fmt(format_args!("    - {person}\n"));
            }
        } else {
            roles.push_str(&line);
        }
    }
    // The block from `roles:` to the blank line that ends it.
    let start = DEFAULT_POLICY_YAML.find("\nroles:\n").map_or(0, |i| i + 1);
    let end = DEFAULT_POLICY_YAML[start..]
        .find("\n\n")
        .map_or(DEFAULT_POLICY_YAML.len(), |i| start + i + 1);
    format!(
        "{}{roles}{}",
        &DEFAULT_POLICY_YAML[..start],
        &DEFAULT_POLICY_YAML[end..]
    )
}

/// An email as a YAML scalar: bare when plain, else double-quoted (JSON is YAML).
fn yaml_scalar(text: &str) -> String {
    let plain = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '@' | '.' | '_' | '-' | '+'));
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::Policy;

    #[test]
    fn a_team_policy_has_the_team_and_the_default_rules() {
        let mut team = BTreeMap::new();
        team.insert(Role::ChangeManager, vec!["priya@acme.test".to_string()]);
        team.insert(Role::Cab, vec!["a@x.test".to_string(), "odd,one@x.test".to_string()]);
        let text = policy_yaml_for_team(&team);
        assert!(!text.contains("example.com"), "{text}");
        let parsed: Policy = crate::document::loose(&text).unwrap();
        assert_eq!(parsed.members(Role::ChangeManager), ["priya@acme.test"]);
        assert_eq!(parsed.members(Role::Cab), ["a@x.test", "odd,one@x.test"]);
        assert!(parsed.members(Role::Ceo).is_empty());
        let defaults = Policy::default();
        assert_eq!(
            (parsed.approvals, parsed.windows),
            (defaults.approvals, defaults.windows)
        );
    }

    #[test]
    fn written_defaults_equal_the_built_in_ones() {
        let parsed: Policy = crate::document::loose(DEFAULT_POLICY_YAML).unwrap();
        assert_eq!(parsed, Policy::default());
    }
}
