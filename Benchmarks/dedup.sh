#!/usr/bin/env bash
# Near-duplicate removal on ../shared/bench/dedup corpora: quality (score.py) and speed against
# datasketch, one core each (taskset), in one run; index size and memory per document.
# usage: Benchmarks/dedup.sh WINNOW_BINARY SHARED_DIR
set -euo pipefail
bin=$(realpath "$1")
shared=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
work=${BENCH_DIR:-/tmp/winnow-bench}/dedup
mkdir -p "$work"
cd "$work"
make_corpus="$shared/bench/dedup/make_corpus.py"
score="$shared/bench/dedup/score.py"
[ -f day1.jsonl.gz ] || python3 "$make_corpus" --source "$shared/bench/extraction/truth.jsonl" --docs 20000 --seed 1 --out day1.jsonl.gz
[ -f day2.jsonl.gz ] || python3 "$make_corpus" --source "$shared/bench/extraction/truth.jsonl" --docs 5000 --seed 2 --day2-of day1.jsonl.gz --out day2.jsonl.gz
[ -f other.jsonl.gz ] || python3 "$make_corpus" --source "$shared/bench/extraction-wcxb/truth.jsonl" --docs 20000 --seed 5 --out other.jsonl.gz
[ -f big.jsonl.gz ] || python3 "$make_corpus" --source "$shared/bench/extraction/truth.jsonl" --docs 200000 --seed 9 --out big.jsonl.gz
python3 -c 'import datasketch' 2>/dev/null || python3 -m pip install -q --disable-pip-version-check datasketch

one_core="taskset -c 0"
command -v taskset >/dev/null || one_core=""

echo "== quality (default settings)"
rm -rf out-day1 out-other out-day2 index
"$bin" dedup "$here/dedup-only.yaml" -q --input day1.jsonl.gz --output out-day1 --index index
echo "day1 (seed 1, 20,000 docs):   $(python3 "$score" --corpus day1.jsonl.gz --kept out-day1 | tail -1)"
"$bin" dedup "$here/dedup-only.yaml" -q --input other.jsonl.gz --output out-other
echo "other (seed 5, WCXB source):  $(python3 "$score" --corpus other.jsonl.gz --kept out-other | tail -1)"
"$bin" dedup "$here/dedup-only.yaml" -q --input day2.jsonl.gz --output out-day2 --index index
echo "day2 against day1's index:    $(python3 "$score" --corpus day2.jsonl.gz --earlier day1.jsonl.gz --kept out-day2 | tail -1)"
"$bin" index stats --index index

echo "== speed, one core each, same run"
python3 "$here/datasketch_dedup.py" day1.jsonl.gz datasketch-kept.txt > datasketch.txt
cat datasketch.txt
echo "datasketch quality:           $(python3 "$score" --corpus day1.jsonl.gz --kept datasketch-kept.txt | tail -1)"
rm -rf out-speed
$one_core "$bin" dedup "$here/dedup-only.yaml" -q --jobs 1 --input day1.jsonl.gz --output out-speed
python3 - "$work/out-speed/summary.json" "$work/datasketch.txt" <<'PY'
import json, re, sys
s = json.load(open(sys.argv[1]))
ref = float(re.search(r"= (\d+) documents/s", open(sys.argv[2]).read()).group(1))
docs = s["stages"]["read"]["in"]
whole = docs / s["wall_seconds"]
stage = docs / s["stages"]["dedup"]["seconds"]
print(f"winnow dedup, end to end (read JSON, dedup, write gzip shards): {whole:.0f} documents/s = {whole / ref:.1f}x datasketch")
print(f"winnow dedup stage alone (signatures + LSH + verification):     {stage:.0f} documents/s = {stage / ref:.1f}x datasketch")
read = docs / (s["stages"]["read"]["seconds"] + s["stages"]["dedup"]["seconds"])
print(f"winnow reading the corpus and deduplicating (no output), as datasketch is timed: {read:.0f} documents/s = {read / ref:.1f}x")
PY

echo "== memory per document, 20,000 and 200,000 documents"
for corpus in day1 big; do
  rm -rf out-mem
  /usr/bin/time -f "%M" -o rss.txt "$bin" dedup "$here/dedup-only.yaml" -q --input $corpus.jsonl.gz --output out-mem --index index-$corpus
  docs=$(python3 -c "import json; print(json.load(open('out-mem/summary.json'))['stages']['read']['in'])")
  echo "$corpus: $docs documents, peak RSS $(( $(cat rss.txt) / 1024 )) MiB; $("$bin" index stats --index index-$corpus)"
  rm -rf index-$corpus
done
