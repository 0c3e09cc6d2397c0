//! Batch: many inputs through the pipeline in parallel, results handed back in input order.
//!
//! The stages stay single-threaded; parallelism is only here, at the outermost loop. Workers take
//! the next input from a shared counter and send their result to the caller's thread, which
//! re-orders them and hands each to the sink as soon as all earlier ones are done, so output is
//! deterministic whatever the number of threads, and memory holds only the results that wait for a
//! slower predecessor, not the whole batch. A panic in one file costs that file only.

use std::collections::BTreeMap;
use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::Document;

/// One input of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Where to read it.
    pub path: PathBuf,
    /// Its path relative to the directory it was found in (or its file name), which names its
    /// output.
    pub relative: PathBuf,
}

/// Whether a file is an input the tool reads when it walks a directory.
pub fn is_input_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf") || e.eq_ignore_ascii_case("txt"))
}

/// Expands the command line's inputs: files as given, directories walked recursively for `.pdf`
/// and `.txt` files (sorted, symlinked directories not followed).
pub fn discover(inputs: &[PathBuf]) -> io::Result<Vec<Job>> {
    let mut jobs = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", input.display())))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found)?;
            found.sort();
            for path in found {
                let relative = path.strip_prefix(input).unwrap_or(&path).to_path_buf();
                jobs.push(Job { path, relative });
            }
        } else {
            let relative = PathBuf::from(input.file_name().unwrap_or(input.as_os_str()));
            jobs.push(Job {
                path: input.clone(),
                relative,
            });
        }
    }
    Ok(jobs)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            walk(&path, out)?;
        } else if kind.is_file() && is_input_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// Runs one job, turning a panic into an `internal_error` for that file.
pub fn run_one(job: &Job, config: &Config) -> Result<Document> {
    match catch_unwind(AssertUnwindSafe(|| crate::process(&job.path, config))) {
        Ok(result) => result,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "panic".into());
            Err(Error::Internal(what))
        }
    }
}

/// Processes `jobs` on `threads` worker threads and calls `sink` for each, in input order.
pub fn run<F>(jobs: &[Job], config: &Config, threads: usize, mut sink: F)
where
    F: FnMut(usize, &Job, Result<Document>),
{
    let threads = threads.clamp(1, jobs.len().max(1));
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, Result<Document>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    if tx.send((i, run_one(job, config))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting: BTreeMap<usize, Result<Document>> = BTreeMap::new();
        let mut due = 0;
        for (i, result) in rx {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&due) {
                sink(due, &jobs[due], result);
                due += 1;
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovers_directories_recursively_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b")).unwrap();
        for name in ["b/z.txt", "a.pdf", "notes.md", "c.TXT"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let jobs = discover(&[dir.path().to_path_buf()]).unwrap();
        let rel: Vec<_> = jobs
            .iter()
            .map(|j| j.relative.to_string_lossy().into_owned())
            .collect();
        assert_eq!(rel, ["a.pdf", "b/z.txt", "c.TXT"]);
    }

    #[test]
    fn results_come_back_in_order_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        let mut paths = Vec::new();
        for i in 0..12 {
            let p = dir.path().join(format!("{i:02}.txt"));
            std::fs::write(&p, if i % 3 == 0 { "" } else { "x" }).unwrap();
            paths.push(p);
        }
        let jobs = discover(&paths).unwrap();
        for threads in [1, 4] {
            let mut seen = Vec::new();
            run(&jobs, &Config::default(), threads, |i, _, r| {
                seen.push((i, r.is_ok()))
            });
            assert_eq!(
                seen.iter().map(|s| s.0).collect::<Vec<_>>(),
                (0..12).collect::<Vec<_>>()
            );
            assert!(seen.iter().filter(|s| s.0 % 3 == 0).all(|s| !s.1));
        }
    }
}
