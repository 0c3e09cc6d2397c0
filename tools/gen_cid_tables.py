#!/usr/bin/env python3
"""Generate the CID -> Unicode tables of crates/bulletin-pdf/data/ from Adobe's CMaps.

Usage:
    python3 tools/gen_cid_tables.py [CMAP_DIR] [--out OUT_DIR]

CMAP_DIR defaults to /usr/share/poppler/cMap (Debian/Ubuntu package
poppler-data), which holds Adobe's CMap resources under one folder per
character collection (Adobe-GB1/, Adobe-CNS1/, Adobe-Japan1/, Adobe-Korea1/).
Only those Adobe CMaps (BSD-3-Clause, see
crates/bulletin-pdf/data/LICENSE-Adobe-CMaps.txt) are read; nothing from
poppler-data's cidToUnicode/ folder (GPL-2) is used.

Sources, per collection X:

* Primary: Adobe-X-UCS2 (falling back to Adobe-X-UTF16, then Adobe-X-UTF32
  if missing). These are CMapType 2 (ToUnicode-style) CMaps mapping
  CID -> UTF-16BE through bfchar / bfrange sections, i.e. already in the
  CID -> Unicode direction.
* Gap filling: the Unicode -> CID CMap UniX-UTF32-H (falling back to
  UniX-UTF16-H, then UniX-UCS2-H), inverted, used only for CIDs the primary
  file leaves unmapped. When several code points map to one CID the
  representative is chosen by `rank()` below (CJK Unified Ideographs first,
  then other BMP, then supplementary planes, then compatibility ideographs,
  then Private Use; lowest code point within a class).

A destination made of several code points is reduced to its first code
point when all the following ones are combining marks or variation
selectors (e.g. U+9DBF U+E0101 -> U+9DBF, U+304B U+309A -> U+304B);
other sequences (e.g. "(A)", "2/7", "XIII") are dropped (left unmapped).

Output: one file per collection, OUT_DIR/Adobe-X.cidu, a flat little-endian
u32 array indexed by CID holding the Unicode scalar value, 0 = unmapped; its
length is (highest mapped CID + 1) * 4 bytes. A provenance summary goes to
OUT_DIR/SOURCES.txt and the Adobe licence notices of the CMaps read to
OUT_DIR/LICENSE-Adobe-CMaps.txt. The output is deterministic (no timestamps, sorted
iteration).
"""

import argparse
import os
import re
import sys
import unicodedata

# (collection folder suffix, output name, Uni* CMap prefix)
COLLECTIONS = [
    ("GB1", "UniGB"),
    ("CNS1", "UniCNS"),
    ("Japan1", "UniJIS"),
    ("Korea1", "UniKS"),
]

PRIMARY_SUFFIXES = ["UCS2", "UTF16", "UTF32"]
SECONDARY_SUFFIXES = ["UTF32-H", "UTF16-H", "UCS2-H"]

TOKEN_RE = re.compile(
    rb"<([0-9A-Fa-f\s]*)>"  # hex string
    rb"|(\[)|(\])"  # array delimiters
    rb"|\(([^)]*)\)"  # literal string (only in headers; no nesting needed)
    rb"|(/[^\s<>\[\]/()%{}]*)"  # name
    rb"|([^\s<>\[\]/()%{}]+)"  # number or keyword
    rb"|([{}])"  # procedure delimiters
)
COMMENT_RE = re.compile(rb"%[^\r\n]*")


def tokenize(path):
    """Yield (kind, value) tokens of a CMap file, comments removed."""
    with open(path, "rb") as f:
        data = f.read()
    data = COMMENT_RE.sub(b"", data)
    for m in TOKEN_RE.finditer(data):
        if m.group(1) is not None:
            digits = re.sub(rb"\s", b"", m.group(1))
            if len(digits) % 2:
                digits += b"0"
            yield ("hex", bytes.fromhex(digits.decode("ascii")))
        elif m.group(2):
            yield ("[", None)
        elif m.group(3):
            yield ("]", None)
        elif m.group(4) is not None:
            yield ("str", m.group(4))
        elif m.group(5):
            yield ("name", m.group(5))
        elif m.group(6):
            yield ("kw", m.group(6))
        else:
            yield ("kw", m.group(7))


def parse_cmap(path):
    """Parse the mapping sections of a CMap.

    Returns (bf, cid, info): bf is a list of (code_bytes, dest) from
    bfchar/bfrange, dest being bytes (UTF-16BE) or None for name
    destinations; cid is a list of (code_bytes, cid) from cidchar/cidrange;
    info holds /CMapName and /CMapVersion when present.
    """
    toks = list(tokenize(path))
    bf = []
    cid = []
    info = {}
    n = len(toks)
    i = 0

    def hexval(k):
        if k >= n or toks[k][0] != "hex":
            raise ValueError(f"{path}: expected hex string at token {k}")
        return toks[k][1]

    def intval(k):
        if k >= n or toks[k][0] != "kw":
            raise ValueError(f"{path}: expected integer at token {k}")
        return int(toks[k][1])

    def code_range(lo, hi):
        if len(lo) != len(hi):
            raise ValueError(f"{path}: range bounds of unequal length")
        a = int.from_bytes(lo, "big")
        b = int.from_bytes(hi, "big")
        return [(a + k).to_bytes(len(lo), "big") for k in range(b - a + 1)]

    while i < n:
        kind, val = toks[i]
        if kind == "name" and val in (b"/CMapName", b"/CMapVersion") and i + 1 < n:
            info[val[1:].decode()] = toks[i + 1][1].decode("latin-1")
            i += 2
            continue
        if kind == "kw" and val == b"usecmap":
            print(f"warning: {path} uses usecmap, which is ignored", file=sys.stderr)
        if kind != "kw":
            i += 1
            continue
        if val == b"beginbfchar":
            i += 1
            while toks[i] != ("kw", b"endbfchar"):
                src = hexval(i)
                dkind, dval = toks[i + 1]
                bf.append((src, dval if dkind == "hex" else None))
                i += 2
        elif val == b"beginbfrange":
            i += 1
            while toks[i] != ("kw", b"endbfrange"):
                codes = code_range(hexval(i), hexval(i + 1))
                if toks[i + 2][0] == "[":
                    j = i + 3
                    dests = []
                    while toks[j][0] != "]":
                        dests.append(toks[j][1] if toks[j][0] == "hex" else None)
                        j += 1
                    for code, dest in zip(codes, dests):
                        bf.append((code, dest))
                    i = j + 1
                else:
                    base = hexval(i + 2)
                    # PDF/CMap rule: the last byte of the destination is
                    # incremented; compute on the last UTF-16 unit so that a
                    # surrogate pair's low half steps as expected.
                    if len(base) >= 2:
                        head, last = base[:-2], int.from_bytes(base[-2:], "big")
                        for k, code in enumerate(codes):
                            unit = last + k
                            bf.append((code, head + unit.to_bytes(2, "big") if unit <= 0xFFFF else None))
                    i += 3
        elif val == b"begincidchar":
            i += 1
            while toks[i] != ("kw", b"endcidchar"):
                cid.append((hexval(i), intval(i + 1)))
                i += 2
        elif val == b"begincidrange":
            i += 1
            while toks[i] != ("kw", b"endcidrange"):
                first = intval(i + 2)
                for k, code in enumerate(code_range(hexval(i), hexval(i + 1))):
                    cid.append((code, first + k))
                i += 3
        else:
            i += 1
            continue
        i += 1  # skip the end* keyword
    return bf, cid, info


def decode_utf16(raw):
    """UTF-16BE bytes -> list of code points, or None if malformed."""
    if raw is None or len(raw) % 2 or not raw:
        return None
    try:
        s = raw.decode("utf-16-be")
    except UnicodeDecodeError:
        return None
    return [ord(c) for c in s]


def is_combining(cp):
    return unicodedata.category(chr(cp)) in ("Mn", "Mc", "Me")


def representative(cps):
    """One code point for a destination sequence, or None to drop it."""
    if not cps:
        return None
    if all(is_combining(c) for c in cps[1:]):
        cp = cps[0]
        if cp == 0 or 0xD800 <= cp <= 0xDFFF:
            return None
        return cp
    return None


def is_pua(cp):
    return 0xE000 <= cp <= 0xF8FF or 0xF0000 <= cp <= 0x10FFFF


def is_compat_ideograph(cp):
    return 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F


def rank(cp):
    """Sort key: lower is a better representative of a CID."""
    if 0x4E00 <= cp <= 0x9FFF:
        cls = 0  # CJK Unified Ideographs (BMP)
    elif is_pua(cp):
        cls = 4
    elif is_compat_ideograph(cp):
        cls = 3
    elif cp <= 0xFFFF:
        cls = 1
    else:
        cls = 2
    return (cls, cp)


def copyright_notice(path):
    """The %%Copyright: header lines of a CMap file, prefix removed."""
    lines = []
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("latin-1").rstrip("\r\n")
            if line.startswith("%%Copyright:"):
                text = line[len("%%Copyright:"):]
                lines.append(text[1:] if text.startswith(" ") else text)
            elif line.startswith("%%EndComments"):
                break
    while lines and set(lines[0]) <= {"-", " "}:
        lines.pop(0)
    while lines and set(lines[-1]) <= {"-", " "}:
        lines.pop()
    return [ln.rstrip() for ln in lines]


def licence_text(used):
    """LICENSE-Adobe-CMaps.txt: the notices of the CMap files in `used`."""
    out = [
        "The Adobe-*.cidu files in this folder are generated by tools/gen_cid_tables.py",
        "from the following Adobe CMap resources (Adobe's cmap-resources, as shipped",
        "e.g. by Debian's poppler-data package under /usr/share/poppler/cMap/):",
        "",
    ]
    notices = []  # (normalised body, notice lines)
    for rel, notice in used:
        first = notice[0] if notice else "(no copyright header)"
        out.append(f"  {rel:<32} {first}")
        body = " ".join(" ".join(notice[1:]).split())
        if all(body != b for b, _ in notices):
            notices.append((body, notice))
    out.append("")
    if len(notices) == 1:
        out.append("All of them carry the following notice (BSD-3-Clause), differing only in the")
        out.append("years of the copyright line listed above; reproduced from the first file:")
    else:
        out.append("They carry the following notices (BSD-3-Clause):")
    for _, notice in notices:
        out.append("")
        out.append("-" * 72)
        out.extend(notice)
        out.append("-" * 72)
    return "\n".join(out) + "\n"


def find_file(folder, names):
    for name in names:
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def build(cmap_dir, coll, uni):
    folder = os.path.join(cmap_dir, f"Adobe-{coll}")
    primary = find_file(folder, [f"Adobe-{coll}-{s}" for s in PRIMARY_SUFFIXES])
    secondary = find_file(folder, [f"{uni}-{s}" for s in SECONDARY_SUFFIXES])
    if primary is None and secondary is None:
        raise SystemExit(f"error: no usable CMap for Adobe-{coll} in {folder}")

    table = {}  # cid -> code point
    stats = {"primary_entries": 0, "dropped_sequences": 0, "gap_filled": 0}
    sources = []

    if primary is not None:
        bf, _, info = parse_cmap(primary)
        sources.append((primary, info))
        for code, dest in bf:
            c = int.from_bytes(code, "big")
            cps = decode_utf16(dest)
            stats["primary_entries"] += 1
            cp = representative(cps) if cps else None
            if cp is None:
                stats["dropped_sequences"] += 1
                continue
            old = table.get(c)
            if old is None or rank(cp) < rank(old):
                table[c] = cp

    if secondary is not None:
        _, cids, info = parse_cmap(secondary)
        sources.append((secondary, info))
        utf32 = secondary.endswith("UTF32-H")
        candidates = {}
        for code, c in cids:
            if utf32:
                cp = int.from_bytes(code, "big")
            else:
                cps = decode_utf16(code)
                if not cps or len(cps) != 1:
                    continue
                cp = cps[0]
            if cp == 0 or cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
                continue
            old = candidates.get(c)
            if old is None or rank(cp) < rank(old):
                candidates[c] = cp
        for c in sorted(candidates):
            if c not in table:
                table[c] = candidates[c]
                stats["gap_filled"] += 1

    return table, sources, stats


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    default_out = os.path.normpath(os.path.join(here, "..", "crates", "bulletin-pdf", "data"))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cmap_dir", nargs="?", default="/usr/share/poppler/cMap",
                    help="folder holding Adobe-GB1/, Adobe-CNS1/, ... (default: %(default)s)")
    ap.add_argument("--out", default=default_out, help="output folder (default: %(default)s)")
    args = ap.parse_args()

    os.makedirs(args.out, exist_ok=True)
    used = []  # (path relative to cmap_dir, copyright notice lines)
    summary = [
        "CID -> Unicode tables generated by tools/gen_cid_tables.py from Adobe CMaps",
        "(BSD-3-Clause, see LICENSE-Adobe-CMaps.txt). Do not edit by hand.",
        "Format: little-endian u32 per CID (index = CID), Unicode scalar value, 0 = unmapped.",
        "",
    ]
    for coll, uni in COLLECTIONS:
        table, sources, stats = build(args.cmap_dir, coll, uni)
        max_cid = max(table) if table else -1
        out = bytearray(4 * (max_cid + 1))
        for c in sorted(table):
            out[4 * c:4 * c + 4] = table[c].to_bytes(4, "little")
        name = f"Adobe-{coll}.cidu"
        with open(os.path.join(args.out, name), "wb") as f:
            f.write(out)
        first = len(summary)
        summary.append(f"{name}: {len(out)} bytes, CIDs 0..{max_cid}, {len(table)} mapped")
        for path, info in sources:
            used.append((os.path.relpath(path, args.cmap_dir), copyright_notice(path)))
            summary.append(
                f"  source: {os.path.basename(path)}"
                f" (CMapVersion {info.get('CMapVersion', '?')})"
            )
        summary.append(
            f"  {stats['primary_entries']} primary entries,"
            f" {stats['dropped_sequences']} multi-code-point sequences dropped,"
            f" {stats['gap_filled']} CIDs filled from the inverted Unicode CMap"
        )
        print("\n".join(summary[first:]), file=sys.stderr)
    with open(os.path.join(args.out, "SOURCES.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write("\n".join(summary) + "\n")
    with open(os.path.join(args.out, "LICENSE-Adobe-CMaps.txt"), "w", encoding="ascii", newline="\n") as f:
        f.write(licence_text(used))


if __name__ == "__main__":
    main()
