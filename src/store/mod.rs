//! The store: the `changes/` folder of a git work tree, its paths, id
//! allocation and atomic writes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};

use crate::document::{self, DocumentError, Positions};
use crate::error::FileError;
use crate::git::{Actor, Repo};
use crate::policy::Policy;
use crate::record::Record;
use crate::rule::Rule;
use crate::template::Template;

mod files;
mod paths;
mod rehearsals;
mod write;

pub use files::StoreLock;
use files::{normalize, Files};
use paths::YAML_ENDINGS;
pub use paths::{is_yaml_name, is_year_name, record_id, yaml_stem};
pub use rehearsals::{gather, log_text, parse_log, LoadedLog};
pub use write::Layout;
pub(crate) use write::Patched;

/// The first line of every record chg writes: editors with the YAML
/// language server validate and complete the record against the schema that
/// `chg init` wrote to `<store>/schemas/` (records are in `<store>/<year>/`).
pub const RECORD_HEADER: &str = "# yaml-language-server: $schema=../schemas/change.schema.json\n";

/// Renders a record's file: the schema header, then the YAML.
pub fn record_text(record: &Record) -> Result<String> {
    Ok(format!(
        "{RECORD_HEADER}{}",
        document::to_yaml(record, &record.extensions)?
    ))
}

/// The name of the store folder at the root of the work tree.
pub const STORE_DIR: &str = "changes";

/// A change store and the repository it lives in.
pub struct Store {
    dir: PathBuf,
    /// The work tree, normalized; reading files needs only this, so
    /// threads can read records while `repo` (not `Sync`) stays here.
    files: Files,
    repo: Repo,
}

/// A record read from its file, with where its keys stand.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The path relative to the work tree, as findings print it.
    pub file: String,
    pub record: Record,
    pub positions: Positions,
}

impl Store {
    /// Finds the store: `explicit` (from `--store` or `CHG_STORE`), else
    /// `changes/` at the root of the work tree that holds the current folder.
    pub fn locate(explicit: Option<&Path>) -> Result<Store> {
        let cwd = std::env::current_dir().context("cannot read the current folder")?;
        let (repo, dir) = match explicit {
            Some(dir) => {
                let dir = cwd.join(dir);
                // `chg init --store ops/changes` may name folders not made yet.
                let probe = dir.ancestors().find(|d| d.exists()).unwrap_or(&cwd).to_path_buf();
                let repo = Repo::discover(&probe)?;
                (repo, dir)
            }
            None => {
                let repo = Repo::discover(&cwd)?;
                let dir = repo.workdir().join(STORE_DIR);
                (repo, dir)
            }
        };
        let dir = normalize(&dir);
        let workdir = normalize(repo.workdir());
        if !dir.starts_with(&workdir) {
            bail!(
                "the store {} is outside the git work tree {}\n  hint: pass a `--store` folder inside the work tree",
                dir.display(),
                workdir.display()
            );
        }
        Ok(Store {
            dir,
            files: Files { workdir },
            repo,
        })
    }

    /// Fails with a hint to run `chg init` when the store folder does not exist.
    pub fn require_exists(&self) -> Result<()> {
        if !self.dir.is_dir() {
            bail!(
                "no change store: {} does not exist\n  hint: run `chg init` to create it, or pass `--store DIR`",
                self.display(&self.dir)
            );
        }
        Ok(())
    }

    /// Returns the store folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Returns the store folder relative to the work tree (`changes`), as git names it.
    pub fn prefix(&self) -> String {
        self.display(&self.dir)
    }

    /// Shows the progress of long walks of the store's history, or not.
    pub fn show_progress(mut self, on: bool) -> Store {
        self.repo.show_progress(on);
        self
    }

    /// Returns the repository.
    pub fn repo(&self) -> &Repo {
        &self.repo
    }

    /// Returns the policy file's path.
    pub fn policy_path(&self) -> PathBuf {
        self.dir.join("policy.yaml")
    }

    /// Returns the template catalogue's folder.
    pub fn templates_dir(&self) -> PathBuf {
        self.dir.join("templates")
    }

    /// Returns the folder of the JSON Schemas that `chg init` writes.
    pub fn schemas_dir(&self) -> PathBuf {
        self.dir.join("schemas")
    }

    /// Returns where the record with this id lives (the id must be valid):
    /// its file in the work tree, saved as `.yaml` or `.yml`, else where a
    /// new one goes.
    pub fn record_path(&self, year: i32, id: &str) -> PathBuf {
        YAML_ENDINGS
            .iter()
            .map(|ending| self.new_record_path(year, id, ending))
            .find(|path| std::fs::symlink_metadata(path).is_ok())
            .unwrap_or_else(|| self.new_record_path(year, id, YAML_ENDINGS[0]))
    }

    fn new_record_path(&self, year: i32, id: &str, ending: &str) -> PathBuf {
        self.dir.join(year.to_string()).join(format!("{id}{ending}"))
    }

    /// Returns a path relative to the work tree, with `/`, as findings show it.
    pub fn display(&self, path: &Path) -> String {
        self.files.display(path)
    }

    /// Returns the path relative to the work tree.
    pub fn relative(&self, path: &Path) -> PathBuf {
        PathBuf::from(self.display(path))
    }

    /// Reads the policy; a missing file means every default.
    pub fn policy(&self) -> Result<Policy> {
        let path = self.policy_path();
        if !path.exists() {
            return Ok(Policy::default());
        }
        let text = self.read_checked(&path)?;
        let parsed = document::parse::<Policy>(&text).map_err(|error| FileError {
            file: self.display(&path),
            error,
        })?;
        let mut policy = parsed.value;
        policy.source = crate::policy::Source {
            file: self.display(&path),
            positions: parsed.positions,
        };
        Ok(policy)
    }

    /// Reads a store file, refusing symlinks.
    fn read_checked(&self, path: &Path) -> Result<String, FileError> {
        self.files.read_checked(path)
    }

    /// Lists the record files, sorted: `changes/<year>/*.yaml`.
    pub fn record_files(&self) -> Result<Vec<PathBuf>> {
        let mut files = Vec::new();
        let entries =
            std::fs::read_dir(&self.dir).with_context(|| format!("cannot read {}", self.display(&self.dir)))?;
        for entry in entries {
            let entry = entry?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !is_year_name(name) {
                continue;
            }
            // A year folder that is a link is listed as it is, so that reading
            // it reports the link instead of following it.
            if entry.file_type()?.is_symlink() {
                files.push(entry.path());
                continue;
            }
            if !entry.path().is_dir() {
                continue;
            }
            for file in std::fs::read_dir(entry.path())? {
                let file = file?;
                let path = file.path();
                let file_name = file.file_name();
                let file_name = file_name.to_string_lossy();
                if !is_yaml_name(&file_name) {
                    continue;
                }
                files.push(path);
            }
        }
        files.sort();
        Ok(files)
    }

    /// Lists the files chg reads in the store, as `display` names them: the
    /// policy, the templates, the rehearsal logs and the records.
    pub fn known_files(&self) -> Result<BTreeSet<String>> {
        let mut known: BTreeSet<String> = self.record_files()?.iter().map(|p| self.display(p)).collect();
        known.insert(self.display(&self.policy_path()));
        known.extend(self.rehearsal_files().iter().map(|p| self.display(p)));
        if let Ok(entries) = std::fs::read_dir(self.templates_dir()) {
            for entry in entries.flatten() {
                if is_yaml_name(&entry.file_name().to_string_lossy()) {
                    known.insert(self.display(&entry.path()));
                }
            }
        }
        Ok(known)
    }

    /// Lists the YAML files in the store that chg never reads (not the policy,
    /// a template or a record in a year folder), sorted: a record saved in the
    /// wrong folder would otherwise escape every rule without a word.
    pub fn stray_files(&self) -> Result<Vec<PathBuf>> {
        let known = self.known_files()?;
        let mut stray = Vec::new();
        let mut dirs = vec![self.dir.clone()];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().to_string();
                if name.starts_with('.') {
                    continue;
                }
                // The entry's own type: a symlink to a folder is not walked.
                let Ok(kind) = entry.file_type() else { continue };
                if kind.is_dir() {
                    dirs.push(entry.path());
                } else if is_yaml_name(&name) && !known.contains(&self.display(&entry.path())) {
                    stray.push(entry.path());
                }
            }
        }
        stray.sort();
        Ok(stray)
    }

    /// Every symbolic link in the store folder (the folder itself included),
    /// as the located `symlink` error reading it gives, sorted. Links are
    /// listed, never followed: a link to a folder is not walked into.
    pub fn link_errors(&self) -> Vec<FileError> {
        let mut links = Vec::new();
        let mut dirs = vec![self.dir.clone()];
        if std::fs::symlink_metadata(&self.dir).is_ok_and(|m| m.file_type().is_symlink()) {
            links.push(self.dir.clone());
            dirs.clear();
        }
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.flatten() {
                let Ok(kind) = entry.file_type() else { continue };
                if kind.is_symlink() {
                    links.push(entry.path());
                } else if kind.is_dir() {
                    dirs.push(entry.path());
                }
            }
        }
        links.sort();
        links
            .iter()
            .filter_map(|path| self.files.read_checked(path).err())
            .collect()
    }

    /// Reads and parses one record file.
    pub fn load(&self, path: &Path) -> Result<Loaded, FileError> {
        self.files.load(path)
    }

    /// Parses a record's text, `file` naming it in errors.
    pub fn parse_record(file: &str, text: &str) -> Result<Loaded, FileError> {
        let parsed = document::parse::<Record>(text).map_err(|error| FileError {
            file: file.to_string(),
            error,
        })?;
        let mut record = parsed.value;
        record.extensions = parsed.extensions;
        if record.schema_version != 1 {
            return Err(FileError {
                file: file.to_string(),
                error: DocumentError {
                    rule: Rule::Schema,
                    position: parsed.positions.of("schema_version"),
                    message: format!("schema_version {} is not supported", record.schema_version),
                    hint: "this chg reads schema_version 1; upgrade chg or fix the number".into(),
                },
            });
        }
        Ok(Loaded {
            file: file.to_string(),
            record,
            positions: parsed.positions,
        })
    }

    /// Reads every record; the files that fail to parse are returned beside.
    pub fn load_all(&self) -> Result<(Vec<Loaded>, Vec<FileError>)> {
        self.load_every(true)
    }

    /// Reads every record, keeping each one's text (to locate findings) only
    /// when `with_positions`: without, 100,000 records take 120 MB less.
    fn load_every(&self, with_positions: bool) -> Result<(Vec<Loaded>, Vec<FileError>)> {
        let mut loaded = Vec::new();
        let mut errors = Vec::new();
        // Parsing dominates; records are independent, so every core parses.
        let files = &self.files;
        let load = |path: &PathBuf| {
            files.load(path).map(|mut l| {
                if !with_positions {
                    l.positions = Positions::default();
                }
                l
            })
        };
        for result in crate::parallel::map(&self.record_files()?, load) {
            match result {
                Ok(l) => loaded.push(l),
                Err(e) => errors.push(e),
            }
        }
        Ok((loaded, errors))
    }

    /// Reads every record, failing on the first file that does not parse.
    /// The records carry no positions: these callers read, they do not judge.
    pub fn load_all_strict(&self) -> Result<Vec<Loaded>> {
        let (loaded, errors) = self.load_every(false)?;
        if let Some(first) = errors.into_iter().next() {
            return Err(anyhow!(first)).context("a record does not parse; `chg check` lists every problem");
        }
        Ok(loaded)
    }

    /// Finds one record by id; an unknown id names the closest existing ones.
    pub fn find(&self, id: &str) -> Result<Loaded> {
        let (year, _) = crate::id::validate(id).map_err(|m| anyhow!("{m}"))?;
        let path = self.record_path(year, id);
        if path.exists() || std::fs::symlink_metadata(&path).is_ok() {
            return Ok(self.load(&path)?);
        }
        let ids: Vec<String> = self
            .record_files()
            .unwrap_or_default()
            .iter()
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().to_string()))
            .collect();
        let near = crate::suggest::nearest(id, ids.iter().map(String::as_str), 3);
        let hint = if near.is_empty() {
            "the store has no records yet; `chg new` creates one".to_string()
        } else {
            format!("closest existing ids: {}", near.join(", "))
        };
        bail!("no change `{id}` in {}\n  hint: {hint}", self.display(&self.dir))
    }

    /// Reads the standard-change catalogue, by template name.
    pub fn templates(&self) -> Result<BTreeMap<String, Template>> {
        let mut templates = BTreeMap::new();
        let dir = self.templates_dir();
        if !dir.is_dir() {
            return Ok(templates);
        }
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.file_name().is_some_and(|n| is_yaml_name(&n.to_string_lossy())))
            .collect();
        paths.sort();
        for path in paths {
            let text = self.read_checked(&path)?;
            let parsed = document::parse::<Template>(&text).map_err(|error| FileError {
                file: self.display(&path),
                error,
            })?;
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().to_string())
                .unwrap_or_default();
            templates.insert(name, parsed.value);
        }
        Ok(templates)
    }

    /// Returns the highest record number for a year in the work tree and on
    /// every local and remote-tracking branch.
    pub fn highest_number(&self, year: i32) -> Result<u32> {
        let mut names: Vec<String> = Vec::new();
        let year_dir = self.dir.join(year.to_string());
        if year_dir.is_dir() {
            for entry in std::fs::read_dir(&year_dir)? {
                names.push(entry?.file_name().to_string_lossy().to_string());
            }
        }
        let rel = self.display(&year_dir);
        names.extend(self.repo.file_names_on_branches(&rel)?);
        let prefix = self.prefix();
        Ok(names
            .iter()
            .map(|name| format!("{rel}/{name}"))
            .filter_map(|path| record_id(&prefix, &path).and_then(crate::id::parse))
            .filter(|(y, _)| *y == year)
            .map(|(_, n)| n)
            .max()
            .unwrap_or(0))
    }

    /// Takes the store's write lock (`.git/chg.lock`), waiting while another chg
    /// holds it, so read-modify-write-commit sequences never interleave. The
    /// operating system releases it when the process ends, even when killed.
    pub fn lock(&self) -> Result<StoreLock> {
        let path = self.repo.git_dir().join("chg.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot open the lock file {}", path.display()))?;
        file.lock().with_context(|| format!("cannot lock {}", path.display()))?;
        self.sweep_temporary_files();
        Ok(StoreLock { _file: file })
    }

    /// Removes temporary files that a killed chg left behind. Only called with
    /// the lock held, so no other chg is writing one at the same time.
    fn sweep_temporary_files(&self) {
        let mut dirs = vec![self.dir.clone(), self.templates_dir()];
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            dirs.extend(entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()));
        }
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else { continue };
            for entry in entries.filter_map(|e| e.ok()) {
                let name = entry.file_name();
                let name = name.to_string_lossy();
                if name.starts_with(".chg-") && name.ends_with(".tmp") {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }

    /// Commits the given files with the actor's identity.
    pub fn commit(&self, paths: &[&Path], message: &str, actor: &Actor) -> Result<()> {
        let mut contents = Vec::new();
        for path in paths {
            let bytes = if path.exists() {
                Some(std::fs::read(path)?)
            } else {
                None
            };
            contents.push((self.relative(path), bytes));
        }
        let files: Vec<(&Path, Option<&[u8]>)> = contents.iter().map(|(p, b)| (p.as_path(), b.as_deref())).collect();
        self.repo.commit_files(&files, message, actor)?;
        Ok(())
    }
}

impl Store {
    /// Reads every record as committed at `rev` (a commit id, branch or tag)
    /// instead of from the work tree, failing on the first that does not parse.
    pub fn load_all_at(&self, rev: &str) -> Result<Vec<Loaded>> {
        let commit = self.repo.resolve(rev)?;
        let prefix = self.display(&self.dir);
        let mut loaded = Vec::new();
        for (path, blob) in self.repo.files_at(commit, &prefix)? {
            if record_id(&prefix, &path).is_none() {
                continue;
            }
            let file = format!("{path} at {rev}");
            let text = self
                .repo
                .blob_text(blob)
                .with_context(|| format!("cannot read {file}"))?;
            let record = Self::parse_record(&file, &text)
                .map_err(|e| anyhow!(e))
                .context("a record does not parse at that revision")?;
            loaded.push(Loaded { file: path, ..record });
        }
        Ok(loaded)
    }
}
