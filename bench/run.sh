#!/usr/bin/env bash
# bench/run.sh — `make bench`: bulletin's full pipeline against pdftotext, mutool, PyMuPDF and the
# lopdf floor, on a corpus built from the fixtures; prints a table and writes bench/results.md.
#
# Environment (all optional):
#   BENCH_RUNS=11        timed rounds (median reported; one warm-up round before)
#   BENCH_COPIES=25      copies of each source PDF in the corpus
#   BENCH_PRODUCERS="lo rl gbk chrome gs"   fixtures used: the first <name>.<producer>.pdf of
#                        each under fixtures/ (all good fixture PDFs when none of these exist)
#   BENCH_LONG_PAGES=500 minimum pages of the long synthetic bulletin
#   BENCH_STAGE_RUNS=5   runs of the per-stage split (median per stage)
#   BENCH_INSTALL=1      try apt-get / pip for missing tools (0: never)
#   BENCH_SETTLE=1       on ext4 without a journal, wait until 6 min after the last run's clean-up
#                        before measuring (0: measure at once; the report says so)
#   CARGO_TARGET_DIR     where cargo builds (default: target/)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
runs=${BENCH_RUNS:-11}
copies=${BENCH_COPIES:-25}
producers=${BENCH_PRODUCERS:-lo rl gbk chrome gs}
long_pages=${BENCH_LONG_PAGES:-500}
stage_runs=${BENCH_STAGE_RUNS:-5}
install=${BENCH_INSTALL:-1}
target=${CARGO_TARGET_DIR:-$root/target}
bin=$target/release/bulletin
examples=$target/release/examples
corpus=bench/corpus
small=$corpus/small
long=$corpus/long
work=bench/work
results=bench/results.md
started=$(date +%s)

log() { printf 'bench: %s\n' "$*" >&2; }
have() { command -v "$1" >/dev/null 2>&1; }
# What an earlier run left is moved aside now and deleted after the measurements: on a file system
# that delays reusing freed inodes (ext4 without a journal, as on the machine these figures come
# from), creating files right after deleting thousands costs 3–15× more system time per file, and
# for minutes (creating files beside the freed inodes keeps their inode table dirty, so the kernel
# skips them for up to 5 min; `sync` does not end it). So that the next run does not pay for this
# run's clean-up either, the folders the measured commands write into are marked as tops of
# directory hierarchies (`chattr +T`, ext2/3/4): the kernel then puts each new output folder in a
# block group of its own choosing instead of beside its parent's. That helps less than it seems:
# it prefers groups with many free inodes, which a clean-up has just made (in one run started a
# minute after the last one's clean-up, `-j 2` to disk lost 0.2 against the same run to tmpfs).
# So on such a file system a run started within 6 minutes of the last clean-up waits out the
# rest (BENCH_SETTLE=0: do not wait, and say so in the report).
spread() { mkdir -p "$1" && chattr +T "$1" 2>/dev/null; }
# Whether folder $1 is on ext4 without a journal (the file systems that delay reusing inodes).
ext4_without_journal() {
    local dev
    dev=$(df --output=source "$1" 2>/dev/null | tail -n1) || return 1
    dev=${dev##*/}
    [ -r "/sys/fs/ext4/$dev/journal_task" ] && [ "$(cat "/sys/fs/ext4/$dev/journal_task")" = "<none>" ]
}
settle_until=0
cleanup_note=""
trash=""
if [ -e "$work" ]; then
    if [ -f "$work/cleaned" ]; then
        read -r cleaned_at cleaned_files <"$work/cleaned" || true
        ago=$(($(date +%s) - ${cleaned_at:-0}))
        if ((ago < 365)) && ext4_without_journal "$work"; then
            settle_until=$((${cleaned_at:-0} + 365))
            cleanup_note="the previous run's clean-up deleted ${cleaned_files:-?} files ${ago} s before this run started"
        fi
    fi
    trash=$work.old-$$
    mv "$work" "$trash"
fi
mkdir -p "$work"
spread "$work/out" || true

cleanup() {
    if [ -n "$trash" ]; then
        local deleted
        deleted=$(find "$trash" -type f | wc -l)
        rm -rf "$trash"
        [ ! -d "$work" ] || echo "$(date +%s) $deleted" >"$work/cleaned"
    fi
    rm -rf ${mem:+"$mem"}
}
trap cleanup EXIT
load_at_start=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")

# ---------------------------------------------------------------- tools (installed when possible)
as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif have sudo && sudo -n true 2>/dev/null; then
        sudo -n "$@"
    else
        return 1
    fi
}
apt_updated=0
apt_install() {
    [ "$install" = 1 ] && have apt-get || return 1
    if [ "$apt_updated" = 0 ]; then
        apt_updated=1
        as_root apt-get update -qq >>"$work/install.log" 2>&1 || true
    fi
    log "installing $* (apt-get)"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >>"$work/install.log" 2>&1
}
have_pymupdf() { have python3 && python3 -c 'import pymupdf' >/dev/null 2>&1; }

have pdftotext || apt_install poppler-utils || true
have mutool || apt_install mupdf-tools || true
[ -x /usr/bin/time ] || apt_install time || true
if ! have_pymupdf && [ "$install" = 1 ] && have python3; then
    log "installing pymupdf (pip)"
    python3 -m pip install -q pymupdf >>"$work/install.log" 2>&1 || true
fi
missing=()
have pdftotext || missing+=("pdftotext (apt package poppler-utils)")
have mutool || missing+=("mutool (apt package mupdf-tools)")
have_pymupdf || missing+=("PyMuPDF (pip package pymupdf)")
[ -x /usr/bin/time ] || missing+=("/usr/bin/time (apt package time): no CPU time or peak RSS")
for m in "${missing[@]}"; do log "missing, skipped: $m"; done

# ---------------------------------------------------------------- build
log "building the release binary and the bench examples"
cargo build --release --locked --bin bulletin \
    --example floor --example stage_times --example make_long_pdf

# ---------------------------------------------------------------- corpus
good_pdfs() { # DIR: PDFs expected to convert (no .expected-error.txt beside them; not hostile/)
    find "$1" -name '*.pdf' -type f -not -path '*/hostile/*' | LC_ALL=C sort | while read -r f; do
        [ -e "$f.expected-error.txt" ] || printf '%s\n' "$f"
    done
}
candidates=()
[ -d fixtures ] && mapfile -t candidates < <(good_pdfs fixtures)
if [ "${#candidates[@]}" = 0 ] && [ -d ../shared/corpus/2021-13 ]; then
    log "no PDF under fixtures/ yet; using ../shared/corpus/2021-13"
    mapfile -t candidates < <(good_pdfs ../shared/corpus/2021-13)
fi
if [ "${#candidates[@]}" = 0 ]; then
    log "no fixture PDF found (fixtures/ or ../shared/corpus/2021-13)"
    exit 1
fi
sources=() # the first file (in path order) of each producer
for p in $producers; do
    for f in "${candidates[@]}"; do
        case $(basename "$f") in *."$p".pdf)
            sources+=("$f")
            break
            ;;
        esac
    done
done
[ "${#sources[@]}" -gt 0 ] || sources=("${candidates[@]}")

manifest="copies=$copies long_pages=$long_pages
$(sha256sum "${sources[@]}")"
if [ -f "$corpus/MANIFEST" ] && [ "$(cat "$corpus/MANIFEST")" = "$manifest" ] &&
    [ -f "$long/long.pdf" ]; then
    log "corpus up to date ($corpus)"
else
    log "building the corpus: $copies copies of ${#sources[@]} PDFs, and a ${long_pages}+ page PDF"
    rm -rf "$corpus"
    mkdir -p "$small" "$long"
    for f in "${sources[@]}"; do
        name=$(basename "$f" .pdf)
        for ((i = 1; i <= copies; i++)); do
            cp "$f" "$small/$name-$(printf %03d "$i").pdf"
        done
    done
    "$examples/make_long_pdf" --min-pages "$long_pages" -o "$long/long.pdf" "${sources[@]}" >&2
    printf '%s\n' "$manifest" >"$corpus/MANIFEST"
fi

field() { # KEY LINE: the value of KEY=value in LINE
    printf '%s\n' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n1
}
floor_small=$("$examples/floor" "$small")
floor_long=$("$examples/floor" "$long")
small_files=$(field files "$floor_small")
small_pages=$(field pages "$floor_small")
long_pages_real=$(field pages "$floor_long")
small_mb=$(du -sk "$small" | awk '{printf "%.1f", $1 / 1024}')
long_mb=$(du -sk "$long" | awk '{printf "%.1f", $1 / 1024}')
source_names=$(for f in "${sources[@]}"; do basename "$f" .pdf | sed 's/^[^.]*\.//'; done | paste -sd' ')
log "corpus: $small_files files, $small_pages pages ($small_mb MB); long: $long_pages_real pages ($long_mb MB)"

# ---------------------------------------------------------------- does bulletin work on it?
check_bulletin() { # NAME DIR: runs once, prints "N ok, M failed"
    local out=$work/out/check-$1 err=$work/check-$1.err status=0
    "$bin" ingest -j 2 -o "$out" "$2" 2>"$err" || status=$?
    local summary
    summary=$(grep -Eo '[0-9]+ ok, [0-9]+ failed' "$err" | tail -n1 || true)
    [ -n "$summary" ] || summary="exit $status"
    printf '%s\n' "$summary"
    if [ "$status" != 0 ]; then
        log "bulletin failed on some inputs of $2 ($summary); first errors:"
        grep -v '^bulletin: [0-9]' "$err" | head -n 5 >&2 || true
    fi
}
check_small=$(check_bulletin small "$small")
check_long=$(check_bulletin long "$long")

# ---------------------------------------------------------------- measuring
# Every command runs once per round, all commands in turn, for one warm-up round and $runs timed
# rounds: a burst of load from elsewhere on the machine then falls on every tool alike instead of
# on one tool's consecutive runs. Each run: wall time (date +%s%N), and with /usr/bin/time the
# CPU time (user + system) and peak RSS of the process tree's largest process.
declare -A T=() MIN=() CPU=() RSS=() NOTE=() OUT=()
keys=()
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) exit; print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# add KEY OUTDIR COMMAND...: registers a command that writes into OUTDIR. Every run writes into a
# folder of its own (OUTDIR/r<round>, the argument OUTDIR replaced): nothing is deleted between
# runs, so no run pays for the deletions of the one before (see the comment at the top).
add() {
    local key=$1
    OUT[$key]=$2
    shift 2
    printf '%s\0' "$@" >"$work/cmd-$key"
    keys+=("$key")
    spread "${OUT[$key]}" || true
}

# run_once KEY ROUND: one run; appends "wall cpu rss_kb" to $work/samples-KEY.txt, stderr to
# $work/stderr-KEY.txt
run_once() {
    local key=$1 round=$2 t0 t1 argv=() i
    mapfile -d '' -t argv <"$work/cmd-$key"
    for i in "${!argv[@]}"; do
        [ "${argv[$i]}" != "${OUT[$key]}" ] || argv[i]=${OUT[$key]}/r$round
    done
    mkdir -p "${OUT[$key]}"
    # What the commands before this one wrote is written back now, not while this one runs: the
    # kernel's write-back would take a core from it (and from a -j 2 run, the one it needs).
    sync
    if [ -x /usr/bin/time ]; then
        t0=$(date +%s%N)
        /usr/bin/time -f '%U %S %M' -o "$work/time-$key.txt" "${argv[@]}" \
            >/dev/null 2>"$work/stderr-$key.txt" || true
        t1=$(date +%s%N)
        awk -v w="$(((t1 - t0) / 1000))" '{ printf "%.6f %.2f %d\n", w / 1e6, $(NF - 2) + $(NF - 1), $NF }' \
            "$work/time-$key.txt" | tail -n1 >>"$work/samples-$key.txt"
    else
        t0=$(date +%s%N)
        "${argv[@]}" >/dev/null 2>"$work/stderr-$key.txt" || true
        t1=$(date +%s%N)
        awk -v w="$(((t1 - t0) / 1000))" 'BEGIN { printf "%.6f\n", w / 1e6 }' >>"$work/samples-$key.txt"
    fi
}

# Output on tmpfs as well, where writing costs no disk I/O (and an fsync nothing): what the
# pipeline itself costs and how it scales, apart from the disk.
mem=""
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
    mem=/dev/shm/bulletin-bench-$$
    mkdir -p "$mem"
fi
# The order within a round puts the two commands of each per-round ratio close together (they run
# moments apart, so a slow spell on the machine weighs on both): the long file just before the
# corpus at -j 1, -j 2 just after it, then the floor; the other tools, which take seconds, last.
add bulletin-j1-long "$work/out/j1-long" "$bin" ingest -q -j 1 -o "$work/out/j1-long" "$long"
add bulletin-j1-small "$work/out/j1-small" "$bin" ingest -q -j 1 -o "$work/out/j1-small" "$small"
add bulletin-j2-small "$work/out/j2-small" "$bin" ingest -q -j 2 -o "$work/out/j2-small" "$small"
if [ -n "$mem" ]; then
    add bulletin-j1-mem-small "$mem/j1-small" "$bin" ingest -q -j 1 -o "$mem/j1-small" "$small"
    add bulletin-j2-mem-small "$mem/j2-small" "$bin" ingest -q -j 2 -o "$mem/j2-small" "$small"
fi
add floor-small "$work/out/floor-small" "$examples/floor" "$small"
# The floor's work on two threads: what this machine gives two threads that share nothing.
add floor-j2-small "$work/out/floor-j2-small" "$examples/floor" -j 2 "$small"
add floor-long "$work/out/floor-long" "$examples/floor" "$long"
if [ -n "$mem" ]; then
    add bulletin-j1-mem-long "$mem/j1-long" "$bin" ingest -q -j 1 -o "$mem/j1-long" "$long"
fi
for set in small long; do
    dir=$small
    [ "$set" = long ] && dir=$long
    if have pdftotext; then
        add "pdftotext-$set" "$work/out/pdftotext-$set" bash bench/each.sh pdftotext "$dir" "$work/out/pdftotext-$set"
    fi
    if have mutool; then
        add "mutool-$set" "$work/out/mutool-$set" bash bench/each.sh mutool "$dir" "$work/out/mutool-$set"
    fi
    if have_pymupdf; then
        add "pymupdf-$set" "$work/out/pymupdf-$set" python3 bench/pymupdf_text.py "$dir" "$work/out/pymupdf-$set"
    fi
done

if ((settle_until > 0)); then
    wait_s=$((settle_until - $(date +%s)))
    if ((wait_s > 0)) && [ "${BENCH_SETTLE:-1}" != 0 ]; then
        log "$cleanup_note; waiting ${wait_s} s until the file system reuses those inodes again"
        sleep "$wait_s"
        cleanup_note="$cleanup_note; the run waited ${wait_s} s before measuring"
    elif ((wait_s > 0)); then
        cleanup_note="$cleanup_note; BENCH_SETTLE=0: measured without waiting, files written to disk may cost more than usual"
    else
        cleanup_note=""
    fi
fi
for ((round = 0; round <= runs; round++)); do
    if ((round == 0)); then log "warm-up round"; else log "round $round of $runs"; fi
    for key in "${keys[@]}"; do
        run_once "$key" "$round"
    done
    if ((round == 0)); then
        for key in "${keys[@]}"; do : >"$work/samples-$key.txt"; done
    fi
done
for key in "${keys[@]}"; do
    f=$work/samples-$key.txt
    T[$key]=$(cut -d' ' -f1 "$f" | median)
    MIN[$key]=$(cut -d' ' -f1 "$f" | sort -g | head -n1)
    if [ -x /usr/bin/time ]; then
        CPU[$key]=$(cut -d' ' -f2 "$f" | median)
        RSS[$key]=$(cut -d' ' -f3 "$f" | sort -g | tail -n1)
    fi
done
for set in small long; do
    if [ -f "$work/stderr-pymupdf-$set.txt" ]; then
        line=$(grep '^pymupdf files=' "$work/stderr-pymupdf-$set.txt" || true)
        NOTE[pymupdf-$set]=$(field loop_seconds "$line")
    fi
done

log "per-stage split (stage_times, median of $stage_runs)"
stages_small=$("$examples/stage_times" --repeat "$stage_runs" --out "$work/out/stages-small" "$small" |
    grep '^stages ' || true)
stages_long=$("$examples/stage_times" --repeat "$stage_runs" --out "$work/out/stages-long" "$long" |
    grep '^stages ' || true)
# For the per-page comparison, the stages again with output on tmpfs: a process that sleeps on a
# disk write after every file is favoured by the scheduler on a busy machine, which skews the corpus.
stages_mem_small=$stages_small stages_mem_long=$stages_long
if [ -n "$mem" ]; then
    stages_mem_small=$("$examples/stage_times" --repeat "$stage_runs" --out "$mem/stages-small" "$small" |
        grep '^stages ' || true)
    stages_mem_long=$("$examples/stage_times" --repeat "$stage_runs" --out "$mem/stages-long" "$long" |
        grep '^stages ' || true)
fi

# ---------------------------------------------------------------- report
load_at_end=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo "?")
num() { awk -v x="$1" -v f="$2" 'BEGIN { if (x == "") print "–"; else printf f, x }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print ""; else printf "%.3f", a / b }'; }
per_page() { awk -v t="$1" -v p="$2" 'BEGIN { if (t == "" || p + 0 == 0) print "–"; else printf "%.2f", t * 1000 / p }'; }
mb() { awk -v k="$1" 'BEGIN { if (k == "") print "–"; else printf "%.1f", k * 1024 / 1e6 }'; }
verdict() { # VALUE OP LIMIT
    awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
        if (v == "") { print "n/a"; exit }
        ok = (op == "<=") ? (v <= l) : (op == ">=") ? (v >= l) : (v < l)
        print ok ? "PASS" : "FAIL" }'
}
version() { "$@" 2>&1 | head -n1 | sed 's/ *$//'; }
pdftotext_v=$(have pdftotext && version pdftotext -v | sed 's/.*version //' || echo "")
mutool_v=$(have mutool && version mutool -v | sed 's/.*version //' || echo "")
pymupdf_v=$(have_pymupdf && python3 -c 'import sys; [sys.modules.__setitem__(m, None) for m in ("pymupdf.layout", "pymupdf4llm")]; import pymupdf; print(pymupdf.__version__, "/ MuPDF", pymupdf.mupdf_version)' 2>/dev/null || echo "")
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n1)
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# The report itself does not count: it is rewritten by every run.
[ -z "$(git status --porcelain --untracked-files=no -- . ':!bench/results.md' 2>/dev/null)" ] || commit="$commit (with uncommitted changes)"

row() { # LABEL KEY-PREFIX: one table row, corpus and long
    local s=$2-small l=$2-long
    printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" \
        "$(num "${T[$s]:-}" %.3f)" "$(num "${MIN[$s]:-}" %.3f)" "$(num "${CPU[$s]:-}" %.3f)" \
        "$(per_page "${T[$s]:-}" "$small_pages")" "$(mb "${RSS[$s]:-}")" \
        "$(num "${T[$l]:-}" %.3f)" "$(num "${MIN[$l]:-}" %.3f)" "$(num "${CPU[$l]:-}" %.3f)" \
        "$(per_page "${T[$l]:-}" "$long_pages_real")" "$(mb "${RSS[$l]:-}")"
}
# paired KEY-A KEY-B [SCALE]: the median over rounds of A's wall time / B's in the same round,
# times SCALE. Both ran in the same round, moments apart, so a slow spell on the machine weighs on
# both: steadier than the ratio of the two medians.
paired() {
    local a=$work/samples-$1.txt b=$work/samples-$2.txt
    [ -s "$a" ] && [ -s "$b" ] || return 0
    paste -d' ' <(cut -d' ' -f1 "$a") <(cut -d' ' -f1 "$b") |
        awk -v k="${3:-1}" '$2 > 0 { printf "%.6f\n", k * $1 / $2 }' | median
}
# scaling: the median over rounds of (bulletin -j 1 / -j 2) / (floor / floor -j 2): how much of
# what the machine gave two threads in that round bulletin used.
scaling() {
    local f
    for f in bulletin-j1-small bulletin-j2-small floor-small floor-j2-small; do
        [ -s "$work/samples-$f.txt" ] || return 0
    done
    paste -d' ' <(cut -d' ' -f1 "$work/samples-bulletin-j1-small.txt") \
        <(cut -d' ' -f1 "$work/samples-bulletin-j2-small.txt") \
        <(cut -d' ' -f1 "$work/samples-floor-small.txt") \
        <(cut -d' ' -f1 "$work/samples-floor-j2-small.txt") |
        awk '$2 > 0 && $3 > 0 { printf "%.6f\n", ($1 / $2) / ($3 / $4) }' | median
}
# quotient KEY-A KEY-B ARRAY: A / B from T, MIN or CPU ("" when either is missing)
quotient() {
    local -n values=$3
    ratio "${values[$1]:-}" "${values[$2]:-}"
}
per_page_ratio() { # LONG-SECONDS CORPUS-SECONDS: (long s/page) / (corpus s/page)
    awk -v a="$1" -v p="$long_pages_real" -v b="$2" -v q="$small_pages" \
        'BEGIN { if (a == "" || b == "" || b + 0 == 0 || p + 0 == 0) print ""; else printf "%.3f", (a / p) / (b / q) }'
}
pp_small=$(per_page "${T[bulletin-j1-small]:-}" "$small_pages")
pp_long=$(per_page "${T[bulletin-j1-long]:-}" "$long_pages_real")
# The same without the JSON write (whose cost is per file, not per page): the library's stages.
pipeline() { # STAGES-LINE: total minus write
    awk -v t="$(field total "$1")" -v w="$(field write "$1")" 'BEGIN { if (t != "") printf "%.4f", t - w }'
}
pipe_small=$(pipeline "$stages_mem_small")
pipe_long=$(pipeline "$stages_mem_long")
# target_row LABEL OP LIMIT PAIRED MEDIANS BEST CPU: one row of the targets table, judged on
# PAIRED (the median of the per-round ratios)
target_row() {
    local shown=$2
    case $2 in "<=") shown="≤" ;; ">=") shown="≥" ;; esac
    printf '| %s | %s %s | %s | %s | %s | %s | %s |\n' "$1" "$shown" "$3" "$(num "$4" %.2f)" \
        "$(verdict "$4" "$2" "$3")" "$(num "$5" %.2f)" "$(num "$6" %.2f)" "$(num "$7" %.2f)"
}
rss_j2=$(awk -v k="${RSS[bulletin-j2-small]:-}" 'BEGIN { if (k != "") printf "%.1f", k * 1024 / 1e6 }')
stage_row() { # STAGE
    local s l ts tl
    s=$(field "$1" "$stages_small")
    l=$(field "$1" "$stages_long")
    ts=$(field total "$stages_small")
    tl=$(field total "$stages_long")
    printf '| %s | %s | %s | %s | %s |\n' "$1" "$(num "$s" %.3f)" \
        "$(awk -v a="$s" -v b="$ts" 'BEGIN { if (a == "" || b + 0 == 0) print "–"; else printf "%.1f %%", 100 * a / b }')" \
        "$(num "$l" %.3f)" \
        "$(awk -v a="$l" -v b="$tl" 'BEGIN { if (a == "" || b + 0 == 0) print "–"; else printf "%.1f %%", 100 * a / b }')"
}

{
    echo "# Benchmark results"
    echo
    echo "Written by \`make bench\` (bench/run.sh). Each command ran once per round, all of them in turn"
    echo "(each after a \`sync\`, so that none paid for the write-back of the files of the one before),"
    echo "for one warm-up round and $runs timed rounds. Wall: the median run (ms/page from it); best: the"
    echo "fastest run; CPU: median user + system time (\`/usr/bin/time\`); peak RSS: the largest over the"
    echo "runs (for the one-process-per-file tools: of the largest process). A target's verdict uses the"
    echo "median of its per-round ratios: the two commands of a ratio ran moments apart in every round, so"
    echo "a slow spell on the machine (other virtual machines on the host) weighs on both; the ratios of"
    echo "the medians, of the best runs and of the CPU times are shown beside it."
    echo
    echo "- machine: $(nproc) × ${cpu:-unknown CPU}, $(uname -sr), load average ${load_at_start} at start, ${load_at_end} at the end"
    [ -z "$cleanup_note" ] || echo "- file system (ext4 without a journal): $cleanup_note (creating files costs several times more for minutes after many are deleted: bench/PROFILE.md, sixth pass)"
    echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit: $commit"
    echo "- corpus: $small_files PDFs ($copies copies each of: $source_names), $small_pages pages, $small_mb MB;"
    echo "  long: one ${long_pages_real}-page PDF ($long_mb MB) made of those files' pages in turn by examples/make_long_pdf.rs"
    echo "- bulletin on the corpus: ${check_small}; on the long file: ${check_long}"
    echo "- tools: pdftotext ${pdftotext_v:-missing}, mutool ${mutool_v:-missing}, PyMuPDF ${pymupdf_v:-missing}"
    [ "${#missing[@]}" = 0 ] || echo "- skipped: $(printf '%s; ' "${missing[@]}")"
    echo
    echo "| tool | corpus: wall s | best s | CPU s | ms/page | peak RSS MB | long: wall s | best s | CPU s | ms/page | peak RSS MB |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    row "bulletin ingest -j 1 (full pipeline, JSON written)" bulletin-j1
    row "bulletin ingest -j 2" bulletin-j2
    if [ -n "$mem" ]; then
        row "bulletin ingest -j 1, output on tmpfs" bulletin-j1-mem
        row "bulletin ingest -j 2, output on tmpfs" bulletin-j2-mem
    fi
    row "pdftotext (one process per file)" pdftotext
    row "mutool draw -F txt (one process per file)" mutool
    row "PyMuPDF get_text (one Python process)" pymupdf
    row "floor: lopdf load + inflate all streams (examples/floor.rs)" floor
    row "floor on 2 threads (examples/floor.rs -j 2)" floor-j2
    if [ -n "${NOTE[pymupdf-small]:-}" ]; then
        echo
        echo "PyMuPDF's loop alone (without Python start-up and import): ${NOTE[pymupdf-small]} s on the corpus, ${NOTE[pymupdf-long]:-–} s on the long file."
    fi
    echo
    echo "| target (issue 6) | limit | per-round ratio (median) | | ratio of medians | of best runs | of CPU times |"
    echo "|---|---:|---:|---|---:|---:|---:|"
    for tool in pdftotext:0.25 mutool:0.5 pymupdf:0.6 floor:3; do
        name=${tool%%:*}
        label=$name
        [ "$name" = pymupdf ] && label=PyMuPDF
        target_row "bulletin -j 1 / $label" "<=" "${tool#*:}" "$(paired bulletin-j1-small "$name-small")" \
            "$(quotient bulletin-j1-small "$name-small" T)" "$(quotient bulletin-j1-small "$name-small" MIN)" \
            "$(quotient bulletin-j1-small "$name-small" CPU)"
    done
    target_row "speed-up of -j 2 over -j 1" ">=" 1.8 "$(paired bulletin-j1-small bulletin-j2-small)" \
        "$(quotient bulletin-j1-small bulletin-j2-small T)" "$(quotient bulletin-j1-small bulletin-j2-small MIN)" ""
    echo "| for comparison: speed-up of the floor on 2 threads over 1 (what the machine allows; no target) | | $(num "$(paired floor-small floor-j2-small)" %.2f) | | $(num "$(quotient floor-small floor-j2-small T)" %.2f) | $(num "$(quotient floor-small floor-j2-small MIN)" %.2f) | – |"
    echo "| bulletin's speed-up over the floor's, in the same round (1.00: scales as well as work that shares nothing; no target) | | $(num "$(scaling)" %.2f) | | | | – |"
    target_row "time per page, ${long_pages_real}-page file / corpus ($pp_long / $pp_small ms)" "<=" 1.2 \
        "$(paired bulletin-j1-long bulletin-j1-small "$(awk -v s="$small_pages" -v l="$long_pages_real" 'BEGIN { if (l + 0 > 0) print s / l }')")" \
        "$(per_page_ratio "${T[bulletin-j1-long]:-}" "${T[bulletin-j1-small]:-}")" \
        "$(per_page_ratio "${MIN[bulletin-j1-long]:-}" "${MIN[bulletin-j1-small]:-}")" \
        "$(per_page_ratio "${CPU[bulletin-j1-long]:-}" "${CPU[bulletin-j1-small]:-}")"
    target_row "the same, library stages only (no write; stage_times, output on tmpfs: $(per_page "$pipe_long" "$long_pages_real") / $(per_page "$pipe_small" "$small_pages") ms)" \
        "<=" 1.2 "$(per_page_ratio "$pipe_long" "$pipe_small")" "" "" ""
    if [ -n "$mem" ]; then
        target_row "bulletin -j 1 / floor, output on tmpfs" "<=" 3 "$(paired bulletin-j1-mem-small floor-small)" \
            "$(quotient bulletin-j1-mem-small floor-small T)" "$(quotient bulletin-j1-mem-small floor-small MIN)" \
            "$(quotient bulletin-j1-mem-small floor-small CPU)"
        target_row "speed-up of -j 2 over -j 1, output on tmpfs" ">=" 1.8 \
            "$(paired bulletin-j1-mem-small bulletin-j2-mem-small)" \
            "$(quotient bulletin-j1-mem-small bulletin-j2-mem-small T)" \
            "$(quotient bulletin-j1-mem-small bulletin-j2-mem-small MIN)" ""
    fi
    echo "| peak RSS of -j 2 over the corpus, MB | < 100 | $(num "$rss_j2" %.1f) | $(verdict "$rss_j2" "<" 100) | | | |"
    echo
    echo "Where bulletin's time goes (examples/stage_times.rs: \`bulletin::process_path_timed\` plus the"
    echo "JSON write, single-threaded, median of $stage_runs runs per stage):"
    echo
    echo "| stage | corpus s | share | long s | share |"
    echo "|---|---:|---:|---:|---:|"
    for stage in read extract clean structure entries validate write total; do stage_row "$stage"; done
} >"$results"

cat "$results"
log "wrote $results in $(($(date +%s) - started)) s"
