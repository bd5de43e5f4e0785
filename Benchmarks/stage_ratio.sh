#!/usr/bin/env bash
# Issue 15's speed check: the extract stage's time over the clean stage's, in the same
# `winnow benchmark` run (one thread, input in memory), on the WCXB development pages fed as a
# WARC with their URLs (../shared/bench/warc/build_warc.py, seed 1, as the evaluation feeds them).
# The target is at most 0.35. A ratio within one run, so the shared machine's load cancels out
# (mostly: runs move it by about 0.02); RUNS runs (default 3), each printed.
#
# An output check (scripts/compare_outputs.py) does not see a change that keeps the output and
# loses the speed: run this too before calling a change to the extract stage "the same".
#
# usage: Benchmarks/stage_ratio.sh WINNOW_BINARY SHARED_DIR
set -euo pipefail
bin=$(realpath "$1")
shared=$(realpath "$2")
runs=${RUNS:-3}
work=${BENCH_DIR:-/tmp/winnow-bench}
set_dir="$shared/bench/extraction-wcxb"
if [ ! -d "$set_dir" ]; then
  echo "stage_ratio: $set_dir not found, skipped" >&2
  exit 0
fi
mkdir -p "$work"
warc="$work/wcxb.warc.gz"
[ -f "$warc" ] || python3 "$shared/bench/warc/build_warc.py" --pages "$set_dir/pages" \
    --truth "$set_dir/truth.jsonl" --out "$warc" --copies 1 --seed 1 >&2
for run in $(seq "$runs"); do
  "$bin" benchmark --input "$warc" --repeats 3 2>&1 | awk -v run="$run" '
    $1 == "clean" { clean = $3 }
    $1 == "extract" { extract = $3 }
    END {
      if (clean == "" || extract == "") { print "stage_ratio: no clean or extract line"; exit 1 }
      printf "run %d: clean %.3f s, extract %.3f s: extract %.3fx clean (target <= 0.35)\n", run, clean, extract, extract / clean
    }'
done
