//! Opening a file: sanity checks, lopdf loading, decryption, xref repair, the page tree.
//!
//! Takes the file's bytes and the options and gives a loaded lopdf document with its pages
//! (inherited resources, boxes and rotation resolved), or the error a person should see: not a
//! PDF, truncated, password needed, unsupported encryption. Checks that lopdf cannot be trusted
//! with (absurd nesting that could exhaust the stack, files cut short) run on the raw bytes
//! first; the page-tree walk has a visited set and a depth limit.

use std::collections::{HashMap, HashSet};
use std::io::Write;

use lopdf::{Dictionary, Document, Object, ObjectId};

use crate::objects::Objects;

use crate::filters::{self, Budget};
use crate::lexer::Tok;
use crate::{Error, Options, Warning};

/// A page's resolved attributes.
pub(crate) struct PageRef<'a> {
    pub(crate) dict: &'a Dictionary,
    pub(crate) resources: Option<&'a Dictionary>,
    /// Crop box (falls back to the media box), normalised `[x0 y0 x1 y1]`.
    pub(crate) crop: [f32; 4],
    /// 0, 90, 180 or 270.
    pub(crate) rotate: u32,
}

/// A loaded document.
pub(crate) struct Loaded<'a> {
    pub(crate) doc: Objects<'a>,
    pub(crate) warnings: Vec<Warning>,
    /// The file was encrypted (and opened).
    pub(crate) encrypted: Option<String>,
}

const MAX_NESTING: usize = 2000;

const TRUNCATED: &str = "file ends without trailer, xref or %%EOF: truncated?";

fn find(hay: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(hay, needle).is_some()
}

/// Deepest nesting of `[` outside stream data. lopdf limits its own recursion, but the check is
/// cheap and keeps a parser change from turning 20,000 nested arrays into a stack overflow, which
/// would abort the process rather than return an error.
fn max_nesting(bytes: &[u8]) -> usize {
    // The whole file is scanned, so jump between brackets and `stream` keywords with memchr
    // rather than looking at every byte.
    let stream = memchr::memmem::Finder::new(b"stream");
    let endstream = memchr::memmem::Finder::new(b"endstream");
    let mut depth = 0usize;
    let mut max = 0usize;
    let mut i = 0;
    loop {
        let rest = bytes.get(i..).unwrap_or_default();
        let next_stream = stream.find(rest);
        let syntax = rest
            .get(..next_stream.unwrap_or(rest.len()))
            .unwrap_or_default();
        for at in memchr::memchr2_iter(b'[', b']', syntax) {
            if syntax.get(at) == Some(&b'[') {
                depth += 1;
                max = max.max(depth);
            } else {
                depth = depth.saturating_sub(1);
            }
        }
        // Binary stream data is not syntax: skip it, up to and including `endstream`.
        let Some(kw) = next_stream.map(|s| i + s) else {
            break;
        };
        match endstream.find(bytes.get(kw..).unwrap_or_default()) {
            Some(end) => i = kw + end + 9,
            None => break,
        }
    }
    max
}

/// Describes the encryption of a file from its trailer's `/Encrypt` dictionary.
fn describe_encryption(doc: &Document) -> (String, bool) {
    let deref = deref_loaded;
    let enc = match doc.trailer.get(b"Encrypt").map(|o| deref(doc, o)) {
        Ok(Object::Dictionary(d)) => d,
        _ => return ("encrypted".into(), true),
    };
    let get = |k: &[u8]| enc.get(k).ok().map(|o| deref(doc, o));
    let filter = match get(b"Filter") {
        Some(Object::Name(n)) => String::from_utf8_lossy(n).into_owned(),
        _ => "Standard".into(),
    };
    if filter != "Standard" {
        return (format!("security handler /{filter}"), false);
    }
    let v = get(b"V").and_then(|o| o.as_i64().ok()).unwrap_or(0);
    let r = get(b"R").and_then(|o| o.as_i64().ok()).unwrap_or(0);
    let len = get(b"Length").and_then(|o| o.as_i64().ok()).unwrap_or(40);
    let cfm = get(b"CF")
        .and_then(|cf| match cf {
            Object::Dictionary(d) => d.get(b"StdCF").ok().map(|o| deref(doc, o)),
            _ => None,
        })
        .and_then(|o| match o {
            Object::Dictionary(d) => d.get(b"CFM").ok().map(|o| deref(doc, o)),
            _ => None,
        })
        .and_then(|o| match o {
            Object::Name(n) => Some(n.clone()),
            _ => None,
        });
    let desc = match (v, cfm.as_deref()) {
        (5, _) | (_, Some(b"AESV3")) => "AES-256".to_string(),
        (4, Some(b"AESV2")) => "AES-128".to_string(),
        (4, _) => "RC4 128-bit".to_string(),
        (1, _) => "RC4 40-bit".to_string(),
        (2 | 3, _) => format!("RC4 {len}-bit"),
        _ => format!("V{v}/R{r}"),
    };
    (desc, true)
}

fn deref_loaded<'a>(doc: &'a Document, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(&Object::Null),
        _ => o,
    }
}

fn deref<'a>(doc: &'a Objects<'a>, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(&Object::Null),
        _ => o,
    }
}

fn find_from(hay: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(hay.get(from..)?, needle).map(|i| i + from)
}

/// Decodes (and charges to the file's budget) every FlateDecode object stream found by its
/// `/ObjStm` type in the raw bytes, whichever reader then opens the file, so that a file with an
/// object-stream bomb fails the same way on both. This search is rough (an escaped type, a filter
/// far from the type, another filter first go unseen); what bounds lopdf is `lopdf_load`, which
/// charges exactly the object streams lopdf unpacks, as it unpacks them. Encrypted ones do not
/// inflate here and cost nothing.
fn object_streams_within_budget(bytes: &[u8], budget: &Budget) -> Result<(), Error> {
    // Linear in the file whatever it holds: the next `stream` keyword is searched forward only,
    // a type not followed by one within 1 KiB is skipped at once, and scanning resumes after the
    // stream's data.
    let mut pos = 0;
    let mut next_kw = find_from(bytes, 0, b"stream");
    while let Some(at) = find_from(bytes, pos, b"/ObjStm") {
        pos = at + 7;
        if next_kw.is_some_and(|k| k < at) {
            next_kw = find_from(bytes, at, b"stream");
        }
        let Some(kw) = next_kw.filter(|&k| k - at <= 1024) else {
            if next_kw.is_none() {
                break;
            }
            continue;
        };
        let mut start = kw + 6;
        if bytes.get(start) == Some(&b'\r') {
            start += 1;
        }
        if bytes.get(start) == Some(&b'\n') {
            start += 1;
        }
        let start = start.min(bytes.len());
        let end = find_from(bytes, start, b"endstream").unwrap_or(bytes.len());
        // The filters sit in the dictionary around the type.
        let dict = &bytes[at.saturating_sub(256)..kw];
        let layers = dict.windows(12).filter(|w| w == b"/FlateDecode").count()
            + dict.windows(4).filter(|w| w == b"/Fl ").count();
        if layers > 0 {
            filters::charge_inflated(&bytes[start..end], layers.min(8), budget)?;
        }
        pos = end.max(pos);
    }
    Ok(())
}

/// Opens the file: its objects read lazily when the file allows (see `objects`), otherwise
/// loaded (and decrypted) by lopdf. The checks on the raw bytes run first either way, so a file
/// fails with the same error whichever way it would have been read.
pub(crate) fn load<'a>(
    bytes: &'a [u8],
    options: &Options,
    budget: &Budget,
) -> Result<Loaded<'a>, Error> {
    let tail_ok = check_bytes(bytes, budget)?;
    if let Some(doc) = Objects::lazy(bytes, options.max_stream_bytes, options.max_total_bytes) {
        return Ok(Loaded {
            doc,
            warnings: tail_warning(tail_ok),
            encrypted: None,
        });
    }
    load_with_lopdf(bytes, options, tail_ok, budget)
}

/// Deepest chain of `/Length` references lopdf may follow. A sound file's `/Length` refers to an
/// integer (depth 1).
const MAX_LENGTH_CHAIN: usize = 32;

/// The longest chain of objects whose `/Length` is a reference to the next one. lopdf resolves
/// such a chain recursively while it loads, so a long one overflows the stack and aborts the
/// process (1,600 deep on a worker thread; found by fuzzing). Object headers and `/Length`
/// entries are found in the raw bytes: a header inside stream data can at worst make a chain
/// look longer, and only a file with chains of `/Length`s to streams is refused.
fn length_chain_depth(bytes: &[u8]) -> usize {
    let is_white = crate::lexer::is_white;
    let digits_before = |end: usize| -> Option<(usize, u32)> {
        let start = bytes[..end]
            .iter()
            .rposition(|c| !c.is_ascii_digit())
            .map_or(0, |p| p + 1);
        let text = std::str::from_utf8(bytes.get(start..end)?).ok()?;
        Some((start, text.parse().ok()?))
    };
    let blanks_before = |end: usize| -> usize {
        bytes[..end]
            .iter()
            .rposition(|&c| !is_white(c))
            .map_or(0, |p| p + 1)
    };
    // Object headers `num gen obj`, by position.
    let mut headers: Vec<(usize, u32)> = Vec::new();
    for at in memchr::memmem::find_iter(bytes, b"obj") {
        let gen_end = blanks_before(at);
        if gen_end == at {
            continue;
        }
        let Some((gen_start, _)) = digits_before(gen_end) else {
            continue;
        };
        let num_end = blanks_before(gen_start);
        if num_end == gen_start {
            continue;
        }
        if let Some((num_start, num)) = digits_before(num_end) {
            headers.push((num_start, num));
        }
    }
    // `/Length num gen R`, each under the header before it.
    let mut next: HashMap<u32, u32> = HashMap::new();
    for at in memchr::memmem::find_iter(bytes, b"/Length") {
        if !bytes
            .get(at + 7)
            .is_some_and(|&c| is_white(c) || c.is_ascii_digit())
        {
            continue;
        }
        let mut lexer = crate::lexer::Lexer::new(bytes.get(at + 7..).unwrap_or_default());
        let (Some(Tok::Num(target)), Some(Tok::Num(_)), Some(Tok::Op(b"R"))) =
            (lexer.next_tok(), lexer.next_tok(), lexer.next_tok())
        else {
            continue;
        };
        let owner = headers.partition_point(|&(pos, _)| pos < at);
        if let Some(&(_, num)) = owner.checked_sub(1).and_then(|i| headers.get(i)) {
            next.insert(num, target as u32);
        }
    }
    // The longest path, each object's depth computed once.
    let mut depth: HashMap<u32, usize> = HashMap::new();
    let mut longest = 0;
    for &start in next.keys() {
        let mut path = Vec::new();
        let mut on_path = HashSet::new();
        let mut at = start;
        let mut below = 0;
        loop {
            if let Some(&d) = depth.get(&at) {
                below = d;
                break;
            }
            if !on_path.insert(at) {
                break;
            }
            match next.get(&at) {
                Some(&n) => {
                    path.push(at);
                    at = n;
                }
                None => break,
            }
        }
        for &n in path.iter().rev() {
            below += 1;
            depth.insert(n, below);
        }
        longest = longest.max(below);
    }
    longest
}

/// Opens the file with lopdf, for a file the lazy reader found it could not read as lopdf does.
pub(crate) fn load_eagerly<'a>(
    bytes: &'a [u8],
    options: &Options,
    budget: &Budget,
) -> Result<Loaded<'a>, Error> {
    let tail_ok = check_bytes(bytes, budget)?;
    load_with_lopdf(bytes, options, tail_ok, budget)
}

fn tail_warning(tail_ok: bool) -> Vec<Warning> {
    if tail_ok {
        return Vec::new();
    }
    vec![Warning {
        code: "trailing_garbage",
        message: "the file does not end with %%EOF; bytes after the last trailer were ignored"
            .into(),
    }]
}

/// The checks lopdf cannot be trusted with; gives whether the file ends as a PDF should.
pub(crate) fn check_bytes(bytes: &[u8], budget: &Budget) -> Result<bool, Error> {
    let head = &bytes[..bytes.len().min(1024)];
    if !find(head, b"%PDF-") {
        return Err(Error::NotPdf(
            "no %PDF- header in the first 1024 bytes".into(),
        ));
    }
    if max_nesting(bytes) > MAX_NESTING {
        return Err(Error::Damaged(format!(
            "arrays nested more than {MAX_NESTING} levels deep"
        )));
    }
    let tail = &bytes[bytes.len().saturating_sub(8192)..];
    let tail_ok = find(tail, b"%%EOF") || find(tail, b"startxref") || find(tail, b"trailer");
    // A file whose end has none of the closing keywords was cut short, unless they sit earlier
    // and something was appended.
    if !tail_ok && !find(bytes, b"startxref") && !find(bytes, b"trailer") {
        return Err(Error::Damaged(TRUNCATED.into()));
    }
    object_streams_within_budget(bytes, budget)?;
    Ok(tail_ok)
}

/// Loads and decrypts the file with lopdf.
fn load_with_lopdf<'a>(
    bytes: &[u8],
    options: &Options,
    tail_ok: bool,
    budget: &Budget,
) -> Result<Loaded<'a>, Error> {
    let chain = length_chain_depth(bytes);
    if chain > MAX_LENGTH_CHAIN {
        return Err(Error::Damaged(format!(
            "stream lengths refer to one another {chain} deep"
        )));
    }
    // Object streams are charged to the file's budget: an encrypted file's once here, the others'
    // as lopdf unpacks them (`lopdf_load`).
    crate::lopdf_load::charge_encrypted(bytes, options.password.as_deref(), budget)?;
    let max_objstm = Some(usize::try_from(options.max_stream_bytes).unwrap_or(usize::MAX));
    let with = |b: &[u8], password: Option<String>| {
        let lo = lopdf::LoadOptions {
            password,
            max_decompressed_size: max_objstm,
            ..lopdf::LoadOptions::default()
        };
        crate::lopdf_load::load(b, lo, budget)
    };
    // lopdf cannot open some encrypted files by itself (an inline /Encrypt dictionary, no /ID):
    // open them once more with an update appended that it can read.
    let mut patched: Option<Vec<u8>> = None;
    let mut retry = |trailer: &Dictionary| {
        let p = patched_for_lopdf(bytes, trailer)?;
        let d = with(&p, options.password.clone())
            .ok()?
            .ok()
            .filter(|d| d.encryption_state.is_some())?;
        patched = Some(p);
        Some(d)
    };
    let loaded = match with(bytes, options.password.clone())? {
        Ok(d) if d.encryption_state.is_none() && d.trailer.has(b"Encrypt") => {
            Ok(retry(&d.trailer).unwrap_or(d))
        }
        Err(lopdf::Error::InvalidPassword) => match with(bytes, None)? {
            Ok(plain) => retry(&plain.trailer).ok_or(lopdf::Error::InvalidPassword),
            Err(_) => Err(lopdf::Error::InvalidPassword),
        },
        other => other,
    };
    let bytes = patched.as_deref().unwrap_or(bytes);
    let doc = match loaded {
        Ok(d) => d,
        Err(lopdf::Error::InvalidPassword) => {
            // Load once more without the password only to name the cipher in the message.
            let desc = Document::load_mem(bytes)
                .ok()
                .map(|d| describe_encryption(&d).0)
                .unwrap_or_else(|| "encrypted".into());
            return Err(Error::PasswordRequired(format!(
                "{desc} encrypted, the given password does not open it"
            )));
        }
        Err(lopdf::Error::Decompress(e)) => {
            return Err(Error::ResourceLimit(format!("object stream: {e}")));
        }
        Err(e) => {
            return Err(Error::Damaged(format!(
                "cannot read the file structure: {e}"
            )));
        }
    };
    let mut warnings = tail_warning(tail_ok);
    let mut encrypted = None;
    if doc.trailer.has(b"Encrypt") {
        let (desc, supported) = describe_encryption(&doc);
        if !supported {
            return Err(Error::UnsupportedEncryption(desc));
        }
        if doc.objects.is_empty() || doc.encryption_state.is_none() {
            return Err(Error::PasswordRequired(format!(
                "{desc} encrypted, user password needed to open"
            )));
        }
    }
    if let Some(state) = &doc.encryption_state {
        let _ = state;
        encrypted = Some("encrypted".to_string());
    }
    if doc.xref_recovery.is_some() || xref_offsets_wrong(&doc, bytes) {
        warnings.push(Warning {
            code: "repaired_xref",
            message: "the cross-reference table did not match the file and was rebuilt".into(),
        });
    }
    Ok(Loaded {
        doc: doc.into(),
        warnings,
        encrypted,
    })
}

/// For an encrypted file lopdf cannot open by itself, the same file with an incremental update
/// appended that it can open: lopdf wants `/Encrypt` to be a reference (some writers put the
/// dictionary inline in the trailer) and needs an `/ID` to derive the key (without one, the key
/// is derived from an empty ID, as pdf.js and poppler do). `None` when neither applies.
fn patched_for_lopdf(bytes: &[u8], trailer: &Dictionary) -> Option<Vec<u8>> {
    let enc = trailer.get(b"Encrypt").ok()?;
    let inline = matches!(enc, Object::Dictionary(_));
    let has_id = matches!(trailer.get(b"ID"), Ok(Object::Array(a)) if !a.is_empty());
    if !inline && has_id {
        return None;
    }
    let at = bytes.windows(9).rposition(|w| w == b"startxref")?;
    let prev: u64 = String::from_utf8_lossy(&bytes[at + 9..(at + 40).min(bytes.len())])
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    let size = trailer
        .get(b"Size")
        .ok()
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(0)
        .clamp(1, 8_000_000) as u32;
    let mut out = bytes.to_vec();
    out.extend_from_slice(b"\n");
    let mut new_trailer = Dictionary::new();
    for (k, v) in trailer.iter() {
        if !matches!(k.as_slice(), b"Prev" | b"XRefStm" | b"Size" | b"Encrypt") {
            new_trailer.set(k.clone(), v.clone());
        }
    }
    let mut xref = b"xref\n0 1\n0000000000 65535 f \n".to_vec();
    let mut new_size = size;
    if inline {
        let num = size;
        new_size = size + 1;
        let off = out.len();
        out.extend_from_slice(format!("{num} 0 obj\n").as_bytes());
        write_object(&mut out, enc, 0);
        out.extend_from_slice(b"\nendobj\n");
        xref.extend_from_slice(format!("{num} 1\n{off:010} 00000 n \n").as_bytes());
        new_trailer.set("Encrypt", Object::Reference((num, 0)));
    } else {
        new_trailer.set("Encrypt", enc.clone());
    }
    if !has_id {
        let empty = || Object::String(Vec::new(), lopdf::StringFormat::Hexadecimal);
        new_trailer.set("ID", Object::Array(vec![empty(), empty()]));
    }
    new_trailer.set("Size", i64::from(new_size));
    new_trailer.set("Prev", prev as i64);
    let xref_at = out.len();
    out.extend_from_slice(&xref);
    out.extend_from_slice(b"trailer\n");
    write_object(&mut out, &Object::Dictionary(new_trailer), 0);
    out.extend_from_slice(format!("\nstartxref\n{xref_at}\n%%EOF\n").as_bytes());
    Some(out)
}

/// Serialises an object in PDF syntax (strings as hex, so no escaping is needed).
fn write_object(out: &mut Vec<u8>, o: &Object, depth: u32) {
    if depth > 32 {
        out.extend_from_slice(b"null");
        return;
    }
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => out.extend_from_slice(i.to_string().as_bytes()),
        Object::Real(r) => out.extend_from_slice(format!("{r}").as_bytes()),
        Object::Name(n) => {
            out.push(b'/');
            for &b in n {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'+') {
                    out.push(b);
                } else {
                    out.extend_from_slice(format!("#{b:02X}").as_bytes());
                }
            }
        }
        Object::String(s, _) => {
            out.push(b'<');
            for b in s {
                out.extend_from_slice(format!("{b:02X}").as_bytes());
            }
            out.push(b'>');
        }
        Object::Array(a) => {
            out.push(b'[');
            for v in a {
                write_object(out, v, depth + 1);
                out.push(b' ');
            }
            out.push(b']');
        }
        Object::Dictionary(d) => {
            out.extend_from_slice(b"<<");
            for (k, v) in d.iter() {
                write_object(out, &Object::Name(k.clone()), depth + 1);
                out.push(b' ');
                write_object(out, v, depth + 1);
                out.push(b' ');
            }
            out.extend_from_slice(b">>");
        }
        Object::Reference((n, g)) => out.extend_from_slice(format!("{n} {g} R").as_bytes()),
        Object::Stream(_) => out.extend_from_slice(b"null"),
    }
}

/// Whether uncompressed xref entries point somewhere other than `N G obj` (lopdf may have read
/// the file by scanning and not said so).
fn xref_offsets_wrong(doc: &Document, bytes: &[u8]) -> bool {
    let mut bad = 0;
    let mut checked = 0;
    for (&num, entry) in doc.reference_table.entries.iter().take(2000) {
        if let lopdf::xref::XrefEntry::Normal { offset, .. } = entry {
            checked += 1;
            let off = *offset as usize;
            let Some(at) = bytes.get(off..(off + 24).min(bytes.len())) else {
                bad += 1;
                continue;
            };
            if !object_header_at(at, num) {
                bad += 1;
            }
        }
    }
    checked > 0 && bad > 0
}

/// Whether `at`, read as text (invalid UTF-8 replaced), starts after white space with "`num` "
/// and contains "obj". Without allocating when the first character after the white space is
/// ASCII (always, in a sound file): ASCII bytes read the same as bytes and as text.
pub(crate) fn object_header_at(at: &[u8], num: u32) -> bool {
    let start = at
        .iter()
        .position(|&b| !matches!(b, b'\t'..=b'\r' | b' '))
        .unwrap_or(at.len());
    let t = &at[start..];
    match t.first() {
        None => false,
        Some(&b) if !b.is_ascii() => {
            // Perhaps white space beyond ASCII (which the text's trim would skip): as text.
            let s = String::from_utf8_lossy(at);
            let s = s.trim_start();
            s.starts_with(&format!("{num} ")) && s.contains("obj")
        }
        Some(_) => {
            // "`num` " written into a stack buffer (at most 10 digits and the space).
            let mut buf = [0u8; 11];
            let mut rest = &mut buf[..];
            let _ = write!(rest, "{num} ");
            let written = 11 - rest.len();
            t.starts_with(&buf[..written]) && memchr::memmem::find(t, b"obj").is_some()
        }
    }
}

fn rect_of(doc: &Objects<'_>, o: Option<&Object>) -> Option<[f32; 4]> {
    let Object::Array(a) = deref(doc, o?) else {
        return None;
    };
    if a.len() < 4 {
        return None;
    }
    let mut v = [0f32; 4];
    for (i, x) in a.iter().take(4).enumerate() {
        v[i] = match deref(doc, x) {
            Object::Integer(n) => *n as f32,
            Object::Real(r) => *r,
            _ => return None,
        };
    }
    if !v.iter().all(|x| x.is_finite()) {
        return None;
    }
    Some([
        v[0].min(v[2]),
        v[1].min(v[3]),
        v[0].max(v[2]),
        v[1].max(v[3]),
    ])
}

#[derive(Clone, Copy)]
struct Inherited<'a> {
    resources: Option<&'a Dictionary>,
    media: Option<[f32; 4]>,
    crop: Option<[f32; 4]>,
    rotate: Option<i64>,
}

/// The document's pages in order, at most `max_pages` (a `page_limit` warning says more were
/// cut), and how many pages the file has: when the limit cut the page tree short, the count its
/// root declares (`/Count`, what viewers show), if that is more than were read.
pub(crate) fn pages<'a>(
    doc: &'a Objects<'a>,
    max_pages: u32,
    warnings: &mut Vec<Warning>,
) -> Result<(Vec<PageRef<'a>>, u32), Error> {
    let mut out = Vec::new();
    let mut visited: HashSet<ObjectId> = HashSet::new();
    let root = doc
        .trailer()
        .get(b"Root")
        .ok()
        .and_then(|o| match deref(doc, o) {
            Object::Dictionary(d) => Some(d),
            _ => None,
        })
        .and_then(|cat| cat.get(b"Pages").ok());
    let mut cut = false;
    let mut loop_seen = false;
    if let Some(root) = root {
        let inh = Inherited {
            resources: None,
            media: None,
            crop: None,
            rotate: None,
        };
        let mut stack: Vec<(&Object, Inherited<'_>, u32)> = vec![(root, inh, 0)];
        let mut nodes = 0u32;
        while let Some((node, inh, depth)) = stack.pop() {
            nodes += 1;
            if nodes > max_pages.saturating_mul(4).saturating_add(1000) {
                cut = true;
                break;
            }
            if let Object::Reference(id) = node
                && !visited.insert(*id)
            {
                loop_seen = true;
                continue;
            }
            let Object::Dictionary(d) = deref(doc, node) else {
                continue;
            };
            let res = d.get(b"Resources").ok().and_then(|o| match deref(doc, o) {
                Object::Dictionary(r) => Some(r),
                _ => None,
            });
            let inh = Inherited {
                resources: res.or(inh.resources),
                media: rect_of(doc, d.get(b"MediaBox").ok()).or(inh.media),
                crop: rect_of(doc, d.get(b"CropBox").ok()).or(inh.crop),
                rotate: d
                    .get(b"Rotate")
                    .ok()
                    .and_then(|o| deref(doc, o).as_i64().ok())
                    .or(inh.rotate),
            };
            let kids = match d.get(b"Kids").ok().map(|o| deref(doc, o)) {
                Some(Object::Array(k)) => Some(k),
                _ => None,
            };
            let is_pages = matches!(d.get(b"Type").ok().map(|o| deref(doc, o)), Some(Object::Name(n)) if n == b"Pages");
            if let Some(kids) = kids.filter(|_| is_pages || !d.has(b"Contents")) {
                if depth >= 64 {
                    loop_seen = true;
                    continue;
                }
                for k in kids.iter().rev() {
                    stack.push((k, inh, depth + 1));
                }
                continue;
            }
            if is_pages {
                continue;
            }
            if out.len() as u32 >= max_pages {
                cut = true;
                break;
            }
            out.push(page_ref(d, &inh));
        }
    }
    if out.is_empty() {
        // No usable page tree: take every page object in file order, as viewers do.
        for obj in doc.every_object().into_iter().flatten() {
            if let Object::Dictionary(d) = obj
                && matches!(d.get(b"Type"), Ok(Object::Name(n)) if n == b"Page")
            {
                if out.len() as u32 >= max_pages {
                    cut = true;
                    break;
                }
                let res = d.get(b"Resources").ok().and_then(|o| match deref(doc, o) {
                    Object::Dictionary(r) => Some(r),
                    _ => None,
                });
                let inh = Inherited {
                    resources: res,
                    media: None,
                    crop: None,
                    rotate: None,
                };
                out.push(page_ref(d, &inh));
            }
        }
        if !out.is_empty() {
            warnings.push(Warning {
                code: "page_tree_repaired",
                message: "the page tree is unreadable; pages were found by scanning the objects"
                    .into(),
            });
        }
    }
    if loop_seen {
        warnings.push(Warning {
            code: "page_tree_loop",
            message: "the page tree has a loop or lists a node more than once; repeated nodes were skipped"
                .into(),
        });
    }
    let read = u32::try_from(out.len()).unwrap_or(u32::MAX);
    let mut total = read;
    if cut {
        warnings.push(Warning {
            code: "page_limit",
            message: format!("only the first {max_pages} pages were read"),
        });
        let declared = root
            .and_then(|r| match deref(doc, r) {
                Object::Dictionary(d) => d.get(b"Count").ok(),
                _ => None,
            })
            .and_then(|c| deref(doc, c).as_i64().ok())
            .and_then(|c| u32::try_from(c).ok());
        total = declared.map_or(read, |d| d.max(read));
    }
    Ok((out, total))
}

fn page_ref<'a>(d: &'a Dictionary, inh: &Inherited<'a>) -> PageRef<'a> {
    let media = inh
        .media
        .filter(|m| m[2] - m[0] > 1.0 && m[3] - m[1] > 1.0)
        .unwrap_or([0.0, 0.0, 612.0, 792.0]);
    let crop = inh
        .crop
        .map(|c| {
            [
                c[0].max(media[0]),
                c[1].max(media[1]),
                c[2].min(media[2]),
                c[3].min(media[3]),
            ]
        })
        .filter(|c| c[2] - c[0] > 1.0 && c[3] - c[1] > 1.0)
        .unwrap_or(media);
    let rotate = inh.rotate.unwrap_or(0).rem_euclid(360);
    let rotate = ((rotate + 45) / 90 % 4 * 90) as u32;
    PageRef {
        dict: d,
        resources: inh.resources,
        crop,
        rotate,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_chains_are_measured() {
        let obj = |num: u32, length: &str| {
            format!("{num} 0 obj << /Length {length} >> stream\nx\nendstream endobj\n")
        };
        // A sound file: each /Length refers to an integer, or is one.
        let sound = [obj(1, "2 0 R"), "2 0 obj 1 endobj\n".into(), obj(3, "1")].concat();
        assert_eq!(length_chain_depth(sound.as_bytes()), 1);
        // A chain 40 deep, and a cycle (which lopdf stops).
        let chain: String = (1..=40)
            .map(|k| obj(k, &format!("{} 0 R", k + 1)))
            .collect();
        assert_eq!(length_chain_depth(chain.as_bytes()), 40);
        let cycle = [obj(1, "2 0 R"), obj(2, "1 0 R")].concat();
        assert_eq!(length_chain_depth(cycle.as_bytes()), 2);
        // /Length1 (a font program's) is another key.
        assert_eq!(
            length_chain_depth(
                obj(1, "1")
                    .replace("/Length", "/Length1 2 0 R /Length")
                    .as_bytes()
            ),
            0
        );
    }

    #[test]
    fn object_header_check_reads_bytes_as_the_text_check_did() {
        let text_check = |at: &[u8], num: u32| {
            let s = String::from_utf8_lossy(at);
            let s = s.trim_start();
            s.starts_with(&format!("{num} ")) && s.contains("obj")
        };
        let heads: [&[u8]; 12] = [
            b"",
            b" ",
            b"\x0b\x0c\r\n\t ",
            b"\x1c",
            b"\xc2\x85",
            b"\xc2\xa0 ",
            b"\xe3\x80\x80",
            b"\xe3\x80",
            b"\xff",
            b"\x00",
            b"%",
            b"\n\xc2",
        ];
        let bodies: [&[u8]; 9] = [
            b"12 0 obj",
            b"12 0 ob",
            b"12 0 o\xffbj",
            b"12  obj",
            b"120 0 obj",
            b"1 0 obj",
            b"12\t0 obj",
            b"12 0 R obj\xe4\xb8",
            b"\xef\xbb\xbf12 0 obj",
        ];
        for head in heads {
            for body in bodies {
                let at = [head, body].concat();
                for num in [0, 1, 12, 120, u32::MAX] {
                    assert_eq!(
                        object_header_at(&at, num),
                        text_check(&at, num),
                        "{at:?} {num}"
                    );
                }
            }
        }
        assert!(object_header_at(b"\r\n4294967295 0 obj", u32::MAX));
    }

    #[test]
    fn nesting_scan() {
        let mut v = b"%PDF-1.4\n".to_vec();
        v.extend(std::iter::repeat_n(b'[', 5000));
        assert!(max_nesting(&v) >= 5000);
        assert_eq!(max_nesting(b"<< /A [1 2 [3]] >> stream [[[[[ endstream"), 2);
        assert!(
            matches!(load(&v, &Options::default(), &Budget::new(1 << 20, 1 << 20)), Err(Error::Damaged(m)) if m.contains("nested"))
        );
    }

    #[test]
    fn encrypt_inline_or_without_id_gets_an_update_lopdf_can_read() {
        let mut t = Dictionary::new();
        t.set("Root", Object::Reference((1, 0)));
        t.set("Size", 5);
        t.set("ID", Object::Array(vec![Object::string_literal("x")]));
        t.set("Encrypt", Object::Reference((4, 0)));
        let file = b"%PDF-1.4\n... xref ... trailer << >>\nstartxref\n123\n%%EOF\n".to_vec();
        // A reference and an /ID: nothing to do.
        assert!(patched_for_lopdf(&file, &t).is_none());
        t.remove(b"ID");
        let p = patched_for_lopdf(&file, &t).unwrap_or_default();
        let tail = String::from_utf8_lossy(&p[file.len()..]).into_owned();
        assert!(
            tail.contains("/ID [<> <> ]") && tail.contains("/Prev 123"),
            "{tail}"
        );
        assert!(
            tail.contains("/Encrypt 4 0 R") && tail.ends_with("%%EOF\n"),
            "{tail}"
        );
        let mut enc = Dictionary::new();
        enc.set("Filter", Object::Name(b"Standard".to_vec()));
        enc.set(
            "O",
            Object::String(vec![0, 0x28, 0xff], lopdf::StringFormat::Literal),
        );
        t.set("Encrypt", Object::Dictionary(enc));
        let p = patched_for_lopdf(&file, &t).unwrap_or_default();
        let tail = String::from_utf8_lossy(&p[file.len()..]).into_owned();
        assert!(
            tail.contains("5 0 obj\n<</Filter /Standard /O <0028FF> >>"),
            "{tail}"
        );
        assert!(
            tail.contains("/Encrypt 5 0 R") && tail.contains("/Size 6"),
            "{tail}"
        );
        // The xref entry points at the new object.
        let off = p.len() - tail.len() + tail.find("5 0 obj").unwrap_or(0);
        assert!(tail.contains(&format!("5 1\n{off:010} 00000 n ")), "{tail}");
    }

    #[test]
    fn object_stream_scan_is_linear() {
        // 10 MB of object-stream types with no stream after them, then one real stream.
        let mut v = b"/ObjStm".repeat(1_500_000);
        v.extend_from_slice(b" x stream\nabc\nendstream ");
        let budget = Budget::new(1 << 20, 1 << 20);
        let start = std::time::Instant::now();
        assert!(object_streams_within_budget(&v, &budget).is_ok());
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }

    #[test]
    fn not_pdf_and_truncated() {
        let o = Options::default();
        let b = Budget::new(1 << 20, 1 << 20);
        assert!(matches!(load(b"hello", &o, &b), Err(Error::NotPdf(_))));
        let mut v = b"%PDF-1.4\n1 0 obj << >> endobj\n".to_vec();
        v.extend(std::iter::repeat_n(b'x', 9000));
        let b = Budget::new(1 << 20, 1 << 20);
        assert!(matches!(load(&v, &o, &b), Err(Error::Damaged(m)) if m.contains("truncated")));
    }
}
