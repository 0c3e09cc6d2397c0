"""bench/pymupdf_text.py DIR OUT — PyMuPDF's page.get_text() over every PDF of DIR in this one
process, writing OUT/<name>.txt. Prints `pymupdf files=N pages=P loop_seconds=S` on stderr (the
loop alone, without interpreter start-up and import).

PyMuPDF 2.x imports its optional add-ons (pymupdf.layout with onnxruntime, pymupdf4llm) eagerly,
which costs about a second before the first page and none of which get_text() uses; they are
blocked here so that the number is the one for PyMuPDF's core text extraction, as in 1.2x."""

import pathlib
import sys
import time

for addon in ("pymupdf.layout", "pymupdf4llm"):
    sys.modules[addon] = None  # makes `import addon` raise ImportError, which PyMuPDF tolerates

try:
    import pymupdf
except ImportError:
    import fitz as pymupdf  # PyMuPDF < 1.24


def main() -> int:
    if hasattr(pymupdf, "TOOLS"):
        pymupdf.TOOLS.mupdf_display_errors(False)  # a broken font or object is not the bench's news
    src, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    files = pages = failed = 0
    for path in sorted(src.glob("*.pdf")):
        try:
            with pymupdf.open(path) as doc:
                if doc.needs_pass:
                    raise ValueError("encrypted")
                text = "".join(page.get_text() for page in doc)
                pages += doc.page_count
        except Exception as e:  # noqa: BLE001 - a bad file is reported, the others go on
            print(f"pymupdf: {path}: {e}", file=sys.stderr)
            failed += 1
            continue
        (out / (path.stem + ".txt")).write_text(text, encoding="utf-8")
        files += 1
    seconds = time.perf_counter() - started
    print(
        f"pymupdf files={files} pages={pages} loop_seconds={seconds:.4f} failed={failed}",
        file=sys.stderr,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
