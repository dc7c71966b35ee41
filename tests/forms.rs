//! Issue 15.17: `chg show ID --format markdown|html` prints a record as the
//! guide's forms (change request, emergency record, rollback record,
//! post-implementation review), every filled field and every item still owed.

use crate::support::{assert_contains, section, Fields, Record, Test, CAROL, DAVE, JANE};

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
