//! `chg submit`: draft → submitted (a catalogue standard change → approved);
//! after an emergency was implemented, it declares the documentation complete.

use anyhow::Result;

use crate::action::{self, Action, Done};
use crate::cli::IdArgs;
use crate::context::App;
use crate::error::Refusal;
use crate::lifecycle;
use crate::record::{Classification, Record, Status};

/// Submits the change, refusing while `chg check` finds errors in it.
pub fn run(args: &IdArgs, app: &App) -> Result<u8> {
    action::run(app, &args.id, "submit", |act, record| {
        let emergency_done = record.classification == Classification::Emergency
            && lifecycle::implemented(record.status)
            && record.status != Status::InProgress;
        if emergency_done {
            let lacks = record.emergency_documentation_lacks();
            if !lacks.is_empty() {
                return Err(Refusal::new(
                    format!(
                        "{}: the emergency's documentation is not complete; it lacks {}",
                        record.id,
                        lacks.join(", ")
                    ),
                    format!(
                        "add them to {} (`chg edit {}`), then run `chg submit {}` again",
                        act.file, record.id, record.id
                    ),
                )
                .into());
            }
            act.refuse_errors(record)?;
            let documented = record.emergency.get_or_insert_with(Default::default);
            documented.documented_at = Some(act.now);
            return Ok(Done::new(format!(
                "{}: documentation of the emergency recorded as complete",
                record.id
            ))
            .detail("documentation"));
        }
        let to = record.submit()?;
        act.refuse_errors(record)?;
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
