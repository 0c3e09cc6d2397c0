#!/usr/bin/env bash
# bench/profile.sh — where bulletin's time goes, beyond bench/run.sh's stage split: records
# `bulletin ingest -j 1 -o DIR` over the bench corpus and over the long file with perf (call graphs
# from DWARF; the release profile keeps line tables), prints bench/perf_summary.py's breakdown and
# the time spent in system calls (strace -c -w), which perf's CPU samples do not show.
# Run `make bench` first (it builds the corpus). Output: bench/profile/ (gitignored).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
target=${CARGO_TARGET_DIR:-$PWD/target}
bin=$target/release/bulletin
out=bench/profile
have() { command -v "$1" >/dev/null 2>&1; }

if [ ! -d bench/corpus/small ] || [ ! -x "$bin" ]; then
    echo "profile.sh: run 'make bench' first (it builds $bin and bench/corpus/)" >&2
    exit 1
fi
if ! have perf && [ "$(id -u)" = 0 ] && have apt-get; then
    apt-get install -y -qq linux-perf >/dev/null 2>&1 || true
fi
if ! have perf; then
    echo "profile.sh: perf is not installed (apt package linux-perf); alternative:" >&2
    echo "  valgrind --tool=callgrind $bin ingest -q -j 1 -o /tmp/x bench/corpus/long" >&2
    exit 1
fi
mkdir -p "$out"
for set in small long; do
    rm -rf "$out/out-$set"
    perf record -q -o "$out/perf-$set.data" -F 4999 --call-graph dwarf,32768 -- \
        "$bin" ingest -q -j 1 -o "$out/out-$set" "bench/corpus/$set"
    perf script -i "$out/perf-$set.data" -F comm,tid,period,ip,sym 2>/dev/null |
        python3 bench/perf_summary.py >"$out/summary-$set.md"
    echo "== bench/corpus/$set: CPU profile ($out/summary-$set.md)"
    cat "$out/summary-$set.md"
    echo
done
if have strace; then
    rm -rf "$out/out-small"
    strace -f -c -w -o "$out/syscalls-small.txt" \
        "$bin" ingest -q -j 1 -o "$out/out-small" bench/corpus/small
    echo "== bench/corpus/small: wall time in system calls, all threads ($out/syscalls-small.txt)"
    head -n 12 "$out/syscalls-small.txt"
else
    echo "(strace not installed: no system-call times)"
fi
