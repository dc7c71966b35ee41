//! The rehearsal logs of the store: `changes/rehearsals/<system>.yaml`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::document::{self, Positions};
use crate::error::FileError;
use crate::record::Extensions;
use crate::rehearsal::{RehearsalLog, Rehearsals, DIR};

use super::{is_yaml_name, yaml_stem, Layout, Patched, Store};

/// The first line of every rehearsal log chg writes (see `RECORD_HEADER`).
pub const REHEARSALS_HEADER: &str = "# yaml-language-server: $schema=../schemas/rehearsals.schema.json\n";

/// A rehearsal log read from its file, with where its keys stand.
#[derive(Debug, Clone)]
pub struct LoadedLog {
    pub file: String,
    pub log: RehearsalLog,
    pub positions: Positions,
}

impl Store {
    /// Returns the folder of the rehearsal logs.
    pub fn rehearsals_dir(&self) -> PathBuf {
        self.dir.join(DIR)
    }

    /// Returns the rehearsal log of a system (the name must be valid).
    pub fn rehearsal_path(&self, system: &str) -> PathBuf {
        self.rehearsals_dir().join(format!("{system}.yaml"))
    }

    /// Lists the rehearsal log files, sorted.
    pub fn rehearsal_files(&self) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(self.rehearsals_dir()) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.file_name().is_some_and(|n| is_yaml_name(&n.to_string_lossy())))
            .collect();
        files.sort();
        files
    }

    /// Reads one rehearsal log, refusing links.
    pub fn load_log(&self, path: &Path) -> Result<LoadedLog, FileError> {
        let file = self.display(path);
        let text = self.read_checked(path)?;
        parse_log(&file, &text)
    }

    /// Reads every rehearsal log; the files that fail to parse are returned beside.
    pub fn load_logs(&self) -> (Vec<LoadedLog>, Vec<FileError>) {
        let mut logs = Vec::new();
        let mut errors = Vec::new();
        for path in self.rehearsal_files() {
            // A linked log is reported as a link (`Store::link_errors`), never read.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                continue;
            }
            match self.load_log(&path) {
                Ok(log) => logs.push(log),
                Err(e) => errors.push(e),
            }
        }
        (logs, errors)
    }

    /// Writes a system's log: a new one whole, an existing one as a patch of
    /// its own text, so a team's comments and style survive (see `write_record`).
    pub fn write_log(&self, path: &Path, log: &RehearsalLog) -> Result<Layout> {
        self.write_patched(path, log)
    }

    /// Every system's rehearsals, from the logs that parse (`chg check`
    /// reports the others).
    pub fn rehearsals(&self) -> Rehearsals {
        gather(&self.load_logs().0)
    }
}

impl LoadedLog {
    /// The file's name without `.yaml` (or `.yml`).
    pub fn stem(&self) -> &str {
        let name = self.file.rsplit('/').next().unwrap_or(&self.file);
        yaml_stem(name).unwrap_or(name)
    }

    /// True when the log's `system` is its file's name.
    pub fn names_its_file(&self) -> bool {
        self.log.system == self.stem()
    }
}

/// Parses a rehearsal log's text, `file` naming it in errors.
pub fn parse_log(file: &str, text: &str) -> Result<LoadedLog, FileError> {
    let parsed = document::parse::<RehearsalLog>(text).map_err(|error| FileError {
        file: file.to_string(),
        error,
    })?;
    Ok(LoadedLog {
        file: file.to_string(),
        log: parsed.value,
        positions: parsed.positions,
    })
}

/// Every system's rehearsals from the logs, by the system the log names.
/// A log whose `system` is not its file's name counts for nothing (`chg
/// check` reports it): a rehearsal of one system cannot be filed under another.
pub fn gather(logs: &[LoadedLog]) -> Rehearsals {
    let mut all = Rehearsals::default();
    for l in logs.iter().filter(|l| l.names_its_file()) {
        all.by_system
            .entry(l.log.system.clone())
            .or_default()
            .extend(l.log.rehearsals.iter().cloned());
    }
    all
}

/// Renders a rehearsal log's file: the schema header, then the YAML.
pub fn log_text(log: &RehearsalLog) -> Result<String> {
    Ok(format!(
        "{REHEARSALS_HEADER}{}",
        document::to_yaml(log, &Default::default())?
    ))
}

/// The `x-` keys of a log are not read into it, so a patch leaves them as they are.
static NO_EXTENSIONS: BTreeMap<String, Extensions> = BTreeMap::new();

impl Patched for RehearsalLog {
    fn read(file: &str, text: &str) -> Option<RehearsalLog> {
        parse_log(file, text).ok().map(|l| l.log)
    }
    fn extensions(&self) -> &BTreeMap<String, Extensions> {
        &NO_EXTENSIONS
    }
    fn whole_text(&self) -> Result<String> {
        log_text(self)
    }
}
