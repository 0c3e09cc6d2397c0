//! Builds a long synthetic bulletin by concatenating the pages of PDF files with lopdf: the inputs
//! are taken in turn (a, b, c, a, b, c, …) until the output has at least `--min-pages` pages.
//!
//! ```sh
//! cargo run --release --example make_long_pdf -- --min-pages 500 -o long.pdf a.pdf b.pdf c.pdf
//! ```
//!
//! Each copy's objects are renumbered into their own range and kept whole (fonts, images, content
//! streams, annotations), so every page keeps exactly the resources it had. Attributes a page
//! inherited from its old page tree (`Resources`, `MediaBox`, `CropBox`, `Rotate`) are copied onto
//! the page before it is moved under the new, flat page tree. Encrypted inputs are refused. Prints
//! `long pages=P copies=C bytes=B path=…` on stdout.

use std::path::PathBuf;
use std::process::ExitCode;

use lopdf::{Dictionary, Document, Object, ObjectId};

const INHERITED: [&[u8]; 4] = [b"Resources", b"MediaBox", b"CropBox", b"Rotate"];

fn main() -> ExitCode {
    let mut min_pages = 500usize;
    let mut output: Option<PathBuf> = None;
    let mut inputs = Vec::new();
    let mut args = std::env::args_os().skip(1);
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("--min-pages") => match args.next().and_then(|v| v.to_str()?.parse().ok()) {
                Some(n) if n > 0 => min_pages = n,
                _ => return usage("--min-pages needs a positive number"),
            },
            Some("-o" | "--output") => match args.next() {
                Some(path) => output = Some(PathBuf::from(path)),
                None => return usage("-o needs a file name"),
            },
            Some("-h" | "--help") => return usage(""),
            _ => inputs.push(PathBuf::from(arg)),
        }
    }
    let Some(output) = output else {
        return usage("no output (-o FILE.pdf)");
    };
    if inputs.is_empty() {
        return usage("no input");
    }
    let mut sources = Vec::new();
    for input in &inputs {
        match std::fs::read(input) {
            Ok(bytes) => sources.push(bytes),
            Err(e) => {
                eprintln!("make_long_pdf: {}: {e}", input.display());
                return ExitCode::from(2);
            }
        }
    }
    match build(&sources, min_pages) {
        Ok((mut doc, pages, copies)) => match doc.save(&output) {
            Ok(_) => {
                let bytes = std::fs::metadata(&output).map_or(0, |m| m.len());
                println!(
                    "long pages={pages} copies={copies} bytes={bytes} path={}",
                    output.display()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("make_long_pdf: cannot write {}: {e}", output.display());
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("make_long_pdf: {e}");
            ExitCode::FAILURE
        }
    }
}

fn usage(problem: &str) -> ExitCode {
    if !problem.is_empty() {
        eprintln!("make_long_pdf: {problem}");
    }
    eprintln!("usage: make_long_pdf [--min-pages N] -o OUT.pdf IN.pdf...");
    ExitCode::from(2)
}

/// The merged document, its page count and how many input copies went into it.
fn build(sources: &[Vec<u8>], min_pages: usize) -> Result<(Document, usize, usize), String> {
    let mut merged = Document::with_version("1.7");
    let pages_id = merged.new_object_id();
    let mut kids: Vec<ObjectId> = Vec::new();
    let mut copies = 0usize;
    let mut next_id = merged.max_id + 1;

    for (n, bytes) in sources.iter().cycle().enumerate() {
        if kids.len() >= min_pages {
            break;
        }
        let index = n % sources.len();
        let mut doc = Document::load_mem(bytes).map_err(|e| format!("input {}: {e}", index + 1))?;
        if doc.is_encrypted() || doc.was_encrypted() {
            return Err(format!(
                "input {}: encrypted inputs are not supported",
                index + 1
            ));
        }
        let page_count = doc.get_pages().len();
        if page_count == 0 {
            return Err(format!("input {}: no pages", index + 1));
        }
        doc.renumber_objects_with(next_id);
        next_id = doc.max_id + 1;

        let page_ids: Vec<ObjectId> = doc.page_iter().collect();
        for &page_id in &page_ids {
            let inherited = inherited_attributes(&doc, page_id);
            let page = doc
                .get_dictionary_mut(page_id)
                .map_err(|e| format!("input {}: page {page_id:?}: {e}", index + 1))?;
            for (key, value) in inherited {
                page.set(key, value);
            }
            page.set("Parent", Object::Reference(pages_id));
        }
        // Everything but the old catalog and page-tree nodes moves over; what the new tree no
        // longer reaches is pruned before saving.
        for (id, object) in std::mem::take(&mut doc.objects) {
            let skip = object.as_dict().is_ok_and(|d| {
                d.has_type(b"Catalog") || (d.has_type(b"Pages") && !page_ids.contains(&id))
            });
            if !skip {
                merged.objects.insert(id, object);
            }
        }
        kids.extend(page_ids);
        copies += 1;
    }

    let count = kids.len();
    let mut pages = Dictionary::new();
    pages.set("Type", "Pages");
    pages.set(
        "Kids",
        kids.into_iter().map(Object::Reference).collect::<Vec<_>>(),
    );
    pages.set("Count", count as i64);
    merged.objects.insert(pages_id, Object::Dictionary(pages));
    let mut catalog = Dictionary::new();
    catalog.set("Type", "Catalog");
    catalog.set("Pages", Object::Reference(pages_id));
    let catalog_id = merged.add_object(catalog);
    merged.max_id = merged.max_id.max(next_id);
    merged.trailer.set("Root", Object::Reference(catalog_id));
    merged.prune_objects();
    Ok((merged, count, copies))
}

/// The inheritable attributes `page_id` lacks but one of its ancestors has (nearest first wins).
fn inherited_attributes(doc: &Document, page_id: ObjectId) -> Vec<(Vec<u8>, Object)> {
    let Ok(page) = doc.get_dictionary(page_id) else {
        return Vec::new();
    };
    let mut found: Vec<(Vec<u8>, Object)> = Vec::new();
    let mut parent = page.get(b"Parent").and_then(Object::as_reference).ok();
    let mut depth = 0;
    while let Some(id) = parent {
        depth += 1;
        let Ok(node) = doc.get_dictionary(id) else {
            break;
        };
        if depth > 64 {
            break;
        }
        for key in INHERITED {
            let missing = !page.has(key) && !found.iter().any(|(k, _)| k.as_slice() == key);
            if missing && let Ok(value) = node.get(key) {
                found.push((key.to_vec(), value.clone()));
            }
        }
        parent = node.get(b"Parent").and_then(Object::as_reference).ok();
    }
    found
}
