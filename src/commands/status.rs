//! `chg status`: what needs action now, and by whom.

use anyhow::Result;

use crate::attention;
use crate::cli::{Format, StatusArgs};
use crate::context::App;

/// Prints the items, overdue first; exit status 0 either way.
pub fn run(_args: &StatusArgs, app: &App) -> Result<u8> {
    let format = app.format;
    let store = app.store()?;
    let policy = store.policy()?;
    let records: Vec<_> = store.load_all_strict()?.into_iter().map(|l| l.record).collect();
    let items = attention::items(&records, &store.rehearsals(), &policy, app.now);
    let text = match format {
        Format::Json => format!("{}\n", crate::render::json(&items)?),
        _ if items.is_empty() => "nothing needs attention\n".to_string(),
        _ => {
            let mut out = String::new();
            for item in &items {
                let due = match item.due {
                    Some(d) if item.overdue => format!(" — OVERDUE since {}", d.format("%Y-%m-%d %H:%M UTC")),
                    Some(d) => format!(" — due {}", d.format("%Y-%m-%d %H:%M UTC")),
                    None => String::new(),
                };
                let safe = crate::render::safe;
                out.push_str(&format!(
                    "{}  {}\n  {}{due}\n",
                    safe(&item.id),
                    safe(&item.title),
                    safe(&item.what)
                ));
                if !item.who.is_empty() {
                    out.push_str(&format!("  for: {}\n", safe(&item.who.join(", "))));
                }
            }
            out
        }
    };
    crate::render::print(&text)?;
    Ok(0)
}
