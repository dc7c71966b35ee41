//! Writes YAML the way the sample records are written, and so that YAML 1.1
//! and 1.2 loaders read the same values: block mappings, lists indented under
//! their key, times and dates double-quoted (a YAML 1.1 loader would make
//! them timestamps), text that either version would read as something else
//! quoted too, multi-line text as a literal block, and no line longer than
//! 80 characters where a space allows a break (yamllint's default rules).

use crate::document::{Mapping, Value};

/// The longest line yamllint's default `line-length` rule allows.
const WIDTH: usize = 80;
/// Spaces per level, as in the samples.
const INDENT: usize = 2;

/// Renders a value as a YAML document body (no `---`).
pub fn write(value: &Value) -> String {
    let mut out = String::new();
    match value {
        Value::Mapping(map) if !map.is_empty() => mapping(map, 0, &mut out),
        other => {
            out.push_str(&inline_or_block(other, 0, 0));
            out.push('\n');
        }
    }
    out
}

fn mapping(map: &Mapping, indent: usize, out: &mut String) {
    for (k, v) in map {
        let key = key_text(k);
        out.push_str(&" ".repeat(indent));
        out.push_str(&key);
        out.push(':');
        entry_value(v, indent, indent + key.chars().count() + 2, out);
    }
}

/// Writes what follows `key:` or `- `: `column` is where an inline value starts.
fn entry_value(v: &Value, indent: usize, column: usize, out: &mut String) {
    match v {
        Value::Mapping(m) if !m.is_empty() => {
            out.push('\n');
            mapping(m, indent + INDENT, out);
        }
        Value::Sequence(items) if !items.is_empty() => {
            out.push('\n');
            sequence(items, indent + INDENT, out);
        }
        Value::Tagged(t) => entry_value(&t.value, indent, column, out),
        other => {
            out.push(' ');
            out.push_str(&inline_or_block(other, indent + INDENT, column));
            out.push('\n');
        }
    }
}

fn sequence(items: &[Value], indent: usize, out: &mut String) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        match item {
            Value::Mapping(m) if !m.is_empty() => {
                // The first key on the dash's line, the rest under it.
                let mut first = String::new();
                mapping(m, indent + INDENT, &mut first);
                out.push(' ');
                out.push_str(&first[indent + INDENT..]);
            }
            Value::Sequence(inner) if !inner.is_empty() => {
                out.push('\n');
                sequence(inner, indent + INDENT, out);
            }
            other => entry_value(other, indent, indent + INDENT, out),
        }
    }
}

fn key_text(k: &Value) -> String {
    match k {
        Value::String(s) if plain_ok(s) => s.clone(),
        Value::String(s) => quoted(s),
        other => scalar_text(other),
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => quoted(s),
        Value::Sequence(_) => "[]".into(),
        Value::Mapping(_) => "{}".into(),
        Value::Tagged(t) => scalar_text(&t.value),
    }
}

/// A scalar inline (plain or quoted) when it fits, else a block or a broken quoted scalar.
/// `indent` is the indentation of block content, `column` where the value starts.
fn inline_or_block(v: &Value, indent: usize, column: usize) -> String {
    let Value::String(s) = v else {
        return scalar_text(v);
    };
    let one_line = if plain_ok(s) { s.clone() } else { quoted(s) };
    if !s.contains('\n') && column + one_line.chars().count() <= WIDTH {
        return one_line;
    }
    literal(s, indent)
        .or_else(|| folded(s, indent))
        .unwrap_or_else(|| broken_quoted(s, indent, column))
}

/// True when text can be written plain and every YAML 1.1 or 1.2 loader
/// reads it back as the same text.
fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if s.starts_with(char::is_whitespace) || s.ends_with(char::is_whitespace) {
        return false;
    }
    // An indicator first makes it something else; a dash alone may start
    // text (`-rc1`), never a list item (`- x`) or `--`.
    let dash_text = first == '-' && s.len() > 1 && !s.starts_with("- ") && !s.starts_with("--");
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) && !dash_text {
        return false;
    }
    if s.starts_with('-') && s[1..].starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return false;
    }
    if s.contains(": ") || s.contains(" #") || s.ends_with(':') || s.contains('\t') {
        return false;
    }
    if s.chars().any(|c| crate::render::hidden(c) || c == '\u{feff}') {
        return false;
    }
    // Numbers, times and dates in either version, sexagesimal (1:30) in 1.1:
    // text that starts like a number and holds only their characters.
    let numeric_start = first.is_ascii_digit() || "+-.".contains(first);
    let numeric_chars = s
        .chars()
        .all(|c| c.is_ascii_hexdigit() || "xXoO_.:+- ,tTzZ".contains(c));
    let special = [".inf", ".nan"].contains(&s.trim_start_matches(['+', '-']).to_ascii_lowercase().as_str());
    if (numeric_start && numeric_chars) || special {
        return false;
    }
    const WORDS: &[&str] = &[
        "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y", "Y", "yes", "Yes", "YES",
        "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "=", "<<",
    ];
    !WORDS.contains(&s)
}

/// Double-quoted, with JSON-style escapes (valid in YAML 1.1 and 1.2).
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        out.push_str(&escape(c));
    }
    out.push('"');
    out
}

fn escape(c: char) -> String {
    match c {
        '"' => "\\\"".into(),
        '\\' => "\\\\".into(),
        '\n' => "\\n".into(),
        '\t' => "\\t".into(),
        '\r' => "\\r".into(),
        c if crate::render::hidden(c) || c == '\u{feff}' => {
            format!("\\u{:04x}", u32::from(c))
        }
        c => c.to_string(),
    }
}

/// Text that reads the same in a block: printable, no trailing spaces or tabs
/// on a line, no line starting with a space (it would need an indicator).
/// Nor a word that would begin a CI log command (`::error::`, `##[error]`)
/// should a line start with it: `chg show --format yaml` in a CI job prints it.
fn block_safe(s: &str) -> bool {
    !s.is_empty()
        && !s
            .chars()
            .any(|c| (crate::render::hidden(c) && c != '\n') || c == '\u{feff}')
        && !s.split_whitespace().any(ci_command)
        && s.trim_end_matches('\n')
            .lines()
            .all(|l| !l.ends_with(' ') && !l.starts_with(' '))
        && !s.starts_with('\n')
        && !s.contains("\n\n\n")
}

/// True for text a CI runner reads as a command at the start of a line.
fn ci_command(word: &str) -> bool {
    word.starts_with("::") || word.starts_with("##")
}

/// Returns the chomping indicator for the text's trailing line breaks, if one fits.
fn chomp(s: &str) -> Option<&'static str> {
    match s.len() - s.trim_end_matches('\n').len() {
        0 => Some("-"),
        1 => Some(""),
        _ => None,
    }
}

/// `|` block: every line as it is, when every line fits.
fn literal(s: &str, indent: usize) -> Option<String> {
    if !s.contains('\n') || !block_safe(s) {
        return None;
    }
    let chomping = chomp(s)?;
    let body = s.trim_end_matches('\n');
    if body
        .lines()
        .any(|l| indent + l.chars().count() > WIDTH && l.contains(' '))
    {
        return None;
    }
    let mut out = format!("|{chomping}\n");
    for line in body.split('\n') {
        if !line.is_empty() {
            out.push_str(&" ".repeat(indent));
            out.push_str(line);
        }
        out.push('\n');
    }
    out.pop();
    Some(out)
}

/// `>` block: long lines broken at single spaces, which folding turns back
/// into those spaces; a line break of the text is an empty line.
fn folded(s: &str, indent: usize) -> Option<String> {
    if !block_safe(s) || s.contains("  ") {
        return None;
    }
    let chomping = chomp(s)?;
    let body = s.trim_end_matches('\n');
    let mut out = format!(">{chomping}\n");
    let mut first = true;
    for paragraph in body.split('\n') {
        if !first {
            out.push('\n');
        }
        first = false;
        if paragraph.is_empty() {
            continue;
        }
        let mut line = String::new();
        for word in paragraph.split(' ') {
            if !line.is_empty() && indent + line.chars().count() + 1 + word.chars().count() > WIDTH {
                out.push_str(&" ".repeat(indent));
                out.push_str(&line);
                out.push('\n');
                line.clear();
            } else if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        out.push_str(&" ".repeat(indent));
        out.push_str(&line);
        out.push('\n');
    }
    out.pop();
    Some(out)
}

/// A double-quoted scalar over several lines, each ending in an escaped line
/// break (`\`), which adds nothing to the text; any text fits this way.
fn broken_quoted(s: &str, indent: usize, column: usize) -> String {
    let mut out = String::from("\"");
    let mut used = column + 1;
    let mut at_line_start = false;
    for c in s.chars() {
        let mut piece = escape(c);
        if at_line_start && c == ' ' {
            // Leading spaces of a continuation line are dropped; escape the first.
            piece = "\\ ".into();
        }
        at_line_start = false;
        // Never break before `:` or `#`: a continuation line starting `::`
        // or `##[` would be a CI log command.
        if used + piece.chars().count() + 1 > WIDTH && !matches!(c, ':' | '#') {
            out.push_str("\\\n");
            out.push_str(&" ".repeat(indent));
            used = indent;
            if c == ' ' {
                piece = "\\ ".into();
            }
            at_line_start = false;
        }
        used += piece.chars().count();
        out.push_str(&piece);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(s: &str) {
        let mut map = Mapping::new();
        map.insert("key".into(), Value::String(s.into()));
        let text = write(&Value::Mapping(map));
        for line in text.lines() {
            let content = line.trim_start().trim_start_matches("- ");
            assert!(
                line.chars().count() <= WIDTH || !content.contains(' '),
                "{} chars: {line}\n{text}",
                line.chars().count()
            );
            assert!(!line.ends_with(' '), "trailing space: {text}");
        }
        let back: Value = crate::document::loose(&text).unwrap_or_else(|| panic!("does not read back:\n{text}"));
        assert_eq!(back["key"].as_str(), Some(s), "{text}");
    }

    #[test]
    fn no_line_starts_a_ci_command() {
        for pad in 0..90 {
            for s in [
                format!("{}::error::x ##[error]y", "a".repeat(pad)),
                format!("{} ::error::x\n##[error]y{}z", "word ".repeat(pad / 5), '\u{2028}'),
            ] {
                let mut map = Mapping::new();
                map.insert("key".into(), Value::String(s.clone()));
                let text = write(&Value::Mapping(map));
                for line in text.lines() {
                    let start = line.trim_start();
                    assert!(!start.starts_with("::") && !start.starts_with("##"), "{line:?}\n{text}");
                }
                assert!(!text.contains('\u{2028}'), "{text}");
                let back: Value =
                    crate::document::loose(&text).unwrap_or_else(|| panic!("does not read back:\n{text}"));
                assert_eq!(back["key"].as_str(), Some(s.as_str()), "{text}");
            }
        }
    }

    #[test]
    fn text_reads_back_the_same() {
        let long = "word ".repeat(40);
        for s in [
            "plain",
            "2026-11-18T02:00:00Z",
            "2026-11-18",
            "yes",
            "no",
            "on",
            "~",
            "",
            "1:30",
            "12",
            "-5",
            ".5",
            "-.inf",
            ".NaN",
            "1_000",
            "0x1F",
            "2001-12-14 21:59:43.10 -5",
            "5xx above 5 % on canary",
            "a: b",
            "#x",
            "- item",
            "ends with space ",
            "tab\tinside",
            "line one\nline two\n",
            "line one\nline two",
            "two\n\nparagraphs\n",
            long.trim(),
            &long,
            &format!("{}\n{}\n", long.trim(), long.trim()),
            &format!("  indented {}", long),
            &format!("{}  double", long.trim()),
            "quote \" and backslash \\",
            "\u{2028}odd",
            &"x".repeat(120),
        ] {
            round_trip(s);
        }
    }

    #[test]
    fn times_are_quoted_and_lists_indented() {
        let value: Value =
            crate::document::loose("a: [x, z]\nb: {c: '2026-11-18T02:00:00Z'}\nd: [{e: 1, f: 2}]\n").unwrap();
        assert_eq!(
            write(&value),
            "a:\n  - x\n  - z\nb:\n  c: \"2026-11-18T02:00:00Z\"\nd:\n  - e: 1\n    f: 2\n"
        );
    }
}
