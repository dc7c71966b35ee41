//! Writing to stdout and stderr, with colour only where it was chosen.

use std::io::Write;

use anyhow::Result;
use comfy_table::{presets, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width};

/// Writes text to stdout; a closed pipe surfaces as an error the caller treats as success.
pub fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Prints a line (or lines) on stderr, each made [`safe`]: messages quote
/// file names and record text, and stderr lands in the same CI log.
pub fn eprint(text: &str) {
    eprintln!("{}", safe_lines(text));
}

/// How text output looks: coloured or not, and the width tables wrap to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Look {
    pub color: bool,
    /// None: the terminal's width; a number where there is no terminal
    /// (a pipe, or a file written with `--output`).
    pub width: Option<u16>,
}

impl Look {
    /// The width of a table into a pipe or a file: 120 columns reads well.
    pub const FILE_WIDTH: u16 = 120;
}

/// Builds a table for the terminal: UTF-8 borders, wrapped to the terminal width.
pub fn table(headers: &[&str], look: Look) -> Table {
    let color = look.color;
    let mut table = Table::new();
    table.load_preset(presets::UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    // Without colour no cell is styled, so the table needs no `force_no_tty`,
    // which would also stop it finding the terminal's width and wrapping to it.
    if color {
        table.enforce_styling();
    }
    if let Some(width) = look.width {
        table.set_width(width);
    }
    table.set_header(headers.iter().map(|h| {
        let cell = Cell::new(h);
        if color {
            cell.add_attribute(comfy_table::Attribute::Bold)
        } else {
            cell
        }
    }));
    table
}

/// Keeps words whole when the table wraps: comfy-table wraps at spaces but
/// splits a word longer than the width it gives the column
/// (`critical-function` / `ality`), so each column gets its longest word as
/// its least width. When the longest words together do not fit the table's
/// width, the table is left to split them rather than overflow the terminal.
/// Call it after the rows are added.
pub fn keep_words_whole(table: &mut Table) {
    let mut longest: Vec<usize> = Vec::new();
    for row in table.header().into_iter().chain(table.row_iter()) {
        for (i, cell) in row.cell_iter().enumerate() {
            let word = cell
                .content()
                .split_whitespace()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            if longest.len() <= i {
                longest.resize(i + 1, 0);
            }
            longest[i] = longest[i].max(word);
        }
    }
    // A column's width counts its padding, one space each side; the borders
    // add one character per column and one more.
    const PADDING: usize = 2;
    let needed: usize = longest.iter().map(|w| w + PADDING + 1).sum::<usize>() + 1;
    if table.width().is_some_and(|width| needed > usize::from(width)) {
        return;
    }
    table.set_constraints(
        longest
            .iter()
            .map(|w| ColumnConstraint::LowerBoundary(Width::Fixed(u16::try_from(w + PADDING).unwrap_or(u16::MAX)))),
    );
}

/// Returns a cell coloured when colour is on.
pub fn colored(text: impl ToString, color: Option<Color>, enabled: bool) -> Cell {
    let cell = Cell::new(text.to_string());
    match (color, enabled) {
        (Some(c), true) => cell.fg(c),
        _ => cell,
    }
}

/// Escapes text for Markdown: `&`, `<` and `>` as HTML entities, so that a
/// title like `<img onerror=…>` shows as text in a wiki instead of running.
pub fn md_text(text: &str) -> String {
    safe_lines(text)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// True for a character that acts on more than its own place when printed:
/// control characters (line breaks, ESC, NEL), the Unicode line and
/// paragraph separators (a new line to many viewers and log parsers), and
/// the bidi marks, embeddings, overrides and isolates (they reorder the text
/// a reviewer reads, as in "Trojan Source").
pub fn hidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// Shows line breaks, tabs and the other [`hidden`] characters as visible
/// escapes (`\n`, `\t`, `\u{1b}`, `\u{2028}`), so a value from a record
/// keeps to its own line and cannot send escape sequences to the terminal.
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(hidden) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 4);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if hidden(c) => out.push_fmt(format_args!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// Makes record text (names, titles, file names, messages quoting them) safe
/// for text output: control characters and line breaks become visible
/// escapes ([`visible`]), so nothing from a record can start a new line or
/// send a terminal escape; and a value that would itself begin a CI log
/// command (`::error::`, `##[error]`, `##vso[`) gets a backslash in front.
/// The one place record text is neutralised for every text format.
pub fn safe(text: &str) -> std::borrow::Cow<'_, str> {
    let shown = visible(text);
    let start = shown.trim_start();
    if start.starts_with("::") || start.starts_with("##") {
        let indent = shown.len() - start.len();
        return std::borrow::Cow::Owned(format!("{}\\{}", &shown[..indent], start));
    }
    shown
}

/// [`safe`] for text whose line breaks are chg's own (a report paragraph, a
/// message with its hint): each line is made safe on its own.
pub fn safe_lines(text: &str) -> String {
    text.split('\n').map(|line| safe(line)).collect::<Vec<_>>().join("\n")
}

/// Pretty JSON whose strings carry no raw [`hidden`] character: serde
/// escapes most control characters, and the others (NEL, line separators,
/// bidi controls) are written as `\uXXXX` here. Both are the same JSON
/// string, so a reader parses the same value; a log or a terminal sees no
/// raw one.
pub fn json<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string_pretty(value).map(unhidden_json)
}

/// [`json`] on one line.
pub fn json_line<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    serde_json::to_string(value).map(unhidden_json)
}

fn unhidden_json(text: String) -> String {
    if !text.chars().any(|c| hidden(c) && c != '\n') {
        return text;
    }
    // Raw characters can only stand inside strings, where `\uXXXX` is valid;
    // outside strings serde writes only ASCII spaces and line breaks.
    text.chars()
        .map(|c| {
            if hidden(c) && c != '\n' {
                format!("\\u{:04x}", u32::from(c))
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Escapes text for a Markdown table cell.
pub fn md_cell(text: &str) -> String {
    md_text(&safe(text)).replace('|', "\\|")
}

/// Renders rows as a Markdown table.
pub fn markdown_table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let headers: Vec<String> = headers.iter().map(|h| md_cell(h)).collect();
    let mut out = format!("| {} |\n", headers.join(" | "));
    out.push_fmt(format_args!(
        "|{}|\n",
        headers.iter().map(|_| "---").collect::<Vec<_>>().join("|")
    ));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| md_cell(c)).collect();
        out.push_fmt(format_args!("| {} |\n", cells.join(" | ")));
    }
    out
}

/// Quotes a CSV field when it needs it (RFC 4180). A cell a spreadsheet
/// would read as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
/// carriage return) gets a leading `'`, as OWASP advises against CSV
/// injection: a title `=HYPERLINK(…)` stays text when the file is opened.
pub fn csv_field(text: &str) -> String {
    let guarded;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{text}");
        guarded.as_str()
    } else {
        text
    };
    // A quoted line break is valid CSV but still starts a new line in a log.
    let text = safe(text);
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// Renders rows as CSV with a header line.
pub fn csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = headers.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(",");
    out.push('\n');
    for row in rows {
        out.push_str(&row.iter().map(|c| csv_field(c)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}

/// Appends formatted text to a string in place, without the temporary
/// `String` that `push_str(&format!(..))` allocates (clippy's
/// `format_push_string`).
pub trait PushFmt {
    /// Appends `format_args!(..)` to the string.
    fn push_fmt(&mut self, args: std::fmt::Arguments<'_>);
}

impl PushFmt for String {
    fn push_fmt(&mut self, args: std::fmt::Arguments<'_>) {
        // Writing to a `String` cannot fail.
        let _ = std::fmt::Write::write_fmt(self, args);
    }
}
