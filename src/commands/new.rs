//! `chg new`: create a change record from flags, a template, or a wizard.

use anyhow::{anyhow, bail, Result};
use chrono::Datelike;

use crate::action;
use crate::cli::{Format, NewArgs};
use crate::context::App;
use crate::draft::Draft;
use crate::emergency_form;
use crate::record::Classification;
use crate::record::Record;
use crate::render::View;
use crate::rule::Rule;
use crate::template::Template;
use crate::wizard;

/// Creates the record, commits it unless `--no-commit`, and prints its id.
pub fn run(args: NewArgs, app: &App) -> Result<u8> {
    if let Some(flag) = args.emergency_flag() {
        bail!("`{flag}` is for an emergency change\n  hint: add `--emergency` (or `--classification emergency`)");
    }
    let store = app.store()?;
    let policy = store.policy()?;
    let templates = store.templates()?;
    let actor = store.repo().actor(app.now)?;
    let now = app.now;

    let template = match &args.template {
        Some(name) => Some(find_template(name, &templates)?),
        None => None,
    };
    let mut fields = Draft::from_args(&args, template)?;
    if app.interactive {
        wizard::new_record(&mut fields, &policy)?;
    }
    if app.interactive && fields.about.classification == Some(Classification::Emergency) {
        // Picked (or given) on a terminal: an emergency owes its criteria and
        // verbal approvals from the start, so the emergency form asks them.
        // Without a terminal the draft is written as before, and `chg check`
        // names what it lacks.
        return emergency_form::create(&args, app, &store, &policy, fields, false);
    }
    let record = fields.into_record(&policy, actor.person.clone(), now)?;
    if record.window().is_some() {
        let (others, _) = store.load_all()?;
        let others: Vec<&Record> = others.iter().map(|l| &l.record).collect();
        action::warn_or_refuse(&record, &others, &policy, app.quiet)?;
    }

    if let Some(message) = crate::rules::strategy::weaker(&record, &policy) {
        app.warn_rule(Rule::WeakerStrategy, &crate::render::visible(&message));
    }
    let detail = record.title.clone();
    let (record, shown) = action::create(app, &store, &actor, record, now.year(), &detail)?;
    let created = if app.quiet {
        String::new()
    } else {
        format!("Created {} ({shown})\n", record.id)
    };
    let view = View::new()
        .data_line(&record)
        .own(Format::Text, |_| Ok(created.clone()));
    crate::render::print_view(&view, app)?;
    Ok(0)
}

fn find_template<'a>(
    name: &str,
    templates: &'a std::collections::BTreeMap<String, Template>,
) -> Result<(&'a str, &'a Template)> {
    if name.contains(['/', '\\']) || name.contains("..") {
        bail!(
            "`--template {name}` is not a template name\n  hint: name a file in changes/templates/ without its `.yaml`"
        );
    }
    templates
        .get_key_value(name)
        .map(|(k, v)| (k.as_str(), v))
        .ok_or_else(|| {
            let names: Vec<&str> = templates.keys().map(String::as_str).collect();
            let hint = match crate::suggest::closest(name, &names) {
                Some(best) => format!("did you mean `{best}`? The catalogue has: {}", names.join(", ")),
                None if names.is_empty() => "the catalogue is empty; `chg init` writes the standard templates".into(),
                None => format!("the catalogue has: {}", names.join(", ")),
            };
            anyhow!("no template `{name}` in changes/templates/\n  hint: {hint}")
        })
}
