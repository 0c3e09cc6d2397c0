//! Fixture tests: the 2021-13 bulletin in every producer's rendering, differential CJK coverage
//! against stored pdftotext output, the expected errors, and a no-panic/no-hang sweep over the
//! real-world corpus.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bulletin_pdf::{Document, Error, Options, extract};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(data(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn open(name: &str, password: Option<&str>) -> Result<Document, Error> {
    let options = Options {
        password: password.map(str::to_owned),
        ..Options::default()
    };
    extract(&read(name), &options)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff
        | 0xac00..=0xd7af | 0x1100..=0x11ff | 0x20000..=0x3ffff)
}

fn cjk_counts(text: &str) -> HashMap<char, usize> {
    let mut m = HashMap::new();
    for c in text.chars().filter(|&c| is_cjk(c)) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

fn all_text(doc: &Document) -> String {
    let mut s = String::new();
    for p in &doc.pages {
        for l in &p.lines {
            s.push_str(&l.text);
            s.push('\n');
        }
    }
    s
}

/// Share of poppler's CJK characters (as a multiset) that our extraction also has.
fn coverage(ours: &str, poppler: &str) -> (f64, usize, usize) {
    let o = cjk_counts(ours);
    let p = cjk_counts(poppler);
    let total: usize = p.values().sum();
    let common: usize = p
        .iter()
        .map(|(c, n)| (*n).min(o.get(c).copied().unwrap_or(0)))
        .sum();
    (common as f64 / total.max(1) as f64, common, total)
}

const PRODUCERS: &[&str] = &["lo", "rl", "gbk", "chrome", "gs", "badxref", "enc-empty"];

#[test]
fn bulletin_cjk_coverage_matches_pdftotext() {
    for p in PRODUCERS {
        let name = format!("2021-13.{p}.pdf");
        let doc = open(&name, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        let poppler = String::from_utf8(read(&format!("{name}.pdftotext.txt"))).unwrap_or_default();
        let (cov, common, total) = coverage(&all_text(&doc), &poppler);
        assert!(
            total > 5000,
            "{name}: poppler reference has only {total} CJK chars"
        );
        assert!(cov >= 0.99, "{name}: {common}/{total} CJK chars ({cov:.4})");
    }
}

#[test]
fn bulletin_text_is_in_reading_order_with_ascii_urls() {
    for p in PRODUCERS {
        let name = format!("2021-13.{p}.pdf");
        let doc = open(&name, None).unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = all_text(&doc);
        let order = [
            "数据治理与流通动态监测报告",
            "一、政策法规",
            "10月29日，国家网信办发布《数据出境安全评估办法（征求意见稿）》",
            "https://mp.weixin.qq.com/s/66m8fj9LErCEnRggAsTChg",
            "三、重大活动",
        ];
        let mut at = 0;
        let flat: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        for needle in order {
            let needle: String = needle.chars().filter(|c| !c.is_whitespace()).collect();
            match flat[at..].find(&needle) {
                Some(i) => at += i + needle.len(),
                None => panic!("{name}: {needle:?} missing or out of order"),
            }
        }
        assert!(
            !text
                .chars()
                .any(|c| ('\u{ff01}'..='\u{ff5e}').contains(&c) && c.is_ascii_alphanumeric())
        );
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n'),
            "{name}: control characters"
        );
        // No space between two CJK characters unless the file has a space glyph there too:
        // poppler's output, which copies space glyphs, bounds the count.
        let poppler = String::from_utf8(read(&format!("{name}.pdftotext.txt"))).unwrap_or_default();
        let spaced = |t: &str| {
            let c: Vec<char> = t.chars().collect();
            c.windows(3)
                .filter(|w| is_cjk(w[0]) && w[1] == ' ' && is_cjk(w[2]))
                .count()
        };
        assert!(
            spaced(&text) <= spaced(&poppler) + 2,
            "{name}: {} CJK-space-CJK, poppler {}",
            spaced(&text),
            spaced(&poppler)
        );
    }
}

#[test]
fn bulletin_links_are_uri_annotations() {
    let doc = open("2021-13.lo.pdf", None).unwrap_or_else(|e| panic!("{e}"));
    let links: Vec<_> = doc.pages.iter().flat_map(|p| p.links.iter()).collect();
    assert!(links.len() >= 10, "only {} links", links.len());
    assert!(
        links
            .iter()
            .any(|l| l.uri == "https://mp.weixin.qq.com/s/66m8fj9LErCEnRggAsTChg")
    );
    let page3 = &doc.pages[2];
    let link = &page3.links[0];
    // The link rectangle sits on the line that shows the URL.
    let line = page3
        .lines
        .iter()
        .find(|l| l.text.contains("mp.weixin.qq.com"))
        .map(|l| l.bbox);
    let line = line.unwrap_or_default();
    assert!(
        link.rect.y0 < line.y1 && link.rect.y1 > line.y0,
        "{:?} vs {:?}",
        link.rect,
        line
    );
}

#[test]
fn bulletin_errors() {
    let e = open("2021-13.enc-pass.pdf", None).err();
    assert_eq!(e.as_ref().map(Error::code), Some("password_required"));
    assert!(
        e.map(|e| e.to_string())
            .unwrap_or_default()
            .contains("AES-256")
    );
    let doc = open("2021-13.enc-pass.pdf", Some("secret")).unwrap_or_else(|e| panic!("{e}"));
    assert!(all_text(&doc).contains("数据治理与流通动态监测报告"));
    let wrong = open("2021-13.enc-pass.pdf", Some("nope")).err();
    assert_eq!(wrong.as_ref().map(Error::code), Some("password_required"));
    // RC4-40 with its /Encrypt dictionary inline in the trailer: the owner password (and the
    // user password it hides) open it.
    for pw in ["foo", "baz"] {
        let doc =
            open("realworld/pdfminer__rc4-40.pdf", Some(pw)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(all_text(&doc).trim(), "Secret!");
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }

    let e = open("2021-13.trunc.pdf", None).err();
    assert_eq!(e.as_ref().map(Error::code), Some("damaged"));

    let e = open("2021-13.scan.pdf", None).err();
    assert_eq!(e.as_ref().map(Error::code), Some("no_text_layer"));
    assert!(
        e.map(|e| e.to_string())
            .unwrap_or_default()
            .starts_with("no text layer")
    );

    let doc = open("2021-13.badxref.pdf", None).unwrap_or_else(|e| panic!("{e}"));
    assert!(doc.warnings.iter().any(|w| w.code == "repaired_xref"));
    assert_eq!(doc.pages.len(), 10);

    let doc = open("2021-13.enc-empty.pdf", None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.pages.len(), 10);
    let doc = open("2021-13.lo.pdf", None).unwrap_or_else(|e| panic!("{e}"));
    assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
}

#[test]
fn limits_are_enforced() {
    let bytes = read("2021-13.lo.pdf");
    let tiny = Options {
        max_stream_bytes: 1000,
        ..Options::default()
    };
    assert_eq!(
        extract(&bytes, &tiny).err().as_ref().map(Error::code),
        Some("resource_limit")
    );
    let past = Options {
        deadline: Some(Instant::now()),
        ..Options::default()
    };
    std::thread::sleep(Duration::from_millis(2));
    assert_eq!(
        extract(&bytes, &past).err().as_ref().map(Error::code),
        Some("timeout")
    );
    let few = Options {
        max_pages: 2,
        ..Options::default()
    };
    let doc = extract(&bytes, &few).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.pages.len(), 2);
    assert!(doc.warnings.iter().any(|w| w.code == "page_limit"));
    assert_eq!(
        extract(b"hello", &Options::default())
            .err()
            .as_ref()
            .map(Error::code),
        Some("not_pdf")
    );
}

/// Expected outcome of each real-world file: `Ok(min CJK chars)` or `Err(code)`.
fn expectations() -> Vec<(
    &'static str,
    Option<&'static str>,
    Result<usize, &'static str>,
)> {
    vec![
        // CJK: at least the CJK characters pdftotext gets (98%), or better where poppler is wrong.
        ("pdfjs__issue19360.pdf", None, Ok(23)),
        ("pdfjs__issue12823.pdf", None, Ok(85)),
        ("pdfjs__issue13316_reduced.pdf", None, Ok(5)),
        ("pdfjs__issue2128r.pdf", None, Ok(20)),
        ("pdfjs__issue3521.pdf", None, Ok(7)),
        ("pdfjs__issue8372.pdf", None, Ok(2)),
        // poppler: Latin-1 mojibake, no CJK. The GBK bytes are decoded.
        ("pdfjs__XiaoBiaoSong.pdf", None, Ok(200)),
        // poppler: control characters. The embedded font has no cmap: nothing to recover.
        ("pdfjs__issue3405r.pdf", None, Ok(0)),
        ("pdfminer__issue_566_test_1.pdf", None, Ok(2)),
        ("pdfminer__issue_566_test_2.pdf", None, Ok(12)),
        ("pdfjs__issue4061.pdf", None, Ok(14)),
        // One of poppler's 7 is an HKSCS private-use code point mapped through the CNS1 CMap.
        ("pdfjs__issue19182.pdf", None, Ok(6)),
        ("pdfjs__issue2884_reduced.pdf", None, Ok(16)),
        ("pdfminer__jo.pdf", None, Ok(865)),
        ("pdfjs__issue16538.pdf", None, Ok(588)),
        ("pdfjs__noembed-sjis.pdf", None, Ok(5)),
        ("pdfjs__issue6387.pdf", None, Ok(157)),
        ("pdfjs__bug1627427_reduced.pdf", None, Ok(27)),
        ("pdfjs__issue5010.pdf", None, Ok(11)),
        // Malformed.
        ("qpdf__issue-146.pdf", None, Err("damaged")),
        ("qpdf__shared-unnamed-field.pdf", None, Ok(0)),
        ("qpdf__object-stream-self-ref.pdf", None, Ok(0)),
        ("qpdf__append-xref-loop.pdf", None, Ok(0)),
        ("qpdf__pages-loop.pdf", None, Ok(0)),
        ("qpdf__bad1.pdf", None, Err("not_pdf")),
        ("qpdf__issue-141a.pdf", None, Err("not_pdf")),
        ("qpdf__issue-148.pdf", None, Err("not_pdf")),
        ("qpdf__issue-202.pdf", None, Ok(0)),
        ("qpdf__linearization-large-vector-alloc.pdf", None, Ok(0)),
        ("pdfjs__bomb_giant.pdf", None, Ok(0)),
        ("pdfjs__ContentStreamCycleType3insideType3.pdf", None, Ok(0)),
        ("pdfjs__Pages-tree-refs.pdf", None, Ok(0)),
        ("pdfjs__poppler-85140-0.pdf", None, Err("damaged")),
        ("pdfjs__poppler-67295-0.pdf", None, Ok(0)),
        ("pdfjs__REDHAT-1531897-0.pdf", None, Err("damaged")),
        ("pdfjs__poppler-742-0-fuzzed.pdf", None, Err("damaged")),
        ("pdfminer__issue-1113-evil-xobjects.pdf", None, Ok(0)),
        ("pdfminer__zen_of_python_corrupted.pdf", None, Ok(0)),
        // Encrypted.
        ("pdfminer__aes-256-r6.pdf", None, Err("password_required")),
        ("pdfminer__aes-256-r6.pdf", Some("usersecret"), Ok(0)),
        ("pdfminer__aes-256-r6.pdf", Some("ownersecret"), Ok(0)),
        ("pdfminer__rc4-40.pdf", None, Err("password_required")),
        // The owner password opens it too (its /Encrypt dictionary is inline in the trailer).
        ("pdfminer__rc4-40.pdf", Some("foo"), Ok(0)),
        (
            "pdfminer__rc4-40.pdf",
            Some("wrong"),
            Err("password_required"),
        ),
        // No file /ID: the key comes from an empty ID. Its only image page is a CCITT scan.
        (
            "pdfminer__encrypted_doc_no_id.pdf",
            None,
            Err("no_text_layer"),
        ),
        ("qpdf__enc-XI-R6,V5,O=master.pdf", None, Ok(0)),
        ("pdfjs__issue21579.pdf", None, Err("password_required")),
        ("pdfjs__issue21579.pdf", Some("pässwört"), Ok(0)),
        ("pdfjs__bug1782186.pdf", None, Err("password_required")),
        // lopdf decrypts this V4/R4 variant correctly (poppler does not); the page is a drawing.
        ("pdfjs__bug1782186.pdf", Some("Hello"), Ok(0)),
        ("lopdf__encrypted.pdf", None, Ok(0)),
        // Scanned and ordinary.
        ("pdfjs__issue5475.pdf", None, Err("no_text_layer")),
        ("pdfminer__pdf-with-jbig2.pdf", None, Err("no_text_layer")),
        ("pdfjs__bug1057544.pdf", None, Ok(0)),
        ("pdfjs__issue12706.pdf", None, Ok(0)),
    ]
}

#[test]
fn realworld_files_never_panic_or_hang() {
    let mut failures = Vec::new();
    for (file, password, expected) in expectations() {
        let bytes = read(&format!("realworld/{file}"));
        let options = Options {
            password: password.map(str::to_owned),
            deadline: Some(Instant::now() + Duration::from_secs(10)),
            ..Options::default()
        };
        let start = Instant::now();
        let handle = std::thread::Builder::new()
            .stack_size(2 << 20)
            .spawn(move || std::panic::catch_unwind(|| extract(&bytes, &options)));
        let result = match handle.map(|h| h.join()) {
            Ok(Ok(Ok(r))) => r,
            _ => {
                failures.push(format!("{file}: PANIC"));
                continue;
            }
        };
        let elapsed = start.elapsed();
        if elapsed > Duration::from_secs(10) {
            failures.push(format!("{file}: took {elapsed:?}"));
        }
        match (&result, expected) {
            (Ok(doc), Ok(min_cjk)) => {
                let n = all_text(doc).chars().filter(|&c| is_cjk(c)).count();
                if n < min_cjk {
                    failures.push(format!(
                        "{file}: {n} CJK chars, expected at least {min_cjk}"
                    ));
                }
                if all_text(doc).chars().any(|c| c.is_control() && c != '\n') {
                    failures.push(format!("{file}: control characters in the text"));
                }
            }
            (Err(e), Err(code)) if e.code() == code => {}
            (r, exp) => failures.push(format!(
                "{file} (password {password:?}): got {:?}, expected {exp:?}",
                r.as_ref().map(|d| d.pages.len()).map_err(|e| e.to_string())
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
