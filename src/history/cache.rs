//! The history cache in `.git/chg/`: one header line, then the history as JSON.

use std::hash::Hasher;
use std::path::PathBuf;

use anyhow::Result;
use serde::{Deserialize, Serialize};

use crate::git::Repo;

use super::snapshot::{fnv, Fnv};
use super::History;

/// The cache file's first line: a version, the repository it belongs to, and
/// a checksum of the rest of the file, which is the history as JSON.
///
/// The body follows the header as it is (not as a JSON string inside it), so
/// reading a 30 MB cache parses it once from the bytes read, with no copy.
#[derive(Serialize, Deserialize)]
struct CacheHeader {
    version: u32,
    repository: String,
    checksum: u64,
}

// 4: snapshots list the approvers who must commit their own approval.
// 6: facts count from evidence times; snapshots keep the times records state.
// 7: the scope is hashed from its tree (`scope::hash_canonical`), not its text.
// 8: facts list every requester ever named; snapshots keep the requester.
// 9: facts keep the rollbacks and the gravest outcome any version recorded.
const CACHE_VERSION: u32 = 9;

pub(super) struct Cache;

/// Hashes what is read or written through it, to check the cache's body
/// while it is parsed or written.
struct Hashing<R> {
    inner: R,
    hash: Fnv,
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hash.write(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

impl<R: std::io::Read> std::io::Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hash.write(&buf[..n]);
        Ok(n)
    }
}

impl Cache {
    pub(super) fn path(repo: &Repo) -> PathBuf {
        repo.git_dir()
            .join("chg")
            .join(format!("history-v{CACHE_VERSION}.json"))
    }

    pub(super) fn identity(repo: &Repo) -> String {
        std::fs::canonicalize(repo.git_dir())
            .unwrap_or_else(|_| repo.git_dir().to_path_buf())
            .to_string_lossy()
            .into_owned()
    }

    /// Reads the cache; anything wrong with it (missing, corrupt, foreign, old) means no cache.
    ///
    /// The body is parsed as it streams from the file and hashed on the way,
    /// so the file's bytes are never all in memory beside the history.
    pub(super) fn read(repo: &Repo, path: &std::path::Path) -> Option<History> {
        use std::io::BufRead as _;
        let mut file = std::io::BufReader::with_capacity(1 << 16, std::fs::File::open(path).ok()?);
        let mut head = String::new();
        file.read_line(&mut head).ok()?;
        let header: CacheHeader = serde_json::from_str(&head).ok()?;
        if header.version != CACHE_VERSION || header.repository != Cache::identity(repo) {
            return None;
        }
        let mut body = Hashing {
            inner: file,
            hash: fnv(),
        };
        let history: History = serde_json::from_reader(&mut body).ok()?;
        // Anything after the JSON is corruption too, and must reach the hash.
        std::io::copy(&mut body, &mut std::io::sink()).ok()?;
        (body.hash.finish() == header.checksum).then_some(history)
    }

    /// Writes the cache through a temporary file. The body is serialized
    /// twice, once to hash it for the header and once into the file, so it
    /// is never held in memory (30 MB for 20,000 records).
    pub(super) fn write(repo: &Repo, path: &std::path::Path, history: &History) -> Result<()> {
        use std::io::Write as _;
        let mut hashing = Hashing {
            inner: std::io::sink(),
            hash: fnv(),
        };
        serde_json::to_writer(&mut hashing, history)?;
        let header = CacheHeader {
            version: CACHE_VERSION,
            repository: Cache::identity(repo),
            checksum: hashing.hash.finish(),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
            // Caches of earlier versions are never read again.
            for old in 1..CACHE_VERSION {
                let _ = std::fs::remove_file(dir.join(format!("history-v{old}.json")));
            }
        }
        // A uniquely named temporary file, removed if anything fails: two
        // chg runs never write into one file, and a full disk keeps no half.
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        let temp = tempfile::NamedTempFile::new_in(dir)?;
        let mut file = std::io::BufWriter::with_capacity(1 << 16, temp);
        serde_json::to_writer(&mut file, &header)?;
        file.write_all(b"\n")?;
        serde_json::to_writer(&mut file, history)?;
        let temp = file.into_inner().map_err(|e| e.into_error())?;
        temp.as_file().sync_all()?;
        temp.persist(path).map_err(|e| e.error)?;
        Ok(())
    }
}
