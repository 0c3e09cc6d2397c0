//! PDF object syntax, read into lopdf's values, for objects parsed on first use (`objects.rs`).
//!
//! Takes the file's bytes and a position and gives one object and the position after it. The
//! grammar is the one lopdf 0.47 accepts, rule for rule (white space, comments, numbers with a
//! stray minus in the fraction, `#xx` in names, escapes and nesting in literal strings, depth
//! limits), so an object reads the same whichever path loaded it. Where lopdf would read an
//! object differently, skip it or repair it, this module fails instead: the caller then loads
//! the whole file with lopdf. It never panics and allocates only for the values it returns.

use lopdf::{Dictionary, Object, StringFormat};

// The content-stream lexer's byte classes are lopdf's too: white space ` \t\r\n\x0c\0`,
// delimiters `()<>[]{}/%`.
use crate::lexer::is_white;

/// How deep arrays and dictionaries may nest (lopdf's `MAX_NESTING_DEPTH`).
pub(crate) const MAX_DEPTH: usize = 100;
/// How deep parentheses may nest inside a literal string (lopdf's `MAX_BRACKET`).
const MAX_PARENS: usize = 100;

/// The input is not an object lopdf would read the same way.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Fail;

type Parsed<T> = Result<(T, usize), Fail>;

#[inline]
fn is_regular(c: u8) -> bool {
    !is_white(c) && !crate::lexer::is_delim(c)
}

/// The position after an end of line (`\r\n`, `\n` or `\r`) at `p`.
#[inline]
pub(crate) fn eol(b: &[u8], p: usize) -> Option<usize> {
    match b.get(p..).unwrap_or_default() {
        [b'\r', b'\n', ..] => Some(p + 2),
        [b'\n' | b'\r', ..] => Some(p + 1),
        _ => None,
    }
}

/// Skips white space and comments. A comment counts only when an end of line closes it.
pub(crate) fn space(b: &[u8], mut p: usize) -> usize {
    loop {
        while b.get(p).is_some_and(|&c| is_white(c)) {
            p += 1;
        }
        if b.get(p) != Some(&b'%') {
            return p;
        }
        let rest = b.get(p..).unwrap_or_default();
        match memchr::memchr2(b'\r', b'\n', rest).and_then(|at| eol(b, p + at)) {
            Some(after) => p = after,
            None => return p,
        }
    }
}

/// Skips white space only (no comments), as inside hexadecimal strings.
fn white(b: &[u8], mut p: usize) -> usize {
    while b.get(p).is_some_and(|&c| is_white(c)) {
        p += 1;
    }
    p
}

fn digits_end(b: &[u8], p: usize) -> usize {
    p + b
        .get(p..)
        .unwrap_or_default()
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count()
}

/// A run of digits at `p` read as an unsigned number that fits `T`.
pub(crate) fn unsigned<T: TryFrom<u64>>(b: &[u8], p: usize) -> Option<(T, usize)> {
    let end = digits_end(b, p);
    if end == p {
        return None;
    }
    let value = b[p..end].iter().try_fold(0u64, |v, &d| {
        v.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })?;
    Some((T::try_from(value).ok()?, end))
}

fn after_sign(b: &[u8], p: usize) -> (bool, usize) {
    match b.get(p) {
        Some(b'-') => (true, p + 1),
        Some(b'+') => (false, p + 1),
        _ => (false, p),
    }
}

fn integer(b: &[u8], p: usize) -> Option<(i64, usize)> {
    let (negative, q) = after_sign(b, p);
    let (magnitude, end) = unsigned::<u64>(b, q)?;
    let value = if negative {
        0i64.checked_sub_unsigned(magnitude)?
    } else {
        i64::try_from(magnitude).ok()?
    };
    Some((value, end))
}

/// A number with a decimal point. Like lopdf (and pdf.js and Poppler), a minus sign written
/// inside the fraction (`0.00-4142502`) is ignored.
fn real(b: &[u8], p: usize) -> Option<(f32, usize)> {
    let (_, mut q) = after_sign(b, p);
    let int_end = digits_end(b, q);
    if int_end > q {
        if b.get(int_end) != Some(&b'.') {
            return None;
        }
        q = digits_end(b, int_end + 1);
    } else {
        if b.get(q) != Some(&b'.') {
            return None;
        }
        let frac_end = digits_end(b, q + 1);
        if frac_end == q + 1 {
            return None;
        }
        q = frac_end;
    }
    let fraction_start = q;
    while b.get(q).is_some_and(|&c| c == b'-' || c.is_ascii_digit()) {
        q += 1;
    }
    let text = &b[p..q];
    let value = if b[fraction_start..q].contains(&b'-') {
        let mut kept = vec![text[0]];
        kept.extend(text[1..].iter().filter(|&&c| c != b'-'));
        std::str::from_utf8(&kept).ok()?.parse::<f32>().ok()?
    } else {
        std::str::from_utf8(text).ok()?.parse::<f32>().ok()?
    };
    Some((value, q))
}

/// `num gen R`.
fn reference(b: &[u8], p: usize) -> Option<((u32, u16), usize)> {
    let (num, q) = unsigned::<u32>(b, p)?;
    let (generation, q) = unsigned::<u16>(b, space(b, q))?;
    let q = space(b, q);
    (b.get(q) == Some(&b'R')).then_some(((num, generation), q + 1))
}

/// A name after its slash, `#xx` escapes resolved; a `#` without two hex digits ends it.
fn name(b: &[u8], mut p: usize) -> (Vec<u8>, usize) {
    let mut out = Vec::new();
    loop {
        let start = p;
        while b.get(p).is_some_and(|&c| c != b'#' && is_regular(c)) {
            p += 1;
        }
        out.extend_from_slice(&b[start..p]);
        if b.get(p) != Some(&b'#') {
            return (out, p);
        }
        match (hex_value(b.get(p + 1)), hex_value(b.get(p + 2))) {
            (Some(hi), Some(lo)) => {
                out.push((hi << 4) | lo);
                p += 3;
            }
            _ => return (out, p),
        }
    }
}

fn hex_value(c: Option<&u8>) -> Option<u8> {
    crate::lexer::hex_val(*c?)
}

fn is_octal(c: Option<&u8>) -> bool {
    c.is_some_and(|c| (b'0'..=b'7').contains(c))
}

/// The inside of a literal string from `p` up to (not including) the `)` that closes it.
fn literal_inner(b: &[u8], mut p: usize, depth: usize, out: &mut Vec<u8>) -> Result<usize, Fail> {
    loop {
        let Some(&c) = b.get(p) else { return Ok(p) };
        match c {
            b'\\' => {
                let e = p + 1;
                if is_octal(b.get(e)) {
                    let mut end = e + 1;
                    while end < e + 3 && is_octal(b.get(end)) {
                        end += 1;
                    }
                    let v = b[e..end]
                        .iter()
                        .fold(0u16, |v, &d| v * 8 + u16::from(d - b'0'));
                    out.push(v as u8);
                    p = end;
                } else if let Some(after) = eol(b, e) {
                    p = after;
                } else {
                    let Some(&x) = b.get(e) else { return Ok(p) };
                    out.push(match x {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'f' => 0x0C,
                        other => other,
                    });
                    p = e + 1;
                }
            }
            b'\r' | b'\n' => {
                out.push(b'\n');
                p = eol(b, p).unwrap_or(p + 1);
            }
            b'(' => {
                if depth == 0 {
                    return Ok(p);
                }
                out.push(b'(');
                let end = literal_inner(b, p + 1, depth - 1, out)?;
                if b.get(end) != Some(&b')') {
                    return Err(Fail);
                }
                out.push(b')');
                p = end + 1;
            }
            b')' => return Ok(p),
            _ => {
                let run = b[p..]
                    .iter()
                    .position(|c| b"()\\\r\n".contains(c))
                    .unwrap_or(b.len() - p);
                out.extend_from_slice(&b[p..p + run]);
                p += run;
            }
        }
    }
}

fn literal(b: &[u8], p: usize) -> Parsed<Vec<u8>> {
    let mut out = Vec::new();
    let end = literal_inner(b, p + 1, MAX_PARENS, &mut out)?;
    if b.get(end) != Some(&b')') {
        return Err(Fail);
    }
    Ok((out, end + 1))
}

fn hex_string(b: &[u8], mut p: usize) -> Option<(Vec<u8>, usize)> {
    p += 1;
    let mut out = Vec::new();
    let mut high = true;
    loop {
        let q = white(b, p);
        let Some(v) = hex_value(b.get(q)) else { break };
        if high {
            out.push(v << 4);
        } else if let Some(last) = out.last_mut() {
            *last |= v;
        }
        high = !high;
        p = q + 1;
    }
    let p = white(b, p);
    (b.get(p) == Some(&b'>')).then_some((out, p + 1))
}

/// One element of an array or dictionary value, and the white space after it.
fn element(b: &[u8], p: usize, depth: usize) -> Parsed<Object> {
    if depth == 0 {
        return Err(Fail);
    }
    let (o, q) = direct(b, p, depth - 1)?;
    Ok((o, space(b, q)))
}

fn array(b: &[u8], p: usize, depth: usize) -> Parsed<Vec<Object>> {
    let mut p = space(b, p + 1);
    let mut items = Vec::new();
    loop {
        if depth == 0 {
            return Err(Fail);
        }
        if b.get(p) == Some(&b']') {
            return Ok((items, p + 1));
        }
        let (o, q) = element(b, p, depth)?;
        items.push(o);
        p = q;
    }
}

/// A dictionary starting with `<<` at `p`.
pub(crate) fn dictionary(b: &[u8], p: usize, depth: usize) -> Parsed<Dictionary> {
    if b.get(p..p + 2) != Some(b"<<") {
        return Err(Fail);
    }
    let mut p = space(b, p + 2);
    let mut dict = Dictionary::new();
    while b.get(p) == Some(&b'/') {
        let (key, q) = name(b, p + 1);
        let (value, q) = element(b, space(b, q), depth)?;
        dict.set(key, value);
        p = q;
    }
    if b.get(p..p + 2) != Some(b">>") {
        return Err(Fail);
    }
    Ok((dict, p + 2))
}

/// A direct object at `p` (no white space skipped before or after it).
pub(crate) fn direct(b: &[u8], p: usize, depth: usize) -> Parsed<Object> {
    let rest = b.get(p..).unwrap_or_default();
    match rest.first() {
        Some(b'n') if rest.starts_with(b"null") => Ok((Object::Null, p + 4)),
        Some(b't') if rest.starts_with(b"true") => Ok((Object::Boolean(true), p + 4)),
        Some(b'f') if rest.starts_with(b"false") => Ok((Object::Boolean(false), p + 5)),
        Some(b'0'..=b'9') => {
            if let Some((id, q)) = reference(b, p) {
                Ok((Object::Reference(id), q))
            } else if let Some((r, q)) = real(b, p) {
                Ok((Object::Real(r), q))
            } else {
                integer(b, p)
                    .map(|(i, q)| (Object::Integer(i), q))
                    .ok_or(Fail)
            }
        }
        Some(b'+' | b'-' | b'.') => {
            if let Some((r, q)) = real(b, p) {
                Ok((Object::Real(r), q))
            } else {
                integer(b, p)
                    .map(|(i, q)| (Object::Integer(i), q))
                    .ok_or(Fail)
            }
        }
        Some(b'/') => {
            let (n, q) = name(b, p + 1);
            Ok((Object::Name(n), q))
        }
        Some(b'(') => literal(b, p).map(|(s, q)| (Object::String(s, StringFormat::Literal), q)),
        Some(b'<') => match hex_string(b, p) {
            Some((s, q)) => Ok((Object::String(s, StringFormat::Hexadecimal), q)),
            None => dictionary(b, p, depth).map(|(d, q)| (Object::Dictionary(d), q)),
        },
        Some(b'[') => array(b, p, depth).map(|(a, q)| (Object::Array(a), q)),
        _ => Err(Fail),
    }
}

/// A member of an object stream at `p` (white space before it skipped), as lopdf reads one.
pub(crate) fn member(b: &[u8], p: usize) -> Option<Object> {
    element(b, p, MAX_DEPTH).ok().map(|(o, _)| o)
}

/// What an indirect object's body holds.
#[derive(Debug)]
pub(crate) enum Body {
    /// Any object but a stream.
    Object(Object),
    /// A stream's dictionary and where its data starts.
    Stream(Dictionary, usize),
}

/// The object `num gen obj …` whose header starts (after white space) at `p`.
pub(crate) fn indirect(b: &[u8], p: usize) -> Result<((u32, u16), Body), Fail> {
    let p = space(b, p);
    let (num, q) = unsigned::<u32>(b, p).ok_or(Fail)?;
    let (generation, q) = unsigned::<u16>(b, space(b, q)).ok_or(Fail)?;
    let q = space(b, q);
    if b.get(q..q + 3) != Some(b"obj") {
        return Err(Fail);
    }
    let q = space(b, q + 3);
    let id = (num, generation);
    if b.get(q..q + 2) == Some(b"<<") {
        let (dict, after) = dictionary(b, q, MAX_DEPTH)?;
        if let Some(data) = stream_keyword(b, after) {
            return Ok((id, Body::Stream(dict, data)));
        }
        return Ok((id, Body::Object(Object::Dictionary(dict))));
    }
    let (o, _) = direct(b, q, MAX_DEPTH)?;
    Ok((id, Body::Object(o)))
}

/// After a dictionary: `stream`, spaces or tabs, an end of line; gives where the data starts.
fn stream_keyword(b: &[u8], p: usize) -> Option<usize> {
    let mut q = space(b, p);
    if b.get(q..q + 6) != Some(b"stream") {
        return None;
    }
    q += 6;
    while matches!(b.get(q), Some(b' ' | b'\t')) {
        q += 1;
    }
    eol(b, q)
}

/// Whether `endstream` follows the data ending at `p` (an end of line may come first).
pub(crate) fn endstream_at(b: &[u8], p: usize) -> bool {
    let q = eol(b, p).unwrap_or(p);
    b.get(q..q + 9) == Some(b"endstream")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> Result<Object, Fail> {
        direct(s.as_bytes(), 0, MAX_DEPTH).map(|(o, _)| o)
    }

    #[test]
    fn numbers_read_as_lopdf_reads_them() {
        assert_eq!(one("42").unwrap(), Object::Integer(42));
        assert_eq!(one("-17").unwrap(), Object::Integer(-17));
        assert_eq!(one("+5").unwrap(), Object::Integer(5));
        assert_eq!(one("3.5").unwrap(), Object::Real(3.5));
        assert_eq!(one("-.25").unwrap(), Object::Real(-0.25));
        assert_eq!(one("4.").unwrap(), Object::Real(4.0));
        // The stray minus inside a fraction is dropped.
        assert_eq!(one("0.00-5").unwrap(), Object::Real(0.005));
        assert_eq!(one("12 0 R").unwrap(), Object::Reference((12, 0)));
        assert_eq!(one("12 0R").unwrap(), Object::Reference((12, 0)));
        // A generation beyond u16 is no reference: the number stands alone.
        assert_eq!(one("1 70000 R").unwrap(), Object::Integer(1));
        assert_eq!(one("99999999999999999999"), Err(Fail));
    }

    #[test]
    fn strings_and_names() {
        assert_eq!(
            one(r"(a\(b\)c\n\101\
d)")
            .unwrap(),
            Object::String(b"a(b)c\nAd".to_vec(), StringFormat::Literal)
        );
        assert_eq!(
            one("(x (nested) \r\ny)").unwrap(),
            Object::String(b"x (nested) \ny".to_vec(), StringFormat::Literal)
        );
        assert_eq!(
            one("<48 65 6c6>").unwrap(),
            Object::String(b"Hel`".to_vec(), StringFormat::Hexadecimal)
        );
        assert_eq!(one("/A#42C").unwrap(), Object::Name(b"ABC".to_vec()));
        assert_eq!(one("(unterminated"), Err(Fail));
    }

    #[test]
    fn containers_and_depth() {
        let o = one("<< /Type /Page /Kids [1 0 R 2 0 R] /N null /B true % c\n /X <<>> >>").unwrap();
        let Object::Dictionary(d) = o else {
            panic!("not a dictionary")
        };
        assert_eq!(d.len(), 5);
        assert_eq!(
            d.get(b"Kids").unwrap(),
            &Object::Array(vec![Object::Reference((1, 0)), Object::Reference((2, 0))])
        );
        // A value that does not parse fails the dictionary (lopdf drops the object).
        assert_eq!(one("<< /A } >>"), Err(Fail));
        let deep = format!("{}{}", "[".repeat(150), "]".repeat(150));
        assert_eq!(one(&deep), Err(Fail));
        let ok = format!("{}{}", "[".repeat(50), "]".repeat(50));
        assert!(one(&ok).is_ok());
    }

    #[test]
    fn indirect_objects_and_streams() {
        let b = b"\n 7 0 obj\n<< /Length 3 >>\nstream\r\nabc\nendstream\nendobj";
        let (id, body) = indirect(b, 0).unwrap();
        assert_eq!(id, (7, 0));
        let Body::Stream(d, at) = body else {
            panic!("not a stream")
        };
        assert_eq!(d.get(b"Length").unwrap(), &Object::Integer(3));
        assert_eq!(&b[at..at + 3], b"abc");
        assert!(endstream_at(b, at + 3));
        assert!(!endstream_at(b, at + 2));
        assert!(indirect(b"7 0 ob", 0).is_err());
    }
}
