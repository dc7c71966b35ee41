//! Change ids: `CHG-<year>-<NNNN>`.

/// Parses a change id into its year and number; `None` when malformed.
pub fn parse(id: &str) -> Option<(i32, u32)> {
    let rest = id.strip_prefix("CHG-")?;
    let (year, number) = rest.split_once('-')?;
    if year.len() != 4 || number.len() < 4 {
        return None;
    }
    if !year.bytes().all(|b| b.is_ascii_digit()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((year.parse().ok()?, number.parse().ok()?))
}

/// Formats a change id from its year and number.
pub fn format(year: i32, number: u32) -> String {
    format!("CHG-{year}-{number:04}")
}

/// Checks an id given on the command line, so it can never name a path
/// outside the store; the message says what form is expected.
pub fn validate(id: &str) -> Result<(i32, u32), String> {
    parse(id)
        .ok_or_else(|| format!("`{id}` is not a change id; ids look like `CHG-2026-0042` (run `chg list` to see them)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        assert_eq!(parse("CHG-2026-0042"), Some((2026, 42)));
        assert_eq!(format(2026, 42), "CHG-2026-0042");
        assert_eq!(parse("CHG-2026-12345"), Some((2026, 12345)));
    }

    #[test]
    fn refuses_paths() {
        assert!(validate("../etc/passwd").is_err());
        assert!(validate("CHG-2026-00/1").is_err());
        assert!(validate("CHG-2026-..01").is_err());
    }
}
