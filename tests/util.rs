//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The project's root folder.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The fixtures folder.
pub fn fixtures() -> PathBuf {
    root().join("fixtures")
}

/// Runs the built `bulletin` binary with `args`.
pub fn bulletin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .args(args)
        .output()
        .expect("the bulletin binary runs")
}

/// Every file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The form in which the scorer compares strings: NFKC, whitespace removed.
pub fn norm(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfkc().filter(|c| !c.is_whitespace()).collect()
}

/// Similarity ratio 2·LCS-ish/(|a|+|b|) in the spirit of difflib, computed as
/// 1 − edit distance / max length (close enough for a ≥ 0.99 threshold).
pub fn similarity(a: &str, b: &str) -> f64 {
    let a: Vec<char> = norm(a).chars().collect();
    let b: Vec<char> = norm(b).chars().collect();
    if a == b {
        return 1.0;
    }
    let n = a.len().max(b.len());
    if n == 0 {
        return 1.0;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    1.0 - prev[b.len()] as f64 / n as f64
}
