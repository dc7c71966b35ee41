//! Property tests: what is written reads back equal, and no input, valid or
//! not, makes the parser or the rules panic.

use chg::person::Person;
use chg::record::{
    Access, Approval, CabReview, CheckResult, Classification, Criterion, Decision, Deployment, Emergency, Extensions,
    Health, Implementation, Level, LogEntry, Method, Outcome, PostActions, Record, Risk, Role, RollbackEntry,
    RollbackKind, RollbackMode, RollbackPlan, Status, Strategy as Rollout, TestKind, TestState, Testing, Trigger,
    Validation, Window,
};
use chg::render::PushFmt as _;
use chg::store::Store;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

fn time() -> impl Strategy<Value = DateTime<Utc>> {
    (1_600_000_000i64..1_900_000_000).prop_map(|s| Utc.timestamp_opt(s, 0).single().unwrap())
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..3000).prop_map(|d| NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Duration::days(d))
}

/// Text as people write it: quotes, colons, hashes, leading dashes, unicode, several lines.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ]{1,30}",
        "[a-z:#'\"{}\\[\\],&*!|>%@` -]{1,20}",
        "[a-zA-Zé漢 ]{1,10}\n[a-z ]{0,20}\n",
        Just("yes".to_string()),
        Just("null".to_string()),
        Just("2026-11-18".to_string()),
        Just("0x1F".to_string()),
        Just(" leading and trailing ".to_string()),
    ]
}

fn person() -> impl Strategy<Value = Person> {
    ("[A-Z][a-z]{1,8}( [A-Z][a-z]{1,8})?", "[a-z]{1,8}").prop_map(|(n, e)| Person::new(&n, &format!("{e}@example.com")))
}

fn validation() -> impl Strategy<Value = Option<Validation>> {
    proptest::option::of(
        (
            proptest::option::of(pick(CheckResult::ALL)),
            proptest::option::of(pick(Health::ALL)),
            proptest::option::of(pick(Access::ALL)),
            proptest::option::of(0u32..500),
        )
            .prop_map(|(s, e, c, m)| Validation {
                smoke_tests: s,
                error_rates: e,
                performance: e,
                customer_access: c,
                monitored_minutes: m,
                full_test_suite: s,
                security: s,
                ..Validation::default()
            }),
    )
}

fn approval() -> impl Strategy<Value = Approval> {
    (
        pick(Role::ALL),
        person(),
        pick(Decision::ALL),
        pick(Method::ALL),
        time(),
        proptest::option::of(text()),
        proptest::option::of("[0-9a-f]{64}".prop_map(|h| format!("sha256:{h}"))),
    )
        .prop_map(|(role, approver, decision, method, at, comment, scope)| Approval {
            role,
            approver,
            decision,
            method,
            at,
            comment,
            scope,
        })
}

fn rollback_entry() -> impl Strategy<Value = RollbackEntry> {
    (
        pick(Trigger::ALL),
        pick(RollbackMode::ALL),
        proptest::option::of(pick(RollbackKind::ALL)),
        proptest::option::of(text()),
        proptest::option::of(time()),
        validation(),
        proptest::collection::vec(text(), 0..2),
        proptest::option::of(text()),
        person(),
    )
        .prop_map(
            |(trigger, mode, kind, reason, started_at, validation, issues, root, by)| RollbackEntry {
                trigger,
                mode,
                kind,
                reason: reason.clone(),
                started_at,
                restored_at: started_at.map(|t| t + chrono::Duration::minutes(12)),
                duration_minutes: started_at.map(|_| 12),
                rto_exceeded: started_at.map(|_| false),
                severity: None,
                estimated_minutes: started_at.map(|_| 10),
                measured: None,
                reopened_from: None,
                log: started_at
                    .map(|at| {
                        vec![LogEntry {
                            at,
                            by,
                            entry: "weight to 0".into(),
                        }]
                    })
                    .unwrap_or_default(),
                validation,
                issues,
                post_actions: PostActions {
                    lessons_learned: None,
                    root_cause: root,
                    redeploy_plan: reason,
                },
            },
        )
}

prop_compose! {
    fn record()(
        number in 1u32..9999,
        title in text(),
        status in pick(Status::ALL),
        classification in pick(Classification::ALL),
        impact in pick(Level::ALL),
        likelihood in pick(Level::ALL),
        priority in pick(Level::ALL),
        requested_by in person(),
        created_at in time(),
        description in proptest::option::of(text()),
        systems in proptest::collection::vec("[a-z-]{1,12}", 0..4),
        tests in proptest::collection::vec((pick(TestKind::ALL), pick(TestState::ALL)), 0..5),
        strategy in proptest::option::of(pick(Rollout::ALL)),
        window_start in proptest::option::of(time()),
        plan in proptest::option::of(text()),
        kind in proptest::option::of(pick(RollbackKind::ALL)),
        last_tested in proptest::option::of(date()),
        approvals in proptest::collection::vec(approval(), 0..4),
        outcome in proptest::option::of(pick(Outcome::ALL)),
        validation in validation(),
        rollbacks in proptest::collection::vec(rollback_entry(), 0..3),
        criteria in proptest::collection::vec(pick(Criterion::ALL), 0..3),
        cvss in proptest::option::of(0u32..100),
        cab_date in proptest::option::of(date()),
        extension in proptest::option::of("[a-z]{1,8}"),
    ) -> Record {
        let mut testing = Testing::default();
        for (k, s) in tests { testing.set(k, s); }
        let mut extensions = std::collections::BTreeMap::new();
        if let Some(value) = extension {
            let mut top = Extensions::new();
            top.insert("x-ticket".into(), serde_yaml::Value::String(value));
            extensions.insert(String::new(), top);
        }
        Record {
            schema_version: 1,
            id: format!("CHG-2026-{number:04}"),
            title, status, classification,
            template: None,
            risk: Risk { impact, likelihood },
            priority, requested_by, created_at, description,
            justification: None,
            systems,
            services: Vec::new(),
            customers_affected: None,
            downtime_required: None,
            testing,
            deployment: strategy.map(|s| Deployment {
                strategy: Some(s),
                window: window_start.map(|start| Window { start, end: start + chrono::Duration::hours(2) }),
                steps: vec!["deploy".into()],
            }),
            rollback: plan.map(|p| RollbackPlan { plan: Some(p), kind, last_tested }),
            approvals,
            implementation: outcome.map(|o| Implementation {
                started_at: Some(created_at),
                finished_at: Some(created_at + chrono::Duration::minutes(40)),
                outcome: Some(o),
                validation,
                issues: Vec::new(),
                deployment: Default::default(),
                window_override: None,
            }),
            rollbacks,
            monitoring: Vec::new(),
            review: None,
            emergency: (!criteria.is_empty()).then(|| Emergency {
                criteria,
                cvss: cvss.map(|c| f64::from(c) / 10.0),
                impact_of_not_implementing: Some("outage".into()),
                cab_review: cab_date.map(|d| CabReview { date: Some(d), feedback: None }),
                post_review: None,
                documented_at: cab_date.map(|_| created_at),
                incident_started_at: None,
                restored_at: None,
            }),
            cancellation: None,
            extensions,
        }
    }
}

/// Parses the text as a record and runs every rule on it, as the fuzz target does.
fn check_text(text: &str) {
    chg::fuzzing::record(text.as_bytes());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn written_records_read_back_equal(record in record()) {
        let text = chg::document::to_yaml(&record, &record.extensions).unwrap();
        let loaded = Store::parse_record("x.yaml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(&loaded.record, &record, "{}", text);
        let again = chg::document::to_yaml(&loaded.record, &loaded.record.extensions).unwrap();
        prop_assert_eq!(again, text, "writing is stable");
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        check_text(&text);
    }

    #[test]
    fn damaged_records_never_panic(record in record(), cut in 0usize..2000, junk in "[ \t:\\-\\[\\]{}&*!|>'\"#%@`,?\n]{0,6}") {
        let text = chg::document::to_yaml(&record, &record.extensions).unwrap();
        let at = text.char_indices().map(|(i, _)| i).nth(cut % text.chars().count().max(1)).unwrap_or(0);
        check_text(&format!("{}{junk}{}", &text[..at], &text[at..]));
        check_text(&text[..at]);
    }
}

/// `a` with the fields whose bit is set in `mask` taken from `c`: a random
/// edit of random fields (set, added, removed, lists grown or replaced).
fn edited(a: &Record, c: &Record, mask: u32) -> Record {
    let mut b = a.clone();
    let take = |bit: u32| mask & (1 << bit) != 0;
    macro_rules! from_c {
        ($($bit:literal => $field:ident),+ $(,)?) => { $(if take($bit) { b.$field = c.$field.clone(); })+ };
    }
    from_c!(
        0 => title, 1 => status, 2 => classification, 3 => risk, 4 => priority, 5 => requested_by,
        6 => created_at, 7 => description, 8 => systems, 9 => testing, 10 => deployment, 11 => rollback,
        12 => implementation, 13 => rollbacks, 14 => emergency, 15 => extensions, 16 => id,
    );
    if take(17) {
        // An action's most common edit: one more approval at the end.
        b.approvals.extend(c.approvals.iter().cloned());
    } else if take(18) {
        b.approvals = c.approvals.clone();
    }
    b
}

/// The text chg writes, made to look hand-written: the schema header, a
/// comment, and mappings and lists of plain words in flow style.
fn hand_written(text: &str) -> String {
    let word = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::from("# yaml-language-server: $schema=../schemas/change.schema.json\n# kept by hand\n");
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let children: Vec<&str> = lines[i + 1..]
            .iter()
            .take_while(|l| l.starts_with("  "))
            .copied()
            .collect();
        let key = line.strip_suffix(':').filter(|k| word(k));
        let pairs: Option<Vec<String>> = children
            .iter()
            .map(|l| {
                let (k, v) = l.trim_start().split_once(": ")?;
                (l.starts_with("  ") && !l.starts_with("   ") && word(k) && word(v)).then(|| format!("{k}: {v}"))
            })
            .collect();
        let items: Option<Vec<String>> = children
            .iter()
            .map(|l| l.strip_prefix("  - ").filter(|v| word(v)).map(str::to_string))
            .collect();
        match (key, pairs, items) {
            (Some(key), Some(pairs), _) if !children.is_empty() => {
                out.push_fmt(format_args!("{key}: {{{}}}\n", pairs.join(", ")));
                i += 1 + children.len();
            }
            (Some(key), _, Some(items)) if !children.is_empty() => {
                out.push_fmt(format_args!("{key}: [{}]   # a list\n", items.join(", ")));
                i += 1 + children.len();
            }
            _ if line.starts_with("priority: ") => {
                out.push_fmt(format_args!("{line}  # by hand\n"));
                i += 1;
            }
            _ => {
                out.push_str(line);
                out.push('\n');
                i += 1;
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Issue 14, edits are patches: a random edit of a random record, applied
    /// to its hand-written text, reads back as the edited record and keeps
    /// the header and the comments of the lines it did not change.
    #[test]
    fn patched_records_read_back_as_the_edit(a in record(), c in record(), mask in any::<u32>()) {
        let b = edited(&a, &c, mask);
        let text = hand_written(&chg::document::to_yaml(&a, &a.extensions).unwrap());
        let before = Store::parse_record("x.yaml", &text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        prop_assert_eq!(&before.record, &a, "{}", text);
        let patched = chg::document::patch(&text, &a, &a.extensions, &b, &b.extensions)
            .unwrap_or_else(|| panic!("no patch for\n{text}"));
        let after = Store::parse_record("x.yaml", &patched).unwrap_or_else(|e| panic!("{e}\n{text}\n---\n{patched}"));
        prop_assert_eq!(&after.record, &b, "{}\n--- patched:\n{}", text, patched);
        prop_assert!(patched.contains(&format!("\npriority: {}  # by hand\n", b.priority)), "{}", patched);
        prop_assert!(patched.starts_with("# yaml-language-server: $schema=../schemas/change.schema.json\n# kept by hand\n"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// On a file chg wrote itself, a patch gives exactly the text a whole
    /// rewrite gives: new entries are laid out as the writer lays them out
    /// at their depth (quoting, block style, where long lines break).
    #[test]
    fn patching_a_written_record_gives_the_text_of_a_whole_rewrite(a in record(), c in record(), mask in any::<u32>()) {
        let b = edited(&a, &c, mask);
        let text = chg::document::to_yaml(&a, &a.extensions).unwrap();
        let patched = chg::document::patch(&text, &a, &a.extensions, &b, &b.extensions).unwrap();
        let whole = chg::document::to_yaml(&b, &b.extensions).unwrap();
        prop_assert_eq!(patched, whole);
    }
}
