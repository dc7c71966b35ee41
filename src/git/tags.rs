//! What `chg audit` and `chg seal` ask of git besides the walk: the commit
//! at a moment, a commit's signature as git judges it, and annotated tags.
//! Tags are made by the `git` command so that `tag.gpgSign` and the user's
//! signing setup apply, as they do to chg's commits.

use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context as _, Result};
use chrono::{DateTime, Utc};

use super::{AllowedSigners, ObjectId, Repo};

/// A commit's signature as `git log --format=%G?…` reports it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignatureInfo {
    /// git's letter: `G` good, `B` bad, `U` good but unknown validity, `X`/`Y`
    /// expired, `R` revoked, `E` cannot be checked (no key), `N` no signature.
    pub status: String,
    /// What the letter means, in words.
    pub meaning: &'static str,
    /// The signing key's fingerprint, when there is a signature.
    pub key: String,
    /// The principal (email) the key is listed for, when git found it.
    pub signer: String,
}

/// An annotated tag: its name, the commit it points at and its message.
#[derive(Debug, Clone)]
pub struct Tag {
    pub name: String,
    pub target: ObjectId,
    pub message: String,
}

fn meaning(letter: &str) -> &'static str {
    match letter {
        "G" => "good signature",
        "B" => "bad signature",
        "U" => "good signature, key of unknown validity",
        "X" => "good signature, expired",
        "Y" => "good signature by an expired key",
        "R" => "good signature by a revoked key",
        "E" => "signature cannot be checked (key missing)",
        "N" => "not signed",
        _ => "unknown",
    }
}

impl Repo {
    /// The newest commit on the first-parent line of `tip` made before `at`
    /// (by committer time): the store as it stood at that moment.
    pub fn last_commit_before(&self, tip: ObjectId, at: DateTime<Utc>) -> Result<Option<ObjectId>> {
        let mut walk = self.inner.revwalk().context("cannot walk the history")?;
        walk.push(tip.0)?;
        walk.simplify_first_parent()?;
        for oid in walk {
            let oid = oid.context("cannot read the history")?;
            let commit = self.inner.find_commit(oid)?;
            if commit.time().seconds() < at.timestamp() {
                return Ok(Some(ObjectId(oid)));
            }
        }
        Ok(None)
    }

    /// Reports the signature of a commit as git verifies it, against the
    /// allowed signers given (the policy's keys).
    pub fn signature_of(&self, commit: ObjectId, signers: &AllowedSigners) -> Result<SignatureInfo> {
        let output = Command::new("git")
            .arg("-C")
            .arg(&self.workdir)
            .arg("-c")
            .arg(format!("gpg.ssh.allowedSignersFile={}", signers.path().display()))
            .args(["log", "-1", "--format=%G?%x00%GK%x00%GS", &commit.to_string()])
            .stdin(Stdio::null())
            .output()
            .context("cannot run `git log`; is git installed?")?;
        if !output.status.success() {
            bail!(
                "git cannot read commit {commit}: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let mut parts = text.trim_end_matches('\n').split('\0');
        let status = parts.next().unwrap_or("N").trim().to_string();
        let key = parts.next().unwrap_or("").trim().to_string();
        let signer = parts.next().unwrap_or("").trim().to_string();
        Ok(SignatureInfo {
            meaning: meaning(&status),
            status,
            key,
            signer,
        })
    }

    /// Creates the annotated tag `name` on `target` with `message`, through
    /// the `git` command: signed when git is set up to sign (`tag.gpgSign`, or
    /// `commit.gpgsign` as chg's commits are). Refuses an existing tag.
    pub fn create_tag(&self, name: &str, target: ObjectId, message: &str) -> Result<()> {
        if self.inner.refname_to_id(&format!("refs/tags/{name}")).is_ok() {
            bail!("the tag {name} exists already\n  hint: a seal is made once; `chg seal --verify` checks it");
        }
        let config = |key: &str| -> bool {
            Command::new("git")
                .arg("-C")
                .arg(&self.workdir)
                .args(["config", "--bool", key])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "true")
        };
        let sign = config("tag.gpgSign") || config("commit.gpgsign");
        let mut cmd = Command::new("git");
        cmd.arg("-C").arg(&self.workdir).arg("tag");
        cmd.arg(if sign { "-s" } else { "-a" });
        cmd.args(["--cleanup=verbatim", "-F", "-", name, &target.to_string()]);
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .context("cannot run `git tag`; is git installed?")?;
        if let Some(mut pipe) = child.stdin.take() {
            use std::io::Write as _;
            pipe.write_all(message.as_bytes()).context("cannot write to git")?;
        }
        let output = child.wait_with_output().context("git did not finish")?;
        if !output.status.success() {
            bail!(
                "git refused the tag {name}: {}\n  hint: a signing setup that fails (missing key) refuses it; fix it or unset `tag.gpgSign`",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        Ok(())
    }

    /// Every annotated tag whose name starts with `prefix`, by name.
    pub fn tags(&self, prefix: &str) -> Result<Vec<Tag>> {
        let names = self
            .inner
            .tag_names(Some(&format!("{prefix}*")))
            .context("cannot list the tags")?;
        let mut out = Vec::new();
        for name in names.iter().flatten() {
            let reference = self
                .inner
                .find_reference(&format!("refs/tags/{name}"))
                .with_context(|| format!("cannot read the tag {name}"))?;
            let Ok(tag) = reference.peel_to_tag() else {
                // A lightweight tag has no message: not a seal.
                continue;
            };
            out.push(Tag {
                name: name.to_string(),
                target: ObjectId(tag.target_id()),
                message: tag.message().unwrap_or("").to_string(),
            });
        }
        out.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(out)
    }

    /// Says whether `id` names a commit this repository holds.
    pub fn has_commit(&self, id: ObjectId) -> bool {
        self.inner.find_commit(id.0).is_ok()
    }

    /// The commit a text names (full hex id), if the repository holds it.
    pub fn commit_id(&self, hex: &str) -> Result<ObjectId> {
        let id = ObjectId::parse(hex.trim()).ok_or_else(|| anyhow!("`{hex}` is not a commit id"))?;
        if !self.has_commit(id) {
            bail!(
                "the repository has no commit {hex}\n  hint: fetch the whole history (`git fetch --unshallow --tags`)"
            );
        }
        Ok(id)
    }
}
