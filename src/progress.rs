//! Progress of a batch on stderr: takes each finished input (and its pages) and gives an indicatif
//! bar (files, pages/s, ETA) when stderr is a terminal, a plain line every few seconds when it is
//! not (a CI log, a file), or nothing with `--quiet`. Diagnostics go through [`Progress::println`]
//! so that they do not tear the bar.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a plain progress line is printed when stderr is not a terminal.
pub const PLAIN_INTERVAL: Duration = Duration::from_secs(5);

enum Mode {
    Bar(ProgressBar),
    Plain { last: Instant, json: bool },
    Quiet,
}

/// The progress display of one batch.
pub struct Progress {
    mode: Mode,
    total: usize,
    done: usize,
    pages: u64,
    started: Instant,
}

impl Progress {
    /// A display for `total` inputs: a bar on a terminal, plain lines (JSON objects with `json`)
    /// elsewhere, nothing when `quiet`.
    pub fn new(total: usize, quiet: bool, json: bool) -> Progress {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(
                Some(total as u64),
                ProgressDrawTarget::stderr_with_hz(4),
            );
            let style = ProgressStyle::with_template(
                // Short enough for an 80-column terminal: a wrapped bar cannot be redrawn in place.
                "{bar:20} {pos}/{len} files  {msg}  ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(250));
            Mode::Bar(bar)
        } else {
            Mode::Plain {
                last: Instant::now(),
                json,
            }
        };
        Progress {
            mode,
            total,
            done: 0,
            pages: 0,
            started: Instant::now(),
        }
    }

    fn rates(&self) -> (f64, f64) {
        let secs = self.started.elapsed().as_secs_f64().max(1e-3);
        (self.done as f64 / secs, self.pages as f64 / secs)
    }

    /// Counts one finished input with its pages.
    pub fn advance(&mut self, pages: u32) {
        self.done += 1;
        self.pages += u64::from(pages);
        let (files_per_s, pages_per_s) = self.rates();
        match &mut self.mode {
            Mode::Bar(bar) => {
                bar.set_message(format!(
                    "{pages_per_s:.0} pages/s, {files_per_s:.1} files/s"
                ));
                bar.inc(1);
            }
            Mode::Plain { last, json } => {
                if last.elapsed() < PLAIN_INTERVAL {
                    return;
                }
                *last = Instant::now();
                let line = if *json {
                    serde_json::json!({"progress": {
                        "done": self.done, "files": self.total, "pages": self.pages,
                        "pages_per_second": (pages_per_s * 10.0).round() / 10.0,
                        "seconds": self.started.elapsed().as_secs(),
                    }})
                    .to_string()
                } else {
                    plain_line(
                        self.done,
                        self.total,
                        self.pages,
                        pages_per_s,
                        files_per_s,
                        self.started.elapsed(),
                    )
                };
                eprintln!("{line}");
            }
            Mode::Quiet => {}
        }
    }

    /// Prints a diagnostic line on stderr, above the bar when there is one. Printed even when
    /// quiet: `--quiet` silences progress and the summary, not failures.
    pub fn println(&self, line: &str) {
        match &self.mode {
            Mode::Bar(bar) => bar.suspend(|| eprintln!("{line}")),
            _ => eprintln!("{line}"),
        }
    }

    /// Removes the bar (the summary line replaces it).
    pub fn finish(&self) {
        if let Mode::Bar(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }
}

/// A plain progress line: `bulletin: 120/2000 files (6%), 0 pages, 0.0 pages/s, 24.0 files/s, 5 s, ETA 78 s`.
fn plain_line(
    done: usize,
    total: usize,
    pages: u64,
    pages_per_s: f64,
    files_per_s: f64,
    elapsed: Duration,
) -> String {
    let percent = (done * 100).checked_div(total).unwrap_or(100);
    let eta = if files_per_s > 0.0 {
        format!("{:.0} s", (total - done.min(total)) as f64 / files_per_s)
    } else {
        "?".into()
    };
    format!(
        "bulletin: {done}/{total} files ({percent}%), {pages} pages, {pages_per_s:.1} pages/s, \
         {files_per_s:.1} files/s, {} s, ETA {eta}",
        elapsed.as_secs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_line_has_counts_rate_and_eta() {
        let line = plain_line(50, 200, 500, 100.0, 10.0, Duration::from_secs(5));
        assert_eq!(
            line,
            "bulletin: 50/200 files (25%), 500 pages, 100.0 pages/s, 10.0 files/s, 5 s, ETA 15 s"
        );
    }
}
