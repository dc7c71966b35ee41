//! Writing the store's files: new records with the next free id, and
//! changes to a record or a rehearsal log as patches of the file's own text.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

use crate::document;
use crate::record::{Extensions, Record};

use super::paths::{self, YAML_ENDINGS};
use super::{record_text, Store};

/// A document chg changes by patching its file's own text: a record or a
/// rehearsal log.
pub(crate) trait Patched: serde::Serialize + PartialEq + Sized {
    /// Reads the file's text; `None` when it does not parse.
    fn read(file: &str, text: &str) -> Option<Self>;
    /// Its `x-` keys, by the path of the mapping that holds them.
    fn extensions(&self) -> &BTreeMap<String, Extensions>;
    /// The whole file, as chg writes a new one.
    fn whole_text(&self) -> Result<String>;
}

impl Patched for Record {
    fn read(file: &str, text: &str) -> Option<Record> {
        Store::parse_record(file, text).ok().map(|l| l.record)
    }
    fn extensions(&self) -> &BTreeMap<String, Extensions> {
        &self.extensions
    }
    fn whole_text(&self) -> Result<String> {
        record_text(self)
    }
}

/// Whether a write kept the file's own layout (comments, quoting, style).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub enum Layout {
    Kept,
    /// The file was written whole: a patch would not have read back right.
    Lost,
}

impl Layout {
    /// The warning a write that lost the layout of `file` owes the user.
    pub fn warning(self, file: &str) -> Option<String> {
        (self == Layout::Lost).then(|| {
            format!(
                "warning: could not keep the layout of {file}; rewrote it whole, so its comments and formatting may have changed"
            )
        })
    }
}

impl Store {
    /// Creates a new record file with the next free id of `year`: the file is
    /// written whole to a temporary file and linked into place only if no file
    /// of that name exists, so concurrent creators never share an id.
    pub fn create_record(&self, year: i32, record: Record) -> Result<(Record, PathBuf)> {
        let (record, path, _) = self.create_with(year, record, YAML_ENDINGS[0], |record| {
            Ok((record_text(record)?, Layout::Kept))
        })?;
        Ok((record, path))
    }

    /// Copies `record`, read from `from`, to the next free id of `year`, in a
    /// file of the same ending, patching only its `id` line, so the copy keeps
    /// the file's comments and layout (see `write_record` for when it cannot).
    pub fn renumber_record(&self, year: i32, record: Record, from: &Path) -> Result<(Record, PathBuf, Layout)> {
        let ending = paths::yaml_ending(&from.to_string_lossy());
        self.create_with(year, record, ending, |record| self.patched_or_whole(from, record))
    }

    fn create_with(
        &self,
        year: i32,
        mut record: Record,
        ending: &str,
        text_of: impl Fn(&Record) -> Result<(String, Layout)>,
    ) -> Result<(Record, PathBuf, Layout)> {
        let year_dir = self.dir.join(year.to_string());
        std::fs::create_dir_all(&year_dir).with_context(|| format!("cannot create {}", self.display(&year_dir)))?;
        let mut number = self.highest_number(year)? + 1;
        for _ in 0..10_000 {
            record.id = crate::id::format(year, number);
            let path = self.new_record_path(year, &record.id, ending);
            let (text, layout) = text_of(&record)?;
            let temp = self.temp_file(&year_dir, &path, text.as_bytes())?;
            match temp.persist_noclobber(&path) {
                Ok(_) => return Ok((record, path, layout)),
                Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => number += 1,
                Err(e) => return Err(e.error).with_context(|| format!("cannot write {}", self.display(&path))),
            }
        }
        bail!("cannot find a free id in {}", self.display(&year_dir))
    }

    /// Replaces a record's file atomically (temporary file, then rename).
    ///
    /// The file's own text is patched with only what changed, so comments,
    /// quoting and layout the action did not touch survive and the commit
    /// shows just the action. A patch is written only if it reads back as
    /// exactly `record`; otherwise (a file the patcher cannot edit, such as
    /// an alias whose anchor the change moves) the record is written whole,
    /// since a correct record matters more than a small diff, and the
    /// returned `Layout::Lost` tells the caller to say so.
    pub fn write_record(&self, path: &Path, record: &Record) -> Result<Layout> {
        self.write_patched(path, record)
    }

    /// Writes `new` over the file at `path` as `write_record` does; a file
    /// not there yet is written whole.
    pub(crate) fn write_patched<T: Patched>(&self, path: &Path, new: &T) -> Result<Layout> {
        let (text, layout) = if std::fs::symlink_metadata(path).is_err() {
            (new.whole_text()?, Layout::Kept)
        } else {
            self.patched_or_whole(path, new)?
        };
        self.write_atomic(path, text.as_bytes())?;
        Ok(layout)
    }

    /// Returns the file at `path` with only the change to `new` applied, when
    /// the result reads back as exactly `new`; else `new` written whole.
    fn patched_or_whole<T: Patched>(&self, path: &Path, new: &T) -> Result<(String, Layout)> {
        let file = self.display(path);
        let patched = self.read_checked(path).ok().and_then(|text| {
            let before = T::read(&file, &text)?;
            let patched = document::patch(&text, &before, before.extensions(), new, new.extensions())?;
            (T::read(&file, &patched)? == *new).then_some(patched)
        });
        Ok(match patched {
            Some(text) => (text, Layout::Kept),
            None => (new.whole_text()?, Layout::Lost),
        })
    }

    /// Writes a file atomically: never a half file, whatever interrupts it.
    pub fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        let dir = path.parent().unwrap_or(&self.dir);
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", self.display(dir)))?;
        let temp = self.temp_file(dir, path, bytes)?;
        temp.persist(path)
            .map_err(|e| e.error)
            .with_context(|| format!("cannot write {}", self.display(path)))?;
        Ok(())
    }

    fn temp_file(&self, dir: &Path, target: &Path, bytes: &[u8]) -> Result<tempfile::NamedTempFile> {
        let mut temp = crate::files::temp_for(dir, target)
            .with_context(|| format!("cannot create a temporary file in {}", self.display(dir)))?;
        temp.write_all(bytes)?;
        temp.as_file().sync_all()?;
        Ok(temp)
    }
}
