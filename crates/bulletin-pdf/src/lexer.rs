//! One-pass tokenizer for PDF content streams and CMap files.
//!
//! Takes a byte slice and gives tokens (numbers, names, strings, operators, brackets) without
//! building an object tree, so a content stream is read once and never copied. Malformed input
//! never fails: unknown bytes become one-byte operators and unterminated strings end at the input.

use std::borrow::Cow;

/// One lexical token of a content stream or CMap.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok<'a> {
    /// An integer or real number.
    Num(f64),
    /// A name without its slash, `#xx` escapes already resolved.
    Name(Cow<'a, [u8]>),
    /// A literal `( )` string with escapes resolved (borrowed when it has none).
    Str(Cow<'a, [u8]>),
    /// A hexadecimal `< >` string as written, digits and white space between the brackets:
    /// [`decode_hex`] gives its bytes. Left undecoded so that lexing never allocates for it.
    Hex(&'a [u8]),
    /// `[`
    ArrOpen,
    /// `]`
    ArrClose,
    /// `<<`
    DictOpen,
    /// `>>`
    DictClose,
    /// `{` (PostScript procedures in CMaps)
    ProcOpen,
    /// `}`
    ProcClose,
    /// Any other regular-character run: an operator or keyword (`Tj`, `true`, `begincmap`).
    Op(&'a [u8]),
}

/// Cursor over the bytes of a stream.
pub(crate) struct Lexer<'a> {
    data: &'a [u8],
    pos: usize,
}

#[inline]
pub(crate) fn is_white(b: u8) -> bool {
    CLASS[usize::from(b)] == WHITE
}

#[inline]
pub(crate) fn is_delim(b: u8) -> bool {
    CLASS[usize::from(b)] == DELIM
}

/// Whether `b` ends a name, number or operator (white space or a delimiter).
#[inline]
fn ends_token(b: u8) -> bool {
    CLASS[usize::from(b)] != REGULAR
}

const REGULAR: u8 = 0;
const WHITE: u8 = 1;
const DELIM: u8 = 2;

/// The class of every byte: one load instead of a chain of comparisons in the loops that run
/// over every byte of a content stream.
static CLASS: [u8; 256] = {
    let mut t = [REGULAR; 256];
    let white = b" \t\r\n\x0c\x00";
    let mut i = 0;
    while i < white.len() {
        t[white[i] as usize] = WHITE;
        i += 1;
    }
    let delims = b"()<>[]{}/%";
    let mut i = 0;
    while i < delims.len() {
        t[delims[i] as usize] = DELIM;
        i += 1;
    }
    t
};

/// The value of every hex digit; 0xff for other bytes.
static HEX: [u8; 256] = {
    let mut t = [0xff; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

#[inline]
pub(crate) fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Lexer { data, pos: 0 }
    }

    /// Current byte offset.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Moves the cursor (used to skip inline image data).
    pub(crate) fn set_pos(&mut self, pos: usize) {
        self.pos = pos.min(self.data.len());
    }

    /// The whole input.
    pub(crate) fn data(&self) -> &'a [u8] {
        self.data
    }

    fn skip_white_and_comments(&mut self) {
        let data = self.data;
        let mut pos = self.pos;
        while let Some(&b) = data.get(pos) {
            if is_white(b) {
                pos += 1;
            } else if b == b'%' {
                while let Some(&c) = data.get(pos) {
                    if c == b'\n' || c == b'\r' {
                        break;
                    }
                    pos += 1;
                }
            } else {
                break;
            }
        }
        self.pos = pos;
    }

    /// The end of the name, number or operator running from `start`: the next white space or
    /// delimiter, or the end of the input.
    fn token_end(&self, start: usize) -> usize {
        let rest = self.data.get(start..).unwrap_or_default();
        rest.iter()
            .position(|&c| ends_token(c))
            .map_or(self.data.len(), |n| start + n)
    }

    /// Next token, or `None` at the end of the input.
    // Inlined into its few callers (the content loop, arrays, CMaps, skipping): called once per
    // token, it spent a fifth of its time saving and restoring registers and returning the
    // token through memory; the rare escapes are out of line, which keeps the copies small.
    #[inline(always)]
    pub(crate) fn next_tok(&mut self) -> Option<Tok<'a>> {
        self.skip_white_and_comments();
        let b = *self.data.get(self.pos)?;
        match b {
            b'/' => {
                let start = self.pos + 1;
                self.pos = self.token_end(start);
                let raw = &self.data[start..self.pos];
                if raw.contains(&b'#') {
                    Some(Tok::Name(Cow::Owned(unescape_name(raw))))
                } else {
                    Some(Tok::Name(Cow::Borrowed(raw)))
                }
            }
            b'(' => {
                self.pos += 1;
                Some(Tok::Str(self.literal_string()))
            }
            b'<' => {
                if self.data.get(self.pos + 1) == Some(&b'<') {
                    self.pos += 2;
                    Some(Tok::DictOpen)
                } else {
                    self.pos += 1;
                    Some(Tok::Hex(self.hex_string()))
                }
            }
            b'>' => {
                if self.data.get(self.pos + 1) == Some(&b'>') {
                    self.pos += 2;
                    Some(Tok::DictClose)
                } else {
                    self.pos += 1;
                    Some(Tok::Op(b">"))
                }
            }
            b'[' => {
                self.pos += 1;
                Some(Tok::ArrOpen)
            }
            b']' => {
                self.pos += 1;
                Some(Tok::ArrClose)
            }
            b'{' => {
                self.pos += 1;
                Some(Tok::ProcOpen)
            }
            b'}' => {
                self.pos += 1;
                Some(Tok::ProcClose)
            }
            b')' => {
                self.pos += 1;
                Some(Tok::Op(b")"))
            }
            b'0'..=b'9' | b'+' | b'-' | b'.' => {
                // Parsed straight from the input, then the token's end found from where the
                // number stopped (right there, nearly always): the bytes are read once.
                let start = self.pos;
                let (n, stop) = number_prefix(self.data, start);
                self.pos = self.token_end(stop.max(start + 1));
                match n {
                    Some(n) => Some(Tok::Num(n)),
                    None => Some(Tok::Op(&self.data[start..self.pos])),
                }
            }
            _ => {
                let start = self.pos;
                self.pos = self.token_end(start + 1);
                Some(Tok::Op(&self.data[start..self.pos]))
            }
        }
    }

    fn literal_string(&mut self) -> Cow<'a, [u8]> {
        // Most strings have no escapes: then their bytes are the string, nested parentheses
        // included, and need no copy.
        let start = self.pos;
        let mut depth = 0usize;
        for (i, &b) in self
            .data
            .get(start..)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            match b {
                b'(' => depth += 1,
                b')' if depth == 0 => {
                    self.pos = start + i + 1;
                    return Cow::Borrowed(&self.data[start..start + i]);
                }
                b')' => depth -= 1,
                b'\\' => return Cow::Owned(self.escaped_string()),
                _ => {}
            }
        }
        self.pos = self.data.len();
        Cow::Borrowed(self.data.get(start..).unwrap_or_default())
    }

    // Out of line: rare, and inlined it costs every token of the lexer's hot path registers.
    #[cold]
    #[inline(never)]
    fn escaped_string(&mut self) -> Vec<u8> {
        // Sized once for the string as long as it could be (short strings: nearly all of them);
        // growing from empty took three allocations for a typical one.
        let left = self.data.len().saturating_sub(self.pos);
        let mut out = Vec::with_capacity(left.min(64));
        let mut depth = 0usize;
        while let Some(&b) = self.data.get(self.pos) {
            self.pos += 1;
            match b {
                b'(' => {
                    depth += 1;
                    out.push(b);
                }
                b')' => {
                    if depth == 0 {
                        return out;
                    }
                    depth -= 1;
                    out.push(b);
                }
                b'\\' => {
                    let Some(&e) = self.data.get(self.pos) else {
                        return out;
                    };
                    self.pos += 1;
                    match e {
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'\r' => {
                            if self.data.get(self.pos) == Some(&b'\n') {
                                self.pos += 1;
                            }
                        }
                        b'\n' => {}
                        b'0'..=b'7' => {
                            let mut v: u32 = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.data.get(self.pos) {
                                    Some(&d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.pos += 1;
                                    }
                                    _ => break,
                                }
                            }
                            out.push((v & 0xff) as u8);
                        }
                        other => out.push(other),
                    }
                }
                _ => out.push(b),
            }
        }
        out
    }

    fn hex_string(&mut self) -> &'a [u8] {
        let start = self.pos;
        let rest = self.data.get(start..).unwrap_or_default();
        match memchr::memchr(b'>', rest) {
            Some(end) => {
                self.pos = start + end + 1;
                &rest[..end]
            }
            None => {
                self.pos = self.data.len();
                rest
            }
        }
    }
}

/// Appends the bytes of a hexadecimal string (as given by [`Tok::Hex`]) to `out`: characters
/// that are not hex digits are skipped, and an odd last digit is followed by 0.
pub(crate) fn decode_hex(raw: &[u8], out: &mut Vec<u8>) {
    // Pairs of digits and nothing else (nearly always): one table load a byte, and the bytes
    // written by an exact-size extend.
    if raw.len() % 2 == 0 && raw.iter().all(|&b| HEX[usize::from(b)] < 16) {
        out.extend(
            raw.chunks_exact(2)
                .map(|p| HEX[usize::from(p[0])] << 4 | HEX[usize::from(p[1])]),
        );
        return;
    }
    let mut hi: Option<u8> = None;
    for &b in raw {
        let v = HEX[usize::from(b)];
        if v < 16 {
            match hi.take() {
                Some(h) => out.push(h << 4 | v),
                None => hi = Some(v),
            }
        }
    }
    if let Some(h) = hi {
        out.push(h << 4);
    }
}

/// The bytes of a hexadecimal string, see [`decode_hex`].
pub(crate) fn hex_bytes(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len() / 2 + 1);
    decode_hex(raw, &mut out);
    out
}

/// Resolves `#xx` escapes of a name.
#[cold]
#[inline(never)]
pub(crate) fn unescape_name(raw: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if b == b'#' {
            if let (Some(h), Some(l)) = (
                raw.get(i + 1).copied().and_then(hex_val),
                raw.get(i + 2).copied().and_then(hex_val),
            ) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    out
}

/// Parses the PDF number at `raw[start..]` (`12`, `-3.5`, `.5`, `4.`), and gives where it stops;
/// tolerates the `--5` and `1-2` junk some producers write by reading the longest valid prefix.
/// Signs, digits and the point are regular characters, so it never reads past its token.
#[inline]
fn number_prefix(raw: &[u8], start: usize) -> (Option<f64>, usize) {
    let mut i = start;
    let mut neg = false;
    while let Some(&c) = raw.get(i) {
        match c {
            b'-' => neg = !neg,
            b'+' => {}
            _ => break,
        }
        i += 1;
    }
    let mut int: f64 = 0.0;
    let mut seen = false;
    while let Some(&c) = raw.get(i) {
        if c.is_ascii_digit() {
            int = int * 10.0 + f64::from(c - b'0');
            seen = true;
            i += 1;
        } else {
            break;
        }
    }
    if raw.get(i) == Some(&b'.') {
        i += 1;
        let mut scale = 0.1;
        while let Some(&c) = raw.get(i) {
            if c.is_ascii_digit() {
                int += f64::from(c - b'0') * scale;
                scale *= 0.1;
                seen = true;
                i += 1;
            } else {
                break;
            }
        }
    }
    if !seen {
        return (None, i);
    }
    (Some(if neg { -int } else { int }), i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(s: &[u8]) -> Vec<Tok<'_>> {
        let mut l = Lexer::new(s);
        let mut v = Vec::new();
        while let Some(t) = l.next_tok() {
            v.push(t);
        }
        v
    }

    #[test]
    fn numbers_names_strings() {
        let t = toks(b"/F#201 12.5 Tf (a\\(b\\)c\\101) Tj <48 65 6> -.5 %comment\n[1 (x)]TJ");
        assert_eq!(t[0], Tok::Name(Cow::Owned(b"F 1".to_vec())));
        assert_eq!(t[1], Tok::Num(12.5));
        assert_eq!(t[2], Tok::Op(b"Tf"));
        assert_eq!(t[3], Tok::Str(Cow::Owned(b"a(b)cA".to_vec())));
        assert_eq!(t[5], Tok::Hex(b"48 65 6"));
        assert_eq!(hex_bytes(b"48 65 6"), vec![0x48, 0x65, 0x60]);
        assert_eq!(t[6], Tok::Num(-0.5));
        assert_eq!(t[7], Tok::ArrOpen);
        assert_eq!(t[11], Tok::Op(b"TJ"));
    }

    #[test]
    fn hex_decoding_matches_digit_by_digit() {
        let slow = |raw: &[u8]| {
            let mut out = Vec::new();
            let mut hi = None;
            for v in raw.iter().filter_map(|&b| hex_val(b)) {
                match hi.take() {
                    Some(h) => out.push(h << 4 | v),
                    None => hi = Some(v),
                }
            }
            out.extend(hi.map(|h| h << 4));
            out
        };
        for raw in [
            &b""[..],
            b"4",
            b"4E2D",
            b"4e2dA",
            b"4E 2D",
            b"4E2 D",
            b"\n4E2D\n",
            b"zz4E",
            b"4Eg2D",
            b"fF00aB9",
            b"0123456789abcdefABCDEF",
        ] {
            let mut out = vec![7];
            decode_hex(raw, &mut out);
            assert_eq!(out[1..], slow(raw), "{raw:?}");
        }
        for b in 0..=255u8 {
            assert_eq!(HEX[usize::from(b)] < 16, hex_val(b).is_some());
            assert_eq!(hex_val(b).unwrap_or(0xff), HEX[usize::from(b)]);
        }
    }

    #[test]
    fn unterminated_input_does_not_fail() {
        let t = toks(b"(abc");
        assert_eq!(t, vec![Tok::Str(Cow::Borrowed(b"abc"))]);
        let t = toks(b"(a(b)c");
        assert_eq!(t, vec![Tok::Str(Cow::Borrowed(b"a(b)c"))]);
        let t = toks(b"(a\\(b");
        assert_eq!(t, vec![Tok::Str(Cow::Owned(b"a(b".to_vec()))]);
        let t = toks(b"<4142");
        assert_eq!(t, vec![Tok::Hex(b"4142")]);
        assert_eq!(hex_bytes(b"4142"), b"AB".to_vec());
    }
}
