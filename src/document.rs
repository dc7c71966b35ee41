//! Reading and writing YAML documents with positions: the text of a record
//! becomes a typed value plus a map from each key's path to its line and
//! column, so every finding can point at the offending key.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_yaml::{Mapping, Value};
use yaml_rust2::parser::{Event, Parser};

use crate::record::Extensions;
use crate::rule::Rule;

/// Records and policies are small; the limit keeps a stray large file from stalling CI.
pub const MAX_FILE_BYTES: usize = 1 << 20;

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

/// Why a document could not be turned into a value of its type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentError {
    /// `yaml-syntax` when the text is not usable YAML, `schema` when the YAML
    /// does not have the shape of the type.
    pub rule: Rule,
    pub position: Position,
    pub message: String,
    pub hint: String,
}

impl DocumentError {
    fn syntax(position: Position, message: impl Into<String>, hint: impl Into<String>) -> Self {
        DocumentError {
            rule: Rule::YamlSyntax,
            position,
            message: message.into(),
            hint: hint.into(),
        }
    }
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
fn index(text: &str) -> Option<Vec<(String, Position)>> {
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

/// Joins a parent path and a key: `a` + `b` → `a.b`; at the root just `b`.
pub fn join(parent: &str, key: &str) -> String {
    if parent.is_empty() {
        key.to_string()
    } else {
        format!("{parent}.{key}")
    }
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
                other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
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

fn path_string(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } => out = join(&out, key),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

/// Turns serde's message into one that says what is wrong and what to do.
fn schema_error(path: &str, raw: &str, positions: &Positions) -> DocumentError {
    let shown = if path.is_empty() { "the record" } else { path };
    let (position, message, hint) = if let Some((given, allowed)) = parse_expected(raw, "unknown field") {
        let key_path = join(path, &given);
        let candidates: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let hint = match crate::suggest::closest(&given, &candidates) {
            Some(best) => format!("did you mean `{best}`? Keys starting with `x-` are kept as extensions"),
            None => format!(
                "allowed here: {}; keys starting with `x-` are kept as extensions",
                allowed.join(", ")
            ),
        };
        (
            positions.of(&key_path),
            format!("unknown key `{given}` in `{shown}`"),
            hint,
        )
    } else if let Some((given, allowed)) = parse_expected(raw, "unknown variant") {
        let candidates: Vec<&str> = allowed.iter().map(String::as_str).collect();
        let hint = match crate::suggest::closest(&given, &candidates) {
            Some(best) => format!("did you mean `{best}`? (one of: {})", allowed.join(", ")),
            None => format!("use one of: {}", allowed.join(", ")),
        };
        (
            positions.of(path),
            format!("unknown value `{given}` for `{shown}`"),
            hint,
        )
    } else if let Some(field) = raw.strip_prefix("missing field `").and_then(|r| r.strip_suffix('`')) {
        (
            positions.of(path),
            format!("`{}` is missing", join(path, field)),
            format!("add `{field}:` here; see `chg schema` for the record format"),
        )
    } else if raw.starts_with("invalid type: null, expected a sequence") {
        (
            positions.of(path),
            format!("`{shown}` is empty (null), not a list"),
            format!("write `{}: []` for an empty list, or remove the key", last_key(path)),
        )
    } else if raw.starts_with("invalid type: null, expected") {
        (
            positions.of(path),
            format!("`{shown}` is empty (null), not a mapping"),
            format!(
                "write `{}: {{}}` for an empty mapping, or remove the key",
                last_key(path)
            ),
        )
    } else if is_time_error(raw) {
        (
            positions.of(path),
            format!("`{shown}` is not a valid time or date ({raw})"),
            "write times in RFC 3339 UTC like `2026-11-18T02:05:00Z` and dates like `2026-10-02`".into(),
        )
    } else {
        (
            positions.of(path),
            format!("`{shown}`: {raw}"),
            "see `chg schema` for the record format".into(),
        )
    };
    DocumentError {
        rule: Rule::Schema,
        position,
        message,
        hint,
    }
}

/// The last key of a dotted path: `approvals[0].at` → `at`.
fn last_key(path: &str) -> &str {
    let key = path.rsplit('.').next().unwrap_or(path);
    key.split('[').next().unwrap_or(key)
}

fn is_time_error(raw: &str) -> bool {
    [
        "not an RFC 3339",
        "premature end of input",
        "input contains invalid characters",
        "input is out of range",
        "trailing input",
        "input is not enough",
        "no possible date and time",
    ]
    .iter()
    .any(|m| raw.contains(m))
}

/// Splits serde's "unknown field `x`, expected one of `a`, `b`" into `x` and `[a, b]`.
fn parse_expected(raw: &str, prefix: &str) -> Option<(String, Vec<String>)> {
    let rest = raw.strip_prefix(prefix)?.trim_start().strip_prefix('`')?;
    let end = rest.find('`')?;
    let given = rest[..end].to_string();
    let allowed = rest[end + 1..]
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_string)
        .collect();
    Some((given, allowed))
}

fn syntax_error(text: &str, err: &serde_yaml::Error) -> DocumentError {
    let raw = err.to_string();
    let message = match raw.rfind(" at line ") {
        Some(cut) => raw[..cut].to_string(),
        None => raw.clone(),
    };
    let position = err
        .location()
        .map(|l| Position {
            line: l.line(),
            column: l.column(),
        })
        .unwrap_or(Position::START);
    let line_text = text.lines().nth(position.line.saturating_sub(1)).unwrap_or("");
    let hint = if line_text.starts_with(['\t', ' ']) && line_text.trim_start_matches(' ').starts_with('\t') {
        "YAML does not allow tabs for indentation; indent with spaces".to_string()
    } else if message.contains("recursion limit") {
        "the document is nested too deeply; a record is at most a few levels deep".to_string()
    } else if message.contains("repetition limit") {
        "the document expands aliases too many times (an alias bomb?); write the values out".to_string()
    } else if message.contains("more than one document") {
        "a record is one YAML document; remove the extra `---`".to_string()
    } else {
        "fix the YAML syntax at this place; `chg schema` shows the record format".to_string()
    };
    DocumentError::syntax(position, message, hint)
}

fn too_large(len: usize) -> DocumentError {
    DocumentError::syntax(
        Position::START,
        format!(
            "the file is {} KiB, over the limit of {} KiB",
            len / 1024,
            MAX_FILE_BYTES / 1024
        ),
        "a record is small; move attachments out of `changes/` and link to them",
    )
}

/// Finds git merge-conflict markers, which YAML would otherwise half-accept.
fn conflict_markers(text: &str) -> Option<DocumentError> {
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with("<<<<<<< ") || line == "=======" || line.starts_with(">>>>>>> ") {
            lines.push(i + 1);
        }
    }
    let first = *lines.first()?;
    let listed: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    Some(DocumentError {
        rule: Rule::MergeConflict,
        position: Position { line: first, column: 1 },
        message: format!("unresolved merge-conflict markers at lines {}", listed.join(", ")),
        hint: "resolve the conflict (keep one side, or combine both), remove the markers, then run `chg check`".into(),
    })
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

/// Returns an empty mapping; used where a missing file means all defaults.
pub fn empty_mapping() -> Value {
    Value::Mapping(Mapping::new())
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

    #[test]
    fn splits_serde_expectations() {
        let (given, allowed) =
            parse_expected("unknown field `titel`, expected one of `id`, `title`", "unknown field").unwrap();
        assert_eq!(given, "titel");
        assert_eq!(allowed, vec!["id", "title"]);
    }
}
