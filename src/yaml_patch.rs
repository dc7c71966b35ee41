//! Applies an action's change to a record file's own text, so that a commit
//! shows only the lines the action meant: comments, the schema header, key
//! order, quoting, indentation and flow or block style of everything the
//! action did not touch stay as they were (issue 14, "edits are patches").
//!
//! The change is found by comparing the record as read with the record as
//! the action left it, both as YAML trees; each difference becomes one edit
//! of the lossless syntax tree of `yaml-edit`: a scalar set in place, a key
//! inserted next to its neighbours in the record's key order, items appended
//! to a list, a key removed. New values are written by `yaml_writer`, so they
//! are quoted as a full rewrite would quote them. The caller checks that the
//! patched text reads back as the intended record (`Store::write_record`).

use std::str::FromStr as _;

use crate::document::{Mapping, Value};
use yaml_edit::{YamlFile, YamlNode};

/// Returns `text` with the differences between `old` and `new` (the record
/// trees before and after the action) applied, or `None` when the text has a
/// shape this cannot edit (more than one document, a root that is not a
/// mapping, a key that is not text).
pub fn patch(text: &str, old: &Value, new: &Value) -> Option<String> {
    if old == new {
        return Some(text.to_string());
    }
    let file = YamlFile::from_str(text).ok()?;
    let mut documents = file.documents();
    let document = documents.next()?;
    if documents.next().is_some() {
        return None;
    }
    let root = document.as_mapping()?;
    mapping(&root, old.as_mapping()?, new.as_mapping()?, 0)?;
    Some(file.to_string())
}

/// Spaces per level, as `yaml_writer` indents.
const INDENT: usize = 2;

/// Edits the file's mapping `node`, whose keys `yaml_writer` would put at
/// `column`, from `old` to `new`.
fn mapping(node: &yaml_edit::Mapping, old: &Mapping, new: &Mapping, column: usize) -> Option<()> {
    for key in old.keys() {
        if !new.contains_key(key) {
            let key = key.as_str()?;
            if node.contains_key(key) {
                node.remove(key)?;
            }
        }
    }
    let keys: Vec<&str> = new.keys().map(Value::as_str).collect::<Option<_>>()?;
    for (i, (key, value)) in new.iter().enumerate() {
        let at = Entry {
            node,
            key: keys[i],
            column,
            before: &keys[..i],
            after: &keys[i + 1..],
        };
        match old.get(key) {
            Some(before) if before == value => {}
            Some(before) => at.change(before, value)?,
            None => at.add(value)?,
        }
    }
    Some(())
}

/// One key of a mapping in the file, with its neighbours in record order.
struct Entry<'a> {
    node: &'a yaml_edit::Mapping,
    key: &'a str,
    column: usize,
    before: &'a [&'a str],
    after: &'a [&'a str],
}

impl Entry<'_> {
    /// Changes the value of an existing key: in place when both sides are
    /// mappings or lists the file writes as such, else by replacing the value.
    fn change(&self, old: &Value, new: &Value) -> Option<()> {
        let Some(current) = self.node.get(self.key) else {
            // A key the parser filled in from a default (`priority`): add it.
            return self.add(new);
        };
        match (old, new) {
            (Value::Mapping(o), Value::Mapping(n)) => match current.as_mapping() {
                Some(m) if !written_empty(m, o) => mapping(m, o, n, self.column + INDENT),
                _ => self.replace(new),
            },
            (Value::Sequence(o), Value::Sequence(n)) => match current.as_sequence() {
                Some(s) if sequence(s, o, n, self.column + INDENT).is_some() => Some(()),
                _ => self.replace(new),
            },
            _ => self.replace(new),
        }
    }

    /// Adds a key the record did not have, after the nearest key before it in
    /// the record's order that the file has, else before the nearest one
    /// after it. A key the file writes although the record leaves it out
    /// (`approvals: []`, `template: null`) takes the new value where it stands.
    fn add(&self, value: &Value) -> Option<()> {
        let (node, key) = (self.node, self.key);
        if node.contains_key(key) {
            return self.replace(value);
        }
        let value = entry_fragment(self.column, key, value)?;
        if let Some(prev) = self.before.iter().rev().find(|k| node.contains_key(**k)) {
            return node.insert_after(*prev, key, value).then_some(());
        }
        if let Some(next) = self.after.iter().find(|k| node.contains_key(**k)) {
            return node.insert_before(*next, key, value).then_some(());
        }
        node.set(key, value);
        Some(())
    }

    fn replace(&self, value: &Value) -> Option<()> {
        self.node.set(self.key, entry_fragment(self.column, self.key, value)?);
        Some(())
    }
}

/// Edits a list whose dashes `yaml_writer` would put at `column`: items
/// appended at the end, or items of the same list changed one by one; `None`
/// for any other change, which replaces the whole list.
fn sequence(node: &yaml_edit::Sequence, old: &[Value], new: &[Value], column: usize) -> Option<()> {
    if node.len() != old.len() {
        return None;
    }
    if new.len() > old.len() && new[..old.len()] == *old {
        // `[]` is how an empty list is written, not a style someone chose:
        // the caller writes the grown list as a full rewrite would.
        if old.is_empty() && node.is_flow_style() {
            return None;
        }
        for item in &new[old.len()..] {
            node.push(item_fragment(column, item)?);
        }
        return Some(());
    }
    if new.len() != old.len() {
        return None;
    }
    for (i, (o, n)) in old.iter().zip(new).enumerate() {
        if o == n {
            continue;
        }
        let current = node.get(i)?;
        match (o, n, current.as_mapping()) {
            (Value::Mapping(o), Value::Mapping(n), Some(m)) if !written_empty(m, o) => {
                mapping(m, o, n, column + INDENT)?;
            }
            _ => {
                if !node.set(i, item_fragment(column, n)?) {
                    return None;
                }
            }
        }
    }
    Some(())
}

/// True for `{}`: how an empty mapping is written, not a style someone
/// chose, so a mapping that grows from it is written as a full rewrite would.
fn written_empty(node: &yaml_edit::Mapping, old: &Mapping) -> bool {
    old.is_empty() && node.is_flow_style()
}

/// Writes `key: value` as a full rewrite would (`yaml_writer`) with the key at
/// `column`, so long text breaks where it would there, and returns the value
/// as a node to put in the file; `yaml-edit` indents it where it goes.
fn entry_fragment(column: usize, key: &str, value: &Value) -> Option<YamlNode> {
    let mut tree = Value::Mapping(Mapping::from_iter([(Value::String(key.into()), value.clone())]));
    let depth = column / INDENT;
    for _ in 0..depth {
        tree = Value::Mapping(Mapping::from_iter([(Value::String("k".into()), tree)]));
    }
    let text = crate::yaml_writer::write(&tree);
    let file = YamlFile::from_str(&text).ok()?;
    let mut node = file
        .documents()
        .next()?
        .as_mapping()?
        .get(if depth == 0 { key } else { "k" })?;
    for level in 1..=depth {
        node = node.get(if level == depth { key } else { "k" })?;
    }
    Some(node)
}

/// Writes `value` as an item of a list whose dashes are at `column`.
fn item_fragment(column: usize, value: &Value) -> Option<YamlNode> {
    let list = Value::Sequence(vec![value.clone()]);
    entry_fragment(column.saturating_sub(INDENT), "k", &list)?.get_item(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(text: &str) -> Value {
        crate::document::loose(text).unwrap()
    }

    /// Patches `text` to what `new` says and checks that it reads back as `new`.
    fn patched(text: &str, new: &str) -> String {
        let out = patch(text, &tree(text), &tree(new)).unwrap();
        assert_eq!(tree(&out), tree(new), "{out}");
        out
    }

    #[test]
    fn an_unchanged_tree_leaves_the_text_as_it_is() {
        let text = "# header\n---\na: 'x'  # why\nb: [1, 2]\n";
        assert_eq!(patch(text, &tree(text), &tree(text)).unwrap(), text);
    }

    #[test]
    fn a_changed_scalar_keeps_its_comment_and_the_rest() {
        let text = "# header\na: 'x'\nstatus: submitted  # why\nlist: [1, 2]\n";
        assert_eq!(
            patched(text, "a: x\nstatus: approved\nlist: [1, 2]\n"),
            "# header\na: 'x'\nstatus: approved  # why\nlist: [1, 2]\n"
        );
    }

    #[test]
    fn a_new_key_goes_after_its_predecessor_in_record_order() {
        let text = "a: 1\nc: 3\n";
        assert_eq!(patched(text, "a: 1\nb: {x: z}\nc: 3\n"), "a: 1\nb:\n  x: z\nc: 3\n");
        assert_eq!(patched(text, "z: 0\na: 1\nc: 3\n"), "z: 0\na: 1\nc: 3\n");
    }

    #[test]
    fn items_are_appended_in_the_list_style_of_the_file() {
        assert_eq!(patched("l: [a, b]\n", "l: [a, b, c]\n"), "l: [a, b, c]\n");
        assert_eq!(
            patched("l:\n  - a: 1\n", "l: [{a: 1}, {a: 2, b: '2026-11-18T02:00:00Z'}]\n"),
            "l:\n  - a: 1\n  - a: 2\n    b: \"2026-11-18T02:00:00Z\"\n"
        );
        assert_eq!(patched("l: []\n", "l: [{a: 1}]\n"), "l:\n  - a: 1\n");
        assert_eq!(patched("l: []  # none yet\n", "l: [a]\n"), "l:  # none yet\n  - a\n");
        assert_eq!(patched("m: {}\n", "m: {a: 1}\n"), "m:\n  a: 1\n");
        assert_eq!(patched("m: {b: 2}\n", "m: {b: 2, c: 3}\n"), "m: {b: 2, c: 3}\n");
    }

    #[test]
    fn times_in_new_values_are_quoted_as_a_rewrite_quotes_them() {
        assert_eq!(
            patched("a: 1\n", "a: 1\nat: '2026-11-18T02:00:00Z'\n"),
            "a: 1\nat: \"2026-11-18T02:00:00Z\"\n"
        );
    }

    #[test]
    fn a_removed_key_goes_with_its_line() {
        assert_eq!(
            patched("a: 1  # one\nb: 2\nc: 3\n", "a: 1\nc: 3\n"),
            "a: 1  # one\nc: 3\n"
        );
    }
}
