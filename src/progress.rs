//! A progress line on stderr for work that takes longer than a moment:
//! only on a terminal, never with `--quiet`, and only once the work has
//! run for a while, so quick commands print nothing extra.

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long work runs before its progress shows; `CHG_PROGRESS_DELAY_MS`
/// changes it (the terminal tests set 0).
const DEFAULT_DELAY: Duration = Duration::from_millis(800);

/// Counts units of work (commits, records) under a label.
pub struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    delay: Duration,
    shown: bool,
}

impl Progress {
    /// Starts counting `unit`s (e.g. "commits changing records") of the
    /// work `label` names; shown only when `shown` (the caller's context
    /// says: a terminal, and no `--quiet`).
    pub fn new(label: &str, unit: &str, shown: bool) -> Progress {
        let bar = shown.then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            let template = format!("{{spinner}} {label}: {{human_pos}} {unit} ({{per_sec}}, {{elapsed}})");
            if let Ok(style) = ProgressStyle::with_template(&template) {
                bar.set_style(style);
            }
            bar
        });
        let delay = std::env::var("CHG_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(DEFAULT_DELAY, Duration::from_millis);
        Progress {
            bar,
            started: Instant::now(),
            delay,
            shown: false,
        }
    }

    /// Counts `n` more units; shows the line once the delay has passed.
    pub fn add(&mut self, n: u64) {
        let Some(bar) = &self.bar else { return };
        bar.inc(n);
        if !self.shown && self.started.elapsed() >= self.delay {
            self.shown = true;
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }
}

impl Drop for Progress {
    /// Clears the line, so the command's own output starts on a clean line.
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
