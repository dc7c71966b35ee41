//! The store's policy edited by key, as a person edits it in an editor:
//! `t.set_policy("targets.inclusive", "[rto]")` sets that one value in
//! changes/policy.yaml and keeps every other line and comment, so a test
//! names the setting it changes instead of patching the file's text.

use super::{Repo, Test};

const POLICY: &str = "changes/policy.yaml";

impl Repo {
    /// Sets the policy value at a dotted path (`cab_meeting`,
    /// `targets.inclusive`) to raw inline YAML, where it stands or, when the
    /// key is missing, at the end of its mapping. Not committed.
    #[track_caller]
    pub fn set_policy(&self, path: &str, raw: &str) {
        let text = self.read(POLICY);
        self.write(POLICY, &edit(&text, path, Some(raw)));
    }

    /// Removes the policy value at a dotted path, which must be there (its
    /// default then applies). Not committed.
    #[track_caller]
    pub fn unset_policy(&self, path: &str) {
        let text = self.read(POLICY);
        self.write(POLICY, &edit(&text, path, None));
    }
}

impl Test {
    /// Sets a policy value (see `Repo::set_policy`).
    #[track_caller]
    pub fn policy(self, path: &str, raw: &str) -> Test {
        self.set_policy(path, raw);
        self
    }
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// The end of the block of the key at `indent` whose value starts at line
/// `start`: the first blank line or line indented no deeper than the key.
fn block_end(lines: &[String], start: usize, to: usize, indent: usize) -> usize {
    (start..to)
        .find(|&i| lines[i].trim().is_empty() || indent_of(&lines[i]) <= indent)
        .unwrap_or(to)
}

/// `key: raw` at an indent.
fn entry(indent: usize, key: &str, raw: &str) -> String {
    format!("{}{key}: {raw}", " ".repeat(indent))
}

#[track_caller]
fn edit(text: &str, path: &str, value: Option<&str>) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let keys: Vec<&str> = path.split('.').collect();
    // The mapping a key is looked for in: lines `from..to`, keys at `indent`.
    let (mut from, mut to, mut indent) = (0, lines.len(), 0);
    for (depth, key) in keys.iter().enumerate() {
        let head = format!("{}{key}:", " ".repeat(indent));
        let last = depth + 1 == keys.len();
        let Some(at) = (from..to).find(|&i| lines[i].starts_with(&head)) else {
            let raw = value.unwrap_or_else(|| panic!("the policy has no `{path}` to remove:\n{text}"));
            // Missing: add it, with the mappings it is in, at the end of its parent.
            let mut added: Vec<String> = keys[depth..keys.len() - 1]
                .iter()
                .enumerate()
                .map(|(d, k)| format!("{}{k}:", " ".repeat(indent + 2 * d)))
                .collect();
            added.push(entry(indent + 2 * (keys.len() - 1 - depth), keys[keys.len() - 1], raw));
            lines.splice(to..to, added);
            break;
        };
        let end = block_end(&lines, at + 1, to, indent);
        if last {
            let replacement: Vec<String> = value.map(|raw| entry(indent, key, raw)).into_iter().collect();
            lines.splice(at..end, replacement);
            break;
        }
        assert!(
            lines[at].trim_end() == head,
            "the policy writes `{}` on one line ({}): set it whole",
            keys[..=depth].join("."),
            lines[at].trim()
        );
        (from, to, indent) = (at + 1, end, indent + 2);
    }
    lines.join("\n") + "\n"
}

#[test]
fn a_policy_value_is_set_by_key_and_every_other_line_stays() {
    let text = "# the targets\ntargets:\n  issue_rate: 0.10\n\n# next\ncab_meeting: {day: tue}\nroles:\n  # people\n  cab: []\n";
    let cases = [
        ("targets.inclusive", Some("[rto]"), "# the targets\ntargets:\n  issue_rate: 0.10\n  inclusive: [rto]\n\n# next\ncab_meeting: {day: tue}\nroles:\n  # people\n  cab: []\n"),
        ("cab_meeting", Some("{day: wed}"), "# the targets\ntargets:\n  issue_rate: 0.10\n\n# next\ncab_meeting: {day: wed}\nroles:\n  # people\n  cab: []\n"),
        ("roles", Some("{}"), "# the targets\ntargets:\n  issue_rate: 0.10\n\n# next\ncab_meeting: {day: tue}\nroles: {}\n"),
        ("targets.issue_rate", None, "# the targets\ntargets:\n\n# next\ncab_meeting: {day: tue}\nroles:\n  # people\n  cab: []\n"),
        ("roi.currency", Some("EUR"), "# the targets\ntargets:\n  issue_rate: 0.10\n\n# next\ncab_meeting: {day: tue}\nroles:\n  # people\n  cab: []\nroi:\n  currency: EUR\n"),
    ];
    for (path, value, expected) in cases {
        assert_eq!(edit(text, path, value), expected, "{path}");
    }
}
