#!/usr/bin/env bash
# End-to-end checks of the built binary that need Python tools:
#  1. a run over SampleCorpus, read back with gzip+json, pandas and DuckDB (scripts/check_schema.py);
#  2. the extraction quality floor on the development pages of ../shared/bench/extraction.
# usage: check_output.sh WINNOW_BINARY SHARED_DIR
set -euo pipefail
bin=$1
shared=$2
cd "$(dirname "$0")/.."
python3 -c 'import pandas, duckdb' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check pandas duckdb
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
SOURCE_DATE_EPOCH=1700000000 "$bin" run -q --input SampleCorpus --output "$work/sample" || status=$?
# 0, or 2 when a sample input is damaged; anything else is a failure.
[ "$status" -eq 0 ] || { echo "check_output: winnow run exited $status on SampleCorpus" >&2; exit 1; }
python3 scripts/check_schema.py "$work/sample" --min-docs 40

floor=$(cat Benchmarks/extraction-floor.txt)
"$bin" extract -q --input "$shared/bench/extraction/pages" --output "$work/extract"
python3 Benchmarks/shards_to_preds.py "$work/extract" "$work/preds.jsonl"
f1=$(python3 "$shared/bench/extraction/score.py" --truth "$shared/bench/extraction/truth.jsonl" --pred "$work/preds.jsonl" | tail -n 1 | awk '{print $2}')
echo "extraction: development F1 $f1 (floor $floor)"
python3 -c "import sys; sys.exit(0 if float('$f1') >= float('$floor') else 1)" \
  || { echo "check_output: extraction F1 $f1 fell below the floor $floor (Benchmarks/extraction-floor.txt)" >&2; exit 1; }
echo "2 passed, 0 failed"
