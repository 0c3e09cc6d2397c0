//! Link annotations.
//!
//! Takes a page dictionary and the page's user-space → top-left matrix and gives the page's
//! `/Link` annotations whose action is a URI, with their rectangles in page space. Other actions
//! (GoTo, GoToR, Launch, JavaScript) are ignored: nothing is ever followed.

use lopdf::{Dictionary, Object};

use crate::objects::Objects;

use crate::content::Matrix;
use crate::{Link, Rect};

fn deref<'a>(doc: &'a Objects<'a>, o: &'a Object) -> &'a Object {
    match o {
        Object::Reference(id) => doc.get_object(*id).unwrap_or(&Object::Null),
        _ => o,
    }
}

/// Text of a PDF string: UTF-16BE with BOM, UTF-8, else Latin-1 (PDFDocEncoding's ASCII part).
pub(crate) fn pdf_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xfe, 0xff]) {
        let units = rest
            .chunks(2)
            .map(|c| u16::from(c[0]) << 8 | u16::from(c.get(1).copied().unwrap_or(0)));
        return char::decode_utf16(units)
            .map(|r| r.unwrap_or('\u{fffd}'))
            .collect();
    }
    let bytes = bytes.strip_prefix(&[0xef, 0xbb, 0xbf]).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_owned(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// URI links of a page.
pub(crate) fn links(doc: &Objects<'_>, page: &Dictionary, to_page: &Matrix) -> Vec<Link> {
    let mut out = Vec::new();
    let Some(Object::Array(annots)) = page.get(b"Annots").ok().map(|o| deref(doc, o)) else {
        return out;
    };
    for a in annots.iter().take(10_000) {
        let Object::Dictionary(a) = deref(doc, a) else {
            continue;
        };
        if !matches!(a.get(b"Subtype").map(|o| deref(doc, o)), Ok(Object::Name(n)) if n == b"Link")
        {
            continue;
        }
        let Some(Object::Dictionary(action)) = a.get(b"A").ok().map(|o| deref(doc, o)) else {
            continue;
        };
        let is_uri = match action.get(b"S").map(|o| deref(doc, o)) {
            Ok(Object::Name(n)) => n == b"URI",
            _ => action.has(b"URI"),
        };
        if !is_uri {
            continue;
        }
        let uri = match action.get(b"URI").map(|o| deref(doc, o)) {
            Ok(Object::String(s, _)) => pdf_string(s),
            Ok(Object::Name(n)) => pdf_string(n),
            _ => continue,
        };
        let uri = uri.trim().to_string();
        if uri.is_empty() {
            continue;
        }
        let Ok(Object::Array(r)) = a.get(b"Rect").map(|o| deref(doc, o)) else {
            continue;
        };
        let nums: Vec<f32> = r
            .iter()
            .filter_map(|o| match deref(doc, o) {
                Object::Integer(i) => Some(*i as f32),
                Object::Real(f) => Some(*f),
                _ => None,
            })
            .collect();
        let [x0, y0, x1, y1] = nums
            .get(..4)
            .and_then(|s| <[f32; 4]>::try_from(s).ok())
            .unwrap_or_default();
        let (ax, ay) = to_page.apply(x0, y0);
        let (bx, by) = to_page.apply(x1, y1);
        let rect = Rect {
            x0: ax.min(bx),
            y0: ay.min(by),
            x1: ax.max(bx),
            y1: ay.max(by),
        };
        out.push(Link { rect, uri });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings() {
        assert_eq!(pdf_string(b"http://a.cn/x"), "http://a.cn/x");
        assert_eq!(pdf_string(b"\xfe\xff\x00h\x4e\x2d"), "h中");
    }
}
