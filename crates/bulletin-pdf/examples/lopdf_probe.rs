//! Loads files with bare lopdf in a 2 MiB-stack thread, to see whether its parser survives them.
fn main() {
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let h = std::thread::Builder::new().stack_size(2 << 20).spawn(move || {
            match lopdf::Document::load_mem(&bytes) {
                Ok(d) => format!("ok pages={} recovery={:?}", d.get_pages().len(), d.xref_recovery),
                Err(e) => format!("err {e}"),
            }
        });
        match h.map(|h| h.join()) {
            Ok(Ok(s)) => println!("{path}: {s}"),
            _ => println!("{path}: panicked"),
        }
    }
}
