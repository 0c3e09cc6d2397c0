//! The `bulletin` command: a thin layer over the library. It parses arguments, runs the batch,
//! writes each document where asked, reports failures as `path: reason`, and maps the outcome to
//! an exit code (0 all inputs ok, 1 some input failed, 2 usage error).

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};

use bulletin::batch::{Filter, Job, Output};
use bulletin::input::Encoding;
use bulletin::model::Document;
use bulletin::progress::Progress;
use bulletin::report::{ErrorInfo, ReportWriter, Row, Status, Summary};
use bulletin::sinks::{FileOutput, Options as SinkOptions, Sinks};
use bulletin::{Config, batch, report, sinks, validate};

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
    Ingest(Box<IngestArgs>),
    /// Check JSON documents against the output schema.
    Validate {
        /// Documents to check (one JSON document per file, or JSON Lines).
        #[arg(required = true, value_name = "FILE.json")]
        files: Vec<PathBuf>,
    },
    /// Print a JSON Schema (2020-12): of the documents (default), of an --entries line, or of
    /// the --report file.
    Schema {
        /// Which schema.
        #[arg(value_enum, default_value_t = SchemaKind::Document)]
        kind: SchemaKind,
    },
}

#[derive(Args, Debug)]
struct IngestArgs {
    /// Input files (.pdf, .txt) or folders, walked recursively for .pdf and .txt files.
    #[arg(required_unless_present = "files_from", value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Also read inputs from FILE, one path a line (`-` = stdin), as find or xargs give them.
    #[arg(long, value_name = "FILE")]
    files_from: Option<PathBuf>,
    /// Only take files found in folders whose path (relative to the folder) matches GLOB
    /// (repeatable; `*` also matches `/`). Files named explicitly are always taken.
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,
    /// Leave out files found in folders whose relative path matches GLOB (repeatable).
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,
    /// Write one <name>.json per input into DIR (mirroring sub-folders of input folders), each
    /// atomically. Without any output option, documents go to stdout, one per line (JSON Lines).
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Write every document, one per line, to FILE (`-` = stdout), replaced when the run ends.
    #[arg(long, value_name = "FILE")]
    jsonl: Option<PathBuf>,
    /// Write every entry, one per line flattened with its bulletin's fields, to FILE (`-` =
    /// stdout); schema: `bulletin schema entry`.
    #[arg(long, value_name = "FILE")]
    entries: Option<PathBuf>,
    /// Load documents into an SQLite database (created if missing; one transaction per input;
    /// re-running the same inputs changes nothing).
    #[arg(long, value_name = "FILE.db")]
    sqlite: Option<PathBuf>,
    /// Skip inputs whose content (sha256) the -o folder and/or the database already hold.
    #[arg(long)]
    skip_unchanged: bool,
    /// Write a JSON report with one row per input (status, error, warnings, pages, time); schema:
    /// `bulletin schema report`.
    #[arg(long, value_name = "FILE.json")]
    report: Option<PathBuf>,
    /// Fail the run (exit 1) when any document has warnings; each warning is reported on stderr.
    #[arg(long)]
    strict: bool,
    /// Format of diagnostics on stderr: `path: reason` lines, or JSON objects one a line.
    #[arg(long, value_enum, default_value_t = ErrorFormat::Human)]
    error_format: ErrorFormat,
    /// Indent the JSON (with -o; line outputs stay one document per line).
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
    /// Largest decoded size of one PDF stream, in MiB; a file over it fails with resource_limit.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    max_stream_mb: u64,
    /// Largest decoded size of all streams of one PDF, in MiB (resource_limit beyond).
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    max_file_mb: u64,
    /// Most pages read from one PDF; later pages are dropped with a page_limit warning.
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_pages: u32,
    /// No progress display and no summary line (failures are still reported).
    #[arg(short, long)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum ErrorFormat {
    /// `path: reason`, one a line.
    Human,
    /// `{"path": …, "code": …, "message": …, "severity": "error"|"warning"}`, one a line.
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SchemaKind {
    /// The document (`-o`, `--jsonl`).
    Document,
    /// One line of `--entries`.
    Entry,
    /// The `--report` file.
    Report,
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
    batch::tune_allocator();
    let cli = Cli::parse();
    let mut json_errors = false;
    let result = match cli.command {
        Command::Ingest(args) => {
            json_errors = args.error_format == ErrorFormat::Json;
            ingest(*args)
        }
        Command::Validate { files } => validate_files(&files),
        Command::Schema { kind } => print_schema(kind),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            if json_errors {
                let line = serde_json::json!({
                    "path": null, "code": "usage", "message": format!("{e:#}"), "severity": "error",
                });
                eprintln!("{line}");
            } else {
                eprintln!("bulletin: {e:#}");
            }
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
    config.max_stream_bytes = Some(args.max_stream_mb.saturating_mul(1 << 20));
    config.max_file_bytes = Some(args.max_file_mb.saturating_mul(1 << 20));
    config.max_pages = Some(args.max_pages);
    let json = args.error_format == ErrorFormat::Json;

    let jobs = gather_jobs(&args)?;
    let options = sink_options(&args, &jobs)?;
    let mut sinks = Sinks::open(&options).map_err(anyhow::Error::msg)?;
    let skip_index = if args.skip_unchanged {
        Some(sinks.skip_index().map_err(anyhow::Error::msg)?)
    } else {
        None
    };
    let mut report = match &args.report {
        Some(path) => Some(
            ReportWriter::create(path)
                .with_context(|| format!("cannot create report {}", path.display()))?,
        ),
        None => None,
    };
    let threads = args
        .jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    // Test hook: slows the sink down so that tests can kill a run half-way.
    let delay = std::env::var("BULLETIN_TEST_SINK_DELAY_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis);

    let started = Instant::now();
    let mut progress = Progress::new(jobs.len(), args.quiet, json);
    let mut summary = Summary {
        strict: args.strict,
        ..Summary::default()
    };
    let mut report_error: Option<String> = None;
    let skip = |job: &Job, sha: &str| skip_index.as_ref().is_some_and(|s| s.is_done(job, sha));
    // The workers do the outputs' CPU work: the -o file's JSON is serialised where the document
    // was built, and when no ordered output wants the document it is freed there too (freed on the
    // collecting thread, it contends with the worker for its allocator: a tenth of the CPU at
    // -j 2). The collecting thread only writes the bytes: creating a file waits on the file system
    // more than it computes, and there the wait overlaps the workers instead of stalling one.
    let files = sinks.files().cloned();
    let ordered = sinks.takes_documents();
    let render = |_: &Job, outcome: &mut batch::Outcome| {
        let Ok(Output::Document(doc)) = &mut outcome.result else {
            return;
        };
        if let Some(files) = &files {
            outcome.rendered = Some(files.render(doc));
        }
        if !ordered {
            outcome.result = Ok(Output::Written {
                pages: doc.source.pages,
                warnings: std::mem::take(&mut doc.warnings),
            });
        }
    };
    batch::run(
        &jobs,
        &config,
        threads,
        &skip,
        &render,
        |_, job, outcome| {
            if let Some(d) = delay {
                std::thread::sleep(d);
            }
            let row = deliver(&mut sinks, files.as_ref(), job, outcome);
            let path = job.path.display().to_string();
            if let Some(e) = &row.error {
                progress.println(&diagnostic(json, &path, &e.code, &e.message, "error"));
            }
            if args.strict {
                for w in &row.warnings {
                    progress.println(&diagnostic(json, &path, &w.code, &w.message, "warning"));
                }
            }
            summary.add(&row);
            progress.advance(row.pages.unwrap_or(0));
            if let (Some(r), None) = (&mut report, &report_error) {
                if let Err(e) = r.row(&row) {
                    report_error = Some(e.to_string());
                }
            }
        },
    );
    progress.finish();
    summary.close(started.elapsed().as_secs_f64());
    let mut output_failed = false;
    if let Err(e) = sinks.finish() {
        progress.println(&diagnostic(json, "-", "output", &e, "error"));
        output_failed = true;
    }
    if let (Some(path), Some(r)) = (&args.report, report) {
        let finished = match report_error {
            Some(e) => Err(e),
            None => r.finish(&summary).map_err(|e| e.to_string()),
        };
        if let Err(e) = finished {
            let message = format!("cannot write report {}: {e}", path.display());
            progress.println(&diagnostic(json, "-", "output", &message, "error"));
            output_failed = true;
        }
    }
    if !args.quiet {
        if json {
            eprintln!("{}", serde_json::json!({ "summary": summary }));
        } else {
            eprintln!("{}", summary.line());
        }
    }
    Ok(if summary.exit_code != 0 || output_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The batch's inputs: the command line's, then `--files-from`'s, expanded and filtered.
fn gather_jobs(args: &IngestArgs) -> anyhow::Result<Vec<Job>> {
    let filter = Filter::new(&args.include, &args.exclude).map_err(anyhow::Error::msg)?;
    let mut inputs = args.inputs.clone();
    if let Some(list) = &args.files_from {
        let paths = if list.as_os_str() == "-" {
            batch::read_path_list(io::stdin().lock())
        } else {
            std::fs::File::open(list).and_then(|f| batch::read_path_list(io::BufReader::new(f)))
        };
        inputs.extend(paths.with_context(|| format!("cannot read {}", list.display()))?);
    }
    batch::discover_filtered(&inputs, &filter).context("cannot read input")
}

/// The outputs asked for: stdout JSON Lines when none is; at most one output on stdout; and, for
/// outputs named after the input (`-o`, `--sqlite`), no two inputs with the same name.
fn sink_options(args: &IngestArgs, jobs: &[Job]) -> anyhow::Result<SinkOptions> {
    let mut options = SinkOptions {
        dir: args.output.clone(),
        pretty: args.pretty,
        jsonl: args.jsonl.clone(),
        entries: args.entries.clone(),
        sqlite: args.sqlite.clone(),
    };
    if options.dir.is_none()
        && options.jsonl.is_none()
        && options.entries.is_none()
        && options.sqlite.is_none()
    {
        options.jsonl = Some(PathBuf::from("-"));
    }
    let stdout = Path::new("-");
    if options.jsonl.as_deref() == Some(stdout) && options.entries.as_deref() == Some(stdout) {
        anyhow::bail!("--jsonl - and --entries - cannot both write to stdout");
    }
    if options.sqlite.as_deref() == Some(stdout) {
        anyhow::bail!("--sqlite needs a file name");
    }
    if options.dir.is_some() || options.sqlite.is_some() {
        let mut seen: HashMap<String, &Path> = HashMap::new();
        for job in jobs {
            if let Some(first) = seen.insert(job.key(), &job.path) {
                if first != job.path {
                    anyhow::bail!(
                        "{} and {} would both be stored as {}; pass their common parent folder \
                         instead, or rename one",
                        first.display(),
                        job.path.display(),
                        job.key()
                    );
                }
            }
        }
    }
    Ok(options)
}

/// Hands one outcome to the outputs and says what became of the input.
/// `files` is the `-o` output, if any.
fn deliver(
    sinks: &mut Sinks,
    files: Option<&FileOutput>,
    job: &Job,
    outcome: batch::Outcome,
) -> Row {
    let millis = outcome.millis();
    let pages = outcome.pages();
    let batch::Outcome {
        result,
        sha256,
        rendered,
        ..
    } = outcome;
    let mut row = Row {
        path: job.path.display().to_string(),
        status: Status::Ok,
        sha256,
        error: None,
        warnings: Vec::new(),
        pages,
        milliseconds: millis,
    };
    // The -o file, from the JSON the worker serialised (or, without it, from the document).
    let write_file = |doc: Option<&Document>| match (files, &rendered, doc) {
        (Some(f), Some(json), _) => f.write_rendered(job, json),
        (Some(f), None, Some(doc)) => f.write(job, doc),
        _ => Ok(()),
    };
    let written = match result {
        Ok(Output::Document(doc)) => {
            let written = write_file(Some(&doc)).and_then(|()| sinks.write_ordered(job, &doc));
            if written.is_ok() {
                row.warnings = doc.warnings;
            }
            written
        }
        Ok(Output::Written { warnings, .. }) => {
            let written = write_file(None);
            if written.is_ok() {
                row.warnings = warnings;
            }
            written
        }
        Ok(Output::Skipped { .. }) => {
            row.status = Status::Skipped;
            sinks.write_stored(job)
        }
        Err(e) => {
            row.status = Status::Failed;
            let message = e.to_string();
            let code = e.code();
            // Best effort: the report and stderr say the same, whatever the database says.
            let _ = sinks.failure(job, code, &message);
            row.error = Some(ErrorInfo {
                code: code.into(),
                message,
            });
            Ok(())
        }
    };
    if let Err(message) = written {
        let _ = sinks.failure(job, "output", &message);
        row.status = Status::Failed;
        row.pages = None;
        row.error = Some(ErrorInfo {
            code: "output".into(),
            message,
        });
    }
    row
}

/// One diagnostic line: `path: message` (warnings: `path: warning code: message`), or a JSON
/// object with `--error-format json`.
fn diagnostic(json: bool, path: &str, code: &str, message: &str, severity: &str) -> String {
    if json {
        serde_json::json!({"path": path, "code": code, "message": message, "severity": severity})
            .to_string()
    } else if severity == "warning" {
        format!("{path}: warning {code}: {message}")
    } else {
        format!("{path}: {message}")
    }
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

fn print_schema(kind: SchemaKind) -> anyhow::Result<ExitCode> {
    let schema = match kind {
        SchemaKind::Document => validate::SCHEMA,
        SchemaKind::Entry => sinks::entries::SCHEMA,
        SchemaKind::Report => report::SCHEMA,
    };
    let mut out = io::stdout().lock();
    out.write_all(schema.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
