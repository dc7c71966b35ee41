//! The reports of guide section 9.4: weekly CAB, monthly management,
//! quarterly executive. Each builds its data, then a `render::Document`.

pub mod monthly;
pub mod weekly;

use anyhow::{Context as _, Result};
use serde::Serialize;

use crate::cli::Format;
use crate::render::{self, Document};

/// Renders report data in the chosen format: JSON is the data itself, the others the laid-out document.
pub fn render<T: Serialize>(data: &T, doc: &Document, format: Format, color: bool) -> Result<String> {
    Ok(match format {
        Format::Json => format!("{}\n", serde_json::to_string_pretty(data)?),
        Format::Markdown => render::markdown(doc),
        Format::Html => render::html(doc),
        _ => render::terminal(doc, color),
    })
}

/// Writes the report to `--output FILE` (atomically) or stdout.
pub fn emit(text: &str, output: Option<&std::path::Path>, quiet: bool) -> Result<()> {
    match output {
        None => crate::output::print(text),
        Some(path) => {
            let dir = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            let mut temp =
                tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
            std::io::Write::write_all(&mut temp, text.as_bytes())?;
            temp.persist(path)
                .map_err(|e| e.error)
                .with_context(|| format!("cannot write {}", path.display()))?;
            if !quiet {
                eprintln!("Wrote {}", path.display());
            }
            Ok(())
        }
    }
}
