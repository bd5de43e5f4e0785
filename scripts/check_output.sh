#!/usr/bin/env bash
# End-to-end checks of the built binary that need Python tools:
#  1. runs over SampleCorpus (default and pretraining pipelines), read back with gzip+json, pandas,
#     DuckDB, Hugging Face datasets (the directory itself, through its card), datatrove's JsonlReader
#     and jq (scripts/check_schema.py); the quality annotations as dolma attribute files, filtered
#     by dolma's own mixer (scripts/check_dolma.py);
#     the report (report.html) in headless Chromium and `winnow inspect` in tmux (scripts/check_report.py);
#     `winnow fetch` against a local HTTP server (scripts/check_fetch.py);
#     remote inputs: a listing of 20 WARC files served with faults from 127.0.0.1 against the
#     same files on disk (scripts/check_remote.py);
#     `winnow slurm` on a one-node Slurm against a single-process run (scripts/check_slurm.py);
#  2. the extraction quality floors on ../shared/bench/extraction and extraction-wcxb.
# usage: check_output.sh WINNOW_BINARY SHARED_DIR
set -euo pipefail
bin=$1
shared=$2
cd "$(dirname "$0")/.."
python3 -c 'import pandas, duckdb, datasets' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check pandas duckdb datasets
python3 -c 'import datatrove, orjson' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check datatrove==0.6.0 orjson
missing=()
command -v jq >/dev/null || missing+=(jq)
command -v tmux >/dev/null || missing+=(tmux)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

status=0
SOURCE_DATE_EPOCH=1700000000 "$bin" run -q --input SampleCorpus --output "$work/sample" || status=$?
# 0, or 2 when a sample input is damaged; anything else is a failure.
[ "$status" -eq 0 ] || { echo "check_output: winnow run exited $status on SampleCorpus" >&2; exit 1; }
python3 scripts/check_schema.py "$work/sample" --min-docs 40
# The pre-training pipeline: language filter, quality rules (annotations in metadata), dedup.
SOURCE_DATE_EPOCH=1700000000 "$bin" run Pipelines/pretraining.yaml -q --output "$work/pretraining"
python3 scripts/check_schema.py "$work/pretraining" --min-docs 30
# Its quality annotations as dolma attribute files, mixed by dolma's own mixer.
python3 scripts/check_dolma.py "$work/pretraining" "$work"
# The run report in headless Chromium, counts checked against the shards; inspect in tmux.
python3 scripts/check_report.py "$bin" "$work"

# winnow fetch against a local server on 127.0.0.1 (every failure kind, politeness, resume, warcio check).
python3 scripts/check_fetch.py "$bin" Tests/WinnowTests/Fixtures/news/pages "$work"
# Remote inputs: --input-list and --input-prefix over a local server with injected faults.
python3 scripts/check_remote.py "$bin" "$work"
# winnow slurm on a real one-node Slurm (installed and started by scripts/slurm_local.sh, stopped after).
python3 scripts/check_slurm.py "$bin" "$shared" "$work"

# The extraction quality floors: both development sets fed as WARCs with their URLs (fitted figures;
# they move only with a cross-validated gain, scripts/train_extract.py). They need the benchmark sets of ../shared.
if [ ! -d "$shared/bench/extraction-wcxb" ] || [ ! -f "$shared/bench/warc/build_warc.py" ]; then
  echo "extraction floors: SKIPPED, needs $shared/bench (the benchmark data beside the repository)"
  echo "5 passed, 0 failed, 2 skipped"
  exit 0
fi
eval_out=$(python3 Benchmarks/extraction_eval.py "$bin" "$shared" --work "$work/eval")
echo "$eval_out"
check_floor() {  # set name, floor file
  local f1 floor
  floor=$(cat "$2")
  f1=$(echo "$eval_out" | tail -n 1 | tr ' ' '\n' | grep -A1 -x "$1" | tail -n 1)
  echo "extraction: $1 F1 $f1 (floor $floor)"
  python3 -c "import sys; sys.exit(0 if float('$f1') >= float('$floor') else 1)" \
    || { echo "check_output: $1 extraction F1 $f1 fell below the floor $floor ($2)" >&2; exit 1; }
}
check_floor news Benchmarks/extraction-floor.txt
check_floor wcxb Benchmarks/extraction-wcxb-floor.txt
echo "7 passed, 0 failed"
