//! `chg status`: what needs action now, and by whom.

use anyhow::Result;

use crate::attention;
use crate::cli::{Format, StatusArgs};
use crate::context::App;
use crate::render::PushFmt as _;

/// Prints the items, overdue first; exit status 0 either way.
pub fn run(_args: &StatusArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let policy = store.policy()?;
    let records: Vec<_> = store.load_all_strict()?.into_iter().map(|l| l.record).collect();
    let items = attention::items(&records, &policy, app.now);
    crate::render::print(&render(&items, app.format)?)?;
    Ok(0)
}

/// Renders the items in the chosen format: JSON, or one block per item.
fn render(items: &[attention::Item], format: Format) -> Result<String> {
    if format == Format::Json {
        return Ok(format!("{}\n", crate::render::json(&items)?));
    }
    if items.is_empty() {
        return Ok("nothing needs attention\n".to_string());
    }
    let safe = crate::render::safe;
    let mut out = String::new();
    for item in items {
        let due = match item.due {
            Some(d) if item.overdue => format!(" — OVERDUE since {}", d.format("%Y-%m-%d %H:%M UTC")),
            Some(d) => format!(" — due {}", d.format("%Y-%m-%d %H:%M UTC")),
            None => String::new(),
        };
        out.push_fmt(format_args!(
            "{}  {}\n  {}{due}\n",
            safe(&item.id),
            safe(&item.title),
            safe(&item.what)
        ));
        if !item.who.is_empty() {
            out.push_fmt(format_args!("  for: {}\n", safe(&item.who.join(", "))));
        }
    }
    Ok(out)
}
