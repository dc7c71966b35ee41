//! `id-mismatch` and `duplicate-id`: the id is the file's name, once.
//! `lookalike-email`: an email that mixes scripts may pass for someone else's.

use std::collections::BTreeMap;

use crate::document::{Position, Positions};
use crate::finding::Finding;
use crate::policy::Policy;
use crate::record::Role;
use crate::rule::Rule;
use crate::store::Loaded;

/// Checks that the id matches the file name and its year folder.
pub fn check_record(loaded: &Loaded) -> Vec<Finding> {
    let record = &loaded.record;
    let path = std::path::Path::new(&loaded.file);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let folder = path
        .parent()
        .and_then(|p| p.file_name())
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    // A closure: finding a position parses the file again, so only on a finding.
    let at = || loaded.positions.of("id");
    let mut findings = Vec::new();
    match crate::id::parse(&record.id) {
        None => findings.push(Finding::error(
            &loaded.file,
            at(),
            Rule::IdMismatch,
            format!("`{}` is not a change id", record.id),
            format!("ids look like `CHG-2026-0042`; this file's name says `{stem}`"),
        )),
        Some((year, _)) => {
            if record.id != stem {
                let ending = crate::store::yaml_ending(&loaded.file);
                findings.push(Finding::error(
                    &loaded.file,
                    at(),
                    Rule::IdMismatch,
                    format!("id `{}` does not match the file name `{stem}{ending}`", record.id),
                    format!("set `id: {stem}`, or rename the file to `{}{ending}`", record.id),
                ));
            } else if folder != year.to_string() {
                findings.push(Finding::error(
                    &loaded.file,
                    at(),
                    Rule::IdMismatch,
                    format!("`{}` is in the folder `{folder}`, not `{year}`", record.id),
                    format!("move the file to `changes/{year}/`"),
                ));
            }
        }
    }
    let people = std::iter::once(("requested_by".to_string(), &record.requested_by)).chain(
        record
            .approvals
            .iter()
            .enumerate()
            .map(|(i, a)| (format!("approvals[{i}].approver"), &a.approver)),
    );
    for (key, person) in people {
        if let Some(chars) = crate::person::lookalike(person.email()) {
            findings.push(lookalike(
                &loaded.file,
                loaded.positions.of(&key),
                person.email(),
                &chars,
            ));
        }
    }
    findings
}

/// Warns about look-alike emails among the policy's role holders.
pub fn check_policy(file: &str, policy: &Policy, positions: &Positions) -> Vec<Finding> {
    let mut findings = Vec::new();
    // The chair breaks a tie among the CAB's votes, so must hold a vote.
    if let Some(chair) = policy.cab_chair.as_deref().filter(|c| !policy.holds(c, Role::Cab)) {
        findings.push(Finding::error(
            file,
            positions.of("cab_chair"),
            Rule::ApproverNotAuthorized,
            format!("the CAB chair {chair} is not listed for the role `cab` in the policy"),
            format!(
                "name one of the `cab` members ({}), or add the chair to `roles.cab`",
                policy.members(Role::Cab).join(", ")
            ),
        ));
    }
    for (role, members) in &policy.roles {
        for (i, email) in members.iter().enumerate() {
            if let Some(chars) = crate::person::lookalike(email) {
                findings.push(lookalike(
                    file,
                    positions.of(&format!("roles.{role}[{i}]")),
                    email,
                    &chars,
                ));
            }
        }
    }
    findings
}

fn lookalike(file: &str, at: Position, email: &str, chars: &str) -> Finding {
    Finding::warning(
        file,
        at,
        Rule::LookalikeEmail,
        format!("`{email}` mixes scripts ({chars}): it may look like someone else's email but is not"),
        "write the email in plain ASCII as git records it; if it really is spelt so, check who owns it",
    )
}

/// Checks that no id is used by two files.
pub fn check_store(records: &[Loaded]) -> Vec<Finding> {
    let mut by_id: BTreeMap<&str, Vec<&Loaded>> = BTreeMap::new();
    for loaded in records {
        by_id.entry(loaded.record.id.as_str()).or_default().push(loaded);
    }
    let mut findings = Vec::new();
    for (id, files) in by_id.into_iter().filter(|(_, f)| f.len() > 1) {
        let names: Vec<&str> = files.iter().map(|l| l.file.as_str()).collect();
        for loaded in &files {
            let others: Vec<&str> = names.iter().copied().filter(|n| *n != loaded.file).collect();
            findings.push(Finding::error(
                &loaded.file,
                loaded.positions.of("id"),
                Rule::DuplicateId,
                format!("id `{id}` is also used by {}", others.join(", ")),
                format!("give one of them a new id with `chg renumber {id}`"),
            ));
        }
    }
    findings
}
