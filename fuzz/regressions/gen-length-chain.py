#!/usr/bin/env python3
# Writes pdf-length-chain-N.pdf: each content stream's /Length is a reference to the next stream,
# N deep (FINDINGS.md, session 5, N1). python3 gen-length-chain.py 5000 /tmp/chain.pdf
# A page tree root whose /Length... chain: catalog 1, pages 2, page 3 with /Contents 4;
# stream k's /Length is (k+1) 0 R, a stream too, ..., the last one's is an integer.
import sys
n = int(sys.argv[1]); out_path = sys.argv[2]
out = bytearray(b'%PDF-1.4\n'); offs = {}
def obj(num, body):
    offs[num] = len(out); out.extend(b'%d 0 obj\n' % num + body + b'\nendobj\n')
obj(1, b'<< /Type /Catalog /Pages 2 0 R >>')
obj(2, b'<< /Type /Pages /Kids [3 0 R] /Count 1 >>')
obj(3, b'<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>')
for k in range(4, 4 + n):
    obj(k, b'<< /Length %d 0 R >>\nstream\n\nendstream' % (k + 1))
obj(4 + n, b'0')
xref = len(out); size = 5 + n
out.extend(b'xref\n0 %d\n0000000000 65535 f \n' % size)
for k in range(1, size): out.extend(b'%010d 00000 n \n' % offs[k])
out.extend(b'trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n' % (size, xref))
open(out_path, 'wb').write(out)
