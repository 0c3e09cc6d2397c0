#!/usr/bin/env bash
# Seeds fuzz/corpus/{pdf,text} from the fixtures, the hostile files and, when present, the team's
# real-world corpus (../shared/corpus/realworld beside the checkout). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")"
mkdir -p corpus/pdf corpus/text
for f in ../fixtures/*/*.pdf ../fuzz/regressions/pdf-* ../../shared/corpus/realworld/*.pdf; do
    [ -f "$f" ] && cp -f "$f" "corpus/pdf/$(basename "$f" | tr ' ,=' '___')"
done
for f in ../fixtures/*/*.txt ../fuzz/regressions/text-*; do
    [ -f "$f" ] && cp -f "$f" "corpus/text/$(basename "$f")"
done
# Small text seeds: the shapes the line recognisers look for.
printf '一、政策法规\n（一）标题\n10月29日，正文。\n链接：https://example.com/a\n' > corpus/text/shapes.txt
printf '目录\n一、政策法规……3\n二、行业动态……5\n' > corpus/text/toc.txt
printf '主办单位：x\n网 址：http://x\n' > corpus/text/colophon.txt
ls corpus/pdf | wc -l
ls corpus/text | wc -l
