//! `chg schema`: print a JSON Schema.

use anyhow::Result;

use crate::cli::{SchemaArgs, SchemaKind};
use crate::context::App;

/// Prints the chosen schema.
pub fn run(args: &SchemaArgs, _app: &App) -> Result<u8> {
    let schema = match args.kind {
        SchemaKind::Change => crate::schema::change(),
        SchemaKind::Policy => crate::schema::policy(),
        SchemaKind::Template => crate::schema::template(),
        SchemaKind::Rehearsals => crate::schema::rehearsals(),
    };
    crate::render::print(&crate::schema::to_text(&schema))?;
    Ok(0)
}
