//! Capped stream decoding.
//!
//! Takes a lopdf stream (already decrypted by lopdf) and gives its decoded bytes, never more than
//! the per-stream and per-file budgets allow: a decompression bomb fails fast with
//! [`Error::ResourceLimit`] instead of filling memory. Every filter layer is decoded against what
//! is left of both budgets (`min(per-stream cap, per-file cap − bytes already decoded)`), so the
//! limit is enforced while inflating, before the memory is allocated, and output buffers grow in
//! steps rather than being reserved up front. Streams drawn more than once (a form on every page,
//! one content stream shared by several pages) are decoded a second time when drawn again, then
//! shared through a bounded cache; streams drawn once (most of them) are not kept. Image codecs
//! (DCT, JPX, JBIG2, CCITT) are never run: those streams come back as `None`,
//! since text extraction has no use for pixels.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::time::Instant;

use lopdf::{Dictionary, Object, ObjectId, Stream};

use crate::Error;
use crate::objects::Objects;

/// Most decoded bytes kept in the shared-stream cache of one file.
const CACHE_BYTES: u64 = 64 << 20;

/// Resource budgets shared by everything decoded and interpreted for one file.
pub(crate) struct Budget {
    pub(crate) max_stream: u64,
    pub(crate) max_total: u64,
    used: Cell<u64>,
    /// Flate streams that did not inflate at all (garbage, e.g. from a wrong decryption key).
    pub(crate) broken_flate: Cell<u32>,
    /// Decoded streams by object number, shared by every page and form that draws them.
    cache: RefCell<HashMap<ObjectId, Option<Rc<Vec<u8>>>>>,
    /// Streams decoded once and not cached: a stream enters the cache when it is drawn again.
    seen_once: RefCell<HashSet<ObjectId>>,
    cached_bytes: Cell<u64>,
    /// Checked every few MiB of output by the decoders that can produce much.
    pub(crate) deadline: Option<Instant>,
}

/// Why a decoder stopped early.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The output reached its limit.
    Overflow,
    /// The deadline passed.
    Timeout,
}

/// Decoder output that stopped early.
pub(crate) use Stop::Overflow;

fn past(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now() > d)
}

impl Budget {
    pub(crate) fn new(max_stream: u64, max_total: u64) -> Self {
        Budget {
            max_stream,
            max_total,
            used: Cell::new(0),
            broken_flate: Cell::new(0),
            cache: RefCell::new(HashMap::new()),
            seen_once: RefCell::new(HashSet::new()),
            cached_bytes: Cell::new(0),
            deadline: None,
        }
    }

    /// Decoded bytes charged so far.
    #[cfg(test)]
    pub(crate) fn used(&self) -> u64 {
        self.used.get()
    }

    /// How many bytes the next decoding step may produce.
    fn allowance(&self) -> u64 {
        self.max_stream
            .min(self.max_total.saturating_sub(self.used.get()))
    }

    /// The error for a decoder that stopped early with an allowance of `limit` bytes.
    fn overflow(&self, limit: u64, stop: Stop) -> Error {
        if matches!(stop, Stop::Timeout) {
            Error::Timeout
        } else if limit < self.max_stream {
            total_exceeded(self.max_total)
        } else {
            too_big(self.max_stream)
        }
    }

    /// What all further decoding may still produce together.
    pub(crate) fn left(&self) -> u64 {
        self.max_total.saturating_sub(self.used.get())
    }

    pub(crate) fn charge(&self, n: u64) -> Result<(), Error> {
        let used = self.used.get().saturating_add(n);
        self.used.set(used);
        if used > self.max_total {
            return Err(total_exceeded(self.max_total));
        }
        Ok(())
    }
}

fn name_of(obj: &Object) -> Option<&[u8]> {
    match obj {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

/// Decodes the stream `id` (or an inline stream when `id` is `None`), at most twice per file: the
/// second call for the same object caches its result, and later calls share it and cost no
/// budget. Most streams (a page's own content) are drawn once; keeping them all would make memory
/// grow with the page count, so only a stream seen before is kept. Results stop being cached once
/// the cache holds [`CACHE_BYTES`]; they are then decoded (and charged) again.
pub(crate) fn decode_shared(
    doc: &Objects<'_>,
    id: Option<ObjectId>,
    stream: &Stream,
    budget: &Budget,
) -> Result<Option<Rc<Vec<u8>>>, Error> {
    if let Some(id) = id
        && let Some(hit) = budget.cache.borrow().get(&id)
    {
        return Ok(hit.clone());
    }
    let out = decode(doc, stream, budget)?.map(Rc::new);
    if let Some(id) = id
        && !budget.seen_once.borrow_mut().remove(&id)
    {
        budget.seen_once.borrow_mut().insert(id);
        return Ok(out);
    }
    if let Some(id) = id {
        let n = out.as_ref().map_or(0, |d| d.len() as u64);
        let cached = budget.cached_bytes.get().saturating_add(n);
        if cached <= CACHE_BYTES {
            budget.cached_bytes.set(cached);
            budget.cache.borrow_mut().insert(id, out.clone());
        }
    }
    Ok(out)
}

/// Decodes `stream`. `Ok(None)` means an image codec or an unknown filter: the caller skips it.
/// Corrupt compressed data yields what could be decoded before the damage. Every layer's output
/// is charged to the per-file budget.
pub(crate) fn decode(
    doc: &Objects<'_>,
    stream: &Stream,
    budget: &Budget,
) -> Result<Option<Vec<u8>>, Error> {
    let filters: Vec<&[u8]> = match stream.dict.get(b"Filter").map(|o| deref(doc, o)) {
        Ok(Object::Array(a)) => a.iter().filter_map(|o| name_of(deref(doc, o))).collect(),
        Ok(o) => name_of(o).into_iter().collect(),
        Err(_) => Vec::new(),
    };
    let parms: Vec<Option<&Dictionary>> = match stream
        .dict
        .get(b"DecodeParms")
        .or_else(|_| stream.dict.get(b"DP"))
        .map(|o| deref(doc, o))
    {
        Ok(Object::Array(a)) => a
            .iter()
            .map(|o| match deref(doc, o) {
                Object::Dictionary(d) => Some(d),
                _ => None,
            })
            .collect(),
        Ok(Object::Dictionary(d)) => vec![Some(d)],
        _ => Vec::new(),
    };
    if filters.len() > 8 {
        return Ok(None);
    }
    if filters.iter().any(|f| !is_text_filter(f)) {
        // Image codecs and anything unknown: never decoded.
        return Ok(None);
    }
    let mut data: Option<Vec<u8>> = None;
    for (i, f) in filters.iter().enumerate() {
        let input: &[u8] = data.as_deref().unwrap_or(&stream.content);
        let parm = parms.get(i).copied().flatten();
        let cap = budget.allowance();
        let out = match *f {
            b"FlateDecode" | b"Fl" => {
                let raw =
                    inflate(input, cap, budget.deadline).map_err(|e| budget.overflow(cap, e))?;
                if raw.is_empty() && input.len() > 8 {
                    budget.broken_flate.set(budget.broken_flate.get() + 1);
                }
                Ok(predict(raw, parm))
            }
            b"LZWDecode" | b"LZW" => {
                let early = parm
                    .and_then(|p| p.get(b"EarlyChange").ok())
                    .and_then(|o| o.as_i64().ok())
                    .unwrap_or(1);
                let raw = lzw(input, early != 0, cap, budget.deadline)
                    .map_err(|e| budget.overflow(cap, e))?;
                Ok(predict(raw, parm))
            }
            b"ASCIIHexDecode" | b"AHx" => ascii_hex(input, cap),
            b"ASCII85Decode" | b"A85" => ascii85(input, cap),
            b"RunLengthDecode" | b"RL" => run_length(input, cap),
            _ => Ok(input.to_vec()),
        }
        .map_err(|e| budget.overflow(cap, e))?;
        budget.charge(out.len() as u64)?;
        data = Some(out);
    }
    let out = match data {
        Some(d) => d,
        None => {
            let cap = budget.allowance();
            if stream.content.len() as u64 > cap {
                return Err(budget.overflow(cap, Overflow));
            }
            budget.charge(stream.content.len() as u64)?;
            stream.content.clone()
        }
    };
    Ok(Some(out))
}

/// Inflates `layers` times against the budget (and its deadline), charging every layer: the
/// check lopdf's loader gets before it unpacks object streams (it bounds each one, not their sum).
pub(crate) fn charge_inflated(data: &[u8], layers: usize, budget: &Budget) -> Result<(), Error> {
    let mut cur: Option<Vec<u8>> = None;
    for _ in 0..layers {
        let input = cur.as_deref().unwrap_or(data);
        let cap = budget.allowance();
        let out = inflate(input, cap, budget.deadline).map_err(|e| budget.overflow(cap, e))?;
        budget.charge(out.len() as u64)?;
        if out.is_empty() {
            break;
        }
        cur = Some(out);
    }
    Ok(())
}

fn is_text_filter(f: &[u8]) -> bool {
    matches!(
        f,
        b"FlateDecode"
            | b"Fl"
            | b"LZWDecode"
            | b"LZW"
            | b"ASCIIHexDecode"
            | b"AHx"
            | b"ASCII85Decode"
            | b"A85"
            | b"RunLengthDecode"
            | b"RL"
            | b"Crypt"
    )
}

/// Whether the stream is compressed with an image-only codec.
pub(crate) fn is_image_codec(doc: &Objects<'_>, stream: &Stream) -> bool {
    let check = |n: &[u8]| {
        matches!(
            n,
            b"DCTDecode" | b"DCT" | b"JPXDecode" | b"JBIG2Decode" | b"CCITTFaxDecode" | b"CCF"
        )
    };
    match stream.dict.get(b"Filter").map(|o| deref(doc, o)) {
        Ok(Object::Array(a)) => a.iter().filter_map(|o| name_of(deref(doc, o))).any(check),
        Ok(o) => name_of(o).is_some_and(check),
        Err(_) => false,
    }
}

fn deref<'a>(doc: &'a Objects<'a>, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(&Object::Null),
        _ => o,
    }
}

fn too_big(cap: u64) -> Error {
    Error::ResourceLimit(format!("a stream decodes to more than {cap} bytes"))
}

pub(crate) fn total_exceeded(cap: u64) -> Error {
    Error::ResourceLimit(format!("decoded streams exceed {cap} bytes in total"))
}

/// Inflates zlib (or, failing the header, raw deflate) data, producing at most `cap` bytes.
/// Damage after some output (bad Adler-32, truncation) keeps the output so far, as viewers do.
pub(crate) fn inflate(input: &[u8], cap: u64, deadline: Option<Instant>) -> Result<Vec<u8>, Stop> {
    let zlib_header = input.len() >= 2
        && input[0] & 0x0f == 8
        && (u16::from(input[0]) << 8 | u16::from(input[1])) % 31 == 0;
    let out = inflate_with(input, zlib_header, cap, deadline)?;
    if out.is_empty() && zlib_header {
        // Some writers put a zlib header in front of raw deflate data with a bad checksum flag.
        return inflate_with(input.get(2..).unwrap_or(&[]), false, cap, deadline);
    }
    Ok(out)
}

/// The output buffer starts small and grows by at most 8 MiB at a time, never past `cap + 1`
/// bytes: a bomb is stopped after allocating about `cap`, however big it claims to be. The
/// deadline is checked at every growth step.
fn inflate_with(
    input: &[u8],
    zlib: bool,
    cap: u64,
    deadline: Option<Instant>,
) -> Result<Vec<u8>, Stop> {
    INFLATER.with(|cell| match cell.try_borrow_mut() {
        Ok(mut kept) => {
            let d = kept.get_or_insert_with(|| flate2::Decompress::new(zlib));
            // The same as a new one (flate2 documents reset as such), without its allocation.
            d.reset(zlib);
            inflate_into(d, input, cap, deadline)
        }
        Err(_) => inflate_into(&mut flate2::Decompress::new(zlib), input, cap, deadline),
    })
}

thread_local! {
    /// One inflater per thread, reset for every stream: a new one zeroes and copies about 40 KiB
    /// of state, which for the many small streams of a PDF cost as much as inflating them.
    static INFLATER: RefCell<Option<flate2::Decompress>> = const { RefCell::new(None) };
}

fn inflate_into(
    d: &mut flate2::Decompress,
    input: &[u8],
    cap: u64,
    deadline: Option<Instant>,
) -> Result<Vec<u8>, Stop> {
    use flate2::{FlushDecompress, Status};
    let hard = usize::try_from(cap.saturating_add(1)).unwrap_or(usize::MAX);
    let mut out: Vec<u8> =
        Vec::with_capacity(input.len().saturating_mul(4).clamp(4096, 1 << 20).min(hard));
    loop {
        if out.len() == out.capacity() {
            if out.len() >= hard {
                return Err(Overflow);
            }
            if past(deadline) {
                return Err(Stop::Timeout);
            }
            let grow = out.capacity().clamp(4096, 8 << 20).min(hard - out.len());
            out.reserve_exact(grow);
        }
        let consumed = d.total_in() as usize;
        let Some(rest) = input.get(consumed..) else {
            break;
        };
        let before_out = d.total_out();
        match d.decompress_vec(rest, &mut out, FlushDecompress::None) {
            Ok(Status::StreamEnd) => break,
            Ok(_) => {
                if d.total_out() == before_out && d.total_in() as usize == consumed {
                    // No progress: input exhausted or stuck.
                    if out.len() < out.capacity() {
                        break;
                    }
                }
            }
            Err(_) => break,
        }
    }
    if out.len() as u64 > cap {
        return Err(Overflow);
    }
    Ok(out)
}

fn parm_int(parm: Option<&Dictionary>, key: &[u8], default: i64) -> i64 {
    parm.and_then(|p| p.get(key).ok())
        .and_then(|o| o.as_i64().ok())
        .unwrap_or(default)
}

/// Undoes PNG (10..15) and TIFF (2) predictors.
pub(crate) fn predict(data: Vec<u8>, parm: Option<&Dictionary>) -> Vec<u8> {
    let predictor = parm_int(parm, b"Predictor", 1);
    if predictor < 2 {
        return data;
    }
    let colors = parm_int(parm, b"Colors", 1).clamp(1, 32) as usize;
    let bpc = parm_int(parm, b"BitsPerComponent", 8).clamp(1, 16) as usize;
    let columns = parm_int(parm, b"Columns", 1).clamp(1, 1 << 20) as usize;
    let bpp = (colors * bpc).div_ceil(8).max(1);
    // A row longer than the data is one partial row: never allocate more than the data.
    let row = (colors * bpc * columns).div_ceil(8).min(data.len()).max(1);
    if predictor == 2 {
        if bpc != 8 {
            return data;
        }
        let mut out = data;
        for r in out.chunks_mut(row) {
            for i in bpp..r.len() {
                r[i] = r[i].wrapping_add(r[i - bpp]);
            }
        }
        return out;
    }
    let mut out = Vec::with_capacity(data.len());
    let mut prev = vec![0u8; row];
    for chunk in data.chunks(row + 1) {
        let Some((&kind, src)) = chunk.split_first() else {
            break;
        };
        let mut cur = vec![0u8; row];
        for i in 0..src.len().min(row) {
            let a = if i >= bpp { cur[i - bpp] } else { 0 };
            let b = prev[i];
            let c = if i >= bpp { prev[i - bpp] } else { 0 };
            let x = src[i];
            cur[i] = match kind {
                1 => x.wrapping_add(a),
                2 => x.wrapping_add(b),
                3 => x.wrapping_add(((u16::from(a) + u16::from(b)) / 2) as u8),
                4 => {
                    let p = i16::from(a) + i16::from(b) - i16::from(c);
                    let (pa, pb, pc) = (
                        (p - i16::from(a)).abs(),
                        (p - i16::from(b)).abs(),
                        (p - i16::from(c)).abs(),
                    );
                    let pred = if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    };
                    x.wrapping_add(pred)
                }
                _ => x,
            };
        }
        out.extend_from_slice(&cur[..src.len().min(row)]);
        prev = cur;
    }
    out
}

fn ascii_hex(input: &[u8], cap: u64) -> Result<Vec<u8>, Stop> {
    let mut out = Vec::with_capacity((input.len() / 2).min(1 << 20));
    let mut hi: Option<u8> = None;
    for &b in input {
        if b == b'>' {
            break;
        }
        let v = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => continue,
        };
        match hi.take() {
            Some(h) => out.push(h << 4 | v),
            None => hi = Some(v),
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
    capped(out, cap)
}

fn capped(out: Vec<u8>, cap: u64) -> Result<Vec<u8>, Stop> {
    if out.len() as u64 > cap {
        Err(Overflow)
    } else {
        Ok(out)
    }
}

fn ascii85(input: &[u8], cap: u64) -> Result<Vec<u8>, Stop> {
    let mut out = Vec::with_capacity((input.len() * 4 / 5).min(1 << 20));
    let mut group = [0u8; 5];
    let mut n = 0;
    let body = input.strip_prefix(b"<~").unwrap_or(input);
    for &b in body {
        match b {
            b'~' => break,
            b'z' if n == 0 => {
                out.extend_from_slice(&[0, 0, 0, 0]);
                if out.len() as u64 > cap {
                    return Err(Overflow);
                }
            }
            b'!'..=b'u' => {
                group[n] = b - b'!';
                n += 1;
                if n == 5 {
                    let v = group.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d));
                    out.extend_from_slice(&(v as u32).to_be_bytes());
                    n = 0;
                }
            }
            _ => {}
        }
    }
    if n > 1 {
        for g in group.iter_mut().skip(n) {
            *g = 84;
        }
        let v = group.iter().fold(0u64, |acc, &d| acc * 85 + u64::from(d));
        out.extend_from_slice(&(v as u32).to_be_bytes()[..n - 1]);
    }
    capped(out, cap)
}

fn run_length(input: &[u8], cap: u64) -> Result<Vec<u8>, Stop> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&len) = input.get(i) {
        i += 1;
        if len == 128 {
            break;
        }
        if len < 128 {
            let n = usize::from(len) + 1;
            let end = (i + n).min(input.len());
            out.extend_from_slice(&input[i..end]);
            i = end;
        } else {
            let Some(&b) = input.get(i) else { break };
            i += 1;
            out.extend(std::iter::repeat_n(b, 257 - usize::from(len)));
        }
        if out.len() as u64 > cap {
            return Err(Overflow);
        }
    }
    Ok(out)
}

fn lzw(input: &[u8], early: bool, cap: u64, deadline: Option<Instant>) -> Result<Vec<u8>, Stop> {
    let mut out = Vec::new();
    let mut table: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b]).collect();
    table.push(Vec::new());
    table.push(Vec::new());
    let mut code_len = 9u32;
    let mut bitbuf: u32 = 0;
    let mut nbits: u32 = 0;
    let mut prev: Option<usize> = None;
    let mut bytes = input.iter();
    loop {
        while nbits < code_len {
            let Some(&b) = bytes.next() else {
                return Ok(out);
            };
            bitbuf = (bitbuf << 8) | u32::from(b);
            nbits += 8;
        }
        let code = ((bitbuf >> (nbits - code_len)) & ((1 << code_len) - 1)) as usize;
        nbits -= code_len;
        match code {
            256 => {
                table.truncate(258);
                code_len = 9;
                prev = None;
                continue;
            }
            257 => break,
            _ => {}
        }
        let entry = if let Some(e) = table.get(code) {
            e.clone()
        } else if let Some(p) = prev {
            let mut e = table.get(p).cloned().unwrap_or_default();
            let first = e.first().copied().unwrap_or(0);
            e.push(first);
            e
        } else {
            break;
        };
        let before = out.len();
        out.extend_from_slice(&entry);
        if out.len() as u64 > cap {
            return Err(Overflow);
        }
        if before >> 22 != out.len() >> 22 && past(deadline) {
            return Err(Stop::Timeout);
        }
        if let Some(p) = prev
            && table.len() < 4096
        {
            let mut e = table.get(p).cloned().unwrap_or_default();
            e.push(entry.first().copied().unwrap_or(0));
            table.push(e);
        }
        prev = Some(code);
        let next = table.len() + usize::from(early);
        code_len = if next >= 2048 {
            12
        } else if next >= 1024 {
            11
        } else if next >= 512 {
            10
        } else {
            9
        };
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;
    use std::io::Write;

    fn zeros_zlib(n: usize) -> Vec<u8> {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&vec![0u8; n]).ok();
        e.finish().unwrap_or_default()
    }

    #[test]
    fn inflate_caps_output() {
        let z = zeros_zlib(10 << 20);
        assert!(inflate(&z, 1 << 20, None).is_err());
        let v = inflate(&z, 20 << 20, None).unwrap_or_default();
        assert_eq!(v.len(), 10 << 20);
        // Exactly at the cap is fine, one byte over is not.
        assert_eq!(
            inflate(&z, 10 << 20, None).map(|v| v.len()).ok(),
            Some(10 << 20)
        );
        assert!(inflate(&z, (10 << 20) - 1, None).is_err());
    }

    #[test]
    fn inflate_grows_gradually_and_never_past_the_cap() {
        let z = zeros_zlib(3 << 20);
        // Far below the cap: the buffer is not reserved up to the cap.
        let v = inflate(&z, 1 << 40, None).unwrap_or_default();
        assert!(v.capacity() < 12 << 20, "capacity {}", v.capacity());
        // A cap just above the output: never more than cap + 1 bytes allocated.
        let cap = (3 << 20) + 10;
        let v = inflate(&z, cap, None).unwrap_or_default();
        assert!(v.capacity() as u64 <= cap + 1, "capacity {}", v.capacity());
    }

    fn flate_stream(n: usize) -> Stream {
        let dict = dictionary! { "Filter" => "FlateDecode" };
        Stream::new(dict, zeros_zlib(n))
    }

    #[test]
    fn total_budget_stops_the_stream_that_crosses_it() {
        let doc = Objects::from(lopdf::Document::with_version("1.5"));
        let budget = Budget::new(4 << 20, 10 << 20);
        let s = flate_stream(3 << 20);
        for _ in 0..3 {
            assert!(matches!(decode(&doc, &s, &budget), Ok(Some(_))));
        }
        // The fourth would make 12 MiB: it is cut at the 1 MiB left, with the per-file message.
        match decode(&doc, &s, &budget) {
            Err(Error::ResourceLimit(m)) => assert!(m.contains("in total"), "{m}"),
            other => panic!("{:?}", other.map(|o| o.map(|v| v.len()))),
        }
        assert!(budget.used() <= 10 << 20);
        // The per-stream cap has its own message.
        let big = flate_stream(5 << 20);
        let fresh = Budget::new(4 << 20, 100 << 20);
        match decode(&doc, &big, &fresh) {
            Err(Error::ResourceLimit(m)) => assert!(m.contains("a stream decodes"), "{m}"),
            other => panic!("{:?}", other.map(|o| o.map(|v| v.len()))),
        }
    }

    #[test]
    fn nested_layers_are_each_capped() {
        let doc = Objects::from(lopdf::Document::with_version("1.5"));
        let inner = zeros_zlib(50 << 20);
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        e.write_all(&inner).ok();
        let outer = e.finish().unwrap_or_default();
        let dict = dictionary! {
            "Filter" => vec![Object::from("FlateDecode"), Object::from("FlateDecode")],
        };
        let budget = Budget::new(1 << 20, 8 << 20);
        let r = decode(&doc, &Stream::new(dict, outer), &budget);
        assert!(matches!(r, Err(Error::ResourceLimit(_))));
        assert!(budget.used() <= 8 << 20);
    }

    #[test]
    fn shared_streams_are_decoded_and_charged_twice_at_most() {
        let mut doc = lopdf::Document::with_version("1.5");
        let id = doc.add_object(flate_stream(1 << 20));
        let doc = Objects::from(doc);
        let Ok(Object::Stream(s)) = doc.get_object(id) else {
            panic!("no stream")
        };
        let budget = Budget::new(2 << 20, 3 << 20);
        for _ in 0..10 {
            let d = decode_shared(&doc, Some(id), s, &budget);
            assert_eq!(d.ok().flatten().map(|d| d.len()), Some(1 << 20));
        }
        assert_eq!(budget.used(), 2 << 20);
    }

    #[test]
    fn inflate_stops_at_the_deadline() {
        let z = zeros_zlib(40 << 20);
        let past = Instant::now() - std::time::Duration::from_millis(1);
        assert!(matches!(
            inflate(&z, 1 << 30, Some(past)),
            Err(Stop::Timeout)
        ));
        let doc = Objects::from(lopdf::Document::with_version("1.5"));
        let mut budget = Budget::new(1 << 30, 1 << 30);
        budget.deadline = Some(past);
        let s = Stream::new(dictionary! { "Filter" => "FlateDecode" }, z);
        assert!(matches!(decode(&doc, &s, &budget), Err(Error::Timeout)));
    }

    #[test]
    fn inflate_keeps_output_before_bad_checksum() {
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b"BT /F1 12 Tf (Hello) Tj ET").ok();
        let mut z = e.finish().unwrap_or_default();
        let n = z.len();
        z[n - 1] ^= 0xff;
        assert_eq!(
            inflate(&z, 1000, None).ok().as_deref(),
            Some(&b"BT /F1 12 Tf (Hello) Tj ET"[..])
        );
    }

    #[test]
    fn ascii_filters() {
        assert_eq!(
            ascii_hex(b"48 65 6C6C6F>", 100).ok(),
            Some(b"Hello".to_vec())
        );
        assert_eq!(
            ascii85(b"<~87cURD]i,\"Ebo7~>", 100).ok(),
            Some(b"Hello World".to_vec())
        );
        assert!(ascii85(&[b'z'; 1000], 100).is_err());
        assert_eq!(
            run_length(&[2, b'a', b'b', b'c', 254, b'x', 128], 100).ok(),
            Some(b"abcxxx".to_vec())
        );
        assert!(run_length(&[129, b'x', 129, b'x'], 200).is_err());
    }

    #[test]
    fn predictor_with_absurd_columns_does_not_allocate_rows() {
        let parm = dictionary! { "Predictor" => 12, "Colors" => 32, "BitsPerComponent" => 16, "Columns" => 1_000_000 };
        assert_eq!(predict(vec![0, 1, 2, 3], Some(&parm)), vec![1, 2, 3]);
    }
}
