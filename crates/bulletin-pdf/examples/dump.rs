//! Prints what the extractor reads from PDF files: `dump [-p password] [-q] FILE...`.
//! With `-q` only a one-line summary per file (result, pages, lines, CJK characters, time).

use std::time::{Duration, Instant};

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = bulletin_pdf::Options::default();
    let mut quiet = false;
    if let Some(i) = args.iter().position(|a| a == "-p") {
        if i + 1 < args.len() {
            opts.password = Some(args.remove(i + 1));
        }
        args.remove(i);
    }
    if let Some(i) = args.iter().position(|a| a == "-q") {
        quiet = true;
        args.remove(i);
    }
    for path in args {
        let Ok(bytes) = std::fs::read(&path) else {
            println!("{path}: cannot read");
            continue;
        };
        let t = Instant::now();
        opts.deadline = Some(t + Duration::from_secs(10));
        let r = bulletin_pdf::extract(&bytes, &opts);
        let el = t.elapsed().as_secs_f64();
        match r {
            Ok(doc) => {
                let text: String = doc
                    .pages
                    .iter()
                    .flat_map(|p| p.lines.iter())
                    .map(|l| l.text.as_str())
                    .collect();
                let cjk = text.chars().filter(|&c| is_cjk(c)).count();
                let lines: usize = doc.pages.iter().map(|p| p.lines.len()).sum();
                let codes: Vec<&str> = doc.warnings.iter().map(|w| w.code).collect();
                if quiet {
                    println!(
                        "{path}\tok\t{}p\t{lines}l\t{cjk}cjk\t{el:.3}s\t{codes:?}",
                        doc.pages.len()
                    );
                } else {
                    for p in &doc.pages {
                        println!(
                            "--- page {} ({}x{}) images={}",
                            p.number, p.width, p.height, p.has_images
                        );
                        for l in &p.lines {
                            println!(
                                "[{:.1},{:.1} {:.1}] {}",
                                l.bbox.x0, l.bbox.y0, l.font_size, l.text
                            );
                        }
                        for k in &p.links {
                            println!("LINK {:?} {}", k.rect, k.uri);
                        }
                    }
                    for w in &doc.warnings {
                        println!("WARNING {}: {}", w.code, w.message);
                    }
                    println!("{path}: ok {el:.3}s cjk={cjk}");
                }
            }
            Err(e) => println!("{path}\terr\t{}\t{e}\t{el:.3}s", e.code()),
        }
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3040..=0x30ff | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff | 0xac00..=0xd7af | 0x1100..=0x11ff | 0x20000..=0x3ffff)
}
