//! Simple-font encodings and glyph names.
//!
//! Takes a one-byte code and a base encoding (Standard, WinAnsi, MacRoman, PDFDoc) or a glyph
//! name from a `/Differences` array, and gives Unicode text. The glyph-name table is a compact
//! subset of the Adobe Glyph List (AGL), which Adobe publishes under the BSD 3-clause licence
//! (Copyright 2002-2019 Adobe, https://github.com/adobe-type-tools/agl-aglfn); only the names that
//! occur in Latin text fonts are kept, and `uniXXXX` / `uXXXXX` names are decoded by rule.

/// A base encoding of a simple font.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaseEncoding {
    Standard,
    WinAnsi,
    MacRoman,
    /// The font's own encoding is unknown (symbolic fonts): only ASCII codes are trusted.
    Builtin,
}

impl BaseEncoding {
    pub(crate) fn from_name(name: &[u8]) -> Option<Self> {
        match name {
            b"WinAnsiEncoding" => Some(BaseEncoding::WinAnsi),
            b"MacRomanEncoding" | b"MacExpertEncoding" => Some(BaseEncoding::MacRoman),
            b"StandardEncoding" => Some(BaseEncoding::Standard),
            _ => None,
        }
    }

    /// The character of `code` in this encoding.
    pub(crate) fn decode(self, code: u8) -> Option<char> {
        match self {
            BaseEncoding::WinAnsi => {
                if code < 0x80 {
                    return ascii(code);
                }
                let buf = [code];
                let (s, _, bad) = encoding_rs::WINDOWS_1252.decode(&buf);
                if bad { None } else { s.chars().next() }
            }
            BaseEncoding::MacRoman => {
                if code < 0x80 {
                    return ascii(code);
                }
                let buf = [code];
                let (s, _, bad) = encoding_rs::MACINTOSH.decode(&buf);
                if bad { None } else { s.chars().next() }
            }
            BaseEncoding::Standard | BaseEncoding::Builtin => standard(code),
        }
    }
}

fn ascii(code: u8) -> Option<char> {
    if (0x20..0x7f).contains(&code) {
        Some(char::from(code))
    } else {
        None
    }
}

/// Adobe StandardEncoding.
fn standard(code: u8) -> Option<char> {
    let c: u32 = match code {
        0x27 => 0x2019,
        0x60 => 0x2018,
        0x20..=0x7e => u32::from(code),
        0xa1 => 0xa1,
        0xa2 => 0xa2,
        0xa3 => 0xa3,
        0xa4 => 0x2044,
        0xa5 => 0xa5,
        0xa6 => 0x192,
        0xa7 => 0xa7,
        0xa8 => 0xa4,
        0xa9 => 0x27,
        0xaa => 0x201c,
        0xab => 0xab,
        0xac => 0x2039,
        0xad => 0x203a,
        0xae => 0xfb01,
        0xaf => 0xfb02,
        0xb1 => 0x2013,
        0xb2 => 0x2020,
        0xb3 => 0x2021,
        0xb4 => 0xb7,
        0xb6 => 0xb6,
        0xb7 => 0x2022,
        0xb8 => 0x201a,
        0xb9 => 0x201e,
        0xba => 0x201d,
        0xbb => 0xbb,
        0xbc => 0x2026,
        0xbd => 0x2030,
        0xbf => 0xbf,
        0xc1 => 0x60,
        0xc2 => 0xb4,
        0xc3 => 0x2c6,
        0xc4 => 0x2dc,
        0xc5 => 0xaf,
        0xc6 => 0x2d8,
        0xc7 => 0x2d9,
        0xc8 => 0xa8,
        0xca => 0x2da,
        0xcb => 0xb8,
        0xcd => 0x2dd,
        0xce => 0x2db,
        0xcf => 0x2c7,
        0xd0 => 0x2014,
        0xe1 => 0xc6,
        0xe3 => 0xaa,
        0xe8 => 0x141,
        0xe9 => 0xd8,
        0xea => 0x152,
        0xeb => 0xba,
        0xf1 => 0xe6,
        0xf5 => 0x131,
        0xf8 => 0x142,
        0xf9 => 0xf8,
        0xfa => 0x153,
        0xfb => 0xdf,
        _ => return None,
    };
    char::from_u32(c)
}

/// AGL subset: (name, code point), sorted by name for binary search.
static GLYPHS: &[(&str, u32)] = &[
    ("A", 0x41),
    ("AE", 0xc6),
    ("Aacute", 0xc1),
    ("Acircumflex", 0xc2),
    ("Adieresis", 0xc4),
    ("Agrave", 0xc0),
    ("Alpha", 0x391),
    ("Aring", 0xc5),
    ("Atilde", 0xc3),
    ("B", 0x42),
    ("Beta", 0x392),
    ("C", 0x43),
    ("Ccedilla", 0xc7),
    ("Chi", 0x3a7),
    ("D", 0x44),
    ("Delta", 0x394),
    ("E", 0x45),
    ("Eacute", 0xc9),
    ("Ecircumflex", 0xca),
    ("Edieresis", 0xcb),
    ("Egrave", 0xc8),
    ("Epsilon", 0x395),
    ("Eta", 0x397),
    ("Eth", 0xd0),
    ("Euro", 0x20ac),
    ("F", 0x46),
    ("G", 0x47),
    ("Gamma", 0x393),
    ("H", 0x48),
    ("I", 0x49),
    ("Iacute", 0xcd),
    ("Icircumflex", 0xce),
    ("Idieresis", 0xcf),
    ("Igrave", 0xcc),
    ("Iota", 0x399),
    ("J", 0x4a),
    ("K", 0x4b),
    ("Kappa", 0x39a),
    ("L", 0x4c),
    ("Lambda", 0x39b),
    ("Lslash", 0x141),
    ("M", 0x4d),
    ("Mu", 0x39c),
    ("N", 0x4e),
    ("Ntilde", 0xd1),
    ("Nu", 0x39d),
    ("O", 0x4f),
    ("OE", 0x152),
    ("Oacute", 0xd3),
    ("Ocircumflex", 0xd4),
    ("Odieresis", 0xd6),
    ("Ograve", 0xd2),
    ("Omega", 0x3a9),
    ("Omicron", 0x39f),
    ("Oslash", 0xd8),
    ("Otilde", 0xd5),
    ("P", 0x50),
    ("Phi", 0x3a6),
    ("Pi", 0x3a0),
    ("Psi", 0x3a8),
    ("Q", 0x51),
    ("R", 0x52),
    ("Rho", 0x3a1),
    ("S", 0x53),
    ("Scaron", 0x160),
    ("Sigma", 0x3a3),
    ("T", 0x54),
    ("Tau", 0x3a4),
    ("Theta", 0x398),
    ("Thorn", 0xde),
    ("U", 0x55),
    ("Uacute", 0xda),
    ("Ucircumflex", 0xdb),
    ("Udieresis", 0xdc),
    ("Ugrave", 0xd9),
    ("Upsilon", 0x3a5),
    ("V", 0x56),
    ("W", 0x57),
    ("X", 0x58),
    ("Xi", 0x39e),
    ("Y", 0x59),
    ("Yacute", 0xdd),
    ("Ydieresis", 0x178),
    ("Z", 0x5a),
    ("Zcaron", 0x17d),
    ("Zeta", 0x396),
    ("a", 0x61),
    ("aacute", 0xe1),
    ("acircumflex", 0xe2),
    ("acute", 0xb4),
    ("adieresis", 0xe4),
    ("ae", 0xe6),
    ("agrave", 0xe0),
    ("alpha", 0x3b1),
    ("ampersand", 0x26),
    ("aring", 0xe5),
    ("arrowdown", 0x2193),
    ("arrowleft", 0x2190),
    ("arrowright", 0x2192),
    ("arrowup", 0x2191),
    ("asciicircum", 0x5e),
    ("asciitilde", 0x7e),
    ("asterisk", 0x2a),
    ("at", 0x40),
    ("atilde", 0xe3),
    ("b", 0x62),
    ("backslash", 0x5c),
    ("bar", 0x7c),
    ("beta", 0x3b2),
    ("braceleft", 0x7b),
    ("braceright", 0x7d),
    ("bracketleft", 0x5b),
    ("bracketright", 0x5d),
    ("breve", 0x2d8),
    ("brokenbar", 0xa6),
    ("bullet", 0x2022),
    ("c", 0x63),
    ("caron", 0x2c7),
    ("ccedilla", 0xe7),
    ("cedilla", 0xb8),
    ("cent", 0xa2),
    ("chi", 0x3c7),
    ("circumflex", 0x2c6),
    ("colon", 0x3a),
    ("comma", 0x2c),
    ("copyright", 0xa9),
    ("currency", 0xa4),
    ("d", 0x64),
    ("dagger", 0x2020),
    ("daggerdbl", 0x2021),
    ("degree", 0xb0),
    ("delta", 0x3b4),
    ("dieresis", 0xa8),
    ("divide", 0xf7),
    ("dollar", 0x24),
    ("dotaccent", 0x2d9),
    ("dotlessi", 0x131),
    ("e", 0x65),
    ("eacute", 0xe9),
    ("ecircumflex", 0xea),
    ("edieresis", 0xeb),
    ("egrave", 0xe8),
    ("eight", 0x38),
    ("ellipsis", 0x2026),
    ("emdash", 0x2014),
    ("endash", 0x2013),
    ("epsilon", 0x3b5),
    ("equal", 0x3d),
    ("eta", 0x3b7),
    ("eth", 0xf0),
    ("exclam", 0x21),
    ("exclamdown", 0xa1),
    ("f", 0x66),
    ("ff", 0xfb00),
    ("ffi", 0xfb03),
    ("ffl", 0xfb04),
    ("fi", 0xfb01),
    ("five", 0x35),
    ("fl", 0xfb02),
    ("florin", 0x192),
    ("four", 0x34),
    ("fraction", 0x2044),
    ("g", 0x67),
    ("gamma", 0x3b3),
    ("germandbls", 0xdf),
    ("grave", 0x60),
    ("greater", 0x3e),
    ("greaterequal", 0x2265),
    ("guillemotleft", 0xab),
    ("guillemotright", 0xbb),
    ("guilsinglleft", 0x2039),
    ("guilsinglright", 0x203a),
    ("h", 0x68),
    ("hungarumlaut", 0x2dd),
    ("hyphen", 0x2d),
    ("i", 0x69),
    ("iacute", 0xed),
    ("icircumflex", 0xee),
    ("idieresis", 0xef),
    ("igrave", 0xec),
    ("infinity", 0x221e),
    ("iota", 0x3b9),
    ("j", 0x6a),
    ("k", 0x6b),
    ("kappa", 0x3ba),
    ("l", 0x6c),
    ("lambda", 0x3bb),
    ("less", 0x3c),
    ("lessequal", 0x2264),
    ("logicalnot", 0xac),
    ("lslash", 0x142),
    ("m", 0x6d),
    ("macron", 0xaf),
    ("minus", 0x2212),
    ("mu", 0x3bc),
    ("multiply", 0xd7),
    ("n", 0x6e),
    ("nbspace", 0xa0),
    ("nine", 0x39),
    ("notequal", 0x2260),
    ("ntilde", 0xf1),
    ("nu", 0x3bd),
    ("numbersign", 0x23),
    ("o", 0x6f),
    ("oacute", 0xf3),
    ("ocircumflex", 0xf4),
    ("odieresis", 0xf6),
    ("oe", 0x153),
    ("ogonek", 0x2db),
    ("ograve", 0xf2),
    ("omega", 0x3c9),
    ("omicron", 0x3bf),
    ("one", 0x31),
    ("onehalf", 0xbd),
    ("onequarter", 0xbc),
    ("onesuperior", 0xb9),
    ("ordfeminine", 0xaa),
    ("ordmasculine", 0xba),
    ("oslash", 0xf8),
    ("otilde", 0xf5),
    ("p", 0x70),
    ("paragraph", 0xb6),
    ("parenleft", 0x28),
    ("parenright", 0x29),
    ("percent", 0x25),
    ("period", 0x2e),
    ("periodcentered", 0xb7),
    ("perthousand", 0x2030),
    ("phi", 0x3c6),
    ("pi", 0x3c0),
    ("plus", 0x2b),
    ("plusminus", 0xb1),
    ("psi", 0x3c8),
    ("q", 0x71),
    ("question", 0x3f),
    ("questiondown", 0xbf),
    ("quotedbl", 0x22),
    ("quotedblbase", 0x201e),
    ("quotedblleft", 0x201c),
    ("quotedblright", 0x201d),
    ("quoteleft", 0x2018),
    ("quoteright", 0x2019),
    ("quotesinglbase", 0x201a),
    ("quotesingle", 0x27),
    ("r", 0x72),
    ("registered", 0xae),
    ("rho", 0x3c1),
    ("ring", 0x2da),
    ("s", 0x73),
    ("scaron", 0x161),
    ("section", 0xa7),
    ("semicolon", 0x3b),
    ("seven", 0x37),
    ("sigma", 0x3c3),
    ("six", 0x36),
    ("slash", 0x2f),
    ("space", 0x20),
    ("sterling", 0xa3),
    ("t", 0x74),
    ("tau", 0x3c4),
    ("theta", 0x3b8),
    ("thorn", 0xfe),
    ("three", 0x33),
    ("threequarters", 0xbe),
    ("threesuperior", 0xb3),
    ("tilde", 0x2dc),
    ("trademark", 0x2122),
    ("two", 0x32),
    ("twosuperior", 0xb2),
    ("u", 0x75),
    ("uacute", 0xfa),
    ("ucircumflex", 0xfb),
    ("udieresis", 0xfc),
    ("ugrave", 0xf9),
    ("underscore", 0x5f),
    ("upsilon", 0x3c5),
    ("v", 0x76),
    ("w", 0x77),
    ("x", 0x78),
    ("xi", 0x3be),
    ("y", 0x79),
    ("yacute", 0xfd),
    ("ydieresis", 0xff),
    ("yen", 0xa5),
    ("z", 0x7a),
    ("zcaron", 0x17e),
    ("zero", 0x30),
    ("zeta", 0x3b6),
];

/// Unicode text of a glyph name: AGL subset, `uniXXXX[XXXX…]`, `uXXXX[X[X]]`, and the
/// `name.suffix` / `a_b` ligature forms of the AGL specification.
pub(crate) fn glyph_name_to_unicode(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?;
    // Variants such as "a.sc" name the same character as "a".
    let base = name.split('.').next().unwrap_or(name);
    if base.is_empty() {
        return None;
    }
    if base.contains('_') {
        let mut s = String::new();
        for part in base.split('_') {
            s.push_str(&glyph_name_to_unicode(part.as_bytes())?);
        }
        return Some(s);
    }
    if let Ok(i) = GLYPHS.binary_search_by(|(n, _)| (*n).cmp(base)) {
        return GLYPHS
            .get(i)
            .and_then(|&(_, c)| char::from_u32(c))
            .map(String::from);
    }
    if let Some(hex) = base.strip_prefix("uni")
        && hex.len() >= 4
        && hex.len() % 4 == 0
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        let mut units = Vec::with_capacity(hex.len() / 4);
        for i in (0..hex.len()).step_by(4) {
            units.push(u16::from_str_radix(hex.get(i..i + 4)?, 16).ok()?);
        }
        let s: String = char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok()?;
        return Some(s);
    }
    if let Some(hex) = base.strip_prefix('u')
        && (4..=6).contains(&hex.len())
        && hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return char::from_u32(u32::from_str_radix(hex, 16).ok()?).map(String::from);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted() {
        assert!(GLYPHS.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn glyph_names() {
        assert_eq!(
            glyph_name_to_unicode(b"quotedblleft").as_deref(),
            Some("\u{201c}")
        );
        assert_eq!(glyph_name_to_unicode(b"uni4E2D").as_deref(), Some("中"));
        assert_eq!(
            glyph_name_to_unicode(b"uni4E2D6587").as_deref(),
            Some("中文")
        );
        assert_eq!(
            glyph_name_to_unicode(b"u20BB7").as_deref(),
            Some("\u{20bb7}")
        );
        assert_eq!(glyph_name_to_unicode(b"f_i").as_deref(), Some("fi"));
        assert_eq!(glyph_name_to_unicode(b"a.sc").as_deref(), Some("a"));
        assert_eq!(glyph_name_to_unicode(b"g123"), None);
    }

    #[test]
    fn base_encodings() {
        assert_eq!(BaseEncoding::WinAnsi.decode(0x93), Some('\u{201c}'));
        assert_eq!(BaseEncoding::MacRoman.decode(0xd2), Some('\u{201c}'));
        assert_eq!(BaseEncoding::Standard.decode(0x27), Some('\u{2019}'));
        assert_eq!(BaseEncoding::Standard.decode(0x41), Some('A'));
    }
}
