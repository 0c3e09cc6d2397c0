//! The floor of a lopdf-based extractor: read every file, load it with lopdf and inflate every
//! stream, single-threaded, in one process. Nothing is kept; the point is the time.
//!
//! ```sh
//! cargo run --release --example floor -- bench/corpus/small      # folders walked for .pdf
//! cargo run --release --example floor -- a.pdf b.pdf
//! cargo run --release --example floor -- -j 2 bench/corpus/small # files shared by 2 threads
//! ```
//!
//! With `-j N` the files are shared out to N threads (each takes the next file when it is done):
//! the same work with nothing shared between the threads but the input list, so its speed-up over
//! one thread is what the machine allows for this kind of work (memory-bound parsing), the yardstick
//! for `bulletin ingest -j N`.
//!
//! Prints one summary line on stdout:
//! `floor files=N pages=P streams=S undecodable=U inflated_bytes=B seconds=T failed=F`.
//! Files lopdf cannot load are counted in `failed` (and named on stderr); streams whose filters
//! lopdf cannot decode (images in DCT, JBIG2, …) are counted in `undecodable`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use lopdf::{Document, Object};

fn main() -> ExitCode {
    let mut args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let mut threads = 1;
    if args.first().is_some_and(|a| a == "-j") {
        match args.get(1).and_then(|n| n.to_str()?.parse::<usize>().ok()) {
            Some(n) if n > 0 => threads = n,
            _ => {
                eprintln!("floor: -j needs a number of threads");
                return ExitCode::from(2);
            }
        }
        args.drain(..2);
    }
    if args.is_empty() {
        eprintln!("usage: floor [-j N] FILE.pdf|DIR...");
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    for arg in &args {
        if let Err(e) = collect_pdfs(arg, &mut files) {
            eprintln!("floor: {}: {e}", arg.display());
            return ExitCode::from(2);
        }
    }

    let started = Instant::now();
    let next = AtomicUsize::new(0);
    let work = || {
        let mut totals = Totals::default();
        while let Some(file) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
            match floor_one(file, &mut totals) {
                Ok(()) => totals.files += 1,
                Err(e) => {
                    totals.failed += 1;
                    eprintln!("floor: {}: {e}", file.display());
                }
            }
        }
        totals
    };
    let totals = if threads == 1 {
        work()
    } else {
        std::thread::scope(|scope| {
            let running: Vec<_> = (0..threads).map(|_| scope.spawn(work)).collect();
            running
                .into_iter()
                .map(|t| t.join().unwrap_or_default())
                .fold(Totals::default(), Totals::add)
        })
    };
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "floor files={} pages={} streams={} undecodable={} inflated_bytes={} seconds={seconds:.4} failed={}",
        totals.files,
        totals.pages,
        totals.streams,
        totals.undecodable,
        totals.inflated_bytes,
        totals.failed
    );
    if totals.failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

#[derive(Debug, Default)]
struct Totals {
    files: usize,
    failed: usize,
    pages: usize,
    streams: usize,
    undecodable: usize,
    inflated_bytes: usize,
}

impl Totals {
    fn add(self, other: Totals) -> Totals {
        Totals {
            files: self.files + other.files,
            failed: self.failed + other.failed,
            pages: self.pages + other.pages,
            streams: self.streams + other.streams,
            undecodable: self.undecodable + other.undecodable,
            inflated_bytes: self.inflated_bytes + other.inflated_bytes,
        }
    }
}

/// Loads one file and inflates each of its streams, adding to `totals`.
fn floor_one(path: &Path, totals: &mut Totals) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    let doc = Document::load_mem(&bytes).map_err(|e| e.to_string())?;
    totals.pages += doc.get_pages().len();
    for object in doc.objects.values() {
        if let Object::Stream(stream) = object {
            totals.streams += 1;
            match stream.decompressed_content() {
                Ok(content) => totals.inflated_bytes += std::hint::black_box(content).len(),
                Err(_) => totals.undecodable += 1,
            }
        }
    }
    Ok(())
}

/// Adds `path` if it is a file, or the `.pdf` files under it (sorted) if it is a folder.
fn collect_pdfs(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if !path.is_dir() {
        out.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    for entry in entries {
        if entry.is_dir() {
            collect_pdfs(&entry, out)?;
        } else if entry
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("pdf"))
        {
            out.push(entry);
        }
    }
    Ok(())
}
