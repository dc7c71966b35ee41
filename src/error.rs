//! The two kinds of failure that decide the exit status: the rules refused
//! (exit 1), or the tool could not do its job (exit 2, any other error).

use std::fmt;

/// An action the lifecycle or the policy refused; exits with status 1.
#[derive(Debug)]
pub struct Refusal {
    pub reason: String,
    /// What would make the action legal.
    pub hint: String,
}

impl Refusal {
    /// Builds a refusal with its reason and what would make the action legal.
    pub fn new(reason: impl Into<String>, hint: impl Into<String>) -> Self {
        Refusal {
            reason: reason.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.hint.is_empty() {
            write!(f, "{}", self.reason)
        } else {
            write!(f, "{}\n  hint: {}", self.reason, self.hint)
        }
    }
}

impl std::error::Error for Refusal {}

/// A problem in a file, located at a line and column; exits with status 2.
#[derive(Debug)]
pub struct FileError {
    pub file: String,
    pub error: crate::document::DocumentError,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = self.error.position;
        // The file name and the parser's message come from the store.
        let visible = crate::render::visible;
        write!(
            f,
            "{}:{}:{}: {}\n  hint: {}",
            crate::render::safe(&self.file),
            p.line,
            p.column,
            visible(&self.error.message),
            visible(&self.error.hint)
        )
    }
}

impl std::error::Error for FileError {}

/// Returns the exit status for an error: 1 for a refusal, 2 otherwise.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.chain().any(|e| e.is::<Refusal>()) {
        1
    } else {
        2
    }
}

/// Returns true when the error is a closed pipe (`chg list | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
