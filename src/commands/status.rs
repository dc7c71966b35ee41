//! `chg status`: what needs action now, and by whom.

use anyhow::Result;

use crate::attention;
use crate::cli::{Format, StatusArgs};
use crate::context::App;
use crate::render::{PushFmt as _, View};

/// Prints the items, overdue first; exit status 0 either way.
pub fn run(_args: &StatusArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let policy = store.policy()?;
    let records: Vec<_> = store.load_all_strict()?.into_iter().map(|l| l.record).collect();
    let items = attention::items(&records, &store.rehearsals(), &policy, app.now);
    let view = View::new().data(&items).own(Format::Text, |_| Ok(text(&items)));
    crate::render::print_view(&view, app)?;
    Ok(0)
}

/// Renders the items for a reader, one block each.
fn text(items: &[attention::Item]) -> String {
    if items.is_empty() {
        return "nothing needs attention\n".to_string();
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
    out
}
