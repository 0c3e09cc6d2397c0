//! CMaps: embedded (ToUnicode and CID encodings) and predefined (by name).
//!
//! Takes the bytes of a CMap stream and gives a codespace (how a string splits into codes), a
//! code → Unicode map (`bfchar`/`bfrange`, with arrays, multi-byte codes and UTF-16 surrogates)
//! and a code → CID map (`cidchar`/`cidrange`). Predefined CJK CMaps are not shipped as tables:
//! their codes *are* bytes of a legacy encoding (GBK, Big5, Shift-JIS, EUC) or of UTF-16, so they
//! are decoded with encoding_rs, which is what the CMap files amount to for text extraction.

use std::collections::HashMap;

use crate::lexer::{Lexer, Tok, decode_hex};

/// One `begincodespacerange` entry.
#[derive(Debug, Clone)]
struct CodeRange {
    len: usize,
    lo: [u8; 4],
    hi: [u8; 4],
}

/// How a byte string splits into character codes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Codespace {
    ranges: Vec<CodeRange>,
}

impl Codespace {
    /// A fixed-width codespace (`len` bytes for every code).
    pub(crate) fn fixed(len: usize) -> Self {
        let len = len.clamp(1, 4);
        Codespace {
            ranges: vec![CodeRange {
                len,
                lo: [0; 4],
                hi: [0xff; 4],
            }],
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Length in bytes of the code at the start of `bytes` (at least 1, at most `bytes.len()`).
    pub(crate) fn code_len(&self, bytes: &[u8]) -> usize {
        if self.ranges.is_empty() || bytes.is_empty() {
            return 1.min(bytes.len());
        }
        let mut partial: Option<usize> = None;
        for r in &self.ranges {
            if r.len > bytes.len() {
                if bytes.first().is_some_and(|&b| b >= r.lo[0] && b <= r.hi[0]) {
                    partial.get_or_insert(bytes.len());
                }
                continue;
            }
            let fits = (0..r.len).all(|i| bytes[i] >= r.lo[i] && bytes[i] <= r.hi[i]);
            if fits {
                return r.len;
            }
            if bytes[0] >= r.lo[0] && bytes[0] <= r.hi[0] {
                partial = Some(partial.map_or(r.len, |p| p.min(r.len)));
            }
        }
        let shortest = self.ranges.iter().map(|r| r.len).min().unwrap_or(1);
        partial.unwrap_or(shortest).clamp(1, bytes.len())
    }
}

/// Packs up to four code bytes into one number.
#[inline]
pub(crate) fn code_value(bytes: &[u8]) -> u32 {
    bytes
        .iter()
        .take(4)
        .fold(0u32, |acc, &b| acc << 8 | u32::from(b))
}

#[derive(Debug, Clone)]
enum RangeDst {
    /// First destination as UTF-16 units; the last unit grows with the code.
    Start(Units),
    /// One destination per code.
    Array(Vec<Box<str>>),
}

/// UTF-16 units, kept inline when there are at most two (one character: nearly every range
/// destination), which saves an allocation per `bfrange` entry.
#[derive(Debug, Clone)]
enum Units {
    Inline([u16; 2], u8),
    Heap(Vec<u16>),
}

impl Units {
    fn new(units: impl ExactSizeIterator<Item = u16>) -> Units {
        if units.len() <= 2 {
            let mut a = [0u16; 2];
            let mut n = 0u8;
            for (slot, u) in a.iter_mut().zip(units) {
                *slot = u;
                n += 1;
            }
            Units::Inline(a, n)
        } else {
            Units::Heap(units.collect())
        }
    }

    fn as_slice(&self) -> &[u16] {
        match self {
            Units::Inline(a, n) => a.get(..usize::from(*n)).unwrap_or_default(),
            Units::Heap(v) => v,
        }
    }
}

#[derive(Debug, Clone)]
struct BfRange {
    lo: u32,
    hi: u32,
    dst: RangeDst,
}

/// A parsed CMap stream.
#[derive(Debug, Clone, Default)]
pub(crate) struct CMap {
    pub(crate) codespace: Codespace,
    /// Code → range of its text in `texts`.
    chars: HashMap<u32, (usize, usize)>,
    /// The text of every `bfchar` entry, one after the other (one allocation, not one each).
    texts: String,
    ranges: Vec<BfRange>,
    cid_chars: HashMap<u32, u32>,
    cid_ranges: Vec<(u32, u32, u32)>,
    /// Longest source code seen in the mappings, for CMaps without a codespace.
    max_src_len: usize,
    /// `usecmap` target, for embedded CMaps that extend a predefined one.
    pub(crate) usecmap: Option<Vec<u8>>,
    /// `/WMode 1`.
    pub(crate) vertical: bool,
}

/// How many `bfchar` entries `data` announces (the count before each `beginbfchar`), at most
/// one per 8 bytes of it: the map of a large ToUnicode CMap is then sized once instead of being
/// rehashed as it doubles, section after section of 100 entries.
fn bfchar_entries(data: &[u8]) -> usize {
    let mut n = 0usize;
    for at in memchr::memmem::find_iter(data, b"beginbfchar") {
        let head = data.get(..at).unwrap_or_default().trim_ascii_end();
        let digits = head
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_digit())
            .count()
            .min(6);
        let count = head[head.len() - digits..]
            .iter()
            .fold(0usize, |v, &d| v * 10 + usize::from(d - b'0'));
        n = n.saturating_add(count);
    }
    n.min(data.len() / 8)
}

/// UTF-16BE bytes (or, if that fails, single bytes) as text.
fn utf16_text(bytes: &[u8]) -> Option<Box<str>> {
    let mut s = String::new();
    push_utf16(bytes, &mut s);
    Some(s.into_boxed_str())
}

/// Appends UTF-16BE bytes (a single byte: that byte as a character) to `out` as text.
fn push_utf16(bytes: &[u8], out: &mut String) {
    if let [b] = bytes {
        out.push(char::from(*b));
        return;
    }
    let units = bytes
        .chunks(2)
        .map(|c| u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0)));
    out.extend(char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')));
}

/// The bytes of the hex string `raw`, decoded into `buf` (scratch reused for every token).
fn hex_into<'b>(raw: &[u8], buf: &'b mut Vec<u8>) -> &'b [u8] {
    buf.clear();
    decode_hex(raw, buf);
    buf
}

impl CMap {
    /// Parses a CMap stream. Never fails: unreadable sections are skipped.
    pub(crate) fn parse(data: &[u8]) -> CMap {
        let mut cmap = CMap::default();
        cmap.chars.reserve(bfchar_entries(data));
        let mut lx = Lexer::new(data);
        let mut prev: Option<Tok<'_>> = None;
        let mut prev2: Option<Tok<'_>> = None;
        let mut guard = 0usize;
        let mut body = Vec::new();
        while let Some(tok) = lx.next_tok() {
            guard += 1;
            if guard > 4_000_000 {
                break;
            }
            if let Tok::Op(op) = &tok {
                let end: &[u8] = match *op {
                    b"begincodespacerange" => b"endcodespacerange",
                    b"beginbfchar" => b"endbfchar",
                    b"beginbfrange" => b"endbfrange",
                    b"begincidchar" => b"endcidchar",
                    b"begincidrange" => b"endcidrange",
                    b"beginnotdefrange" => b"endnotdefrange",
                    b"usecmap" => {
                        if let Some(Tok::Name(n)) = &prev {
                            cmap.usecmap = Some(n.to_vec());
                        }
                        b""
                    }
                    b"def" => {
                        if let (Some(Tok::Name(n)), Some(Tok::Num(v))) = (&prev2, &prev)
                            && n.as_ref() == b"WMode"
                        {
                            cmap.vertical = *v == 1.0;
                        }
                        b""
                    }
                    _ => b"",
                };
                if !end.is_empty() {
                    body.clear();
                    while let Some(t) = lx.next_tok() {
                        if matches!(&t, Tok::Op(o) if *o == end) {
                            break;
                        }
                        if matches!(&t, Tok::Op(o) if o.starts_with(b"begin") || *o == b"endcmap") {
                            break;
                        }
                        body.push(t);
                        if body.len() > 1_000_000 {
                            break;
                        }
                    }
                    cmap.section(op, &mut body);
                }
            }
            prev2 = prev.take();
            prev = Some(tok);
        }
        cmap.ranges.sort_by_key(|r| r.lo);
        cmap.cid_ranges.sort_by_key(|r| r.0);
        cmap
    }

    fn section(&mut self, op: &[u8], body: &mut Vec<Tok<'_>>) {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        match op {
            b"begincodespacerange" => {
                let mut it = body.drain(..);
                while let (Some(Tok::Hex(lo)), Some(Tok::Hex(hi))) = (it.next(), it.next()) {
                    let (lo, hi) = (hex_into(lo, &mut a), hex_into(hi, &mut b));
                    let len = lo.len().max(hi.len());
                    if !(1..=4).contains(&len) {
                        continue;
                    }
                    let mut r = CodeRange {
                        len,
                        lo: [0; 4],
                        hi: [0; 4],
                    };
                    for i in 0..len {
                        r.lo[i] = lo.get(i).copied().unwrap_or(0);
                        r.hi[i] = hi.get(i).copied().unwrap_or(0xff);
                    }
                    self.codespace.ranges.push(r);
                }
            }
            b"beginbfchar" => {
                let mut it = body.drain(..);
                while let (Some(src), Some(dst)) = (it.next(), it.next()) {
                    let Tok::Hex(src) = src else { continue };
                    let src = hex_into(src, &mut a);
                    let start = self.texts.len();
                    let mapped = match dst {
                        Tok::Hex(d) => {
                            push_utf16(hex_into(d, &mut b), &mut self.texts);
                            true
                        }
                        Tok::Name(n) => match crate::encodings::glyph_name_to_unicode(&n) {
                            Some(t) => {
                                self.texts.push_str(&t);
                                true
                            }
                            None => false,
                        },
                        Tok::Num(n) => match char::from_u32(n as u32) {
                            Some(c) => {
                                self.texts.push(c);
                                true
                            }
                            None => false,
                        },
                        _ => false,
                    };
                    self.max_src_len = self.max_src_len.max(src.len());
                    if mapped {
                        self.chars
                            .insert(code_value(src), (start, self.texts.len()));
                    }
                }
            }
            b"beginbfrange" => {
                let mut it = body.drain(..);
                while let (Some(lo), Some(hi)) = (it.next(), it.next()) {
                    let (Tok::Hex(lo), Tok::Hex(hi)) = (lo, hi) else {
                        continue;
                    };
                    let lo = hex_into(lo, &mut a);
                    self.max_src_len = self.max_src_len.max(lo.len());
                    let (lo, hi) = (code_value(lo), code_value(hex_into(hi, &mut b)));
                    let dst = match it.next() {
                        Some(Tok::Hex(d)) => {
                            let d = hex_into(d, &mut b);
                            let units = if d.len() == 1 {
                                Units::new([u16::from(d[0])].into_iter())
                            } else {
                                Units::new(d.chunks(2).map(|c| {
                                    u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0))
                                }))
                            };
                            RangeDst::Start(units)
                        }
                        Some(Tok::ArrOpen) => {
                            let mut v = Vec::new();
                            for t in it.by_ref() {
                                match t {
                                    Tok::ArrClose => break,
                                    Tok::Hex(d) => {
                                        v.push(utf16_text(hex_into(d, &mut b)).unwrap_or_default())
                                    }
                                    Tok::Name(n) => v.push(
                                        crate::encodings::glyph_name_to_unicode(&n)
                                            .unwrap_or_default()
                                            .into_boxed_str(),
                                    ),
                                    _ => {}
                                }
                            }
                            RangeDst::Array(v)
                        }
                        // A numeric destination is what a broken writer puts in place of
                        // `bfrange` hex: read it as a code point.
                        Some(Tok::Num(n)) => {
                            let mut buf = [0u16; 2];
                            let units: &[u16] = match char::from_u32(n as u32) {
                                Some(c) => c.encode_utf16(&mut buf),
                                None => &[],
                            };
                            RangeDst::Start(Units::new(units.iter().copied()))
                        }
                        _ => continue,
                    };
                    if hi >= lo && hi - lo <= 0x10000 {
                        self.ranges.push(BfRange { lo, hi, dst });
                    }
                }
            }
            b"begincidchar" => {
                let mut it = body.drain(..);
                while let (Some(src), Some(dst)) = (it.next(), it.next()) {
                    if let (Tok::Hex(src), Tok::Num(cid)) = (src, dst) {
                        let src = hex_into(src, &mut a);
                        self.max_src_len = self.max_src_len.max(src.len());
                        self.cid_chars.insert(code_value(src), cid.max(0.0) as u32);
                    }
                }
            }
            b"begincidrange" => {
                let mut it = body.drain(..);
                while let (Some(lo), Some(hi), Some(dst)) = (it.next(), it.next(), it.next()) {
                    if let (Tok::Hex(lo), Tok::Hex(hi), Tok::Num(cid)) = (lo, hi, dst) {
                        let lo = hex_into(lo, &mut a);
                        self.max_src_len = self.max_src_len.max(lo.len());
                        let (l, h) = (code_value(lo), code_value(hex_into(hi, &mut b)));
                        if h >= l {
                            self.cid_ranges.push((l, h, cid.max(0.0) as u32));
                        }
                    }
                }
            }
            _ => {}
        }
    }

    /// The codespace to split strings with; a CMap without one gets fixed-width codes of the
    /// length its mappings use.
    pub(crate) fn effective_codespace(&self) -> Codespace {
        if self.codespace.is_empty() {
            Codespace::fixed(self.max_src_len.max(1))
        } else {
            self.codespace.clone()
        }
    }

    /// Whether the CMap maps anything to Unicode.
    pub(crate) fn has_unicode(&self) -> bool {
        !self.chars.is_empty()
            || !self.ranges.is_empty()
            || !self.cid_chars.is_empty()
            || !self.cid_ranges.is_empty()
    }

    /// Unicode text of `code` (a ToUnicode lookup), as an owned string.
    #[cfg(test)]
    pub(crate) fn lookup(&self, code: u32) -> Option<String> {
        let mut out = String::new();
        self.lookup_into(code, &mut out).then_some(out)
    }

    /// Appends the Unicode text of `code` to `out` (a ToUnicode lookup); `false`, with nothing
    /// appended, when the CMap does not map it. Called for every glyph shown, so it never
    /// allocates beyond growing `out`.
    pub(crate) fn lookup_into(&self, code: u32, out: &mut String) -> bool {
        if let Some(&(a, b)) = self.chars.get(&code) {
            out.push_str(self.texts.get(a..b).unwrap_or_default());
            return true;
        }
        let idx = self.ranges.partition_point(|r| r.lo <= code);
        for r in self.ranges[..idx].iter().rev().take(4) {
            if code > r.hi {
                continue;
            }
            let off = code - r.lo;
            return match &r.dst {
                RangeDst::Array(v) => match v.get(off as usize) {
                    Some(s) => {
                        out.push_str(s);
                        true
                    }
                    None => false,
                },
                RangeDst::Start(units) => {
                    let Some((last, head)) = units.as_slice().split_last() else {
                        return false;
                    };
                    // A range destination that is a lone code point above the BMP is written as a
                    // surrogate pair; step the low surrogate, as the spec's byte increment does.
                    let v = u32::from(*last) + off;
                    let units = head.iter().copied().chain([(v & 0xffff) as u16]);
                    out.extend(char::decode_utf16(units).map(|r| r.unwrap_or('\u{fffd}')));
                    true
                }
            };
        }
        // ToUnicode CMaps written with cidchar/cidrange (invalid, but seen): the "CID" is the
        // code point.
        match self.cid(code).and_then(char::from_u32) {
            Some(c) => {
                out.push(c);
                true
            }
            None => false,
        }
    }

    /// CID of `code` (an encoding CMap lookup).
    pub(crate) fn cid(&self, code: u32) -> Option<u32> {
        if let Some(&c) = self.cid_chars.get(&code) {
            return Some(c);
        }
        let idx = self.cid_ranges.partition_point(|r| r.0 <= code);
        for &(lo, hi, cid) in self.cid_ranges[..idx].iter().rev().take(4) {
            if code <= hi {
                return Some(cid + (code - lo));
            }
        }
        None
    }
}

/// A legacy multi-byte encoding behind a predefined CMap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mbcs {
    Gbk,
    Gb18030,
    Big5,
    ShiftJis,
    EucJp,
    EucKr,
    /// ISO-2022 row/cell codes (the `H`/`V` CMaps): two bytes 0x21..0x7E, EUC minus 0x8080.
    Jis,
    Ksc,
}

/// What a predefined CMap name means for decoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Predefined {
    /// Code = CID, two bytes.
    Identity,
    Ucs2,
    Utf16,
    Utf32,
    Utf8,
    Mb(Mbcs),
}

/// Recognises a predefined CMap name; the flag is vertical writing.
pub(crate) fn predefined(name: &[u8]) -> Option<(Predefined, bool)> {
    let name = std::str::from_utf8(name).ok()?;
    let vertical = name.ends_with("-V") || name == "V";
    let p = if name.starts_with("Identity") {
        Predefined::Identity
    } else if name.contains("UCS2") {
        Predefined::Ucs2
    } else if name.contains("UTF16") {
        Predefined::Utf16
    } else if name.contains("UTF32") {
        Predefined::Utf32
    } else if name.contains("UTF8") {
        Predefined::Utf8
    } else if name.starts_with("GBK2K") || name.starts_with("GBT") {
        Predefined::Mb(Mbcs::Gb18030)
    } else if name.starts_with("GB") {
        Predefined::Mb(Mbcs::Gbk)
    } else if name.contains("B5")
        || name.starts_with("HKscs")
        || name.starts_with("HKm")
        || name.starts_with("HKgccs")
        || name.starts_with("CNS-EUC")
    {
        Predefined::Mb(Mbcs::Big5)
    } else if name.contains("RKSJ") {
        Predefined::Mb(Mbcs::ShiftJis)
    } else if name.starts_with("KSC") && name.contains("EUC") || name.starts_with("KSCms") {
        Predefined::Mb(Mbcs::EucKr)
    } else if name.starts_with("KSC") {
        Predefined::Mb(Mbcs::Ksc)
    } else if name.starts_with("EUC") {
        Predefined::Mb(Mbcs::EucJp)
    } else if matches!(name, "H" | "V")
        || name.starts_with("Ext-")
        || name.starts_with("Add-")
        || name.starts_with("NWP-")
    {
        Predefined::Mb(Mbcs::Jis)
    } else {
        return None;
    };
    Some((p, vertical))
}

impl Predefined {
    /// Length of the code at the start of `b`.
    pub(crate) fn code_len(self, b: &[u8]) -> usize {
        let Some(&b0) = b.first() else { return 0 };
        let n = match self {
            Predefined::Identity | Predefined::Ucs2 => 2,
            Predefined::Utf16 => {
                if (0xd8..=0xdb).contains(&b0) {
                    4
                } else {
                    2
                }
            }
            Predefined::Utf32 => 4,
            Predefined::Utf8 => match b0 {
                0xf0..=0xff => 4,
                0xe0..=0xef => 3,
                0xc0..=0xdf => 2,
                _ => 1,
            },
            Predefined::Mb(m) => match m {
                Mbcs::Gbk | Mbcs::Big5 | Mbcs::EucKr => {
                    if b0 > 0x80 && b0 < 0xff {
                        2
                    } else {
                        1
                    }
                }
                Mbcs::Gb18030 => {
                    if b0 > 0x80 && b0 < 0xff {
                        if b.get(1).is_some_and(|c| c.is_ascii_digit()) {
                            4
                        } else {
                            2
                        }
                    } else {
                        1
                    }
                }
                Mbcs::ShiftJis => {
                    if (0x81..=0x9f).contains(&b0) || (0xe0..=0xfc).contains(&b0) {
                        2
                    } else {
                        1
                    }
                }
                Mbcs::EucJp => {
                    if b0 == 0x8f {
                        3
                    } else if b0 == 0x8e || (0xa1..=0xfe).contains(&b0) {
                        2
                    } else {
                        1
                    }
                }
                Mbcs::Jis | Mbcs::Ksc => 2,
            },
        };
        n.min(b.len())
    }

    /// Appends the Unicode text of one code (its bytes) to `out`; `false`, with nothing appended,
    /// when the code has none.
    pub(crate) fn decode_into(self, code: &[u8], out: &mut String) -> bool {
        match self {
            Predefined::Identity => false,
            Predefined::Ucs2 | Predefined::Utf16 => {
                let units = code
                    .chunks(2)
                    .map(|c| u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0)));
                // All or nothing: an unpaired surrogate makes the whole code unmapped.
                let start = out.len();
                for r in char::decode_utf16(units) {
                    match r {
                        Ok(c) => out.push(c),
                        Err(_) => {
                            out.truncate(start);
                            return false;
                        }
                    }
                }
                true
            }
            Predefined::Utf32 => push_char(char::from_u32(code_value(code)), out),
            Predefined::Utf8 => match std::str::from_utf8(code) {
                Ok(t) => {
                    out.push_str(t);
                    true
                }
                Err(_) => false,
            },
            Predefined::Mb(m) => {
                if code.len() == 1 {
                    let b = code[0];
                    // Single bytes of these CMaps are ASCII (half-width Roman), never full-width.
                    if b < 0x80 {
                        out.push(char::from(b));
                        return true;
                    }
                    if m == Mbcs::ShiftJis && (0xa1..=0xdf).contains(&b) {
                        return push_char(char::from_u32(0xff61 + u32::from(b - 0xa1)), out);
                    }
                    return false;
                }
                let mut buf = [0u8; 4];
                let (enc, bytes): (&'static encoding_rs::Encoding, &[u8]) = match m {
                    Mbcs::Gbk | Mbcs::Gb18030 => (encoding_rs::GB18030, code),
                    Mbcs::Big5 => (encoding_rs::BIG5, code),
                    Mbcs::ShiftJis => (encoding_rs::SHIFT_JIS, code),
                    Mbcs::EucJp => (encoding_rs::EUC_JP, code),
                    Mbcs::EucKr => (encoding_rs::EUC_KR, code),
                    Mbcs::Jis | Mbcs::Ksc => {
                        let n = code.len().min(2);
                        for (i, &b) in code.iter().take(n).enumerate() {
                            buf[i] = b | 0x80;
                        }
                        let enc = if m == Mbcs::Jis {
                            encoding_rs::EUC_JP
                        } else {
                            encoding_rs::EUC_KR
                        };
                        (enc, &buf[..n])
                    }
                };
                push_decoded(enc, bytes, out)
            }
        }
    }
}

fn push_char(c: Option<char>, out: &mut String) -> bool {
    match c {
        Some(c) => {
            out.push(c);
            true
        }
        None => false,
    }
}

/// Appends the text of `bytes` (one code, a few bytes) in the legacy encoding `enc` to `out`;
/// `false`, with nothing appended, when they are malformed. Decodes through a stack buffer: the
/// one-call `decode_without_bom_handling_and_without_replacement` allocates a `String` per code.
pub(crate) fn push_decoded(
    enc: &'static encoding_rs::Encoding,
    bytes: &[u8],
    out: &mut String,
) -> bool {
    let mut buf = [0u8; 64];
    let mut decoder = enc.new_decoder_without_bom_handling();
    let (result, _, written) = decoder.decode_to_utf8_without_replacement(bytes, &mut buf, true);
    match result {
        encoding_rs::DecoderResult::InputEmpty => {
            match buf.get(..written).map(std::str::from_utf8) {
                Some(Ok(t)) => {
                    out.push_str(t);
                    true
                }
                _ => false,
            }
        }
        encoding_rs::DecoderResult::Malformed(..) => false,
        // More than a few bytes of input (not a code): decode it the allocating way.
        encoding_rs::DecoderResult::OutputFull => {
            match enc.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(t) => {
                    out.push_str(&t);
                    true
                }
                None => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    impl Predefined {
        fn decode(self, code: &[u8]) -> Option<String> {
            let mut out = String::new();
            self.decode_into(code, &mut out).then_some(out)
        }
    }

    const TOUNI: &[u8] = b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <00> <80> endcodespacerange
1 begincodespacerange <8140> <FEFE> endcodespacerange
3 beginbfchar <01> <4E2D> <02> <00660069> <8141> <D840DC00> endbfchar
2 beginbfrange <10> <12> <0041> <20> <22> [<0058> <0059> <005A>] endbfrange
endcmap";

    #[test]
    fn tounicode_chars_ranges_arrays_surrogates() {
        let c = CMap::parse(TOUNI);
        assert_eq!(c.lookup(1).as_deref(), Some("中"));
        assert_eq!(c.lookup(2).as_deref(), Some("fi"));
        assert_eq!(c.lookup(0x8141).as_deref(), Some("\u{20000}"));
        assert_eq!(c.lookup(0x11).as_deref(), Some("B"));
        assert_eq!(c.lookup(0x22).as_deref(), Some("Z"));
        assert_eq!(c.lookup(0x23), None);
    }

    #[test]
    fn bfchar_counts_are_read_ahead() {
        assert_eq!(bfchar_entries(TOUNI), 3);
        let mut many = Vec::new();
        for _ in 0..40 {
            many.extend_from_slice(b"100 beginbfchar <01> <41> endbfchar\n2\nbeginbfchar ");
            many.extend_from_slice(&[b' '; 1000]);
        }
        assert_eq!(bfchar_entries(&many), 40 * 102);
        // Never more than the data could hold.
        assert_eq!(bfchar_entries(b"99999999 beginbfchar"), 2);
    }

    #[test]
    fn range_destinations_of_every_length() {
        let c = CMap::parse(
            b"1 begincodespacerange <00> <FF> endcodespacerange
4 beginbfrange <01> <02> <D840DC00> <03> <04> <0066006600A0> <05> <05> <41> <06> <07> <> endbfrange
1 beginbfrange <08> <09> 20320 endbfrange",
        );
        assert_eq!(c.lookup(1).as_deref(), Some("\u{20000}"));
        assert_eq!(c.lookup(2).as_deref(), Some("\u{20001}"));
        assert_eq!(c.lookup(3).as_deref(), Some("ff\u{a0}"));
        assert_eq!(c.lookup(4).as_deref(), Some("ff\u{a1}"));
        assert_eq!(c.lookup(5).as_deref(), Some("A"));
        assert_eq!(c.lookup(6), None);
        assert_eq!(c.lookup(8).as_deref(), Some("你"));
        assert_eq!(c.lookup(9).as_deref(), Some("佡"));
    }

    #[test]
    fn mixed_width_codespace() {
        let c = CMap::parse(TOUNI);
        let cs = c.effective_codespace();
        assert_eq!(cs.code_len(b"\x41\x81\x41"), 1);
        assert_eq!(cs.code_len(b"\x81\x41"), 2);
        assert_eq!(cs.code_len(b"\x81"), 1);
    }

    #[test]
    fn cid_ranges_and_usecmap() {
        let c = CMap::parse(b"/UniJIS-UCS2-H usecmap 1 begincodespacerange <0000> <FFFF> endcodespacerange 1 begincidrange <0020> <007e> 1 endcidrange 1 begincidchar <3042> 842 endcidchar /WMode 1 def");
        assert_eq!(c.cid(0x21), Some(2));
        assert_eq!(c.cid(0x3042), Some(842));
        assert_eq!(c.usecmap.as_deref(), Some(&b"UniJIS-UCS2-H"[..]));
        assert!(c.vertical);
    }

    #[test]
    fn no_codespace_uses_mapping_width() {
        let c = CMap::parse(b"beginbfchar <0003> <0020> endbfchar");
        assert_eq!(c.effective_codespace().code_len(b"\x00\x03"), 2);
    }

    #[test]
    fn predefined_gbk_keeps_ascii_single_byte() {
        let (p, v) = predefined(b"GBK-EUC-H").unwrap_or((Predefined::Identity, true));
        assert!(!v);
        let s = b"http://a.cn \xd6\xd0";
        let mut i = 0;
        let mut out = String::new();
        while i < s.len() {
            let n = p.code_len(&s[i..]);
            out.push_str(&p.decode(&s[i..i + n]).unwrap_or_default());
            i += n;
        }
        assert_eq!(out, "http://a.cn 中");
    }

    #[test]
    fn predefined_ucs2_utf16_sjis_big5_ksc() {
        let ucs = predefined(b"UniGB-UCS2-H").map(|x| x.0);
        assert_eq!(ucs, Some(Predefined::Ucs2));
        assert_eq!(Predefined::Ucs2.decode(b"\x4e\x2d").as_deref(), Some("中"));
        assert_eq!(Predefined::Utf16.code_len(b"\xd8\x40\xdc\x00"), 4);
        assert_eq!(
            Predefined::Utf16.decode(b"\xd8\x40\xdc\x00").as_deref(),
            Some("\u{20000}")
        );
        let sj = predefined(b"90ms-RKSJ-H").map(|x| x.0);
        assert_eq!(sj, Some(Predefined::Mb(Mbcs::ShiftJis)));
        assert_eq!(
            Predefined::Mb(Mbcs::ShiftJis)
                .decode(b"\x82\xa0")
                .as_deref(),
            Some("あ")
        );
        assert_eq!(
            predefined(b"ETen-B5-H").map(|x| x.0),
            Some(Predefined::Mb(Mbcs::Big5))
        );
        assert_eq!(
            Predefined::Mb(Mbcs::Big5).decode(b"\xa4\xa4").as_deref(),
            Some("中")
        );
        assert_eq!(
            predefined(b"KSCms-UHC-H").map(|x| x.0),
            Some(Predefined::Mb(Mbcs::EucKr))
        );
        assert_eq!(
            Predefined::Mb(Mbcs::EucKr).decode(b"\xb0\xa1").as_deref(),
            Some("가")
        );
        assert_eq!(
            predefined(b"Identity-V"),
            Some((Predefined::Identity, true))
        );
    }
}
