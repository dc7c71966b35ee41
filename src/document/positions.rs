//! Where each key of a YAML document stands, by its dotted path, so every
//! finding can point at the offending key.

use yaml_rust2::parser::{Event, Parser};

/// A line and column, both counted from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl Position {
    /// The start of the file.
    pub const START: Position = Position { line: 1, column: 1 };
}

/// Finds where the key at a dotted path (`approvals[0].approver`) stands.
///
/// Keeps only the text and parses it again when a position is asked for:
/// most records have no finding, and an index kept for each record that has
/// one made half of `chg check`'s memory on a large store (3 KB a record).
#[derive(Debug, Clone, Default)]
pub struct Positions {
    text: Option<std::sync::Arc<str>>,
}

impl Positions {
    /// Keeps the text, to find keys in when a position is first asked for.
    pub fn lazy(text: &str) -> Positions {
        Positions {
            text: Some(text.into()),
        }
    }

    /// Returns where `path` stands, or its nearest enclosing key, or the start of the file.
    pub fn of(&self, path: &str) -> Position {
        let Some(all) = self.text.as_deref().and_then(index) else {
            return Position::START;
        };
        let mut path = path;
        loop {
            if let Some((_, pos)) = all.iter().rev().find(|(p, _)| p == path) {
                return *pos;
            }
            match path.rfind(['.', '[']) {
                Some(cut) => path = &path[..cut],
                None => return Position::START,
            }
        }
    }

    /// Returns where `path` stands exactly, if it is in the document (the
    /// last of duplicate keys, as the parse reads them).
    pub fn get(&self, path: &str) -> Option<Position> {
        let all = self.text.as_deref().and_then(index)?;
        all.into_iter().rev().find(|(p, _)| p == path).map(|(_, pos)| pos)
    }
}

/// Indexes every key by walking the parser's events; `None` if the text does not parse.
pub(super) fn index(text: &str) -> Option<Vec<(String, Position)>> {
    enum Frame {
        // `item`: a sequence item whose position is its first key's
        // (the parser's marker for a block mapping start is past it).
        Map {
            path: String,
            key: Option<String>,
            item: Option<String>,
        },
        Seq {
            path: String,
            index: usize,
        },
    }
    let mut by_path = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, mark) = parser.next_token().ok()?;
        let here = Position {
            line: mark.line(),
            column: mark.col() + 1,
        };
        // Where a value starting here belongs; None when this event is a key.
        let value_path: Option<String> = match stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Seq { path, index }) => {
                let p = format!("{path}[{index}]");
                *index += 1;
                if !matches!(event, Event::MappingStart(..)) {
                    by_path.push((p.clone(), here));
                }
                Some(p)
            }
            Some(Frame::Map { path, key, .. }) => key.take().map(|k| join(path, &k)),
        };
        match event {
            Event::StreamEnd => break,
            Event::Scalar(text, ..) if value_path.is_none() => {
                if let Some(Frame::Map { path, key, item }) = stack.last_mut() {
                    if let Some(item_path) = item.take() {
                        by_path.push((item_path, here));
                    }
                    by_path.push((join(path, &text), here));
                    *key = Some(text);
                }
            }
            Event::Alias(_) if value_path.is_none() => {
                if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                    *key = Some("*".into());
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A complex key (a mapping used as a key) gets a placeholder path.
                let in_seq = matches!(stack.last(), Some(Frame::Seq { .. }));
                let path = value_path.unwrap_or_else(|| "?".into());
                if matches!(event, Event::MappingStart(..)) {
                    let item = in_seq.then(|| path.clone());
                    stack.push(Frame::Map { path, key: None, item });
                } else {
                    stack.push(Frame::Seq { path, index: 0 });
                }
            }
            Event::MappingEnd | Event::SequenceEnd => {
                stack.pop();
            }
            _ => {}
        }
    }
    Some(by_path)
}

/// Joins a parent path and a key: `a` + `b` → `a.b`; at the root just `b`.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_point_at_keys() {
        let text = "a: 1\nb:\n  c: [x, y]\n  d:\n    - e: 2\n";
        let p = Positions::lazy(text);
        assert_eq!(p.get("a"), Some(Position { line: 1, column: 1 }));
        assert_eq!(p.get("b.c"), Some(Position { line: 3, column: 3 }));
        assert_eq!(p.get("b.d[0].e"), Some(Position { line: 5, column: 7 }));
        assert_eq!(p.of("b.d[0].zzz"), Position { line: 5, column: 7 });
    }
}
