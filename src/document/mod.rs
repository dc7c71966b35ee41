//! Reading and writing YAML documents with positions: the text of a record
//! becomes a typed value plus a map from each key's path to its line and
//! column, so every finding can point at the offending key.
//!
//! This is the one module that reads YAML with `serde_yaml`: the others read
//! through `parse` (with chg's checks) or `loose` (as the text stands) and
//! hold the `Value`/`Mapping` trees it hands out.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
pub use serde_yaml::{Mapping, Value};
use yaml_rust2::parser::{Event, Parser};

use crate::record::Extensions;
use crate::rule::Rule;

mod error;
mod positions;

pub use error::DocumentError;
use error::{conflict_markers, path_string, schema_error, syntax_error, too_large};
use positions::index;
pub use positions::{join, Position, Positions};

/// Records and policies are small; the limit keeps a stray large file from stalling CI.
pub const MAX_FILE_BYTES: usize = 1 << 20;

/// Finds an invisible or format character in a field that names a person:
/// a record's `requested_by` and approvers, the policy's role members.
/// Identity is compared by these strings, so they must hold only what prints.
fn invisible_in_people(value: &Value) -> Option<(String, char)> {
    let map = value.as_mapping()?;
    let found = |v: &Value| v.as_str().and_then(crate::person::invisible);
    if let Some(c) = map.get("requested_by").and_then(found) {
        return Some(("requested_by".into(), c));
    }
    for (i, a) in map
        .get("approvals")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(c) = a.get("approver").and_then(found) {
            return Some((format!("approvals[{i}].approver"), c));
        }
    }
    for (role, members) in map.get("roles").and_then(Value::as_mapping).into_iter().flatten() {
        let role = role.as_str().unwrap_or_default();
        for (i, m) in members.as_sequence().into_iter().flatten().enumerate() {
            if let Some(c) = found(m) {
                return Some((format!("roles.{role}[{i}]"), c));
            }
        }
    }
    None
}

/// A parsed document: its typed value and where its keys stand.
#[derive(Debug, Clone)]
pub struct Parsed<T> {
    pub value: T,
    pub positions: Positions,
    /// The `x-` keys, by the path of the mapping that holds them.
    pub extensions: BTreeMap<String, Extensions>,
}

/// Parses YAML text into `T`, refusing unknown keys except `x-` ones.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<Parsed<T>, DocumentError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_FILE_BYTES {
        return Err(too_large(text.len()));
    }
    if let Some(err) = conflict_markers(text) {
        return Err(err);
    }
    let mut value: Value = serde_yaml::from_str(text).map_err(|e| syntax_error(text, &e))?;
    if !value.is_mapping() {
        let what = match &value {
            Value::Null => "empty",
            Value::Sequence(_) => "a list",
            _ => "a single value",
        };
        return Err(DocumentError::syntax(
            Position::START,
            format!("the document is {what}, not a mapping of keys to values"),
            "a record starts with `schema_version: 1` followed by `key: value` lines; see `chg schema`",
        ));
    }
    let positions = Positions::lazy(text);
    if let Some((path, c)) = invisible_in_people(&value) {
        return Err(DocumentError {
            rule: Rule::InvisibleCharacter,
            position: positions.of(&path),
            message: format!(
                "`{path}` holds an invisible character (U+{:04X}); with it one person's name or email can pass for another's",
                c as u32
            ),
            hint: "retype the name and email without it (such characters come with a copy and paste)".into(),
        });
    }
    // serde_yaml drops some tags (`!!binary`); the parser's events show them all.
    let tag = if text.contains('!') { first_tag(text) } else { None };
    if let Some(path) = tag.or_else(|| tagged(&value, "")) {
        return Err(DocumentError {
            rule: Rule::Schema,
            position: positions.of(&path),
            message: format!("`{path}` has a YAML tag (`!…`); a record holds plain JSON-like values"),
            hint: "remove the tag and write the value as text, a number, true/false, a list or a mapping".into(),
        });
    }
    let mut extensions = BTreeMap::new();
    strip_extensions(&mut value, "", &mut extensions);
    for (path, keys) in &extensions {
        for (key, v) in keys {
            let at = join(path, key);
            to_json(v, &at).map_err(|(path, message)| DocumentError {
                rule: Rule::Schema,
                position: positions.of(&path),
                message,
                hint: "write values JSON can hold: text, numbers, true/false, null, lists and mappings with text keys"
                    .into(),
            })?;
        }
    }
    // The typed value is read from the JSON data model, as a JSON Schema
    // validator reads the file: null is not an empty list, 30.0 is 30, and
    // NaN is no number. This keeps chg and the published schemas in step.
    let json = to_json(&value, "").map_err(|(path, message)| DocumentError {
        rule: Rule::Schema,
        position: positions.of(&path),
        message,
        hint: "write values JSON can hold: text, numbers, true/false, null, lists and mappings with text keys".into(),
    })?;
    let typed: T = serde_path_to_error::deserialize(json).map_err(|e| {
        let path = path_string(e.path());
        schema_error(&path, &e.into_inner().to_string(), &positions)
    })?;
    Ok(Parsed {
        value: typed,
        positions,
        extensions,
    })
}

/// Reads YAML text into `T` as it stands, with none of `parse`'s checks;
/// `None` when it does not parse. For readers of history, which take what
/// an old version holds, and for fixtures.
pub fn loose<T: DeserializeOwned>(text: &str) -> Option<T> {
    serde_yaml::from_str(text).ok()
}

/// Shows a value on one line as YAML writes it: a string as it is, any
/// other value (a number, a list, …) as its YAML text.
pub fn plain_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim_end().to_string(),
    }
}

/// Serializes `value` to YAML, putting the `x-` keys back where they were;
/// the document starts with `---`, as yamllint's default rules ask.
pub fn to_yaml<T: Serialize>(value: &T, extensions: &BTreeMap<String, Extensions>) -> anyhow::Result<String> {
    Ok(format!(
        "---\n{}",
        crate::yaml_writer::write(&to_tree(value, extensions)?)
    ))
}

/// Returns the YAML tree of `value` with the `x-` keys put back where they
/// were: what a file holding it reads as.
pub fn to_tree<T: Serialize>(value: &T, extensions: &BTreeMap<String, Extensions>) -> anyhow::Result<Value> {
    let mut tree = serde_yaml::to_value(value)?;
    for (path, keys) in extensions {
        if let Some(Value::Mapping(map)) = lookup_mut(&mut tree, path) {
            for (k, v) in keys {
                map.insert(Value::String(k.clone()), v.clone());
            }
        }
    }
    Ok(tree)
}

/// Returns a record file's `text` with only the change from `old` to `new`
/// applied, or `None` when the text has a shape the patcher cannot edit.
/// The caller checks that the result reads back as `new`.
pub fn patch<T: Serialize>(
    text: &str,
    old: &T,
    old_extensions: &BTreeMap<String, Extensions>,
    new: &T,
    new_extensions: &BTreeMap<String, Extensions>,
) -> Option<String> {
    let old = to_tree(old, old_extensions).ok()?;
    let new = to_tree(new, new_extensions).ok()?;
    crate::yaml_patch::patch(text, &old, &new)
}

/// Returns the path of the first node whose tag is not one of the YAML 1.2
/// core schema's (`!!str`, `!!int`, … which only restate a plain value).
fn first_tag(text: &str) -> Option<String> {
    const CORE: &[&str] = &["str", "int", "float", "bool", "null", "map", "seq"];
    let mut parser = Parser::new_from_str(text);
    loop {
        let (event, _) = parser.next_token().ok()?;
        let tag = match &event {
            Event::StreamEnd => return None,
            Event::Scalar(_, _, _, tag) | Event::SequenceStart(_, tag) | Event::MappingStart(_, tag) => tag.as_ref(),
            _ => None,
        };
        if let Some(tag) = tag {
            let full = format!("{}{}", tag.handle, tag.suffix);
            let core = full
                .strip_prefix("tag:yaml.org,2002:")
                .or_else(|| full.strip_prefix("!!"))
                .is_some_and(|suffix| CORE.contains(&suffix));
            if !core {
                return Some(tag_path(text, &full));
            }
        }
    }
}

/// Finds the path of the last key on the tag's line, for the finding's position.
fn tag_path(text: &str, full: &str) -> String {
    let short = full.strip_prefix("tag:yaml.org,2002:").map(|s| format!("!!{s}"));
    let needle = short.as_deref().unwrap_or(full);
    let line = text.lines().position(|l| l.contains(needle)).map_or(1, |i| i + 1);
    index(text)
        .and_then(|all| {
            all.into_iter()
                .filter(|(_, p)| p.line == line)
                .map(|(path, _)| path)
                .next_back()
        })
        .unwrap_or_else(|| "the document".into())
}

/// Returns the path of the first value with a YAML tag, if any.
fn tagged(value: &Value, path: &str) -> Option<String> {
    match value {
        Value::Tagged(_) => Some(if path.is_empty() {
            "the document".into()
        } else {
            path.to_string()
        }),
        Value::Mapping(map) => map.iter().find_map(|(k, v)| {
            let key = match k {
                Value::String(s) => s.clone(),
                other => plain_text(other),
            };
            tagged(k, path).or_else(|| tagged(v, &join(path, &key)))
        }),
        Value::Sequence(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| tagged(v, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// Converts YAML to the JSON data model: scalar keys become text, a float
/// with no fraction becomes an integer (JSON Schema counts 1.0 as 1).
/// Fails, with the path, on what JSON cannot hold.
fn to_json(value: &Value, path: &str) -> Result<serde_json::Value, (String, String)> {
    use serde_json::Value as J;
    Ok(match value {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                J::from(i)
            } else if let Some(u) = n.as_u64() {
                J::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    // Exact: |f| < 2^53.
                    J::from(f as i64)
                } else {
                    serde_json::Number::from_f64(f).map(J::Number).ok_or_else(|| {
                        (
                            path.to_string(),
                            format!("`{}` is `{n}`, which is not a number JSON can hold", shown(path)),
                        )
                    })?
                }
            }
        }
        Value::String(s) => J::String(s.clone()),
        Value::Sequence(items) => J::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| to_json(v, &format!("{path}[{i}]")))
                .collect::<Result<_, _>>()?,
        ),
        Value::Mapping(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let key = match k {
                    Value::String(s) => s.clone(),
                    Value::Bool(b) => b.to_string(),
                    Value::Number(n) => n.to_string(),
                    Value::Null => "null".into(),
                    _ => {
                        return Err((
                            path.to_string(),
                            format!("`{}` has a list or a mapping as a key", shown(path)),
                        ))
                    }
                };
                let child = to_json(v, &join(path, &key))?;
                out.insert(key, child);
            }
            J::Object(out)
        }
        Value::Tagged(t) => to_json(&t.value, path)?,
    })
}

fn shown(path: &str) -> &str {
    if path.is_empty() {
        "the record"
    } else {
        path
    }
}

/// Finds the node at a dotted path such as `rollbacks[0].log`; one walker for
/// the extension keys and the approved scope.
pub(crate) fn lookup_mut<'a>(tree: &'a mut Value, path: &str) -> Option<&'a mut Value> {
    let mut node = tree;
    if path.is_empty() {
        return Some(node);
    }
    for part in path.split('.') {
        let (key, indexes) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !key.is_empty() {
            node = node.as_mapping_mut()?.get_mut(key)?;
        }
        for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
            let i: usize = index.parse().ok()?;
            node = node.as_sequence_mut()?.get_mut(i)?;
        }
    }
    Some(node)
}

fn strip_extensions(value: &mut Value, path: &str, out: &mut BTreeMap<String, Extensions>) {
    match value {
        Value::Mapping(map) => {
            let ext_keys: Vec<Value> = map
                .keys()
                .filter(|k| k.as_str().is_some_and(|s| s.starts_with("x-")))
                .cloned()
                .collect();
            for key in ext_keys {
                if let (Some(name), Some(v)) = (key.as_str(), map.remove(&key)) {
                    out.entry(path.to_string()).or_default().insert(name.to_string(), v);
                }
            }
            let keys: Vec<Value> = map.keys().cloned().collect();
            for key in keys {
                let Some(name) = key.as_str().map(str::to_string) else {
                    continue;
                };
                if let Some(child) = map.get_mut(&key) {
                    strip_extensions(child, &join(path, &name), out);
                }
            }
        }
        Value::Sequence(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                strip_extensions(item, &format!("{path}[{i}]"), out);
            }
        }
        Value::Tagged(tagged) => strip_extensions(&mut tagged.value, path, out),
        _ => {}
    }
}

/// Reads a file's text, refusing one that is too large or not UTF-8.
pub fn read_text(path: &std::path::Path) -> Result<String, DocumentError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        DocumentError::syntax(
            Position::START,
            format!("cannot read the file: {e}"),
            "check that it exists and is readable",
        )
    })?;
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(too_large(meta.len() as usize));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        DocumentError::syntax(
            Position::START,
            format!("cannot read the file: {e}"),
            "check that it is readable",
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let before = &e.as_bytes()[..offset];
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        let column = offset - before.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1) + 1;
        DocumentError {
            rule: Rule::YamlSyntax,
            position: Position { line, column },
            message: "the file is not valid UTF-8".into(),
            hint: "save it as UTF-8 (for example `iconv -f latin1 -t utf-8`)".into(),
        }
    })
}
