//! Why a document could not be read: the YAML syntax, the shape of its
//! type, its size or merge-conflict markers, each with a position and a hint.

use super::{join, Position, Positions, MAX_FILE_BYTES};
use crate::render::PushFmt as _;
use crate::rule::Rule;

/// Why a document could not be turned into a value of its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError {
    /// `yaml-syntax` when the text is not usable YAML, `schema` when the YAML
    /// does not have the shape of the type.
    pub rule: Rule,
    pub position: Position,
    pub message: String,
    pub hint: String,
}

impl DocumentError {
    pub(super) fn syntax(position: Position, message: impl Into<String>, hint: impl Into<String>) -> Self {
        DocumentError {
            rule: Rule::YamlSyntax,
            position,
            message: message.into(),
            hint: hint.into(),
        }
    }
}

pub(super) fn path_string(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_fmt(format_args!("[{index}]")),
            Segment::Map { key } => out = join(&out, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// Turns serde's message into one that says what is wrong and what to do.
pub(super) fn schema_error(path: &str, raw: &str, positions: &Positions) -> DocumentError {
    let shown = if path.is_empty() { "the record" } else { path };
    let (position, message, hint) = if let Some((given, allowed)) = parse_expected(raw, "unknown field") {
        // serde's path already ends in the unknown key; the message names the
        // mapping that holds it.
        let parent = match path.strip_suffix(given.as_str()) {
            Some(p) if p.is_empty() || p.ends_with('.') => p.trim_end_matches('.'),
            _ => path,
        };
        let key_path = join(parent, &given);
        let place = if parent.is_empty() {
            "the record".to_string()
        } else {
            format!("`{parent}`")
        };
        let candidates: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let hint = match crate::suggest::closest(&given, &candidates) {
            Some(best) => format!("did you mean `{best}`? Keys starting with `x-` are kept as extensions"),
            None => format!(
                "allowed here: {}; keys starting with `x-` are kept as extensions",
                allowed.join(", ")
            ),
        };
        (
            positions.of(&key_path),
            format!("unknown key `{given}` in {place}"),
            hint,
        )
    } else if let Some((given, allowed)) = parse_expected(raw, "unknown variant") {
        let candidates: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let hint = match crate::suggest::closest(&given, &candidates) {
            Some(best) => format!("did you mean `{best}`? (one of: {})", allowed.join(", ")),
            None => format!("use one of: {}", allowed.join(", ")),
        };
        (
            positions.of(path),
            format!("unknown value `{given}` for `{shown}`"),
            hint,
        )
    } else if let Some(field) = raw.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`')) {
        (
            positions.of(path),
            format!("`{}` is missing", join(path, field)),
            format!("add `{field}:` here; see `chg schema` for the record format"),
        )
    } else if raw.starts_with("invalid type: null, expected a sequence") {
        (
            positions.of(path),
            format!("`{shown}` is empty (null), not a list"),
            format!("write `{}: []` for an empty list, or remove the key", last_key(path)),
        )
    } else if raw.starts_with("invalid type: null, expected") {
        (
            positions.of(path),
            format!("`{shown}` is empty (null), not a mapping"),
            format!(
                "write `{}: {{}}` for an empty mapping, or remove the key",
                last_key(path)
            ),
        )
    } else if is_time_error(raw) {
        (
            positions.of(path),
            format!("`{shown}` is not a valid time or date ({raw})"),
            "write times in RFC 3339 UTC like `2026-11-18T02:05:00Z` and dates like `2026-10-02`".into(),
        )
    } else {
        (
            positions.of(path),
            format!("`{shown}`: {raw}"),
            "see `chg schema` for the record format".into(),
        )
    };
    DocumentError {
        rule: Rule::Schema,
        position,
        message,
        hint,
    }
}

/// The last key of a dotted path: `approvals[0].at` → `at`.
fn last_key(path: &str) -> &str {
    let key = path.rsplit('.').next().unwrap_or(path);
    key.split('[').next().unwrap_or(key)
}

fn is_time_error(raw: &str) -> bool {
    [
        "not an RFC 3339",
        "premature end of input",
        "input contains invalid characters",
        "input is out of range",
        "trailing input",
        "input is not enough",
        "no possible date and time",
    ]
    .iter()
    .any(|m| raw.contains(m))
}

/// Splits serde's "unknown field `x`, expected one of `a`, `b`" into `x` and `[a, b]`.
fn parse_expected(raw: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = raw.strip_prefix(prefix)?.trim_start().strip_prefix('`')?;
    let end = rest.find('`')?;
    let given = rest[..end].to_string();
    let allowed = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((given, allowed))
}

pub(super) fn syntax_error(text: &str, err: &serde_yaml::Error) -> DocumentError {
    let raw = err.to_string();
    let message = match raw.rfind(" at line ") {
        Some(cut) => raw[..cut].to_string(),
        None => raw.clone(),
    };
    let position = err
        .location()
        .map(|l| Position {
            line: l.line(),
            column: l.column(),
        })
        .unwrap_or(Position::START);
    let line_text = text.lines().nth(position.line.saturating_sub(1)).unwrap_or("");
    let hint = if line_text.starts_with(['\t', ' ']) && line_text.trim_start_matches(' ').starts_with('\t') {
        "YAML does not allow tabs for indentation; indent with spaces".to_string()
    } else if message.contains("recursion limit") {
        "the document is nested too deeply; a record is at most a few levels deep".to_string()
    } else if message.contains("repetition limit") {
        "the document expands aliases too many times (an alias bomb?); write the values out".to_string()
    } else if message.contains("more than one document") {
        "a record is one YAML document; remove the extra `---`".to_string()
    } else {
        "fix the YAML syntax at this place; `chg schema` shows the record format".to_string()
    };
    DocumentError::syntax(position, message, hint)
}

pub(super) fn too_large(len: usize) -> DocumentError {
    DocumentError::syntax(
        Position::START,
        format!(
            "the file is {} KiB, over the limit of {} KiB",
            len / 1024,
            MAX_FILE_BYTES / 1024
        ),
        "a record is small; move attachments out of `changes/` and link to them",
    )
}

/// Finds git merge-conflict markers, which YAML would otherwise half-accept.
pub(super) fn conflict_markers(text: &str) -> Option<DocumentError> {
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("<<<<<<< ") || line == "=======" || line.starts_with(">>>>>>> ") {
            lines.push(i + 1);
        }
    }
    let first = *lines.first()?;
    let listed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    Some(DocumentError {
        rule: Rule::MergeConflict,
        position: Position { line: first, column: 1 },
        message: format!("unresolved merge-conflict markers at lines {}", listed.join(", ")),
        hint: "resolve the conflict (keep one side, or combine both), remove the markers, then run `chg check`".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_serde_expectations() {
        let (given, allowed) =
            parse_expected("unknown field `titel`, expected one of `id`, `title`", "unknown field").unwrap();
        assert_eq!(given, "titel");
        assert_eq!(allowed, vec!["id", "title"]);
    }
}
