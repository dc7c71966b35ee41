//! JSON Schemas (draft 2020-12) of the record, the policy and templates,
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
        "A chg change record (schema_version 1), one file in changes/<year>/.",
    )
}

/// Returns the schema of `changes/policy.yaml`.
pub fn policy() -> Value {
    generate::<Policy>(
        "policy",
        "The chg change policy, changes/policy.yaml; every key has a default.",
    )
}

/// Returns the schema of a standard-change template.
pub fn template() -> Value {
    generate::<Template>(
        "template",
        "A chg standard-change template, one file in changes/templates/.",
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
    value
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
