//! PDF fonts: how a shown string becomes codes, widths and Unicode text.
//!
//! Takes a font dictionary and gives a [`Font`] that splits strings into codes and tells, for
//! each code, its advance width and its text. Text comes from the sources the PDF specification
//! lists, in its order: the ToUnicode CMap; for simple fonts the encoding and glyph names; for
//! CID fonts a predefined Unicode or legacy-encoding CMap; then the embedded TrueType/OpenType
//! font's own `cmap` (inverted, glyph → Unicode); then the Adobe character collection of
//! `/CIDSystemInfo`. Non-embedded Chinese-named simple fonts whose strings hold GBK bytes (a
//! Word/WPS export bug) are decoded as GBK.

use std::collections::HashMap;

use lopdf::{Dictionary, Object};

use crate::objects::Objects;

use crate::Error;
use crate::cid_tables::{self, Collection};
use crate::cmap::{CMap, Codespace, Predefined, code_value, predefined, push_decoded};
use crate::encodings::{BaseEncoding, glyph_name_to_unicode};
use crate::filters::{self, Budget};

/// One code of a shown string.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Code {
    /// Advance in text space units per 1 unit of font size (i.e. width/1000 for most fonts).
    pub(crate) width: f32,
    /// Whether Tw applies (single-byte code 32).
    pub(crate) word_space: bool,
    /// Byte range of the code's text in the buffer given to [`Font::decode`] (empty when
    /// unmapped).
    pub(crate) t0: usize,
    pub(crate) t1: usize,
}

#[derive(Debug)]
enum Split {
    Single,
    Codespace(Codespace),
    Predef(Predefined),
}

#[derive(Debug)]
enum CidSource {
    Identity,
    Embedded(Box<CMap>),
    /// Code → CID is a predefined CMap this crate does not ship: only ASCII is guessed.
    Unknown,
}

#[derive(Debug, Default)]
struct Widths {
    first: u32,
    table: Vec<f32>,
    ranges: Vec<(u32, u32, f32)>,
    default: f32,
}

impl Widths {
    /// The width given for `code` in the font's table, if any.
    fn explicit(&self, code: u32) -> Option<f32> {
        if let Some(i) = code.checked_sub(self.first)
            && let Some(&w) = self.table.get(i as usize)
        {
            return Some(w);
        }
        let idx = self.ranges.partition_point(|r| r.0 <= code);
        match idx.checked_sub(1).and_then(|i| self.ranges.get(i)) {
            Some(&(_, hi, w)) if code <= hi => Some(w),
            _ => None,
        }
    }

    fn get(&self, code: u32) -> f32 {
        self.explicit(code).unwrap_or(self.default)
    }
}

/// A loaded font.
#[derive(Debug)]
pub(crate) struct Font {
    split: Split,
    cids: CidSource,
    widths: Widths,
    /// Text of each single-byte code (simple fonts), resolved once at load.
    simple_text: SimpleText,
    to_unicode: Option<CMap>,
    /// Predefined CMap decoding for CID fonts with a Unicode or legacy CMap (also via usecmap).
    predef_text: Option<Predefined>,
    collection: Option<Collection>,
    /// CID → Unicode from the embedded TrueType (through CIDToGIDMap and the font's cmap).
    gid_text: Option<GidText>,
    /// Simple font whose strings are GBK bytes.
    pub(crate) gbk: bool,
    pub(crate) vertical: bool,
    /// Vertical advance (positive, per unit font size) for vertical fonts.
    vadvance: f32,
    /// This font's number in its document's [`CodeMemo`]; 0 for none.
    pub(crate) memo_id: u32,
}

/// The text of the 256 codes of a simple font: one string for all of them (a string each was
/// 200 allocations a font), and each mapped code's range of it.
#[derive(Debug, Default)]
struct SimpleText {
    text: String,
    ranges: Vec<Option<(u32, u32)>>,
}

impl SimpleText {
    /// The text of `code`; `None` when the font does not map it.
    fn get(&self, code: usize) -> Option<&str> {
        let (a, b) = self.ranges.get(code).copied().flatten()?;
        self.text.get(a as usize..b as usize)
    }
}

/// Text and width of a code, as [`Font::decode`] found them.
#[derive(Debug, Clone, Copy, Default)]
struct Memo {
    /// The font's [`Font::memo_id`]; 0 for an empty slot.
    font: u32,
    code: u32,
    /// The code's length in bytes (codes are at most 4 bytes, so length and value name them).
    code_len: u8,
    width: f32,
    /// How many of `text` are the code's text.
    len: u8,
    /// The text, when it is short enough to be kept here: kept as characters, which go into the
    /// output without the UTF-8 check and copy that bytes would need.
    text: [char; MEMO_CHARS],
}

/// Most characters of a code's text that [`CodeMemo`] keeps (nearly always there is one).
const MEMO_CHARS: usize = 2;

/// A direct-mapped cache of the text and width of multi-byte codes, shared by the fonts of a
/// document: CJK text draws the same few thousand characters over and over, and looking one up
/// costs a CMap hash, a legacy decoder call or a width search. Fixed size whatever the number of
/// fonts; collisions overwrite slots, so hostile input only makes it miss.
#[derive(Debug, Default)]
pub(crate) struct CodeMemo(Vec<Memo>);

const MEMO_SLOTS: usize = 4096;

impl CodeMemo {
    fn slot(&mut self, font: u32, code: u32) -> Option<&mut Memo> {
        if self.0.is_empty() {
            self.0 = vec![Memo::default(); MEMO_SLOTS];
        }
        // Fibonacci hashing of code and font into 12 bits.
        let h = (code ^ font.wrapping_mul(0x85eb_ca6b)).wrapping_mul(0x9e37_79b9) >> 20;
        self.0.get_mut(h as usize)
    }
}

#[derive(Debug)]
struct GidText {
    cid_to_gid: Option<Vec<u16>>,
    gid_uni: HashMap<u16, char>,
}

fn deref<'a>(doc: &'a Objects<'a>, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(&Object::Null),
        _ => o,
    }
}

fn get<'a>(doc: &'a Objects<'a>, d: &'a Dictionary, key: &[u8]) -> Option<&'a Object> {
    d.get(key).ok().map(|o| deref(doc, o))
}

fn get_dict<'a>(doc: &'a Objects<'a>, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    match get(doc, d, key)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

fn get_name<'a>(doc: &'a Objects<'a>, d: &'a Dictionary, key: &[u8]) -> Option<&'a [u8]> {
    match get(doc, d, key)? {
        Object::Name(n) => Some(n),
        _ => None,
    }
}

fn num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

fn get_num(doc: &Objects<'_>, d: &Dictionary, key: &[u8]) -> Option<f32> {
    get(doc, d, key).and_then(num)
}

fn stream_bytes(
    doc: &Objects<'_>,
    o: Option<&Object>,
    budget: &Budget,
) -> Result<Option<Vec<u8>>, Error> {
    match o {
        Some(Object::Stream(s)) => filters::decode(doc, s, budget),
        _ => Ok(None),
    }
}

fn string_bytes(o: &Object) -> Option<&[u8]> {
    match o {
        Object::String(s, _) => Some(s),
        Object::Name(n) => Some(n),
        _ => None,
    }
}

/// Whether a font name (raw bytes, possibly GBK) names a Chinese font.
pub(crate) fn is_chinese_font_name(name: &[u8]) -> bool {
    let base = match name.iter().position(|&b| b == b'+') {
        Some(6) => name.get(7..).unwrap_or(name),
        _ => name,
    };
    if base.iter().any(|&b| b >= 0x80) {
        return true;
    }
    let lower: Vec<u8> = base.iter().map(u8::to_ascii_lowercase).collect();
    const HINTS: &[&[u8]] = &[
        b"simsun",
        b"nsimsun",
        b"simhei",
        b"simkai",
        b"simfang",
        b"fangsong",
        b"kaiti",
        b"stsong",
        b"stheiti",
        b"stkaiti",
        b"stfangsong",
        b"stxihei",
        b"stzhongsong",
        b"microsoftyahei",
        b"msyh",
        b"songti",
        b"heiti",
        b"xiaobiaosong",
        b"fzxbs",
        b"fzsong",
        b"fzhei",
        b"fzkai",
        b"fzfs",
        b"_gb2312",
        b"gbk",
        b"mingliu",
        b"dfkai",
    ];
    HINTS
        .iter()
        .any(|h| lower.windows(h.len()).any(|w| w == *h))
}

/// Approximate width (per 1000 em) of a Latin character in a proportional sans font, used when a
/// non-embedded simple font has no `/Widths`: only inter-run gaps depend on it.
fn approx_width(c: Option<&str>) -> f32 {
    let Some(ch) = c.and_then(|s| s.chars().next()) else {
        return 500.0;
    };
    match ch {
        ' ' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' | 'i' | 'j' | 'l' => 278.0,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' | '/' => 333.0,
        'm' | 'M' | 'W' => 833.0,
        'w' => 722.0,
        'A'..='Z' => 667.0,
        _ if ch.is_ascii() => 556.0,
        _ if crate::layout::is_cjk(ch) => 1000.0,
        _ => 556.0,
    }
}

struct Embedded {
    data: Vec<u8>,
}

impl Embedded {
    fn face(&self) -> Option<ttf_parser::Face<'_>> {
        ttf_parser::Face::parse(&self.data, 0).ok()
    }
}

/// Glyph → Unicode from a font's Unicode cmap subtables (and, failing those, its glyph names).
fn invert_cmap(face: &ttf_parser::Face<'_>) -> HashMap<u16, char> {
    let mut map: HashMap<u16, char> = HashMap::new();
    let better = |new: char, old: char| {
        let pua = |c: char| ('\u{e000}'..='\u{f8ff}').contains(&c);
        let unified = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
        (pua(old) && !pua(new)) || (unified(new) && !unified(old) && !old.is_ascii())
    };
    if let Some(cmap) = face.tables().cmap {
        for sub in cmap.subtables {
            if !sub.is_unicode() {
                continue;
            }
            let mut budget = 200_000u32;
            sub.codepoints(|cp| {
                if budget == 0 {
                    return;
                }
                budget -= 1;
                if let (Some(g), Some(c)) = (sub.glyph_index(cp), char::from_u32(cp))
                    && g.0 != 0
                {
                    match map.get(&g.0) {
                        Some(&old) if !better(c, old) => {}
                        _ => {
                            map.insert(g.0, c);
                        }
                    }
                }
            });
        }
    }
    if map.is_empty() {
        for g in 0..face.number_of_glyphs() {
            if let Some(name) = face.glyph_name(ttf_parser::GlyphId(g))
                && let Some(s) = glyph_name_to_unicode(name.as_bytes())
                && let Some(c) = s.chars().next()
            {
                map.insert(g, c);
            }
        }
    }
    map
}

fn font_file(
    doc: &Objects<'_>,
    desc: Option<&Dictionary>,
    budget: &Budget,
) -> Result<Option<Embedded>, Error> {
    let Some(desc) = desc else { return Ok(None) };
    for key in [&b"FontFile2"[..], b"FontFile3"] {
        if let Some(Object::Stream(s)) = get(doc, desc, key) {
            // Bare CFF (Type1C, CIDFontType0C) is not an sfnt; ttf-parser reads only OpenType.
            if key == b"FontFile3" && get_name(doc, &s.dict, b"Subtype") != Some(b"OpenType") {
                return Ok(None);
            }
            if let Some(data) = filters::decode(doc, s, budget)? {
                return Ok(Some(Embedded { data }));
            }
        }
    }
    Ok(None)
}

impl Font {
    /// Loads the font of a `/Font` resource entry. Never fails on bad data (the font degrades to
    /// unmapped codes); only budget errors propagate.
    pub(crate) fn load(
        doc: &Objects<'_>,
        dict: &Dictionary,
        budget: &Budget,
    ) -> Result<Font, Error> {
        let subtype = get_name(doc, dict, b"Subtype").unwrap_or(b"Type1");
        let to_unicode = match stream_bytes(doc, get(doc, dict, b"ToUnicode"), budget)? {
            Some(data) => {
                let c = CMap::parse(&data);
                if c.has_unicode() { Some(c) } else { None }
            }
            None => None,
        };
        if subtype == b"Type0" {
            Self::load_type0(doc, dict, to_unicode, budget)
        } else {
            Self::load_simple(doc, dict, subtype, to_unicode, budget)
        }
    }

    fn load_simple(
        doc: &Objects<'_>,
        dict: &Dictionary,
        subtype: &[u8],
        to_unicode: Option<CMap>,
        budget: &Budget,
    ) -> Result<Font, Error> {
        let is_type3 = subtype == b"Type3";
        let desc = get_dict(doc, dict, b"FontDescriptor");
        let base_font: &[u8] = get(doc, dict, b"BaseFont")
            .and_then(string_bytes)
            .unwrap_or(b"");
        let flags = desc.and_then(|d| get_num(doc, d, b"Flags")).unwrap_or(0.0) as u32;
        let symbolic = flags & 4 != 0 && flags & 32 == 0;
        let embedded =
            desc.is_some_and(|d| d.has(b"FontFile") || d.has(b"FontFile2") || d.has(b"FontFile3"));

        let mut base = if embedded && symbolic {
            BaseEncoding::Builtin
        } else {
            BaseEncoding::Standard
        };
        if subtype == b"TrueType" && !embedded {
            base = BaseEncoding::WinAnsi;
        }
        let mut differences: Vec<Option<&[u8]>> = vec![None; 256];
        let mut has_differences = false;
        match get(doc, dict, b"Encoding") {
            Some(Object::Name(n)) => {
                if let Some(b) = BaseEncoding::from_name(n) {
                    base = b;
                }
            }
            Some(Object::Dictionary(e)) => {
                if let Some(b) = get_name(doc, e, b"BaseEncoding").and_then(BaseEncoding::from_name)
                {
                    base = b;
                }
                if let Some(Object::Array(diffs)) = get(doc, e, b"Differences") {
                    let mut code: i64 = 0;
                    for o in diffs.iter().take(2048) {
                        match deref(doc, o) {
                            Object::Integer(i) => code = *i,
                            Object::Name(n) => {
                                if let Some(slot) = usize::try_from(code)
                                    .ok()
                                    .and_then(|c| differences.get_mut(c))
                                {
                                    *slot = Some(n.as_slice());
                                    has_differences = true;
                                }
                                code += 1;
                            }
                            _ => {}
                        }
                    }
                }
            }
            _ => {}
        }

        // Embedded TrueType/OpenType cmap, only consulted when names and encodings fall short.
        let needs_font = to_unicode.is_none() && (symbolic || base == BaseEncoding::Builtin);
        let embedded_font = if needs_font && !is_type3 {
            font_file(doc, desc, budget)?
        } else {
            None
        };
        let face = embedded_font.as_ref().and_then(Embedded::face);
        let gid_uni = face.as_ref().map(invert_cmap);

        let mut simple_text = SimpleText {
            text: String::new(),
            ranges: Vec::with_capacity(256),
        };
        for code in 0..=255u8 {
            let text = &mut simple_text.text;
            let start = text.len();
            // Each source appends the code's text and says so, or appends nothing.
            let mut found = to_unicode
                .as_ref()
                .is_some_and(|c| c.lookup_into(u32::from(code), text));
            if !found
                && let Some(Some(name)) = differences.get(usize::from(code))
                && let Some(t) = glyph_name_to_unicode(name)
            {
                text.push_str(&t);
                found = true;
            }
            if !found && let (Some(face), Some(gid_uni)) = (&face, &gid_uni) {
                let mut gid = None;
                if let Some(cmap) = face.tables().cmap {
                    for sub in cmap.subtables {
                        let cand = match (sub.platform_id, sub.encoding_id) {
                            (ttf_parser::PlatformId::Windows, 0) => sub
                                .glyph_index(0xf000 + u32::from(code))
                                .or_else(|| sub.glyph_index(u32::from(code))),
                            (ttf_parser::PlatformId::Macintosh, 0) => {
                                sub.glyph_index(u32::from(code))
                            }
                            _ => None,
                        };
                        if cand.is_some() {
                            gid = cand;
                            break;
                        }
                    }
                }
                if let Some(&c) = gid
                    .and_then(|g| gid_uni.get(&g.0))
                    .filter(|c| !('\u{e000}'..='\u{f8ff}').contains(*c))
                {
                    text.push(c);
                    found = true;
                }
            }
            let differs = differences
                .get(usize::from(code))
                .is_some_and(Option::is_some);
            // A code /Differences names (or any code of a Type3 font with /Differences) does not
            // fall back to the base encoding.
            let renamed = differs || (is_type3 && has_differences);
            if !found
                && !renamed
                && let Some(c) = base.decode(code)
            {
                text.push(c);
                found = true;
            }
            let end = text.len();
            let range = u32::try_from(start).ok().zip(u32::try_from(end).ok());
            simple_text.ranges.push(range.filter(|_| found));
        }

        // Widths.
        let scale = if is_type3 {
            match get(doc, dict, b"FontMatrix") {
                Some(Object::Array(m)) => m.first().and_then(num).unwrap_or(0.001).abs(),
                _ => 0.001,
            }
        } else {
            0.001
        };
        let mut widths = Widths {
            first: get_num(doc, dict, b"FirstChar").unwrap_or(0.0).max(0.0) as u32,
            default: desc
                .and_then(|d| get_num(doc, d, b"MissingWidth"))
                .filter(|w| *w > 0.0)
                .map_or(0.0, |w| w * scale),
            ..Widths::default()
        };
        if let Some(Object::Array(ws)) = get(doc, dict, b"Widths") {
            widths.table = ws
                .iter()
                .take(65536)
                .map(|o| num(deref(doc, o)).unwrap_or(0.0) * scale)
                .collect();
        }
        if widths.table.is_empty() {
            // Standard 14 or width-less fonts: approximate from the character.
            widths.first = 0;
            widths.table = (0..=255usize)
                .map(|c| approx_width(simple_text.get(c)) * 0.001)
                .collect();
        } else {
            // Zero widths in a /Widths array usually mean "not given"; a glyph that is really
            // drawn needs some advance for layout.
            let fallback = widths.default;
            for w in &mut widths.table {
                if *w == 0.0 {
                    *w = fallback;
                }
            }
        }
        if widths.default == 0.0 {
            widths.default = 0.5;
        }

        let gbk = !embedded && to_unicode.is_none() && !is_type3 && is_chinese_font_name(base_font);
        Ok(Font {
            split: Split::Single,
            cids: CidSource::Identity,
            widths,
            simple_text,
            to_unicode,
            predef_text: None,
            collection: None,
            gid_text: None,
            gbk,
            vertical: false,
            vadvance: 1.0,
            memo_id: 0,
        })
    }

    fn load_type0(
        doc: &Objects<'_>,
        dict: &Dictionary,
        to_unicode: Option<CMap>,
        budget: &Budget,
    ) -> Result<Font, Error> {
        let mut vertical = false;
        let mut predef_text = None;
        let (split, cids) = match get(doc, dict, b"Encoding") {
            Some(Object::Name(n)) => match predefined(n) {
                Some((Predefined::Identity, v)) => {
                    vertical = v;
                    (Split::Codespace(Codespace::fixed(2)), CidSource::Identity)
                }
                Some((p, v)) => {
                    vertical = v;
                    predef_text = Some(p);
                    (Split::Predef(p), CidSource::Unknown)
                }
                None => (Split::Codespace(Codespace::fixed(2)), CidSource::Identity),
            },
            Some(Object::Stream(s)) => {
                let data = filters::decode(doc, s, budget)?.unwrap_or_default();
                let c = CMap::parse(&data);
                vertical = c.vertical;
                if let Some((p, v)) = c.usecmap.as_deref().and_then(predefined) {
                    vertical |= v;
                    if p != Predefined::Identity {
                        predef_text = Some(p);
                    }
                }
                if let Some(Object::Name(n)) = get(doc, &s.dict, b"UseCMap")
                    && let Some((p, v)) = predefined(n)
                {
                    vertical |= v;
                    if p != Predefined::Identity {
                        predef_text = Some(p);
                    }
                }
                let split = if c.codespace.is_empty() {
                    match predef_text {
                        Some(p) => Split::Predef(p),
                        None => Split::Codespace(c.effective_codespace()),
                    }
                } else {
                    Split::Codespace(c.codespace.clone())
                };
                (split, CidSource::Embedded(Box::new(c)))
            }
            _ => (Split::Codespace(Codespace::fixed(2)), CidSource::Identity),
        };

        let desc_font = match get(doc, dict, b"DescendantFonts") {
            Some(Object::Array(a)) => a.first().map(|o| deref(doc, o)).and_then(|o| match o {
                Object::Dictionary(d) => Some(d),
                _ => None,
            }),
            Some(Object::Dictionary(d)) => Some(d),
            _ => None,
        };
        let empty = Dictionary::new();
        let cidfont = desc_font.unwrap_or(&empty);
        let collection = get_dict(doc, cidfont, b"CIDSystemInfo").and_then(|si| {
            let r = get(doc, si, b"Registry").and_then(string_bytes)?;
            let o = get(doc, si, b"Ordering").and_then(string_bytes)?;
            // The ordering names the character set; some producers put their own name in
            // /Registry (e.g. "Unidocs") for Adobe-Korea1 CIDs.
            Collection::from_registry_ordering(r, o)
                .or_else(|| Collection::from_registry_ordering(b"Adobe", o))
        });

        let mut widths = Widths {
            default: get_num(doc, cidfont, b"DW").unwrap_or(1000.0) * 0.001,
            ..Widths::default()
        };
        if let Some(Object::Array(w)) = get(doc, cidfont, b"W") {
            let items: Vec<&Object> = w.iter().take(200_000).map(|o| deref(doc, o)).collect();
            let mut i = 0;
            while i < items.len() {
                let Some(first) = num(items[i]) else {
                    i += 1;
                    continue;
                };
                let first = first.max(0.0) as u32;
                match items.get(i + 1) {
                    Some(Object::Array(ws)) => {
                        for (k, o) in ws.iter().enumerate().take(65536) {
                            if let Some(v) = num(deref(doc, o)) {
                                let c = first.saturating_add(k as u32);
                                widths.ranges.push((c, c, v * 0.001));
                            }
                        }
                        i += 2;
                    }
                    Some(o) => {
                        if let (Some(last), Some(v)) =
                            (num(o), items.get(i + 2).and_then(|o| num(o)))
                        {
                            widths.ranges.push((first, last.max(0.0) as u32, v * 0.001));
                        }
                        i += 3;
                    }
                    None => break,
                }
            }
            widths.ranges.sort_by_key(|r| r.0);
        }
        let vadvance = match get(doc, cidfont, b"DW2") {
            Some(Object::Array(a)) => a.get(1).and_then(num).map_or(1.0, |v| (v * 0.001).abs()),
            _ => 1.0,
        };

        // Embedded TrueType: CID → GID → Unicode, needed only without a ToUnicode or text CMap.
        let mut gid_text = None;
        let cid_subtype = get_name(doc, cidfont, b"Subtype").unwrap_or(b"");
        if to_unicode.is_none() && predef_text.is_none() {
            let desc = get_dict(doc, cidfont, b"FontDescriptor");
            let is_tt = cid_subtype == b"CIDFontType2";
            if let Some(emb) = font_file(doc, desc, budget)?
                && let Some(face) = emb.face()
            {
                let gid_uni = invert_cmap(&face);
                let cid_to_gid = if is_tt {
                    match get(doc, cidfont, b"CIDToGIDMap") {
                        Some(Object::Stream(s)) => filters::decode(doc, s, budget)?.map(|d| {
                            d.chunks(2)
                                .map(|c| {
                                    u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0))
                                })
                                .collect()
                        }),
                        _ => None,
                    }
                } else {
                    None
                };
                if !gid_uni.is_empty() {
                    gid_text = Some(GidText {
                        cid_to_gid,
                        gid_uni,
                    });
                }
            }
        }

        Ok(Font {
            split,
            cids,
            widths,
            simple_text: SimpleText::default(),
            to_unicode,
            predef_text,
            collection,
            gid_text,
            gbk: false,
            vertical,
            vadvance,
            memo_id: 0,
        })
    }

    /// Advance width (per unit font size) of a CID-font code.
    fn cid_width(&self, bytes: &[u8], code: u32, text: Option<&str>) -> f32 {
        match &self.cids {
            CidSource::Identity => self.widths.get(code),
            CidSource::Embedded(c) => match c.cid(code) {
                Some(cid) => self.widths.get(cid),
                None => self.ascii_width(text),
            },
            CidSource::Unknown => {
                if bytes.len() == 1 || text.is_some_and(|t| t.len() == 1) {
                    self.ascii_width(text)
                } else {
                    self.widths.default
                }
            }
        }
    }

    /// Width of an ASCII character shown through a predefined CMap whose code → CID table is not
    /// shipped: the Adobe collections keep ASCII at fixed CIDs, proportional at 1..=95 and
    /// half-width at a collection-specific base, so look both up in `/W`; ASCII is never an
    /// ideograph's full em wide, so fall back to half an em.
    fn ascii_width(&self, text: Option<&str>) -> f32 {
        let Some(c) = text
            .and_then(|t| t.chars().next())
            .filter(|c| (' '..='~').contains(c))
        else {
            return self.widths.default;
        };
        let c = c as u32;
        let half_base = match self.collection {
            Some(Collection::Gb1) => 814,
            Some(Collection::Cns1) => 13649,
            Some(Collection::Japan1) => 232,
            Some(Collection::Korea1) => 8095,
            None => 0,
        };
        let mut candidates = [0u32; 3];
        let mut n = 0;
        if half_base > 0 {
            if c == 0x20 {
                if self.collection == Some(Collection::Gb1) {
                    candidates[n] = 7716;
                    n += 1;
                }
                candidates[n] = half_base - 1;
            } else {
                candidates[n] = half_base + (c - 0x21);
            }
            n += 1;
        }
        candidates[n] = c - 0x1f;
        n += 1;
        candidates[..n]
            .iter()
            .find_map(|&cid| self.widths.explicit(cid))
            .unwrap_or(0.5)
    }

    /// Splits `s` into codes with their widths, and appends each code's text to `text` (the
    /// codes give their ranges in it): one buffer for all codes rather than a string each.
    ///
    /// `memo` remembers codes across calls when the font has a [`Font::memo_id`].
    // Inlined into `Interp::show`, its one caller outside tests: called for every string shown,
    // often of one or two codes (a TJ array kerned glyph by glyph).
    #[inline(always)]
    pub(crate) fn decode(
        &self,
        s: &[u8],
        codes: &mut Vec<Code>,
        text: &mut String,
        memo: &mut CodeMemo,
    ) {
        let mut i = 0;
        let gbk_string = self.gbk && gbk_plausible(s);
        while i < s.len() {
            let rest = &s[i..];
            let len = match &self.split {
                Split::Single => {
                    if gbk_string
                        && rest.first().is_some_and(|&b| b > 0x80 && b < 0xff)
                        && rest.len() >= 2
                    {
                        2
                    } else {
                        1
                    }
                }
                Split::Codespace(cs) => cs.code_len(rest),
                Split::Predef(p) => p.code_len(rest),
            }
            .max(1)
            .min(rest.len());
            let bytes = &rest[..len];
            let code = code_value(bytes);
            let t0 = text.len();
            // Single bytes of simple fonts index a table: nothing to remember.
            let remember = self.memo_id != 0 && !(matches!(self.split, Split::Single) && len == 1);
            let hit = if remember {
                memo.slot(self.memo_id, code).map(|m| *m).filter(|m| {
                    m.font == self.memo_id && m.code == code && usize::from(m.code_len) == len
                })
            } else {
                None
            };
            let width = if let Some(m) = hit
                && let Some(t) = m.text.get(..usize::from(m.len))
            {
                text.extend(t);
                m.width
            } else {
                let width = self.decode_fresh(bytes, code, text, t0);
                if remember
                    && len <= 4
                    && let Some(appended) = text.get(t0..)
                    && appended.chars().nth(MEMO_CHARS).is_none()
                    && let Some(slot) = memo.slot(self.memo_id, code)
                {
                    let mut m = Memo {
                        font: self.memo_id,
                        code,
                        code_len: len as u8,
                        width,
                        len: 0,
                        text: ['\0'; MEMO_CHARS],
                    };
                    for (k, c) in m.text.iter_mut().zip(appended.chars()) {
                        *k = c;
                        m.len += 1;
                    }
                    *slot = m;
                }
                width
            };
            codes.push(Code {
                width,
                word_space: len == 1 && code == 32,
                t0,
                t1: text.len(),
            });
            i += len;
        }
    }

    /// Appends the text of one code (`bytes`, value `code`) looked up afresh, and gives its width;
    /// `t0` is where its text starts in `text`.
    #[inline(always)]
    fn decode_fresh(&self, bytes: &[u8], code: u32, text: &mut String, t0: usize) -> f32 {
        if matches!(self.split, Split::Single) {
            if bytes.len() == 2 {
                push_decoded(encoding_rs::GBK, bytes, text);
                1.0
            } else {
                if let Some(t) = self.simple_text.get(code as usize) {
                    text.push_str(t);
                }
                self.widths.get(code)
            }
        } else {
            let found = self.cid_text(bytes, code, text);
            if self.vertical {
                self.vadvance
            } else {
                let t = text.get(t0..).filter(|_| found);
                self.cid_width(bytes, code, t)
            }
        }
    }

    /// Appends the text of a CID-font code to `out` from the first source that maps it; `false`
    /// when none does.
    fn cid_text(&self, bytes: &[u8], code: u32, out: &mut String) -> bool {
        if let Some(tu) = &self.to_unicode
            && tu.lookup_into(code, out)
        {
            return true;
        }
        if let Some(p) = self.predef_text
            && p.decode_into(bytes, out)
        {
            return true;
        }
        let cid = match &self.cids {
            CidSource::Identity => Some(code),
            CidSource::Embedded(c) => c.cid(code),
            CidSource::Unknown => None,
        };
        let Some(cid) = cid else { return false };
        if let Some(g) = &self.gid_text {
            let gid = match &g.cid_to_gid {
                Some(m) => m.get(cid as usize).copied(),
                None => u16::try_from(cid).ok(),
            };
            if let Some(&c) = gid.and_then(|gid| g.gid_uni.get(&gid)) {
                out.push(c);
                return true;
            }
        }
        if let Some(col) = self.collection
            && cid != 0
        {
            return match cid_tables::cid_to_unicode(col, cid) {
                Some(c) => {
                    out.push(c);
                    true
                }
                None => false,
            };
        }
        false
    }
}

/// A string in a GBK-misdeclared font really is GBK when its high bytes pair up into valid GBK.
fn gbk_plausible(s: &[u8]) -> bool {
    if !s.iter().any(|&b| b >= 0x80) {
        return false;
    }
    encoding_rs::GBK
        .decode_without_bom_handling_and_without_replacement(s)
        .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn decode_all(font: &Font, s: &[u8]) -> String {
        let mut codes = Vec::new();
        let mut text = String::new();
        font.decode(s, &mut codes, &mut text, &mut CodeMemo::default());
        codes.iter().filter_map(|c| text.get(c.t0..c.t1)).collect()
    }

    #[test]
    fn simple_font_with_differences_uni_names() {
        let doc = Objects::from(lopdf::Document::with_version("1.5"));
        let d = dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Foo",
            "Encoding" => dictionary! {
                "BaseEncoding" => "WinAnsiEncoding",
                "Differences" => vec![65.into(), Object::Name(b"uni4E2D".to_vec()), Object::Name(b"quotedblleft".to_vec())],
            },
        };
        let budget = Budget::new(1 << 20, 1 << 20);
        let f = Font::load(&doc, &d, &budget).ok();
        assert_eq!(
            f.map(|f| decode_all(&f, b"AB C\x93")).as_deref(),
            Some("中\u{201c} C\u{201c}")
        );
    }

    #[test]
    fn chinese_winansi_font_decodes_gbk() {
        let doc = Objects::from(lopdf::Document::with_version("1.5"));
        let d = dictionary! {
            "Type" => "Font", "Subtype" => "TrueType",
            "BaseFont" => Object::Name(b"\xcb\xce\xcc\xe5".to_vec()),
            "Encoding" => "WinAnsiEncoding",
        };
        let budget = Budget::new(1 << 20, 1 << 20);
        let f = Font::load(&doc, &d, &budget).ok();
        assert!(f.as_ref().is_some_and(|f| f.gbk));
        assert_eq!(
            f.map(|f| decode_all(&f, b"\xc4\xbf\xc2\xbc 1")).as_deref(),
            Some("目录 1")
        );
    }

    /// A Type0 STSong-Light font on the predefined GBK-EUC-H CMap; `descendant` adds to its
    /// CIDFont dictionary.
    fn gbk_type0(descendant: lopdf::Dictionary) -> lopdf::Dictionary {
        let mut cid_font = dictionary! {
            "Subtype" => "CIDFontType0",
            "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("GB1"), "Supplement" => 2 },
        };
        cid_font.extend(&descendant);
        dictionary! {
            "Type" => "Font", "Subtype" => "Type0", "BaseFont" => "STSong-Light",
            "Encoding" => "GBK-EUC-H",
            "DescendantFonts" => vec![Object::Dictionary(cid_font)],
        }
    }

    #[test]
    fn type0_gbk_euc_ascii_is_single_byte() {
        let doc = Objects::from(lopdf::Document::with_version("1.5"));
        let d = gbk_type0(dictionary! {});
        let budget = Budget::new(1 << 20, 1 << 20);
        let f = Font::load(&doc, &d, &budget).ok();
        assert_eq!(
            f.map(|f| decode_all(&f, b"www.a.cn\xd6\xd02021"))
                .as_deref(),
            Some("www.a.cn中2021")
        );
    }

    #[test]
    fn remembered_codes_decode_as_the_first_time() {
        let doc = Objects::from(lopdf::Document::with_version("1.5"));
        let d = gbk_type0(dictionary! { "W" => vec![1.into(), vec![500.into()].into()] });
        let budget = Budget::new(1 << 20, 1 << 20);
        let Ok(mut f) = Font::load(&doc, &d, &budget) else {
            panic!("font does not load");
        };
        f.memo_id = 1;
        let mut memo = CodeMemo::default();
        let mut decode = |s: &[u8]| {
            let (mut codes, mut text) = (Vec::new(), String::new());
            f.decode(s, &mut codes, &mut text, &mut memo);
            let parts: Vec<(f32, String)> = codes
                .iter()
                .map(|c| (c.width, text[c.t0..c.t1].to_string()))
                .collect();
            parts
        };
        let s = b" a\xd6\xd0 a\xd6\xd0";
        let first = decode(s);
        assert_eq!(decode(s), first);
        assert_eq!(first.len(), 6);
        assert_eq!(first[2].1, "中");
        assert_eq!(first[3..], first[..3]);
    }

    #[test]
    fn identity_collection_fallback() {
        let doc = Objects::from(lopdf::Document::with_version("1.5"));
        let d = dictionary! {
            "Subtype" => "Type0", "Encoding" => "Identity-H",
            "DescendantFonts" => vec![Object::Dictionary(dictionary! {
                "Subtype" => "CIDFontType0",
                "CIDSystemInfo" => dictionary! { "Registry" => Object::string_literal("Adobe"), "Ordering" => Object::string_literal("Japan1"), "Supplement" => 6 },
            })],
        };
        let budget = Budget::new(1 << 20, 1 << 20);
        let f = Font::load(&doc, &d, &budget).ok();
        // CID 843 is HIRAGANA LETTER A in Adobe-Japan1.
        assert_eq!(
            f.map(|f| decode_all(&f, &[0x03, 0x4b])).as_deref(),
            Some("あ")
        );
    }

    #[test]
    fn font_names() {
        assert!(is_chinese_font_name(b"ABCDEF+SimSun"));
        assert!(is_chinese_font_name("仿宋_GB2312".as_bytes()));
        assert!(is_chinese_font_name(b"FangSong_GB2312"));
        assert!(!is_chinese_font_name(b"Helvetica"));
    }
}
