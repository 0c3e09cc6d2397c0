//! Compares the lazy object reader with lopdf on each PDF given, and says what `extract` makes
//! of it: `cargo run --release -p bulletin-pdf --features oracle --example lazy_oracle -- FILE…`.
//! For a file the fuzz target `lazy` reports, this shows which object differs.

fn main() {
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                println!("{path}: {e}");
                continue;
            }
        };
        let compared = match bulletin_pdf::compare_lazy_with_lopdf(&bytes) {
            Ok(0) => "left to lopdf".to_string(),
            Ok(n) => format!("{n} objects agree"),
            Err(e) => format!("DIFFER: {e}"),
        };
        let extracted = match bulletin_pdf::extract(&bytes, &bulletin_pdf::Options::default()) {
            Ok(doc) => format!("{} pages", doc.pages.len()),
            Err(e) => e.to_string(),
        };
        println!("{path}: {compared}; extract: {extracted}");
    }
}
