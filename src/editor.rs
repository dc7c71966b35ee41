//! Running the user's editor: `$VISUAL`, else `$EDITOR`, else `vi`, started
//! directly (no shell), so nothing in a record or a path is ever interpreted.

use std::path::Path;
use std::process::Command;

use anyhow::{anyhow, bail, Result};

/// Returns the editor command split into program and arguments.
pub fn command() -> Result<Vec<String>> {
    let chosen = ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|var| std::env::var(var).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string());
    let words = split_words(&chosen);
    if words.is_empty() {
        bail!("the editor command `{chosen}` is empty\n  hint: set VISUAL or EDITOR, e.g. `export EDITOR=nano`");
    }
    Ok(words)
}

/// Opens `path` in the editor and waits for it.
pub fn edit(path: &Path) -> Result<()> {
    let words = command()?;
    let status = Command::new(&words[0])
        .args(&words[1..])
        .arg(path)
        .status()
        .map_err(|e| {
            anyhow!(
                "cannot start the editor `{}`: {e}\n  hint: set VISUAL or EDITOR to an installed editor",
                words[0]
            )
        })?;
    if !status.success() {
        bail!(
            "the editor `{}` exited with {status}; the record is unchanged",
            words[0]
        );
    }
    Ok(())
}

/// Splits an editor setting like `code --wait` or `"my editor" -f` into words, honouring quotes.
fn split_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut started = false;
    for c in text.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started || !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            (None, c) => current.push(c),
        }
    }
    if started || !current.is_empty() {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_a_shell_without_running_one() {
        assert_eq!(split_words("code --wait"), vec!["code", "--wait"]);
        assert_eq!(split_words("\"my editor\" -f"), vec!["my editor", "-f"]);
        assert_eq!(split_words("vi; rm -rf /"), vec!["vi;", "rm", "-rf", "/"]);
    }
}
