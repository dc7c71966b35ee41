//! JSON Schemas (draft 2020-12) of the record, the policy, templates and rehearsal logs,
//! generated from the types the code parses, so the two cannot drift.

use schemars::generate::SchemaSettings;
use serde_json::Value;

use crate::policy::Policy;
use crate::record::Record;
use crate::template::Template;

/// Returns the schema of a change record.
pub fn change() -> Value {
    generate::<Record>(
        "change",
        "A chg change record (schema_version 1), one file in changes/<year>/. Read as YAML 1.2 \
         without merge keys (`<<`); times are RFC 3339, dates `YYYY-MM-DD`; `x-` keys are kept as \
         extensions. Rules across fields (the id equals the file name, a window ends after it \
         starts) are checked by `chg check`, not by this schema.",
    )
}

/// Returns the schema of `changes/policy.yaml`.
pub fn policy() -> Value {
    generate::<Policy>(
        "policy",
        "The chg change policy, changes/policy.yaml; every key has a default. chg is stricter \
         than this schema in one place: a time zone must be in its copy of the IANA database.",
    )
}

/// Returns the schema of a standard-change template.
pub fn template() -> Value {
    generate::<Template>(
        "template",
        "A chg standard-change template, one file in changes/templates/.",
    )
}

/// Returns the schema of a system's rehearsal log.
pub fn rehearsals() -> Value {
    generate::<crate::rehearsal::RehearsalLog>(
        "rehearsals",
        "A chg rollback rehearsal log, one file per system in changes/rehearsals/<system>.yaml, \
         written by `chg rehearse`. Times are RFC 3339. Entries are append-only evidence: the gate \
         checks that each was committed by the person in `by`, at a plausible time.",
    )
}

fn generate<T: schemars::JsonSchema>(name: &str, description: &str) -> Value {
    let generator = SchemaSettings::draft2020_12().into_generator();
    let schema = generator.into_root_schema_for::<T>();
    let mut value = serde_json::to_value(schema).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        map.insert(
            "$id".into(),
            Value::String(format!("https://chg.dev/schemas/{name}.schema.json")),
        );
        map.insert("description".into(), Value::String(description.into()));
    }
    allow_extensions(&mut value);
    standard_formats(&mut value);
    value
}

/// Keeps only formats JSON Schema defines, so strict validators (Ajv) compile
/// the schemas: schemars marks Rust number types (`uint32`, `int64`,
/// `double`), which become bounds or nothing. `date-time` and `date` also get
/// the pattern chg reads them by, for validators that treat formats as notes.
fn standard_formats(value: &mut Value) {
    match value {
        Value::Object(map) => {
            let format = map.get("format").and_then(Value::as_str).map(str::to_string);
            match format.as_deref() {
                Some("date-time") => {
                    map.insert("pattern".into(), crate::rfc3339::DATE_TIME_PATTERN.into());
                }
                Some("date") => {
                    map.insert("pattern".into(), crate::rfc3339::DATE_PATTERN.into());
                }
                Some(number) => {
                    let bounds: Option<(Value, Value)> = match number {
                        "uint8" => Some((0.into(), u8::MAX.into())),
                        "uint16" => Some((0.into(), u16::MAX.into())),
                        "uint32" => Some((0.into(), u32::MAX.into())),
                        "uint" | "uint64" => Some((0.into(), u64::MAX.into())),
                        "int8" => Some((i8::MIN.into(), i8::MAX.into())),
                        "int16" => Some((i16::MIN.into(), i16::MAX.into())),
                        "int32" => Some((i32::MIN.into(), i32::MAX.into())),
                        "int" | "int64" => Some((i64::MIN.into(), i64::MAX.into())),
                        _ => None,
                    };
                    map.remove("format");
                    if let Some((min, max)) = bounds {
                        map.insert("minimum".into(), min);
                        map.insert("maximum".into(), max);
                    }
                }
                None => {}
            }
            map.values_mut().for_each(standard_formats);
        }
        Value::Array(items) => items.iter_mut().for_each(standard_formats),
        _ => {}
    }
}

/// Lets every closed object also hold `x-` keys, as the parser does.
fn allow_extensions(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("additionalProperties") == Some(&Value::Bool(false)) {
                map.insert("patternProperties".into(), serde_json::json!({ "^x-": {} }));
            }
            for child in map.values_mut() {
                allow_extensions(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(allow_extensions),
        _ => {}
    }
}

/// Renders a schema as pretty JSON with a final newline.
pub fn to_text(schema: &Value) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
