//! Standard-change templates: the pre-approved procedures of the catalogue
//! in `changes/templates/`, which pre-fill a standard change.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::record::{Risk, RollbackKind, Strategy, Testing};

/// One catalogue entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// A short name shown in lists.
    pub name: String,
    /// The title a new change gets.
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    pub risk: Risk,
    #[serde(default)]
    pub systems: Vec<String>,
    #[serde(default)]
    pub deployment: TemplateDeployment,
    #[serde(default)]
    pub rollback: TemplateRollback,
    #[serde(default)]
    pub testing: Testing,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TemplateDeployment {
    pub strategy: Option<Strategy>,
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TemplateRollback {
    pub plan: Option<String>,
    pub kind: Option<RollbackKind>,
}

/// The templates `chg init` writes, by file name: YAML documents kept as
/// files in `src/templates/`, so they read and validate as the catalogue does.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "certificate-renewal",
        include_str!("templates/certificate-renewal.yaml"),
    ),
    ("log-rotation", include_str!("templates/log-rotation.yaml")),
    ("security-patching", include_str!("templates/security-patching.yaml")),
];
