#!/usr/bin/env bash
# Extraction quality and speed on the development split of ../shared/bench/extraction
# (score.py's table), and on the WCXB sample of other page kinds.
# The pages are read from their folder, so none has its URL: its F1 is not the one issue 15 asks
# for (pages fed as a crawl gives them, in a WARC with their URLs: Benchmarks/extraction_eval.py,
# the README's table). It is here for the time per stage of `winnow extract` with one job.
# usage: Benchmarks/extraction.sh WINNOW_BINARY SHARED_DIR
set -euo pipefail
bin=$1
shared=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for set in extraction extraction-wcxb; do
  dir="$shared/bench/$set"
  [ -d "$dir" ] || continue
  "$bin" extract -q --jobs 1 --input "$dir/pages" --output "$work/$set"
  python3 "$(dirname "$0")/shards_to_preds.py" "$work/$set" "$work/$set.jsonl" 2>/dev/null
  echo "== $set ($(ls "$dir/pages" | wc -l) pages), one job; time per stage in $work/$set/extract-summary.json"
  python3 "$dir/score.py" --truth "$dir/truth.jsonl" --pred "$work/$set.jsonl"
  python3 - "$work/$set/extract-summary.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
st = s["stages"]
docs = st["read"]["in"]
for name in ("read", "clean", "segment", "extract"):
    secs = st[name]["seconds"]
    print(f"  {name:8} {secs:6.2f} s  {docs / secs if secs else 0:8.0f} docs/s")
print(f"  wall     {s['wall_seconds']:6.2f} s  {docs / s['wall_seconds']:8.0f} docs/s")
PY
done
