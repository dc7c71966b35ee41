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
            && report.lines().any(|l| {
                l.contains("Good \"git\" signature for") && l.to_ascii_lowercase().contains(&email.to_ascii_lowercase())
            });
        Ok(good)
    }
}
