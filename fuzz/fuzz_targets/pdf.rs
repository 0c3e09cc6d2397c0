//! Raw bytes → `bulletin_pdf::extract`, with small limits and a deadline: any panic, any run
//! past the deadline by more than a moment, any allocation past libFuzzer's `-rss_limit_mb` is a
//! bug in the extractor.
#![no_main]

use std::time::{Duration, Instant};

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = bulletin_pdf::Options {
        max_stream_bytes: 8 << 20,
        max_total_bytes: 32 << 20,
        max_pages: 64,
        max_form_depth: 8,
        deadline: Some(Instant::now() + Duration::from_secs(2)),
        ..bulletin_pdf::Options::default()
    };
    let _ = bulletin_pdf::extract(data, &options);
});
