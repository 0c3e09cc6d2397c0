//! Batch: many inputs through the pipeline in parallel, results handed back in input order.
//!
//! Takes the command line's inputs (files, folders walked recursively, `--files-from` lists,
//! `--include`/`--exclude` globs) and gives [`Job`]s; [`run`] then processes the jobs on N threads
//! and hands each job's [`Outcome`] (document, skip or error, and elapsed time) to a sink on the
//! caller's thread, in input order.
//!
//! The stages stay single-threaded; parallelism is only here, at the outermost loop. Workers take
//! the next input from a shared counter and send their result to the caller's thread, which
//! re-orders them and hands each to the sink as soon as all earlier ones are done, so output is
//! deterministic whatever the number of threads. A worker may not start an input more than
//! [`window`] places ahead of the oldest one still unfinished, so memory holds at most that many
//! finished documents waiting for a slow predecessor, however long the batch. A panic in one file
//! costs that file only. The outputs' CPU work (serialising the document) is done by the worker
//! itself, through the [`Finish`] step, so the caller's thread does not become the bottleneck.

use std::collections::BTreeMap;
use std::io::{self, BufRead};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

use crate::config::Config;
use crate::error::{Error, Result};
use crate::model::{Document, Warning};

/// One input of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Where to read it.
    pub path: PathBuf,
    /// Its path relative to the directory it was found in (or its file name), which names its
    /// output.
    pub relative: PathBuf,
}

impl Job {
    /// The job's key in outputs that need one name per input (`-o` files, the database's
    /// `documents.path`): its relative path with `/` separators.
    pub fn key(&self) -> String {
        let parts: Vec<String> = self
            .relative
            .components()
            .filter_map(|c| match c {
                std::path::Component::Normal(p) => Some(p.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect();
        parts.join("/")
    }
}

/// Whether a file is an input the tool reads when it walks a directory.
pub fn is_input_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("pdf") || e.eq_ignore_ascii_case("txt"))
}

/// `--include` / `--exclude` globs, matched against the path of a file found in a folder relative
/// to that folder (`*` also crosses `/`, so `*.txt` matches `a/b.txt`).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl Filter {
    /// A filter from glob patterns; no include pattern means every input file is included.
    pub fn new(include: &[String], exclude: &[String]) -> std::result::Result<Filter, String> {
        fn set(patterns: &[String]) -> std::result::Result<Option<GlobSet>, String> {
            if patterns.is_empty() {
                return Ok(None);
            }
            let mut builder = GlobSetBuilder::new();
            for p in patterns {
                let glob = GlobBuilder::new(p)
                    .literal_separator(false)
                    .build()
                    .map_err(|e| format!("bad glob {p:?}: {e}"))?;
                builder.add(glob);
            }
            builder
                .build()
                .map(Some)
                .map_err(|e| format!("bad globs: {e}"))
        }
        Ok(Filter {
            include: set(include)?,
            exclude: set(exclude)?,
        })
    }

    /// Whether a file found at `relative` under a walked folder is taken.
    pub fn accepts(&self, relative: &Path) -> bool {
        self.include.as_ref().is_none_or(|s| s.is_match(relative))
            && !self.exclude.as_ref().is_some_and(|s| s.is_match(relative))
    }
}

/// Expands the command line's inputs: files as given, directories walked recursively for `.pdf`
/// and `.txt` files (sorted, symlinked directories not followed).
pub fn discover(inputs: &[PathBuf]) -> io::Result<Vec<Job>> {
    discover_filtered(inputs, &Filter::default())
}

/// Like [`discover`], keeping only the files found in folders that `filter` accepts. Files named
/// explicitly are always taken: naming one is the strongest way of asking for it.
pub fn discover_filtered(inputs: &[PathBuf], filter: &Filter) -> io::Result<Vec<Job>> {
    let mut jobs = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input)
            .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", input.display())))?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(input, &mut found)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", input.display())))?;
            found.sort();
            for path in found {
                let relative = path.strip_prefix(input).unwrap_or(&path).to_path_buf();
                if filter.accepts(&relative) {
                    jobs.push(Job { path, relative });
                }
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

/// Reads a `--files-from` list: one path a line; blank lines and a trailing `\r` are ignored.
pub fn read_path_list(reader: impl BufRead) -> io::Result<Vec<PathBuf>> {
    let mut paths = Vec::new();
    for line in reader.lines() {
        let line = line?;
        let line = line.strip_suffix('\r').unwrap_or(&line);
        if !line.trim().is_empty() {
            paths.push(PathBuf::from(line));
        }
    }
    Ok(paths)
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

/// What became of one input.
#[derive(Debug)]
pub enum Output {
    /// The validated document.
    Document(Box<Document>),
    /// The validated document, freed by the [`Finish`] step once no output needs it (its JSON
    /// is in [`Outcome::rendered`] if an output does): what is left of it for the report.
    Written {
        /// Physical pages of the input, when it is a PDF.
        pages: Option<u32>,
        /// The document's warnings.
        warnings: Vec<Warning>,
    },
    /// Not processed: the outputs already hold this content (`--skip-unchanged`).
    Skipped {
        /// Hex SHA-256 of the input's bytes.
        sha256: String,
    },
}

/// The result of one job and what a report needs to know about it.
#[derive(Debug)]
pub struct Outcome {
    /// The document, the skip, or why there is neither.
    pub result: Result<Output>,
    /// Hex SHA-256 of the input's bytes, when it could be read.
    pub sha256: Option<String>,
    /// Wall-clock time spent on the job (reading, checksum, pipeline).
    pub elapsed: Duration,
    /// The document serialised for an output, when the [`Finish`] step did it on the worker.
    pub rendered: Option<String>,
}

impl Outcome {
    /// Physical pages of the input, when it was processed and is a PDF.
    pub fn pages(&self) -> Option<u32> {
        match &self.result {
            Ok(Output::Document(d)) => d.source.pages,
            Ok(Output::Written { pages, .. }) => *pages,
            _ => None,
        }
    }

    /// Elapsed time in whole milliseconds.
    pub fn millis(&self) -> u64 {
        u64::try_from(self.elapsed.as_millis()).unwrap_or(u64::MAX)
    }
}

/// Decides, from a job and the SHA-256 of its bytes, that its outputs are already up to date.
pub type Skip<'a> = dyn Fn(&Job, &str) -> bool + Sync + 'a;

/// A step run on the worker thread after an input is processed, before its outcome is handed to
/// the sink in input order: for the CPU work of the outputs (serialising a document), so that it
/// scales with the workers instead of queueing on the caller's thread.
pub type Finish<'a> = dyn Fn(&Job, &mut Outcome) + Sync + 'a;

/// A [`Finish`] that does nothing.
pub fn finish_nothing(_: &Job, _: &mut Outcome) {}

/// A [`Skip`] that skips nothing.
pub fn skip_nothing(_: &Job, _: &str) -> bool {
    false
}

/// The message a panic carried (`panic!("…")` gives a `&str` or a `String`), or "panic".
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Runs one job: reads the input, asks `skip` whether its outputs are current, and otherwise runs
/// the pipeline. A panic anywhere in it becomes an `internal_error` for that file only.
pub fn run_one(job: &Job, config: &Config, skip: &Skip<'_>) -> Outcome {
    let started = Instant::now();
    let mut sha256 = None;
    let work = || -> Result<Output> {
        let input = crate::input::Input::read(&job.path)?;
        sha256 = Some(input.sha256.clone());
        if skip(job, &input.sha256) {
            return Ok(Output::Skipped {
                sha256: input.sha256,
            });
        }
        let mut times = crate::StageTimes::default();
        crate::process_owned_timed(input, config, &mut times).map(|d| Output::Document(Box::new(d)))
    };
    let result = match catch_unwind(AssertUnwindSafe(work)) {
        Ok(result) => result,
        Err(panic) => Err(Error::Internal(panic_message(panic.as_ref()))),
    };
    Outcome {
        result,
        sha256,
        elapsed: started.elapsed(),
        rendered: None,
    }
}

/// Lets glibc's allocator reuse the memory of large blocks.
///
/// glibc serves blocks over 128 KiB with `mmap` and unmaps them when they are freed (it raises
/// that threshold as it goes, up to 32 MiB). The bytes of an input are such a block: freed once
/// the text is read, they went back to the kernel, and the document built next touched as many
/// fresh pages again (the 506-page benchmark file: 1,100 of its 6,400 page faults; first-touched
/// memory costs about 1.6 µs a page on the virtual machines we measured). Serving blocks up to
/// 32 MiB from the heap, and keeping up to 64 MiB of free heap instead of returning it, lets the
/// next allocations reuse that memory. Larger inputs are still mapped and unmapped as before.
///
/// For a program that converts many files: call it once at start, before any thread is spawned.
/// Does nothing except on Linux with glibc.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        const MMAP_THRESHOLD: libc::c_int = 32 << 20;
        const TRIM_THRESHOLD: libc::c_int = 64 << 20;
        // SAFETY: mallopt takes two integers and only adjusts the allocator's parameters (under
        // its own lock); it is called before any other thread exists. A refused value (it returns
        // 0) leaves glibc's default in place, which is correct too.
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            libc::mallopt(libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD);
        }
    }
}

/// How many inputs ahead of the one being started the kernel is asked to read, per worker.
const READ_AHEAD_PER_THREAD: usize = 4;

/// Most bytes of one input the kernel is asked to read ahead (the read itself takes the rest).
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
const READ_AHEAD_BYTES: u64 = 64 << 20;

/// Asks the kernel to start reading `path` into its page cache, and returns at once. An archive
/// being converted is rarely in the cache: without the hint every worker waits on the disk at the
/// start of each file, with it the disk works while the workers compute. Only regular files are
/// opened: opening a named pipe would wait for a writer, and closing it again would break the pipe
/// for the read that comes later. Best effort: a file that cannot be opened here is reported by
/// the read itself.
fn read_ahead(path: &Path) {
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
            return;
        }
        // Non-blocking in case the path became a pipe since the check (the hint then fails).
        if let Ok(file) = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
            .open(path)
        {
            let _ = rustix::fs::fadvise(
                &file,
                0,
                std::num::NonZeroU64::new(READ_AHEAD_BYTES),
                rustix::fs::Advice::WillNeed,
            );
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = path;
}

/// How many inputs past the oldest unfinished one workers may start: enough that a slow file does
/// not stall the others for long, few enough that the documents waiting behind it stay a small,
/// fixed amount of memory.
pub fn window(threads: usize) -> usize {
    threads.max(1) * 4
}

/// Where the workers and the caller's thread meet: the next input to start, the oldest one not yet
/// handed to the sink, and whether the caller has stopped listening.
struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
}

struct GateState {
    next: usize,
    due: usize,
    stopped: bool,
}

impl Gate {
    fn lock(&self) -> MutexGuard<'_, GateState> {
        // A poisoned lock only means another thread panicked while holding it; the counters are
        // still consistent (every update is a single assignment).
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Tells the workers to stop when the caller's loop ends, also by unwinding, so that
/// `thread::scope` never waits for a worker blocked on the gate.
struct StopOnDrop<'a>(&'a Gate);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.lock().stopped = true;
        self.0.moved.notify_all();
    }
}

/// Processes `jobs` on `threads` worker threads and calls `sink` for each, in input order.
/// `skip` is asked about each input once its checksum is known (see [`run_one`]); `finish` runs
/// on the worker thread with each outcome before it is queued for the sink.
pub fn run<F>(
    jobs: &[Job],
    config: &Config,
    threads: usize,
    skip: &Skip<'_>,
    finish: &Finish<'_>,
    mut sink: F,
) where
    F: FnMut(usize, &Job, Outcome),
{
    let threads = threads.clamp(1, jobs.len().max(1));
    let ahead = threads * READ_AHEAD_PER_THREAD;
    for job in jobs.iter().take(ahead) {
        read_ahead(&job.path);
    }
    // Input `i` starts: the one `ahead` places later is asked for (each once).
    let finished = |i: usize| {
        if let Some(later) = jobs.get(i + ahead) {
            read_ahead(&later.path);
        }
        let job = &jobs[i];
        let mut outcome = run_one(job, config, skip);
        finish(job, &mut outcome);
        outcome
    };
    if threads == 1 {
        // One job means one thread: no worker to hand off to, so `-j 1` uses one core (a CI
        // runner with a one-CPU quota is not throttled) and the order is the input order as is.
        for (i, job) in jobs.iter().enumerate() {
            sink(i, job, finished(i));
        }
        return;
    }
    let window = window(threads);
    let gate = Gate {
        state: Mutex::new(GateState {
            next: 0,
            due: 0,
            stopped: false,
        }),
        moved: Condvar::new(),
    };
    let (tx, rx) = mpsc::channel::<(usize, Outcome)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let gate = &gate;
            scope.spawn(move || {
                loop {
                    let i = {
                        let mut state = gate.lock();
                        while !state.stopped && state.next >= state.due + window {
                            state = gate.moved.wait(state).unwrap_or_else(|p| p.into_inner());
                        }
                        if state.stopped || state.next >= jobs.len() {
                            break;
                        }
                        state.next += 1;
                        state.next - 1
                    };
                    if tx.send((i, finished(i))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let _stop = StopOnDrop(&gate);
        // Idle until the first result arrives: build what every worker will soon need.
        crate::warm_up();
        let mut waiting: BTreeMap<usize, Outcome> = BTreeMap::new();
        let mut due = 0;
        for (i, outcome) in rx {
            waiting.insert(i, outcome);
            let before = due;
            while let Some(outcome) = waiting.remove(&due) {
                sink(due, &jobs[due], outcome);
                due += 1;
            }
            if due != before {
                gate.lock().due = due;
                gate.moved.notify_all();
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn discovers_directories_recursively_in_order() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("b")).unwrap();
        for name in ["b/z.txt", "a.pdf", "notes.md", "c.TXT"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let jobs = discover(&[dir.path().to_path_buf()]).unwrap();
        let rel: Vec<_> = jobs.iter().map(Job::key).collect();
        assert_eq!(rel, ["a.pdf", "b/z.txt", "c.TXT"]);
    }

    #[test]
    fn include_and_exclude_globs_filter_walked_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("drafts")).unwrap();
        for name in ["drafts/x.txt", "a.pdf", "b.txt"] {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        let filter = Filter::new(&["*.txt".into()], &["drafts/**".into()]).unwrap();
        let jobs = discover_filtered(&[dir.path().to_path_buf()], &filter).unwrap();
        let rel: Vec<_> = jobs.iter().map(Job::key).collect();
        assert_eq!(rel, ["b.txt"]);
        assert!(Filter::new(&["a[".into()], &[]).is_err());
    }

    #[test]
    fn path_lists_skip_blank_lines() {
        let list = "a.txt\r\n\n  \nsub/b.pdf\n";
        let paths = read_path_list(list.as_bytes()).unwrap();
        assert_eq!(paths, [PathBuf::from("a.txt"), PathBuf::from("sub/b.pdf")]);
    }

    /// Text inputs `00.txt`, `01.txt`, … in `dir`, input `i` holding `text(i)`.
    fn numbered_inputs(
        dir: &Path,
        count: usize,
        text: impl Fn(usize) -> &'static str,
    ) -> Vec<PathBuf> {
        (0..count)
            .map(|i| {
                let p = dir.join(format!("{i:02}.txt"));
                std::fs::write(&p, text(i)).unwrap();
                p
            })
            .collect()
    }

    #[test]
    fn results_come_back_in_order_whatever_the_threads() {
        let dir = tempfile::tempdir().unwrap();
        let paths = numbered_inputs(dir.path(), 40, |i| if i % 3 == 0 { "" } else { "x" });
        let jobs = discover(&paths).unwrap();
        for threads in [1, 4] {
            let mut seen = Vec::new();
            run(
                &jobs,
                &Config::default(),
                threads,
                &skip_nothing,
                &finish_nothing,
                |i, _, o| seen.push((i, o.result.is_ok())),
            );
            assert_eq!(
                seen.iter().map(|s| s.0).collect::<Vec<_>>(),
                (0..40).collect::<Vec<_>>()
            );
            assert!(seen.iter().filter(|s| s.0 % 3 == 0).all(|s| !s.1));
        }
    }

    #[test]
    fn an_input_gone_before_its_turn_is_reported_and_the_others_converted() {
        // The read-ahead hint for a file deleted after discovery fails quietly; the read reports
        // it, for that input only, in its place.
        let dir = tempfile::tempdir().unwrap();
        let paths = numbered_inputs(dir.path(), 12, |_| "x");
        let jobs = discover(&paths).unwrap();
        std::fs::remove_file(&paths[0]).unwrap();
        std::fs::remove_file(&paths[9]).unwrap();
        for threads in [1, 2] {
            let mut failed = Vec::new();
            let mut seen = 0;
            run(
                &jobs,
                &Config::default(),
                threads,
                &skip_nothing,
                &finish_nothing,
                |i, _, o| {
                    assert_eq!(i, seen);
                    seen += 1;
                    if let Err(e) = &o.result {
                        assert!(matches!(e, Error::Io(_)), "{e:?}");
                        failed.push(i);
                    }
                },
            );
            assert_eq!(seen, 12);
            assert_eq!(failed, [0, 9], "{threads} threads");
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_named_pipe_among_the_inputs_is_read_once_by_the_read_itself() {
        // The read-ahead must not open the pipe: it would wait for the writer, then close the
        // only reader, and the writer's data would be lost while the real read waited forever.
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("issue.txt");
        use rustix::fs::{CWD, FileType, Mode, mknodat};
        mknodat(CWD, &fifo, FileType::Fifo, Mode::RUSR | Mode::WUSR, 0).unwrap();
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("fixtures/2021-13/2021-13.utf8.txt"),
        )
        .unwrap();
        let writer_path = fifo.clone();
        let writer = std::thread::spawn(move || {
            let mut pipe = std::fs::OpenOptions::new().write(true).open(writer_path)?;
            pipe.write_all(text.as_bytes())
        });
        let jobs = discover(std::slice::from_ref(&fifo)).unwrap();
        let (done, result) = mpsc::channel();
        std::thread::spawn(move || {
            let mut issue = None;
            run(
                &jobs,
                &Config::default(),
                1,
                &skip_nothing,
                &finish_nothing,
                |_, _, o| {
                    issue = match &o.result {
                        Ok(Output::Document(d)) => d.bulletin.issue,
                        _ => None,
                    }
                },
            );
            let _ = done.send(issue);
        });
        let issue = result
            .recv_timeout(Duration::from_secs(20))
            .expect("the batch finishes");
        assert_eq!(issue, Some(13));
        assert!(writer.join().unwrap().is_ok(), "the writer's data was read");
    }

    #[test]
    fn skipped_inputs_are_not_processed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("empty.txt");
        std::fs::write(&p, "").unwrap();
        let jobs = discover(&[p]).unwrap();
        let mut seen = Vec::new();
        run(
            &jobs,
            &Config::default(),
            2,
            &|_, _| true,
            &finish_nothing,
            |_, _, o| seen.push(matches!(o.result, Ok(Output::Skipped { .. }))),
        );
        assert_eq!(seen, [true]);
    }

    #[test]
    fn workers_stay_within_the_window_of_the_oldest_unfinished_input() {
        // The sink is slow on input 0, so workers would race ahead without the gate; the skip
        // hook sees every start and records how far ahead of the sink it is.
        let dir = tempfile::tempdir().unwrap();
        let paths = numbered_inputs(dir.path(), 60, |_| "x");
        let jobs = discover(&paths).unwrap();
        let delivered = AtomicUsize::new(0);
        let ahead = AtomicUsize::new(0);
        let skip = |job: &Job, _: &str| {
            let i: usize = job.key()[..2].parse().unwrap();
            let d = delivered.load(Ordering::SeqCst);
            ahead.fetch_max(i.saturating_sub(d), Ordering::SeqCst);
            true
        };
        run(
            &jobs,
            &Config::default(),
            3,
            &skip,
            &finish_nothing,
            |i, _, _| {
                std::thread::sleep(Duration::from_millis(2));
                delivered.store(i + 1, Ordering::SeqCst);
            },
        );
        assert!(ahead.load(Ordering::SeqCst) < window(3), "{ahead:?}");
    }
}
