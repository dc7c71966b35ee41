//! The check a test makes of one line in a long output: the whole line,
//! not a part of it, so a changed line fails even where the part survives.

/// Asserts each of `lines` is a whole line of `text`; the message names the
/// first missing line and shows the text.
#[track_caller]
pub fn assert_lines(text: &str, lines: &[&str]) {
    for line in lines {
        assert!(text.lines().any(|l| l == *line), "no line {line:?} in:\n{text}");
    }
}
