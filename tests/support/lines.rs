//! The check a test makes of one line in a long output: the whole line,
//! not a part of it, so a changed line fails even where the part survives.

/// Asserts `text` (named `what`) has `line` as one of its lines, whole.
#[track_caller]
pub fn assert_line(what: &str, text: &str, line: &str) {
    assert!(
        text.lines().any(|l| l == line),
        "{what} has no line {line:?}; it is:\n{text}"
    );
}

/// Asserts each of `lines` is a whole line of `text` (a record, a section
/// of a report); the message names the first missing line and shows the text.
#[track_caller]
pub fn assert_lines(text: &str, lines: &[&str]) {
    for line in lines {
        assert_line("the text", text, line);
    }
}

/// The block of `text` that starts with the whole line `heading` and runs to
/// the next blank line (a table, a section of `chg show`), with its line
/// breaks; fails showing the text when there is no such line.
#[track_caller]
pub fn block<'a>(text: &'a str, heading: &str) -> &'a str {
    let start = text
        .find(&format!("{heading}\n"))
        .filter(|&at| at == 0 || text[..at].ends_with('\n'))
        .unwrap_or_else(|| panic!("no line {heading:?} in:\n{text}"));
    let rest = &text[start..];
    rest.find("\n\n").map_or(rest, |end| &rest[..=end])
}

/// The number (from 1) of the first line of `text` that starts with
/// `prefix`, as an editor shows it; fails showing the text when none does.
#[track_caller]
pub fn line_of(text: &str, prefix: &str) -> usize {
    text.lines()
        .position(|l| l.starts_with(prefix))
        .unwrap_or_else(|| panic!("no line starting {prefix:?} in:\n{text}"))
        + 1
}
