//! The published JSON Schemas against the parser: a differential test over a
//! few hundred generated and mutated records, policies and templates, each
//! judged by `chg check` (its schema-level findings) and by an independent
//! validator (boon, draft 2020-12 with format assertions) reading the YAML
//! with an independent YAML 1.2 loader (yaml-rust2's parser, not the
//! libyaml port chg reads with). Plus: the schemas compile in Ajv 8 strict.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, Parser};

use crate::support::*;

/// Where chg is deliberately stricter than a JSON Schema can say; each
/// case's label, and a phrase the schema's description must contain.
const STRICTER: &[(&str, &str)] = &[
    ("policy windows time_zone not in the IANA database", "IANA"),
    ("policy cab_meeting time_zone not in the IANA database", "IANA"),
];

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn schema(name: &str) -> Value {
    let text = std::fs::read_to_string(manifest(&format!("schemas/{name}.schema.json"))).unwrap();
    serde_json::from_str(&text).unwrap()
}

// ---------------------------------------------------------------------------
// An independent YAML 1.2 (core schema) to JSON loader.

/// Loads one YAML document as JSON; `Err` when it is not JSON data (several
/// documents, a duplicate key, a non-scalar key, a tag outside the core
/// schema, NaN or infinity).
fn yaml_to_json(text: &str) -> Result<Value, String> {
    let mut parser = Parser::new_from_str(text);
    let mut anchors: BTreeMap<usize, Value> = BTreeMap::new();
    let mut docs = 0;
    let mut result = Value::Null;
    loop {
        let (event, _) = parser.next_token().map_err(|e| e.to_string())?;
        match event {
            Event::StreamEnd => break,
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart => {
                docs += 1;
                if docs > 1 {
                    return Err("more than one document".into());
                }
            }
            other => result = node(other, &mut parser, &mut anchors)?,
        }
    }
    Ok(result)
}

fn core_tag(tag: &Option<yaml_rust2::parser::Tag>) -> Result<Option<String>, String> {
    let Some(tag) = tag else { return Ok(None) };
    let full = format!("{}{}", tag.handle, tag.suffix);
    let suffix = full
        .strip_prefix("tag:yaml.org,2002:")
        .or_else(|| full.strip_prefix("!!"))
        .ok_or_else(|| format!("tag {full}"))?;
    match suffix {
        "str" | "int" | "float" | "bool" | "null" | "map" | "seq" => Ok(Some(suffix.to_string())),
        other => Err(format!("tag !!{other}")),
    }
}

/// The next event in a collection, `None` at its end.
fn next_in(parser: &mut Parser<std::str::Chars>) -> Result<Option<Event>, String> {
    let (event, _) = parser.next_token().map_err(|e| e.to_string())?;
    Ok((!matches!(event, Event::SequenceEnd | Event::MappingEnd)).then_some(event))
}

fn node(
    event: Event,
    parser: &mut Parser<std::str::Chars>,
    anchors: &mut BTreeMap<usize, Value>,
) -> Result<Value, String> {
    let (value, anchor) = match event {
        Event::Alias(id) => return anchors.get(&id).cloned().ok_or("unknown alias".to_string()),
        Event::Scalar(text, style, anchor, tag) => {
            let tag = core_tag(&tag)?;
            let plain = matches!(style, yaml_rust2::scanner::TScalarStyle::Plain);
            (scalar(&text, plain, tag.as_deref())?, anchor)
        }
        Event::SequenceStart(anchor, tag) => {
            core_tag(&tag)?;
            let mut items = Vec::new();
            while let Some(e) = next_in(parser)? {
                items.push(node(e, parser, anchors)?);
            }
            (Value::Array(items), anchor)
        }
        Event::MappingStart(anchor, tag) => {
            core_tag(&tag)?;
            let mut map = Map::new();
            while let Some(e) = next_in(parser)? {
                let key = match node(e, parser, anchors)? {
                    Value::String(s) => s,
                    Value::Number(n) => n.to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Null => "null".into(),
                    _ => return Err("a mapping or list as a key".into()),
                };
                let e = next_in(parser)?.ok_or("a key without a value")?;
                let value = node(e, parser, anchors)?;
                if map.insert(key.clone(), value).is_some() {
                    return Err(format!("duplicate key {key}"));
                }
            }
            (Value::Object(map), anchor)
        }
        other => return Err(format!("unexpected {other:?}")),
    };
    if anchor > 0 {
        anchors.insert(anchor, value.clone());
    }
    Ok(value)
}

/// Resolves a scalar by the YAML 1.2 core schema.
fn scalar(text: &str, plain: bool, tag: Option<&str>) -> Result<Value, String> {
    if !plain || tag == Some("str") {
        return Ok(Value::String(text.into()));
    }
    let number = |n: Option<Number>| {
        n.map(Value::Number)
            .ok_or_else(|| format!("{text} is not a JSON number"))
    };
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
        "true" | "True" | "TRUE" => return Ok(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Ok(Value::Bool(false)),
        _ => {}
    }
    let digits = |s: &str, radix: u32| !s.is_empty() && s.chars().all(|c| c.is_digit(radix));
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits(unsigned, 10) {
        if let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Number(i.into()));
        }
        return number(text.parse::<f64>().ok().and_then(Number::from_f64));
    }
    if let Some(hex) = text.strip_prefix("0x").filter(|h| digits(h, 16)) {
        return number(i64::from_str_radix(hex, 16).ok().map(Number::from));
    }
    if let Some(oct) = text.strip_prefix("0o").filter(|o| digits(o, 8)) {
        return number(i64::from_str_radix(oct, 8).ok().map(Number::from));
    }
    let lower = unsigned.to_ascii_lowercase();
    if lower == ".inf" || lower == ".nan" {
        return Err(format!("{text} is not a JSON number"));
    }
    // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (&unsigned[..i], Some(&unsigned[i + 1..])),
        None => (unsigned, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => (digits(a, 10) && b.chars().all(|c| c.is_ascii_digit())) || (a.is_empty() && digits(b, 10)),
        None => digits(mantissa, 10),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e), 10));
    if mantissa_ok && exponent_ok && (mantissa.contains('.') || exponent.is_some()) {
        return number(text.parse::<f64>().ok().and_then(Number::from_f64));
    }
    Ok(Value::String(text.into()))
}

#[test]
fn the_independent_loader_reads_yaml_1_2_core() {
    let v = yaml_to_json("a: 2026-11-18T02:00:00Z\nb: yes\nc: 0o17\nd: 1.0\ne: ~\nf: '1'\ng: &x [1]\nh: *x\n").unwrap();
    assert_eq!(v["a"], "2026-11-18T02:00:00Z");
    assert_eq!(v["b"], "yes");
    assert_eq!(v["c"], 15);
    assert_eq!(v["d"], 1.0);
    assert_eq!(v["e"], Value::Null);
    assert_eq!(v["f"], "1");
    assert_eq!(v["h"], serde_json::json!([1]));
    assert!(yaml_to_json("a: !!binary aGk=\n").is_err());
    assert!(yaml_to_json("a: !local x\n").is_err());
    assert!(yaml_to_json("a: 1\na: 2\n").is_err());
    assert!(yaml_to_json("a: .nan\n").is_err());
}

// ---------------------------------------------------------------------------
// Cases: a base document and a labelled mutation of it.

struct Case {
    label: String,
    text: String,
}

/// Replaces a whole top-level key (its line and the indented lines under it),
/// or appends it; `None` as value removes the key.
fn set_top(text: &str, key: &str, value: Option<&str>) -> String {
    let mut out = String::new();
    let mut skipping = false;
    let mut done = false;
    for line in text.lines() {
        let top = !line.starts_with([' ', '#', '-']) && !line.is_empty();
        if top {
            skipping = false;
        }
        if top && (line.starts_with(&format!("{key}:"))) {
            skipping = true;
            if let (Some(v), false) = (value, done) {
                out.push_str(v);
                out.push('\n');
            }
            done = true;
            continue;
        }
        if skipping && !top {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if !done {
        if let Some(v) = value {
            out.push_str(v);
            out.push('\n');
        }
    }
    out
}

/// Replaces the first occurrence of `what` after the first `after`.
fn replace_after(text: &str, after: &str, what: &str, with: &str) -> Option<String> {
    let start = text.find(after)?;
    let at = start + text[start..].find(what)?;
    Some(format!("{}{with}{}", &text[..at], &text[at + what.len()..]))
}

/// The first RFC 3339 time after `after`, as written in the samples.
fn first_time_after(text: &str, after: &str) -> Option<String> {
    let start = text.find(after)? + after.len();
    let rest = &text[start..];
    let at = rest.find("T")?;
    let from = at.checked_sub(10)?;
    let end = rest[at..].find('Z')? + at + 1;
    let candidate = &rest[from..end];
    (candidate.len() == 20).then(|| candidate.to_string())
}

const TIMES: &[&str] = &[
    "2026-11-25T10:00:00 Z",
    "2026-11-25T10:00:00+0100",
    "2026-11-20 16:45:00+00:00",
    "2026-11-25T10:00:00+01:00",
    "2026-11-25T10:00:00.250Z",
    "2026-11-25t10:00:00z",
    "2026-11-25T10:00Z",
    "2026-11-25T25:00:00Z",
    "2026-02-30T10:00:00Z",
    "2026-11-25",
    "\"2026-11-25T10:00:00Z\"",
    "'2026-11-25T10:00:00Z'",
    "1764064800",
    "2026-11-25T10:00:00",
    "\" 2026-11-25T10:00:00Z\"",
];

const DATES: &[&str] = &[
    "2026-7-1",
    "2026-07-01",
    "\"2026-07-01\"",
    "2026-02-30",
    "20260701",
    "2026-07-01T00:00:00Z",
    "2026-13-01",
    "+2026-07-01",
];

const PEOPLE: &[&str] = &[
    "Jane Doe <jane@example.com>",
    "Jane Doe",
    "<jane@example.com>",
    "\"  Jane Doe <jane@example.com>  \"",
    "Jane <jane@>",
    "Jane <@example.com>",
    "Jane <ja ne@example.com>",
    "Jane <jane@example.com> extra",
    "Jane <j@a@b>",
    "\"Jane < jane@example.com >\"",
    "J <j@x>",
];

/// One case per line: a label, and the new text of the top-level key it
/// sets (the key is the text's first word, before its colon).
type Edit = (&'static str, &'static str);

/// One case per value: a label (the value follows it), the text of the
/// top-level key it sets with `{v}` where the value goes, and the values.
type Sweep = (&'static str, &'static str, &'static [&'static str]);

/// The top-level key a key's text sets: its first word, before the colon.
fn key_of(text: &str) -> &str {
    text.split_once(':').map_or(text, |(key, _)| key)
}

/// The cases of these edits of `base`, as `(label, text)`.
fn edited(base: &str, edits: &[Edit]) -> Vec<(String, String)> {
    edits
        .iter()
        .map(|(label, text)| (label.to_string(), set_top(base, key_of(text), Some(text))))
        .collect()
}

/// The cases of these sweeps over `base`, as `(label, text)`.
fn swept(base: &str, sweeps: &[Sweep]) -> Vec<(String, String)> {
    let mut cases = Vec::new();
    for (name, text, values) in sweeps {
        for v in *values {
            let text = text.replace("{v}", v);
            cases.push((format!("{name} {v}"), set_top(base, key_of(&text), Some(&text))));
        }
    }
    cases
}

/// The cases of each key set to null (`key:` alone), labelled `key null`.
fn nulled(base: &str, keys: &[&str]) -> Vec<(String, String)> {
    keys.iter()
        .map(|key| (format!("{key} null"), set_top(base, key, Some(&format!("{key}:")))))
        .collect()
}

/// The cases of each key removed, labelled `key missing`.
fn missing(base: &str, keys: &[&str]) -> Vec<(String, String)> {
    keys.iter()
        .map(|key| (format!("{key} missing"), set_top(base, key, None)))
        .collect()
}

const RECORD_NULLS: &[&str] = &[
    "systems",
    "approvals",
    "testing",
    "services",
    "deployment",
    "description",
    "justification",
    "rollbacks",
    "implementation",
    "template",
    "review",
];

const RECORD_EDITS: &[Edit] = &[
    ("systems empty list", "systems: []"),
    ("testing empty mapping", "testing: {}"),
    ("testing unit null", "testing:\n  unit:"),
    ("risk !!map", "risk: !!map {impact: low, likelihood: low}"),
    ("unknown key", "priorty: high"),
    ("extension key", "x-ticket: {id: 42, tags: [a]}"),
    ("extension with a tag", "x-blob: !!binary aGk="),
    ("status misspelt", "status: aproved"),
    ("priority list", "priority: [high]"),
    ("downtime_required yes", "downtime_required: yes"),
    ("downtime_required true", "downtime_required: true"),
    ("systems with a number", "systems: [db, 42]"),
    ("systems with a null item", "systems: [db, ~]"),
    ("emergency criteria null", "emergency:\n  criteria:"),
    ("cab_review date 2026-7-1", "emergency:\n  cab_review: {date: 2026-7-1}"),
    ("a mapping as a key", "x-odd:\n  ? {a: 1}\n  : b"),
];

const RECORD_SWEEPS: &[Sweep] = &[
    (
        "schema_version",
        "schema_version: {v}",
        &["2", "1.0", "\"1\"", "0", "1e0", "-1", "1.5", "0x1"],
    ),
    ("created_at", "created_at: {v}", TIMES),
    ("requested_by", "requested_by: {v}", PEOPLE),
    (
        "title",
        "title: {v}",
        &[
            "!!binary aGVsbG8gd29ybGQ=",
            "!change Some title",
            "!!str 1234",
            "!!int 5",
            "\"multi\\nline\"",
            "123",
            "null",
            "[a, b]",
            "yes",
            "2026-11-18",
        ],
    ),
    (
        "monitored_minutes",
        "implementation:\n  validation: {monitored_minutes: {v}}",
        &["30", "30.0", "-5", "4294967296", "1.5", "\"30\""],
    ),
    (
        "rollback duration_minutes",
        "rollbacks:\n  - trigger: error-rate\n    duration_minutes: {v}",
        &["15", "15.0", "-3", "9223372036854775808"],
    ),
    (
        "emergency cvss",
        "emergency:\n  criteria: [production-down]\n  cvss: {v}",
        &["9.8", "10", ".nan", ".inf", "\"high\""],
    ),
];

/// The mutations of one record: its times, dates and people swept, keys
/// nulled, removed, retyped and aliased.
fn record_mutations(base: &str) -> Vec<(String, String)> {
    let mut cases = nulled(base, RECORD_NULLS);
    cases.extend(missing(
        base,
        &["id", "title", "risk", "created_at", "requested_by", "priority"],
    ));
    cases.extend(swept(base, RECORD_SWEEPS));
    for (after, name) in [("window: {start: ", "window start"), ("    at: ", "approval at")] {
        let Some(first) = first_time_after(base, after) else {
            continue;
        };
        for t in TIMES.iter().take(4) {
            if let Some(text) = replace_after(base, after, &first, t) {
                cases.push((format!("{name} {t}"), text));
            }
        }
    }
    if let Some(line) = base.lines().find(|l| l.starts_with("  last_tested: ")) {
        for d in DATES {
            cases.push((
                format!("last_tested {d}"),
                base.replace(line, &format!("  last_tested: {d}")),
            ));
        }
    }
    cases.extend(edited(base, RECORD_EDITS));
    // The anchor must come before the alias.
    let anchor = "x-defaults: &defaults {impact: low, likelihood: low}\n";
    let merged = set_top(base, "risk", Some("risk:\n  <<: *defaults"));
    let (head, rest) = merged.split_once('\n').unwrap();
    cases.push(("merge key <<".into(), format!("{head}\n{anchor}{rest}")));
    cases.push((
        "anchor and alias".into(),
        set_top(
            &set_top(base, "systems", Some("systems: &s [db, api]")),
            "services",
            Some("services: *s"),
        ),
    ));
    cases.push(("duplicate key".into(), format!("{base}priority: low\npriority: high\n")));
    cases
}

/// The record cases: the store's records and variants of them.
fn record_cases() -> Vec<Case> {
    let mut bases: Vec<(String, String)> = Vec::new();
    let dir = manifest("changes/2026");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        bases.push((name, std::fs::read_to_string(&f).unwrap()));
    }
    bases.push((
        "normal".into(),
        Record::normal("CHG-2026-0001").approved_by_sam().text(),
    ));
    let mut cases = Vec::new();
    // Every sample as it is; the mutations on a few of them, which keeps the
    // run short and still covers approvals, windows and rollback plans.
    for (name, base) in &bases[..bases.len() - 1] {
        cases.push(Case {
            label: format!("record {name}: as is"),
            text: base.clone(),
        });
    }
    for i in [0, bases.len() / 2, bases.len() - 1] {
        let (name, base) = &bases[i];
        for (label, text) in record_mutations(base) {
            cases.push(Case {
                label: format!("record {name}: {label}"),
                text,
            });
        }
    }
    cases.push(Case {
        label: "record: empty document".into(),
        text: String::new(),
    });
    cases.push(Case {
        label: "record: a list".into(),
        text: "- schema_version: 1\n".into(),
    });
    cases.push(Case {
        label: "record: two documents".into(),
        text: format!("{0}---\n{0}", Record::normal("CHG-2026-0001").text()),
    });
    cases
}

const POLICY_EDITS: &[Edit] = &[
    (
        "windows time_zone not in the IANA database",
        "windows:\n  - {days: [mon], start: \"02:00\", end: \"06:00\", time_zone: Mars/Olympus}",
    ),
    (
        "cab_meeting time_zone not in the IANA database",
        "cab_meeting: {day: tue, time: \"10:00\", time_zone: Europe/Nowhere}",
    ),
    (
        "cab_meeting time 9:30",
        "cab_meeting: {day: tue, time: \"9:30\", time_zone: UTC}",
    ),
    (
        "cab_meeting day tuesday",
        "cab_meeting: {day: tuesday, time: \"10:00\", time_zone: UTC}",
    ),
    ("freezes empty", "freezes: []"),
    (
        "freeze allow null",
        "freezes:\n  - {name: X, start: 2026-12-21, end: 2027-01-04, allow: }",
    ),
    (
        "freeze name !!binary",
        "freezes:\n  - {name: !!binary aGk=, start: 2026-12-21, end: 2027-01-04}",
    ),
    ("approvals standard other", "approvals: {standard: auto}"),
    ("risk_matrix unknown level", "risk_matrix: {huge: {low: major}}"),
    ("testing unknown kind", "testing: {normal: [fuzzing]}"),
    ("signing_keys number key", "signing_keys: {1: ssh-ed25519 AAAA}"),
    ("require_signed_approvals yes", "require_signed_approvals: yes"),
    (
        "require_signed_approvals tagged",
        "require_signed_approvals: !flag true",
    ),
    ("unknown key", "windowz: []"),
    ("extension key", "x-owner: platform"),
];

const POLICY_SWEEPS: &[Sweep] = &[
    (
        "window time_zone",
        "windows:\n  - {days: [mon], start: \"02:00\", end: \"06:00\", time_zone: {v}}",
        &["Europe/Berlin", "UTC", "America/New_York"],
    ),
    (
        "freeze start",
        "freezes:\n  - {name: X, start: {v}, end: 2027-01-04}",
        DATES,
    ),
    (
        "rto simple",
        "rto: {simple: \"{v}\"}",
        &[
            "15m",
            "15 m",
            "+15m",
            "15M",
            "0m",
            "99999999999999999999m",
            "9999999999999d",
            "99999999999999d",
            "1.5h",
            "15",
        ],
    ),
    (
        "targets emergency_rate",
        "targets: {emergency_rate: {v}}",
        &["0.05", "5", "\"0.05\"", ".nan", "null"],
    ),
    (
        "approval count",
        "approvals:\n  major: [{role: cab, count: {v}}]",
        &["3", "0", "-1", "3.0", "4294967296", "\"3\""],
    ),
];

/// The policy cases: the store's policy and variants of it.
fn policy_cases() -> Vec<Case> {
    let base = std::fs::read_to_string(manifest("changes/policy.yaml")).unwrap();
    let mut cases = vec![("as is".to_string(), base.clone())];
    for (start, end) in [
        ("\"2:00\"", "\"06:00\""),
        ("\"02:00\"", "\"24:00\""),
        ("\"24:00\"", "\"06:00\""),
        ("\"25:00\"", "\"06:00\""),
        ("\"02:00:00\"", "\"06:00\""),
        ("\" 02:00\"", "\"06:00\""),
        ("02:00", "06:00"),
        ("\"02:60\"", "\"06:00\""),
        ("120", "\"06:00\""),
    ] {
        let window = format!("windows:\n  - {{days: [mon], start: {start}, end: {end}, time_zone: UTC}}");
        cases.push((
            format!("window start {start} end {end}"),
            set_top(&base, "windows", Some(&window)),
        ));
    }
    cases.extend(swept(&base, POLICY_SWEEPS));
    cases.extend(edited(&base, POLICY_EDITS));
    cases.extend(nulled(&base, &["cab_meeting", "roles", "windows", "freezes"]));
    let ceo = "  ceo: [erin@example.com]";
    for (label, line) in [
        ("roles ceo null", "  ceo:"),
        ("roles ceo empty", "  ceo: []"),
        ("roles unknown role", "  king: [erin@example.com]"),
    ] {
        cases.push((label.into(), base.replace(ceo, line)));
    }
    for (label, text) in [
        ("empty mapping", "{}\n"),
        ("empty document", ""),
        (
            "merge key",
            "x-base: &b {change-manager: [sam@example.com]}\nroles:\n  <<: *b\n",
        ),
        (
            "unavailable dates",
            "unavailable:\n  - {who: sam@example.com, from: 2026-12-1, to: 2026-12-03}\n",
        ),
    ] {
        cases.push((label.into(), text.into()));
    }
    cases
        .into_iter()
        .map(|(label, text)| Case {
            label: format!("policy {label}"),
            text,
        })
        .collect()
}

const TEMPLATE_EDITS: &[Edit] = &[
    ("deployment steps null", "deployment:\n  steps:"),
    ("title !!binary", "title: !!binary aGk="),
    ("unknown key", "titel: x"),
    ("rollback kind bad", "rollback: {kind: easy}"),
];

fn template_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    let dir = manifest("changes/templates");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files {
        let name = f.file_stem().unwrap().to_string_lossy().to_string();
        let base = std::fs::read_to_string(&f).unwrap();
        let mut mutations = vec![("as is".to_string(), base.clone())];
        mutations.extend(nulled(&base, &["systems", "testing", "deployment", "description"]));
        mutations.extend(missing(&base, &["risk"]));
        mutations.extend(edited(&base, TEMPLATE_EDITS));
        for (label, text) in mutations {
            cases.push(Case {
                label: format!("template {name}: {label}"),
                text,
            });
        }
    }
    cases
}

// ---------------------------------------------------------------------------
// The two judges.

struct Validator {
    schemas: boon::Schemas,
    index: boon::SchemaIndex,
}

impl Validator {
    fn new(name: &str) -> Validator {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        let url = format!("https://chg.dev/schemas/{name}.schema.json");
        compiler.add_resource(&url, schema(name)).unwrap();
        let index = compiler.compile(&url, &mut schemas).unwrap_or_else(|e| panic!("{e:#}"));
        Validator { schemas, index }
    }

    /// Returns `Ok` or why the document is not valid.
    fn judge(&self, text: &str) -> Result<(), String> {
        let json = yaml_to_json(text).map_err(|e| format!("not JSON data: {e}"))?;
        self.schemas.validate(&json, self.index).map_err(|e| format!("{e}"))
    }
}

/// Runs `chg check` and returns each file's schema-level finding.
fn chg_findings(repo: &Repo) -> BTreeMap<String, String> {
    repo.check()
        .findings()
        .into_iter()
        .filter(|f| f.rule == "schema" || f.rule == "yaml-syntax")
        .map(|f| (f.file, format!("{}: {}", f.rule, f.message)))
        .collect()
}

struct Outcome {
    label: String,
    chg: Result<(), String>,
    schema: Result<(), String>,
}

fn judge_all() -> Vec<Outcome> {
    let mut outcomes = Vec::new();
    // Records and templates: one store, every file judged by one `chg check`.
    let repo = Test::new();
    let records = record_cases();
    let templates = template_cases();
    let mut files = Vec::new();
    for (i, case) in records.iter().enumerate() {
        let file = format!("changes/2026/CHG-2026-{:04}.yaml", i + 1);
        repo.write(&file, &case.text);
        files.push((file, case, "change"));
    }
    for (i, case) in templates.iter().enumerate() {
        let file = format!("changes/templates/t{i:03}.yaml");
        repo.write(&file, &case.text);
        files.push((file, case, "template"));
    }
    let found = chg_findings(&repo);
    let change = Validator::new("change");
    let template = Validator::new("template");
    for (file, case, kind) in files {
        let validator = if kind == "change" { &change } else { &template };
        outcomes.push(Outcome {
            label: case.label.clone(),
            chg: found.get(&file).map_or(Ok(()), |m| Err(m.clone())),
            schema: validator.judge(&case.text),
        });
    }
    // Policies: one file per store, so one run each.
    let policy = Validator::new("policy");
    let repo = Test::new();
    for case in policy_cases() {
        repo.write("changes/policy.yaml", &case.text);
        let found = chg_findings(&repo);
        outcomes.push(Outcome {
            label: case.label.clone(),
            chg: found.get("changes/policy.yaml").map_or(Ok(()), |m| Err(m.clone())),
            schema: policy.judge(&case.text),
        });
    }
    outcomes
}

#[test]
fn schema_and_chg_check_agree_on_generated_and_mutated_documents() {
    let outcomes = judge_all();
    let total = outcomes.len();
    let rejected = outcomes.iter().filter(|o| o.chg.is_err()).count();
    assert!(total >= 300, "only {total} cases");
    assert!(
        rejected > total / 5 && rejected < total * 4 / 5,
        "{rejected} of {total} rejected: mutations too weak or too strong"
    );
    // Every disagreement the issue reported is among the cases.
    let labels: BTreeSet<&str> = outcomes.iter().map(|o| o.label.as_str()).collect();
    for needed in [
        "systems null",
        "approvals null",
        "testing null",
        "created_at 2026-11-25T10:00:00 Z",
        "created_at 2026-11-25T10:00:00+0100",
        "created_at 2026-11-20 16:45:00+00:00",
        "last_tested 2026-7-1",
        "title !!binary",
        "title !change",
        "window start \"2:00\"",
        "roles ceo null",
        "schema_version 2",
        "schema_version 1.0",
        "merge key <<",
        "time_zone not in the IANA database",
    ] {
        assert!(labels.iter().any(|l| l.contains(needed)), "no case for {needed}");
    }
    let mut disagreements = Vec::new();
    let mut stricter_seen = BTreeSet::new();
    for o in &outcomes {
        let listed = STRICTER.iter().find(|(label, _)| o.label == *label);
        if let Some((label, _)) = listed {
            stricter_seen.insert(*label);
            assert!(
                o.chg.is_err() && o.schema.is_ok(),
                "{label}: listed as stricter, but chg {:?}, schema {:?}",
                o.chg,
                o.schema
            );
            continue;
        }
        if o.chg.is_ok() != o.schema.is_ok() {
            disagreements.push(format!("{}\n    chg: {:?}\n    schema: {:?}", o.label, o.chg, o.schema));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {total} cases disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert_eq!(stricter_seen.len(), STRICTER.len(), "every listed case was generated");
}

#[test]
fn where_chg_is_stricter_the_schema_says_so() {
    let policy = schema("policy").to_string();
    for (label, phrase) in STRICTER {
        assert!(
            policy.contains(phrase),
            "{label}: the policy schema's descriptions do not mention {phrase}"
        );
    }
    let zone = &schema("policy")["$defs"]["WindowRule"]["properties"]["time_zone"]["description"];
    assert!(zone.as_str().unwrap_or("").contains("IANA"), "{zone}");
}

// ---------------------------------------------------------------------------
// Standard formats only, and Ajv 8 strict mode.

const STANDARD_FORMATS: &[&str] = &[
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

fn formats(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(f)) = map.get("format") {
                out.insert(f.clone());
            }
            map.values().for_each(|v| formats(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| formats(v, out)),
        _ => {}
    }
}

#[test]
fn schemas_use_only_formats_json_schema_defines() {
    for name in ["change", "policy", "template", "rehearsals"] {
        let mut found = BTreeSet::new();
        formats(&schema(name), &mut found);
        let unknown: Vec<&String> = found
            .iter()
            .filter(|f| !STANDARD_FORMATS.contains(&f.as_str()))
            .collect();
        assert!(
            unknown.is_empty(),
            "{name}.schema.json uses formats no draft defines: {unknown:?}"
        );
    }
}

#[test]
fn schemas_compile_in_ajv_strict_mode() {
    let node_modules = tools_dir().join("node_modules");
    if !node_modules.join("ajv").is_dir() || !node_modules.join("ajv-formats").is_dir() {
        return missing_tool(&format!(
            "Ajv 8 (npm ajv and ajv-formats in {})",
            node_modules.display()
        ));
    }
    let script = r#"
const Ajv2020 = require("ajv/dist/2020");
const addFormats = require("ajv-formats");
const fs = require("fs");
const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
let failed = 0;
// With `node -e`, the arguments start at argv[1].
for (const file of process.argv.slice(1)) {
  try {
    ajv.compile(JSON.parse(fs.readFileSync(file, "utf8")));
    console.log("compiled " + file);
  } catch (e) {
    console.log("FAILED " + file + ": " + e.message);
    failed++;
  }
}
console.log("ajv " + require("ajv/package.json").version);
process.exit(failed ? 1 : 0);
"#;
    let files: Vec<PathBuf> = ["change", "policy", "template", "rehearsals"]
        .iter()
        .map(|n| manifest(&format!("schemas/{n}.schema.json")))
        .collect();
    let out = std::process::Command::new("node")
        .arg("-e")
        .arg(script)
        .args(&files)
        .env("NODE_PATH", &node_modules)
        .output();
    let out = match out {
        Ok(out) => out,
        Err(e) => return missing_tool(&format!("node ({e})")),
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.matches("compiled ").count(), 4, "Ajv output:\n{stdout}");
    assert!(stdout.contains("ajv 8."), "{stdout}");
}
