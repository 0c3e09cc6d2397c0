//! lopdf's loader under the file's budget and deadline: takes a file's bytes and lopdf's load
//! options, gives lopdf's document (or its error), or the file's own resource-limit or timeout
//! error.
//!
//! lopdf unpacks every object stream of an unencrypted file while it loads it, and bounds each one
//! (`max_decompressed_size`) but not their sum, with no deadline: a small damaged file holding
//! thousands of object streams that each inflate to just under the bound kept a worker busy for
//! minutes (77 KB, 200 streams: 10 s). lopdf calls its load filter with each object before it
//! unpacks it, so the filter here decodes each object stream first, with lopdf's own decoder (its
//! filters and fallbacks: what is charged is what lopdf would inflate), charges it and checks the
//! deadline. lopdf then decodes it again: handed the decoded data instead, it would keep it with
//! the document (a file's object streams are small, except in such a file, where that would be
//! the whole budget held in memory). The filter is a plain function: its state lives in a
//! thread-local for the length of one load (lopdf, built without rayon, loads on the calling
//! thread).
//!
//! A filter also turns off lopdf's rebuilding of a file whose page tree it could not load (a
//! filter may drop the page tree on purpose); [`load`] does that rebuild itself, as lopdf does.
//!
//! lopdf decrypts and unpacks the object streams of an encrypted file without calling the filter:
//! those are found through the file's cross-reference data, decrypted with lopdf's own handler
//! and charged by [`charge_encrypted`] before lopdf loads the file (an encrypted file whose
//! cross-reference data does not read, which lopdf rebuilds, is not covered).

use std::cell::RefCell;
use std::time::Instant;

use lopdf::xref::XrefRecovery;
use lopdf::{DecompressError, Document, EncryptionState, LoadOptions, Object, ObjectId, Stream};

use crate::Error;
use crate::filters::Budget;

/// What the object streams of the file being loaded on this thread may still decode to.
struct Charge {
    max_stream: u64,
    max_total: u64,
    left: u64,
    used: u64,
    deadline: Option<Instant>,
    stopped: Option<Error>,
}

thread_local! {
    static CHARGE: RefCell<Option<Charge>> = const { RefCell::new(None) };
}

/// Clears the thread's charge when a load ends, also by unwinding.
struct Loading;

impl Drop for Loading {
    fn drop(&mut self) {
        CHARGE.with_borrow_mut(|c| *c = None);
    }
}

/// Loads `bytes` with lopdf and `options` (its filter replaced), charging to `budget` what the
/// object streams lopdf unpacks decode to. The outer error is the budget's (total exceeded,
/// deadline passed); the inner one is lopdf's.
pub(crate) fn load(
    bytes: &[u8],
    options: LoadOptions,
    budget: &Budget,
) -> Result<lopdf::Result<Document>, Error> {
    CHARGE.with_borrow_mut(|c| *c = Some(Charge::new(budget)));
    let _loading = Loading;
    let with = |force_reconstruct: bool| {
        let options = LoadOptions {
            filter: Some(charge_object_streams),
            force_reconstruct,
            ..options.clone()
        };
        Document::load_mem_with_options(bytes, options)
    };
    let mut loaded = with(options.force_reconstruct);
    let stopped = || CHARGE.with_borrow(|c| c.as_ref().is_some_and(|c| c.stopped.is_some()));
    // lopdf's own rule for an unfiltered load: a lenient load whose catalog leads to no page
    // tree is tried again with the cross-reference data rebuilt from the objects found.
    if let Ok(doc) = &loaded
        && !stopped()
        && !options.strict
        && !options.force_reconstruct
        && !(doc.trailer.has(b"Encrypt") && doc.encryption_state.is_none())
        && doc.xref_recovery != Some(XrefRecovery::Reconstructed)
        && !page_tree_loaded(doc)
        && let Ok(rebuilt) = with(true)
        && rebuilt.xref_recovery == Some(XrefRecovery::Reconstructed)
        && page_tree_loaded(&rebuilt)
    {
        loaded = Ok(rebuilt);
    }
    let charge = CHARGE.with_borrow_mut(Option::take);
    if let Some(charge) = charge {
        if let Some(stop) = charge.stopped {
            return Err(stop);
        }
        budget.charge(charge.used)?;
    }
    Ok(loaded)
}

/// Whether the catalog leads to the root of a page tree, a dictionary with `/Kids` (lopdf's test
/// before it rebuilds a file).
fn page_tree_loaded(doc: &Document) -> bool {
    doc.catalog()
        .and_then(|catalog| catalog.get(b"Pages"))
        .and_then(Object::as_reference)
        .and_then(|root| doc.get_dictionary(root))
        .and_then(|root| root.get_deref(b"Kids", doc))
        .and_then(Object::as_array)
        .is_ok()
}

/// lopdf's load filter. For an indirect object lopdf only asks whether to keep it (and keeps its
/// own); for a member of an object stream it keeps what is returned. Object streams are decoded
/// and charged here before lopdf unpacks them; once the budget or the deadline is gone, nothing
/// more is kept, so the load ends quickly and [`load`] reports why.
fn charge_object_streams(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    CHARGE.with_borrow_mut(|charge| {
        let Some(charge) = charge else {
            return Some((id, object.clone()));
        };
        if charge.stopped.is_some() {
            return None;
        }
        let Object::Stream(stream) = object else {
            return Some((id, object.clone()));
        };
        if stream.dict.has_type(b"ObjStm") {
            charge.object_stream(stream);
            if charge.stopped.is_some() {
                return None;
            }
        }
        // A stream is never a member of an object stream: this is an indirect object, which
        // lopdf keeps as it is.
        Some((id, Object::Null))
    })
}

/// Charges to `budget` what the object streams of an encrypted file decode to, decrypted as
/// lopdf will decrypt them (with the password given, or the empty one): lopdf unpacks them without
/// calling its filter. Once per file, before lopdf's first attempt at it (a retry reads the same
/// objects). Nothing when the file is not encrypted or does not open.
pub(crate) fn charge_encrypted(
    bytes: &[u8],
    password: Option<&str>,
    budget: &Budget,
) -> Result<(), Error> {
    let mut charge = Charge::new(budget);
    charge.encrypted_object_streams(bytes, password);
    if let Some(stop) = charge.stopped {
        return Err(stop);
    }
    budget.charge(charge.used)
}

impl Charge {
    fn new(budget: &Budget) -> Charge {
        Charge {
            max_stream: budget.max_stream,
            max_total: budget.max_total,
            left: budget.left(),
            used: 0,
            deadline: budget.deadline,
            stopped: None,
        }
    }

    fn encrypted_object_streams(&mut self, bytes: &[u8], password: Option<&str>) {
        let Some(parts) = crate::objects::encrypted_object_streams(bytes, self.max_stream) else {
            return;
        };
        let mut doc = Document::new();
        doc.trailer = parts.trailer;
        if let Some((id, object)) = parts.encrypt {
            doc.objects.insert(id, object);
        }
        let Some(state) = [password.unwrap_or(""), ""]
            .into_iter()
            .find_map(|p| EncryptionState::decode(&doc, p).ok())
        else {
            return;
        };
        for (id, stream) in parts.object_streams {
            let mut object = Object::Stream(stream);
            // lopdf keeps what a failed decryption leaves, and so does the charge.
            let _ = lopdf::encryption::decrypt_object(&state, id, &mut object);
            if let Object::Stream(stream) = &object {
                self.object_stream(stream);
            }
            if self.stopped.is_some() {
                return;
            }
        }
    }

    fn object_stream(&mut self, stream: &Stream) {
        if self.deadline.is_some_and(|d| Instant::now() > d) {
            self.stopped = Some(Error::Timeout);
            return;
        }
        let limit = self.max_stream.min(self.left);
        match stream.get_plain_content_with_limit(usize::try_from(limit).unwrap_or(usize::MAX)) {
            Ok(plain) => {
                let n = plain.len() as u64;
                self.used = self.used.saturating_add(n);
                self.left = self.left.saturating_sub(n);
            }
            Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. }))
                if limit < self.max_stream =>
            {
                self.stopped = Some(crate::filters::total_exceeded(self.max_total));
            }
            // Over the bound of one stream, or not decodable: lopdf meets the same error when it
            // decodes the stream itself, and treats it as it always does.
            Err(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// A one-page PDF plus `n` object streams nothing refers to, typed `/Obj#53tm`, each of two
    /// Flate layers over `mib` MiB of zeros; with `broken`, every cross-reference offset is off
    /// by three bytes (lopdf rebuilds the table).
    fn bombs(n: usize, mib: usize, broken: bool) -> Vec<u8> {
        let deflate = |data: &[u8]| {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let data = deflate(&deflate(&vec![0u8; mib << 20]));
        let mut objects: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".to_vec(),
        ];
        for _ in 0..n {
            let mut o = format!(
                "<< /Type /Obj#53tm /N 1 /First 4 /Filter [/FlateDecode /FlateDecode] /Length {} >>\nstream\n",
                data.len()
            )
            .into_bytes();
            o.extend_from_slice(&data);
            o.extend_from_slice(b"\nendstream");
            objects.push(o);
        }
        let mut out = b"%PDF-1.5\n".to_vec();
        let mut offsets = Vec::new();
        for (i, o) in objects.iter().enumerate() {
            offsets.push(out.len());
            writeln!(out, "{} 0 obj", i + 1).unwrap();
            out.extend_from_slice(o);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
        for o in offsets {
            writeln!(out, "{:010} 00000 n ", o + if broken { 3 } else { 0 }).unwrap();
        }
        write!(
            out,
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .unwrap();
        out
    }

    fn options(max_stream: u64) -> LoadOptions {
        LoadOptions {
            max_decompressed_size: Some(max_stream as usize),
            ..LoadOptions::default()
        }
    }

    #[test]
    fn object_streams_are_charged_to_the_total() {
        // Eight streams of 4 MiB each: under the bound of one stream, over a 16 MiB total.
        let bytes = bombs(8, 4, true);
        let budget = Budget::new(8 << 20, 16 << 20);
        let err = load(&bytes, options(8 << 20), &budget).unwrap_err();
        assert!(matches!(err, Error::ResourceLimit(_)), "{err:?}");
        // With room for all of them, lopdf loads the file and the budget holds their sum.
        let budget = Budget::new(8 << 20, 64 << 20);
        let doc = load(&bytes, options(8 << 20), &budget).unwrap().unwrap();
        assert_eq!(doc.get_pages().len(), 1);
        assert_eq!(budget.used(), 32 << 20);
    }

    /// A one-page PDF encrypted with RC4 (empty user password) whose xref stream files objects
    /// 20.. in `n` object streams (10..), each two Flate layers over `mib` MiB of zeros.
    fn encrypted_bombs(n: u32, mib: usize) -> Vec<u8> {
        use lopdf::{EncryptionVersion, Permissions, StringFormat};
        let id = Object::String(b"0123456789abcdef".to_vec(), StringFormat::Hexadecimal);
        let mut doc = Document::with_version("1.5");
        doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
        let state = EncryptionState::try_from(EncryptionVersion::V2 {
            document: &doc,
            owner_password: "",
            user_password: "",
            key_length: 128,
            permissions: Permissions::all(),
        })
        .unwrap();
        let hex = |b: &[u8]| b.iter().map(|c| format!("{c:02x}")).collect::<String>();
        let mut encrypt = String::from("<<");
        for (key, value) in state.encode().unwrap().iter() {
            let value = match value {
                Object::Name(n) => format!("/{}", String::from_utf8_lossy(n)),
                Object::Integer(i) => i.to_string(),
                Object::Boolean(b) => b.to_string(),
                Object::String(s, _) => format!("<{}>", hex(s)),
                other => panic!("unexpected {other:?} in the /Encrypt dictionary"),
            };
            encrypt += &format!(" /{} {value}", String::from_utf8_lossy(key));
        }
        encrypt += " >>";
        let deflate = |data: &[u8]| {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(data).unwrap();
            e.finish().unwrap()
        };
        let data = deflate(&deflate(&vec![0u8; mib << 20]));
        let mut bodies: Vec<(u32, Vec<u8>)> = vec![
            (1, b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()),
            (2, b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec()),
            (
                3,
                b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>".to_vec(),
            ),
            (4, encrypt.into_bytes()),
        ];
        for i in 0..n {
            let num = 10 + i;
            let mut stream = Object::Stream(Stream::new(lopdf::Dictionary::new(), data.clone()));
            lopdf::encryption::encrypt_object(&state, (num, 0), &mut stream).unwrap();
            let Object::Stream(stream) = stream else {
                unreachable!()
            };
            let mut body = format!(
                "<< /Type /ObjStm /N 1 /First 4 /Filter [/FlateDecode /FlateDecode] /Length {} >>\nstream\n",
                stream.content.len()
            )
            .into_bytes();
            body.extend_from_slice(&stream.content);
            body.extend_from_slice(b"\nendstream");
            bodies.push((num, body));
        }
        let mut out = b"%PDF-1.5\n".to_vec();
        let mut offsets = std::collections::BTreeMap::new();
        for (num, body) in &bodies {
            offsets.insert(*num, out.len());
            writeln!(out, "{num} 0 obj").unwrap();
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        // The cross-reference stream (never encrypted): free, in the file, or in container 10+i.
        let xref_num = 20 + n;
        offsets.insert(xref_num, out.len());
        let mut rows = Vec::new();
        for num in 0..=xref_num {
            let (kind, field2, field3): (u8, u32, u16) = if let Some(&at) = offsets.get(&num) {
                (1, at as u32, 0)
            } else if (20..20 + n).contains(&num) {
                (2, num - 10, 0)
            } else {
                (0, 0, 0)
            };
            rows.push(kind);
            rows.extend_from_slice(&field2.to_be_bytes());
            rows.extend_from_slice(&field3.to_be_bytes());
        }
        write!(
            out,
            "{xref_num} 0 obj\n<< /Type /XRef /Size {} /W [1 4 2] /Root 1 0 R /Encrypt 4 0 R \
             /ID [<30313233343536373839616263646566> <30313233343536373839616263646566>] \
             /Length {} >>\nstream\n",
            xref_num + 1,
            rows.len()
        )
        .unwrap();
        out.extend_from_slice(&rows);
        write!(
            out,
            "\nendstream\nendobj\nstartxref\n{}\n%%EOF\n",
            offsets[&xref_num]
        )
        .unwrap();
        out
    }

    #[test]
    fn object_streams_of_an_encrypted_file_are_charged_too() {
        let bytes = encrypted_bombs(8, 4);
        // lopdf opens it, decrypts it and unpacks every object stream by itself.
        let plain = Document::load_mem_with_options(&bytes, options(8 << 20)).unwrap();
        assert!(plain.encryption_state.is_some());
        let charged = |budget: &Budget| {
            charge_encrypted(&bytes, None, budget)?;
            load(&bytes, options(8 << 20), budget)
        };
        let budget = Budget::new(8 << 20, 16 << 20);
        let err = charged(&budget).unwrap_err();
        assert!(matches!(err, Error::ResourceLimit(_)), "{err:?}");
        let budget = Budget::new(8 << 20, 64 << 20);
        let doc = charged(&budget).unwrap().unwrap();
        assert!(doc.encryption_state.is_some());
        assert_eq!(budget.used(), 32 << 20);
    }

    #[test]
    fn the_deadline_stops_a_load() {
        let bytes = bombs(4, 1, true);
        let mut budget = Budget::new(8 << 20, 64 << 20);
        budget.deadline = Some(Instant::now());
        let err = load(&bytes, options(8 << 20), &budget).unwrap_err();
        assert!(matches!(err, Error::Timeout), "{err:?}");
    }

    #[test]
    fn a_stream_over_the_bound_of_one_fails_as_lopdf_fails_it() {
        let bytes = bombs(1, 9, false);
        let budget = Budget::new(8 << 20, 64 << 20);
        let loaded = load(&bytes, options(8 << 20), &budget).unwrap();
        assert!(matches!(
            loaded,
            Err(lopdf::Error::Decompress(
                DecompressError::MemoryLimitExceeded { .. }
            ))
        ));
    }

    #[test]
    fn objects_load_as_lopdf_loads_them() {
        // Every PDF of the crate's test data and the fuzz regressions: where lopdf loads a file
        // by itself, the charged load gives the same objects, the same trailer and the same
        // repair.
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in [
            "tests/data",
            "tests/data/realworld",
            "tests/data/hostile",
            "../../fuzz/regressions",
        ] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "pdf") {
                    files.push(path);
                }
            }
        }
        let (mut compared, mut with_object_streams) = (0, 0);
        for path in &files {
            let bytes = std::fs::read(path).unwrap();
            let Ok(plain) = Document::load_mem_with_options(&bytes, options(64 << 20)) else {
                continue;
            };
            let budget = Budget::new(64 << 20, 1 << 30);
            let charged = load(&bytes, options(64 << 20), &budget).unwrap().unwrap();
            let name = path.display();
            assert!(plain.objects == charged.objects, "{name}");
            assert_eq!(plain.trailer, charged.trailer, "{name}");
            assert_eq!(plain.xref_recovery, charged.xref_recovery, "{name}");
            compared += 1;
            if plain
                .objects
                .values()
                .any(|o| matches!(o, Object::Stream(s) if s.dict.has_type(b"ObjStm")))
            {
                with_object_streams += 1;
            }
        }
        assert!(
            compared >= 40 && with_object_streams >= 5,
            "{compared} files, {with_object_streams} with object streams"
        );
    }
}
