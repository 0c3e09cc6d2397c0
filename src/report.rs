//! The batch report: takes each input's outcome, in input order, and gives the totals for the
//! summary line and, with `--report FILE.json`, a JSON file with one row per input that satisfies
//! `schemas/report.schema.json`.
//!
//! Rows are streamed to a temporary file beside the target as inputs finish, so the report costs no
//! memory per input; the totals are appended at the end and the file renamed into place, so a
//! reader never sees a half-written report (a killed run leaves the previous one).

use std::io::{self, Write};
use std::path::Path;
use std::sync::OnceLock;

use serde::Serialize;
use serde_json::{Value, json};

use crate::model::Warning;
use crate::sinks::StagedFile;

/// The JSON Schema of the report, as shipped in `schemas/`.
pub const SCHEMA: &str = include_str!("../schemas/report.schema.json");

/// What became of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// A document was produced and written.
    Ok,
    /// No document: see the row's error.
    Failed,
    /// Not processed: the outputs already hold this content (`--skip-unchanged`).
    Skipped,
}

/// Why an input failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ErrorInfo {
    /// Stable machine-readable code (`Error::code`, or `output` when writing failed).
    pub code: String,
    /// What went wrong, for a person.
    pub message: String,
}

/// One input's row.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    /// The input as found.
    pub path: String,
    /// What became of it.
    pub status: Status,
    /// Hex SHA-256 of its bytes, when it could be read.
    pub sha256: Option<String>,
    /// Why it failed.
    pub error: Option<ErrorInfo>,
    /// The document's warnings.
    pub warnings: Vec<Warning>,
    /// Physical pages of a PDF processed this run.
    pub pages: Option<u32>,
    /// Wall-clock milliseconds spent on it.
    pub milliseconds: u64,
}

/// The run's totals.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Inputs in the batch.
    pub files: usize,
    /// Inputs converted and written.
    pub ok: usize,
    /// Inputs that failed.
    pub failed: usize,
    /// Inputs skipped as unchanged.
    pub skipped: usize,
    /// Converted inputs whose document has warnings.
    pub with_warnings: usize,
    /// Physical pages of the PDFs processed.
    pub pages: u64,
    /// Wall-clock seconds of the whole run.
    pub seconds: f64,
    /// `pages / seconds`.
    pub pages_per_second: f64,
    /// Whether warnings fail the run (`--strict`).
    pub strict: bool,
    /// The exit code the run ends with (0 or 1; usage errors write no report).
    pub exit_code: u8,
}

impl Summary {
    /// Counts one row in.
    pub fn add(&mut self, row: &Row) {
        self.files += 1;
        match row.status {
            Status::Ok => {
                self.ok += 1;
                if !row.warnings.is_empty() {
                    self.with_warnings += 1;
                }
            }
            Status::Failed => self.failed += 1,
            Status::Skipped => self.skipped += 1,
        }
        self.pages += u64::from(row.pages.unwrap_or(0));
    }

    /// Sets the run's duration and what follows from the counts: pages/s and the exit code.
    pub fn close(&mut self, seconds: f64) {
        self.seconds = (seconds * 1000.0).round() / 1000.0;
        self.pages_per_second = if seconds > 0.0 {
            (self.pages as f64 / seconds * 10.0).round() / 10.0
        } else {
            0.0
        };
        let failed = self.failed > 0 || (self.strict && self.with_warnings > 0);
        self.exit_code = u8::from(failed);
    }

    /// The one-line human summary.
    pub fn line(&self) -> String {
        format!(
            "bulletin: {} ok, {} failed, {} with warnings, {} skipped ({} files, {} pages in {:.2} s, {:.1} pages/s)",
            self.ok,
            self.failed,
            self.with_warnings,
            self.skipped,
            self.files,
            self.pages,
            self.seconds,
            self.pages_per_second
        )
    }
}

/// Validators for a row and for the summary, built from the report schema's `$defs`.
fn validators() -> Option<&'static (jsonschema::Validator, jsonschema::Validator)> {
    static VALIDATORS: OnceLock<Option<(jsonschema::Validator, jsonschema::Validator)>> =
        OnceLock::new();
    VALIDATORS
        .get_or_init(|| {
            let schema: Value = serde_json::from_str(SCHEMA).ok()?;
            let part = |name: &str| {
                jsonschema::validator_for(&json!({
                    "$schema": schema["$schema"],
                    "$defs": schema["$defs"],
                    "$ref": format!("#/$defs/{name}"),
                }))
                .ok()
            };
            Some((part("row")?, part("summary")?))
        })
        .as_ref()
}

fn check(validator: &jsonschema::Validator, value: &Value) -> io::Result<()> {
    let problems: Vec<String> = validator
        .iter_errors(value)
        .take(5)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    if problems.is_empty() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "report does not match its schema: {}",
            problems.join("; ")
        )))
    }
}

/// A report being written.
pub struct ReportWriter {
    file: StagedFile,
    rows: usize,
}

impl ReportWriter {
    /// Starts the report that will be renamed to `path` by [`ReportWriter::finish`].
    pub fn create(path: &Path) -> io::Result<ReportWriter> {
        let mut file = StagedFile::create(path)?;
        file.writer()
            .write_all(b"{\"schema_version\":\"1.0\",\"files\":[")?;
        Ok(ReportWriter { file, rows: 0 })
    }

    /// Appends one row, checked against the schema.
    pub fn row(&mut self, row: &Row) -> io::Result<()> {
        let value = serde_json::to_value(row).map_err(io::Error::other)?;
        let validators = validators().ok_or_else(|| io::Error::other("bad report schema"))?;
        check(&validators.0, &value)?;
        let out = self.file.writer();
        if self.rows > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"\n")?;
        serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)?;
        self.rows += 1;
        Ok(())
    }

    /// Appends the totals and renames the file into place.
    pub fn finish(mut self, summary: &Summary) -> io::Result<()> {
        let value = serde_json::to_value(summary).map_err(io::Error::other)?;
        let validators = validators().ok_or_else(|| io::Error::other("bad report schema"))?;
        check(&validators.1, &value)?;
        let out = self.file.writer();
        out.write_all(b"\n],\"summary\":")?;
        serde_json::to_writer(&mut *out, &value).map_err(io::Error::other)?;
        out.write_all(b"}\n")?;
        self.file.commit()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(status: Status) -> Row {
        Row {
            path: "a.txt".into(),
            status,
            sha256: Some("0".repeat(64)),
            error: (status == Status::Failed).then(|| ErrorInfo {
                code: "empty".into(),
                message: "empty file".into(),
            }),
            warnings: vec![],
            pages: None,
            milliseconds: 3,
        }
    }

    #[test]
    fn written_report_matches_the_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        let mut w = ReportWriter::create(&path).unwrap();
        let mut summary = Summary::default();
        for s in [Status::Ok, Status::Failed, Status::Skipped] {
            w.row(&row(s)).unwrap();
            summary.add(&row(s));
        }
        summary.close(1.5);
        assert_eq!(summary.exit_code, 1);
        w.finish(&summary).unwrap();
        let report: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let schema: Value = serde_json::from_str(SCHEMA).unwrap();
        let v = jsonschema::validator_for(&schema).unwrap();
        assert!(v.is_valid(&report));
        assert_eq!(report["files"].as_array().unwrap().len(), 3);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn a_failed_row_without_error_is_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let mut w = ReportWriter::create(&dir.path().join("r.json")).unwrap();
        let mut bad = row(Status::Failed);
        bad.error = None;
        assert!(w.row(&bad).is_err());
    }
}
