//! Where a rendered output goes: standard output, or the file `--output`
//! names, written atomically; only a regular file is ever replaced.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _, Result};

/// Where `--output` sends a report: the path as given, and the file written.
#[derive(Debug)]
pub struct Output {
    pub given: PathBuf,
    pub target: PathBuf,
}

/// Resolves `--output PATH` before any work is done. None and `-` mean
/// standard output. A regular file, or a path where nothing is yet, is
/// written (replaced atomically); a symbolic link is followed and the file it
/// points to is written, the link kept. Anything else (a FIFO, a device, a
/// folder, a link to nothing) is refused: a report replaces only a report.
pub fn output_target(path: Option<&Path>) -> Result<Option<Output>> {
    let Some(given) = path.filter(|p| *p != Path::new("-")) else {
        return Ok(None);
    };
    let shown = given.display();
    let target = match std::fs::symlink_metadata(given) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => given.to_path_buf(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {shown}")),
        Ok(meta) if meta.file_type().is_symlink() => match std::fs::canonicalize(given) {
            Ok(target) => {
                let meta = std::fs::metadata(&target).with_context(|| format!("cannot read {}", target.display()))?;
                refuse_unless_file(given, &meta)?;
                target
            }
            Err(_) => {
                let points_to = std::fs::read_link(given)
                    .map(|t| t.display().to_string())
                    .unwrap_or_default();
                bail!(
                    "{shown} is a symbolic link to `{points_to}`, which does not exist\n  hint: create the file it points to, or give another --output path"
                );
            }
        },
        Ok(meta) => {
            refuse_unless_file(given, &meta)?;
            given.to_path_buf()
        }
    };
    Ok(Some(Output {
        given: given.to_path_buf(),
        target,
    }))
}

fn refuse_unless_file(given: &Path, meta: &std::fs::Metadata) -> Result<()> {
    if meta.is_file() {
        return Ok(());
    }
    let kind = file_kind(meta);
    bail!(
        "{} is {kind}, not a regular file; chg writes a report only to a regular file and never replaces anything else\n  hint: write to standard output with `--output -` (or no --output) and redirect it where you want it",
        given.display()
    )
}

/// Names what a non-regular file is, for the refusal.
fn file_kind(meta: &std::fs::Metadata) -> &'static str {
    let kind = meta.file_type();
    if kind.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "a device";
        }
        if kind.is_socket() {
            return "a socket";
        }
    }
    "not a file"
}

/// Writes the report to the `--output` file (atomically) or stdout.
pub fn emit(text: &str, output: Option<&Output>, quiet: bool) -> Result<()> {
    let Some(output) = output else {
        return super::print(text);
    };
    let target = &output.target;
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temp = crate::files::temp_for(dir, target).with_context(|| format!("cannot write in {}", dir.display()))?;
    std::io::Write::write_all(&mut temp, text.as_bytes())?;
    temp.persist(target)
        .map_err(|e| e.error)
        .with_context(|| format!("cannot write {}", target.display()))?;
    if !quiet {
        if *target == output.given {
            eprintln!("Wrote {}", target.display());
        } else {
            eprintln!(
                "Wrote {} (through the link {})",
                target.display(),
                output.given.display()
            );
        }
    }
    Ok(())
}
