#!/usr/bin/env bash
# bench/each.sh TOOL DIR OUT — runs TOOL once per PDF of DIR, one process per file, one after the
# other, writing OUT/<name>.txt. TOOL: pdftotext | mutool. Used by bench/run.sh.
set -euo pipefail
tool=$1 dir=$2 out=$3
mkdir -p "$out"
status=0
for f in "$dir"/*.pdf; do
    name=$(basename "$f" .pdf)
    case $tool in
        pdftotext) pdftotext -q "$f" "$out/$name.txt" || status=1 ;;
        mutool) mutool draw -q -F txt -o "$out/$name.txt" "$f" 2>/dev/null || status=1 ;;
        *)
            echo "each.sh: unknown tool $tool" >&2
            exit 2
            ;;
    esac
done
exit "$status"
