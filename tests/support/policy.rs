//! The store's policy edited by key, as a change manager edits it: a test
//! says `.role("cab", &[ANA, BEN])` or `.set("rto.simple", "20m")` rather
//! than replacing the text `chg init` wrote. Every other line stays, so the
//! line numbers a finding names are those of the policy `chg init` writes.

use super::{Repo, Test, Who, Yaml};

/// Where the store keeps its policy.
pub const POLICY: &str = "changes/policy.yaml";

/// A policy under edit (see `Yaml` for paths).
#[derive(Clone, Debug)]
pub struct Policy(Yaml);

impl Policy {
    /// Any key, raw inline YAML (added when it is not there).
    #[track_caller]
    pub fn set(self, path: &str, raw: &str) -> Policy {
        Policy(self.0.set(path, raw))
    }

    /// Without a key (the default applies).
    #[track_caller]
    pub fn without(self, path: &str) -> Policy {
        Policy(self.0.without(path))
    }

    /// Adds an item (raw inline YAML) at the end of a list.
    #[track_caller]
    pub fn add(self, path: &str, item: &str) -> Policy {
        Policy(self.0.add(path, item))
    }

    /// The people in a role (`roles.<role>`), by email.
    #[track_caller]
    pub fn role(self, role: &str, people: &[Who]) -> Policy {
        let emails: Vec<&str> = people.iter().map(|w| w.email).collect();
        self.role_emails(role, &emails)
    }

    /// The entries of a role as written (an email with a flaw a test means).
    #[track_caller]
    pub fn role_emails(self, role: &str, emails: &[&str]) -> Policy {
        self.set(&format!("roles.{role}"), &format!("[{}]", emails.join(", ")))
    }

    /// A freeze from `start` to `end` (dates, inclusive) allowing these classes.
    #[track_caller]
    pub fn freeze(self, name: &str, (start, end): (&str, &str), allow: &[&str]) -> Policy {
        let item = format!(
            "{{name: {name}, start: {start}, end: {end}, allow: [{}]}}",
            allow.join(", ")
        );
        self.add("freezes", &item)
    }

    /// A deployment window on these days, `start` to `end` (`"08:00"`), UTC.
    #[track_caller]
    pub fn window(self, days: &[&str], start: &str, end: &str) -> Policy {
        let item = format!(
            "{{days: [{}], start: \"{start}\", end: \"{end}\", time_zone: UTC}}",
            days.join(", ")
        );
        self.add("windows", &item)
    }

    /// The recovery time objective of a rollback kind (`"20m"`).
    #[track_caller]
    pub fn rto(self, kind: &str, duration: &str) -> Policy {
        self.set(&format!("rto.{kind}"), duration)
    }

    /// `require_signed_approvals:`.
    #[track_caller]
    pub fn signed_approvals(self, required: bool) -> Policy {
        self.set("require_signed_approvals", &required.to_string())
    }

    /// `production_paths:` (globs).
    #[track_caller]
    pub fn production_paths(self, globs: &[&str]) -> Policy {
        let quoted: Vec<String> = globs.iter().map(|g| format!("\"{g}\"")).collect();
        self.set("production_paths", &format!("[{}]", quoted.join(", ")))
    }

    /// The text.
    pub fn text(&self) -> String {
        self.0.text()
    }
}

impl Repo {
    /// The policy's text.
    pub fn policy_text(&self) -> String {
        self.read(POLICY)
    }

    /// Edits the store's policy by key, uncommitted.
    #[track_caller]
    pub fn edit_policy(&self, edit: impl FnOnce(Policy) -> Policy) {
        let policy = edit(Policy(Yaml::new(&self.policy_text())));
        self.write(POLICY, &policy.text());
    }
}

impl Test {
    /// With the policy edited by key (uncommitted; `commit_as` the change manager).
    #[track_caller]
    pub fn with_policy(self, edit: impl FnOnce(Policy) -> Policy) -> Test {
        self.edit_policy(edit);
        self
    }
}
