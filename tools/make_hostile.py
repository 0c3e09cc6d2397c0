#!/usr/bin/env python3
"""Writes the hostile PDFs of fixtures/hostile/ (deterministically: same bytes on every run).

Usage: python3 tools/make_hostile.py [OUT_DIR]      (default: fixtures/hostile next to this script)

Each file attacks one resource: decompression bombs (one layer, two nested /FlateDecode layers,
one stream referenced many times, an object stream), reference cycles (/Contents, /Kids), page-tree
loops and DAGs, 10,000-deep nesting (in the file syntax, in a content stream, in an object stream),
Form XObjects that draw themselves or each other exponentially, huge CMap ranges, absurd xref
sizes. Where a page should still be readable it also carries a few lines of real (CJK) text, drawn
with a non-embedded STSong-Light through the predefined UniGB-UCS2-H CMap, so the expectation can
say "a document" rather than "an error". The expectations (`*.expected-error.txt`,
`*.expected.json`) are written by hand / from a reviewed run, not by this script.

Only the Python standard library is used. zlib's output for the same input and level is stable
across zlib versions in practice; the bombs are built from flushed blocks so they do not depend on
compressing gigabytes (the script runs in about a second).
"""

import os
import re
import struct
import sys
import zlib

HEADER = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"


def stream(data, extra=b""):
    """A stream object body: dictionary with /Length, then the raw data."""
    return b"<< /Length %d %s>>\nstream\n%s\nendstream" % (len(data), extra, data)


def build(objs, root=1, version=b"1.4", trailer_extra=b"", size=None):
    """A classic PDF: objects in number order, an xref table with true offsets, trailer, %%EOF."""
    out = bytearray(HEADER.replace(b"1.4", version))
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objs[num])
    n = max(objs) + 1
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % n
    for i in range(1, n):
        if i in offsets:
            out += b"%010d 00000 n \n" % offsets[i]
        else:
            out += b"0000000000 65535 f \n"
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        size if size is not None else n,
        root,
        trailer_extra,
        xref,
    )
    return bytes(out)


def build_xref_stream(objs, in_objstm, objstm_num, root=1):
    """A PDF 1.5 file whose objects `in_objstm` (num -> body) live in object stream `objstm_num`
    (whose body is passed in `objs` already) and whose xref is a cross-reference stream."""
    out = bytearray(HEADER.replace(b"1.4", b"1.5"))
    offsets = {}
    for num in sorted(objs):
        offsets[num] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (num, objs[num])
    xref_num = max(list(objs) + list(in_objstm)) + 1
    offsets[xref_num] = len(out)
    rows = [b"\x00" + struct.pack(">I", 0) + b"\xff\xff"]
    index_of = {num: i for i, num in enumerate(sorted(in_objstm))}
    for i in range(1, xref_num + 1):
        if i in offsets:
            rows.append(b"\x01" + struct.pack(">I", offsets[i]) + b"\x00\x00")
        elif i in in_objstm:
            rows.append(b"\x02" + struct.pack(">I", objstm_num) + struct.pack(">H", index_of[i]))
        else:
            rows.append(b"\x00" + struct.pack(">I", 0) + b"\xff\xff")
    data = b"".join(rows)
    body = stream(
        data,
        b"/Type /XRef /Size %d /W [1 4 2] /Root %d 0 R " % (xref_num + 1, root),
    )
    out += b"%d 0 obj\n%s\nendobj\n" % (xref_num, body)
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_num]
    return bytes(out)


def objstm(members, extra=b"", filter_data=None):
    """Object stream body holding `members` (num -> body)."""
    head = b""
    body = b""
    for num in sorted(members):
        head += b"%d %d " % (num, len(body))
        body += members[num] + b"\n"
    data = head + body
    dict_extra = b"/Type /ObjStm /N %d /First %d %s" % (len(members), len(head), extra)
    if filter_data is not None:
        return stream(filter_data, dict_extra)
    return stream(data, dict_extra)


# ----------------------------------------------------------------------------------------------
# Text: a tiny bulletin drawn with a predefined CJK CMap, so readable pages have real content.

LINES = [
    "数据治理与流通动态监测报告",
    "2021年第13期",
    "一、政策法规",
    "（一）测试条目：恶意文件仍可读取",
    "10月29日，本页正文在恶意结构旁边仍然可以读出。",
]


def utf16_hex(s):
    return s.encode("utf-16-be").hex().upper().encode()


def text_content(lines=LINES, font=b"/F1", top=760):
    out = b""
    y = top
    for line in lines:
        out += b"BT %s 14 Tf 72 %d Td <%s> Tj ET\n" % (font, y, utf16_hex(line))
        y -= 24
    return out


def cjk_font_objs(font_num):
    """Type0 font `font_num`, its descendant `font_num+1` and descriptor `font_num+2`."""
    return {
        font_num: b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light "
        b"/Encoding /UniGB-UCS2-H /DescendantFonts [%d 0 R] >>" % (font_num + 1),
        font_num + 1: b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> "
        b"/FontDescriptor %d 0 R /DW 1000 >>" % (font_num + 2),
        font_num + 2: b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [0 -200 1000 900] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 80 >>",
    }


def resources(font_num, extra=b""):
    return b"<< /Font << /F1 %d 0 R >> %s>>" % (font_num, extra)


def page(contents, res, parent=2, extra=b""):
    return b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Resources %s /Contents %s %s>>" % (
        parent,
        res,
        contents,
        extra,
    )


def catalog(pages=2):
    return b"<< /Type /Catalog /Pages %d 0 R >>" % pages


# ----------------------------------------------------------------------------------------------
# Deflate bombs, built from identical full-flushed blocks instead of compressing gigabytes.

MB = 1 << 20


def zeros_zlib(megabytes):
    """zlib stream of `megabytes` MiB of zeros (about 1,000:1)."""
    c = zlib.compressobj(9)
    first = c.compress(bytes(MB)) + c.flush(zlib.Z_FULL_FLUSH)
    block = first[2:]  # without the zlib header, every further MiB compresses to the same bytes
    n = megabytes * MB
    adler = ((n % 65521) << 16) | 1  # Adler-32 of n zero bytes: a = 1, b = n mod 65521
    return first + block * (megabytes - 1) + b"\x03\x00" + struct.pack(">I", adler)


def nested_bomb(megabytes):
    """Two FlateDecode layers: `megabytes` MiB of zeros, deflated, deflated again."""
    return zlib.compress(zeros_zlib(megabytes), 9)


# ----------------------------------------------------------------------------------------------
# The files.


def simple_doc(contents_ref_objs, contents=b"4 0 R", page_extra=b"", font_num=10, more=None):
    """Catalog 1, Pages 2, Page 3 with `contents`, CJK font at `font_num`, plus other objects."""
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: page(contents, resources(font_num), extra=page_extra),
    }
    objs.update(cjk_font_objs(font_num))
    objs.update(contents_ref_objs)
    if more:
        objs.update(more)
    return build(objs)


def bomb_flate():
    # One layer: 512 MiB of zeros in ~530 KB, twice the default per-stream cap.
    return simple_doc({4: stream(zeros_zlib(512), b"/Filter /FlateDecode ")})


def bomb_nested():
    # Two layers: 8 GiB of zeros in ~10 KB. The first layer inflates to ~8 MB, the second explodes.
    data = nested_bomb(8192)
    return simple_doc({4: stream(data, b"/Filter [/FlateDecode /FlateDecode] ")})


def bomb_total():
    # One stream that inflates to 200 MiB (under the per-stream cap) drawn 8 times by one page:
    # 1.6 GiB decoded in all, over the per-file budget; a reader that keeps every decoded stream
    # of the page in memory before noticing needs > 1 GB.
    data = nested_bomb(200)
    contents = b"[" + b"4 0 R " * 8 + b"]"
    return simple_doc({4: stream(data, b"/Filter [/FlateDecode /FlateDecode] ")}, contents=contents)


def bomb_pages():
    # 64 pages, each drawing the same 200 MiB stream: 12.5 GiB decoded in all, never more than
    # one page's worth at a time.
    data = nested_bomb(200)
    n = 64
    kids = b" ".join(b"%d 0 R" % (100 + i) for i in range(n))
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n),
        4: stream(data, b"/Filter [/FlateDecode /FlateDecode] "),
    }
    objs.update(cjk_font_objs(10))
    for i in range(n):
        objs[100 + i] = page(b"4 0 R", resources(10))
    return build(objs)


def bomb_objstm():
    # The bomb is an object stream, which lopdf inflates while loading the file.
    members = {3: page(b"4 0 R", resources(10))}
    data = nested_bomb(4096)
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        4: stream(text_content()),
        5: objstm(members, b"/Filter [/FlateDecode /FlateDecode] ", filter_data=data),
    }
    objs.update(cjk_font_objs(10))
    return build_xref_stream(objs, members, 5)


def bomb_objstm_many():
    # Eight object streams that nothing refers to, each inflating to 60 MiB (under the
    # per-stream cap; 480 MiB in all, over the per-file budget), typed `/Obj#53tm` (the name
    # ObjStm, escaped) so that no search of the raw bytes finds them, in a file whose xref offsets
    # are all three bytes off, so that lopdf loads it (and unpacks every object stream) instead of
    # the lazy reader. Thousands of such streams once kept lopdf inflating for minutes.
    data = nested_bomb(60)
    more = {
        20 + i: b"<< /Type /Obj#53tm /N 1 /First 4 /Filter [/FlateDecode /FlateDecode] /Length %d >>"
        b"\nstream\n%s\nendstream" % (len(data), data)
        for i in range(8)
    }
    pdf = simple_doc({4: stream(text_content())}, more=more)
    xref = pdf.rindex(b"\nxref\n") + 1
    head, table = pdf[:xref], pdf[xref:]
    shifted = re.sub(
        rb"(?m)^(\d{10}) 00000 n ", lambda m: b"%010d 00000 n " % (int(m.group(1)) + 3), table
    )
    return head + shifted


def cycle_contents():
    # /Contents [4 0 R 6 0 R]: 4 0 R is a reference to 5 0 R, which is a reference to 4 0 R.
    # The page's other stream (6) has the text.
    return simple_doc(
        {4: b"5 0 R", 5: b"4 0 R", 6: stream(text_content())},
        contents=b"[4 0 R 6 0 R]",
    )


def cycle_contents_only():
    # /Contents 4 0 R, 4 -> 5 -> 4: the page has nothing else.
    return simple_doc({4: b"5 0 R", 5: b"4 0 R"})


def cycle_kids():
    # The root's /Kids is 7 0 R, which is 8 0 R, which is 7 0 R; the page is still an object of
    # the file (found by scanning).
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids 7 0 R /Count 1 >>",
        3: page(b"4 0 R", resources(10)),
        4: stream(text_content()),
        7: b"8 0 R",
        8: b"7 0 R",
    }
    objs.update(cjk_font_objs(10))
    return build(objs)


def page_tree_loop():
    # Root 2 has kids [5 0 R 3 0 R]; 5 is an intermediate /Pages node whose kids are [2 0 R 5 0 R]
    # (its parent and itself). The real page 3 must still be read, once.
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids [5 0 R 3 0 R] /Count 2 >>",
        3: page(b"4 0 R", resources(10)),
        4: stream(text_content()),
        5: b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 5 0 R] /Count 1 >>",
    }
    objs.update(cjk_font_objs(10))
    return build(objs)


def page_tree_dag():
    # 40 levels of /Pages nodes, each listing the next one twice: 2^40 paths to the one page.
    levels = 40
    objs = {1: catalog(100)}
    for i in range(levels):
        nxt = 100 + i + 1 if i + 1 < levels else 3
        objs[100 + i] = b"<< /Type /Pages /Kids [%d 0 R %d 0 R] /Count 2 >>" % (nxt, nxt)
    objs[3] = page(b"4 0 R", resources(10), parent=100 + levels - 1)
    objs[4] = stream(text_content())
    objs.update(cjk_font_objs(10))
    return build(objs)


def deep_array():
    # A 10,000-deep nested array as a page attribute (the file's own syntax, read by lopdf).
    deep = b"[" * 10000 + b"]" * 10000
    return simple_doc({4: stream(text_content())}, page_extra=b"/Junk " + deep + b" ")


def deep_dict():
    # A 10,000-deep nested dictionary as a page attribute.
    deep = b"<< /A " * 10000 + b">> " * 10000
    return simple_doc({4: stream(text_content())}, page_extra=b"/Junk " + deep)


def deep_content():
    # 100,000-deep arrays inside a (compressed) content stream, after the text.
    data = text_content() + b"[" * 100000 + b"]" * 100000 + b" TJ\n" + b"<< " * 100000 + b"\n"
    return simple_doc({4: stream(zlib.compress(data, 9), b"/Filter /FlateDecode ")})


def deep_objstm():
    # A 10,000-deep array inside a compressed object stream: lopdf parses it while loading.
    members = {
        3: page(b"4 0 R", resources(10), extra=b"/Junk " + b"[" * 10000 + b"]" * 10000 + b" "),
    }
    head = b""
    body = b""
    for num in sorted(members):
        head += b"%d %d " % (num, len(body))
        body += members[num] + b"\n"
    packed = zlib.compress(head + body, 9)
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        4: stream(text_content()),
        5: stream(packed, b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode " % len(head)),
    }
    objs.update(cjk_font_objs(10))
    return build_xref_stream(objs, members, 5)


def form_self():
    # Form XObject 6 draws /Fm1, which its own resources name as itself.
    xobj = b"/XObject << /Fm1 6 0 R >> "
    form = stream(
        b"q /Fm1 Do Q\n" + text_content(LINES[3:], top=600),
        b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources %s " % resources(10, xobj),
    )
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: page(b"4 0 R", resources(10, xobj)),
        4: stream(text_content(LINES[:3]) + b"/Fm1 Do\n"),
        6: form,
    }
    objs.update(cjk_font_objs(10))
    return build(objs)


def form_mutual():
    # Forms 6 and 7 draw each other.
    res = b"/Resources << /Font << /F1 10 0 R >> /XObject << /A 6 0 R /B 7 0 R >> >> "
    f = b"/Type /XObject /Subtype /Form /BBox [0 0 595 842] " + res
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 10 0 R >> /XObject << /A 6 0 R /B 7 0 R >> >> /Contents 4 0 R >>",
        4: stream(text_content() + b"/A Do\n"),
        6: stream(b"/B Do\n", f),
        7: stream(b"/A Do\n", f),
    }
    objs.update(cjk_font_objs(10))
    return build(objs)


def form_laughs():
    # "Billion laughs": 12 forms, each drawing the next one 10 times; the last draws a glyph.
    # No cycle and no more than 12 deep, but 10^12 calls.
    levels = 12
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    }
    xo = b" ".join(b"/X%d %d 0 R" % (i, 100 + i) for i in range(levels))
    res = b"<< /Font << /F1 10 0 R >> /XObject << %s >> >>" % xo
    objs[3] = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources %s /Contents 4 0 R >>" % res
    objs[4] = stream(text_content() + b"/X0 Do\n")
    for i in range(levels):
        if i + 1 < levels:
            body = b"/X%d Do " % (i + 1) * 10
        else:
            body = b"BT /F1 1 Tf 0 0 Td <4E00> Tj ET"
        objs[100 + i] = stream(
            body,
            b"/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources %s " % res,
        )
    objs.update(cjk_font_objs(10))
    return build(objs)


def cmap_huge_range():
    # A ToUnicode CMap with a 4-byte codespace and one bfrange over all 2^32 codes, plus a cidrange
    # just as wide: a reader that expands ranges into a table runs out of memory.
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CMapName /Hostile def /CMapType 2 def\n"
        b"1 begincodespacerange <00000000> <FFFFFFFF> endcodespacerange\n"
        b"1 beginbfrange <00000000> <FFFFFFFF> <00004E00> endbfrange\n"
        b"1 begincidrange <00000000> <FFFFFFFF> 1 endcidrange\n"
        b"endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    font = (
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /Identity-H "
        b"/DescendantFonts [11 0 R] /ToUnicode 6 0 R >>"
    )
    content = b"BT /F1 14 Tf 72 760 Td <00000000000000010000000200000003> Tj ET\n" + text_content(
        top=700, font=b"/F2"
    )
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: page(b"4 0 R", b"<< /Font << /F1 20 0 R /F2 10 0 R >> >>"),
        4: stream(content),
        6: stream(cmap),
        20: font,
    }
    objs.update(cjk_font_objs(10))
    return build(objs)


def xref_huge():
    # The xref claims 2^31-1 objects in one subsection and /Size 2147483647; /Prev points at
    # itself. Only the first entries are real.
    body = simple_doc({4: stream(text_content())})
    start = body.rindex(b"\nxref\n") + 1
    end = body.index(b"trailer", start)
    table = body[start:end]
    first_line_end = table.index(b"\n", 5)
    hostile = b"xref\n0 2147483647" + table[first_line_end:]
    out = body[:start] + hostile + body[end:]
    xref_at = start
    return re.sub(rb"/Size \d+ ", b"/Size 2147483647 /Prev %d " % xref_at, out, count=1)


def length_lies():
    # /Length values that lie: huge, negative, and an indirect reference to itself.
    objs = {
        1: catalog(),
        2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        3: page(b"[4 0 R 5 0 R 6 0 R 7 0 R]", resources(10)),
        4: b"<< /Length 99999999999999 >>\nstream\nBT ET\nendstream",
        5: b"<< /Length -40 >>\nstream\nq Q\nendstream",
        6: b"<< /Length 6 0 R >>\nstream\nq Q\nendstream",
        7: stream(text_content()),
    }
    objs.update(cjk_font_objs(10))
    return build(objs)


def many_ops():
    # A content stream of 2,000,000 `q` (graphics-state saves never restored) and 1,000,000 empty
    # strings shown, about 7 MB decoded from 20 KB.
    data = text_content() + b"q " * 2_000_000 + b"BT /F1 12 Tf " + b"<> Tj " * 1_000_000 + b"ET\n"
    return simple_doc({4: stream(zlib.compress(data, 9), b"/Filter /FlateDecode ")})


FILES = {
    "bomb-flate.pdf": bomb_flate,
    "bomb-nested.pdf": bomb_nested,
    "bomb-total.pdf": bomb_total,
    "bomb-pages.pdf": bomb_pages,
    "bomb-objstm.pdf": bomb_objstm,
    "bomb-objstm-many.pdf": bomb_objstm_many,
    "cycle-contents.pdf": cycle_contents,
    "cycle-contents-only.pdf": cycle_contents_only,
    "cycle-kids.pdf": cycle_kids,
    "page-tree-loop.pdf": page_tree_loop,
    "page-tree-dag.pdf": page_tree_dag,
    "deep-array.pdf": deep_array,
    "deep-dict.pdf": deep_dict,
    "deep-content.pdf": deep_content,
    "deep-objstm.pdf": deep_objstm,
    "form-self.pdf": form_self,
    "form-mutual.pdf": form_mutual,
    "form-laughs.pdf": form_laughs,
    "cmap-huge-range.pdf": cmap_huge_range,
    "xref-huge.pdf": xref_huge,
    "length-lies.pdf": length_lies,
    "many-ops.pdf": many_ops,
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "fixtures", "hostile")
    os.makedirs(out_dir, exist_ok=True)
    for name, make in FILES.items():
        data = make()
        with open(os.path.join(out_dir, name), "wb") as f:
            f.write(data)
        print(f"{name:28} {len(data):>9,} bytes")


if __name__ == "__main__":
    main()
