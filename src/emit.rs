//! Emit: documents become JSON text, written atomically to files or as JSON Lines to a stream.
//!
//! A file is written to a temporary name in the destination directory, flushed, and renamed over
//! the final name, so a reader (or a killed run) never sees half a document.

use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::Document;

/// Serialises a document: one line, or indented with `pretty`.
pub fn to_json(document: &Document, pretty: bool) -> String {
    let result = if pretty {
        serde_json::to_string_pretty(document)
    } else {
        serde_json::to_string(document)
    };
    // Our types serialise infallibly (string keys, no non-finite floats).
    result.unwrap_or_else(|e| format!("{{\"error\":\"serialisation failed: {e}\"}}"))
}

/// Writes `contents` to `path` atomically: temp file in the same directory, then rename, so a
/// reader or a killed run sees the old file or the new one, never part of one.
///
/// There is no fsync per file: it guards only against power loss, cost 40 % of a batch's time in
/// the benchmark, and a re-run with `--skip-unchanged` redoes whatever a crash lost.
pub fn write_atomic(path: &Path, contents: &[u8]) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    // A failing mkdir costs the file system more than a lookup, and the folder is usually there.
    if !dir.is_dir() {
        fs::create_dir_all(dir)?;
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(temp_name(&name));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(contents)?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A temporary name for `name` in the same folder: `.<prefix>~<n>.tmp-<pid>`. The prefix is cut to
/// 64 bytes so that a legal name near the 255-byte limit still has a legal temporary name; the
/// sequence number keeps names distinct. The `.tmp-<pid>` ending is what a resumed run looks for
/// to clear what a killed one left behind.
fn temp_name(name: &str) -> String {
    static SEQUENCE: AtomicU64 = AtomicU64::new(0);
    let mut cut = name.len().min(64);
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    static PID: std::sync::OnceLock<u32> = std::sync::OnceLock::new();
    let n = SEQUENCE.fetch_add(1, Ordering::Relaxed);
    let pid = PID.get_or_init(std::process::id);
    format!(".{}~{n}.tmp-{pid}", &name[..cut])
}

/// Where the document for `relative` (the input's path relative to its root, or its file name)
/// goes under `out_dir`: same folders, last extension replaced by `.json`. Components that could
/// leave `out_dir` (`..`, roots, prefixes) are dropped.
pub fn output_path(out_dir: &Path, relative: &Path) -> PathBuf {
    let mut path = out_dir.to_path_buf();
    for c in relative.components() {
        if let Component::Normal(part) = c {
            path.push(part);
        }
    }
    path.set_extension("json");
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn output_paths_stay_inside() {
        let out = Path::new("/out");
        assert_eq!(
            output_path(out, Path::new("a.pdf")),
            Path::new("/out/a.json")
        );
        assert_eq!(
            output_path(out, Path::new("2021-13.utf8.txt")),
            Path::new("/out/2021-13.utf8.json")
        );
        assert_eq!(
            output_path(out, Path::new("x/y.txt")),
            Path::new("/out/x/y.json")
        );
        assert_eq!(
            output_path(out, Path::new("../../etc/p.pdf")),
            Path::new("/out/etc/p.json")
        );
        assert_eq!(
            output_path(out, Path::new("/abs/p.pdf")),
            Path::new("/out/abs/p.json")
        );
    }

    #[test]
    fn temp_names_stay_short() {
        let long = "长".repeat(81) + ".json";
        let t = temp_name(&long);
        assert!(t.len() < 100, "{t}");
        assert!(t.starts_with(".长") && t.contains(".tmp-"));
        assert_ne!(temp_name("a.json"), temp_name("a.json"));
    }

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        let names: Vec<_> = fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
