//! Raw bytes → the whole pipeline as a text file (`process_input` with a `.txt` name): decoding,
//! cleaning, structure, entries, checks, schema validation. Inputs that carry a `%PDF-` header
//! would be read as PDF whatever their name; the `pdf` target covers those.
#![no_main]

use std::path::Path;
use std::time::Duration;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if data[..data.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
    {
        return;
    }
    let mut config = bulletin::Config::default();
    config.timeout = Some(Duration::from_secs(2));
    let input =
        bulletin::input::Input::from_bytes("fuzz.txt".into(), data.to_vec(), Path::new("fuzz.txt"));
    let _ = bulletin::process_input(&input, &config);
});
