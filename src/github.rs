//! GitHub Actions workflow commands (`::error file=…::…`), for `--format github`.

use crate::finding::{Finding, Severity};

/// Formats a GitHub Actions workflow command for one finding.
pub fn finding(f: &Finding) -> String {
    let level = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    // Control characters from a record are shown, not sent; the one line
    // break between message and hint is the format's own.
    let visible = crate::render::visible;
    let message = if f.hint.is_empty() {
        visible(&f.message).into_owned()
    } else {
        format!("{}\n{}", visible(&f.message), visible(&f.hint))
    };
    format!(
        "::{level} file={},line={},col={},title={}::{}\n",
        escape_property(&visible(&f.file)),
        f.line,
        f.column,
        escape_property(f.rule.id()),
        escape_data(&message)
    )
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Formats an error annotation without a file: `::error title=…::…`.
pub fn error(title: &str, message: &str) -> String {
    annotation("error", title, message)
}

/// Formats a warning annotation without a file: `::warning title=…::…`.
pub fn warning(title: &str, message: &str) -> String {
    annotation("warning", title, message)
}

fn annotation(level: &str, title: &str, message: &str) -> String {
    format!("::{level} title={}::{}\n", escape_property(title), escape_data(message))
}
