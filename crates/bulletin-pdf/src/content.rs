//! Content-stream interpreter.
//!
//! Takes a page's content bytes and resources and gives positioned glyphs (text, origin, advance,
//! size, writing direction) in page space (top-left origin, y down), plus whether images were
//! drawn. It follows the text and graphics state (`q`/`Q`/`cm`, `BT`…`ET`, `Tf Tc Tw Tz TL Ts`,
//! `Td TD Tm T*`, `Tj TJ ' "`) and Form XObjects (with depth limit and cycle detection); Type3
//! glyph procedures are never run and inline images are skipped without decoding.
//!
//! The work is bounded whatever the file does: every token costs one unit, every glyph a few, and
//! a Form XObject call costs a fixed fee plus its length, so a "billion laughs" of forms that
//! each draw the next several times (no cycle, small depth, exponential calls) runs into the
//! page's work limit after a fraction of a second instead of running for hours. A page that
//! reaches its limit keeps what was drawn so far and is flagged (`work_cut`); the caller also
//! bounds the sum over the file.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;
use std::time::Instant;

use lopdf::{Dictionary, Object, ObjectId};

use crate::objects::Objects;

use crate::Error;
use crate::filters::{self, Budget};
use crate::fonts::{Code, CodeMemo, Font};
use crate::lexer::{Lexer, Tok, decode_hex, hex_bytes, is_delim, is_white};

/// Affine matrix `[a b c d e f]` in PDF's row-vector convention.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Matrix(pub(crate) [f32; 6]);

impl Matrix {
    pub(crate) const IDENTITY: Matrix = Matrix([1.0, 0.0, 0.0, 1.0, 0.0, 0.0]);

    /// `self` then `other`.
    pub(crate) fn then(&self, other: &Matrix) -> Matrix {
        let [a1, b1, c1, d1, e1, f1] = self.0;
        let [a2, b2, c2, d2, e2, f2] = other.0;
        Matrix([
            a1 * a2 + b1 * c2,
            a1 * b2 + b1 * d2,
            c1 * a2 + d1 * c2,
            c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2,
            e1 * b2 + f1 * d2 + f2,
        ])
    }

    pub(crate) fn apply(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, e, f] = self.0;
        (a * x + c * y + e, b * x + d * y + f)
    }

    fn apply_vec(&self, x: f32, y: f32) -> (f32, f32) {
        let [a, b, c, d, _, _] = self.0;
        (a * x + c * y, b * x + d * y)
    }

    fn translate(tx: f32, ty: f32) -> Matrix {
        Matrix([1.0, 0.0, 0.0, 1.0, tx, ty])
    }

    fn is_finite(&self) -> bool {
        self.0.iter().all(|v| v.is_finite())
    }
}

/// One drawn glyph in page space.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Glyph {
    /// Range of the glyph's text in [`PageContent::text`].
    pub(crate) t0: u32,
    pub(crate) t1: u32,
    /// Origin (baseline start for horizontal text).
    pub(crate) x: f32,
    pub(crate) y: f32,
    /// Advance length along the writing direction.
    pub(crate) width: f32,
    /// Font size in page space.
    pub(crate) size: f32,
    /// Unit writing direction in page space.
    pub(crate) dx: f32,
    pub(crate) dy: f32,
    /// Vertical writing (origin is the top centre of the glyph).
    pub(crate) vertical: bool,
}

/// What a page's content streams drew.
#[derive(Debug, Default)]
pub(crate) struct PageContent {
    pub(crate) glyphs: Vec<Glyph>,
    pub(crate) text: String,
    pub(crate) has_images: bool,
    /// Operators recognised / not recognised, to tell garbage (bad decryption) from content.
    pub(crate) known_ops: u64,
    pub(crate) unknown_ops: u64,
    /// Codes with no Unicode mapping (dropped).
    pub(crate) unmapped: u64,
    /// A Form XObject recursion was cut (cycle or depth).
    pub(crate) forms_cut: u32,
    /// Work units spent (tokens, glyphs, form calls).
    pub(crate) work: u64,
    /// The work limit was reached: the rest of the page was not interpreted.
    pub(crate) work_cut: bool,
}

impl PageContent {
    /// An empty page that reuses the glyph and text buffers of `old`, a page done with.
    pub(crate) fn reusing(old: PageContent) -> PageContent {
        let (mut glyphs, mut text) = (old.glyphs, old.text);
        glyphs.clear();
        text.clear();
        PageContent {
            glyphs,
            text,
            ..PageContent::default()
        }
    }
}

/// Fonts shared by all pages of a document.
#[derive(Default)]
pub(crate) struct FontCache {
    map: HashMap<u64, Option<Rc<Font>>>,
    /// Fonts loaded so far, which numbers them in `memo`.
    loaded: u32,
    /// Recently decoded codes of all the document's fonts.
    memo: CodeMemo,
}

#[derive(Clone)]
struct GState {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f32,
    tc: f32,
    tw: f32,
    th: f32,
    tl: f32,
    rise: f32,
}

/// An operand of the operator being read. `Copy`, so that the operands cost nothing to drop
/// once their operator has run (millions of times a corpus): the bytes the lexer had to unescape
/// live in [`Operands::owned`] and the items of arrays in [`Operands::elems`].
#[derive(Debug, Clone, Copy)]
enum Operand<'a> {
    Num(f32),
    Name(Text<'a>),
    /// A literal string, or a hex string decoded.
    Str(Text<'a>),
    /// A hex string as written: decoded only if it is shown.
    Hex(&'a [u8]),
    /// An array: its items are `elems[start..end]`. Arrays nested in it are read past and kept
    /// as `Other`: no operator looks into them.
    Arr(usize, usize),
    Other,
}

/// The bytes of a name or string operand.
#[derive(Debug, Clone, Copy)]
enum Text<'a> {
    Borrowed(&'a [u8]),
    /// Index into [`Operands::owned`].
    Owned(usize),
}

/// The operands read since the last operator, and what they refer to.
#[derive(Default)]
struct Operands<'a> {
    ops: Vec<Operand<'a>>,
    /// The items of the array operands, one array after the other.
    elems: Vec<Operand<'a>>,
    /// Unescaped strings and names.
    owned: Vec<Vec<u8>>,
}

impl<'a> Operands<'a> {
    fn text(&self, t: Text<'a>) -> &[u8] {
        match t {
            Text::Borrowed(b) => b,
            Text::Owned(i) => self.owned.get(i).map_or(&[], Vec::as_slice),
        }
    }

    fn keep(&mut self, c: Cow<'a, [u8]>) -> Text<'a> {
        match c {
            Cow::Borrowed(b) => Text::Borrowed(b),
            Cow::Owned(v) => {
                self.owned.push(v);
                Text::Owned(self.owned.len() - 1)
            }
        }
    }

    fn clear(&mut self) {
        self.ops.clear();
        self.elems.clear();
        if !self.owned.is_empty() {
            self.owned.clear();
        }
    }

    /// `c`, borrowed; the items of an array go to `elems`.
    fn borrow_carried(&mut self, c: &'a Carried) -> Operand<'a> {
        match c {
            Carried::Num(n) => Operand::Num(*n),
            Carried::Name(v) => Operand::Name(Text::Borrowed(v)),
            Carried::Str(v) => Operand::Str(Text::Borrowed(v)),
            Carried::Arr(items) => {
                let start = self.elems.len();
                for it in items {
                    let e = match it {
                        Carried::Arr(_) => Operand::Other,
                        other => self.borrow_carried(other),
                    };
                    self.elems.push(e);
                }
                Operand::Arr(start, self.elems.len())
            }
            Carried::Other => Operand::Other,
        }
    }

    /// `op` with its bytes copied out, to outlive the stream.
    fn to_carried(&self, op: &Operand<'a>) -> Carried {
        match *op {
            Operand::Num(n) => Carried::Num(n),
            Operand::Name(t) => Carried::Name(self.text(t).to_vec()),
            Operand::Str(t) => Carried::Str(self.text(t).to_vec()),
            Operand::Hex(h) => Carried::Str(hex_bytes(h)),
            Operand::Arr(a, b) => Carried::Arr(
                self.elems
                    .get(a..b)
                    .unwrap_or_default()
                    .iter()
                    .map(|e| self.to_carried(e))
                    .collect(),
            ),
            Operand::Other => Carried::Other,
        }
    }
}

/// An operand left at the end of a stream, owning its bytes.
#[derive(Debug)]
enum Carried {
    Num(f32),
    Name(Vec<u8>),
    Str(Vec<u8>),
    Arr(Vec<Carried>),
    Other,
}

/// The state of one content sequence (a page's streams, or one form), kept across the streams of
/// a page's `/Contents` array, which are one content stream split at token boundaries.
pub(crate) struct Frame {
    gs: GState,
    stack: Vec<GState>,
    tm: Matrix,
    tlm: Matrix,
    /// Operands left at the end of one stream, for the operator at the start of the next.
    carry: Vec<Carried>,
}

impl Frame {
    fn new(gs: GState) -> Self {
        Frame {
            gs,
            stack: Vec::new(),
            tm: Matrix::IDENTITY,
            tlm: Matrix::IDENTITY,
            carry: Vec::new(),
        }
    }
}

/// Interpreter for the content of one document.
pub(crate) struct Interp<'a> {
    pub(crate) doc: &'a Objects<'a>,
    pub(crate) budget: &'a Budget,
    pub(crate) fonts: &'a mut FontCache,
    pub(crate) deadline: Option<Instant>,
    pub(crate) max_form_depth: u32,
    /// Work units this page may spend (see the module documentation).
    pub(crate) max_work: u64,
    pub(crate) out: PageContent,
    form_stack: Vec<ObjectId>,
    /// The fonts last selected by `Tf`, by resource dictionary and name: a page switches fonts
    /// a hundred times, and each lookup otherwise goes through two dictionaries and the cache.
    recent_fonts: Vec<RecentFont<'a>>,
    /// Scratch for [`Interp::show`], reused for every string: the codes of the string shown and
    /// their text.
    codes: Vec<Code>,
    code_text: String,
    op_count: u64,
}

/// A font selected by `Tf`: resource dictionary, name and result.
struct RecentFont<'a> {
    resources: Option<&'a Dictionary>,
    name: Box<[u8]>,
    font: Option<Rc<Font>>,
}

/// Most fonts remembered by [`Interp::font`]; a page with more is looked up the slow way.
const MAX_RECENT_FONTS: usize = 16;

/// Most glyphs kept for one page (a dense bulletin page has about 5,000); a page that draws more
/// is cut there like one that runs out of work.
pub(crate) const MAX_GLYPHS_PER_PAGE: usize = 400_000;

/// Work charged per glyph shown: a glyph costs several times a token here, and the text it makes
/// is carried through layout and every later stage.
const GLYPH_WORK: u64 = 8;

/// Work charged for calling a Form XObject, besides one unit per 64 bytes of its content (which
/// is lexed again on every call).
const FORM_CALL_WORK: u64 = 16;

fn deref<'a>(doc: &'a Objects<'a>, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(&Object::Null),
        _ => o,
    }
}

fn as_dict<'a>(doc: &'a Objects<'a>, o: &'a Object) -> Option<&'a Dictionary> {
    match deref(doc, o) {
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

fn obj_num(o: &Object) -> Option<f32> {
    match o {
        Object::Integer(i) => Some(*i as f32),
        Object::Real(r) => Some(*r),
        _ => None,
    }
}

/// Reads a `[a b c d e f]` matrix object.
pub(crate) fn matrix_of(doc: &Objects<'_>, o: Option<&Object>) -> Option<Matrix> {
    let Object::Array(a) = deref(doc, o?) else {
        return None;
    };
    if a.len() != 6 {
        return None;
    }
    let mut m = [0f32; 6];
    for (i, v) in a.iter().enumerate() {
        m[i] = obj_num(deref(doc, v))?;
    }
    let m = Matrix(m);
    m.is_finite().then_some(m)
}

impl<'a> Interp<'a> {
    pub(crate) fn new(
        doc: &'a Objects<'a>,
        budget: &'a Budget,
        fonts: &'a mut FontCache,
        deadline: Option<Instant>,
        max_form_depth: u32,
    ) -> Self {
        Interp {
            doc,
            budget,
            fonts,
            deadline,
            max_form_depth,
            max_work: u64::MAX,
            out: PageContent::default(),
            form_stack: Vec::new(),
            recent_fonts: Vec::new(),
            codes: Vec::new(),
            code_text: String::new(),
            op_count: 0,
        }
    }

    /// The state at the start of a page drawn under the initial matrix `ctm`.
    pub(crate) fn begin(ctm: Matrix) -> Frame {
        Frame::new(GState {
            ctm,
            font: None,
            size: 0.0,
            tc: 0.0,
            tw: 0.0,
            th: 1.0,
            tl: 0.0,
            rise: 0.0,
        })
    }

    /// Runs `content` (one stream of the page) with `resources`, continuing from `frame`.
    pub(crate) fn run_part(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        frame: &mut Frame,
    ) -> Result<(), Error> {
        self.run_stream(content, resources, frame, 0)
    }

    /// Runs `content` with `resources` under the initial matrix `ctm`.
    #[cfg(test)]
    pub(crate) fn run(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        ctm: Matrix,
    ) -> Result<(), Error> {
        let mut frame = Self::begin(ctm);
        self.run_part(content, resources, &mut frame)
    }

    /// Charges `n` work units; `false` once the page's limit is reached.
    fn spend(&mut self, n: u64) -> bool {
        self.out.work = self.out.work.saturating_add(n);
        if self.out.work > self.max_work {
            self.out.work_cut = true;
        }
        !self.out.work_cut
    }

    /// The font `name` of `resources`, remembered for the next `Tf` that selects it again.
    fn font(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
    ) -> Result<Option<Rc<Font>>, Error> {
        let same_resources = |r: Option<&Dictionary>| match (r, resources) {
            (Some(a), Some(b)) => std::ptr::eq(a, b),
            (None, None) => true,
            _ => false,
        };
        if let Some(f) = self
            .recent_fonts
            .iter()
            .find(|f| same_resources(f.resources) && *f.name == *name)
        {
            return Ok(f.font.clone());
        }
        let font = self.lookup_font(resources, name)?;
        let recent = RecentFont {
            resources,
            name: name.into(),
            font: font.clone(),
        };
        if self.recent_fonts.len() < MAX_RECENT_FONTS {
            self.recent_fonts.push(recent);
        } else {
            let slot = self.op_count as usize % MAX_RECENT_FONTS;
            if let Some(r) = self.recent_fonts.get_mut(slot) {
                *r = recent;
            }
        }
        Ok(font)
    }

    fn lookup_font(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
    ) -> Result<Option<Rc<Font>>, Error> {
        let doc = self.doc;
        let Some(fonts) = resources
            .and_then(|r| r.get(b"Font").ok())
            .and_then(|o| as_dict(doc, o))
        else {
            return Ok(None);
        };
        let Ok(entry) = fonts.get(name) else {
            return Ok(None);
        };
        let key = match entry {
            Object::Reference(id) => (u64::from(id.0) << 16) | u64::from(id.1),
            other => (other as *const Object as u64) | (1 << 63),
        };
        if let Some(f) = self.fonts.map.get(&key) {
            return Ok(f.clone());
        }
        // The font keeps what it needs; the objects it was read from (width arrays, the
        // descriptor, the ToUnicode stream) need not stay parsed.
        let scratch = doc.scratch();
        let font = match as_dict(&scratch, entry) {
            Some(d) => {
                let mut f = Font::load(&scratch, d, self.budget)?;
                // Numbered from 1 (0 is no memo); past u32::MAX fonts, the rest go without.
                if let Some(n) = self.fonts.loaded.checked_add(1) {
                    self.fonts.loaded = n;
                    f.memo_id = n;
                }
                Some(Rc::new(f))
            }
            None => None,
        };
        self.fonts.map.insert(key, font.clone());
        Ok(font)
    }

    fn check_deadline(&self) -> Result<(), Error> {
        if let Some(d) = self.deadline
            && Instant::now() > d
        {
            return Err(Error::Timeout);
        }
        Ok(())
    }

    fn run_stream(
        &mut self,
        content: &[u8],
        resources: Option<&'a Dictionary>,
        frame: &mut Frame,
        depth: u32,
    ) -> Result<(), Error> {
        let Frame {
            gs,
            stack,
            tm,
            tlm,
            carry,
        } = frame;
        let carried = std::mem::take(carry);
        let mut o = Operands::default();
        for c in &carried {
            let op = o.borrow_carried(c);
            o.ops.push(op);
        }
        // Reused from one operator to the next: the bytes of a hex string being shown.
        let mut hex: Vec<u8> = Vec::new();
        let mut lx = Lexer::new(content);
        while let Some(tok) = lx.next_tok() {
            if !self.spend(1) {
                return Ok(());
            }
            let op = match tok {
                Tok::Num(n) => {
                    o.ops.push(Operand::Num(n as f32));
                    continue;
                }
                Tok::Name(n) => {
                    let t = o.keep(n);
                    o.ops.push(Operand::Name(t));
                    continue;
                }
                Tok::Str(s) => {
                    let t = o.keep(s);
                    o.ops.push(Operand::Str(t));
                    continue;
                }
                Tok::Hex(h) => {
                    o.ops.push(Operand::Hex(h));
                    continue;
                }
                Tok::ArrOpen => {
                    let start = o.elems.len();
                    read_array(&mut lx, 0, &mut o);
                    if !self.spend((o.elems.len() - start) as u64) {
                        return Ok(());
                    }
                    o.ops.push(Operand::Arr(start, o.elems.len()));
                    continue;
                }
                Tok::DictOpen => {
                    skip_dict(&mut lx);
                    o.ops.push(Operand::Other);
                    continue;
                }
                Tok::ArrClose | Tok::DictClose | Tok::ProcOpen | Tok::ProcClose => {
                    self.out.unknown_ops += 1;
                    continue;
                }
                Tok::Op(op) => op,
            };
            if o.ops.len() > 64 {
                // Garbage or a malformed stream: operands that no operator takes.
                o.clear();
            }
            self.op_count += 1;
            if self.op_count % 2048 == 0 {
                self.check_deadline()?;
            }
            let ops = &o.ops;
            let n = |i: usize| -> f32 {
                match ops.get(i) {
                    Some(Operand::Num(v)) if v.is_finite() => *v,
                    _ => 0.0,
                }
            };
            let mut known = true;
            match op {
                b"q" => {
                    if stack.len() < 256 {
                        stack.push(gs.clone());
                    }
                }
                b"Q" => {
                    if let Some(g) = stack.pop() {
                        *gs = g;
                    }
                }
                b"cm" => {
                    if ops.len() >= 6 {
                        let m = Matrix([n(0), n(1), n(2), n(3), n(4), n(5)]);
                        if m.is_finite() {
                            gs.ctm = m.then(&gs.ctm);
                        }
                    }
                }
                b"BT" => {
                    *tm = Matrix::IDENTITY;
                    *tlm = Matrix::IDENTITY;
                }
                b"ET" => {}
                b"Tf" => {
                    if let Some(&Operand::Name(name)) = ops.first() {
                        gs.font = self.font(resources, o.text(name))?;
                    }
                    gs.size = n(1);
                }
                b"Tc" => gs.tc = n(0),
                b"Tw" => gs.tw = n(0),
                b"Tz" => gs.th = n(0) / 100.0,
                b"TL" => gs.tl = n(0),
                b"Ts" => gs.rise = n(0),
                b"Td" => {
                    *tlm = Matrix::translate(n(0), n(1)).then(tlm);
                    *tm = *tlm;
                }
                b"TD" => {
                    gs.tl = -n(1);
                    *tlm = Matrix::translate(n(0), n(1)).then(tlm);
                    *tm = *tlm;
                }
                b"Tm" => {
                    let m = Matrix([n(0), n(1), n(2), n(3), n(4), n(5)]);
                    if m.is_finite() {
                        *tlm = m;
                        *tm = m;
                    }
                }
                b"T*" => {
                    *tlm = Matrix::translate(0.0, -gs.tl).then(tlm);
                    *tm = *tlm;
                }
                b"Tj" => {
                    if let Some(s) = ops.first() {
                        self.show_operand(s, &o, gs, tm, &mut hex);
                    }
                }
                b"'" => {
                    *tlm = Matrix::translate(0.0, -gs.tl).then(tlm);
                    *tm = *tlm;
                    if let Some(s) = ops.first() {
                        self.show_operand(s, &o, gs, tm, &mut hex);
                    }
                }
                b"\"" => {
                    gs.tw = n(0);
                    gs.tc = n(1);
                    *tlm = Matrix::translate(0.0, -gs.tl).then(tlm);
                    *tm = *tlm;
                    if let Some(s) = ops.get(2) {
                        self.show_operand(s, &o, gs, tm, &mut hex);
                    }
                }
                b"TJ" => {
                    if let Some(&Operand::Arr(a, b)) = ops.first() {
                        for it in o.elems.get(a..b).unwrap_or_default() {
                            match it {
                                Operand::Str(_) | Operand::Hex(_) => {
                                    self.show_operand(it, &o, gs, tm, &mut hex)
                                }
                                Operand::Num(v) if v.is_finite() => {
                                    let adj = -v / 1000.0 * gs.size;
                                    let vertical = gs.font.as_ref().is_some_and(|f| f.vertical);
                                    *tm = if vertical {
                                        Matrix::translate(0.0, -adj).then(tm)
                                    } else {
                                        Matrix::translate(adj * gs.th, 0.0).then(tm)
                                    };
                                }
                                _ => {}
                            }
                        }
                    }
                }
                b"Do" => {
                    if let Some(&Operand::Name(name)) = ops.first() {
                        self.do_xobject(resources, o.text(name), gs, depth)?;
                    }
                }
                b"BI" => {
                    self.out.has_images = true;
                    skip_inline_image(&mut lx);
                }
                b"Tr" | b"w" | b"J" | b"j" | b"M" | b"d" | b"ri" | b"i" | b"gs" | b"m" | b"l"
                | b"c" | b"v" | b"y" | b"h" | b"re" | b"S" | b"s" | b"f" | b"F" | b"f*" | b"B"
                | b"B*" | b"b" | b"b*" | b"n" | b"W" | b"W*" | b"CS" | b"cs" | b"SC" | b"SCN"
                | b"sc" | b"scn" | b"G" | b"g" | b"RG" | b"rg" | b"K" | b"k" | b"sh" | b"d0"
                | b"d1" | b"MP" | b"DP" | b"BMC" | b"BDC" | b"EMC" | b"BX" | b"EX" => {}
                b"ID" | b"EI" => {}
                _ => known = false,
            }
            if known {
                self.out.known_ops += 1;
            } else {
                self.out.unknown_ops += 1;
            }
            o.clear();
        }
        if o.ops.len() <= 64 {
            carry.extend(o.ops.iter().map(|op| o.to_carried(op)));
        }
        Ok(())
    }

    fn do_xobject(
        &mut self,
        resources: Option<&'a Dictionary>,
        name: &[u8],
        gs: &GState,
        depth: u32,
    ) -> Result<(), Error> {
        let doc = self.doc;
        let Some(xobjs) = resources
            .and_then(|r| r.get(b"XObject").ok())
            .and_then(|o| as_dict(doc, o))
        else {
            return Ok(());
        };
        let Ok(entry) = xobjs.get(name) else {
            return Ok(());
        };
        let id = match entry {
            Object::Reference(id) => Some(*id),
            _ => None,
        };
        let Object::Stream(stream) = deref(doc, entry) else {
            return Ok(());
        };
        let subtype = match stream.dict.get(b"Subtype").map(|o| deref(doc, o)) {
            Ok(Object::Name(n)) => n.as_slice(),
            _ => b"",
        };
        if subtype == b"Image" {
            self.out.has_images = true;
            return Ok(());
        }
        if subtype != b"Form" && subtype != b"PS" && !stream.dict.has(b"BBox") {
            return Ok(());
        }
        if depth + 1 > self.max_form_depth || id.is_some_and(|id| self.form_stack.contains(&id)) {
            self.out.forms_cut += 1;
            return Ok(());
        }
        if filters::is_image_codec(doc, stream) {
            return Ok(());
        }
        let Some(content) = filters::decode_shared(doc, id, stream, self.budget)? else {
            return Ok(());
        };
        if !self.spend(FORM_CALL_WORK + content.len() as u64 / 64) {
            return Ok(());
        }
        let form_res = stream
            .dict
            .get(b"Resources")
            .ok()
            .and_then(|o| as_dict(doc, o))
            .or(resources);
        let m = matrix_of(doc, stream.dict.get(b"Matrix").ok()).unwrap_or(Matrix::IDENTITY);
        let mut inner = gs.clone();
        inner.ctm = m.then(&gs.ctm);
        if let Some(id) = id {
            self.form_stack.push(id);
        }
        let mut frame = Frame::new(inner);
        let r = self.run_stream(&content, form_res, &mut frame, depth + 1);
        if id.is_some() {
            self.form_stack.pop();
        }
        r
    }

    /// Shows a string operand, literal or hex (`hex` is scratch for its bytes); other operands
    /// show nothing.
    // Inlined into the content loop: a call per string shown (446 k on the corpus) that
    // mostly moved registers about before calling `show`.
    #[inline(always)]
    fn show_operand(
        &mut self,
        op: &Operand<'_>,
        o: &Operands<'_>,
        gs: &GState,
        tm: &mut Matrix,
        hex: &mut Vec<u8>,
    ) {
        match *op {
            Operand::Str(s) => self.show(o.text(s), gs, tm),
            Operand::Hex(h) => {
                hex.clear();
                decode_hex(h, hex);
                self.show(hex, gs, tm);
            }
            _ => {}
        }
    }

    /// Shows one string: emits its glyphs and advances the text matrix.
    fn show(&mut self, s: &[u8], gs: &GState, tm: &mut Matrix) {
        let Some(font) = gs.font.as_deref() else {
            return;
        };
        self.codes.clear();
        self.code_text.clear();
        let room = MAX_GLYPHS_PER_PAGE.saturating_sub(self.out.glyphs.len());
        if room == 0 {
            self.out.work_cut = true;
            return;
        }
        // Codes are at most 4 bytes: never decode more of a huge string than could be kept.
        let s = &s[..s.len().min(room.saturating_mul(4))];
        font.decode(
            s,
            &mut self.codes,
            &mut self.code_text,
            &mut self.fonts.memo,
        );
        if !self.spend(self.codes.len() as u64 * GLYPH_WORK) {
            return;
        }
        let m = tm.then(&gs.ctm);
        let [a, b, c, d, _, _] = m.0;
        let scale = (a * d - b * c).abs().sqrt();
        let size = (gs.size.abs() * scale).max(0.0);
        let vertical = font.vertical;
        let (ux, uy) = if vertical {
            m.apply_vec(0.0, -1.0)
        } else {
            m.apply_vec(1.0, 0.0)
        };
        let ulen = (ux * ux + uy * uy).sqrt();
        let (dx, dy) = if ulen > 0.0 {
            (ux / ulen, uy / ulen)
        } else {
            (1.0, 0.0)
        };
        let mut adv = 0.0f32;
        // Borrowed field by field: the scratch is read while the page's output grows.
        let (codes, code_text, out) = (&self.codes, &self.code_text, &mut self.out);
        // Nearly always the whole string's text is kept as it is: then it is copied at once and
        // each glyph gets its range of it (the text of a glyph dropped below stays unused there).
        let base = out.text.len();
        let plain = code_text.chars().all(is_plain);
        if plain {
            out.text.push_str(code_text);
        }
        let mut kept_end = base;
        for code in codes {
            let w = code.width * gs.size;
            let spacing = gs.tc + if code.word_space { gs.tw } else { 0.0 };
            let (ox, oy) = if vertical {
                m.apply(0.0, -adv + gs.rise)
            } else {
                m.apply(adv, gs.rise)
            };
            let step = if vertical {
                w + spacing
            } else {
                (w + spacing) * gs.th
            };
            let glyph_len = if vertical {
                w * scale
            } else {
                w * gs.th * scale
            };
            adv += step;
            let text = code_text.get(code.t0..code.t1);
            let (t0, t1) = if plain {
                match text {
                    Some(_) => (base + code.t0, base + code.t1),
                    None => (base, base),
                }
            } else {
                let t0 = out.text.len();
                push_kept(text.unwrap_or(""), &mut out.text);
                (t0, out.text.len())
            };
            if t1 == t0 {
                out.unmapped += 1;
                continue;
            }
            if !(ox.is_finite() && oy.is_finite() && size.is_finite())
                || out.glyphs.len() >= MAX_GLYPHS_PER_PAGE
            {
                if !plain {
                    out.text.truncate(t0);
                }
                continue;
            }
            kept_end = t1;
            out.glyphs.push(Glyph {
                t0: t0 as u32,
                t1: t1 as u32,
                x: ox,
                y: oy,
                width: glyph_len.abs(),
                size,
                dx,
                dy,
                vertical,
            });
        }
        if plain {
            // Glyphs are dropped at the end of a string (past the page's cap, or once the
            // advance overflows): their text goes too.
            out.text.truncate(kept_end);
        }
        *tm = if vertical {
            Matrix::translate(0.0, -adv).then(tm)
        } else {
            Matrix::translate(adv, 0.0).then(tm)
        };
    }
}

/// Appends the text of one glyph to `out`, without the characters that show nothing (controls,
/// replacement and byte-order marks, soft hyphens) and with every kind of space made plain.
fn push_kept(text: &str, out: &mut String) {
    if text.chars().all(is_plain) {
        out.push_str(text);
        return;
    }
    for ch in text.chars() {
        if ch.is_control() || ch == '\u{fffd}' || ch == '\u{feff}' || ch == '\u{ad}' {
            continue;
        }
        // Non-breaking and odd-width spaces are word gaps like any other.
        let ch = if ch.is_whitespace() { ' ' } else { ch };
        out.push(ch);
    }
}

/// Whether `show` keeps `c` as it is: printable ASCII, and the CJK blocks from U+3001 (after the
/// ideographic space) to the presentation forms, where nothing is a control character, white
/// space, or one of the characters it drops. The common case, copied without looking further.
fn is_plain(c: char) -> bool {
    (' '..='~').contains(&c) || ('\u{3001}'..='\u{fdff}').contains(&c)
}

/// Reads the items of an array operand after its `[` into `o.elems`; the items of an array
/// nested in it (`depth` > 0) are read past, counted but not kept.
fn read_array<'b>(lx: &mut Lexer<'b>, depth: u32, o: &mut Operands<'b>) {
    let mut n = 0usize;
    while let Some(t) = lx.next_tok() {
        let item = match t {
            Tok::ArrClose => break,
            Tok::Num(x) => Operand::Num(x as f32),
            Tok::Str(s) => Operand::Str(o.keep(s)),
            Tok::Hex(h) => Operand::Hex(h),
            Tok::Name(name) => Operand::Name(o.keep(name)),
            Tok::ArrOpen => {
                if depth < 32 {
                    read_array(lx, depth + 1, o);
                }
                Operand::Other
            }
            Tok::DictOpen => {
                skip_dict(lx);
                Operand::Other
            }
            // An operator inside an array means the array was never closed: stop here.
            Tok::Op(_) => break,
            _ => Operand::Other,
        };
        if depth == 0 {
            o.elems.push(item);
        }
        n += 1;
        if n > 1_000_000 {
            break;
        }
    }
}

fn skip_dict(lx: &mut Lexer<'_>) {
    let mut depth = 1u32;
    while let Some(t) = lx.next_tok() {
        match t {
            Tok::DictOpen => depth += 1,
            Tok::DictClose => {
                depth -= 1;
                if depth == 0 {
                    return;
                }
            }
            Tok::Op(_) if depth > 64 => return,
            _ => {}
        }
    }
}

/// Skips from after `BI` to after `EI`, without decoding the image.
fn skip_inline_image(lx: &mut Lexer<'_>) {
    // The parameter dictionary, up to ID.
    let mut guard = 0;
    loop {
        guard += 1;
        match lx.next_tok() {
            None => return,
            Some(Tok::Op(b"ID")) => break,
            Some(_) if guard > 10_000 => return,
            Some(_) => {}
        }
    }
    let data = lx.data();
    let start = lx.pos() + 1;
    let mut i = start;
    while i + 1 < data.len() {
        if data[i] == b'E'
            && data[i + 1] == b'I'
            && i > 0
            && is_white(data[i - 1])
            && data.get(i + 2).is_none_or(|&c| is_white(c) || is_delim(c))
        {
            lx.set_pos(i + 2);
            return;
        }
        i += 1;
    }
    lx.set_pos(data.len());
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    /// A document whose resource dictionary (the id returned) names Helvetica as /F1.
    fn with_helvetica() -> (Objects<'static>, lopdf::ObjectId) {
        let mut doc = lopdf::Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
            "Encoding" => "WinAnsiEncoding", "FirstChar" => 32,
            "Widths" => vec![250.into(); 95],
        });
        let res = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
        (doc.into(), res)
    }

    fn run(content: &[u8]) -> PageContent {
        let (doc, res) = with_helvetica();
        let budget = Budget::new(1 << 20, 1 << 20);
        let mut cache = FontCache::default();
        let res_dict = doc.get_object(res).and_then(Object::as_dict).ok();
        let mut it = Interp::new(&doc, &budget, &mut cache, None, 8);
        let flip = Matrix([1.0, 0.0, 0.0, -1.0, 0.0, 800.0]);
        assert!(it.run(content, res_dict, flip).is_ok());
        it.out
    }

    /// Runs `parts` as the streams of one page.
    fn run_parts(parts: &[&[u8]]) -> PageContent {
        let (doc, res) = with_helvetica();
        let budget = Budget::new(1 << 20, 1 << 20);
        let mut cache = FontCache::default();
        let res_dict = doc.get_object(res).and_then(Object::as_dict).ok();
        let mut it = Interp::new(&doc, &budget, &mut cache, None, 8);
        let mut frame = Interp::begin(Matrix::IDENTITY);
        for part in parts {
            assert!(it.run_part(part, res_dict, &mut frame).is_ok());
        }
        it.out
    }

    #[test]
    fn operands_carry_over_from_one_stream_to_the_next() {
        let content: &[u8] =
            br"BT /F#31 10 Tf 100 700 Td [(A) -1000 <42> [(x)] (\\\)) 500 (D)] TJ (E\(F) Tj ET";
        let whole = run_parts(&[content]);
        assert_eq!(whole.text, "AB\\)DE(F");
        let key = |p: &PageContent| {
            let g: Vec<_> = p.glyphs.iter().map(|g| (g.t0, g.t1, g.x, g.y)).collect();
            (p.text.clone(), g)
        };
        // Split at every space outside the array: the operands read before it, the array and
        // the unescaped strings included, reach the operator after it.
        let open = content.iter().position(|&b| b == b'[').unwrap_or(0);
        let close = content.windows(4).position(|w| w == b"] TJ").unwrap_or(0) + 1;
        let splits = (0..content.len()).filter(|&i| content[i] == b' ' && (i < open || i >= close));
        assert_eq!(splits.clone().count(), 11);
        for i in splits {
            let split = run_parts(&[&content[..i], &content[i..]]);
            assert_eq!(key(&split), key(&whole), "split at {i}");
        }
    }

    #[test]
    fn positions_follow_text_matrices() {
        let out = run(b"BT /F1 10 Tf 100 700 Td (AB) Tj 0 -20 TD (C) Tj T* [(D) -1000 (E)] TJ ET");
        let g = &out.glyphs;
        assert_eq!(out.text, "ABCDE");
        assert_eq!(g.len(), 5);
        assert!((g[0].x - 100.0).abs() < 1e-3 && (g[0].y - 100.0).abs() < 1e-3);
        assert!((g[1].x - 102.5).abs() < 1e-3);
        assert!((g[2].y - 120.0).abs() < 1e-3);
        assert!((g[3].y - 140.0).abs() < 1e-3);
        // TJ -1000 moves one em (10 pt) right after D's 2.5 pt advance.
        assert!((g[4].x - 112.5).abs() < 1e-3);
        assert!((g[0].size - 10.0).abs() < 1e-3);
    }

    #[test]
    fn cm_and_q_scale_sizes() {
        let out = run(b"q 2 0 0 2 0 0 cm BT /F1 10 Tf 10 10 Td (A) Tj ET Q BT /F1 10 Tf (B) Tj ET");
        assert!((out.glyphs[0].size - 20.0).abs() < 1e-3);
        assert!((out.glyphs[1].size - 10.0).abs() < 1e-3);
    }

    #[test]
    fn inline_image_is_skipped() {
        let out = run(b"BI /W 2 /H 2 /BPC 8 /CS /G ID \x00\x45\x49\xff EI BT /F1 10 Tf (Z) Tj ET");
        assert!(out.has_images);
        assert_eq!(out.text, "Z");
    }

    #[test]
    fn glyphs_per_page_are_capped() {
        let mut content = b"BT /F1 10 Tf (".to_vec();
        content.extend(std::iter::repeat_n(b'a', MAX_GLYPHS_PER_PAGE + 1000));
        content.extend_from_slice(b") Tj (b) Tj ET");
        let out = run(&content);
        assert_eq!(out.glyphs.len(), MAX_GLYPHS_PER_PAGE);
        assert!(out.work_cut);
    }

    #[test]
    fn work_limit_stops_the_page() {
        let mut doc = lopdf::Document::with_version("1.5");
        let font = doc.add_object(dictionary! {
            "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        });
        let res = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font } });
        let doc = Objects::from(doc);
        let budget = Budget::new(1 << 20, 1 << 20);
        let mut cache = FontCache::default();
        let res_dict = doc.get_object(res).and_then(Object::as_dict).ok();
        let mut it = Interp::new(&doc, &budget, &mut cache, None, 8);
        it.max_work = 1000;
        let content = b"BT /F1 10 Tf (a) Tj ET ".repeat(1000);
        assert!(it.run(&content, res_dict, Matrix::IDENTITY).is_ok());
        assert!(it.out.work_cut);
        // Each repetition is 7 tokens and one glyph (8 units): 15 units, so about 66 glyphs.
        assert!(
            (60..=70).contains(&it.out.glyphs.len()),
            "{}",
            it.out.glyphs.len()
        );
    }

    #[test]
    fn garbage_counts_unknown_operators() {
        let out = run(b"\x8a\x12 zz\xf0 kq\x01 BT ET");
        assert!(out.unknown_ops >= 3);
    }
}
