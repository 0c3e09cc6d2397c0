//! The file's objects, as lopdf values: either all loaded by lopdf, or read from the file's
//! bytes the first time something asks for them.
//!
//! Takes the file's bytes and gives [`Objects`], which the page walk, the fonts, the filters and
//! the content interpreter read through. lopdf parses every object of a file up front and copies
//! every stream's data, font programs and images included, that text extraction never looks at
//! (three quarters of a typical bulletin's bytes are embedded fonts). The lazy reader parses the
//! cross-reference data, checks that every entry points at its object, and then parses an object
//! (with `syntax`, which follows lopdf's grammar) only when it is asked for.
//!
//! It takes only files it reads exactly as lopdf would: not encrypted, cross-reference sections
//! (tables, streams, hybrids) sound and pointing at their objects, a page tree lopdf would find.
//! Anything else is left to lopdf from the start; and when an object turns out to need lopdf's
//! leniency (a stream whose `/Length` is wrong, an object that does not parse, a reference to a
//! number the cross-reference data does not list, an object stream lopdf would drop),
//! [`Objects::needs_lopdf`] says so and the caller reads the file again with lopdf. Either way
//! the result is the one lopdf's loading gives; `compare_with_lopdf` checks it (a test over the
//! project's PDFs and the fuzz target `lazy`).

use std::cell::{Cell, OnceCell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use crate::syntax::{self, Body};

/// How many references lopdf follows from one to the next before it gives up.
const DEREF_LIMIT: usize = 128;

/// How many objects may be in the middle of being parsed at once (a stream's /Length object, an
/// object stream's own stream, …): a few in any sound file.
const MAX_PARSE_NESTING: usize = 32;

/// The objects of one file.
pub(crate) struct Objects<'a> {
    kind: Kind<'a>,
}

enum Kind<'a> {
    Loaded(Box<lopdf::Document>),
    LoadedRef(&'a lopdf::Document),
    Lazy(Box<Lazy<'a>>),
    /// Objects parsed here are dropped with it; the file's own cache is read, never filled.
    Scratch(&'a Lazy<'a>, Box<Cache>),
}

impl From<lopdf::Document> for Objects<'static> {
    fn from(doc: lopdf::Document) -> Self {
        Objects {
            kind: Kind::Loaded(Box::new(doc)),
        }
    }
}

fn not_found(id: ObjectId) -> lopdf::Error {
    lopdf::Error::ObjectNotFound(id)
}

impl<'a> Objects<'a> {
    /// The lazy reader for `bytes`, if the file is one it reads as lopdf would.
    pub(crate) fn lazy(bytes: &'a [u8], max_stream: u64, max_total: u64) -> Option<Objects<'a>> {
        let lazy = Lazy::open(bytes, max_stream, max_total)?;
        Some(Objects {
            kind: Kind::Lazy(Box::new(lazy)),
        })
    }

    /// The object `id`, references followed (as lopdf's `Document::get_object`).
    pub(crate) fn get_object(&self, id: ObjectId) -> lopdf::Result<&Object> {
        match &self.kind {
            Kind::Loaded(doc) => doc.get_object(id),
            Kind::LoadedRef(doc) => doc.get_object(id),
            Kind::Lazy(lazy) => lazy.view(None).get_object(id),
            Kind::Scratch(lazy, cache) => lazy.view(Some(cache)).get_object(id),
        }
    }

    /// The lopdf document, when lopdf loaded the file.
    fn loaded(&self) -> Option<&lopdf::Document> {
        match &self.kind {
            Kind::Loaded(doc) => Some(doc),
            Kind::LoadedRef(doc) => Some(doc),
            Kind::Lazy(_) | Kind::Scratch(..) => None,
        }
    }

    /// The lazy reader, when it reads the file.
    fn reader(&self) -> Option<&Lazy<'a>> {
        match &self.kind {
            Kind::Lazy(lazy) => Some(lazy),
            Kind::Scratch(lazy, _) => Some(lazy),
            Kind::Loaded(_) | Kind::LoadedRef(_) => None,
        }
    }

    /// The trailer dictionary.
    pub(crate) fn trailer(&self) -> &Dictionary {
        match &self.kind {
            Kind::Loaded(doc) => &doc.trailer,
            Kind::LoadedRef(doc) => &doc.trailer,
            Kind::Lazy(lazy) => &lazy.trailer,
            Kind::Scratch(lazy, _) => &lazy.trailer,
        }
    }

    /// The same objects, for work whose result owns its data (loading a font, reading one
    /// page's content streams): what the work parses is dropped with the view, instead of
    /// staying in memory until the file is done. Objects parsed before are shared.
    pub(crate) fn scratch(&self) -> Objects<'_> {
        let kind = match &self.kind {
            Kind::Loaded(doc) => Kind::LoadedRef(doc),
            Kind::LoadedRef(doc) => Kind::LoadedRef(doc),
            Kind::Lazy(lazy) => Kind::Scratch(lazy, Box::new(Cache::new(lazy.numbers.len()))),
            Kind::Scratch(lazy, _) => Kind::Scratch(lazy, Box::new(Cache::new(lazy.numbers.len()))),
        };
        Objects { kind }
    }

    /// Every object of the file, for a scan when the page tree fails. The lazy reader has no
    /// such list: it gives `None` and asks for lopdf instead.
    pub(crate) fn every_object(&self) -> Option<impl Iterator<Item = &Object>> {
        if let Some(lazy) = self.reader() {
            lazy.anomaly.set(true);
        }
        self.loaded().map(|doc| doc.objects.values())
    }

    /// Whether the objects were read lazily.
    #[cfg(test)]
    pub(crate) fn is_lazy(&self) -> bool {
        self.reader().is_some()
    }

    /// Whether some object asked for could not be read as lopdf reads it: whatever was
    /// extracted must be thrown away and the file read again with lopdf.
    pub(crate) fn needs_lopdf(&self) -> bool {
        self.reader().is_some_and(|lazy| lazy.anomaly.get())
    }

    /// Whether the object streams read so far decode to more than the file's total budget: the
    /// file is refused (lopdf, which unpacks every object stream, would not fare better).
    pub(crate) fn over_budget(&self) -> bool {
        self.reader().is_some_and(|lazy| lazy.over_budget.get())
    }
}

/// One cross-reference entry, as lopdf keeps it.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Entry {
    Free,
    Normal { offset: u32, generation: u16 },
    Compressed { container: u32 },
}

/// An object stream, decoded: its data and where each member starts.
struct Container {
    data: Vec<u8>,
    /// Member number → offsets in `data`, in the order the index lists them.
    members: HashMap<u32, Vec<usize>>,
}

struct Lazy<'a> {
    /// The file from its `%PDF-` header on (lopdf's offsets count from there).
    bytes: &'a [u8],
    trailer: Dictionary,
    /// Object numbers in ascending order, and their entries.
    numbers: Vec<u32>,
    entries: Vec<Entry>,
    /// The objects parsed so far.
    cache: Cache,
    containers: RefCell<HashMap<u32, Option<Rc<Container>>>>,
    anomaly: Cell<bool>,
    max_stream: u64,
    /// Bytes the object streams unpacked so far decode to, and the most allowed.
    unpacked: Cell<u64>,
    max_total: u64,
    over_budget: Cell<bool>,
}

/// How many slots a chunk of [`Cache`] holds.
const CHUNK: usize = 256;

/// One parsed object: `None` inside when lopdf has no such object.
type Slot = OnceCell<Option<Box<Object>>>;

/// Parsed objects by position in the table, in chunks allocated when first used (a table may
/// list millions of numbers, of which a file's pages use a few hundred).
struct Cache {
    chunks: Vec<OnceCell<Box<[Slot]>>>,
    /// Objects being parsed, to catch a stream whose `/Length` leads back to itself.
    busy: RefCell<HashSet<u32>>,
}

impl Cache {
    fn new(slots: usize) -> Cache {
        Cache {
            chunks: std::iter::repeat_with(OnceCell::new)
                .take(slots.div_ceil(CHUNK))
                .collect(),
            busy: RefCell::new(HashSet::new()),
        }
    }

    fn get(&self, slot: usize) -> Option<&Option<Box<Object>>> {
        self.chunks
            .get(slot / CHUNK)?
            .get()?
            .get(slot % CHUNK)?
            .get()
    }

    fn slot(&self, slot: usize) -> Option<&Slot> {
        let chunk = self
            .chunks
            .get(slot / CHUNK)?
            .get_or_init(|| std::iter::repeat_with(OnceCell::new).take(CHUNK).collect());
        chunk.get(slot % CHUNK)
    }
}

/// The lazy reader seen through one cache: the file's own, or a scratch one read after it.
#[derive(Clone, Copy)]
struct View<'s> {
    lazy: &'s Lazy<'s>,
    scratch: Option<&'s Cache>,
}

impl<'a> Lazy<'a> {
    fn open(all: &'a [u8], max_stream: u64, max_total: u64) -> Option<Lazy<'a>> {
        let (bytes, table, trailer) = cross_reference(all, max_stream)?;
        if trailer.has(b"Encrypt") {
            return None;
        }
        let (numbers, entries): (Vec<u32>, Vec<Entry>) = table.into_iter().unzip();
        // Every entry must point at its own object, as lopdf's loading and the damage check
        // in `document` assume; otherwise lopdf files objects under other numbers.
        for (i, (&num, entry)) in numbers.iter().zip(&entries).enumerate() {
            if let Entry::Normal { offset, generation } = *entry {
                let at = offset as usize;
                if header_at(bytes, at) != Some((num, generation)) {
                    return None;
                }
                if i < 2000 {
                    let head = bytes.get(at..(at + 24).min(bytes.len()))?;
                    if !crate::document::object_header_at(head, num) {
                        return None;
                    }
                }
            }
        }
        let lazy = Lazy {
            bytes,
            trailer,
            cache: Cache::new(numbers.len()),
            numbers,
            entries,
            containers: RefCell::new(HashMap::new()),
            anomaly: Cell::new(false),
            max_stream,
            unpacked: Cell::new(0),
            max_total,
            over_budget: Cell::new(false),
        };
        // lopdf rebuilds the table by scanning the file when the catalog does not lead to a
        // page tree root with `/Kids`; such files are its to read.
        if !lazy.view(None).page_tree_found() || lazy.anomaly.get() {
            return None;
        }
        Some(lazy)
    }

    fn view<'s>(&'s self, scratch: Option<&'s Cache>) -> View<'s> {
        View {
            lazy: self,
            scratch,
        }
    }
}

impl<'s> View<'s> {
    fn page_tree_found(&self) -> bool {
        let root = self
            .lazy
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .and_then(|id| self.get_object(id))
            .and_then(Object::as_dict);
        let kids = root
            .and_then(|cat| cat.get(b"Pages"))
            .and_then(Object::as_reference)
            .and_then(|id| self.get_object(id))
            .and_then(Object::as_dict)
            .and_then(|pages| pages.get(b"Kids"))
            .and_then(|k| self.deref(k));
        matches!(kids, Ok(Object::Array(_)))
    }

    fn deref(&self, mut o: &'s Object) -> lopdf::Result<&'s Object> {
        let mut hops = 0;
        while let Object::Reference(id) = o {
            o = self.raw(*id).ok_or(not_found(*id))?;
            hops += 1;
            if hops > DEREF_LIMIT {
                return Err(lopdf::Error::ReferenceLimit);
            }
        }
        Ok(o)
    }

    fn get_object(&self, id: ObjectId) -> lopdf::Result<&'s Object> {
        let o = self.raw(id).ok_or(not_found(id))?;
        self.deref(o)
    }

    fn flag(&self) {
        self.lazy.anomaly.set(true);
    }

    /// The object lopdf would have stored under `id`, parsed on first use.
    fn raw(&self, id: ObjectId) -> Option<&'s Object> {
        let lazy = self.lazy;
        let Ok(slot) = lazy.numbers.binary_search(&id.0) else {
            // lopdf also keeps members of object streams that the table does not list.
            self.flag();
            return None;
        };
        match lazy.entries[slot] {
            Entry::Free => return None,
            Entry::Normal { generation, .. } if generation != id.1 => {
                // lopdf holds this number under its own generation, and under 0 when an object
                // stream also lists it: only the latter needs lopdf to tell.
                if id.1 == 0 {
                    self.flag();
                }
                return None;
            }
            Entry::Compressed { .. } if id.1 != 0 => return None,
            _ => {}
        }
        if let Some(o) = lazy.cache.get(slot) {
            return o.as_deref();
        }
        let cache = self.scratch.unwrap_or(&lazy.cache);
        let cell = cache.slot(slot)?;
        if let Some(o) = cell.get() {
            return o.as_deref();
        }
        // A stream whose /Length leads back to itself, or a chain of them deeper than any sound
        // file has (a /Length refers to an integer): left to lopdf's loader, which refuses
        // the deep ones (`document::length_chain_depth`).
        if cache.busy.borrow().len() >= MAX_PARSE_NESTING || !cache.busy.borrow_mut().insert(id.0) {
            self.flag();
            return None;
        }
        let parsed = match lazy.entries[slot] {
            Entry::Normal { offset, generation } => self.parse_normal(offset, (id.0, generation)),
            Entry::Compressed { container } => self.parse_member(id.0, container),
            Entry::Free => None,
        };
        cache.busy.borrow_mut().remove(&id.0);
        if parsed.is_none() {
            self.flag();
        }
        let _ = cell.set(parsed.map(Box::new));
        cell.get().and_then(|o| o.as_deref())
    }

    fn parse_normal(&self, offset: u32, id: ObjectId) -> Option<Object> {
        let bytes = self.lazy.bytes;
        let (found, body) = syntax::indirect(bytes, offset as usize).ok()?;
        if found != id {
            return None;
        }
        match body {
            Body::Object(o) => Some(o),
            Body::Stream(dict, at) => {
                let length = match dict.get(b"Length").ok()? {
                    Object::Integer(n) => *n,
                    Object::Reference(r) => match self.raw(*r)? {
                        Object::Integer(n) => *n,
                        _ => return None,
                    },
                    _ => return None,
                };
                let end = at.checked_add(usize::try_from(length).ok()?)?;
                let data = bytes.get(at..end)?;
                if !syntax::endstream_at(bytes, end) {
                    return None;
                }
                let stream = Stream::new(dict, data.to_vec());
                if stream.dict.has_type(b"ObjStm") {
                    // lopdf drops an object stream it cannot unpack, the stream itself included.
                    let unpacked = self.unpack(&stream)?;
                    if id.1 == 0 {
                        let unpacked = Some(Rc::new(unpacked));
                        self.lazy.containers.borrow_mut().insert(id.0, unpacked);
                    }
                }
                Some(Object::Stream(stream))
            }
        }
    }

    fn parse_member(&self, num: u32, container: u32) -> Option<Object> {
        let c = self.container(container)?;
        // lopdf's members map keeps the last of duplicate numbers that parses.
        let at = *c.members.get(&num)?.last()?;
        let p = syntax::space(&c.data, at);
        if p >= c.data.len() {
            return None;
        }
        syntax::member(&c.data, p)
    }

    /// Unpacks an object stream, counting what it decodes to against the file's total.
    fn unpack(&self, s: &Stream) -> Option<Container> {
        let lazy = self.lazy;
        let c = unpack(s, lazy.max_stream)?;
        let total = lazy.unpacked.get().saturating_add(c.data.len() as u64);
        lazy.unpacked.set(total);
        if total > lazy.max_total {
            lazy.over_budget.set(true);
            return None;
        }
        Some(c)
    }

    /// The object stream `num 0 R`, unpacked (when it was parsed, see `parse_normal`).
    fn container(&self, num: u32) -> Option<Rc<Container>> {
        let containers = &self.lazy.containers;
        if !containers.borrow().contains_key(&num) {
            // lopdf resolves a /Length kept in an object stream through `num 0 R` only. Parsing
            // that object unpacks it into `containers` when it is an object stream.
            let slot = self.lazy.numbers.binary_search(&num).ok()?;
            let Entry::Normal { generation: 0, .. } = self.lazy.entries[slot] else {
                return None;
            };
            self.raw((num, 0))?;
        }
        containers.borrow().get(&num).cloned().flatten()
    }
}

/// The file's bytes from `%PDF-` on, its cross-reference entries (newest section first, each
/// number's newest entry kept) and its newest trailer (without `/Prev`), when every section reads.
fn cross_reference(all: &[u8], max_stream: u64) -> Option<(&[u8], Table, Dictionary)> {
    let start = memchr::memmem::find(all, b"%PDF-")?;
    let bytes = &all[start..];
    header_ok(bytes)?;
    let first = xref_start(bytes)?;
    let mut seen = HashSet::new();
    seen.insert(first);
    let (mut table, mut trailer) = section(bytes, first, max_stream)?;
    merge_hybrid(bytes, &mut table, &mut trailer, max_stream)?;
    let mut prev = trailer.remove(b"Prev");
    while let Some(at) = prev.as_ref().map(|o| o.as_i64().ok()) {
        let at = at?;
        let at = usize::try_from(at).ok().filter(|&a| a <= bytes.len())?;
        if !seen.insert(at) {
            break;
        }
        let (mut older, mut older_trailer) = section(bytes, at, max_stream)?;
        merge_hybrid(bytes, &mut older, &mut older_trailer, max_stream)?;
        for (num, entry) in older {
            table.entry(num).or_insert(entry);
        }
        prev = older_trailer.remove(b"Prev");
    }
    Some((bytes, table, trailer))
}

/// What lopdf decrypts and unpacks while it loads an encrypted file.
pub(crate) struct EncryptedParts {
    /// The newest trailer.
    pub(crate) trailer: Dictionary,
    /// The `/Encrypt` object, when the trailer refers to it.
    pub(crate) encrypt: Option<(ObjectId, Object)>,
    /// Each object stream that holds a compressed entry, its data as written (encrypted).
    pub(crate) object_streams: Vec<(ObjectId, Stream)>,
}

/// An encrypted file's [`EncryptedParts`]; `None` when the file is not encrypted or its
/// cross-reference data does not read.
pub(crate) fn encrypted_object_streams(all: &[u8], max_stream: u64) -> Option<EncryptedParts> {
    let (bytes, table, trailer) = cross_reference(all, max_stream)?;
    if !trailer.has(b"Encrypt") {
        return None;
    }
    let at = |num: u32| match table.get(&num) {
        Some(&Entry::Normal { offset, .. }) => Some(offset as usize),
        _ => None,
    };
    let encrypt = match trailer.get(b"Encrypt") {
        Ok(Object::Reference(id)) => match syntax::indirect(bytes, at(id.0)?) {
            Ok((found, Body::Object(o))) if found == *id => Some((*id, o)),
            _ => None,
        },
        _ => None,
    };
    let containers: std::collections::BTreeSet<u32> = table
        .values()
        .filter_map(|e| match e {
            Entry::Compressed { container } => Some(*container),
            _ => None,
        })
        .collect();
    let mut streams = Vec::new();
    for num in containers {
        let Some(offset) = at(num) else {
            continue;
        };
        let Ok((id, Body::Stream(dict, start))) = syntax::indirect(bytes, offset) else {
            continue;
        };
        let rest = bytes.get(start..).unwrap_or_default();
        let declared = match dict.get(b"Length") {
            Ok(Object::Integer(n)) => usize::try_from(*n).ok(),
            Ok(Object::Reference(r)) => at(r.0)
                .and_then(|p| syntax::indirect(bytes, p).ok())
                .and_then(|(_, body)| match body {
                    Body::Object(Object::Integer(n)) => usize::try_from(n).ok(),
                    _ => None,
                }),
            _ => None,
        };
        // As lopdf delimits data: the declared length when `endstream` follows it, otherwise up
        // to the next `endstream`.
        let len = declared
            .filter(|&n| n <= rest.len() && syntax::endstream_at(bytes, start + n))
            .or_else(|| memchr::memmem::find(rest, b"endstream"))
            .unwrap_or(rest.len());
        streams.push((id, Stream::new(dict, rest[..len].to_vec())));
    }
    Some(EncryptedParts {
        trailer,
        encrypt,
        object_streams: streams,
    })
}

/// An object stream's data and where its members start, as lopdf unpacks one; `None` where
/// lopdf fails to (and then drops the stream and its members).
fn unpack(s: &Stream, max_stream: u64) -> Option<Container> {
    let data = plain_content(s, max_stream)?;
    let mut members: HashMap<u32, Vec<usize>> = HashMap::new();
    if data.is_empty() {
        return Some(Container { data, members });
    }
    let first = usize::try_from(s.dict.get(b"First").ok()?.as_i64().ok()?).ok()?;
    let index = std::str::from_utf8(data.get(..first)?).ok()?;
    // lopdf wants a numeric /N (it only warns when /N is wrong).
    s.dict.get(b"N").ok()?.as_i64().ok()?;
    let numbers: Vec<Option<u32>> = index
        .split(['\r', '\n'])
        .flat_map(|line| {
            line.split('%')
                .next()
                .unwrap_or_default()
                .split_whitespace()
        })
        .map(|n| n.parse::<u32>().ok())
        .collect();
    for pair in numbers.chunks_exact(2) {
        let (Some(member), Some(offset)) = (pair[0], pair[1]) else {
            continue;
        };
        let at = first.checked_add(offset as usize)?;
        members.entry(member).or_default().push(at);
    }
    Some(Container { data, members })
}

/// `%PDF-`, the version, the rest of the line and its end, as lopdf's header check wants.
fn header_ok(b: &[u8]) -> Option<()> {
    let mut p = 5;
    while b.get(p).is_some_and(|&c| c != b'\r' && c != b'\n') {
        p += 1;
    }
    syntax::eol(b, p).map(|_| ())
}

/// The offset `startxref` gives, found as lopdf finds it: the last `%%EOF` in the last 1024
/// bytes before trailing white space, and the last `startxref` just before it.
fn xref_start(b: &[u8]) -> Option<usize> {
    let end = b
        .iter()
        .rposition(|c| !b" \t\n\r\0\x0C".contains(c))
        .map_or(0, |p| p + 1);
    let from = end - end.min(1024);
    let eof = from + memchr::memmem::rfind(&b[from..end], b"%%EOF")?;
    if eof <= 25 {
        return None;
    }
    let sx = eof - 25 + memchr::memmem::rfind(&b[eof - 25..eof], b"startxref")?;
    let mut p = sx + 9;
    if b.get(p) == Some(&b' ') {
        p += 1;
    }
    p = syntax::eol(b, p)?;
    while b.get(p) == Some(&b' ') {
        p += 1;
    }
    let (negative, digits_at) = match b.get(p) {
        Some(b'-') => (true, p + 1),
        Some(b'+') => (false, p + 1),
        _ => (false, p),
    };
    let (value, mut q) = syntax::unsigned::<u64>(b, digits_at)?;
    if negative && value != 0 {
        return None;
    }
    while b.get(q) == Some(&b' ') {
        q += 1;
    }
    let q = syntax::eol(b, q)?;
    if b.get(q..q + 5) != Some(b"%%EOF") {
        return None;
    }
    usize::try_from(value).ok().filter(|&v| v <= b.len())
}

/// `num gen obj` at `at` (after white space), as lopdf's object header.
fn header_at(b: &[u8], at: usize) -> Option<ObjectId> {
    let p = syntax::space(b, at);
    let (num, q) = syntax::unsigned::<u32>(b, p)?;
    let (generation, q) = syntax::unsigned::<u16>(b, syntax::space(b, q))?;
    let q = syntax::space(b, q);
    (b.get(q..q + 3) == Some(b"obj")).then_some((num, generation))
}

type Table = BTreeMap<u32, Entry>;

/// In a hybrid-reference file, adds to a section's table the cross-reference stream its trailer
/// names with `/XRefStm`, as lopdf does: the stream's entries take the place of the table's free
/// and missing ones (which hide objects in object streams from readers of tables only). `None`
/// when the stream cannot be read as it is named, which lopdf would work around.
fn merge_hybrid(b: &[u8], table: &mut Table, trailer: &mut Dictionary, max: u64) -> Option<()> {
    let Some(at) = trailer.remove(b"XRefStm") else {
        return Some(());
    };
    let Ok(at) = at.as_i64() else {
        // lopdf ignores a /XRefStm that is no number.
        return Some(());
    };
    let at = usize::try_from(at).ok().filter(|&a| a <= b.len())?;
    if !starts_object(b.get(at..)?) {
        return None;
    }
    let (stream, _) = stream_section(b, at, max)?;
    for (num, entry) in stream {
        match table.get(&num) {
            Some(Entry::Normal { .. } | Entry::Compressed { .. }) => {}
            _ => {
                table.insert(num, entry);
            }
        }
    }
    Some(())
}

/// The cross-reference section at `at` (a table with its trailer, or a stream) and its trailer.
fn section(b: &[u8], at: usize, max_stream: u64) -> Option<(Table, Dictionary)> {
    if b.get(at..at + 4) == Some(b"xref") {
        table_section(b, at + 4)
    } else if starts_object(b.get(at..)?) {
        stream_section(b, at, max_stream)
    } else {
        None
    }
}

/// Whether `num gen obj` starts right at the beginning of `b` (no white space before it, at
/// least one between its parts), the test lopdf makes before trusting a `startxref` or `/Prev`
/// offset that points at a cross-reference stream.
fn starts_object(b: &[u8]) -> bool {
    fn digits(b: &[u8], max: usize) -> Option<usize> {
        let n = b.iter().take_while(|c| c.is_ascii_digit()).count();
        (n > 0 && n <= max).then_some(n)
    }
    fn blanks(b: &[u8]) -> Option<usize> {
        let n = b
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t' | b'\r' | b'\n'))
            .count();
        (n > 0).then_some(n)
    }
    let check = || -> Option<()> {
        let n = digits(b, 10)?;
        std::str::from_utf8(&b[..n]).ok()?.parse::<u32>().ok()?;
        let mut p = n + blanks(&b[n..])?;
        let g = digits(&b[p..], 5)?;
        std::str::from_utf8(&b[p..p + g])
            .ok()?
            .parse::<u16>()
            .ok()?;
        p += g;
        p += blanks(&b[p..])?;
        let tail = b[p..].strip_prefix(b"obj")?;
        match tail.first() {
            Some(c) if c.is_ascii_alphanumeric() => None,
            _ => Some(()),
        }
    };
    check().is_some()
}

fn table_section(b: &[u8], mut p: usize) -> Option<(Table, Dictionary)> {
    if b.get(p) == Some(&b' ') {
        p += 1;
    }
    p = syntax::eol(b, p)?;
    let mut table = Table::new();
    let mut sections = 0;
    // Subsections: `start count`, then entries `offset gen n|f` each ending its line.
    while let Some((start, q)) = syntax::unsigned::<u64>(b, p) {
        if b.get(q) != Some(&b' ') {
            break;
        }
        let Some((_count, mut q)) = syntax::unsigned::<u32>(b, q + 1) else {
            break;
        };
        if b.get(q) == Some(&b' ') {
            q += 1;
        }
        let Some(mut q) = syntax::eol(b, q) else {
            break;
        };
        sections += 1;
        let mut index = 0u64;
        while let Some((offset, e)) = syntax::unsigned::<u32>(b, q) {
            if b.get(e) != Some(&b' ') {
                break;
            }
            let Some((generation, e)) = syntax::unsigned::<u32>(b, e + 1) else {
                break;
            };
            if b.get(e) != Some(&b' ') {
                break;
            }
            let kind = *b.get(e + 1)?;
            if kind != b'n' && kind != b'f' {
                break;
            }
            let Some(next) = entry_end(b, e + 2) else {
                break;
            };
            let entry = if kind == b'f' {
                Some(Entry::Free)
            } else {
                u16::try_from(generation)
                    .ok()
                    .map(|generation| Entry::Normal { offset, generation })
            };
            if let Some(entry) = entry {
                let num = u32::try_from(start.checked_add(index)?).ok()?;
                table.insert(num, entry);
            }
            index += 1;
            q = next;
        }
        p = q;
    }
    if sections == 0 {
        return None;
    }
    let p = syntax::space(b, p);
    if b.get(p..p + 7) != Some(b"trailer") {
        return None;
    }
    let p = syntax::space(b, p + 7);
    let (trailer, _) = syntax::dictionary(b, p, syntax::MAX_DEPTH).ok()?;
    trailer.get(b"Size").ok()?.as_i64().ok()?;
    Some((table, trailer))
}

/// The end of a table entry: ` \r`, ` \n`, `\r\n`, or (as lopdf allows) a bare `\n` or `\r`.
fn entry_end(b: &[u8], p: usize) -> Option<usize> {
    match b.get(p..).unwrap_or_default() {
        [b' ', b'\r' | b'\n', ..] | [b'\r', b'\n', ..] => Some(p + 2),
        [b'\n' | b'\r', ..] => Some(p + 1),
        _ => None,
    }
}

fn stream_section(b: &[u8], at: usize, max_stream: u64) -> Option<(Table, Dictionary)> {
    let (_, Body::Stream(dict, data_at)) = syntax::indirect(b, at).ok()? else {
        return None;
    };
    let Object::Integer(length) = *dict.get(b"Length").ok()? else {
        return None;
    };
    let end = data_at.checked_add(usize::try_from(length).ok()?)?;
    let raw = b.get(data_at..end)?;
    if !syntax::endstream_at(b, end) {
        return None;
    }
    let stream = Stream::new(dict, raw.to_vec());
    let data = plain_content(&stream, max_stream)?;
    let mut dict = stream.dict;
    let size = dict.get(b"Size").ok()?.as_i64().ok()?;
    let ints = |o: &Object| -> Option<Vec<i64>> {
        o.as_array()
            .ok()?
            .iter()
            .map(|x| x.as_i64().ok())
            .collect::<Option<Vec<i64>>>()
    };
    let index = match dict.get(b"Index") {
        Ok(o) => ints(o)?,
        Err(_) => vec![0, size],
    };
    let w = ints(dict.get(b"W").ok()?)?;
    if w.len() < 3 || w[..3].iter().any(|&x| !(0..=4).contains(&x)) {
        return None;
    }
    let (w0, w1, w2) = (w[0] as usize, w[1] as usize, w[2] as usize);
    let width = w0 + w1 + w2;
    if width == 0 {
        return None;
    }
    let mut table = Table::new();
    let mut p = 0usize;
    let read = |p: &mut usize, n: usize| -> Option<u32> {
        let field = data.get(*p..*p + n)?;
        *p += n;
        Some(field.iter().fold(0u32, |v, &x| (v << 8) | u32::from(x)))
    };
    let mut total = 0usize;
    for pair in index.chunks_exact(2) {
        total = total.checked_add(usize::try_from(pair[1]).ok()?)?;
    }
    if total > data.len() / width.max(3) {
        return None;
    }
    for pair in index.chunks_exact(2) {
        let (start, count) = (pair[0], pair[1]);
        for j in 0..count {
            let kind = if w0 == 0 { 1 } else { read(&mut p, w0)? };
            let f2 = read(&mut p, w1)?;
            let f3 = read(&mut p, w2)?;
            let entry = match kind {
                0 => Some(Entry::Free),
                1 => Some(Entry::Normal {
                    offset: f2,
                    generation: if w2 == 0 { 0 } else { f3 as u16 },
                }),
                2 => Some(Entry::Compressed { container: f2 }),
                _ => None,
            };
            if let Some(entry) = entry {
                let num = u32::try_from(start.checked_add(j)?).ok()?;
                table.insert(num, entry);
            }
        }
    }
    for key in [&b"Length"[..], b"W", b"Index"] {
        dict.remove(key);
    }
    Some((table, dict))
}

/// A cross-reference or object stream's data, decoded only when the decoding is beyond doubt:
/// no filter, or one FlateDecode layer that reaches its end (with a PNG predictor over whole
/// rows of bytes). lopdf decodes these streams itself; anything it might decode differently is
/// left to it.
fn plain_content(s: &Stream, max_stream: u64) -> Option<Vec<u8>> {
    let filter = match s.dict.get(b"Filter") {
        Err(_) => return Some(s.content.clone()),
        Ok(Object::Name(n)) => n.as_slice(),
        Ok(Object::Array(a)) if a.len() == 1 => a[0].as_name().ok()?,
        Ok(_) => return None,
    };
    if filter != b"FlateDecode" {
        return None;
    }
    let parms = match s.dict.get(b"DecodeParms") {
        Err(_) => None,
        Ok(Object::Dictionary(d)) => Some(d),
        Ok(Object::Array(a)) if a.len() == 1 => Some(a[0].as_dict().ok()?),
        Ok(_) => return None,
    };
    let data = inflate_whole(&s.content, max_stream)?;
    let Some(parms) = parms else {
        return Some(data);
    };
    let int = |k: &[u8], d: i64| -> Option<i64> {
        match parms.get(k) {
            Err(_) => Some(d),
            Ok(o) => o.as_i64().ok(),
        }
    };
    // lopdf sizes a predictor row from these before it looks at the predictor, and fails the
    // stream when the product overflows, whatever the predictor.
    let columns = int(b"Columns", 1)?;
    let row_bits = [columns, int(b"Colors", 1)?, int(b"BitsPerComponent", 8)?]
        .iter()
        .try_fold(1u64, |acc, &v| acc.checked_mul(v.max(1) as u64));
    if row_bits.is_none_or(|bits| usize::try_from(bits).is_err()) {
        return None;
    }
    let predictor = int(b"Predictor", 1)?;
    if predictor == 1 {
        return Some(data);
    }
    if !(10..=15).contains(&predictor)
        || int(b"Colors", 1)? != 1
        || int(b"BitsPerComponent", 8)? != 8
        || !(1..=1 << 16).contains(&columns)
        || data.len() % (columns as usize + 1) != 0
        // lopdf rejects a row whose filter type PNG does not define.
        || data.chunks(columns as usize + 1).any(|row| row[0] > 4)
    {
        return None;
    }
    Some(crate::filters::predict(data, Some(parms)))
}

/// Inflates zlib data that ends properly, at most `max` bytes.
fn inflate_whole(input: &[u8], max: u64) -> Option<Vec<u8>> {
    use flate2::{Decompress, FlushDecompress, Status};
    let max = usize::try_from(max).unwrap_or(usize::MAX);
    let mut d = Decompress::new(true);
    let mut out = Vec::with_capacity(input.len().saturating_mul(4).clamp(256, 1 << 20));
    loop {
        if out.len() == out.capacity() {
            if out.len() >= max {
                return None;
            }
            out.reserve(out.len().min(max - out.len()).max(4096));
        }
        let before = (d.total_in(), d.total_out());
        let consumed = usize::try_from(d.total_in()).ok()?;
        let status = d
            .decompress_vec(input.get(consumed..)?, &mut out, FlushDecompress::None)
            .ok()?;
        match status {
            Status::StreamEnd => return (out.len() <= max).then_some(out),
            _ if (d.total_in(), d.total_out()) == before && out.len() < out.capacity() => {
                return None;
            }
            _ => {}
        }
    }
}

/// Compares the lazy reader with lopdf on one file, as the extractor loads it (its default
/// limits, after its checks on the raw bytes): lopdf must load a file the lazy reader opens; every
/// object lopdf loads must be the object the lazy reader gives, or that very lookup must ask for
/// lopdf; and no number of the lazy reader's table may give an object lopdf lacks. Gives how
/// many objects were compared (0 when the lazy reader does not take the file, or the checks
/// refuse it), or what differs.
#[cfg(any(test, feature = "oracle"))]
pub(crate) fn compare_with_lopdf(bytes: &[u8]) -> Result<usize, String> {
    let options = crate::Options::default();
    let budget = crate::filters::Budget::new(options.max_stream_bytes, options.max_total_bytes);
    if crate::document::check_bytes(bytes, &budget).is_err() {
        return Ok(0);
    }
    let Some(lazy) = Objects::lazy(bytes, options.max_stream_bytes, options.max_total_bytes) else {
        return Ok(0);
    };
    let load = lopdf::LoadOptions {
        max_decompressed_size: usize::try_from(options.max_stream_bytes).ok(),
        ..lopdf::LoadOptions::default()
    };
    let eager = match lopdf::Document::load_mem_with_options(bytes, load) {
        Ok(doc) => doc,
        // lopdf unpacks every object stream and refuses the file when one decodes past the
        // limit; the lazy reader unpacks only those it needs, and those under the same limit.
        Err(lopdf::Error::Decompress(lopdf::DecompressError::MemoryLimitExceeded { .. })) => {
            return Ok(0);
        }
        Err(e) => return Err(format!("lopdf refuses a file the lazy reader opens: {e}")),
    };
    if lazy.trailer().get(b"Root").ok() != eager.trailer.get(b"Root").ok() {
        return Err("the trailers' /Root differ".into());
    }
    let Kind::Lazy(reader) = &lazy.kind else {
        return Err("not the lazy reader".into());
    };
    let mut compared = 0;
    for &id in eager.objects.keys() {
        reader.anomaly.set(false);
        match lazy.get_object(id) {
            Ok(o) => {
                if Some(o) != eager.get_object(id).ok() {
                    return Err(format!("object {id:?} differs"));
                }
                compared += 1;
            }
            Err(_) if lazy.needs_lopdf() || eager.get_object(id).is_err() => {}
            Err(_) => {
                return Err(format!(
                    "lopdf has {id:?}; the lazy reader neither has it nor asks for lopdf"
                ));
            }
        }
    }
    let past = eager.objects.keys().map(|id| id.0).max().unwrap_or(0);
    let numbers = reader.numbers.iter().copied().chain(past.checked_add(1));
    for num in numbers {
        reader.anomaly.set(false);
        let id = (num, 0);
        if !eager.objects.contains_key(&id) && lazy.get_object(id).is_ok() && !lazy.needs_lopdf() {
            return Err(format!("the lazy reader has {num} 0 R, lopdf has not"));
        }
    }
    Ok(compared)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small file with a classic table; `extra` is appended before the table.
    fn file(objects: &[&str]) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    fn pages_file(content: &str) -> Vec<u8> {
        let len = content.len();
        file(&[
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
            &format!("<< /Length 5 0 R >>\nstream\n{content}\nendstream"),
            &len.to_string(),
        ])
    }

    #[test]
    fn objects_read_lazily_equal_lopdf_s() {
        let bytes = pages_file("BT (Hi) Tj ET");
        let lazy = Objects::lazy(&bytes, 1 << 20, 1 << 20).expect("lazy reader takes a sound file");
        assert!(lazy.is_lazy());
        let eager: Objects = lopdf::Document::load_mem(&bytes).unwrap().into();
        for n in 1..=5 {
            assert_eq!(
                lazy.get_object((n, 0)).ok(),
                eager.get_object((n, 0)).ok(),
                "object {n}"
            );
        }
        assert_eq!(
            lazy.trailer().get(b"Root").ok(),
            eager.trailer().get(b"Root").ok()
        );
        assert!(!lazy.needs_lopdf());
    }

    /// A hybrid-reference file: the table leaves out object 6, which sits in object stream 5;
    /// the cross-reference stream that `/XRefStm` names lists it.
    fn hybrid_file() -> Vec<u8> {
        let mut out = b"%PDF-1.5\n".to_vec();
        let member = b"<< /Font << >> >>";
        let objstm = [b"6 0 ".as_slice(), member].concat();
        let bodies: Vec<Vec<u8>> = vec![
            b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
            b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources 6 0 R >>".to_vec(),
            b"<< /Length 7 >>\nstream\nBT ET q\nendstream".to_vec(),
            [
                format!(
                    "<< /Type /ObjStm /N 1 /First 4 /Length {} >>\nstream\n",
                    objstm.len()
                )
                .as_bytes(),
                &objstm,
                b"\nendstream",
            ]
            .concat(),
        ];
        let mut offsets = Vec::new();
        for (i, body) in bodies.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref_stream = out.len();
        out.extend_from_slice(
            b"7 0 obj\n<< /Type /XRef /Size 8 /W [1 2 1] /Index [6 1] /Length 4 >>\nstream\n",
        );
        out.extend_from_slice(&[2, 0, 5, 0]);
        out.extend_from_slice(b"\nendstream\nendobj\n");
        let table = out.len();
        out.extend_from_slice(b"xref\n0 6\n0000000000 65535 f \n");
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size 8 /Root 1 0 R /XRefStm {xref_stream} >>\nstartxref\n{table}\n%%EOF\n"
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn hybrid_files_read_the_stream_the_table_names() {
        let bytes = hybrid_file();
        let lazy =
            Objects::lazy(&bytes, 1 << 20, 1 << 20).expect("the lazy reader takes a hybrid file");
        let Ok(Object::Dictionary(res)) = lazy.get_object((6, 0)) else {
            panic!("object 6 not found through /XRefStm")
        };
        assert!(res.has(b"Font"));
        assert!(!lazy.needs_lopdf());
        // lopdf reads the same objects (object 6 included).
        assert!(compare_with_lopdf(&bytes).unwrap() >= 6);
        // Without the stream, object 6 is missing, and asking for it calls for lopdf.
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let at = text.find("/XRefStm").unwrap();
        let mut no_stream = bytes.clone();
        no_stream[at..at + 8].copy_from_slice(b"/Comment");
        let lazy = Objects::lazy(&no_stream, 1 << 20, 1 << 20).unwrap();
        assert!(lazy.get_object((6, 0)).is_err());
        assert!(lazy.needs_lopdf());
    }

    #[test]
    fn object_streams_count_against_the_file_total() {
        let bytes = hybrid_file();
        // Object 6 sits in an object stream of 21 bytes.
        let roomy = Objects::lazy(&bytes, 1 << 20, 64).unwrap();
        assert!(roomy.get_object((6, 0)).is_ok());
        assert!(!roomy.over_budget());
        let tight = Objects::lazy(&bytes, 1 << 20, 16).unwrap();
        assert!(tight.get_object((6, 0)).is_err());
        assert!(tight.over_budget());
    }

    #[test]
    fn a_scratch_view_parses_into_its_own_cache() {
        let bytes = pages_file("BT (Hi) Tj ET");
        let doc = Objects::lazy(&bytes, 1 << 20, 1 << 20).unwrap();
        let Kind::Lazy(lazy) = &doc.kind else {
            panic!("not lazy")
        };
        let slot_of = |n: u32| lazy.numbers.binary_search(&n).unwrap();
        // The page tree check parsed the catalog and the page tree root, not the content.
        assert!(lazy.cache.get(slot_of(2)).is_some());
        assert!(lazy.cache.get(slot_of(4)).is_none());
        {
            let scratch = doc.scratch();
            let Ok(Object::Stream(s)) = scratch.get_object((4, 0)) else {
                panic!("no content stream")
            };
            assert_eq!(s.content, b"BT (Hi) Tj ET");
            // Objects the file's cache holds are shared, not parsed again.
            let shared = scratch.get_object((2, 0)).unwrap() as *const Object;
            assert_eq!(shared, doc.get_object((2, 0)).unwrap() as *const Object);
        }
        // What the scratch view parsed went with it.
        assert!(lazy.cache.get(slot_of(4)).is_none());
        assert!(doc.get_object((4, 0)).is_ok());
        assert!(lazy.cache.get(slot_of(4)).is_some());
        assert!(!doc.needs_lopdf());
    }

    #[test]
    fn a_wrong_length_hands_the_file_to_lopdf() {
        let mut bytes = pages_file("BT (Hi) Tj ET");
        // /Length says 13; make the data one byte longer without moving any object.
        let at = memchr::memmem::find(&bytes, b"ET\nendstream").unwrap();
        bytes[at + 2] = b' ';
        let lazy = Objects::lazy(&bytes, 1 << 20, 1 << 20).unwrap();
        assert!(lazy.get_object((4, 0)).is_err());
        assert!(lazy.needs_lopdf());
    }

    #[test]
    fn unsound_files_are_left_to_lopdf() {
        let bytes = pages_file("q Q");
        // An entry pointing into the middle of an object.
        let mut shifted = bytes.clone();
        let xref = memchr::memmem::rfind(&shifted, b"0000000009 00000 n").unwrap();
        shifted[xref + 8..xref + 10].copy_from_slice(b"11");
        assert!(Objects::lazy(&shifted, 1 << 20, 1 << 20).is_none());
        // No page tree.
        let no_tree = file(&["<< /Type /Catalog >>"]);
        assert!(Objects::lazy(&no_tree, 1 << 20, 1 << 20).is_none());
        // Encrypted.
        let enc = String::from_utf8(bytes.clone())
            .unwrap()
            .replace("/Root 1 0 R", "/Root 1 0 R /Encrypt 9 0 R");
        assert!(Objects::lazy(enc.as_bytes(), 1 << 20, 1 << 20).is_none());
        // A reference with another generation than the object's is no object, as for lopdf.
        let lazy = Objects::lazy(&bytes, 1 << 20, 1 << 20).unwrap();
        assert!(lazy.get_object((2, 3)).is_err());
        assert!(!lazy.needs_lopdf());
        // A dangling reference asks for lopdf (an object stream might hold the number).
        assert!(lazy.get_object((77, 0)).is_err());
        assert!(lazy.needs_lopdf());
    }

    /// PDF files under `dir`, recursively.
    fn pdfs(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pdfs(&path, out);
            } else if path.extension().is_some_and(|e| e == "pdf") {
                out.push(path);
            }
        }
    }

    /// The oracle: for every file the lazy reader takes, every object lopdf loads is the same
    /// object read lazily, or the lazy reader says it needs lopdf. Run over the project's PDFs;
    /// `LAZY_ORACLE_DIR` adds another folder (such as a corpus outside the project).
    #[test]
    fn every_object_read_lazily_is_lopdf_s_object() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        pdfs(&root.join("tests/data"), &mut files);
        pdfs(&root.join("../../fixtures"), &mut files);
        // Files the fuzz target `lazy` found the two readers disagreeing on.
        pdfs(&root.join("../../fuzz/regressions"), &mut files);
        if let Some(extra) = std::env::var_os("LAZY_ORACLE_DIR") {
            pdfs(std::path::Path::new(&extra), &mut files);
        }
        assert!(files.len() > 40, "fixtures not found: {}", files.len());
        let (mut lazy_files, mut compared) = (0, 0);
        for path in &files {
            let bytes = std::fs::read(path).unwrap();
            match compare_with_lopdf(&bytes) {
                Ok(0) => {}
                Ok(n) => {
                    lazy_files += 1;
                    compared += n;
                }
                Err(e) => panic!("{}: {e}", path.display()),
            }
        }
        assert!(
            lazy_files > 30 && compared > 2000,
            "{lazy_files} files, {compared} objects"
        );
    }

    #[test]
    fn predicted_streams_decode_only_when_lopdf_would_decode_them_alike() {
        use std::io::Write;
        let packed = |rows: &[u8]| {
            let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
            z.write_all(rows).unwrap();
            z.finish().unwrap()
        };
        let stream = |rows: &[u8]| {
            let mut parms = Dictionary::new();
            parms.set("Predictor", 12);
            parms.set("Columns", 2);
            let mut dict = Dictionary::new();
            dict.set("Filter", Object::Name(b"FlateDecode".to_vec()));
            dict.set("DecodeParms", parms);
            Stream::new(dict, packed(rows))
        };
        // Two rows with the Up filter: the second adds the first.
        assert_eq!(
            plain_content(&stream(&[2, 1, 2, 2, 1, 1]), 1 << 20),
            Some(vec![1, 2, 2, 3])
        );
        // A filter type beyond 4, or a partial row: lopdf fails where a lenient decoder would not.
        assert_eq!(plain_content(&stream(&[2, 1, 2, 7, 1, 1]), 1 << 20), None);
        assert_eq!(plain_content(&stream(&[2, 1, 2, 2, 1]), 1 << 20), None);
    }

    #[test]
    fn inflate_whole_wants_the_end_of_the_stream() {
        use std::io::Write;
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&[7u8; 10_000]).unwrap();
        let packed = z.finish().unwrap();
        assert_eq!(inflate_whole(&packed, 1 << 20).unwrap(), vec![7u8; 10_000]);
        assert!(inflate_whole(&packed[..packed.len() - 6], 1 << 20).is_none());
        assert!(inflate_whole(&packed, 100).is_none());
    }
}
