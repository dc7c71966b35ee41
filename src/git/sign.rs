//! Signature checks: git's own verification against the policy's keys.

use std::collections::BTreeMap;
use std::io::Write as _;

use anyhow::{Context as _, Result};

use super::{ObjectId, Repo};

/// The policy's signing keys, written as a git allowed-signers file.
pub struct AllowedSigners {
    file: tempfile::NamedTempFile,
}

impl AllowedSigners {
    /// Writes one `principal namespaces="git" key` line per listed key.
    pub fn new(keys: &BTreeMap<String, String>) -> Result<AllowedSigners> {
        let mut file = tempfile::NamedTempFile::new().context("cannot write a temporary allowed-signers file")?;
        for (email, key) in keys {
            // One principal per line; a key with a newline in it cannot add lines.
            let key = key.lines().next().unwrap_or("").trim();
            writeln!(file, "{email} namespaces=\"git\" {key}")?;
        }
        file.flush()?;
        Ok(AllowedSigners { file })
    }

    /// The file git reads (`gpg.ssh.allowedSignersFile`).
    pub fn path(&self) -> &std::path::Path {
        self.file.path()
    }
}

impl Repo {
    /// Returns true when the commit carries a signature git verifies against
    /// the allowed signers for `email`.
    pub fn commit_signed_by(&self, commit: ObjectId, email: &str, signers: &AllowedSigners) -> Result<bool> {
        // git's own verification, so the trust rules are exactly git's; no shell is involved.
        let output = std::process::Command::new("git")
            .arg("-C")
            .arg(&self.workdir)
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", signers.file.path().display()))
            .args(["verify-commit", "--raw", &commit.to_string()])
            .output()
            .context("cannot run `git verify-commit`; is git installed?")?;
        let report = String::from_utf8_lossy(&output.stderr);
        let good = output.status.success()
            && report
                .lines()
                .any(|l| signed_for(l).is_some_and(|p| same_email(p, email)));
        Ok(good)
    }
}

/// The principal of a good ssh signature line:
/// `Good "git" signature for <principal> with <kind> key SHA256:…`.
fn signed_for(line: &str) -> Option<&str> {
    let rest = line.trim().strip_prefix("Good \"git\" signature for ")?;
    let (principal, _) = rest.split_once(" with ")?;
    Some(principal.trim())
}

/// Compares two emails as the mail system does: the local part exactly, the
/// domain in any case. A key listed for `ashlee@x` never verifies `lee@x`.
fn same_email(a: &str, b: &str) -> bool {
    match (a.rsplit_once('@'), b.rsplit_once('@')) {
        (Some((la, da)), Some((lb, db))) => la == lb && da.eq_ignore_ascii_case(db),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_principal_must_be_the_approver_exactly() {
        let line = "Good \"git\" signature for ashlee@example.com with ED25519 key SHA256:abc";
        assert_eq!(signed_for(line), Some("ashlee@example.com"));
        assert!(!same_email("ashlee@example.com", "lee@example.com"));
        assert!(same_email("lee@EXAMPLE.com", "lee@example.com"));
        assert!(!same_email("Lee@example.com", "lee@example.com"));
        assert_eq!(signed_for("Bad \"git\" signature for lee@example.com with x"), None);
    }
}
