//! Which paths of the store are records: the one answer to "is this a
//! record file" for the work tree and for every reader of history.

/// Returns the record id of a record path `<prefix>/<yyyy>/CHG-….yaml`, the
/// one test of "is this a record file" for every reader of history.
pub fn record_id<'a>(prefix: &str, path: &'a str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?.strip_prefix('/')?;
    let (year, name) = rest.split_once('/')?;
    if !is_year_name(year) || name.contains('/') || !is_yaml_name(name) {
        return None;
    }
    name.strip_suffix(".yaml").or_else(|| name.strip_suffix(".yml"))
}

/// Says whether a file name is one chg reads as YAML (`.yaml` or `.yml`, not hidden).
pub fn is_yaml_name(name: &str) -> bool {
    !name.starts_with('.') && (name.ends_with(".yaml") || name.ends_with(".yml"))
}

/// Says whether a folder name is a year folder of records (`2026`).
pub fn is_year_name(name: &str) -> bool {
    name.len() == 4 && name.bytes().all(|b| b.is_ascii_digit())
}
