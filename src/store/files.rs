//! Reading the store's files relative to the work tree, refusing links, and
//! the lock held while a command writes.

use std::path::{Path, PathBuf};

use crate::document::{self, DocumentError, Position};
use crate::error::FileError;
use crate::rule::Rule;

use super::{Loaded, Store};

/// Reads the store's files relative to the work tree; `Sync`, for threads.
#[derive(Debug, Clone)]
pub(super) struct Files {
    pub(super) workdir: PathBuf,
}

/// Held while a command writes and commits; released when dropped.
pub struct StoreLock {
    pub(super) _file: std::fs::File,
}

impl Files {
    pub(super) fn display(&self, path: &Path) -> String {
        let path = normalize(path);
        path.strip_prefix(&self.workdir)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/")
    }

    pub(super) fn load(&self, path: &Path) -> Result<Loaded, FileError> {
        let file = self.display(path);
        let text = self.read_checked(path)?;
        Store::parse_record(&file, &text)
    }

    /// Reads a store file, refusing symbolic links: a record or year folder
    /// that is a link would show content the history never judged.
    pub(super) fn read_checked(&self, path: &Path) -> Result<String, FileError> {
        self.refuse_links(path).map_err(|message| FileError {
            file: self.display(path),
            error: DocumentError {
                rule: Rule::Symlink,
                position: Position::START,
                message,
                hint: "replace the link with the file itself; chg never follows links in the store".into(),
            },
        })?;
        document::read_text(path).map_err(|error| FileError {
            file: self.display(path),
            error,
        })
    }

    /// Fails when `path` or a folder between the work tree and it is a link.
    fn refuse_links(&self, path: &Path) -> Result<(), String> {
        let path = normalize(path);
        let mut at = path.as_path();
        loop {
            let meta = std::fs::symlink_metadata(at).map_err(|e| format!("cannot read the file: {e}"))?;
            if meta.file_type().is_symlink() {
                let target = std::fs::read_link(at)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                let outside = std::fs::canonicalize(at)
                    .ok()
                    .zip(std::fs::canonicalize(&self.workdir).ok())
                    .is_none_or(|(t, root)| !t.starts_with(root));
                return Err(format!(
                    "{} is a symlink to {target}{}",
                    self.display(at),
                    if outside { ", outside the repository" } else { "" }
                ));
            }
            match at.parent() {
                Some(parent) if parent.starts_with(&self.workdir) && parent != self.workdir => at = parent,
                _ => return Ok(()),
            }
        }
    }
}

/// Removes `.` and `..` components without touching the file system.
pub(super) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}
