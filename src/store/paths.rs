//! Which paths of the store are records: the one answer to "is this a
//! record file" for the work tree and for every reader of history.

/// The endings of the files chg reads as YAML; chg names new files with the first.
pub const YAML_ENDINGS: [&str; 2] = [".yaml", ".yml"];

/// Returns the record id of a record path `<prefix>/<yyyy>/CHG-….yaml` (or
/// `.yml`), the one test of "is this a record file" for every reader of
/// the work tree and of history.
pub fn record_id<'a>(prefix: &str, path: &'a str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?.strip_prefix('/')?;
    let (year, name) = rest.split_once('/')?;
    if !is_year_name(year) || name.contains('/') {
        return None;
    }
    yaml_stem(name)
}

/// Returns a YAML file's name without its ending (`CHG-2026-0001` of
/// `CHG-2026-0001.yml`); `None` for a hidden file or one of another kind.
pub fn yaml_stem(name: &str) -> Option<&str> {
    if name.starts_with('.') {
        return None;
    }
    YAML_ENDINGS.iter().find_map(|ending| name.strip_suffix(ending))
}

/// Returns the ending of a YAML file's name (`.yml`), else the one chg writes.
pub fn yaml_ending(name: &str) -> &'static str {
    YAML_ENDINGS
        .into_iter()
        .find(|ending| name.ends_with(ending))
        .unwrap_or(YAML_ENDINGS[0])
}

/// Says whether a file name is one chg reads as YAML (`.yaml` or `.yml`, not hidden).
pub fn is_yaml_name(name: &str) -> bool {
    yaml_stem(name).is_some()
}

/// Says whether a folder name is a year folder of records (`2026`).
pub fn is_year_name(name: &str) -> bool {
    name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_a_yaml_file_in_a_year_folder_of_the_store() {
        assert_eq!(
            record_id("changes", "changes/2026/CHG-2026-0006.yml"),
            Some("CHG-2026-0006")
        );
        assert_eq!(
            record_id("changes", "changes/2026/CHG-2026-0006.yaml"),
            Some("CHG-2026-0006")
        );
        for other in [
            "changes/2026/.CHG-2026-0006.yaml",
            "changes/2026/CHG-2026-0006.json",
            "changes/26/CHG-2026-0006.yaml",
            "changes/2026/x/CHG-2026-0006.yaml",
            "changes/policy.yaml",
            "other/2026/CHG-2026-0006.yaml",
        ] {
            assert_eq!(record_id("changes", other), None, "{other}");
        }
    }
}
