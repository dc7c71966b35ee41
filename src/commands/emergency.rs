//! `chg new --emergency`: the quick form for an incident. It first prints
//! whom to call for verbal approval, then records the change with the
//! verbal approvals given, so it may start at once (`crate::emergency_form`).

use anyhow::Result;

use crate::cli::NewArgs;
use crate::context::App;
use crate::draft::Draft;
use crate::emergency_form;

/// Creates the emergency record with its verbal approvals and commits it.
pub fn run(args: NewArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    let policy = store.policy()?;
    let fields = Draft::from_args(&args, None)?;
    emergency_form::create(&args, app, &store, &policy, fields, false)
}
