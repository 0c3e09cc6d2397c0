//! Raw bytes → the lazy object reader and lopdf side by side: whenever both take the file, every
//! object lopdf loads must be the object the lazy reader gives, or the lazy reader must ask for
//! lopdf (`bulletin_pdf::compare_lazy_with_lopdf`). A difference is a bug in `syntax.rs` or
//! `objects.rs`: the extractor would read the file differently from lopdf without knowing it.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(e) = bulletin_pdf::compare_lazy_with_lopdf(data) {
        panic!("lazy reader and lopdf differ: {e}");
    }
});
