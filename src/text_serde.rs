//! Values that records and the policy write as one string (a person, a
//! span, a time of day, a commit id): serialized through `Display`, read
//! back through the type's own parser, so the two can never disagree, and
//! described in the schemas as a string with a pattern.

/// Implements `Serialize` through `Display` and `Deserialize` through
/// `$parse`, a function from `&str` to `Result<$ty, impl Display>`; with a
/// description and a pattern, also `JsonSchema`, named after the type.
macro_rules! serde_as_text {
    ($ty:ident, $parse:expr) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <String as serde::Deserialize>::deserialize(deserializer)?;
                $parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
    ($ty:ident, $parse:expr, description: $description:expr, pattern: $pattern:expr) => {
        crate::text_serde::serde_as_text!($ty, $parse);

        impl schemars::JsonSchema for $ty {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                stringify!($ty).into()
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": $description,
                    "type": "string",
                    "pattern": $pattern
                })
            }
        }
    };
}

pub(crate) use serde_as_text;
