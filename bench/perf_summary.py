"""bench/perf_summary.py — summarises `perf script -F comm,tid,period,ip,sym` output (stdin) of a
`perf record --call-graph dwarf` run of bulletin: share of samples per pipeline stage, inclusive
share of the functions that matter, the top self-cost functions, and who calls the regex engine,
the allocator and Unicode normalisation. Used by bench/profile.sh; plain Python 3, no packages."""

import collections
import re
import sys

# (stage, pattern on the de-generified frame): the outermost matching frame of a sample names its
# stage; earlier rows win when frames of several rows are on one stack.
STAGES = [
    ("read", r"^bulletin::input::Input::(read|from_bytes)"),
    ("extract", r"^bulletin::extract::"),
    ("clean", r"^bulletin::clean::"),
    ("structure", r"^bulletin::structure::"),
    ("entries", r"^bulletin::(assemble|entries::|checks::|capture::)"),
    ("validate", r"^(serde_json::value::ser::to_value|serde_json::value::to_value|bulletin::validate::)"),
    ("write", r"^bulletin::(emit::|sinks::)"),
]

# Inclusive share of these (each counted once per sample).
FUNCTIONS = [
    ("bulletin_pdf::extract (whole PDF extractor)", r"^bulletin_pdf::extract$"),
    ("  bulletin_pdf::document::load (lopdf parse)", r"^bulletin_pdf::document::load$"),
    ("    lopdf::reader (parse objects, xref)", r"^lopdf::(reader|parser)"),
    ("  bulletin_pdf::content (content stream interpreter)", r"^bulletin_pdf::content::"),
    ("    bulletin_pdf::lexer", r"^bulletin_pdf::lexer::"),
    ("  bulletin_pdf::fonts (font loading, decoding)", r"^bulletin_pdf::fonts::"),
    ("    ttf_parser", r"^ttf_parser::"),
    ("  bulletin_pdf::cmap", r"^bulletin_pdf::cmap::"),
    ("  bulletin_pdf::filters (inflate etc.)", r"^bulletin_pdf::filters::"),
    ("  miniz_oxide / flate2 (inflate)", r"^(miniz_oxide|flate2)::"),
    ("  bulletin_pdf::layout::lines", r"^bulletin_pdf::layout::"),
    ("  bulletin_pdf::links", r"^bulletin_pdf::links::"),
    ("sha2 (source.sha256)", r"^sha2::"),
    ("regex engine (all callers)", r"^(regex|regex_automata|regex_syntax)::"),
    ("  regex compilation (Regex::new, builders)", r"^(regex::.*::new|regex_automata::.*::(build|compile|Compiler)|regex_syntax::)"),
    ("unicode_normalization (NFKC)", r"^unicode_normalization::"),
    ("serde_json::to_value (Value tree for validation)", r"^serde_json::value::(ser::)?to_value"),
    ("jsonschema validation", r"^jsonschema::"),
    ("  jsonschema compile (validator_for, build)", r"^jsonschema::(compiler|validator_for|options::ValidationOptions::build|.*::compile)"),
    ("serde_json serialisation (to_json)", r"^bulletin::emit::to_json"),
    ("allocator (malloc/free/realloc)", r"^(_int_malloc|_int_free|malloc|cfree|free|realloc|_int_realloc|malloc_consolidate|unlink_chunk.*|__libc_malloc|__libc_free|__libc_realloc|alloc::alloc::)"),
    ("memcpy/memmove", r"^__mem(move|cpy|set)"),
    ("drop_in_place (freeing structures)", r"^core::ptr::drop_in_place"),
    ("kernel", r"^\[k\]"),
]

CALLERS_OF = [
    ("regex engine", r"^(regex|regex_automata|regex_syntax)::"),
    ("allocator", FUNCTIONS[-4][1]),
    ("unicode_normalization", r"^unicode_normalization::"),
]


def degeneric(sym: str) -> str:
    """`a::b<T>::c<U>` → `a::b::c`; `<X as Y>::f` → `X::f`; drops ` (inlined)` and offsets."""
    sym = sym.replace(" (inlined)", "").strip()
    sym = re.sub(r"\+0x[0-9a-f]+$", "", sym)
    m = re.match(r"^<(.+?) as .+?>(::.*)?$", sym)
    if m:
        sym = m.group(1) + (m.group(2) or "")
    out, depth = [], 0
    for ch in sym:
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth = max(0, depth - 1)
        elif depth == 0:
            out.append(ch)
    return re.sub(r"::\{closure#\d+\}|::\{closure_env#\d+\}|::\{impl#\d+\}", "", "".join(out))


def samples(lines):
    """Yields (period, [frames leaf first]) from perf script output."""
    period, frames = None, []
    for line in lines:
        if not line.strip():
            if period is not None:
                yield period, frames
            period, frames = None, []
            continue
        if not line.startswith(("\t", " ")):
            parts = line.split()
            period = int(parts[2]) if len(parts) >= 3 and parts[2].isdigit() else 1
            frames = []
            continue
        parts = line.strip().split(None, 1)
        if len(parts) == 2:
            addr, sym = parts
            kernel = addr.startswith("ffffffff")
            name = degeneric(sym)
            frames.append("[k] " + name if kernel else name)
    if period is not None:
        yield period, frames


def main() -> int:
    stage_re = [(s, re.compile(p)) for s, p in STAGES]
    fn_re = [(s, re.compile(p)) for s, p in FUNCTIONS]
    caller_re = [(s, re.compile(p)) for s, p in CALLERS_OF]
    total = 0
    by_stage = collections.Counter()
    inclusive = collections.Counter()
    self_cost = collections.Counter()
    callers = {name: collections.Counter() for name, _ in CALLERS_OF}
    for period, frames in samples(sys.stdin):
        total += period
        stage = "other (start-up, threads, waiting)"
        for frame in reversed(frames):  # root first: the outermost stage frame wins
            hit = next((s for s, r in stage_re if r.search(frame)), None)
            if hit:
                stage = hit
                break
        if stage.startswith("other") and any(re.match(r"^bulletin::build$", f) for f in frames):
            # Code the compiler inlined into `build` (the stages after extraction), whose own
            # frames the unwinder did not name.
            stage = "clean … validate, inlined into bulletin::build"
        by_stage[stage] += period
        for label, r in fn_re:
            if any(r.search(f) for f in frames):
                inclusive[label] += period
        if frames:
            self_cost[frames[0]] += period
            for name, r in caller_re:
                if r.search(frames[0]):
                    caller = next(
                        (f for f in frames[1:] if re.match(r"^(bulletin|bulletin_pdf)::", f)),
                        "(no bulletin frame)",
                    )
                    callers[name][caller] += period
    if not total:
        print("no samples")
        return 1

    def pct(n):
        return f"{100 * n / total:5.1f} %"

    print(f"samples: {total} (sum of periods)\n")
    print("stage (outermost pipeline frame) | share")
    print("---|---:")
    for stage, n in by_stage.most_common():
        print(f"{stage} | {pct(n)}")
    print("\nfunction (inclusive) | share")
    print("---|---:")
    for label, _ in FUNCTIONS:
        print(f"{label} | {pct(inclusive[label])}")
    print("\ntop self cost | share")
    print("---|---:")
    for sym, n in self_cost.most_common(25):
        print(f"`{sym[:110]}` | {pct(n)}")
    for name, counter in callers.items():
        print(f"\n{name}: nearest bulletin caller | share of all samples")
        print("---|---:")
        for sym, n in counter.most_common(8):
            print(f"`{sym[:110]}` | {pct(n)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
