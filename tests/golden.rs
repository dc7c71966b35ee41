//! Golden files: every report (weekly, monthly, quarterly) in every format
//! for one fixed store whose git history has chosen commit times, so that the
//! history-judged figures are fixed too. Any change to a report shows as a
//! diff of a file under `tests/golden/`.
//!
//! A mismatch fails the test and writes nothing. To accept new output on
//! purpose, run `CHG_UPDATE_GOLDEN=1 cargo test --test integration golden`
//! and review the diff before committing it.
//!
//! The three HTML reports are printed in the same page (head, stylesheet,
//! body frame); it is kept once, in `tests/golden/page.html`, and each
//! report's golden HTML file holds only its title line and its body. The
//! test puts them back into the page and compares every byte.

use std::path::PathBuf;

use crate::support::*;

/// The time every report is made at: Wednesday of ISO week 2026-W48.
pub const NOW: &str = "2026-11-25T12:00:00Z";

/// The stages of one record, written at chosen times by chosen people.
struct Stage {
    at: &'static str,
    who: Who,
    id: &'static str,
    text: String,
}

/// The common head of a record.
#[allow(clippy::too_many_arguments)]
fn head(
    id: &str,
    title: &str,
    status: &str,
    class: &str,
    risk: (&str, &str),
    created: &str,
    window: (&str, &str),
    tested: &str,
) -> String {
    let template = if class == "standard" {
        "template: log-rotation\n"
    } else {
        ""
    };
    let strategy = if class == "standard" { "rolling" } else { "canary" };
    format!(
        "schema_version: 1\nid: {id}\ntitle: \"{title}\"\nstatus: {status}\nclassification: {class}\n{template}risk: {{impact: {}, likelihood: {}}}\npriority: medium\nrequested_by: Jane Doe <jane@example.com>\ncreated_at: {created}\ndescription: |\n  {title}.\nsystems: [{}]\ntesting:\n  unit: passed\n  integration: passed\n  qa_review: passed\ndeployment:\n  strategy: {strategy}\n  window: {{start: {}, end: {}}}\nrollback:\n  plan: |\n    Redeploy the previous version.\n  kind: {}\n  last_tested: {tested}\n",
        risk.0,
        risk.1,
        if class == "major" { "postgres-main" } else { "checkout-api" },
        window.0,
        window.1,
        if class == "major" { "complex" } else { "simple" },
    )
}

fn approval(role: &str, who: Who, method: &str, at: &str) -> String {
    format!(
        "  - role: {role}\n    approver: {} <{}>\n    decision: approved\n    method: {method}\n    at: {at}\n",
        who.name, who.email
    )
}

fn implementation(started: &str, finished: &str, outcome: &str, issues: &[&str]) -> String {
    let issues = if issues.is_empty() {
        "[]".to_string()
    } else {
        format!("[{}]", issues.join(", "))
    };
    format!(
        "implementation:\n  started_at: {started}\n  finished_at: {finished}\n  outcome: {outcome}\n  validation: {{smoke_tests: passed, error_rates: normal}}\n  issues: {issues}\n"
    )
}

fn emergency(criteria: &str, post_review: Option<&str>) -> String {
    emergency_at(criteria, None, post_review)
}

/// An emergency block; `documented` is `(documented_at, CAB date)`.
fn emergency_at(criteria: &str, documented: Option<(&str, &str)>, post_review: Option<&str>) -> String {
    let documented = match documented {
        Some((at, cab)) => format!("  documented_at: {at}\n  cab_review: {{date: {cab}, feedback: Justified.}}\n"),
        None => String::new(),
    };
    let review = match post_review {
        Some(at) => format!(
            "  post_review:\n    completed_at: {at}\n    root_cause: A missing index on the orders table.\n    preventive_measures: Index reviews in every schema change.\n"
        ),
        None => String::new(),
    };
    // A critical vulnerability states its CVSS score.
    let cvss = if criteria == "critical-vulnerability" {
        "  cvss: 9.8\n"
    } else {
        ""
    };
    format!(
        "emergency:\n  criteria: [{criteria}]\n{cvss}  impact_of_not_implementing: Checkout stays down for every customer.\n{documented}{review}"
    )
}

/// A normal change through its stages: created, approved by Sam, implemented.
#[allow(clippy::too_many_arguments)]
fn normal(
    id: &'static str,
    title: &str,
    risk: (&str, &str),
    created: &'static str,
    approved: &'static str,
    window: (&str, &str),
    tested: &str,
    done: Option<(&'static str, String)>,
) -> Vec<Stage> {
    let h = |status: &str| head(id, title, status, "normal", risk, created, window, tested);
    let approvals = format!("approvals:\n{}", approval("change-manager", SAM, "written", approved));
    let mut stages = vec![
        Stage {
            at: created,
            who: JANE,
            id,
            text: h("submitted"),
        },
        Stage {
            at: approved,
            who: SAM,
            id,
            text: format!("{}{approvals}", h("scheduled")),
        },
    ];
    if let Some((at, implementation)) = done {
        let status = if implementation.contains("outcome: successful") {
            "completed"
        } else if implementation.contains("outcome: failed") {
            "failed"
        } else {
            "rolled-back"
        };
        stages.push(Stage {
            at,
            who: JANE,
            id,
            text: format!("{}{approvals}{implementation}", h(status)),
        });
    }
    stages
}

/// Builds the fixed store: changes from April to November 2026, each
/// committed by the person who acted, at the time they acted.
pub fn fixture() -> Repo {
    let mut repo = Repo::new();
    repo.now = Some(NOW.into());
    repo.write(
        "changes/policy.yaml",
        "# The fixture's policy: every default of POLICY.md.\nrequire_signed_approvals: false\n",
    );
    repo.write(
        "changes/templates/log-rotation.yaml",
        "name: log-rotation\ndescription: Rotate and compress application logs.\n",
    );
    repo.commit_all_at(SAM, "2026-04-01T08:00:00Z", "chg init");

    let mut stages = Vec::new();
    // 2026-Q2.
    stages.extend(normal(
        "CHG-2026-0001",
        "Raise checkout-api worker pool to 64",
        ("medium", "low"),
        "2026-04-08T09:00:00Z",
        "2026-04-09T10:00:00Z",
        ("2026-04-14T02:00:00Z", "2026-04-14T04:00:00Z"),
        "2026-03-20",
        Some((
            "2026-04-14T03:00:00Z",
            implementation("2026-04-14T02:00:00Z", "2026-04-14T02:40:00Z", "successful", &[]),
        )),
    ));
    let standard = |id, title, created, start: &str, finish: &str, done| {
        let window_start = format!("{}02:00:00Z", &start[..11]);
        let window_end = format!("{}04:00:00Z", &start[..11]);
        let h = |status| {
            head(
                id,
                title,
                status,
                "standard",
                ("low", "low"),
                created,
                (&window_start, &window_end),
                "2026-01-05",
            )
        };
        vec![
            Stage {
                at: created,
                who: JANE,
                id,
                text: h("approved"),
            },
            Stage {
                at: done,
                who: JANE,
                id,
                text: format!("{}{}", h("completed"), implementation(start, finish, "successful", &[])),
            },
        ]
    };
    stages.extend(standard(
        "CHG-2026-0002",
        "Rotate the payment-gateway logs",
        "2026-05-11T09:00:00Z",
        "2026-05-12T02:10:00Z",
        "2026-05-12T02:25:00Z",
        "2026-05-12T02:30:00Z",
    ));
    // A major change rolled back within its RTO; its rollback was last tested in January.
    let major_head = |status| {
        head(
            "CHG-2026-0003",
            "Upgrade postgres-main to 16.4",
            status,
            "major",
            ("high", "medium"),
            "2026-06-01T09:00:00Z",
            ("2026-06-16T02:00:00Z", "2026-06-16T05:00:00Z"),
            "2026-01-10",
        )
    };
    let cab = format!(
        "approvals:\n{}{}{}",
        approval("cab", ANA, "written", "2026-06-10T10:00:00Z"),
        approval("cab", BEN, "written", "2026-06-10T10:05:00Z"),
        approval("cab", CHO, "written", "2026-06-10T10:10:00Z")
    );
    stages.push(Stage {
        at: "2026-06-01T09:00:00Z",
        who: JANE,
        id: "CHG-2026-0003",
        text: major_head("submitted"),
    });
    stages.push(Stage {
        at: "2026-06-10T10:10:00Z",
        who: ANA,
        id: "CHG-2026-0003",
        text: format!("{}{cab}", major_head("scheduled")),
    });
    stages.push(Stage {
        at: "2026-06-16T05:00:00Z",
        who: JANE,
        id: "CHG-2026-0003",
        text: format!(
            "{}{cab}{}rollbacks:\n  - trigger: error-rate\n    mode: immediate\n    kind: complex\n    reason: 5xx above 5 % after the upgrade\n    started_at: 2026-06-16T03:50:00Z\n    restored_at: 2026-06-16T04:30:00Z\n    post_actions: {{lessons_learned: Rehearse the upgrade on a copy., root_cause: An extension not built for 16.4., redeploy_plan: Retry after the extension update.}}\n",
            major_head("rolled-back"),
            implementation(
                "2026-06-16T02:00:00Z",
                "2026-06-16T04:30:00Z",
                "rolled-back",
                &["pg_partman not built for 16.4"]
            )
        ),
    });

    // 2026-Q3.
    stages.extend(normal(
        "CHG-2026-0004",
        "Enable HTTP/2 on api-gateway",
        ("medium", "low"),
        "2026-07-01T09:00:00Z",
        "2026-07-02T10:00:00Z",
        ("2026-07-07T02:00:00Z", "2026-07-07T04:00:00Z"),
        "2026-06-20",
        Some((
            "2026-07-07T03:30:00Z",
            implementation(
                "2026-07-07T02:00:00Z",
                "2026-07-07T03:10:00Z",
                "successful",
                &["slow cache warm-up"],
            ),
        )),
    ));
    // An emergency documented and approved in writing in time, reviewed late.
    let e_head = |status| {
        head(
            "CHG-2026-0005",
            "Emergency: add the missing orders index",
            status,
            "emergency",
            ("high", "high"),
            "2026-07-21T13:40:00Z",
            ("2026-07-21T14:00:00Z", "2026-07-21T16:00:00Z"),
            "2026-07-01",
        )
    };
    // The CISO's and the CTO's verbal approvals on a day, and their written ones at a time.
    let verbal_on = |day: &str| {
        format!(
            "approvals:\n{}{}",
            approval("ciso", CAROL, "verbal", &format!("{day}T13:50:00Z")),
            approval("cto", DAVE, "verbal", &format!("{day}T13:52:00Z"))
        )
    };
    let written_at = |at: &str| {
        format!(
            "{}{}",
            approval("ciso", CAROL, "written", at),
            approval("cto", DAVE, "written", at)
        )
    };
    let verbal = verbal_on("2026-07-21");
    let written = written_at("2026-07-22T10:00:00Z");
    let e_impl = implementation("2026-07-21T14:00:00Z", "2026-07-21T15:10:00Z", "successful", &[]);
    // Documented at 09:00 in the commit of 09:00: a time the record states
    // counts only as early as history received it.
    let documented = "  documented_at: 2026-07-22T09:00:00Z\n";
    stages.push(Stage {
        at: "2026-07-22T09:00:00Z",
        who: JANE,
        id: "CHG-2026-0005",
        text: format!(
            "{}{verbal}{e_impl}{}{documented}",
            e_head("completed"),
            emergency("production-down", None)
        ),
    });
    stages.push(Stage {
        at: "2026-07-22T10:00:00Z",
        who: CAROL,
        id: "CHG-2026-0005",
        text: format!(
            "{}{verbal}{written}{e_impl}{}{documented}",
            e_head("completed"),
            emergency("production-down", None)
        ),
    });
    stages.push(Stage {
        at: "2026-07-29T15:00:00Z",
        who: JANE,
        id: "CHG-2026-0005",
        text: format!(
            "{}{verbal}{written}{e_impl}{}",
            e_head("completed"),
            emergency_at(
                "production-down",
                Some(("2026-07-22T09:00:00Z", "2026-07-28")),
                Some("2026-07-29T15:00:00Z")
            )
        ),
    });
    stages.extend(normal(
        "CHG-2026-0006",
        "Move session cache to redis-7",
        ("low", "medium"),
        "2026-07-28T09:00:00Z",
        "2026-07-30T10:00:00Z",
        ("2026-08-04T02:00:00Z", "2026-08-04T04:00:00Z"),
        "2026-07-15",
        Some((
            "2026-08-04T04:10:00Z",
            implementation(
                "2026-08-04T02:00:00Z",
                "2026-08-04T03:50:00Z",
                "failed",
                &["sessions lost on failover"],
            ),
        )),
    ));
    stages.extend(standard(
        "CHG-2026-0007",
        "Rotate the search-index logs",
        "2026-08-17T09:00:00Z",
        "2026-08-18T02:10:00Z",
        "2026-08-18T02:25:00Z",
        "2026-08-18T02:30:00Z",
    ));
    // A normal change approved only after it started.
    stages.extend(normal(
        "CHG-2026-0008",
        "Shard the orders table",
        ("medium", "medium"),
        "2026-09-01T09:00:00Z",
        "2026-09-08T06:00:00Z",
        ("2026-09-08T02:00:00Z", "2026-09-08T05:00:00Z"),
        "2026-08-20",
        Some((
            "2026-09-08T06:10:00Z",
            implementation("2026-09-08T02:00:00Z", "2026-09-08T04:50:00Z", "successful", &[]),
        )),
    ));
    // A rollback over its RTO.
    let rb = |status: &str| {
        head(
            "CHG-2026-0009",
            "Switch checkout-api to PgBouncer",
            status,
            "normal",
            ("medium", "medium"),
            "2026-09-14T09:00:00Z",
            ("2026-09-22T02:00:00Z", "2026-09-22T04:00:00Z"),
            "2026-09-01",
        )
    };
    let sam = format!(
        "approvals:\n{}",
        approval("change-manager", SAM, "written", "2026-09-15T10:00:00Z")
    );
    stages.push(Stage {
        at: "2026-09-14T09:00:00Z",
        who: JANE,
        id: "CHG-2026-0009",
        text: rb("submitted"),
    });
    stages.push(Stage {
        at: "2026-09-15T10:00:00Z",
        who: SAM,
        id: "CHG-2026-0009",
        text: format!("{}{sam}", rb("scheduled")),
    });
    stages.push(Stage {
        at: "2026-09-22T03:10:00Z",
        who: RAJ,
        id: "CHG-2026-0009",
        text: format!(
            "{}{sam}{}rollbacks:\n  - trigger: response-time\n    mode: immediate\n    kind: simple\n    reason: p95 above twice the baseline\n    started_at: 2026-09-22T02:30:00Z\n    restored_at: 2026-09-22T02:55:00Z\n    post_actions: {{lessons_learned: null, root_cause: null, redeploy_plan: null}}\n",
            rb("rolled-back"),
            implementation(
                "2026-09-22T02:05:00Z",
                "2026-09-22T02:55:00Z",
                "rolled-back",
                &["p95 2.6x baseline"]
            )
        ),
    });
    // An emergency documented two days late.
    let e2 = |status| {
        head(
            "CHG-2026-0010",
            "Emergency: patch the image library (CVSS 9.8)",
            status,
            "emergency",
            ("high", "high"),
            "2026-09-28T13:40:00Z",
            ("2026-09-28T14:00:00Z", "2026-09-28T15:00:00Z"),
            "2026-08-01",
        )
    };
    stages.push(Stage {
        at: "2026-09-30T12:00:00Z",
        who: JANE,
        id: "CHG-2026-0010",
        text: format!(
            "{}{verbal2}{written2}{}{}",
            e2("completed"),
            implementation("2026-09-28T14:00:00Z", "2026-09-28T14:40:00Z", "successful", &[]),
            emergency_at(
                "critical-vulnerability",
                Some(("2026-09-30T12:00:00Z", "2026-10-06")),
                Some("2026-09-30T12:00:00Z")
            ),
            verbal2 = verbal_on("2026-09-28"),
            written2 = written_at("2026-09-30T11:00:00Z"),
        ),
    });

    // 2026-Q4: October, and the week of the CAB report.
    stages.extend(normal(
        "CHG-2026-0011",
        "Add a read replica for reporting",
        ("medium", "low"),
        "2026-09-30T09:00:00Z",
        "2026-10-01T10:00:00Z",
        ("2026-10-06T02:00:00Z", "2026-10-06T04:00:00Z"),
        "2026-09-10",
        Some((
            "2026-10-06T03:00:00Z",
            implementation("2026-10-06T02:00:00Z", "2026-10-06T02:45:00Z", "successful", &[]),
        )),
    ));
    // Edited by Raj after Sam approved it, then implemented.
    let rate_limit = |title: &str| {
        normal(
            "CHG-2026-0012",
            title,
            ("low", "medium"),
            "2026-10-12T09:00:00Z",
            "2026-10-14T10:00:00Z",
            ("2026-10-20T02:00:00Z", "2026-10-20T04:00:00Z"),
            "2026-10-01",
            Some((
                "2026-10-20T03:00:00Z",
                implementation("2026-10-20T02:00:00Z", "2026-10-20T02:30:00Z", "successful", &[]),
            )),
        )
    };
    let mut edited = rate_limit("Raise the checkout-api rate limit");
    // The same change with a new title (and so description), from Raj's edit on.
    let raised = rate_limit("Raise the checkout-api rate limit to 500/s");
    let approved = raised[1].text.clone();
    edited[2].text = raised[2].text.clone();
    edited.insert(
        2,
        Stage {
            at: "2026-10-15T16:30:00Z",
            who: RAJ,
            id: "CHG-2026-0012",
            text: approved,
        },
    );
    stages.extend(edited);
    stages.extend(normal(
        "CHG-2026-0013",
        "Enable canary routing for pricing-service",
        ("medium", "low"),
        "2026-11-16T09:00:00Z",
        "2026-11-17T10:00:00Z",
        ("2026-11-24T02:00:00Z", "2026-11-24T04:00:00Z"),
        "2026-11-02",
        Some((
            "2026-11-24T03:00:00Z",
            implementation("2026-11-24T02:00:00Z", "2026-11-24T02:35:00Z", "successful", &[]),
        )),
    ));
    // This week's emergency: verbal approvals only, written approval overdue.
    let e3 = head(
        "CHG-2026-0014",
        "Emergency: restore the payments webhook",
        "completed",
        "emergency",
        ("high", "high"),
        "2026-11-23T13:30:00Z",
        ("2026-11-23T16:00:00Z", "2026-11-23T17:00:00Z"),
        "2026-10-15",
    );
    stages.push(Stage {
        at: "2026-11-23T18:00:00Z",
        who: JANE,
        id: "CHG-2026-0014",
        text: format!(
            "{e3}{}{}{}",
            verbal_on("2026-11-23"),
            implementation("2026-11-23T16:00:00Z", "2026-11-23T16:45:00Z", "successful", &[]),
            emergency("critical-functionality", None)
        ),
    });
    // Next week: one waiting for approval, one approved and then edited.
    stages.push(Stage {
        at: "2026-11-20T09:00:00Z",
        who: JANE,
        id: "CHG-2026-0015",
        text: head(
            "CHG-2026-0015",
            "Retire the legacy pricing endpoint",
            "submitted",
            "normal",
            ("medium", "low"),
            "2026-11-20T09:00:00Z",
            ("2026-12-01T02:00:00Z", "2026-12-01T03:00:00Z"),
            "2026-11-10",
        ),
    });
    let resize = |title: &str| {
        normal(
            "CHG-2026-0016",
            title,
            ("medium", "low"),
            "2026-11-18T09:00:00Z",
            "2026-11-19T10:00:00Z",
            ("2026-12-02T02:00:00Z", "2026-12-02T04:00:00Z"),
            "2026-11-12",
            None,
        )
    };
    let mut late_edit = resize("Resize the search-index cluster");
    let resized = resize("Resize the search-index cluster to 6 nodes")[1].text.clone();
    late_edit.push(Stage {
        at: "2026-11-24T17:45:00Z",
        who: RAJ,
        id: "CHG-2026-0016",
        text: resized,
    });
    stages.extend(late_edit);

    stages.sort_by(|a, b| a.at.cmp(b.at).then(a.id.cmp(b.id)));
    for s in stages {
        repo.write(&format!("changes/2026/{}.yaml", s.id), &s.text);
        repo.commit_all_at(s.who, s.at, &format!("chg: {}", s.id));
    }
    repo
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests").join("golden")
}

/// The page every HTML report is printed in, kept once in
/// `tests/golden/page.html`: the head with its stylesheet, and the body's
/// frame, with these two marks where each report's own title line and body
/// stand; a report's golden HTML file holds only those (title line first).
const TITLE: &str = "{title}\n";
const BODY: &str = "{body}\n";

/// An HTML report split into the page it is printed in (marked where its
/// title line and body stand) and its own part: the title line, then the body.
fn split_page(html: &str) -> (String, String) {
    let title = html
        .lines()
        .find(|l| l.starts_with("<title>"))
        .map(|l| format!("{l}\n"))
        .unwrap_or_default();
    let body = html
        .split_once("<body>\n")
        .and_then(|(_, rest)| rest.rsplit_once("</body>\n"))
        .map_or("", |(body, _)| body);
    let page = html.replacen(&title, TITLE, 1).replacen(body, BODY, 1);
    (page, format!("{title}{body}"))
}

/// An HTML report's own part put back into the shared page.
fn into_page(page: &str, own: &str) -> String {
    let (title, body) = own.split_once('\n').map_or((own, ""), |(t, b)| (t, b));
    page.replacen(TITLE, &format!("{title}\n"), 1).replacen(BODY, body, 1)
}

/// A golden file's text as the report prints it (an HTML report's put back into the page).
fn expected(path: &std::path::Path) -> std::io::Result<String> {
    let text = std::fs::read_to_string(path)?;
    if path.extension().is_some_and(|e| e == "html") {
        let page = std::fs::read_to_string(golden_dir().join("page.html"))?;
        return Ok(into_page(&page, &text));
    }
    Ok(text)
}

/// Writes a report's golden file; an HTML report's page goes to the shared file.
fn write_golden(path: &std::path::Path, actual: &str) {
    std::fs::create_dir_all(golden_dir()).unwrap();
    if path.extension().is_some_and(|e| e == "html") {
        let (page, own) = split_page(actual);
        assert!(
            page.matches(TITLE).count() == 1 && page.matches(BODY).count() == 1,
            "{} has a title and a body:\n{page}",
            path.display()
        );
        std::fs::write(golden_dir().join("page.html"), page).unwrap();
        std::fs::write(path, own).unwrap();
    } else {
        std::fs::write(path, actual).unwrap();
    }
}

/// The first line where two texts differ, with its neighbours, for the failure message.
fn first_difference(expected: &str, actual: &str) -> String {
    let (e, a): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let line = e
        .iter()
        .zip(&a)
        .position(|(x, y)| x != y)
        .unwrap_or(e.len().min(a.len()));
    let around = |v: &[&str]| v[line.saturating_sub(2)..(line + 3).min(v.len())].join("\n");
    format!(
        "first difference at line {}:\n--- expected\n{}\n--- actual\n{}",
        line + 1,
        around(&e),
        around(&a)
    )
}

#[test]
fn every_report_in_every_format_matches_its_golden_file() {
    let repo = fixture();
    let update = std::env::var_os("CHG_UPDATE_GOLDEN").is_some_and(|v| v == "1");
    let reports: [(&str, &[&str]); 3] = [
        // The ISO week of "now"; the default, the CAB's week, is tested in numbers.rs.
        ("weekly", &["report", "weekly", "--week", "2026-W48"]),
        ("monthly", &["report", "monthly", "--month", "2026-10"]),
        ("quarterly", &["report", "quarterly"]),
    ];
    let formats = [("table", "txt"), ("markdown", "md"), ("json", "json"), ("html", "html")];
    let mut failures = Vec::new();
    for (name, args) in reports {
        for (format, ext) in formats {
            let mut full: Vec<&str> = args.to_vec();
            full.extend(["--format", format, "--color", "never"]);
            let actual = repo.chg(&full).ok().stdout;
            assert!(!actual.contains("/tmp/"), "no temporary path in {name}.{ext}");
            let path = golden_dir().join(format!("{name}.{ext}"));
            if update {
                write_golden(&path, &actual);
                continue;
            }
            match expected(&path) {
                Ok(expected) if expected == actual => {}
                Ok(expected) => failures.push(format!(
                    "{} differs; {}",
                    path.display(),
                    first_difference(&expected, &actual)
                )),
                Err(e) => failures.push(format!("{}: {e}", path.display())),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\nIf the new output is right, run `CHG_UPDATE_GOLDEN=1 cargo test --test integration golden` and review the diff.",
        failures.join("\n\n")
    );
}

/// comfy-table wrapped the 22-character criterion into a 17-character
/// column as `critical-functi` / `onality`.
#[test]
fn terminal_tables_do_not_split_words_that_fit() {
    let repo = fixture();
    let table = repo
        .chg_line("report weekly --week 2026-W48 --format table --color never")
        .ok()
        .stdout;
    assert!(table.contains("┆ critical-functionality ┆"), "{table}");
    assert!(table.lines().all(|l| l.chars().count() <= 120), "{table}");
}
