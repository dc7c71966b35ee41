//! Preventive measures of a post-emergency review: action items, or the
//! older one line of text, read either way.

use serde::Deserialize;

use super::{PreventiveMeasure, PreventiveMeasures};

impl PreventiveMeasures {
    /// The action items (none in the older one-line form).
    pub fn items(&self) -> &[PreventiveMeasure] {
        match self {
            PreventiveMeasures::Items(items) => items,
            PreventiveMeasures::Text(_) => &[],
        }
    }

    /// Returns true when no measure is named.
    pub fn is_empty(&self) -> bool {
        match self {
            PreventiveMeasures::Items(items) => items.is_empty(),
            PreventiveMeasures::Text(text) => text.trim().is_empty(),
        }
    }

    /// The measures in one line, for reports: `action (owner, due, state); …`.
    pub fn summary(&self) -> String {
        match self {
            PreventiveMeasures::Text(text) => text.trim().to_string(),
            PreventiveMeasures::Items(items) => items
                .iter()
                .map(|m| format!("{} ({}, due {}, {})", m.action, m.owner.email(), m.due, m.state))
                .collect::<Vec<_>>()
                .join("; "),
        }
    }
}

impl std::fmt::Display for PreventiveMeasures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

// By hand rather than `untagged`: a malformed measure is then reported with
// what is wrong in it, not as "did not match any variant".
impl<'de> Deserialize<'de> for PreventiveMeasures {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Measures;
        impl<'de> serde::de::Visitor<'de> for Measures {
            type Value = PreventiveMeasures;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a list of preventive measures, each with `action`, `owner`, `due` and `state`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(PreventiveMeasures::Text(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some(m) = seq.next_element::<PreventiveMeasure>()? {
                    items.push(m);
                }
                Ok(PreventiveMeasures::Items(items))
            }
        }
        d.deserialize_any(Measures)
    }
}
