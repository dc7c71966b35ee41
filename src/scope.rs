//! The approved scope of a record: what an approver said yes to. It is
//! defined here once, as every field except the few listed below, and every
//! reader (check, gate, metrics, reports, `chg approve`) goes through it.
//!
//! An approval entry written by chg carries `scope: sha256:<hex>`, the digest
//! of a canonical serialisation of the scope, so a later edit is visible in
//! the file alone (see docs/evidence.md).

use sha2::{Digest as _, Sha256};

use crate::document::lookup_mut;
use crate::record::{Classification, Decision, Method, Record};
use crate::render::PushFmt as _;

/// The fields the lifecycle fills after approval, as dotted paths: editing
/// them never touches what was approved. Everything else is the scope.
pub const FILLED_AFTER_APPROVAL: &[&str] = &[
    "status",
    "approvals",
    // The window is set by `chg schedule` after approval and judged by the
    // calendar rules (windows, freezes, conflicts), not by the approvers.
    "deployment.window",
    "implementation",
    "rollbacks",
    "monitoring",
    "review",
    "emergency.cab_review",
    "emergency.post_review",
    "emergency.documented_at",
    "emergency.restored_at",
    "cancellation",
];

/// The documentation of an emergency that may be filled in after its
/// written approval without making that approval stale (issue 15.6; the
/// `testing` entries too): the guide gives 24 h for both, in any order.
pub const DOCUMENTED_LATER: &[&str] = &[
    "description",
    "justification.business_reason",
    "justification.expected_benefit",
    "rollback.plan",
    "rollback.kind",
];

/// Fields that name or frame the record rather than say what it does: a
/// renumber (`chg renumber`) keeps the approvals.
pub const NOT_CONTENT: &[&str] = &["schema_version", "id"];

/// The prefix of a digest as written in an approval entry.
pub const DIGEST_PREFIX: &str = "sha256:";

type Tree = crate::document::Value;

impl Record {
    /// Returns the approved scope: the record as a YAML tree (with its `x-`
    /// keys) without the fields of [`FILLED_AFTER_APPROVAL`] and
    /// [`NOT_CONTENT`], absent, null and empty values dropped.
    pub fn approved_scope(&self) -> Tree {
        // A record always serialises; should it not, an empty scope makes every digest stale.
        scope_of(crate::document::to_tree(self, &self.extensions).unwrap_or(Tree::Null))
    }

    /// Returns `sha256:<hex>` of the canonical serialisation of the approved scope.
    pub fn scope_digest(&self) -> String {
        digest(&self.approved_scope())
    }

    /// Tells, per approval entry, whether it still stands: an entry with a
    /// digest stands while the digest matches the record; one without (an
    /// older store) stands unless a later entry has a digest, which means a
    /// new approval round began after it. Verbal approvals are given before
    /// the record is documented and are never bound to content.
    ///
    /// An emergency is documented after the fact, in any order with its
    /// written approvals: an approval of an emergency also stands when the
    /// record differs from what was approved only by documentation filled in
    /// since (see [`DOCUMENTED_LATER`]); a value changed is still stale.
    pub fn standing_approvals(&self) -> Vec<bool> {
        if self.approvals.iter().all(|a| a.scope.is_none()) {
            return vec![true; self.approvals.len()];
        }
        let current = self.scope_digest();
        let last_bound = self.approvals.iter().rposition(|a| a.scope.is_some());
        // Computed once, and only when an emergency's digest differs.
        let mut earlier: Option<Vec<String>> = None;
        self.approvals
            .iter()
            .enumerate()
            .map(|(i, a)| match &a.scope {
                Some(d) if *d == current => true,
                Some(d) => {
                    self.classification == Classification::Emergency
                        && earlier
                            .get_or_insert_with(|| self.digests_before_documentation())
                            .contains(d)
                }
                None => a.method == Method::Verbal || last_bound.is_none_or(|j| i > j),
            })
            .collect()
    }

    /// Returns the digests the scope had before some of the documentation it
    /// holds now was filled in: one per non-empty subset of the filled fields
    /// of [`DOCUMENTED_LATER`] and of the `testing` entries.
    fn digests_before_documentation(&self) -> Vec<String> {
        let scope = self.approved_scope();
        let mut filled: Vec<String> = DOCUMENTED_LATER
            .iter()
            .filter(|p| has(&scope, p))
            .map(|p| (*p).to_string())
            .collect();
        if let Some(Tree::Mapping(tests)) = scope.get("testing") {
            filled.extend(tests.keys().map(|k| format!("testing.{}", key_text(k))));
        }
        // Bounds the work to 2^12 digests for a record with very many tests.
        filled.truncate(12);
        (1u32..(1 << filled.len()))
            .map(|subset| {
                let mut before = scope.clone();
                for (i, path) in filled.iter().enumerate() {
                    if subset & (1 << i) != 0 {
                        remove(&mut before, path);
                    }
                }
                prune(&mut before);
                digest(&before)
            })
            .collect()
    }

    /// Returns the indexes of granted approvals whose digest no longer matches the record.
    pub fn stale_approvals(&self) -> Vec<usize> {
        let standing = self.standing_approvals();
        self.approvals
            .iter()
            .enumerate()
            .filter(|(i, a)| a.decision == Decision::Approved && a.scope.is_some() && !standing[*i])
            .map(|(i, _)| i)
            .collect()
    }
}

/// Reduces a record's YAML tree (as written, `x-` keys in place) to its approved scope.
pub fn scope_of(mut tree: Tree) -> Tree {
    for path in FILLED_AFTER_APPROVAL.iter().chain(NOT_CONTENT) {
        remove(&mut tree, path);
    }
    prune(&mut tree);
    tree
}

/// Returns `sha256:<hex>` of the canonical text of a scope.
pub fn digest(scope: &Tree) -> String {
    let mut text = String::new();
    canonical(scope, &mut text);
    let hash = Sha256::digest(text.as_bytes());
    let mut out = String::with_capacity(DIGEST_PREFIX.len() + 64);
    out.push_str(DIGEST_PREFIX);
    for b in hash {
        out.push_fmt(format_args!("{b:02x}"));
    }
    out
}

/// Returns the canonical text of a scope: JSON with keys sorted, no spaces.
#[cfg(test)]
fn canonical_text(scope: &Tree) -> String {
    let mut text = String::new();
    canonical(scope, &mut text);
    text
}

/// Lists the fields that differ between two scopes, as dotted keys one level
/// into mappings (`deployment.steps`), for messages.
pub fn changed_fields(old: &Tree, new: &Tree) -> Vec<String> {
    let mut out = Vec::new();
    let (Some(a), Some(b)) = (old.as_mapping(), new.as_mapping()) else {
        if old != new {
            out.push(String::new());
        }
        return out;
    };
    let mut keys: Vec<String> = a.keys().chain(b.keys()).map(key_text).collect();
    keys.sort();
    keys.dedup();
    for key in keys {
        let (x, y) = (a.get(key.as_str()), b.get(key.as_str()));
        if x == y {
            continue;
        }
        match (x.and_then(Tree::as_mapping), y.and_then(Tree::as_mapping)) {
            (Some(_), Some(_)) => {
                let (x, y) = (x.cloned().unwrap_or_default(), y.cloned().unwrap_or_default());
                out.extend(changed_fields(&x, &y).into_iter().map(|k| format!("{key}.{k}")));
            }
            _ => out.push(key),
        }
    }
    out
}

/// Feeds the canonical form of a scope to a hasher: equal for two scopes
/// exactly when their [`canonical_text`] is, without writing the text. The
/// history walk summarises every version of every record; building the text
/// (a string per key and value) took a third of `chg metrics`.
pub fn hash_canonical(tree: &Tree, h: &mut impl std::hash::Hasher) {
    match tree {
        Tree::Null => h.write_u8(0),
        Tree::Bool(b) => h.write_u8(if *b { 2 } else { 1 }),
        Tree::Number(n) => {
            h.write_u8(3);
            hash_str(&n.to_string(), h);
        }
        Tree::String(s) => {
            h.write_u8(4);
            hash_str(s, h);
        }
        Tree::Sequence(items) => {
            h.write_u8(5);
            h.write_u64(items.len() as u64);
            for item in items {
                hash_canonical(item, h);
            }
        }
        Tree::Mapping(map) => {
            h.write_u8(6);
            h.write_u64(map.len() as u64);
            let mut entries: Vec<(&Tree, &Tree)> = map.iter().collect();
            // Keys in the order `canonical` sorts them, by their text.
            entries.sort_by(|a, b| match (a.0, b.0) {
                (Tree::String(x), Tree::String(y)) => x.cmp(y),
                (x, y) => key_text(x).cmp(&key_text(y)),
            });
            for (k, v) in entries {
                match k {
                    Tree::String(s) => hash_str(s, h),
                    other => hash_str(&key_text(other), h),
                }
                hash_canonical(v, h);
            }
        }
        Tree::Tagged(t) => {
            h.write_u8(7);
            hash_str(&t.tag.to_string(), h);
            hash_canonical(&t.value, h);
        }
    }
}

fn hash_str(s: &str, h: &mut impl std::hash::Hasher) {
    h.write_u64(s.len() as u64);
    h.write(s.as_bytes());
}

fn remove(tree: &mut Tree, path: &str) {
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (Some(p), k),
        None => (None, path),
    };
    let node = match parent {
        Some(p) => lookup_mut(tree, p),
        None => Some(tree),
    };
    if let Some(Tree::Mapping(map)) = node {
        map.remove(key);
    }
}

/// Drops null values and empty lists and mappings, so that absent, null and
/// empty mean the same in a digest.
fn prune(tree: &mut Tree) {
    match tree {
        Tree::Mapping(map) => {
            for (_, v) in map.iter_mut() {
                prune(v);
            }
            map.retain(|_, v| !is_empty(v));
        }
        Tree::Sequence(items) => items.iter_mut().for_each(prune),
        Tree::Tagged(t) => prune(&mut t.value),
        _ => {}
    }
}

/// Whether a dotted path leads to a value in a tree.
fn has(tree: &Tree, path: &str) -> bool {
    path.split('.')
        .try_fold(tree, |node, key| node.get(key))
        .is_some_and(|v| !is_empty(v))
}

fn is_empty(v: &Tree) -> bool {
    match v {
        Tree::Null => true,
        Tree::Mapping(m) => m.is_empty(),
        Tree::Sequence(s) => s.is_empty(),
        _ => false,
    }
}

fn key_text(key: &Tree) -> String {
    match key {
        Tree::String(s) => s.clone(),
        other => {
            let mut s = String::new();
            canonical(other, &mut s);
            s
        }
    }
}

fn string(s: &str, out: &mut String) {
    // serde_json escapes a &str the one way JSON allows; it cannot fail.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn canonical(tree: &Tree, out: &mut String) {
    match tree {
        Tree::Null => out.push_str("null"),
        Tree::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Tree::Number(n) => out.push_str(&n.to_string()),
        Tree::String(s) => string(s, out),
        Tree::Sequence(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        Tree::Mapping(map) => {
            let mut entries: Vec<(String, &Tree)> = map.iter().map(|(k, v)| (key_text(k), v)).collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                canonical(v, out);
            }
            out.push('}');
        }
        Tree::Tagged(t) => {
            out.push_str("{\"!\":");
            string(&t.tag.to_string(), out);
            out.push_str(",\"value\":");
            canonical(&t.value, out);
            out.push('}');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(text: &str) -> Record {
        crate::store::Store::parse_record("changes/2026/CHG-2026-0001.yaml", text)
            .unwrap()
            .record
    }

    const BASE: &str = "schema_version: 1\nid: CHG-2026-0001\ntitle: T\nstatus: submitted\nclassification: normal\nrisk: {impact: low, likelihood: medium}\nrequested_by: Jane <jane@example.com>\ncreated_at: 2026-11-16T09:00:00Z\n";

    #[test]
    fn lifecycle_fields_and_layout_leave_the_digest_alone() {
        let a = record(BASE);
        let b = record(&format!(
            "{}deployment:\n  window: {{start: 2026-11-18T02:00:00Z, end: 2026-11-18T03:00:00Z}}\n",
            BASE.replace("status: submitted", "status: scheduled")
                .replace("id: CHG-2026-0001", "id:   CHG-2026-0001")
                .replace(
                    "{impact: low, likelihood: medium}",
                    "\n  likelihood: medium\n  impact: low"
                )
        ));
        assert_eq!(a.scope_digest(), b.scope_digest());
        assert!(a.scope_digest().starts_with("sha256:") && a.scope_digest().len() == 71);
    }

    #[test]
    fn scope_fields_and_extensions_change_the_digest() {
        let a = record(BASE);
        for edit in [
            format!("{BASE}services: [checkout]\n"),
            format!("{BASE}x-ticket: OPS-1\n"),
            format!("{BASE}downtime_required: true\n"),
            format!("{BASE}deployment:\n  steps: [deploy]\n"),
            BASE.replace("Jane <jane@", "Jane <jan@"),
        ] {
            assert_ne!(a.scope_digest(), record(&edit).scope_digest(), "{edit}");
        }
    }

    #[test]
    fn the_canonical_hash_agrees_with_the_canonical_text() {
        let fnv = |tree: &Tree| {
            let mut h = std::collections::hash_map::DefaultHasher::new();
            hash_canonical(tree, &mut h);
            std::hash::Hasher::finish(&h)
        };
        let a = record(BASE).approved_scope();
        let reordered = record(&BASE.replace(
            "{impact: low, likelihood: medium}",
            "\n  likelihood: medium\n  impact: low",
        ))
        .approved_scope();
        assert_eq!(fnv(&a), fnv(&reordered));
        for edit in [
            format!("{BASE}services: [checkout]\n"),
            format!("{BASE}x-ticket: OPS-1\n"),
            BASE.replace("title: T", "title: U"),
        ] {
            let b = record(&edit).approved_scope();
            assert_ne!(canonical_text(&a), canonical_text(&b));
            assert_ne!(fnv(&a), fnv(&b), "{edit}");
        }
    }

    #[test]
    fn changed_fields_name_nested_keys() {
        let a = record(&format!("{BASE}deployment:\n  steps: [a]\n  strategy: canary\n"));
        let b = record(&format!(
            "{BASE}deployment:\n  steps: [b]\n  strategy: canary\nx-k: 1\n"
        ));
        assert_eq!(
            changed_fields(&a.approved_scope(), &b.approved_scope()),
            vec!["deployment.steps", "x-k"]
        );
    }
}
