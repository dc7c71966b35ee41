//! Field-level differences between two versions of a record: what `chg log`
//! prints for each commit and what a pull-request gate compares. Pure: two
//! YAML values in, a list of changes with dotted paths out.

use std::fmt;

use crate::document::Value;
use serde::Serialize;

/// How a field changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    /// A key or a list item that was not there before.
    Added,
    /// A key or a list item that is gone.
    Removed,
    /// A value that differs.
    Changed,
}

/// One field that differs, by its dotted path (`deployment.window.start`, `approvals[0].comment`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub path: String,
    pub kind: ChangeKind,
    /// The old value, rendered on one line (absent when added).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<String>,
    /// The new value, rendered on one line (absent when removed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<String>,
}

impl fmt::Display for FieldChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dash = String::new();
        match self.kind {
            ChangeKind::Added => write!(f, "{}: + {}", self.path, self.new.as_ref().unwrap_or(&dash)),
            ChangeKind::Removed => write!(f, "{}: - {}", self.path, self.old.as_ref().unwrap_or(&dash)),
            ChangeKind::Changed => write!(
                f,
                "{}: {} → {}",
                self.path,
                self.old.as_ref().unwrap_or(&dash),
                self.new.as_ref().unwrap_or(&dash)
            ),
        }
    }
}

/// Lists the fields that differ from `old` to `new`, in the order of the keys.
///
/// Mappings are compared key by key; lists of mappings (approvals, rollbacks)
/// item by item, an appended item shown as `+ summary`; lists of plain values
/// (systems) as a whole.
pub fn diff(old: &Value, new: &Value) -> Vec<FieldChange> {
    let mut out = Vec::new();
    walk(old, new, "", &mut out);
    out
}

/// Lists every field of a first version as added (a record's creation).
pub fn created(new: &Value) -> Vec<FieldChange> {
    diff(&Value::Mapping(Default::default()), new)
}

fn join(base: &str, key: &str) -> String {
    if base.is_empty() {
        key.to_string()
    } else {
        format!("{base}.{key}")
    }
}

fn walk(old: &Value, new: &Value, path: &str, out: &mut Vec<FieldChange>) {
    if old == new {
        return;
    }
    match (old, new) {
        (Value::Tagged(a), Value::Tagged(b)) => walk(&a.value, &b.value, path, out),
        (Value::Mapping(a), Value::Mapping(b)) => {
            for (key, value) in a {
                let name = render_key(key);
                match b.get(key) {
                    Some(other) => walk(value, other, &join(path, &name), out),
                    None if value.is_null() => {}
                    None => walk(value, &Value::Null, &join(path, &name), out),
                }
            }
            for (key, value) in b {
                if a.contains_key(key) || value.is_null() {
                    continue;
                }
                walk(&Value::Null, value, &join(path, &render_key(key)), out);
            }
        }
        (Value::Null, Value::Mapping(_)) => walk(&Value::Mapping(Default::default()), new, path, out),
        (Value::Mapping(_), Value::Null) => walk(old, &Value::Mapping(Default::default()), path, out),
        (Value::Null, Value::Sequence(b)) if has_structure(b) => {
            walk(&Value::Sequence(Vec::new()), new, path, out);
        }
        (Value::Sequence(a), Value::Null) if has_structure(a) => {
            walk(old, &Value::Sequence(Vec::new()), path, out);
        }
        (Value::Sequence(a), Value::Sequence(b)) if has_structure(a) || has_structure(b) => {
            for i in 0..a.len().max(b.len()) {
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => walk(x, y, &format!("{path}[{i}]"), out),
                    (None, Some(y)) => out.push(FieldChange {
                        path: path.to_string(),
                        kind: ChangeKind::Added,
                        old: None,
                        new: Some(summary(y)),
                    }),
                    (Some(x), None) => out.push(FieldChange {
                        path: path.to_string(),
                        kind: ChangeKind::Removed,
                        old: Some(summary(x)),
                        new: None,
                    }),
                    (None, None) => {}
                }
            }
        }
        _ => out.push(FieldChange {
            path: path.to_string(),
            kind: if old.is_null() {
                ChangeKind::Added
            } else if new.is_null() {
                ChangeKind::Removed
            } else {
                ChangeKind::Changed
            },
            old: (!old.is_null()).then(|| render(old)),
            new: (!new.is_null()).then(|| render(new)),
        }),
    }
}

fn has_structure(items: &[Value]) -> bool {
    items
        .iter()
        .any(|v| matches!(v, Value::Mapping(_) | Value::Sequence(_)))
}

fn render_key(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        other => render(other),
    }
}

/// Renders a value on one line, shortened to about 60 characters.
fn render(value: &Value) -> String {
    let text = match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => {
            let mut lines = s.trim_end().lines();
            let first = lines.next().unwrap_or("").to_string();
            if lines.next().is_some() {
                format!("{first} …")
            } else {
                first
            }
        }
        Value::Sequence(items) => format!("[{}]", items.iter().map(render).collect::<Vec<_>>().join(", ")),
        Value::Mapping(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", render_key(k), render(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Value::Tagged(t) => render(&t.value),
    };
    shorten(&text, 60)
}

/// Summarises a list item by its first three plain values (`change-manager Sam Lee <sam@…> approved`).
fn summary(value: &Value) -> String {
    match value {
        Value::Mapping(map) => {
            let parts: Vec<String> = map
                .values()
                .filter(|v| !matches!(v, Value::Mapping(_) | Value::Sequence(_) | Value::Null))
                .take(3)
                .map(render)
                .collect();
            shorten(&parts.join(" "), 80)
        }
        other => render(other),
    }
}

fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max - 1).collect();
        format!("{cut}…")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        crate::document::loose(text).unwrap()
    }

    #[test]
    fn reports_scalars_nested_keys_and_appended_list_items() {
        let old = yaml("status: submitted\ndeployment:\n  window: {start: 2026-11-18T02:00:00Z}\nsystems: [a]\n");
        let new = yaml(
            "status: approved\ndeployment:\n  window: {start: 2026-11-19T02:00:00Z}\nsystems: [a, b]\napprovals:\n  - {role: change-manager, approver: Sam Lee <sam@example.com>, decision: approved, at: 2026-11-17T10:03:00Z}\n",
        );
        let lines: Vec<String> = diff(&old, &new).iter().map(|c| c.to_string()).collect();
        assert_eq!(
            lines,
            vec![
                "status: submitted → approved",
                "deployment.window.start: 2026-11-18T02:00:00Z → 2026-11-19T02:00:00Z",
                "systems: [a] → [a, b]",
                "approvals: + change-manager Sam Lee <sam@example.com> approved",
            ]
        );
        let appended = yaml("approvals:\n  - {role: cab, approver: A <a@x.io>, decision: approved}\n  - {role: cto, approver: D <d@x.io>, decision: rejected}\n");
        let first = yaml("approvals:\n  - {role: cab, approver: A <a@x.io>, decision: approved}\n");
        let lines: Vec<String> = diff(&first, &appended).iter().map(|c| c.to_string()).collect();
        assert_eq!(lines, vec!["approvals: + cto D <d@x.io> rejected"]);
    }

    #[test]
    fn equal_values_have_no_changes() {
        let v = yaml("a: {b: [1, 2]}\n");
        assert!(diff(&v, &v).is_empty());
    }
}
