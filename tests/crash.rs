//! Crash safety: chg killed with SIGKILL at random moments during new,
//! approve, rollback and renumber never leaves a broken record, a temporary
//! file, or an unusable index behind.

use std::time::Duration;

use crate::support::*;

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// Approved by Sam and in progress since 2026-11-18 02:05.
fn running(id: &str) -> Record {
    Record::normal(id)
        .approved_by_sam()
        .status("in-progress")
        .implementation(Implementation::started("2026-11-18T02:05:00Z"))
}

#[test]
fn sigkill_at_random_moments_leaves_the_store_whole() {
    let repo = Test::new();
    std::fs::write(repo.join(".gitignore"), ".home/\n").unwrap();
    repo.put(&Record::normal("CHG-2026-0001").status("submitted"));
    repo.put(&running("CHG-2026-0900"));
    repo.commit_all_at(JANE, "@1763280000 +0000", "submitted");
    let mut rng = Lcg(42);
    let mut killed = 0;
    for round in 0..40 {
        let (who, args): (Who, Vec<&str>) = match round % 4 {
            0 => (
                JANE,
                words("new --no-input --title 'killed maybe' --impact low --likelihood medium"),
            ),
            1 => (SAM, vec!["approve", "CHG-2026-0001", "--no-input"]),
            2 => (
                JANE,
                words("rollback CHG-2026-0900 --no-input --trigger error-rate --reason 5xx --started-at 2026-11-18T02:30:00Z --smoke-tests passed --error-rates normal --customer-access verified"),
            ),
            _ => (JANE, vec!["renumber", "CHG-2026-0901"]),
        };
        let mut child = spawn_group(&repo, who, &args);
        std::thread::sleep(Duration::from_millis(rng.next(40)));
        if child.try_wait().unwrap().is_none() {
            // chg and the git it runs, as a kill of the terminal's job would.
            kill_group(&child);
            killed += 1;
        }
        child.wait().unwrap();
        // A lock git left behind is reported clearly by the next run, then removed as the hint says.
        let locks: Vec<_> = [".git/index.lock", ".git/HEAD.lock", ".git/refs/heads/main.lock"]
            .iter()
            .map(|l| repo.join(l))
            .filter(|l| l.exists())
            .collect();
        if !locks.is_empty() {
            let before = std::fs::read_dir(repo.join("changes/2026")).unwrap().count();
            let run = repo.chg_line("new --no-input --title x --impact low --likelihood medium");
            assert_eq!(run.status, 2, "{run:?}");
            assert!(
                run.stderr.contains(".lock") && run.stderr.contains("delete it"),
                "{}",
                run.stderr
            );
            assert_eq!(
                std::fs::read_dir(repo.join("changes/2026")).unwrap().count(),
                before,
                "nothing written"
            );
            for lock in locks {
                std::fs::remove_file(&lock).unwrap();
            }
        }
    }
    assert!(killed > 5, "the test killed chg mid-run often enough ({killed})");
    // Every record parses (no exit 2), and the index is usable.
    let check = repo.chg(&["check", "--format", "json"]);
    assert_ne!(check.status, 2, "{check:?}");
    repo.git(&["status", "--porcelain"]);
    repo.chg_line("new --no-input --title after --impact low --likelihood medium")
        .ok();
    for dir in ["changes", "changes/2026"] {
        for entry in std::fs::read_dir(repo.join(dir)).unwrap() {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            assert!(!name.starts_with(".chg-"), "temporary file left in {dir}: {name}");
        }
    }
}

/// Spawns chg as the leader of its own process group, so a kill reaches the
/// git processes it runs too.
fn spawn_group(repo: &Repo, who: Who, args: &[&str]) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_chg"));
    let home = repo.join(".home");
    std::fs::create_dir_all(&home).unwrap();
    isolate(&mut cmd, &home);
    cmd.current_dir(repo.path())
        .env("GIT_AUTHOR_NAME", who.name)
        .env("GIT_AUTHOR_EMAIL", who.email)
        .env("GIT_COMMITTER_NAME", who.name)
        .env("GIT_COMMITTER_EMAIL", who.email)
        .env("CHG_NOW", "2026-11-18T03:00:00Z")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .process_group(0)
        .args(args);
    cmd.spawn().unwrap()
}

/// Sends SIGKILL to the child's whole process group.
fn kill_group(child: &std::process::Child) {
    let group = format!("-{}", child.id());
    let status = std::process::Command::new("kill")
        .args(["-KILL", "--", &group])
        .status();
    assert!(status.is_ok(), "cannot run kill");
}

/// Finding 13 of issue 13: a SIGKILL at any moment of `chg rollback` leaves
/// HEAD and the index in agreement, so the user's next plain `git commit`
/// never reverts what chg committed.
#[test]
fn sigkill_during_rollback_never_leaves_a_stale_index() {
    let repo = Test::new();
    std::fs::write(repo.join(".gitignore"), ".home/\n").unwrap();
    repo.commit_all_at(JANE, "@1763280000 +0000", "ignore");
    let mut rng = Lcg(7);
    let mut killed = 0;
    // How long one rollback takes here, to spread the kills over all of it.
    let mut span_ms = 40;
    for round in 0..30 {
        let id = format!("CHG-2026-{:04}", 100 + round);
        let running = running(&id);
        let rec = running.path();
        repo.put(&running);
        repo.commit_all_at(JANE, "@1763280000 +0000", "in progress");
        let started = std::time::Instant::now();
        let line = format!("rollback {id} --no-input --trigger error-rate --reason 5xx --started-at 2026-11-18T02:30:00Z --smoke-tests passed --error-rates normal --customer-access verified");
        let mut child = spawn_group(&repo, JANE, &words(&line));
        std::thread::sleep(Duration::from_millis(rng.next(span_ms)));
        if child.try_wait().unwrap().is_none() {
            // The whole process group: chg and any git it is running.
            let group = format!("-{}", child.id());
            let _ = std::process::Command::new("kill")
                .args(["-KILL", "--", &group])
                .status();
            killed += 1;
        } else {
            span_ms = span_ms.max(started.elapsed().as_millis() as u64 + 5);
        }
        child.wait().unwrap();
        for lock in [".git/index.lock", ".git/HEAD.lock", ".git/refs/heads/main.lock"] {
            let _ = std::fs::remove_file(repo.join(lock));
        }
        // The user's next commit, made with plain git, must not revert the record.
        let committed = repo.git(&["show", &format!("HEAD:{rec}")]);
        let on_disk = repo.read(&rec);
        repo.git(&["commit", "-q", "--allow-empty", "-m", "user's own commit"]);
        let after = repo.git(&["show", &format!("HEAD:{rec}")]);
        assert!(
            after == committed || after == on_disk,
            "round {round}: a plain `git commit` after the kill changed {rec} to a version chg never wrote last\n--- committed by chg\n{committed}\n--- after the user's commit\n{after}"
        );
        // Leave the record as the work tree has it, for the next round.
        repo.git(&["add", "-A"]);
        repo.git(&["commit", "-q", "--allow-empty", "-m", "settle"]);
    }
    assert!(killed > 5, "the test killed chg mid-run often enough ({killed})");
}
