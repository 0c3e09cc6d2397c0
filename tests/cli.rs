//! The command line as a user runs it: outputs, exit codes, error reports.

use serde_json::Value;

use crate::util::{bulletin, fixtures};

fn utf8_fixture() -> String {
    fixtures()
        .join("2021-13/2021-13.utf8.txt")
        .to_string_lossy()
        .into_owned()
}

#[test]
fn ingest_writes_one_document_per_input() {
    let out = tempfile::tempdir().unwrap();
    let gb = fixtures().join("2021-13/2021-13.gb18030.txt");
    let o = bulletin(&[
        "ingest",
        "-o",
        out.path().to_str().unwrap(),
        &utf8_fixture(),
        gb.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    for stem in ["2021-13.utf8", "2021-13.gb18030"] {
        let text = std::fs::read_to_string(out.path().join(format!("{stem}.json"))).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(doc["bulletin"]["issue"], 13);
        assert_eq!(doc["sections"].as_array().unwrap().len(), 3);
    }
}

#[test]
fn without_output_dir_documents_go_to_stdout_as_json_lines() {
    let o = bulletin(&["ingest", "--quiet", &utf8_fixture(), &utf8_fixture()]);
    assert_eq!(o.status.code(), Some(0));
    let stdout = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    for l in lines {
        let doc: Value = serde_json::from_str(l).unwrap();
        assert_eq!(doc["source"]["format"], "text");
    }
    assert!(o.stderr.is_empty(), "--quiet prints nothing on success");
}

#[test]
fn a_bad_file_is_reported_and_the_good_ones_still_written() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.txt");
    std::fs::write(&bad, [0u8, 1, 2, 3, 0xff, 0xfe, 0, 0]).unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, "").unwrap();
    let out = dir.path().join("out");
    let o = bulletin(&[
        "ingest",
        "-o",
        out.to_str().unwrap(),
        bad.to_str().unwrap(),
        &utf8_fixture(),
        empty.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains(&format!("{}: not a text file", bad.display())),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("{}: empty file", empty.display())),
        "{stderr}"
    );
    assert!(out.join("2021-13.utf8.json").exists());
    assert!(!out.join("broken.json").exists());
    // Nothing half-written is left behind.
    let names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["2021-13.utf8.json"]);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(bulletin(&["ingest"]).status.code(), Some(2));
    assert_eq!(bulletin(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(
        bulletin(&["ingest", "--no-such-flag", "x"]).status.code(),
        Some(2)
    );
    assert_eq!(
        bulletin(&["ingest", "/no/such/file.pdf"]).status.code(),
        Some(2)
    );
}

#[test]
fn help_explains_exit_codes_and_outputs() {
    let o = bulletin(&["ingest", "--help"]);
    assert_eq!(o.status.code(), Some(0));
    let help = String::from_utf8_lossy(&o.stdout);
    for needle in [
        "Exit codes",
        "JSON Lines",
        "--output",
        "--password",
        "--encoding",
    ] {
        assert!(help.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn schema_command_prints_the_schema() {
    let o = bulletin(&["schema"]);
    assert_eq!(o.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
}

#[test]
fn validate_accepts_output_and_rejects_a_broken_document() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = bulletin(&["ingest", "-o", out.to_str().unwrap(), &utf8_fixture()]);
    assert_eq!(o.status.code(), Some(0));
    let good = out.join("2021-13.utf8.json");
    assert_eq!(
        bulletin(&["validate", good.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );

    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&good).unwrap()).unwrap();
    doc["bulletin"]["date"] = Value::String("2021-13-45".into());
    doc["sections"][0]["entries"][0]["id"] = Value::String("first".into());
    doc["unexpected"] = Value::Bool(true);
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, serde_json::to_string(&doc).unwrap()).unwrap();
    let o = bulletin(&["validate", good.to_str().unwrap(), bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("bad.json: at /bulletin/date"), "{stderr}");
    assert!(stderr.contains("/sections/0/entries/0/id"), "{stderr}");
    assert!(stderr.contains("unexpected"), "{stderr}");
    assert!(!stderr.contains("out/2021-13.utf8.json"), "{stderr}");

    let not_json = dir.path().join("nope.json");
    std::fs::write(&not_json, "{ not json").unwrap();
    assert_eq!(
        bulletin(&["validate", not_json.to_str().unwrap()])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn pretty_output_is_indented_and_equal() {
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a"), dir.path().join("b"));
    bulletin(&["ingest", "-q", "-o", a.to_str().unwrap(), &utf8_fixture()]);
    bulletin(&[
        "ingest",
        "-q",
        "--pretty",
        "-o",
        b.to_str().unwrap(),
        &utf8_fixture(),
    ]);
    let plain = std::fs::read_to_string(a.join("2021-13.utf8.json")).unwrap();
    let pretty = std::fs::read_to_string(b.join("2021-13.utf8.json")).unwrap();
    assert!(pretty.lines().count() > 100 && plain.lines().count() == 1);
    assert_eq!(
        serde_json::from_str::<Value>(&plain).unwrap(),
        serde_json::from_str::<Value>(&pretty).unwrap()
    );
}

#[test]
fn resource_limits_can_be_set_from_the_command_line() {
    let lo = fixtures().join("2021-13/2021-13.lo.pdf");
    let lo = lo.to_str().unwrap();
    let o = bulletin(&["ingest", "-q", lo]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // No decoding budget at all: the same file must now fail with a resource limit.
    let o = bulletin(&["ingest", "-q", "--max-file-mb", "0", lo]);
    assert_eq!(o.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(stderr.contains("resource limit"), "{stderr}");
    // Four pages read: the text stops there, a warning says so, and the source still has its ten.
    let o = bulletin(&["ingest", "-q", "--max-pages", "4", lo]);
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        doc["source"]["pages"],
        10,
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let codes: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(codes.contains(&"page_limit"), "{codes:?}");
    let pages_used: Vec<u64> = doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["entries"].as_array().unwrap())
        .flat_map(|e| e["pages"].as_array().unwrap())
        .filter_map(Value::as_u64)
        .collect();
    assert_eq!(pages_used.iter().max(), Some(&4), "{pages_used:?}");
}
