#!/usr/bin/env bash
# Runs the release binary on each given file, one at a time, under `/usr/bin/time -v` and
# `timeout 60`, and prints a TSV row per file: file, result (ok / error code / TIMEOUT / CRASH),
# wall seconds, peak RSS in MB, flags (PANIC, SLOW > 10 s, RSS > 512 MB).
#
#   BULLETIN=target/release/bulletin fuzz/measure.sh FILE... > table.tsv
set -uo pipefail
BIN=${BULLETIN:-target/release/bulletin}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
printf 'file\tresult\twall_s\trss_mb\tflags\tmessage\n'
for f in "$@"; do
    rm -rf "$TMP/out"
    # A name that is not .pdf/.txt would be skipped: link it under a .pdf name when needed.
    case "$f" in
        *.pdf|*.txt|*.PDF|*.TXT) input=$f ;;
        *) input="$TMP/input.pdf"; ln -sf "$(realpath "$f")" "$input"; input=$(realpath "$f"); cp "$f" "$TMP/input.pdf"; input="$TMP/input.pdf" ;;
    esac
    /usr/bin/time -v -o "$TMP/time" timeout 60 "$BIN" ingest -q -j 1 --timeout 30 -o "$TMP/out" "$input" \
        > /dev/null 2> "$TMP/err"
    rc=$?
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; printf "%.2f", s}' "$TMP/time")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$TMP/time")
    msg=$(head -c 300 "$TMP/err" | tr '\n\t' '  ' | sed "s|$TMP/||g")
    case $rc in
        0) result=ok ;;
        1) result=$(sed -n 's/^.*: \(not a PDF file\|password required\|unsupported encryption\|truncated \/ damaged\|no text layer\|resource limit\|timeout\|internal error\|not a text file\|empty file\|document does not match the schema\|cannot read file\).*/\1/p' "$TMP/err" | head -1)
           [ -z "$result" ] && result=error ;;
        124) result=TIMEOUT ;;
        *) result="CRASH($rc)" ;;
    esac
    flags=""
    [[ "$msg" == *"internal error"* || $rc -gt 2 ]] && flags="$flags PANIC"
    awk -v w="$wall" 'BEGIN {exit !(w > 10)}' && flags="$flags SLOW"
    [ "${rss:-0}" -gt 512 ] && flags="$flags RSS"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$(basename "$f")" "$result" "$wall" "$rss" "${flags# }" "$msg"
done
