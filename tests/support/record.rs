//! A typed change record for tests: built from the fields a test names, and
//! written as real YAML, so a test says `.status("approved")` rather than
//! patching a fixture's text with `.replace(..)`.
//!
//! The rendering is plain block YAML in the store's key order; flow values
//! (`{impact: medium, likelihood: low}`, `[checkout-api]`) are given as the
//! raw text a person would type. Any value can be set raw, so a test of bad
//! input writes the bad value it means (`.raw("priority", "[high]")`).

use super::{Repo, Who};
use chg::render::PushFmt as _;

/// One YAML value: raw inline text, a literal block, a mapping or a list.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// Inline text written as is after `key: ` (a scalar or a flow collection).
    Raw(String),
    /// A literal block (`key: |`), one line a line.
    Block(String),
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
}

impl Node {
    fn map(&mut self) -> &mut Vec<(String, Node)> {
        if !matches!(self, Node::Map(_)) {
            *self = Node::Map(Vec::new());
        }
        match self {
            Node::Map(entries) => entries,
            _ => unreachable!(),
        }
    }

    fn get_mut(&mut self, key: &str) -> Option<&mut Node> {
        match self {
            Node::Map(entries) => entries.iter_mut().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn render_entries(entries: &[(String, Node)], indent: usize, out: &mut String) {
        for (i, (key, value)) in entries.iter().enumerate() {
            // The first entry of a list item follows its `- ` on the same line.
            let pad = if i == 0 && out.ends_with("- ") {
                String::new()
            } else {
                " ".repeat(indent)
            };
            Node::render_entry(&pad, key, value, indent, out);
        }
    }

    fn render_entry(pad: &str, key: &str, value: &Node, indent: usize, out: &mut String) {
        match value {
            Node::Raw(text) => out.push_fmt(format_args!("{pad}{key}: {text}\n")),
            Node::Block(text) => {
                out.push_fmt(format_args!("{pad}{key}: |\n"));
                for line in text.lines() {
                    out.push_fmt(format_args!("{}{line}\n", " ".repeat(indent + 2)));
                }
            }
            Node::Map(entries) => {
                out.push_fmt(format_args!("{pad}{key}:\n"));
                Node::render_entries(entries, indent + 2, out);
            }
            Node::List(items) => {
                out.push_fmt(format_args!("{pad}{key}:\n"));
                for item in items {
                    out.push_fmt(format_args!("{}- ", " ".repeat(indent + 2)));
                    match item {
                        Node::Map(entries) => Node::render_entries(entries, indent + 4, out),
                        Node::Raw(text) | Node::Block(text) => out.push_fmt(format_args!("{text}\n")),
                        Node::List(_) => panic!("a list in a list is not written by tests"),
                    }
                }
            }
        }
    }
}

/// The order of a record's top-level keys, as `chg new` writes them; a key
/// set later is put in its place, so line numbers stay those of the store.
/// `justification` (which `chg new` writes after the description) comes
/// last: the fixture gained it with issue 15.2, and the line numbers the
/// tests assert for every other key stay what they were.
const ORDER: [&str; 24] = [
    "schema_version",
    "id",
    "title",
    "status",
    "classification",
    "template",
    "risk",
    "priority",
    "requested_by",
    "created_at",
    "description",
    "systems",
    "testing",
    "deployment",
    "rollback",
    "scope",
    "approvals",
    "implementation",
    "rollbacks",
    "monitoring",
    "emergency",
    "post_review",
    "review",
    "justification",
];

/// Setters of one value each, by value: `.status("approved")` sets `status:`.
macro_rules! scalar_setters {
    ($($(#[$doc:meta])* $name:ident => $path:literal,)*) => {
        $(
            $(#[$doc])*
            pub fn $name(mut self, value: &str) -> Record {
                self.set($path, value);
                self
            }
        )*
    };
}

/// A change record under construction.
#[derive(Clone, Debug)]
pub struct Record {
    root: Node,
}

impl Record {
    /// The complete normal change every test starts from: medium impact, low
    /// likelihood, a business justification, all tests passed, a canary with
    /// a window on 2026-11-18 02:00-04:00 UTC and a simple rollback rehearsed
    /// on 2026-11-09; Jane requested it. No approval.
    pub fn normal(id: &str) -> Record {
        let mut r = Record {
            root: Node::Map(Vec::new()),
        };
        r.set("schema_version", "1")
            .set("id", id)
            .set("title", "Enable canary routing for checkout-api")
            .set("status", "draft")
            .set("classification", "normal")
            .set("risk", "{impact: medium, likelihood: low}")
            .set("priority", "high")
            .set("requested_by", "Jane Doe <jane@example.com>")
            .set("created_at", "2026-11-16T09:12:00Z")
            .put(
                "description",
                Node::Block("Route 5 % of checkout traffic through the new pricing service.".into()),
            )
            .set("systems", "[checkout-api, pricing-service]")
            .set("testing.unit", "passed")
            .set("testing.integration", "passed")
            .set("testing.qa_review", "passed")
            .set("deployment.strategy", "canary")
            .set(
                "deployment.window",
                "{start: 2026-11-18T02:00:00Z, end: 2026-11-18T04:00:00Z}",
            )
            .put(
                "rollback.plan",
                Node::Block("Set canary weight to 0, redeploy checkout-api v41.".into()),
            )
            .set("rollback.kind", "simple")
            // Rehearsed a week before it was filed: current until 2027-02-09.
            .set("rollback.last_tested", "2026-11-09")
            // The approval criteria a normal or major change states (issue 15.2).
            .set(
                "justification",
                "{business_reason: Pricing moves to its own service, expected_benefit: Prices change without a checkout deploy}",
            );
        r
    }

    /// A major change: the normal one with the two extra tests a major change
    /// needs, deployed blue-green as the policy has major changes deployed.
    pub fn major(id: &str) -> Record {
        let mut r = Record::normal(id);
        r.set("classification", "major")
            .set("deployment.strategy", "blue-green")
            .set("testing.security_review", "passed")
            .set("testing.performance", "passed");
        r
    }

    /// A standard change of low risk on the `log-rotation` template's terms
    /// is not implied: the template is the test's to name.
    pub fn standard(id: &str) -> Record {
        let mut r = Record::normal(id);
        r.set("classification", "standard")
            .set("risk", "{impact: low, likelihood: low}");
        r
    }

    /// An emergency change, without its `emergency:` block (the test says which criteria).
    pub fn emergency(id: &str) -> Record {
        let mut r = Record::normal(id);
        r.set("classification", "emergency");
        r
    }

    /// The record's id.
    pub fn id(&self) -> String {
        match self.get("id") {
            Some(Node::Raw(id)) => id.clone(),
            _ => String::new(),
        }
    }

    /// Where the store keeps it: `changes/<year of the id>/<id>.yaml`.
    pub fn path(&self) -> String {
        let id = self.id();
        let year = id.get(4..8).unwrap_or("2026");
        format!("changes/{year}/{id}.yaml")
    }

    /// The YAML text.
    pub fn text(&self) -> String {
        let mut out = String::new();
        if let Node::Map(entries) = &self.root {
            Node::render_entries(entries, 0, &mut out);
        }
        out
    }

    fn get(&self, path: &str) -> Option<&Node> {
        let mut node = &self.root;
        for key in path.split('.') {
            match node {
                Node::Map(entries) => node = &entries.iter().find(|(k, _)| k == key)?.1,
                _ => return None,
            }
        }
        Some(node)
    }

    /// Sets the value at a dotted path (`testing.qa_review`) to a node,
    /// replacing it where it stands or adding it in its place.
    pub fn put(&mut self, path: &str, value: Node) -> &mut Record {
        let mut keys: Vec<&str> = path.split('.').collect();
        let last = keys.pop().unwrap_or_default();
        let mut node = &mut self.root;
        let top = keys.is_empty();
        for (depth, key) in keys.into_iter().enumerate() {
            if node.get_mut(key).is_none() {
                insert(node.map(), key, Node::Map(Vec::new()), depth == 0);
            }
            node = node.get_mut(key).unwrap();
        }
        if let Some(slot) = node.get_mut(last) {
            *slot = value;
        } else {
            insert(node.map(), last, value, top);
        }
        self
    }

    /// Sets the value at a dotted path to raw inline YAML.
    pub fn set(&mut self, path: &str, raw: &str) -> &mut Record {
        self.put(path, Node::Raw(raw.to_string()))
    }

    /// The mapping holding the last key of a dotted path, and that key.
    fn parent_mut<'a>(&mut self, path: &'a str) -> Option<(&mut Vec<(String, Node)>, &'a str)> {
        let (parent, last) = path.rsplit_once('.').map_or((None, path), |(p, l)| (Some(p), l));
        let mut node = &mut self.root;
        for key in parent.into_iter().flat_map(|p| p.split('.')) {
            node = node.get_mut(key)?;
        }
        match node {
            Node::Map(entries) => Some((entries, last)),
            _ => None,
        }
    }

    /// Removes the value at a dotted path (a missing path is left alone).
    pub fn remove(&mut self, path: &str) -> &mut Record {
        if let Some((entries, last)) = self.parent_mut(path) {
            entries.retain(|(k, _)| k != last);
        }
        self
    }

    /// Renames the key at a dotted path, keeping its place and value (a typo a person makes).
    pub fn rename(&mut self, path: &str, new_key: &str) -> &mut Record {
        if let Some((entries, last)) = self.parent_mut(path) {
            for entry in entries.iter_mut().filter(|(k, _)| k == last) {
                entry.0 = new_key.to_string();
            }
        }
        self
    }

    /// Appends an item to the list at a top-level key (made in its place if missing).
    fn push(&mut self, key: &str, item: Node) -> &mut Record {
        if !matches!(self.get(key), Some(Node::List(_))) {
            self.put(key, Node::List(Vec::new()));
        }
        if let Some(Node::List(items)) = self.root.get_mut(key) {
            items.push(item);
        }
        self
    }

    // Typed setters, by value, for building a record in one expression.

    scalar_setters! {
        /// `status:`.
        status => "status",
        /// `title:`.
        title => "title",
        /// `classification:`.
        class => "classification",
        /// `template:` (a standard change's template).
        template => "template",
        /// `created_at:`.
        created => "created_at",
        /// `rollback.kind:`.
        rollback_kind => "rollback.kind",
        /// `emergency:` as raw flow text (`{criteria: [production-down]}`).
        emergency_block => "emergency",
    }

    /// `risk: {impact, likelihood}`.
    pub fn risk(mut self, impact: &str, likelihood: &str) -> Record {
        self.set("risk", &format!("{{impact: {impact}, likelihood: {likelihood}}}"));
        self
    }

    /// `requested_by:` someone.
    pub fn requested_by(mut self, who: Who) -> Record {
        self.set("requested_by", &who.id());
        self
    }

    /// `description:` (a literal block).
    pub fn description(mut self, text: &str) -> Record {
        self.put("description", Node::Block(text.to_string()));
        self
    }

    /// `systems: [..]`.
    pub fn systems(mut self, systems: &[&str]) -> Record {
        self.set("systems", &format!("[{}]", systems.join(", ")));
        self
    }

    /// One entry of `testing:` (`unit`, `qa_review`...) and its result.
    pub fn test(mut self, name: &str, result: &str) -> Record {
        self.set(&format!("testing.{name}"), result);
        self
    }

    /// `deployment.window: {start, end}`.
    pub fn window(mut self, start: &str, end: &str) -> Record {
        self.set("deployment.window", &format!("{{start: {start}, end: {end}}}"));
        self
    }

    /// No `deployment.window`.
    pub fn no_window(mut self) -> Record {
        self.remove("deployment.window");
        self
    }

    /// Adds an approval.
    pub fn approval(mut self, approval: Approval) -> Record {
        self.push("approvals", approval.node());
        self
    }

    /// The change manager Sam's written approval (what most approved fixtures carry).
    pub fn approved_by_sam(self) -> Record {
        self.status("approved")
            .approval(Approval::new("change-manager", super::SAM))
    }

    /// `implementation:`.
    pub fn implementation(mut self, implementation: Implementation) -> Record {
        self.put("implementation", Node::Map(implementation.0.entries()));
        self
    }

    /// Adds an entry to `rollbacks:`.
    pub fn rollback(mut self, entry: Fields) -> Record {
        self.push("rollbacks", Node::Map(entry.entries()));
        self
    }

    /// Rolled back during its implementation: `status: rolled-back`, an
    /// implementation from `started` to `finished` with the outcome
    /// `rolled-back`, and this rollback entry.
    pub fn rolled_back(self, started: &str, finished: &str, rollback: Fields) -> Record {
        self.status("rolled-back")
            .implementation(Implementation::new(started, finished, "rolled-back"))
            .rollback(rollback)
    }

    /// Adds a spell of monitoring by Jane to `monitoring:` (what `chg monitor` records).
    pub fn monitored(mut self, from: &str, to: &str) -> Record {
        let spell = Fields::new()
            .set("by", &super::JANE.id())
            .set("from", from)
            .set("to", to)
            .set("observed", "error rates and latency at baseline");
        self.push("monitoring", Node::Map(spell.entries()));
        self
    }

    /// Any value at a dotted path, raw (for a value the typed setters do not
    /// cover, or a wrong one a test means to write).
    pub fn raw(mut self, path: &str, raw: &str) -> Record {
        self.set(path, raw);
        self
    }

    /// The key at a dotted path spelt otherwise, in its place.
    pub fn misspelt(mut self, path: &str, as_key: &str) -> Record {
        self.rename(path, as_key);
        self
    }

    /// Without the value at a dotted path.
    pub fn without(mut self, path: &str) -> Record {
        self.remove(path);
        self
    }
}

/// Inserts a key into a mapping: at the top level in the store's order,
/// elsewhere (or for a key the order does not know) at the end.
fn insert(entries: &mut Vec<(String, Node)>, key: &str, value: Node, top: bool) {
    let rank = |k: &str| ORDER.iter().position(|o| *o == k);
    let at = match (top, rank(key)) {
        (true, Some(mine)) => entries
            .iter()
            .position(|(k, _)| rank(k).is_some_and(|r| r > mine))
            .unwrap_or(entries.len()),
        _ => entries.len(),
    };
    entries.insert(at, (key.to_string(), value));
}

/// An ordered mapping of raw values, for the nested blocks of a record.
#[derive(Clone, Debug, Default)]
pub struct Fields(Vec<(String, Node)>);

impl Fields {
    pub fn new() -> Fields {
        Fields::default()
    }

    /// Sets a key to raw inline YAML (replacing it where it stands).
    pub fn set(mut self, key: &str, raw: &str) -> Fields {
        let value = Node::Raw(raw.to_string());
        match self.0.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.0.push((key.to_string(), value)),
        }
        self
    }

    /// Removes a key.
    pub fn without(mut self, key: &str) -> Fields {
        self.0.retain(|(k, _)| k != key);
        self
    }

    fn entries(self) -> Vec<(String, Node)> {
        self.0
    }

    /// A rollback entry: triggered by the error rate, immediate, of this kind and times.
    pub fn rollback_entry(kind: &str, started: &str, restored: &str) -> Fields {
        Fields::new()
            .set("trigger", "error-rate")
            .set("mode", "immediate")
            .set("kind", kind)
            .set("started_at", started)
            .set("restored_at", restored)
    }
}

/// An approval entry.
#[derive(Clone, Debug)]
pub struct Approval(Fields);

impl Approval {
    /// A written approval, given at 2026-11-17 10:03 UTC.
    pub fn new(role: &str, who: Who) -> Approval {
        Approval(
            Fields::new()
                .set("role", role)
                .set("approver", &who.id())
                .set("decision", "approved")
                .set("method", "written")
                .set("at", "2026-11-17T10:03:00Z"),
        )
    }

    /// `method:` (written, verbal, in-meeting...).
    pub fn method(self, method: &str) -> Approval {
        Approval(self.0.set("method", method))
    }

    /// `at:`.
    pub fn at(self, at: &str) -> Approval {
        Approval(self.0.set("at", at))
    }

    /// `decision:`.
    pub fn decision(self, decision: &str) -> Approval {
        Approval(self.0.set("decision", decision))
    }

    /// Without a key.
    pub fn without(self, key: &str) -> Approval {
        Approval(self.0.without(key))
    }

    /// Any other key, raw.
    pub fn field(self, key: &str, raw: &str) -> Approval {
        Approval(self.0.set(key, raw))
    }

    fn node(self) -> Node {
        Node::Map(self.0.entries())
    }
}

/// An `implementation:` block.
#[derive(Clone, Debug)]
pub struct Implementation(Fields);

impl Implementation {
    /// Started and finished at these times with this outcome.
    pub fn new(started: &str, finished: &str, outcome: &str) -> Implementation {
        Implementation(
            Fields::new()
                .set("started_at", started)
                .set("finished_at", finished)
                .set("outcome", outcome),
        )
    }

    /// Started at this time and not finished yet.
    pub fn started(started: &str) -> Implementation {
        Implementation(Fields::new().set("started_at", started))
    }

    /// `issues:` raw (`[]`, `[a flaky health check]`).
    pub fn issues(self, raw: &str) -> Implementation {
        Implementation(self.0.set("issues", raw))
    }

    /// `validation:` raw (`{smoke_tests: passed}`).
    pub fn validation(self, raw: &str) -> Implementation {
        Implementation(self.0.set("validation", raw))
    }

    /// Any other key, raw.
    pub fn field(self, key: &str, raw: &str) -> Implementation {
        Implementation(self.0.set(key, raw))
    }

    /// Without a key.
    pub fn without(self, key: &str) -> Implementation {
        Implementation(self.0.without(key))
    }
}

/// A YAML file's text edited by key, as a person edits it in an editor: the
/// lines of the keys named change and every other byte stays (comments,
/// quoting, line numbers), so a test says `.set("status", "submitted")`
/// rather than replacing text that may drift. A path is dotted
/// (`rollback.kind`); a number picks a list item (`approvals.0.role`); the
/// last key may sit in a flow mapping (`rto.simple` of `rto: {simple: 15m}`).
/// A path that is not there fails the test (except the last key of `set`,
/// which is added), so a fixture that drifts fails at the edit.
#[derive(Clone, Debug)]
pub struct Yaml {
    lines: Vec<String>,
}

/// Where a path's value is.
enum Spot {
    /// On this line, after `key:` (its block, if any, on the lines below).
    Line(usize),
    /// In the flow mapping on this line, under this key (maybe not there yet).
    Flow(usize, String),
    /// Not there: it would go after line `after` at this indent.
    Missing { after: usize, indent: usize, key: String },
}

/// A line's indent and text, with a list item's `- ` read as indent.
fn view(line: &str) -> (usize, &str) {
    let text = line.trim_start();
    let indent = line.len() - text.len();
    match text.strip_prefix("- ") {
        Some(rest) => (indent + 2 + rest.len() - rest.trim_start().len(), rest.trim_start()),
        None => (indent, text),
    }
}

/// Whether a line holds YAML (not blank, not a comment).
fn content(line: &str) -> bool {
    let t = line.trim_start();
    !t.is_empty() && !t.starts_with('#')
}

/// The value after `key:` on a line whose text starts with it.
fn value_of<'a>(text: &'a str, key: &str) -> Option<&'a str> {
    let rest = text.strip_prefix(key)?.strip_prefix(':')?;
    (rest.is_empty() || rest.starts_with(' ')).then(|| rest.trim())
}

/// The top-level entries of a flow collection's inside (`a: 1, b: [2, 3]`).
fn flow_items(inside: &str) -> Vec<String> {
    let (mut items, mut depth, mut start, mut quoted) = (Vec::new(), 0, 0, None);
    for (i, c) in inside.char_indices() {
        match (quoted, c) {
            (Some(q), _) if c == q => quoted = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quoted = Some(c),
            (None, '{' | '[') => depth += 1,
            (None, '}' | ']') => depth -= 1,
            (None, ',') if depth == 0 => {
                items.push(inside[start..i].trim().to_string());
                start = i + 1;
            }
            _ => {}
        }
    }
    let last = inside[start..].trim();
    if !last.is_empty() {
        items.push(last.to_string());
    }
    items
}

impl Yaml {
    pub fn new(text: &str) -> Yaml {
        Yaml {
            lines: text.lines().map(str::to_string).collect(),
        }
    }

    /// The text, ending with a line break.
    pub fn text(&self) -> String {
        let mut out = self.lines.join("\n");
        out.push('\n');
        out
    }

    /// The lines under line `at` indented more than it (its block), as an end index.
    fn block_end(&self, at: usize, indent: usize) -> usize {
        let mut end = at + 1;
        for (i, line) in self.lines.iter().enumerate().skip(at + 1) {
            if content(line) {
                if view(line).0 <= indent {
                    break;
                }
                end = i + 1;
            }
        }
        end
    }

    #[track_caller]
    fn find(&self, path: &str) -> Spot {
        let keys: Vec<&str> = path.split('.').collect();
        // The range searched, and the line that owns it (none at the top).
        let (mut from, mut to, mut owner) = (0, self.lines.len(), None::<usize>);
        for (n, key) in keys.iter().enumerate() {
            let last = n + 1 == keys.len();
            let first = (from..to).find(|&i| content(&self.lines[i]) && self.lines[i] != "---");
            if let Ok(index) = key.parse::<usize>() {
                // The n-th item of a block list.
                let items: Vec<usize> = (from..to)
                    .filter(|&i| self.lines[i].trim_start().starts_with("- "))
                    .filter(|&i| first.is_some_and(|f| view(&self.lines[i]).0 == view(&self.lines[f]).0))
                    .collect();
                let at = *items
                    .get(index)
                    .unwrap_or_else(|| panic!("no item {index} in `{path}`:\n{}", self.text()));
                assert!(!last, "`{path}` names a whole list item");
                from = at;
                to = items.get(index + 1).copied().unwrap_or(to);
                owner = None;
                continue;
            }
            let indent = match (first, owner) {
                (Some(f), _) => view(&self.lines[f]).0,
                (None, Some(o)) => view(&self.lines[o]).0 + 2,
                (None, None) => 0,
            };
            let found = (from..to).find(|&i| {
                let (ind, text) = view(&self.lines[i]);
                ind == indent && content(&self.lines[i]) && value_of(text, key).is_some()
            });
            let Some(at) = found else {
                assert!(last, "no `{key}` of `{path}` in:\n{}", self.text());
                let after = (from..to)
                    .rev()
                    .find(|&i| content(&self.lines[i]))
                    .or(owner)
                    .unwrap_or(0);
                return Spot::Missing {
                    after,
                    indent,
                    key: key.to_string(),
                };
            };
            if last {
                return Spot::Line(at);
            }
            let value = value_of(view(&self.lines[at]).1, key).unwrap_or_default();
            if value.starts_with('{') {
                assert!(
                    n + 2 == keys.len(),
                    "`{path}` goes deeper than the flow mapping at `{key}`"
                );
                return Spot::Flow(at, keys[n + 1].to_string());
            }
            (from, to, owner) = (at + 1, self.block_end(at, indent), Some(at));
        }
        unreachable!("a path has a last key")
    }

    /// The line's text before its value (`  - role:` and the like), and the value.
    fn split(&self, at: usize) -> (String, String) {
        let line = &self.lines[at];
        let colon = line.find(": ").map_or(line.trim_end().len(), |c| c + 1);
        (line[..colon].to_string(), line[colon..].trim().to_string())
    }

    /// Rewrites a flow mapping's entry for `key` (none: removes it).
    fn flow_set(&mut self, at: usize, key: &str, raw: Option<&str>) {
        let (head, value) = self.split(at);
        let inside = value.trim_start_matches('{').trim_end_matches('}');
        let mut items = flow_items(inside);
        let mine = items.iter().position(|i| value_of(i, key).is_some());
        match (mine, raw) {
            (Some(i), Some(raw)) => items[i] = format!("{key}: {raw}"),
            (Some(i), None) => {
                items.remove(i);
            }
            (None, Some(raw)) => items.push(format!("{key}: {raw}")),
            (None, None) => panic!("no `{key}` in `{}`", self.lines[at]),
        }
        self.lines[at] = format!("{head} {{{}}}", items.join(", "));
    }

    /// Sets the value at a path to raw inline YAML, replacing the value's
    /// block if it had one; a last key not there is added after its siblings.
    #[track_caller]
    pub fn set(mut self, path: &str, raw: &str) -> Yaml {
        match self.find(path) {
            Spot::Line(at) => {
                let end = self.block_end(at, view(&self.lines[at]).0);
                let (head, _) = self.split(at);
                self.lines.splice(at..end, [format!("{head} {raw}")]);
            }
            Spot::Flow(at, key) => self.flow_set(at, &key, Some(raw)),
            Spot::Missing { after, indent, key } => {
                self.lines
                    .insert(after + 1, format!("{}{key}: {raw}", " ".repeat(indent)));
            }
        }
        self
    }

    /// Removes the key at a path with its block.
    #[track_caller]
    pub fn without(mut self, path: &str) -> Yaml {
        match self.find(path) {
            Spot::Line(at) => {
                let line = &self.lines[at];
                let (indent, dash) = (view(line).0, line.trim_start().starts_with("- "));
                let end = self.block_end(at, indent);
                // A list item's first key goes with its `- `: the next key takes it.
                if dash
                    && self
                        .lines
                        .get(end)
                        .is_some_and(|next| view(next).0 == indent && !next.trim_start().starts_with("- "))
                {
                    self.lines[end] = format!("{}- {}", " ".repeat(indent - 2), self.lines[end].trim_start());
                }
                self.lines.drain(at..end);
            }
            Spot::Flow(at, key) => self.flow_set(at, &key, None),
            Spot::Missing { key, .. } => panic!("no `{key}` of `{path}` to remove:\n{}", self.text()),
        }
        self
    }

    /// Adds an item (raw inline YAML) at the end of the list at a path, a
    /// flow list (`[a, b]`) or a block one (`- a` lines).
    #[track_caller]
    pub fn add(mut self, path: &str, item: &str) -> Yaml {
        let Spot::Line(at) = self.find(path) else {
            panic!("no list `{path}` to add to:\n{}", self.text());
        };
        let (head, value) = self.split(at);
        if let Some(inside) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
            let mut items = flow_items(inside);
            items.push(item.to_string());
            self.lines[at] = format!("{head} [{}]", items.join(", "));
        } else {
            let indent = view(&self.lines[at]).0;
            let end = self.block_end(at, indent);
            let dash = self.lines[at + 1..end]
                .iter()
                .find(|l| l.trim_start().starts_with("- "))
                .map_or(indent + 2, |l| l.len() - l.trim_start().len());
            self.lines.insert(end, format!("{}- {item}", " ".repeat(dash)));
        }
        self
    }

    /// The raw value at a path (a block's first line is empty).
    #[track_caller]
    pub fn get(&self, path: &str) -> String {
        match self.find(path) {
            Spot::Line(at) => self.split(at).1,
            Spot::Flow(at, key) => {
                let inside = self.split(at).1;
                flow_items(inside.trim_start_matches('{').trim_end_matches('}'))
                    .iter()
                    .find_map(|i| value_of(i, &key).map(str::to_string))
                    .unwrap_or_else(|| panic!("no `{path}`"))
            }
            Spot::Missing { .. } => panic!("no `{path}`:\n{}", self.text()),
        }
    }
}

impl Repo {
    /// Edits a YAML file in the work tree by key (see `Yaml`), uncommitted.
    #[track_caller]
    pub fn edit_yaml(&self, rel: &str, edit: impl FnOnce(Yaml) -> Yaml) {
        let text = edit(Yaml::new(&self.read(rel))).text();
        self.write(rel, &text);
    }
}

#[test]
fn yaml_edits_change_only_the_lines_of_their_keys() {
    let text = "# head\n---\nstatus: draft # no\nrto: {simple: 15m, complex: 1h}\nroles:\n  cab: []\n  ceo: [erin@example.com]\nwindows:\n  - days: [mon]\n    start: \"02:00\"\napprovals:\n  - role: cab\n    at: 1\n  - role: ceo\n    at: 2\ndescription: |\n  two\n  lines\nlast: x\n";
    let edited = Yaml::new(text)
        .set("status", "submitted")
        .set("rto.simple", "20m")
        .set("rto.full-restore", "4h")
        .add("roles.cab", "ana@example.com")
        .add("roles.ceo", "dave@example.com")
        .add("windows", "{days: [wed]}")
        .set("approvals.1.at", "3")
        .set("approvals.0.method", "written")
        .set("description", "one line")
        .set("roles.cto", "[]")
        .without("approvals.0.role")
        .set("added", "y");
    assert_eq!(
        edited.text(),
        "# head\n---\nstatus: submitted\nrto: {simple: 20m, complex: 1h, full-restore: 4h}\nroles:\n  cab: [ana@example.com]\n  ceo: [erin@example.com, dave@example.com]\n  cto: []\nwindows:\n  - days: [mon]\n    start: \"02:00\"\n  - {days: [wed]}\napprovals:\n  - at: 1\n    method: written\n  - role: ceo\n    at: 3\ndescription: one line\nlast: x\nadded: y\n"
    );
    assert_eq!(edited.get("rto.complex"), "1h");
    assert_eq!(edited.get("approvals.1.role"), "ceo");
}
