//! Issue 15.17: `chg show ID --format markdown|html` prints a record as the
//! guide's forms (change request, emergency record, rollback record,
//! post-implementation review), every filled field and every item still owed.

use crate::support::{
    assert_contains, section, Approval, Fields, Implementation, Record, Test, ANA, BEN, CAROL, CHO, DAVE, JANE, LEE,
    RAJ,
};

const ID: &str = "CHG-2026-0007";

/// An emergency fixed at night and rolled back: verbal approvals only, the
/// rollback's root cause known but its lessons and re-deployment plan owed,
/// no post-implementation review yet.
fn rolled_back_emergency() -> Test {
    let mut record = Record::emergency(ID)
        .title("Hotfix checkout 500s")
        .status("rolled-back")
        .raw("justification", "{business_reason: Checkout is down for every EU customer, expected_benefit: Orders flow again}")
        .raw("emergency", "{criteria: [production-down], impact_of_not_implementing: Every EU order fails}")
        .raw("approvals", &format!(
            "[{{role: ciso, approver: {}, decision: approved, method: verbal, at: 2026-11-24T01:40:00Z}}, {{role: cto, approver: {}, decision: approved, method: verbal, at: 2026-11-24T01:42:00Z}}]",
            CAROL.id(),
            DAVE.id()
        ))
        .rolled_back(
            "2026-11-24T02:00:00Z",
            "2026-11-24T02:30:00Z",
            Fields::rollback_entry("simple", "2026-11-24T02:31:00Z", "2026-11-24T02:44:00Z")
                .set("reason", "5xx above 5 % on the canary")
                .set("log", &format!("[{{at: 2026-11-24T02:35:00Z, by: {}, entry: canary weight set to 0}}]", JANE.id()))
                .set("validation", "{smoke_tests: passed, error_rates: normal, customer_access: verified, monitored_minutes: 30}")
                .set("issues", "[the health check flapped once]")
                .set("post_actions", "{root_cause: pricing-service timeout of 500 ms}"),
        )
        .raw("implementation.validation", "{smoke_tests: failed, error_rates: elevated}");
    record.set(
        "deployment.window",
        "{start: 2026-11-24T02:00:00Z, end: 2026-11-24T03:00:00Z}",
    );
    Test::new().record(record).commit_as(JANE, "CHG-2026-0007: rolled back")
}

#[test]
fn issue_15_17_show_prints_the_guides_forms_in_markdown_with_every_filled_field_and_what_is_owed() {
    let t = rolled_back_emergency();
    let md = t.run(&["show", ID, "--format", "markdown"]).ok().stdout;
    assert!(md.starts_with("# CHG-2026-0007 — Hotfix checkout 500s\n"), "{md}");

    let request = section(&md, "Change request");
    assert_contains(
        request,
        &[
            "| Change ID | CHG-2026-0007 |",
            "| Classification | emergency |",
            "| Risk | impact medium, likelihood low (medium) |",
            "| Requested by | Jane Doe &lt;jane@example.com&gt; |",
            "| Business reason | Checkout is down for every EU customer |",
            "| Systems | checkout-api, pricing-service |",
            "| Testing: unit | passed |",
            "| Rollback plan | Set canary weight to 0, redeploy checkout-api v41. |",
            "| Implementation started | 2026-11-24 02:00 UTC |",
            "| Result | rolled-back |",
            "| Post-change validation | smoke tests failed, error rates elevated |",
        ],
    );
    // Approvals are a table of their own: who, in which role, how and when.
    assert_contains(
        request,
        &["| 2026-11-24 01:40 UTC | ciso | Carol Diaz &lt;carol@example.com&gt; | approved | verbal |"],
    );

    let emergency = section(&md, "Emergency record");
    assert_contains(
        emergency,
        &[
            "| Criteria | production-down |",
            "| Impact of not implementing | Every EU order fails |",
            // Due 24 h after the implementation ended (02:30), and now is the next noon.
            "| Written approval (CISO and CTO, or CEO) | overdue: due 2026-11-25 02:30 UTC |",
            "| Documentation completed | overdue: due 2026-11-25 02:30 UTC |",
            "| Presented to the CAB | owed |",
            "| Post-emergency review | owed by 2026-11-29 02:30 UTC |",
        ],
    );

    let rollback = section(&md, "Rollback record 1");
    assert_contains(
        rollback,
        &[
            "| Trigger | error-rate |",
            "| Reason | 5xx above 5 % on the canary |",
            "| Duration | 13 min (RTO 15 min) |",
            "| Validation | smoke tests passed, error rates normal, customer access verified, monitored 30 min |",
            "| Issue | the health check flapped once |",
            "| Root cause | pricing-service timeout of 500 ms |",
            "| Lessons learned | owed |",
            "| Re-deployment plan | owed |",
        ],
    );
    assert!(
        rollback.contains("| 2026-11-24 02:35 UTC | Jane Doe | canary weight set to 0 |"),
        "the execution log is a table: {rollback}"
    );

    let review = section(&md, "Post-implementation review");
    assert!(review.contains("| Completed | owed |"), "{review}");

    // Every item the attention list holds for this change, in words.
    let owed = section(&md, "Still owed");
    for item in ["written approval", "lessons learned", "post-implementation review"] {
        assert!(owed.to_lowercase().contains(item), "still owed lists {item:?}:\n{owed}");
    }
}

#[test]
fn issue_15_17_show_html_is_one_self_contained_page_that_prints_in_headless_chromium() {
    let t = rolled_back_emergency();
    let html = t.run(&["show", ID, "--format", "html"]).ok().stdout;
    assert!(html.starts_with("<!DOCTYPE html>"), "{html}");
    for form in [
        "Change request",
        "Emergency record",
        "Rollback record 1",
        "Post-implementation review",
        "Still owed",
    ] {
        assert!(
            html.contains(&format!("<h2>{form}</h2>")),
            "the page has the {form} form"
        );
    }
    // Self-contained: nothing fetched, no script; printable: a print stylesheet.
    for outside in ["<script", "src=\"http", "href=\"http", "<link"] {
        assert!(!html.contains(outside), "the page loads nothing ({outside})");
    }
    assert!(html.contains("@media print"), "the page has a print stylesheet");

    let Some(chromium) =
        crate::support::chromium("issue_15_17_show_html_is_one_self_contained_page_that_prints_in_headless_chromium")
    else {
        return;
    };
    t.write("form.html", &html);
    let profile = tempfile::tempdir().unwrap();
    let pdf = t.join("form.pdf");
    let page = format!("file://{}", t.join("form.html").display());
    crate::reports::finish(
        crate::reports::browse(
            chromium,
            profile.path(),
            &["--dump-dom".into(), format!("--print-to-pdf={}", pdf.display())],
            &page,
            &t.join("form.dom"),
        ),
        "the form",
    );
    if !pdf.exists() {
        crate::reports::finish(
            crate::reports::browse(
                chromium,
                profile.path(),
                &[format!("--print-to-pdf={}", pdf.display())],
                &page,
                &t.join("form.pdf.log"),
            ),
            "the PDF",
        );
    }
    let printed = std::fs::read(&pdf).unwrap_or_default();
    assert!(
        printed.starts_with(b"%PDF") && printed.len() > 5_000,
        "chromium printed the form as a PDF"
    );
    let dom = t.read("form.dom");
    if dom.contains("</html>") {
        assert!(
            dom.contains("Rollback record 1"),
            "the browser shows the rollback record: {dom}"
        );
    }
}

// The audit of the forms (issue 15.17): every filled field of every block of
// a record, and every item still owed, in both formats.

const MAJOR: &str = "CHG-2026-0001";
const EMERGENCY: &str = "CHG-2026-0002";

/// A major change with every field filled: CAB votes (one cast on an earlier
/// version), a window override, monitoring, and a planned rollback whose
/// verification, assessment, measured trigger, log and post-rollback actions
/// are all recorded; reviewed.
fn filled_major() -> Record {
    let lee = LEE.id();
    let stale = format!("sha256:{}", "ab".repeat(32));
    let mut r = Record::major(MAJOR)
        .title("Move checkout pricing to the new service")
        .status("rolled-back")
        .raw("justification", "{business_reason: EU prices lag by an hour, expected_benefit: Prices update within a minute}")
        .raw("services", "[checkout]")
        .raw("customers_affected", "EU web shoppers")
        .raw("downtime_required", "false")
        .raw("deployment.steps", "[Warm the green pool, Switch traffic to green]")
        // Ana's first vote was cast on an earlier version; her second counts.
        .approval(Approval::new("cab", ANA).at("2026-11-16T10:00:00Z").field("scope", &stale))
        .approval(Approval::new("cab", ANA).at("2026-11-17T10:05:00Z").field("comment", "capacity plan reviewed"))
        .approval(Approval::new("cab", BEN).at("2026-11-17T10:06:00Z"))
        .approval(
            Approval::new("cab", CHO)
                .decision("rejected")
                .at("2026-11-17T10:07:00Z")
                .field("comment", "the load test was too short"),
        )
        .implementation(
            Implementation::new("2026-11-18T02:05:00Z", "2026-11-18T03:00:00Z", "rolled-back")
                .validation("{smoke_tests: passed, error_rates: normal, performance: normal, customer_access: verified, monitored_minutes: 60}")
                .issues("[the green pool warmed up slowly]")
                .field("deployment", "{environment: production, pipeline_run: https://ci.example.com/run/812}")
                .field(
                    "window_override",
                    "{by: Sam Lee <sam@example.com>, at: 2026-11-18T01:50:00Z, reason: the pool must warm before the window}",
                ),
        )
        .rollback(
            Fields::rollback_entry("simple", "2026-11-18T05:00:00Z", "2026-11-18T05:12:00Z")
                .set("trigger", "response-time")
                .set("mode", "planned")
                .set("reason", "p95 latency stayed at 2.5 times the baseline")
                .set("severity", "high")
                .set("estimated_minutes", "14")
                .set("measured", "{value: 2.5, threshold: 2}")
                .set("reopened_from", "closed")
                .set("log", &format!("[{{at: 2026-11-18T04:40:00Z, by: {lee}, entry: rollback announced to support}}, {{at: 2026-11-18T05:05:00Z, by: {lee}, entry: traffic switched back to blue}}]"))
                .set("validation", &format!("{{smoke_tests: passed, error_rates: normal, customer_access: verified, full_test_suite: not-run, performance: normal, security: passed, monitored_minutes: 35, not_run_reasons: {{full_test_suite: the staging pool was down}}, verified_by: [{lee}]}}"))
                .set("issues", "[the blue pool had to be scaled up first]")
                .set("post_actions", "{root_cause: the pricing cache was cold, lessons_learned: warm caches before the switch, redeploy_plan: redeploy on 2026-12-02 with a cache warm-up}")
                .set("duration_minutes", "12")
                .set("rto_exceeded", "false"),
        )
        .monitored("2026-11-18T05:12:00Z", "2026-11-18T05:50:00Z");
    r.set("review", "{completed_at: 2026-11-19T09:00:00Z, summary: rolled back cleanly, lessons_learned: rehearse with production-sized caches}")
        // A team's own keys, at the top and inside a block.
        .set("x-ticket", "OPS-4711")
        .set("deployment.x-team", "pricing squad");
    r
}

/// An emergency with every field of its emergency block filled: the
/// incident's start, the restoration, the CAB's feedback and a
/// post-emergency review with one preventive measure done and one open.
fn filled_emergency() -> Record {
    let verbal = |role: &str, who| Approval::new(role, who).method("verbal").at("2026-11-21T23:05:00Z");
    let written = |role: &str, who| Approval::new(role, who).at("2026-11-22T09:00:00Z");
    Record::emergency(EMERGENCY)
        .title("Patch the payment gateway TLS flaw")
        .status("completed")
        .raw("justification", "{business_reason: A TLS flaw is exploited in the wild, expected_benefit: Card data stays private}")
        .raw(
            "emergency",
            &format!(
                "{{criteria: [critical-vulnerability, sla-breach], cvss: 9.1, impact_of_not_implementing: Card data could leak, \
                 cab_review: {{date: 2026-11-24, feedback: use the emergency path again for such flaws}}, \
                 post_review: {{completed_at: 2026-11-23T15:00:00Z, root_cause: the TLS library was two releases behind, \
                 preventive_measures: [{{action: Subscribe to the library advisories, owner: {}, due: 2026-11-30, state: done, done_on: 2026-11-24}}, \
                 {{action: Update TLS libraries monthly, owner: {}, due: 2026-12-20, state: open}}]}}, \
                 documented_at: 2026-11-22T10:00:00Z, incident_started_at: 2026-11-21T22:30:00Z, restored_at: 2026-11-22T01:10:00Z}}",
                LEE.id(),
                RAJ.id()
            ),
        )
        .approval(verbal("ciso", CAROL))
        .approval(verbal("cto", DAVE))
        .approval(written("ciso", CAROL))
        .approval(written("cto", DAVE))
        .implementation(
            Implementation::new("2026-11-21T23:30:00Z", "2026-11-22T01:10:00Z", "successful")
                .validation("{smoke_tests: passed, error_rates: normal, customer_access: verified}"),
        )
        .monitored("2026-11-22T01:10:00Z", "2026-11-22T02:30:00Z")
        .raw("review", "{completed_at: 2026-11-23T16:00:00Z, summary: patched within two hours, lessons_learned: keep a patched image ready}")
}

/// The two filled records in a store, and their forms in Markdown and HTML.
fn filled_forms() -> (Test, Vec<(Record, String, String)>) {
    let records = [filled_major(), filled_emergency()];
    // The major change was approved on the rehearsal recorded for its systems.
    let t = Test::new().fixture_rehearsed();
    for r in &records {
        t.put(r);
    }
    t.commit(JANE, "two filled records");
    let forms = records
        .into_iter()
        .map(|r| {
            let md = t.run(&["show", &r.id(), "--format", "markdown"]).ok().stdout;
            let html = t.run(&["show", &r.id(), "--format", "html"]).ok().stdout;
            (r, md, html)
        })
        .collect();
    (t, forms)
}

/// An HTML page's section under `<h2>heading</h2>`, to the next heading.
fn html_section<'a>(html: &'a str, heading: &str) -> &'a str {
    let Some(start) = html.find(&format!("<h2>{heading}</h2>")) else {
        return "";
    };
    let body = &html[start..];
    body[4..].find("<h2>").map_or(body, |end| &body[..end + 4])
}

/// Text as both Markdown and HTML print it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// Where a filled value must show: the finding it belongs to, the record, the form, the
/// row's label (`""`: a cell of the form's tables) and the value as it reads.
const ROWS: &[(&str, &str, &str, &str, &str)] = &[
    ("cab votes", MAJOR, "Change request", "CAB vote", "approved: 2 for, 1 against (quorum 3 of 5)"),
    ("cab votes", MAJOR, "Change request", "", "| 2026-11-17 10:07 UTC | cab | Cho Min &lt;cho@example.com&gt; | rejected | written | the load test was too short |"),
    ("cab votes", MAJOR, "Change request", "", "capacity plan reviewed"),
    ("cab votes", MAJOR, "Change request", "", "does not count: cast on an earlier version"),
    ("cab votes", MAJOR, "Change request", "", "sha256:abababababab…"),
    ("monitoring", MAJOR, "Change request", "Monitoring", "2026-11-18 05:12 → 05:50 UTC (38 min) Jane Doe &lt;jane@example.com&gt; — error rates and latency at baseline"),
    ("monitoring", EMERGENCY, "Change request", "Monitoring", "2026-11-22 01:10 → 02:30 UTC (80 min) Jane Doe"),
    ("rollback verification", MAJOR, "Rollback record 1", "Validation", "smoke tests passed, error rates normal, performance normal, customer access verified, full test suite not-run (the staging pool was down), security verification passed, monitored 35 min, by Lee Park &lt;lee@example.com&gt;"),
    ("preventive measures", EMERGENCY, "Emergency record", "Preventive measure 1", "Subscribe to the library advisories (Lee Park &lt;lee@example.com&gt;, due 2026-11-30, done on 2026-11-24)"),
    ("preventive measures", EMERGENCY, "Emergency record", "Preventive measure 2", "Update TLS libraries monthly (Raj Iyer &lt;raj@example.com&gt;, due 2026-12-20, open)"),
    ("rehearsal", MAJOR, "Change request", "Rollback rehearsal", "simple rollback rehearsed and passed on 2026-11-09, before its start on 2026-11-18"),
    ("other fields", MAJOR, "Change request", "Window override", "by Sam Lee &lt;sam@example.com&gt; at 2026-11-18 01:50 UTC: the pool must warm before the window"),
    ("other fields", MAJOR, "Rollback record 1", "Assessment", "high, estimated 14 min"),
    ("other fields", MAJOR, "Change request", "x-ticket", "OPS-4711"),
    ("other fields", MAJOR, "Change request", "deployment.x-team", "pricing squad"),
    ("other fields", MAJOR, "Rollback record 1", "Measured", "response time 2.5× (threshold 2×)"),
    ("other fields", MAJOR, "Rollback record 1", "Reopened", "closed → rolled-back"),
    ("other fields", EMERGENCY, "Emergency record", "Time to resolution", "2.7 h (incident from 2026-11-21 22:30 → restored 2026-11-22 01:10 UTC)"),
];

/// Asserts the rows of one finding show in both formats, each in its form.
fn assert_rows(finding: &str) {
    let (_t, forms) = filled_forms();
    for (_, id, form, label, value) in ROWS.iter().filter(|row| row.0 == finding) {
        let Some((_, md, html)) = forms.iter().find(|(r, _, _)| r.id() == *id) else {
            panic!("no record {id}");
        };
        let md_form = section(md, form);
        let html_form = html_section(html, form);
        let (in_md, in_html) = if label.is_empty() {
            (
                md_form.lines().any(|l| l.starts_with('|') && l.contains(value)),
                html_form.contains(
                    &value
                        .trim_matches('|')
                        .split(" | ")
                        .collect::<Vec<_>>()
                        .join("</td><td>")
                        .trim()
                        .to_string(),
                ),
            )
        } else {
            (
                md_form
                    .lines()
                    .any(|l| l.starts_with(&format!("| {label} | ")) && l.contains(value)),
                html_form
                    .lines()
                    .any(|l| l.contains(&format!("<th scope=\"row\">{label}</th>")) && l.contains(value)),
            )
        };
        assert!(in_md, "{id}'s {form} in Markdown shows {label:?}: {value:?}\n{md_form}");
        assert!(in_html, "{id}'s {form} in HTML shows {label:?}: {value:?}\n{html_form}");
    }
}

#[test]
fn markdown_and_html_forms_show_cab_votes_and_decision() {
    assert_rows("cab votes");
}

#[test]
fn markdown_and_html_forms_show_post_deployment_monitoring() {
    assert_rows("monitoring");
}

#[test]
fn markdown_and_html_forms_show_the_rollbacks_whole_verification() {
    assert_rows("rollback verification");
}

#[test]
fn markdown_and_html_forms_show_preventive_measure_action_items() {
    assert_rows("preventive measures");
}

#[test]
fn markdown_and_html_forms_show_the_rollback_rehearsal_standing() {
    assert_rows("rehearsal");
}

#[test]
fn markdown_and_html_forms_show_window_override_assessment_measure_reopening_and_resolution() {
    assert_rows("other fields");
}

/// How a form prints a value the record holds: times in minutes and UTC,
/// people and other text escaped; `None` for what a form shows otherwise.
fn as_printed(path: &str, value: &serde_yaml::Value) -> Option<Vec<String>> {
    let text = match value {
        serde_yaml::Value::String(s) => s.trim_end().to_string(),
        serde_yaml::Value::Number(n) => n.to_string(),
        // `downtime_required: false` reads `none`; `rto_exceeded` is judged again (the Duration row).
        serde_yaml::Value::Bool(b) if path == "downtime_required" => (if *b { "required" } else { "none" }).into(),
        _ => return None,
    };
    // The version of the file format is no field of the change.
    if path == "schema_version" {
        return None;
    }
    // A digest is shown by its first 12 digits.
    if path.ends_with(".scope") {
        return Some(vec![format!("{}…", &text[..19])]);
    }
    // A time is printed to the minute; an end on the same day by its time only.
    if text.len() == 20 && text.as_bytes().get(10) == Some(&b'T') && text.ends_with('Z') {
        return Some(vec![
            format!("{} {}", &text[..10], &text[11..16]),
            format!("→ {}", &text[11..16]),
        ]);
    }
    let escaped = escaped(&text);
    // A person in a log shows by name.
    let name = text.split(" <").next().unwrap_or(&text).to_string();
    Some(if name == text {
        vec![escaped]
    } else {
        vec![escaped, name]
    })
}

/// Every scalar of a YAML tree, by dotted path.
fn leaves(path: &str, value: &serde_yaml::Value, out: &mut Vec<(String, serde_yaml::Value)>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (k, v) in map {
                let key = k.as_str().unwrap_or_default();
                let sub = if path.is_empty() {
                    key.to_string()
                } else {
                    format!("{path}.{key}")
                };
                leaves(&sub, v, out);
            }
        }
        serde_yaml::Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                leaves(&format!("{path}.{i}"), v, out);
            }
        }
        _ => out.push((path.to_string(), value.clone())),
    }
}

#[test]
fn markdown_and_html_forms_show_every_filled_value_of_the_record() {
    let (t, forms) = filled_forms();
    for (r, md, html) in &forms {
        let yaml: serde_yaml::Value = serde_yaml::from_str(&t.read(&r.path())).unwrap();
        let mut all = Vec::new();
        leaves("", &yaml, &mut all);
        let mut missing = Vec::new();
        for (path, value) in &all {
            let Some(shown) = as_printed(path, value) else { continue };
            for (format, text) in [("markdown", md), ("html", html)] {
                if !shown.iter().any(|s| text.contains(s.as_str())) {
                    missing.push(format!("{format}: {path} = {shown:?}"));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "{}'s forms leave out:\n{}\n{md}",
            r.id(),
            missing.join("\n")
        );
    }
}

/// An emergency presented to the CAB without its feedback, and reviewed
/// without a root cause or preventive measures.
fn reviewed_emergency_without_feedback_or_root_cause() -> Record {
    Record::emergency("CHG-2026-0016")
        .status("completed")
        .raw("emergency", "{criteria: [production-down], cab_review: {date: 2026-11-24}, post_review: {completed_at: 2026-11-24T15:00:00Z}}")
        .implementation(Implementation::new("2026-11-23T01:00:00Z", "2026-11-23T02:00:00Z", "successful"))
}

/// Records that each owe one thing, by the finding: the record, the form
/// and row that must read as owed, and the words the Still owed list uses.
fn owing() -> Vec<(&'static str, Record, &'static str, &'static str, &'static str)> {
    vec![
        (
            "cab votes",
            Record::major("CHG-2026-0011").status("submitted").approval(Approval::new("cab", ANA)),
            "Change request",
            "CAB vote",
            "approval pending: needs 2 more cab",
        ),
        (
            "monitoring",
            Record::normal("CHG-2026-0012")
                .approved_by_sam()
                .status("completed")
                .implementation(Implementation::new("2026-11-25T11:00:00Z", "2026-11-25T11:30:00Z", "successful")),
            "Change request",
            "Monitoring",
            "monitoring owed: 1 h after the deployment",
        ),
        (
            "rollback verification",
            Record::normal("CHG-2026-0013").approved_by_sam().status("rolled-back").rollback(
                Fields::rollback_entry("simple", "2026-11-25T10:00:00Z", "2026-11-25T10:10:00Z")
                    .set("mode", "planned")
                    .set("validation", "{smoke_tests: not-run}"),
            ),
            "Rollback record 1",
            "Verification",
            "rollback 1 owes verification (a reason the smoke tests were not run, error rates, customer access, full test suite, performance, security verification)",
        ),
        (
            "preventive measures",
            filled_emergency(),
            "Emergency record",
            "Preventive measure 2",
            "preventive measure 2 open: Update TLS libraries monthly",
        ),
        (
            "emergency aftermath",
            reviewed_emergency_without_feedback_or_root_cause(),
            "Emergency record",
            "CAB feedback",
            "the CAB's feedback",
        ),
        (
            "emergency aftermath",
            reviewed_emergency_without_feedback_or_root_cause(),
            "Emergency record",
            "Root cause",
            "the post-emergency review (`--root-cause`, `--preventive-measures`)",
        ),
        (
            "rehearsal",
            Record::normal("CHG-2026-0015").status("submitted").without("rollback.last_tested"),
            "Change request",
            "Rollback rehearsal",
            "rollback rehearsal overdue: a simple rollback not rehearsed within 92 days",
        ),
    ]
}

#[test]
fn markdown_and_html_forms_list_every_item_still_owed_as_owed() {
    for (finding, record, form, label, owed) in owing() {
        let id = record.id();
        let t = Test::new().record(record).commit_as(JANE, "owes one thing");
        let md = t.run(&["show", &id, "--format", "markdown"]).ok().stdout;
        let html = t.run(&["show", &id, "--format", "html"]).ok().stdout;
        // The row reads as owed: marked in HTML, and saying so in Markdown.
        let row = format!("<tr><th scope=\"row\">{label}</th><td class=\"warn\">");
        assert!(
            html_section(&html, form).contains(&row),
            "{finding}: {id}'s {form} marks {label:?} owed:\n{}",
            html_section(&html, form)
        );
        let md_row = section(&md, form)
            .lines()
            .find(|l| l.starts_with(&format!("| {label} | ")))
            .unwrap_or_default();
        assert!(
            md_row.contains("owed") || md_row.contains("open"),
            "{finding}: {md_row:?}\n{md}"
        );
        let still = section(&md, "Still owed");
        assert!(still.contains(owed), "{finding}: Still owed lists {owed:?}:\n{still}");
    }
}

#[test]
fn plain_show_prints_the_rollback_rehearsal_standing() {
    let t = Test::new()
        .record(
            Record::normal("CHG-2026-0015")
                .status("submitted")
                .without("rollback.last_tested"),
        )
        .record(Record::normal("CHG-2026-0016").status("submitted"))
        .commit_as(JANE, "two changes to run");
    let stale = t.run(&["show", "CHG-2026-0015"]).ok().stdout;
    assert!(
        stale.contains("  rehearsal          owed: a simple rollback not rehearsed within 92 days (never rehearsed; no passed rehearsal for checkout-api, pricing-service)\n"),
        "{stale}"
    );
    let current = t.run(&["show", "CHG-2026-0016"]).ok().stdout;
    assert!(
        current.contains("  rehearsal          simple rollback rehearsed and passed on 2026-11-09\n"),
        "{current}"
    );
}
