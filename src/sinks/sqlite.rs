//! The `--sqlite FILE.db` sink: takes documents (and failures) in input order and gives an SQLite
//! database with normalised tables, one transaction per input.
//!
//! A document is keyed by its input's relative path (`documents.path`, the name `-o` gives it).
//! Writing a document whose stored JSON is byte-identical changes nothing, so a re-run leaves every
//! row (and row id) as it was; a changed document keeps its `documents.id` and has its sections,
//! entries and their dates, links and 《》 titles replaced. A failed input removes the path's
//! document and records a `failures` row, so the database mirrors the latest run for each path.
//! No column holds a time or a run number: two runs over the same inputs give the same rows, which
//! is what makes `-j 1` and `-j 8` (and an interrupted run resumed) indistinguishable.
//!
//! The database runs in WAL mode with `synchronous=NORMAL`: a committed document survives the
//! process being killed (SQLite recovers the WAL on the next open), and an uncommitted one is rolled
//! back, so a killed run never leaves half a document.

use std::collections::HashMap;
use std::path::Path;

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::emit;
use crate::model::{Document, Entry};

/// The schema, created if missing. `user_version` 1 is this layout.
pub const SCHEMA_SQL: &str = "
CREATE TABLE IF NOT EXISTS documents (
    id        INTEGER PRIMARY KEY,
    path      TEXT NOT NULL UNIQUE,   -- input path relative to its folder, '/'-separated
    file      TEXT NOT NULL,          -- source.file
    sha256    TEXT NOT NULL,          -- source.sha256
    bytes     INTEGER NOT NULL,
    format    TEXT NOT NULL,          -- 'pdf' | 'text'
    pages     INTEGER,
    title     TEXT,                   -- bulletin.title
    year      INTEGER,
    issue     INTEGER,
    date      TEXT,                   -- bulletin.date, ISO 8601
    publisher TEXT,
    toc       TEXT NOT NULL,          -- JSON array, as in the document
    colophon  TEXT NOT NULL,          -- JSON object
    warnings  TEXT NOT NULL,          -- JSON array of {code, message}
    json      TEXT NOT NULL           -- the whole document, as --jsonl writes it
);
CREATE INDEX IF NOT EXISTS documents_sha256 ON documents(sha256);
CREATE INDEX IF NOT EXISTS documents_issue ON documents(year, issue);

CREATE TABLE IF NOT EXISTS sections (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,     -- 0-based order in the document
    ordinal     INTEGER NOT NULL,
    label       TEXT NOT NULL,
    title       TEXT NOT NULL,
    page        INTEGER,
    UNIQUE (document_id, position)
);

CREATE TABLE IF NOT EXISTS entries (
    id          INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    section_id  INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,     -- 0-based order in the section
    entry_key   TEXT NOT NULL,        -- the entry's id in the document: '2021-13-1-1'
    ordinal     INTEGER NOT NULL,
    label       TEXT NOT NULL,
    title       TEXT NOT NULL,
    date        TEXT,                 -- first date of the text, ISO 8601
    text        TEXT NOT NULL,
    pages       TEXT,                 -- JSON array of physical pages, NULL for text input
    UNIQUE (section_id, position)
);
CREATE INDEX IF NOT EXISTS entries_document ON entries(document_id);
CREATE INDEX IF NOT EXISTS entries_key ON entries(entry_key);
CREATE INDEX IF NOT EXISTS entries_date ON entries(date);

CREATE TABLE IF NOT EXISTS entry_dates (
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text     TEXT NOT NULL,           -- as printed
    value    TEXT NOT NULL,           -- ISO 8601
    PRIMARY KEY (entry_id, position)
);
CREATE INDEX IF NOT EXISTS entry_dates_value ON entry_dates(value);

CREATE TABLE IF NOT EXISTS entry_links (
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    url      TEXT NOT NULL,
    PRIMARY KEY (entry_id, position)
);
CREATE INDEX IF NOT EXISTS entry_links_url ON entry_links(url);

CREATE TABLE IF NOT EXISTS entry_documents (
    entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title    TEXT NOT NULL,           -- the title inside 《》
    PRIMARY KEY (entry_id, position)
);
CREATE INDEX IF NOT EXISTS entry_documents_title ON entry_documents(title);

CREATE TABLE IF NOT EXISTS failures (
    path    TEXT PRIMARY KEY,         -- as documents.path
    code    TEXT NOT NULL,            -- stable error code, as in the report
    message TEXT NOT NULL
);
";

/// An open database that documents are written to.
pub struct SqliteSink {
    conn: Connection,
}

fn sql_err(e: rusqlite::Error) -> String {
    format!("database: {e}")
}

impl SqliteSink {
    /// Opens (or creates) the database and its tables.
    pub fn open(path: &Path) -> Result<SqliteSink, String> {
        let conn = Connection::open(path).map_err(sql_err)?;
        // WAL: a reader (or a killed writer) never sees a half-committed document; NORMAL sync is
        // durable against a process kill, which is the failure the resume guarantee is about.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
        )
        .map_err(sql_err)?;
        let version: i64 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(sql_err)?;
        if version > 1 {
            return Err(format!(
                "database: schema version {version} is newer than this tool's (1)"
            ));
        }
        conn.execute_batch(SCHEMA_SQL).map_err(sql_err)?;
        conn.execute_batch("PRAGMA user_version = 1")
            .map_err(sql_err)?;
        Ok(SqliteSink { conn })
    }

    /// Every stored document's path and SHA-256, for `--skip-unchanged`. Held in memory for the
    /// run: about 100 bytes a document of the database (not of the batch).
    pub fn known(&self) -> Result<HashMap<String, String>, String> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, sha256 FROM documents")
            .map_err(sql_err)?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(sql_err)?;
        rows.collect::<Result<_, _>>().map_err(sql_err)
    }

    /// The stored document of `path`, as it was written.
    pub fn stored(&self, path: &str) -> Result<Option<Document>, String> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT json FROM documents WHERE path = ?1", [path], |r| {
                r.get(0)
            })
            .optional()
            .map_err(sql_err)?;
        json.map(|j| {
            serde_json::from_str(&j)
                .map_err(|e| format!("database: stored document of {path}: {e}"))
        })
        .transpose()
    }

    /// Writes `doc` for `path` in one transaction (see the module doc for what changes).
    pub fn write(&mut self, path: &str, doc: &Document) -> Result<(), String> {
        let json = emit::to_json(doc, false);
        let tx = self.conn.transaction().map_err(sql_err)?;
        write_document(&tx, path, doc, &json).map_err(sql_err)?;
        tx.commit().map_err(sql_err)
    }

    /// Records that `path` failed, removing any document stored for it.
    pub fn failure(&mut self, path: &str, code: &str, message: &str) -> Result<(), String> {
        let tx = self.conn.transaction().map_err(sql_err)?;
        tx.execute("DELETE FROM documents WHERE path = ?1", [path])
            .map_err(sql_err)?;
        tx.execute(
            "INSERT INTO failures (path, code, message) VALUES (?1, ?2, ?3)
             ON CONFLICT(path) DO UPDATE SET code = excluded.code, message = excluded.message
             WHERE code IS NOT excluded.code OR message IS NOT excluded.message",
            params![path, code, message],
        )
        .map_err(sql_err)?;
        tx.commit().map_err(sql_err)
    }

    /// Checkpoints the WAL into the database file and closes it.
    pub fn finish(self) -> Result<(), String> {
        self.conn
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .map_err(sql_err)?;
        self.conn.close().map_err(|(_, e)| sql_err(e))
    }
}

fn to_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_else(|_| "null".into())
}

fn write_document(
    tx: &Transaction<'_>,
    path: &str,
    doc: &Document,
    json: &str,
) -> rusqlite::Result<()> {
    tx.execute("DELETE FROM failures WHERE path = ?1", [path])?;
    let existing: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, json FROM documents WHERE path = ?1",
            [path],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let s = &doc.source;
    let b = &doc.bulletin;
    let toc = json_text(&doc.toc);
    let colophon = json_text(&doc.colophon);
    let warnings = json_text(&doc.warnings);
    match existing {
        Some((_, ref stored)) if stored == json => return Ok(()),
        // Entries go with their sections (and dates, links, titles with their entries).
        Some((id, _)) => tx.execute("DELETE FROM sections WHERE document_id = ?1", [id])?,
        None => 0,
    };
    // One statement for a new path and a changed one: the row keeps its id when updated.
    let document_id: i64 = tx.query_row(
        "INSERT INTO documents (path, file, sha256, bytes, format, pages, title, year,
         issue, date, publisher, toc, colophon, warnings, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
         ON CONFLICT(path) DO UPDATE SET file = excluded.file, sha256 = excluded.sha256,
         bytes = excluded.bytes, format = excluded.format, pages = excluded.pages,
         title = excluded.title, year = excluded.year, issue = excluded.issue,
         date = excluded.date, publisher = excluded.publisher, toc = excluded.toc,
         colophon = excluded.colophon, warnings = excluded.warnings, json = excluded.json
         RETURNING id",
        params![
            path,
            s.file,
            s.sha256,
            to_i64(s.bytes),
            s.format,
            s.pages,
            b.title,
            b.year,
            b.issue,
            b.date,
            b.publisher,
            toc,
            colophon,
            warnings,
            json
        ],
        |r| r.get(0),
    )?;
    for (position, section) in doc.sections.iter().enumerate() {
        tx.prepare_cached(
            "INSERT INTO sections (document_id, position, ordinal, label, title, page)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            document_id,
            position as i64,
            section.ordinal,
            section.label,
            section.title,
            section.page
        ])?;
        let section_id = tx.last_insert_rowid();
        for (position, entry) in section.entries.iter().enumerate() {
            write_entry(tx, document_id, section_id, position, entry)?;
        }
    }
    Ok(())
}

fn write_entry(
    tx: &Transaction<'_>,
    document_id: i64,
    section_id: i64,
    position: usize,
    entry: &Entry,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO entries (document_id, section_id, position, entry_key, ordinal, label, title,
         date, text, pages) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        document_id,
        section_id,
        position as i64,
        entry.id,
        entry.ordinal,
        entry.label,
        entry.title,
        entry.date,
        entry.text,
        entry.pages.as_ref().map(json_text)
    ])?;
    let entry_id = tx.last_insert_rowid();
    let mut dates = tx.prepare_cached(
        "INSERT INTO entry_dates (entry_id, position, text, value) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for (i, d) in entry.dates.iter().enumerate() {
        dates.execute(params![entry_id, i as i64, d.text, d.value])?;
    }
    let mut links =
        tx.prepare_cached("INSERT INTO entry_links (entry_id, position, url) VALUES (?1, ?2, ?3)")?;
    for (i, url) in entry.links.iter().enumerate() {
        links.execute(params![entry_id, i as i64, url])?;
    }
    let mut titles = tx.prepare_cached(
        "INSERT INTO entry_documents (entry_id, position, title) VALUES (?1, ?2, ?3)",
    )?;
    for (i, title) in entry.documents.iter().enumerate() {
        titles.execute(params![entry_id, i as i64, title])?;
    }
    Ok(())
}
