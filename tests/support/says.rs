//! The check most tests make of an output, a record or a report: that it
//! says each of several things.

/// Asserts `text` contains each of `parts`; the message names what the text
/// is (`what`), the first part it lacks, and shows the text.
#[track_caller]
pub fn assert_says(what: &str, text: &str, parts: &[&str]) {
    for part in parts {
        assert!(text.contains(part), "{what} lacks {part:?}:\n{text}");
    }
}

/// `assert_says` for a text that needs no name of its own.
#[track_caller]
pub fn assert_contains(text: &str, parts: &[&str]) {
    assert_says("the text", text, parts);
}
