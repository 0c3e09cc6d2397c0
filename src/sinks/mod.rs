//! Sinks: where a batch's documents go. Takes documents (and failures) in input order, one at a
//! time, and gives any combination of
//!
//! - `-o DIR`: one `<name>.json` per input, mirroring its relative path, written atomically
//!   ([`FileOutput`]; the batch's workers serialise them, the collecting thread writes them);
//! - `--jsonl FILE|-`: one document per line;
//! - `--entries FILE|-`: one flattened entry per line ([`entries`]);
//! - `--sqlite FILE.db`: a normalised database ([`sqlite`]).
//!
//! Nothing is kept per input: each document is written and dropped. The line outputs go to a
//! temporary file beside the target (`.<name>.partial`) that is renamed over the target only when
//! the batch ends, so a killed run leaves the previous file untouched and the next run, which
//! rewrites the temporary file from the start, ends with exactly what an uninterrupted run writes.
//! `-` (stdout) cannot be rewound: there, an interrupted run leaves what it wrote.
//!
//! For `--skip-unchanged`, [`SkipIndex`] says whether the outputs already hold an input's content
//! (every one of `-o` and `--sqlite` that is in use must hold it), and a skipped input's stored
//! document is read back ([`Sinks::write_stored`]) so the line outputs stay complete.

pub mod entries;
pub mod sqlite;

use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Stdout, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::batch::Job;
use crate::emit;
use crate::model::Document;

/// The temporary name beside `path` that a file is written under before it is renamed to `path`.
/// It is the same in every run, so a run that was killed leaves nothing a later run does not
/// overwrite.
pub fn partial_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    path.with_file_name(format!(".{name}.partial"))
}

/// A file written under a temporary name and renamed over its target when committed, so the
/// target only ever holds a complete file. A target that exists and is not a regular file (a
/// device such as `/dev/null`, a FIFO, a symlink) is written directly instead: renaming over it
/// would replace it.
pub struct StagedFile {
    out: BufWriter<File>,
    rename: Option<(PathBuf, PathBuf)>,
}

impl StagedFile {
    /// Starts writing what will become `path`.
    pub fn create(path: &Path) -> io::Result<StagedFile> {
        let special = fs::symlink_metadata(path).is_ok_and(|m| !m.file_type().is_file());
        let (file, rename) = if special {
            (
                fs::OpenOptions::new()
                    .write(true)
                    .truncate(true)
                    .open(path)?,
                None,
            )
        } else {
            let tmp = partial_path(path);
            (File::create(&tmp)?, Some((tmp, path.to_path_buf())))
        };
        Ok(StagedFile {
            out: BufWriter::new(file),
            rename,
        })
    }

    /// Where to write.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        &mut self.out
    }

    /// Flushes, and for a regular file syncs it and renames it over the target.
    pub fn commit(self) -> io::Result<()> {
        let file = self.out.into_inner().map_err(|e| e.into_error())?;
        match self.rename {
            Some((tmp, path)) => {
                file.sync_all()?;
                fs::rename(tmp, path)
            }
            None => Ok(()),
        }
    }
}

/// Where a line output goes.
enum LinesTarget {
    Stdout(BufWriter<Stdout>),
    File(StagedFile),
}

/// A JSON Lines output: stdout, or a file replaced atomically at the end.
pub struct LinesOut {
    target: LinesTarget,
}

impl LinesOut {
    /// Opens `spec`: `-` for stdout, else a file path (its folder must exist).
    pub fn open(spec: &Path) -> io::Result<LinesOut> {
        let target = if spec == Path::new("-") {
            LinesTarget::Stdout(BufWriter::new(io::stdout()))
        } else {
            let file = StagedFile::create(spec)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", spec.display())))?;
            LinesTarget::File(file)
        };
        Ok(LinesOut { target })
    }

    /// Writes one line (a newline is added).
    pub fn line(&mut self, text: &str) -> io::Result<()> {
        let out: &mut dyn Write = match &mut self.target {
            LinesTarget::Stdout(w) => w,
            LinesTarget::File(f) => f.writer(),
        };
        out.write_all(text.as_bytes())?;
        out.write_all(b"\n")
    }

    /// Flushes, and for a file renames it over the target.
    pub fn finish(self) -> io::Result<()> {
        match self.target {
            LinesTarget::Stdout(mut w) => w.flush(),
            LinesTarget::File(f) => f.commit(),
        }
    }
}

/// Which outputs a batch writes.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `-o DIR`.
    pub dir: Option<PathBuf>,
    /// Indent the files of `-o DIR`.
    pub pretty: bool,
    /// `--jsonl FILE|-`.
    pub jsonl: Option<PathBuf>,
    /// `--entries FILE|-`.
    pub entries: Option<PathBuf>,
    /// `--sqlite FILE.db`.
    pub sqlite: Option<PathBuf>,
}

/// The `-o DIR` output: one file per input. Rendering and writing are separate so that the
/// batch's workers can serialise the documents (see [`crate::batch::Finish`]) and the collecting
/// thread only write the bytes.
#[derive(Debug, Clone)]
pub struct FileOutput {
    dir: PathBuf,
    pretty: bool,
}

impl FileOutput {
    /// `doc` as this output writes it (indented with `--pretty`).
    pub fn render(&self, doc: &Document) -> String {
        emit::to_json(doc, self.pretty)
    }

    /// Writes `doc` atomically to the input's file under the output folder.
    pub fn write(&self, job: &Job, doc: &Document) -> Result<(), String> {
        self.write_rendered(job, &self.render(doc))
    }

    /// Where the document of `job` goes (and is read back from, for `--skip-unchanged`).
    pub fn path(&self, job: &Job) -> PathBuf {
        emit::output_path(&self.dir, &job.relative)
    }

    /// Writes a document already rendered by [`FileOutput::render`].
    pub fn write_rendered(&self, job: &Job, json: &str) -> Result<(), String> {
        let path = self.path(job);
        emit::write_atomic(&path, json.as_bytes())
            .map_err(|e| format!("cannot write {}: {e}", path.display()))
    }
}

/// The open outputs of a batch.
pub struct Sinks {
    files: Option<FileOutput>,
    jsonl: Option<LinesOut>,
    entries: Option<LinesOut>,
    db: Option<sqlite::SqliteSink>,
}

impl Sinks {
    /// Opens every output: creates the output folder (removing temporary files a killed run left
    /// there), the line outputs' temporary files, and the database.
    pub fn open(options: &Options) -> Result<Sinks, String> {
        if let Some(dir) = &options.dir {
            fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create output directory {}: {e}", dir.display()))?;
            remove_stale_temps(dir)
                .map_err(|e| format!("cannot clean output directory {}: {e}", dir.display()))?;
        }
        let db = options
            .sqlite
            .as_deref()
            .map(|p| {
                sqlite::SqliteSink::open(p).map_err(|e| format!("cannot open {}: {e}", p.display()))
            })
            .transpose()?;
        let lines = |spec: &Option<PathBuf>| {
            spec.as_deref()
                .map(|p| LinesOut::open(p).map_err(|e| format!("cannot create {e}")))
                .transpose()
        };
        Ok(Sinks {
            files: options.dir.clone().map(|dir| FileOutput {
                dir,
                pretty: options.pretty,
            }),
            jsonl: lines(&options.jsonl)?,
            entries: lines(&options.entries)?,
            db,
        })
    }

    /// What `--skip-unchanged` compares against. Errors when no output can tell (only line
    /// outputs, which are rewritten by every run).
    pub fn skip_index(&self) -> Result<SkipIndex, String> {
        if self.files.is_none() && self.db.is_none() {
            return Err(
                "--skip-unchanged needs -o DIR or --sqlite FILE.db to know what is done".into(),
            );
        }
        Ok(SkipIndex {
            files: self.files.clone(),
            db: self.db.as_ref().map(|db| db.known()).transpose()?,
        })
    }

    /// The `-o DIR` output, written on its own ([`FileOutput::write`]); [`Sinks::write_ordered`]
    /// takes the rest.
    pub fn files(&self) -> Option<&FileOutput> {
        self.files.as_ref()
    }

    /// Whether any output takes documents in input order ([`Sinks::write_ordered`]).
    pub fn takes_documents(&self) -> bool {
        self.db.is_some() || self.jsonl.is_some() || self.entries.is_some()
    }

    /// Writes `doc` to the outputs that take documents in input order (database, JSON Lines,
    /// entries): everything but the `-o` files, which [`FileOutput::write`] has written. The
    /// first output that fails ends the attempt; its reason is returned.
    pub fn write_ordered(&mut self, job: &Job, doc: &Document) -> Result<(), String> {
        let key = job.key();
        if let Some(db) = &mut self.db {
            db.write(&key, doc)?;
        }
        self.write_lines(&key, doc)
    }

    fn write_lines(&mut self, key: &str, doc: &Document) -> Result<(), String> {
        if let Some(out) = &mut self.jsonl {
            out.line(&emit::to_json(doc, false))
                .map_err(|e| format!("cannot write JSON Lines: {e}"))?;
        }
        if let Some(out) = &mut self.entries {
            for entry in entries::flatten(key, doc) {
                let line = entries::to_line(&entry)?;
                out.line(&line)
                    .map_err(|e| format!("cannot write entries: {e}"))?;
            }
        }
        Ok(())
    }

    /// For a skipped input: copies its stored document (from `-o DIR`, else the database) into
    /// the line outputs, so they hold every input as an uninterrupted run would.
    pub fn write_stored(&mut self, job: &Job) -> Result<(), String> {
        if self.jsonl.is_none() && self.entries.is_none() {
            return Ok(());
        }
        let key = job.key();
        let doc = if let Some(files) = &self.files {
            let path = files.path(job);
            let text = fs::read_to_string(&path)
                .map_err(|e| format!("cannot read stored {}: {e}", path.display()))?;
            serde_json::from_str::<Document>(&text)
                .map_err(|e| format!("cannot read stored {}: {e}", path.display()))?
        } else if let Some(db) = &self.db {
            db.stored(&key)?
                .ok_or_else(|| format!("database has no document for {key}"))?
        } else {
            return Err("nothing to read a skipped document from".into());
        };
        self.write_lines(&key, &doc)
    }

    /// Records a failed input (in the database; files record nothing).
    pub fn failure(&mut self, job: &Job, code: &str, message: &str) -> Result<(), String> {
        match &mut self.db {
            Some(db) => db.failure(&job.key(), code, message),
            None => Ok(()),
        }
    }

    /// Ends the batch: renames the line outputs into place and closes the database.
    pub fn finish(self) -> Result<(), String> {
        let mut problems = Vec::new();
        for (what, out) in [("JSON Lines", self.jsonl), ("entries", self.entries)] {
            if let Some(Err(e)) = out.map(LinesOut::finish) {
                problems.push(format!("cannot finish {what} output: {e}"));
            }
        }
        if let Some(Err(e)) = self.db.map(sqlite::SqliteSink::finish) {
            problems.push(e);
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems.join("; "))
        }
    }
}

/// What the outputs already hold, for `--skip-unchanged`. Shared by the worker threads.
#[derive(Debug, Default)]
pub struct SkipIndex {
    files: Option<FileOutput>,
    db: Option<HashMap<String, String>>,
}

#[derive(Deserialize)]
struct StoredHead {
    source: StoredSource,
}

#[derive(Deserialize)]
struct StoredSource {
    sha256: String,
}

impl SkipIndex {
    /// Whether every skip-aware output (`-o`, `--sqlite`) holds a document of this content for this
    /// input.
    pub fn is_done(&self, job: &Job, sha256: &str) -> bool {
        if let Some(files) = &self.files {
            let stored = fs::read(files.path(job))
                .ok()
                .and_then(|bytes| serde_json::from_slice::<StoredHead>(&bytes).ok());
            if stored.is_none_or(|s| s.source.sha256 != sha256) {
                return false;
            }
        }
        if let Some(db) = &self.db {
            if db.get(&job.key()).is_none_or(|s| s != sha256) {
                return false;
            }
        }
        self.files.is_some() || self.db.is_some()
    }
}

/// Removes the temporary files `emit::write_atomic` leaves when a run is killed between creating
/// and renaming one (`.<name>.tmp-<pid>`): a resumed run must end with exactly the files of an
/// uninterrupted one.
fn remove_stale_temps(dir: &Path) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            remove_stale_temps(&path)?;
        } else if kind.is_file() && is_stale_temp(&entry.file_name().to_string_lossy()) {
            fs::remove_file(&path)?;
        }
    }
    Ok(())
}

fn is_stale_temp(name: &str) -> bool {
    name.starts_with('.')
        && name
            .rsplit_once(".tmp-")
            .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stale_temps_are_recognised() {
        assert!(is_stale_temp(".a.json.tmp-1234"));
        assert!(!is_stale_temp("a.json"));
        assert!(!is_stale_temp(".a.json.tmp-"));
        assert!(!is_stale_temp("a.json.tmp-12"));
    }

    #[test]
    fn line_outputs_appear_only_when_finished() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("docs.jsonl");
        let mut out = LinesOut::open(&path).unwrap();
        out.line("{}").unwrap();
        assert!(!path.exists());
        out.finish().unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}\n");
        assert!(!partial_path(&path).exists());
    }

    #[cfg(unix)]
    #[test]
    fn targets_that_are_not_regular_files_are_written_through_not_replaced() {
        // As `/dev/null` or a FIFO would be; a symlink is the same branch and safe to test.
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.jsonl");
        fs::write(&real, "old\n").unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let mut out = LinesOut::open(&link).unwrap();
        out.line("{}").unwrap();
        out.finish().unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read_to_string(&real).unwrap(), "{}\n");
    }
}
