#!/usr/bin/env python3
"""Writes the lazy-objstm-bomb-*.pdf reproducers (fuzz/FINDINGS.md, "Lazy reader, second round").

Usage: gen-objstm-bomb.py KIND FILE, KIND one of non-zlib-header, far-filter, escaped-type, ascii85.

Each file is a sound one-page PDF plus an object stream (object 4) that nothing refers to, whose
data decodes (with lopdf's decoder) to 65 MiB, over the extractor's 64 MiB per-stream limit:
lopdf refuses the whole file (`Error::Decompress(MemoryLimitExceeded)`), but the extractor's
raw-byte object-stream check misses it, and the lazy reader never looks at the stream.
"""
import base64
import sys
import zlib

kind, path = sys.argv[1], sys.argv[2]
inner = zlib.compress(b"\0" * (65 << 20), 9)  # 65 MiB of zeros, ~65 KB
if kind == "non-zlib-header":
    # Outer layer: raw deflate behind two bytes that are no zlib header. lopdf's FlateDecode
    # falls back to raw deflate from byte 2; the check inflates raw deflate from byte 0.
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = b"\x06\x00" + co.compress(inner) + co.flush()
    d = b"<< /Type /ObjStm /N 1 /First 4 /Filter [/FlateDecode /FlateDecode] /Length %d >>"
elif kind == "far-filter":
    # /Filter more than 256 bytes before /ObjStm: the check counts no Flate layer.
    data = zlib.compress(inner, 9)
    d = b"<< /Filter [/FlateDecode /FlateDecode] /Pad (" + b"x" * 300 + b") /Type /ObjStm /N 1 /First 4 /Length %d >>"
elif kind == "escaped-type":
    # /Obj#53tm is the name ObjStm; the check searches the raw bytes for "/ObjStm".
    data = zlib.compress(inner, 9)
    d = b"<< /Type /Obj#53tm /N 1 /First 4 /Filter [/FlateDecode /FlateDecode] /Length %d >>"
elif kind == "ascii85":
    # A non-Flate filter first: the check inflates the ASCII85 text, which fails at once.
    data = base64.a85encode(zlib.compress(inner, 9)) + b"~>"
    d = b"<< /Type /ObjStm /N 1 /First 4 /Filter [/ASCII85Decode /FlateDecode /FlateDecode] /Length %d >>"
else:
    sys.exit(f"unknown kind {kind}")
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    (d % len(data)) + b"\nstream\n" + data + b"\nendstream",
]
out = b"%PDF-1.5\n"
offsets = []
for i, o in enumerate(objs):
    offsets.append(len(out))
    out += b"%d 0 obj\n" % (i + 1) + o + b"\nendobj\n"
xref = len(out)
out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
for o in offsets:
    out += b"%010d 00000 n \n" % o
out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
open(path, "wb").write(out)
