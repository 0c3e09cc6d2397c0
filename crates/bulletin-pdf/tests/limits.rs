//! Resource limits on hostile input: decompression bombs spread over many streams, shared
//! streams drawn many times, and exponential Form XObject fan-out ("billion laughs").

use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bulletin_pdf::{Error, Options, extract};
use lopdf::{Document, Object, Stream, dictionary};

/// A document whose pages draw the given content streams: `pages[i]` lists indexes into
/// `streams`, each a `(decoded size in bytes, text drawn after the padding)`.
fn build(streams: &[(usize, &str)], pages: &[Vec<usize>]) -> Vec<u8> {
    let mut doc = Document::with_version("1.5");
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let ids: Vec<_> = streams
        .iter()
        .map(|(n, text)| {
            let mut data = vec![b' '; *n];
            data.extend_from_slice(format!("BT /F1 12 Tf 72 700 Td ({text}) Tj ET").as_bytes());
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(&data).ok();
            let z = e.finish().unwrap_or_default();
            doc.add_object(Stream::new(dictionary! { "Filter" => "FlateDecode" }, z))
        })
        .collect();
    let pages_id = doc.new_object_id();
    let kids: Vec<Object> = pages
        .iter()
        .map(|contents| {
            let contents: Vec<Object> = contents.iter().map(|&i| ids[i].into()).collect();
            doc.add_object(dictionary! {
                "Type" => "Page", "Parent" => pages_id,
                "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
                "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
                "Contents" => contents,
            })
            .into()
        })
        .collect();
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).ok();
    out
}

fn small_caps() -> Options {
    Options {
        max_stream_bytes: 4 << 20,
        max_total_bytes: 10 << 20,
        deadline: Some(Instant::now() + Duration::from_secs(20)),
        ..Options::default()
    }
}

#[test]
fn defaults_are_sized_for_bulletins() {
    let o = Options::default();
    assert_eq!(o.max_stream_bytes, 64 << 20);
    assert_eq!(o.max_total_bytes, 256 << 20);
}

#[test]
fn many_streams_under_the_stream_cap_hit_the_total_cap() {
    // Five distinct 3 MiB streams on one page: 15 MiB, over the 10 MiB total.
    let bytes = build(
        &[
            (3 << 20, "a"),
            (3 << 20, "b"),
            (3 << 20, "c"),
            (3 << 20, "d"),
            (3 << 20, "e"),
        ],
        &[vec![0, 1, 2, 3, 4]],
    );
    let start = Instant::now();
    match extract(&bytes, &small_caps()) {
        Err(Error::ResourceLimit(m)) => assert!(m.contains("in total"), "{m}"),
        other => panic!("{:?}", other.map(|d| d.pages.len())),
    }
    assert!(start.elapsed() < Duration::from_secs(5));
    // Spread over pages, the same.
    let bytes = build(
        &[
            (3 << 20, "a"),
            (3 << 20, "b"),
            (3 << 20, "c"),
            (3 << 20, "d"),
        ],
        &[vec![0], vec![1], vec![2], vec![3]],
    );
    assert_eq!(
        extract(&bytes, &small_caps())
            .err()
            .as_ref()
            .map(Error::code),
        Some("resource_limit")
    );
    // Under both caps: read.
    let bytes = build(&[(3 << 20, "a"), (3 << 20, "b")], &[vec![0, 1]]);
    let doc = extract(&bytes, &small_caps()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.pages[0].lines.len(), 1);
}

#[test]
fn a_stream_shared_by_many_pages_is_decoded_once() {
    // One 3 MiB stream drawn 8 times by one page and once by each of 40 pages: decoded once,
    // so it costs 3 MiB of the 10 MiB budget, not 144 MiB.
    let mut pages = vec![vec![0; 8]];
    pages.extend(std::iter::repeat_n(vec![0], 40));
    let bytes = build(&[(3 << 20, "shared")], &pages);
    let start = Instant::now();
    let doc = extract(&bytes, &small_caps()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.pages.len(), 41);
    assert!(doc.pages.iter().all(|p| !p.lines.is_empty()));
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn operands_may_continue_in_the_next_content_stream() {
    // `/Contents [a b]` is one content stream split at token boundaries.
    let mut doc = Document::with_version("1.5");
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let a = doc.add_object(Stream::new(
        dictionary! {},
        b"BT /F1 12 Tf 72 700 Td (split)".to_vec(),
    ));
    let b = doc.add_object(Stream::new(dictionary! {}, b"Tj ET".to_vec()));
    let pages_id = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
        "Contents" => vec![a.into(), b.into()],
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).ok();
    let doc = extract(&bytes, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        doc.pages[0].lines.first().map(|l| l.text.as_str()),
        Some("split")
    );
}

fn hostile(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/hostile")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn form_fan_out_is_bounded() {
    // 12 forms, each drawing the next 10 times: 10^12 calls without a cycle.
    let bytes = hostile("form-laughs.pdf");
    let options = Options {
        deadline: Some(Instant::now() + Duration::from_secs(20)),
        ..Options::default()
    };
    let start = Instant::now();
    let doc = extract(&bytes, &options).unwrap_or_else(|e| panic!("{e}"));
    // Debug builds are ~10x slower than the release CLI (0.3 s).
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "{:?}",
        start.elapsed()
    );
    assert!(
        doc.warnings.iter().any(|w| w.code == "content_limit"),
        "{:?}",
        doc.warnings
    );
    // The page's own text, drawn before the forms, is kept.
    let text: String = doc.pages[0].lines.iter().map(|l| l.text.as_str()).collect();
    assert!(text.contains("恶意结构"), "{text}");
    // A file-wide budget smaller than the page's: the file fails.
    let tight = Options {
        max_total_work: 1_000_000,
        ..options
    };
    assert_eq!(
        extract(&bytes, &tight).err().as_ref().map(Error::code),
        Some("resource_limit")
    );
}

#[test]
fn object_streams_count_against_the_file_budget() {
    // 30 object streams of 3 MiB each (two FlateDecode layers), all unpacked by lopdf while
    // loading: each under the 4 MiB cap, 90 MiB together.
    let bytes = hostile("objstm-many.pdf");
    let start = Instant::now();
    match extract(&bytes, &small_caps()) {
        Err(Error::ResourceLimit(m)) => assert!(m.contains("in total"), "{m}"),
        other => panic!("{:?}", other.map(|d| d.pages.len())),
    }
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    // With room for them, the page inside the first object stream is read.
    let roomy = Options {
        max_total_bytes: 1 << 30,
        ..small_caps()
    };
    let doc = extract(&bytes, &roomy).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.pages.len(), 1);
}

/// A page whose content stream's `/Length` is a reference to another stream, whose `/Length` is
/// a reference to the next, `depth` deep; the last `/Length` is an integer.
fn length_chain(depth: usize) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let mut add = |out: &mut Vec<u8>, num: usize, body: &str| {
        offsets.push(out.len());
        out.extend_from_slice(format!("{num} 0 obj\n{body}\nendobj\n").as_bytes());
    };
    add(&mut out, 1, "<< /Type /Catalog /Pages 2 0 R >>");
    add(&mut out, 2, "<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    add(
        &mut out,
        3,
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    );
    for k in 4..4 + depth {
        add(
            &mut out,
            k,
            &format!("<< /Length {} 0 R >>\nstream\n\nendstream", k + 1),
        );
    }
    add(&mut out, 4 + depth, "0");
    let xref = out.len();
    let size = 5 + depth;
    out.extend_from_slice(format!("xref\n0 {size}\n0000000000 65535 f \n").as_bytes());
    for o in &offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {size} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n").as_bytes(),
    );
    out
}

/// lopdf resolves a chain of `/Length` references recursively while it loads: 1,600 deep it
/// overflowed a worker thread's stack and aborted the whole batch (found by fuzzing). Such a file
/// is now refused as damaged before lopdf sees it, on a thread with a small stack as in a batch;
/// a short chain still reads.
#[test]
fn length_reference_chains_are_refused_not_overflowed() {
    let run = |depth: usize| {
        let bytes = length_chain(depth);
        std::thread::Builder::new()
            .stack_size(512 << 10)
            .spawn(move || extract(&bytes, &Options::default()).map(|d| d.pages.len()))
            .unwrap()
            .join()
            .unwrap()
    };
    for depth in [5_000, 100_000] {
        match run(depth) {
            Err(Error::Damaged(m)) => assert!(m.contains("refer to one another"), "{m}"),
            other => panic!("{depth}: {other:?}"),
        }
    }
    assert!(matches!(run(3), Ok(1)), "{:?}", run(3));
}
