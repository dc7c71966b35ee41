//! "Did you mean" hints for misspelt keys, values and ids.

/// Returns the candidate closest to `given`, if it is close enough to be a likely typo.
pub fn closest<'a>(given: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(given, c), *c))
        .filter(|(distance, c)| *distance <= (c.len().max(given.len()) / 3).max(2))
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, c)| c)
}

/// Returns the message for a value that is not one of `allowed`.
pub fn unknown_value(given: &str, allowed: &[&str]) -> String {
    match closest(given, allowed) {
        Some(best) => format!(
            "unknown value `{given}`; did you mean `{best}`? (one of: {})",
            allowed.join(", ")
        ),
        None => format!("unknown value `{given}`; expected one of: {}", allowed.join(", ")),
    }
}

/// Returns up to `n` candidates ordered by closeness to `given`.
pub fn nearest<'a>(given: &str, candidates: impl Iterator<Item = &'a str>, n: usize) -> Vec<&'a str> {
    let mut scored: Vec<(usize, &str)> = candidates.map(|c| (strsim::damerau_levenshtein(given, c), c)).collect();
    scored.sort();
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_a_typo_fix() {
        assert_eq!(closest("aproved", &["approved", "rejected"]), Some("approved"));
        assert_eq!(closest("zzz", &["approved", "rejected"]), None);
    }
}
