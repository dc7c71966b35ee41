//! Creating the files chg writes as users expect of a command-line tool:
//! their mode comes from the umask (0644 under 022), like `>` in a shell.
//! tempfile's default of 0600 suits secrets, not records that a team shares
//! through git or reports published on a web server.

use std::path::Path;

use tempfile::NamedTempFile;

/// Creates a temporary file in `dir`, to be renamed over `target`.
///
/// A new file gets the mode `open(2)` gives under the umask; a file that
/// replaces an existing `target` keeps that file's mode, so a rewrite by
/// `chg approve` leaves a record as readable as it was.
pub fn temp_for(dir: &Path, target: &Path) -> std::io::Result<NamedTempFile> {
    let mut builder = tempfile::Builder::new();
    builder.prefix(".chg-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(dir)?;
    if let Ok(existing) = std::fs::metadata(target) {
        if existing.is_file() {
            temp.as_file().set_permissions(existing.permissions())?;
        }
    }
    Ok(temp)
}
