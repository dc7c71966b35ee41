//! `chg submit`: draft → submitted (a catalogue standard change → approved);
//! after an emergency was implemented, it declares the documentation complete.

use anyhow::Result;

use crate::action::{self, Action, Done};
use crate::cli::IdArgs;
use crate::context::App;
use crate::error::Refusal;
use crate::finding::Severity;
use crate::lifecycle;
use crate::record::{Classification, Record, Status};
use crate::rules;
use crate::store::Loaded;

/// Submits the change, refusing while `chg check` finds errors in it.
pub fn run(args: &IdArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "submit", |act, record| {
        let emergency_done = record.classification == Classification::Emergency
            && lifecycle::implemented(record.status)
            && record.status != Status::InProgress;
        if emergency_done {
            refuse_errors(act, record)?;
            let documented = record.emergency.get_or_insert_with(Default::default);
            documented.documented_at = Some(act.now);
            return Ok(Done::new(format!(
                "{}: documentation of the emergency recorded as complete",
                record.id
            ))
            .detail("documentation"));
        }
        let to = if record.classification == Classification::Standard {
            Status::Approved
        } else {
            Status::Submitted
        };
        action::transition(record, to)?;
        record.status = to;
        refuse_errors(act, record)?;
        Ok(Done::new(match to {
            Status::Approved => format!(
                "{}: approved on submission (standard change, template `{}`)",
                record.id,
                record.template.as_deref().unwrap_or("")
            ),
            _ => format!("{}: submitted; {}", record.id, who_approves(act, record)),
        }))
    })
}

/// Refuses when the record as it would be saved has errors, listing them.
pub fn refuse_errors(act: &Action, record: &Record) -> Result<()> {
    let templates = act.store.templates()?;
    let ctx = rules::Context {
        policy: &act.policy,
        templates: &templates,
        now: act.now,
    };
    let loaded = Loaded {
        file: act.file.clone(),
        record: record.clone(),
        positions: act.positions.clone(),
    };
    let errors: Vec<String> = rules::check_record(&loaded, &ctx)
        .into_iter()
        .filter(|f| f.severity == Severity::Error && !f.rule.is_deadline())
        .map(|f| {
            format!(
                "  {}:{}: [{}] {}\n    hint: {}",
                f.file, f.line, f.rule, f.message, f.hint
            )
        })
        .collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(Refusal::new(
        format!(
            "{} cannot become `{}`: `chg check` finds {} error{} in it\n{}",
            record.id,
            record.status,
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            errors.join("\n")
        ),
        format!("fix them in {} and try again", act.file),
    )
    .into())
}

/// Says who can approve a submitted change.
pub fn who_approves(act: &Action, record: &Record) -> String {
    let groups: Vec<String> = act
        .policy
        .approval_groups(record.classification)
        .iter()
        .map(|g| {
            g.needs()
                .iter()
                .map(|(role, n)| {
                    let people: Vec<&str> = act
                        .policy
                        .members(*role)
                        .iter()
                        .map(String::as_str)
                        .filter(|e| !record.requested_by.has_email(e))
                        .collect();
                    format!("{n} × {role} ({})", people.join(", "))
                })
                .collect::<Vec<_>>()
                .join(" + ")
        })
        .collect();
    format!("it needs the approval of {}", groups.join(", or "))
}
