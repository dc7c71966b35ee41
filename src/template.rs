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
#[serde(deny_unknown_fields)]
pub struct TemplateDeployment {
    #[serde(default)]
    pub strategy: Option<Strategy>,
    #[serde(default)]
    pub steps: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateRollback {
    #[serde(default)]
    pub plan: Option<String>,
    #[serde(default)]
    pub kind: Option<RollbackKind>,
}

/// The templates `chg init` writes, by file name.
pub const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "certificate-renewal",
        r#"# Standard change: renew a TLS certificate before it expires.
---
name: Certificate renewal
title: Renew TLS certificate
description: |
  Renew the TLS certificate through the ACME client and reload the
  terminating proxies. No downtime; old certificate stays valid until expiry.
risk: {impact: low, likelihood: low}
systems: []
deployment:
  strategy: rolling
  steps:
    - issue the new certificate with the ACME client
    - deploy the certificate to the secret store
    - reload the proxies one at a time
    - check the served certificate's expiry date
rollback:
  plan: |
    Restore the previous certificate from the secret store's prior version
    and reload the proxies.
  kind: simple
testing:
  unit: passed
  integration: not-applicable
  qa_review: not-applicable
  security_review: not-applicable
  performance: not-applicable
"#,
    ),
    (
        "log-rotation",
        r#"# Standard change: adjust log rotation and retention.
---
name: Log rotation
title: Adjust log rotation and retention
description: |
  Change the logrotate schedule or retention for a service's logs, within
  the retention limits of the data classification policy.
risk: {impact: low, likelihood: low}
systems: []
deployment:
  strategy: rolling
  steps:
    - update the logrotate configuration in the config repository
    - roll it out to the hosts in batches of 10 %
    - confirm rotation ran on the first batch
rollback:
  plan: |
    Revert the configuration commit and roll it out again.
  kind: simple
testing:
  unit: passed
  integration: not-applicable
  qa_review: not-applicable
  security_review: not-applicable
  performance: not-applicable
"#,
    ),
    (
        "security-patching",
        r#"# Standard change: apply vendor security patches through the patch pipeline.
---
name: Automated security patching
title: Apply automated security patches
description: |
  Apply the month's OS and package security patches through the automated
  patch pipeline, node by node, draining each node first.
risk: {impact: low, likelihood: low}
systems: []
deployment:
  strategy: rolling
  steps:
    - drain the node
    - apply patches and reboot
    - run the node health checks
    - return the node to service
rollback:
  plan: |
    Reimage the node from the previous golden image and return it to service.
  kind: simple
testing:
  unit: passed
  integration: passed
  qa_review: not-applicable
  security_review: not-applicable
  performance: not-applicable
"#,
    ),
];
