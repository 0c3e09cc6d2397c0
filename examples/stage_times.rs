//! Where the pipeline's time goes: runs every file through `bulletin::process_path_timed`
//! (single-threaded), writes each document as the CLI's `-o` does (JSON, atomic write), and prints
//! the time of each stage summed over the files.
//!
//! ```sh
//! cargo run --release --example stage_times -- [--repeat N] [--out DIR] bench/corpus/small
//! ```
//!
//! With `--repeat N` the whole set is processed N times and each stage's median is reported.
//! Documents go to `--out DIR` (default: a temporary folder, removed at the end). Prints a table
//! on stdout and, as its last line, the same numbers in one machine-readable line:
//! `stages files=N failed=F pages=P read=S extract=S clean=S structure=S entries=S validate=S
//! write=S total=S` (seconds).

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bulletin::{Config, StageTimes, emit};

const STAGES: [&str; 7] = [
    "read",
    "extract",
    "clean",
    "structure",
    "entries",
    "validate",
    "write",
];

fn main() -> ExitCode {
    // As the binary does, so that the stages cost here what they cost in `bulletin ingest`.
    bulletin::batch::tune_allocator();
    let mut repeat = 1usize;
    let mut out: Option<PathBuf> = None;
    let mut inputs = Vec::new();
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--repeat") => match args.next().and_then(|v| v.to_str()?.parse().ok()) {
                Some(n) if n > 0 => repeat = n,
                _ => return usage("--repeat needs a positive number"),
            },
            Some("--out") => match args.next() {
                Some(dir) => out = Some(PathBuf::from(dir)),
                None => return usage("--out needs a folder"),
            },
            Some("-h" | "--help") => return usage(""),
            _ => inputs.push(PathBuf::from(arg)),
        }
    }
    if inputs.is_empty() {
        return usage("no input");
    }
    let mut files = Vec::new();
    for input in &inputs {
        if let Err(e) = collect_pdfs(input, &mut files) {
            eprintln!("stage_times: {}: {e}", input.display());
            return ExitCode::from(2);
        }
    }
    let temporary = out.is_none();
    let out = out.unwrap_or_else(|| {
        std::env::temp_dir().join(format!("bulletin-stage-times-{}", std::process::id()))
    });
    if let Err(e) = std::fs::create_dir_all(&out) {
        eprintln!("stage_times: cannot create {}: {e}", out.display());
        return ExitCode::from(2);
    }

    let config = Config::default();
    let mut runs: Vec<[f64; 7]> = Vec::with_capacity(repeat);
    let (mut failed, mut pages) = (0usize, 0u64);
    for run in 0..repeat {
        let mut times = StageTimes::default();
        let mut write = Duration::ZERO;
        for file in &files {
            match bulletin::process_path_timed(file, &config, &mut times) {
                Ok(doc) => {
                    let started = Instant::now();
                    let name = file.file_name().unwrap_or(file.as_os_str());
                    // A folder per run: replacing the files of the run before would time the
                    // file system freeing their blocks, not this run's write.
                    let path = emit::output_path(&out.join(format!("run-{run}")), Path::new(name));
                    let json = emit::to_json(&doc, false);
                    if let Err(e) = emit::write_atomic(&path, json.as_bytes()) {
                        eprintln!("stage_times: cannot write {}: {e}", path.display());
                    }
                    write += started.elapsed();
                    if run == 0 {
                        pages += u64::from(doc.source.pages.unwrap_or(0));
                    }
                }
                Err(e) => {
                    if run == 0 {
                        failed += 1;
                        eprintln!("stage_times: {}: {e}", file.display());
                    }
                }
            }
        }
        runs.push([
            times.read.as_secs_f64(),
            times.extract.as_secs_f64(),
            times.clean.as_secs_f64(),
            times.structure.as_secs_f64(),
            times.entries.as_secs_f64(),
            times.validate.as_secs_f64(),
            write.as_secs_f64(),
        ]);
    }
    if temporary {
        let _ = std::fs::remove_dir_all(&out);
    }

    let medians: Vec<f64> = (0..STAGES.len())
        .map(|i| median(runs.iter().map(|r| r[i]).collect()))
        .collect();
    let total: f64 = medians.iter().sum();
    println!(
        "{} files ({failed} failed), {pages} pages, median of {repeat} run(s), single-threaded",
        files.len()
    );
    println!("{:<10} {:>10} {:>7}", "stage", "seconds", "share");
    for (name, secs) in STAGES.iter().zip(&medians) {
        let share = if total > 0.0 {
            secs / total * 100.0
        } else {
            0.0
        };
        println!("{name:<10} {secs:>10.4} {share:>6.1}%");
    }
    println!("{:<10} {total:>10.4} {:>6.1}%", "total", 100.0);
    let fields: Vec<String> = STAGES
        .iter()
        .zip(&medians)
        .map(|(name, secs)| format!("{name}={secs:.4}"))
        .collect();
    println!(
        "stages files={} failed={failed} pages={pages} {} total={total:.4}",
        files.len(),
        fields.join(" ")
    );
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(problem: &str) -> ExitCode {
    if !problem.is_empty() {
        eprintln!("stage_times: {problem}");
    }
    eprintln!("usage: stage_times [--repeat N] [--out DIR] FILE.pdf|DIR...");
    ExitCode::from(2)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
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
