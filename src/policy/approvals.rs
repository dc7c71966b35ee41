//! Who approves: the role holders, and the approvals each class needs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use super::Policy;
use crate::record::{Classification, Role};

/// The approvals needed per class: any one of the groups of a class satisfies it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ApprovalRules {
    /// Standard changes are `pre-approved` by their catalogue template.
    pub standard: PreApproved,
    pub normal: Vec<ApprovalGroup>,
    pub major: Vec<ApprovalGroup>,
    pub emergency: Vec<ApprovalGroup>,
}

/// The only value `approvals.standard` takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
pub enum PreApproved {
    #[default]
    #[serde(rename = "pre-approved")]
    PreApproved,
}

/// One way to satisfy a class: `count` approvals by `role`, or one approval by each of `roles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalGroup {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<Role>,
}

impl ApprovalGroup {
    fn one(role: Role, count: u32) -> Self {
        ApprovalGroup {
            role: Some(role),
            count: Some(count),
            roles: Vec::new(),
        }
    }

    fn each(roles: &[Role]) -> Self {
        ApprovalGroup {
            role: None,
            count: None,
            roles: roles.to_vec(),
        }
    }

    /// Returns what this group needs: distinct approvers per role.
    pub fn needs(&self) -> Vec<(Role, u32)> {
        let mut needs: Vec<(Role, u32)> = self.roles.iter().map(|r| (*r, 1)).collect();
        if let Some(role) = self.role {
            needs.push((role, self.count.unwrap_or(1)));
        }
        needs
    }

    /// Describes the group for messages: `3 × cab`, `ciso + cto`.
    pub fn describe(&self) -> String {
        self.needs()
            .iter()
            .map(|(role, n)| {
                if *n == 1 {
                    role.to_string()
                } else {
                    format!("{n} × {role}")
                }
            })
            .collect::<Vec<_>>()
            .join(" + ")
    }
}

/// Reads the role lists, trimming each entry (a stray space would lock its
/// holder out without a word) and refusing one that is not an email.
pub(super) fn role_members<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<Role, Vec<String>>, D::Error> {
    let mut roles = BTreeMap::<Role, Vec<String>>::deserialize(deserializer)?;
    for (role, members) in roles.iter_mut() {
        for member in members.iter_mut() {
            let email = member.trim();
            let valid = email.contains('@')
                && !email.starts_with('@')
                && !email.ends_with('@')
                && !email.contains(|c: char| c.is_whitespace() || c == '<' || c == '>');
            if !valid {
                return Err(serde::de::Error::custom(format!(
                    "`{member}` under `{role}` is not an email; list each holder by their git email, e.g. `sam@example.com`"
                )));
            }
            *member = email.to_string();
        }
    }
    Ok(roles)
}

impl Default for ApprovalRules {
    fn default() -> Self {
        ApprovalRules {
            standard: PreApproved::PreApproved,
            normal: vec![
                ApprovalGroup::one(Role::ChangeManager, 1),
                ApprovalGroup::one(Role::EngineeringLead, 1),
            ],
            major: vec![ApprovalGroup::one(Role::Cab, 3), ApprovalGroup::one(Role::Cto, 1)],
            emergency: vec![
                ApprovalGroup::each(&[Role::Ciso, Role::Cto]),
                ApprovalGroup::one(Role::Ceo, 1),
            ],
        }
    }
}

impl Policy {
    /// Returns the emails listed for a role.
    pub fn members(&self, role: Role) -> &[String] {
        self.roles.get(&role).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Returns true when the email is listed for the role.
    pub fn holds(&self, email: &str, role: Role) -> bool {
        self.members(role).iter().any(|m| crate::person::emails_match(m, email))
    }

    /// Returns the CAB chair's email: `cab_chair`, or the first CAB member.
    pub fn cab_chair(&self) -> Option<&str> {
        self.cab_chair
            .as_deref()
            .or_else(|| self.members(Role::Cab).first().map(String::as_str))
    }

    /// Returns the roles that approve a class, each once, in the policy's
    /// order: the one answer to "which roles does this class need".
    pub fn roles_for(&self, class: Classification) -> Vec<Role> {
        let mut roles = Vec::new();
        for (role, _) in self.approval_groups(class).iter().flat_map(ApprovalGroup::needs) {
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        roles
    }

    /// True when the CAB votes on changes of the class (a `cab` group approves it).
    pub fn cab_votes_on(&self, class: Classification) -> bool {
        self.roles_for(class).contains(&Role::Cab)
    }

    /// Returns the approval groups of a class; empty for standard (pre-approved).
    pub fn approval_groups(&self, class: Classification) -> &[ApprovalGroup] {
        match class {
            Classification::Standard => &[],
            Classification::Normal => &self.approvals.normal,
            Classification::Major => &self.approvals.major,
            Classification::Emergency => &self.approvals.emergency,
        }
    }
}
