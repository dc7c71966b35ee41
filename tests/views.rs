//! Issue 14, one pipeline: every command builds a view of its result and
//! one function prints it in the format asked for (`render::print_view`),
//! as the reports do; no command chooses its output by the format.

/// A command that matches on `--format` prints itself: every new format
/// then means editing each command, and their outputs drift apart.
#[test]
fn no_command_matches_on_the_format() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("src/commands")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    let mut found = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).expect("a command file");
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            let arm = code.contains("Format::") && code.contains("=>");
            let test = [
                "match format",
                "match app.format",
                "format == Format::",
                "format != Format::",
            ]
            .iter()
            .any(|p| code.contains(p));
            if arm || test {
                let name = path.file_name().unwrap_or_default().to_string_lossy();
                found.push(format!("{name}:{}: {}", i + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "commands choosing their output by format:\n{}",
        found.join("\n")
    );
}

/// The time is read once, into the context (`App.now`), and passed down:
/// a commit, a record's times and every deadline of one run agree. Two
/// exceptions: the gate's polls (a gate that waits judges each poll at its
/// own time) and the fuzz targets' entry point, which runs without an `App`.
#[test]
fn only_the_context_reads_the_clock() {
    fn visit(dir: &std::path::Path, found: &mut Vec<String>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("a source folder")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                visit(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                if text.contains("clock::now()") {
                    found.push(path.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut found = Vec::new();
    visit(&src, &mut found);
    let found: Vec<&str> = found.iter().filter_map(|p| p.split("/src/").last()).collect();
    assert_eq!(found, ["commands/gate.rs", "context.rs", "fuzzing.rs"]);
}
