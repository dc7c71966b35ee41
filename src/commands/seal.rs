//! `chg seal`: tag the store's commit at the end of a period with the
//! digest of every record of the period, and `--verify` every seal.

use anyhow::Result;

use crate::audit::{self, seal};
use crate::cli::SealArgs;
use crate::context::App;

/// Seals a period (exit 0), or verifies every seal (exit 1 when one is broken).
pub fn run(args: &SealArgs, app: &App) -> Result<u8> {
    let store = app.store()?;
    if args.verify {
        let broken = seal::verify(&store)?;
        let tags = store.repo().tags(seal::TAG_PREFIX)?.len();
        for b in &broken {
            println!("{}: {}", b.tag, crate::render::safe(&b.message));
        }
        if broken.is_empty() && !app.quiet {
            println!("{tags} seal(s): every sealed record is as sealed, and every sealed commit is in the history");
        }
        return Ok(if broken.is_empty() { 0 } else { 1 });
    }
    let period = crate::audit::period(args.period.as_deref(), None, None)?;
    if period.to > app.now {
        anyhow::bail!(
            "{} has not ended yet\n  hint: seal a period once it is over; its records may still change until then",
            period.label()
        );
    }
    let tip = audit::commit_at_end(&store, &period)?;
    let sealed = seal::seal_of(&store, &period, tip)?;
    let name = format!("{}{}", seal::TAG_PREFIX, period.label());
    store.repo().create_tag(&name, tip, &seal::message(&sealed))?;
    if !app.quiet {
        println!(
            "sealed {}: tag {name} on {} with the digests of {} records\n  push it: git push origin {name}",
            period.label(),
            tip.short(),
            sealed.records.len()
        );
    }
    Ok(0)
}
