//! The `bulletin` command: a thin layer over the library. It parses arguments, runs the batch,
//! writes each document where asked, reports failures as `path: reason`, and maps the outcome to
//! an exit code (0 all inputs ok, 1 some input failed, 2 usage error).

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use bulletin::input::Encoding;
use bulletin::{Config, batch, emit, validate};

const AFTER_HELP: &str = "\
Exit codes:
  0  every input was converted (or, for validate, every document is valid)
  1  one or more inputs failed; each is reported on stderr as `path: reason`,
     and every other input is still written
  2  usage error (bad option, missing argument, unreadable output directory)

Examples:
  bulletin ingest -o out/ fixtures/            convert a folder, one JSON file per input
  bulletin ingest issue.pdf > issue.jsonl      one JSON document per line on stdout
  bulletin validate out/*.json                 check documents against the schema
  bulletin schema > bulletin.schema.json       print the JSON Schema of the output";

/// Turns Chinese bulletin PDFs (简报, 动态监测报告) and their text extractions into validated,
/// structured JSON: cover metadata, table of contents, sections, entries with dates, links and
/// document titles, and the colophon.
#[derive(Parser, Debug)]
#[command(name = "bulletin", version, after_help = AFTER_HELP)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Convert bulletins (PDF or text files, or folders of them) to JSON documents.
    #[command(after_help = AFTER_HELP)]
    Ingest(IngestArgs),
    /// Check JSON documents against the output schema.
    Validate {
        /// Documents to check (one JSON document per file, or JSON Lines).
        #[arg(required = true, value_name = "FILE.json")]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema (2020-12) that every emitted document satisfies.
    Schema,
}

#[derive(Args, Debug)]
struct IngestArgs {
    /// Input files (.pdf, .txt) or folders, walked recursively for .pdf and .txt files.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Write one <name>.json per input into DIR (mirroring sub-folders of input folders), each
    /// atomically. Without it, documents go to stdout, one per line (JSON Lines).
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Indent the JSON (with -o; stdout stays one document per line).
    #[arg(long)]
    pretty: bool,
    /// Encoding of text inputs.
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    encoding: EncodingArg,
    /// Password for encrypted PDFs (the empty password is always tried first).
    #[arg(long, value_name = "PASSWORD")]
    password: Option<String>,
    /// Keep running headers, footers and page numbers in the text (for debugging).
    #[arg(long)]
    keep_furniture: bool,
    /// Number of files processed in parallel (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    jobs: Option<usize>,
    /// Give up on a file after this many seconds (it is reported as failed; 0 = no limit).
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
    /// Do not print the summary line.
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum EncodingArg {
    /// BOM, then UTF-8 if valid, else GB18030.
    Auto,
    /// UTF-8.
    Utf8,
    /// GB18030 (also reads GBK and GB2312).
    Gb18030,
    /// Alias of gb18030.
    Gbk,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Ingest(args) => ingest(args),
        Command::Validate { files } => validate_files(&files),
        Command::Schema => print_schema(),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("bulletin: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn ingest(args: IngestArgs) -> anyhow::Result<ExitCode> {
    let mut config = Config::default();
    config.encoding = match args.encoding {
        EncodingArg::Auto => Encoding::Auto,
        EncodingArg::Utf8 => Encoding::Utf8,
        EncodingArg::Gb18030 | EncodingArg::Gbk => Encoding::Gb18030,
    };
    config.password = args.password.clone();
    config.keep_furniture = args.keep_furniture;
    config.timeout = (args.timeout > 0).then(|| Duration::from_secs(args.timeout));

    let jobs = batch::discover(&args.inputs).context("cannot read input")?;
    if let Some(dir) = &args.output {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create output directory {}", dir.display()))?;
    }
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut ok, mut failed, mut with_warnings) = (0usize, 0usize, 0usize);
    let started = std::time::Instant::now();
    batch::run(&jobs, &config, threads, |_, job, result| {
        let written = result.map_err(|e| e.to_string()).and_then(|doc| {
            if !doc.warnings.is_empty() {
                with_warnings += 1;
            }
            match &args.output {
                Some(dir) => {
                    let path = emit::output_path(dir, &job.relative);
                    let json = emit::to_json(&doc, args.pretty);
                    emit::write_atomic(&path, json.as_bytes())
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))
                }
                None => writeln!(out, "{}", emit::to_json(&doc, false))
                    .map_err(|e| format!("cannot write to stdout: {e}")),
            }
        });
        match written {
            Ok(()) => ok += 1,
            Err(reason) => {
                failed += 1;
                eprintln!("{}: {reason}", job.path.display());
            }
        }
    });
    out.flush().context("cannot write to stdout")?;
    if !args.quiet {
        eprintln!(
            "bulletin: {ok} ok, {failed} failed, {with_warnings} with warnings ({} files in {:.2} s)",
            jobs.len(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn validate_files(files: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let mut failed = 0;
    for path in files {
        let problems = match std::fs::read_to_string(path) {
            Err(e) => vec![format!("cannot read file: {e}")],
            Ok(text) => validate_text(&text),
        };
        if problems.is_empty() {
            continue;
        }
        failed += 1;
        for p in problems {
            eprintln!("{}: {p}", path.display());
        }
    }
    Ok(if failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A file holds one document, or JSON Lines of documents.
fn validate_text(text: &str) -> Vec<String> {
    let docs: Vec<Result<serde_json::Value, String>> = match serde_json::from_str(text) {
        Ok(v) => vec![Ok(v)],
        Err(whole) => {
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            if lines.len() > 1 {
                lines
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        serde_json::from_str(l)
                            .map_err(|e| format!("line {}: not JSON: {e}", i + 1))
                    })
                    .collect()
            } else {
                vec![Err(format!("not JSON: {whole}"))]
            }
        }
    };
    let mut problems = Vec::new();
    for (i, doc) in docs.iter().enumerate() {
        match doc {
            Err(e) => problems.push(e.clone()),
            Ok(v) => {
                let prefix = if docs.len() > 1 {
                    format!("line {}: ", i + 1)
                } else {
                    String::new()
                };
                problems.extend(
                    validate::violations(v)
                        .into_iter()
                        .map(|p| format!("{prefix}{p}")),
                );
            }
        }
    }
    problems
}

fn print_schema() -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    out.write_all(validate::SCHEMA.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
