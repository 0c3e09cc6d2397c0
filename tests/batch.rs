//! Batch runs through the binary: trees with a broken file, determinism across `-j`, the line
//! outputs, the SQLite database, `--skip-unchanged`, a killed run resumed, `--files-from -`,
//! `--strict`, `--error-format json`, and the report's schema. Inputs are copies of the text
//! fixtures, so these tests do not depend on PDF support.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util::{bulletin, files_under, fixtures};

fn utf8_fixture() -> PathBuf {
    fixtures().join("2021-13/2021-13.utf8.txt")
}

fn gb_fixture() -> PathBuf {
    fixtures().join("2021-13/2021-13.gb18030.txt")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// The utf8 fixture without one TOC line: its heading then has no TOC entry (a warning).
fn warning_text() -> String {
    std::fs::read_to_string(utf8_fixture())
        .unwrap()
        .lines()
        .filter(|l| !l.contains("九部门印发《关于加强互联网信息服务算法综合治理的指导意见》....."))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A tree of inputs: `n` copies of the fixtures spread over two sub-folders, plus extras.
fn tree(root: &Path, n: usize) -> PathBuf {
    let input = root.join("in");
    for i in 0..n {
        let (sub, src) = if i % 2 == 0 {
            ("a", utf8_fixture())
        } else {
            ("b/deep", gb_fixture())
        };
        let dir = input.join(sub);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::copy(src, dir.join(format!("issue-{i:03}.txt"))).unwrap();
    }
    input
}

fn run(args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_bulletin"));
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the bulletin binary runs");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every table of the database, every row, in row-id order, as text.
fn dump(db: &Path) -> Vec<(String, Vec<String>)> {
    let conn = rusqlite::Connection::open(db).unwrap();
    let tables = [
        "documents",
        "sections",
        "entries",
        "entry_dates",
        "entry_links",
        "entry_documents",
        "failures",
    ];
    tables
        .iter()
        .map(|t| {
            let mut stmt = conn
                .prepare(&format!("SELECT * FROM {t} ORDER BY rowid"))
                .unwrap();
            let columns = stmt.column_count();
            let rows = stmt
                .query_map([], |r| {
                    let mut row = Vec::new();
                    for c in 0..columns {
                        row.push(format!("{:?}", r.get::<_, rusqlite::types::Value>(c)?));
                    }
                    Ok(row.join("|"))
                })
                .unwrap()
                .collect::<Result<Vec<_>, _>>()
                .unwrap();
            (t.to_string(), rows)
        })
        .collect()
}

fn count(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

/// Relative path → bytes of every file under `dir`.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, std::fs::read(&p).unwrap())
        })
        .collect()
}

/// All outputs of one run, as arguments, under `out`.
fn output_args(out: &Path) -> Vec<String> {
    vec![
        "-o".into(),
        out.join("docs").to_string_lossy().into_owned(),
        "--jsonl".into(),
        out.join("all.jsonl").to_string_lossy().into_owned(),
        "--entries".into(),
        out.join("entries.jsonl").to_string_lossy().into_owned(),
        "--sqlite".into(),
        out.join("db.sqlite").to_string_lossy().into_owned(),
    ]
}

fn ingest(extra: &[&str], out: &Path, input: &Path) -> Output {
    std::fs::create_dir_all(out).unwrap();
    let mut args: Vec<String> = vec!["ingest".into(), "-q".into()];
    args.extend(extra.iter().map(|a| a.to_string()));
    args.extend(output_args(out));
    args.push(s(input).into());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    bulletin(&args)
}

fn validate_against(schema: &str, value: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(schema).unwrap();
    let v = jsonschema::validator_for(&schema).unwrap();
    v.iter_errors(value).map(|e| e.to_string()).collect()
}

fn report_schema() -> String {
    let o = bulletin(&["schema", "report"]);
    assert_eq!(o.status.code(), Some(0));
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn a_tree_with_a_broken_file_writes_the_good_ones_reports_the_bad_one_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 4);
    let bad = input.join("b/broken.txt");
    std::fs::write(&bad, [0u8, 1, 2, 3, 0xff, 0xfe, 0, 0]).unwrap();
    let out = dir.path().join("out");
    let report = dir.path().join("report.json");
    let o = ingest(&["-j", "2", "--report", s(&report)], &out, &input);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains(&format!("{}: not a text file", bad.display())),
        "{}",
        stderr(&o)
    );
    let written: Vec<String> = snapshot(&out.join("docs"))
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(
        written,
        [
            "a/issue-000.json",
            "a/issue-002.json",
            "b/deep/issue-001.json",
            "b/deep/issue-003.json"
        ]
    );
    let jsonl = std::fs::read_to_string(out.join("all.jsonl")).unwrap();
    assert_eq!(jsonl.lines().count(), 4);

    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let problems = validate_against(&report_schema(), &report);
    assert!(problems.is_empty(), "{problems:?}");
    let rows = report["files"].as_array().unwrap();
    assert_eq!(rows.len(), 5);
    let failed: Vec<&Value> = rows.iter().filter(|r| r["status"] == "failed").collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["path"], s(&bad));
    assert_eq!(failed[0]["error"]["code"], "not_text");
    assert_eq!(report["summary"]["ok"], 4);
    assert_eq!(report["summary"]["failed"], 1);
    assert_eq!(report["summary"]["exit_code"], 1);
    let db = out.join("db.sqlite");
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 4);
    assert_eq!(
        count(&db, "SELECT count(*) FROM failures WHERE code = 'not_text'"),
        1
    );
}

#[test]
fn outputs_are_byte_identical_for_one_and_four_jobs() {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 10);
    std::fs::write(input.join("a/empty.txt"), "").unwrap();
    let (one, four) = (dir.path().join("one"), dir.path().join("four"));
    assert_eq!(ingest(&["-j", "1"], &one, &input).status.code(), Some(1));
    assert_eq!(ingest(&["-j", "4"], &four, &input).status.code(), Some(1));
    assert_eq!(snapshot(&one.join("docs")), snapshot(&four.join("docs")));
    for file in ["all.jsonl", "entries.jsonl"] {
        let a = std::fs::read(one.join(file)).unwrap();
        assert!(!a.is_empty());
        assert!(
            a == std::fs::read(four.join(file)).unwrap(),
            "{file} differs"
        );
    }
    assert_eq!(dump(&one.join("db.sqlite")), dump(&four.join("db.sqlite")));
}

#[test]
fn entries_lines_match_their_schema_and_the_documents() {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 2);
    let out = dir.path().join("out");
    assert_eq!(ingest(&[], &out, &input).status.code(), Some(0));
    let schema = String::from_utf8(bulletin(&["schema", "entry"]).stdout).unwrap();
    let entries = std::fs::read_to_string(out.join("entries.jsonl")).unwrap();
    let mut total = 0;
    for line in entries.lines() {
        let e: Value = serde_json::from_str(line).unwrap();
        assert!(validate_against(&schema, &e).is_empty(), "{line}");
        assert_eq!(e["year"], 2021);
        assert_eq!(e["bulletin_date"], "2021-11-01");
        assert_eq!(e["sha256"].as_str().unwrap().len(), 64);
        total += 1;
    }
    let jsonl = std::fs::read_to_string(out.join("all.jsonl")).unwrap();
    let expected: usize = jsonl
        .lines()
        .map(|l| {
            let d: Value = serde_json::from_str(l).unwrap();
            d["sections"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["entries"].as_array().unwrap().len())
                .sum::<usize>()
        })
        .sum();
    assert_eq!(total, expected);
    assert!(total > 0);
}

#[test]
fn sqlite_rows_match_the_documents_and_a_rerun_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 4);
    let out = dir.path().join("out");
    assert_eq!(ingest(&[], &out, &input).status.code(), Some(0));
    let db = out.join("db.sqlite");
    for doc_file in files_under(&out.join("docs")) {
        let doc: Value =
            serde_json::from_str(&std::fs::read_to_string(&doc_file).unwrap()).unwrap();
        let rel = doc_file
            .strip_prefix(out.join("docs"))
            .unwrap()
            .with_extension("txt");
        let path = rel.to_string_lossy();
        let sections = doc["sections"].as_array().unwrap();
        let entries: usize = sections
            .iter()
            .map(|s| s["entries"].as_array().unwrap().len())
            .sum();
        let links: usize = sections
            .iter()
            .flat_map(|s| s["entries"].as_array().unwrap())
            .map(|e| e["links"].as_array().unwrap().len())
            .sum();
        let in_db = |table: &str| {
            count(
                &db,
                &format!(
                    "SELECT count(*) FROM {table} JOIN documents d ON d.id = {table}.document_id
                     WHERE d.path = '{path}'"
                ),
            )
        };
        assert_eq!(in_db("entries") as usize, entries, "{path}");
        assert_eq!(in_db("sections") as usize, sections.len(), "{path}");
        let db_links = count(
            &db,
            &format!(
                "SELECT count(*) FROM entry_links l JOIN entries e ON e.id = l.entry_id
                 JOIN documents d ON d.id = e.document_id WHERE d.path = '{path}'"
            ),
        );
        assert_eq!(db_links as usize, links, "{path}");
    }
    // The README's query: entries dated in October 2021 with their links.
    let october = count(
        &db,
        "SELECT count(*) FROM (SELECT e.id FROM entries e
         WHERE e.date >= '2021-10-01' AND e.date < '2021-11-01')",
    );
    assert!(october > 0);

    let before = dump(&db);
    assert_eq!(ingest(&[], &out, &input).status.code(), Some(0));
    assert_eq!(dump(&db), before, "a re-run changed the database");
}

#[test]
fn a_changed_input_replaces_its_rows() {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 2);
    let out = dir.path().join("out");
    assert_eq!(ingest(&[], &out, &input).status.code(), Some(0));
    let db = out.join("db.sqlite");
    let id_before = count(
        &db,
        "SELECT id FROM documents WHERE path = 'a/issue-000.txt'",
    );
    let other_before: Vec<_> = dump(&db)
        .into_iter()
        .map(|(t, rows)| (t, rows.len()))
        .collect();

    // One entry's link changes; its heading disappears from the TOC (a warning).
    let old_url = "https://mp.weixin.qq.com/s/66m8fj9LErCEnRggAsTChg";
    let new_url = "https://example.org/changed";
    let changed = warning_text().replace(old_url, new_url);
    std::fs::write(input.join("a/issue-000.txt"), changed).unwrap();
    assert_eq!(ingest(&[], &out, &input).status.code(), Some(0));

    assert_eq!(
        count(
            &db,
            "SELECT id FROM documents WHERE path = 'a/issue-000.txt'"
        ),
        id_before,
        "the document keeps its id"
    );
    let links_of = |url: &str| {
        count(
            &db,
            &format!(
                "SELECT count(*) FROM entry_links l JOIN entries e ON e.id = l.entry_id
                 JOIN documents d ON d.id = e.document_id
                 WHERE d.path = 'a/issue-000.txt' AND l.url = '{url}'"
            ),
        )
    };
    assert_eq!(links_of(old_url), 0);
    assert_eq!(links_of(new_url), 1);
    let warnings = count(
        &db,
        "SELECT json_array_length(warnings) FROM documents WHERE path = 'a/issue-000.txt'",
    );
    assert_eq!(warnings, 1);
    // Same number of rows everywhere (same entries), and nothing orphaned.
    let after: Vec<_> = dump(&db)
        .into_iter()
        .map(|(t, rows)| (t, rows.len()))
        .collect();
    assert_eq!(after, other_before);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM entry_links WHERE entry_id NOT IN (SELECT id FROM entries)"
        ),
        0
    );
}

#[test]
fn skip_unchanged_second_run_processes_nothing_and_outputs_stay_complete() {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 4);
    let out = dir.path().join("out");
    let report = dir.path().join("report.json");
    let args = ["--skip-unchanged", "--report", s(&report)];
    assert_eq!(ingest(&args, &out, &input).status.code(), Some(0));
    let first = (
        snapshot(&out.join("docs")),
        std::fs::read(out.join("all.jsonl")).unwrap(),
        std::fs::read(out.join("entries.jsonl")).unwrap(),
        dump(&out.join("db.sqlite")),
    );
    let o = ingest(&args, &out, &input);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert!(validate_against(&report_schema(), &report).is_empty());
    let statuses: Vec<&Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["status"])
        .collect();
    assert_eq!(statuses.len(), 4);
    assert!(statuses.iter().all(|s| *s == "skipped"), "{statuses:?}");
    assert_eq!(report["summary"]["skipped"], 4);
    let second = (
        snapshot(&out.join("docs")),
        std::fs::read(out.join("all.jsonl")).unwrap(),
        std::fs::read(out.join("entries.jsonl")).unwrap(),
        dump(&out.join("db.sqlite")),
    );
    assert!(first == second, "a skipping run changed the outputs");

    // Without an output that can tell what is done, --skip-unchanged is a usage error.
    let o = bulletin(&["ingest", "--skip-unchanged", s(&input)]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn a_killed_run_resumed_ends_with_the_output_of_a_clean_run() {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 40);
    let (clean, resumed) = (dir.path().join("clean"), dir.path().join("resumed"));
    let extra = ["--skip-unchanged", "-j", "2"];
    assert_eq!(ingest(&extra, &clean, &input).status.code(), Some(0));

    // The same run, slowed down in the sink, killed once some documents are out.
    std::fs::create_dir_all(&resumed).unwrap();
    let mut args: Vec<String> = vec!["ingest".into(), "-q".into()];
    args.extend(extra.iter().map(|a| a.to_string()));
    args.extend(output_args(&resumed));
    args.push(s(&input).into());
    let mut child = Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(&args)
        .env("BULLETIN_TEST_SINK_DELAY_MS", "100")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let docs = resumed.join("docs");
        let written = if docs.exists() {
            files_under(&docs)
                .iter()
                .filter(|p| p.extension().is_some_and(|e| e == "json"))
                .count()
        } else {
            0
        };
        if written >= 8 {
            break;
        }
        assert!(Instant::now() < deadline, "the slowed run wrote nothing");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended too soon"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(
        !resumed.join("all.jsonl").exists(),
        "line outputs appear only when a run completes"
    );
    let partial = files_under(&resumed.join("docs")).len();
    assert!(partial < 40, "killed too late: {partial} documents");

    let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
    args.retain(|a| *a != "-q");
    args.insert(1, "--report");
    let report = dir.path().join("report.json");
    args.insert(2, s(&report));
    let o = bulletin(&args);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    // What the killed run finished in both -o and the database is not done again.
    assert!(report["summary"]["skipped"].as_u64().unwrap() > 0);

    assert_eq!(
        snapshot(&clean.join("docs")),
        snapshot(&resumed.join("docs"))
    );
    for file in ["all.jsonl", "entries.jsonl"] {
        assert!(
            std::fs::read(clean.join(file)).unwrap() == std::fs::read(resumed.join(file)).unwrap(),
            "{file} differs"
        );
    }
    assert_eq!(
        dump(&clean.join("db.sqlite")),
        dump(&resumed.join("db.sqlite"))
    );
    // Nothing but the outputs is left (no temporary or partial files).
    let mut names: Vec<String> = std::fs::read_dir(&resumed)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["all.jsonl", "db.sqlite", "docs", "entries.jsonl"]);
}

#[test]
fn files_from_stdin_reads_one_path_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 3);
    let list = files_under(&input)
        .iter()
        .map(|p| s(p).to_string())
        .collect::<Vec<_>>()
        .join("\n");
    let o = run(
        &["ingest", "-q", "--files-from", "-"],
        &[],
        Some(&format!("{list}\n\n")),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let files: Vec<String> = stdout
        .lines()
        .map(|l| {
            let d: Value = serde_json::from_str(l).unwrap();
            d["source"]["file"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(files, ["issue-000.txt", "issue-002.txt", "issue-001.txt"]);
}

#[test]
fn include_and_exclude_select_files_in_folders() {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 4);
    let o = bulletin(&[
        "ingest",
        "-q",
        "--include",
        "a/*",
        "--exclude",
        "*-002.txt",
        s(&input),
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(String::from_utf8(o.stdout).unwrap().lines().count(), 1);
}

#[test]
fn two_inputs_with_the_same_output_name_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 4);
    let out = dir.path().join("out");
    let twin = dir.path().join("other/issue-000.txt");
    std::fs::create_dir_all(twin.parent().unwrap()).unwrap();
    std::fs::copy(utf8_fixture(), &twin).unwrap();
    let o = bulletin(&[
        "ingest",
        "-o",
        s(&out),
        s(&input.join("a/issue-000.txt")),
        s(&twin),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn strict_makes_warnings_fail_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let warn = dir.path().join("warn.txt");
    std::fs::write(&warn, warning_text()).unwrap();
    let o = bulletin(&["ingest", "-q", s(&warn)]);
    assert_eq!(o.status.code(), Some(0), "warnings alone do not fail a run");
    let report = dir.path().join("report.json");
    let o = bulletin(&["ingest", "--strict", "--report", s(&report), s(&warn)]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains(&format!("{}: warning heading_not_in_toc", warn.display())),
        "{}",
        stderr(&o)
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(report["summary"]["with_warnings"], 1);
    assert_eq!(report["summary"]["exit_code"], 1);
    assert_eq!(
        report["files"][0]["warnings"][0]["code"],
        "heading_not_in_toc"
    );
}

#[test]
fn error_format_json_writes_one_parseable_object_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let warn = dir.path().join("warn.txt");
    std::fs::write(&warn, warning_text()).unwrap();
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "").unwrap();
    let o = bulletin(&[
        "ingest",
        "--strict",
        "--error-format",
        "json",
        s(&warn),
        s(&bad),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let lines: Vec<Value> = stderr(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?}: {e}")))
        .collect();
    let diagnostics: Vec<&Value> = lines.iter().filter(|l| l.get("code").is_some()).collect();
    assert!(diagnostics.iter().any(|d| d["path"] == s(&bad)
        && d["code"] == "empty"
        && d["severity"] == "error"
        && d["message"] == "empty file"));
    assert!(diagnostics.iter().any(|d| d["path"] == s(&warn)
        && d["code"] == "heading_not_in_toc"
        && d["severity"] == "warning"));
    let summary = lines.iter().find_map(|l| l.get("summary")).unwrap();
    assert_eq!(summary["failed"], 1);

    let o = bulletin(&["ingest", "--error-format", "json", "/no/such/input.txt"]);
    assert_eq!(o.status.code(), Some(2));
    let usage: Value = serde_json::from_str(stderr(&o).trim()).unwrap();
    assert_eq!(usage["code"], "usage");
}

#[test]
fn a_file_that_cannot_be_written_is_an_output_error_and_the_others_are_written() {
    // One worker and several: the documents reach the writer from one thread or from two.
    for jobs in ["1", "2"] {
        file_that_cannot_be_written(jobs);
    }
}

fn file_that_cannot_be_written(jobs: &str) {
    let dir = tempfile::tempdir().unwrap();
    let input = tree(dir.path(), 3);
    let out = dir.path().join("out");
    // A folder where issue-002's document should go: the rename onto it fails.
    std::fs::create_dir_all(out.join("a/issue-002.json/blocker")).unwrap();
    let report = dir.path().join("report.json");
    let o = bulletin(&[
        "ingest",
        "-j",
        jobs,
        "--report",
        s(&report),
        "--jsonl",
        s(&dir.path().join("all.jsonl")),
        "-o",
        s(&out),
        s(&input),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("issue-002.txt: cannot write"),
        "{}",
        stderr(&o)
    );
    assert!(out.join("a/issue-000.json").is_file());
    assert!(out.join("b/deep/issue-001.json").is_file());
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    let failed: Vec<&Value> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["error"]["code"], "output");
    // The failed document is in no output, the line outputs included.
    let lines = std::fs::read_to_string(dir.path().join("all.jsonl")).unwrap();
    assert_eq!(lines.lines().count(), 2);
}
