#!/usr/bin/env bash
# Issue 15's speed check in instructions rather than seconds: the extract stage's instructions
# over the clean stage's, counted by valgrind's callgrind in one `winnow benchmark` run (one
# repeat) on every PAGE_STEP-th WCXB development page (default 5: 272 pages) fed as a WARC with
# their URLs. Instruction counts do not move with the machine's load, so two builds compare
# exactly where `stage_ratio.sh`'s seconds move by more than the change (this machine's clean
# stage took 2.2 s on one day and 3.7-5.1 s on another). They are not time: the ratio of
# instructions (0.230x on 2026-12-02) read below the ratio of seconds (0.25-0.32x the same
# morning), so compare it between builds, and keep the 0.35x target for stage_ratio.sh. About
# 8 minutes a build under valgrind.
#
# usage: Benchmarks/stage_instructions.sh WINNOW_BINARY SHARED_DIR
set -euo pipefail
bin=$(realpath "$1")
shared=$(realpath "$2")
step=${PAGE_STEP:-5}
work=${BENCH_DIR:-/tmp/winnow-bench}/instructions-$step
set_dir="$shared/bench/extraction-wcxb"
if [ ! -d "$set_dir" ]; then
  echo "stage_instructions: $set_dir not found, skipped" >&2
  exit 0
fi
command -v valgrind >/dev/null || { echo "stage_instructions: valgrind not found (apt-get install valgrind)" >&2; exit 1; }
mkdir -p "$work/pages"
if [ ! -f "$work/pages.warc.gz" ]; then
  python3 - "$set_dir" "$work" "$step" <<'PY'
import json, shutil, sys
set_dir, work, step = sys.argv[1], sys.argv[2], int(sys.argv[3])
rows = [json.loads(line) for line in open(f"{set_dir}/truth.jsonl", encoding="utf-8") if line.strip()][::step]
with open(f"{work}/truth.jsonl", "w", encoding="utf-8") as f:
    for row in rows:
        f.write(json.dumps(row) + "\n")
        shutil.copy(f"{set_dir}/pages/{row['id']}.html.gz", f"{work}/pages/")
PY
  python3 "$shared/bench/warc/build_warc.py" --pages "$work/pages" --truth "$work/truth.jsonl" \
      --out "$work/pages.warc.gz" --copies 1 --seed 1 >&2
fi
# valgrind 3.19 cannot read the DWARF the Swift toolchain writes: a copy without it (the symbol
# table stays, and with it the function names).
copy=$(mktemp "$work/winnow.XXXXXX")
out=$(mktemp "$work/callgrind.XXXXXX")
trap 'rm -f "$copy" "$out"' EXIT
cp "$bin" "$copy"
chmod +x "$copy"
strip -g "$copy"
valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
    '--toggle-collect=*WinnowStages9ExtractorV7extract_3url*' '--toggle-collect=*WinnowStages7CleanerV5clean_11contentType*' \
    "$copy" benchmark --input "$work/pages.warc.gz" --repeats 1 >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | awk '
  /ExtractorV7extract_3url/ && extract == "" { gsub(",", "", $1); extract = $1 }
  /CleanerV5clean_11contentType/ && clean == "" { gsub(",", "", $1); clean = $1 }
  END {
    if (clean == "" || extract == "") { print "stage_instructions: no clean or extract count"; exit 1 }
    printf "clean %.1f M instructions, extract %.1f M: extract %.3fx clean (instructions)\n", clean / 1e6, extract / 1e6, extract / clean
  }'
