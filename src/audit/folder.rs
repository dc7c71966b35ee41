//! The evidence folder on disk: written whole into a temporary folder beside
//! the target and renamed into place, so no reader ever sees half of it; a
//! `manifest.sha256` that `sha256sum -c` reads; and its verification.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};

use super::evidence::sha256_hex;

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.sha256";

/// The files of a folder, by relative path with `/`.
pub type Files = BTreeMap<String, Vec<u8>>;

/// Refuses a target that exists and is not an empty folder.
pub fn check_target(dir: &Path) -> Result<()> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() {
                bail!(
                    "{} is not empty\n  hint: give a new folder (`--output audit-2026-Q3`); chg never writes over evidence",
                    dir.display()
                );
            }
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => bail!(
            "{} is a file, not a folder\n  hint: give a new folder for the evidence",
            dir.display()
        ),
        Err(e) => Err(anyhow!(e).context(format!("cannot read {}", dir.display()))),
    }
}

/// The manifest text: `<sha256>  <path>` per file, sorted, as `sha256sum` writes it.
pub fn manifest(files: &Files) -> String {
    files
        .iter()
        .filter(|(name, _)| name.as_str() != MANIFEST)
        .map(|(name, bytes)| format!("{}  {name}\n", sha256_hex(bytes)))
        .collect()
}

/// Writes the files and their manifest into a temporary folder beside `dir`,
/// then renames it to `dir`. An empty `dir` is replaced.
pub fn write(dir: &Path, files: &Files) -> Result<()> {
    check_target(dir)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let temp = tempfile::Builder::new()
        .prefix(".chg-audit-")
        .tempdir_in(&parent)
        .with_context(|| format!("cannot make a temporary folder in {}", parent.display()))?;
    let mut all = files.clone();
    all.insert(MANIFEST.into(), manifest(files).into_bytes());
    for (name, bytes) in &all {
        if name
            .split('/')
            .any(|part| part.is_empty() || part == "." || part == "..")
        {
            bail!("internal error: unsafe file name {name:?} in the evidence folder");
        }
        let path = temp.path().join(name);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).with_context(|| format!("cannot create {}", folder.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    // An empty target folder is removed so the rename can take its place.
    if dir.exists() {
        std::fs::remove_dir(dir).with_context(|| format!("cannot replace the empty folder {}", dir.display()))?;
    }
    let kept = temp.keep();
    std::fs::rename(&kept, dir).with_context(|| {
        let _ = std::fs::remove_dir_all(&kept);
        format!("cannot move the evidence into {}", dir.display())
    })?;
    Ok(())
}

/// Reads every file under `dir` (no links followed), by relative path.
pub fn read(dir: &Path) -> Result<Files> {
    fn walk(root: &Path, at: &Path, out: &mut Files) -> Result<()> {
        let entries = std::fs::read_dir(at).with_context(|| format!("cannot read {}", at.display()))?;
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            let path = entry.path();
            let name = path
                .strip_prefix(root)
                .map_err(|_| anyhow!("{} is outside {}", path.display(), root.display()))?
                .to_string_lossy()
                .replace('\\', "/");
            if kind.is_dir() {
                walk(root, &path, out)?;
            } else if kind.is_symlink() {
                // A link is never evidence: it is reported as a file the manifest does not hold.
                out.insert(name, Vec::new());
            } else {
                out.insert(
                    name,
                    std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?,
                );
            }
        }
        Ok(())
    }
    let mut out = Files::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// Compares a folder with its manifest: each problem in words.
pub fn check_manifest(files: &Files) -> Result<Vec<String>> {
    let text = files
        .get(MANIFEST)
        .ok_or_else(|| anyhow!("the folder has no {MANIFEST}\n  hint: give a folder `chg audit` wrote"))?;
    let text = String::from_utf8_lossy(text);
    let mut problems = Vec::new();
    let mut listed = std::collections::BTreeSet::new();
    for (n, line) in text.lines().enumerate() {
        let Some((hash, name)) = line.split_once("  ") else {
            problems.push(format!("{MANIFEST}:{}: not a `<sha256>  <file>` line", n + 1));
            continue;
        };
        listed.insert(name.to_string());
        match files.get(name) {
            None => problems.push(format!("{name}: listed in the manifest but missing")),
            Some(bytes) if sha256_hex(bytes) != hash => problems.push(format!(
                "{name}: changed since it was written (its SHA-256 differs from the manifest)"
            )),
            Some(_) => {}
        }
    }
    for name in files.keys() {
        if name != MANIFEST && !listed.contains(name) {
            problems.push(format!(
                "{name}: not in the manifest (added after the folder was written)"
            ));
        }
    }
    Ok(problems)
}
