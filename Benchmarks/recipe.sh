#!/usr/bin/env bash
# The web-corpus recipe's steps (issue 19): what each costs on one thread and what each drops.
#  1. `winnow benchmark` on the benchmark WARC (../shared/bench/warc/build_warc.py, the 91 news
#     pages, 3 copies each) with FineWeb's URL lists (lists/fineweb; fetched when missing) and
#     FineWeb's banned words standing in as a bad-words list of C4's size: the URL filter, each
#     quality group alone, Gopher + C4 with and without FineWeb's rules, PII; clean for scale.
#  2. `winnow run Pipelines/fineweb.yaml` on the same WARC and on the WCXB pages as a WARC: the
#     funnel, each stage's documents in, out and drop reasons.
#  3. Benchmarks/url_filter_parity.py: Winnow's URL filter and datatrove's (in a local virtual
#     environment) on the same lists and the same 3,156 URLs; Benchmarks/pii_parity.py: the pii
#     stage and datatrove's PIIFormatter on the benchmarks' truth texts.
#
# usage: Benchmarks/recipe.sh WINNOW_BINARY SHARED_DIR
set -euo pipefail
bin=$(realpath "$1")
shared=$(realpath "$2")
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-/tmp/winnow-bench}
mkdir -p "$work"
[ -d "$root/lists/fineweb" ] || (cd "$root" && scripts/fineweb_lists.sh lists/fineweb)
news="$work/bench-c3.warc.gz"
[ -f "$news" ] || python3 "$shared/bench/warc/build_warc.py" --pages "$shared/bench/extraction/pages" \
    --truth "$shared/bench/extraction/truth.jsonl" --out "$news" --copies 3 --seed 3 >&2
wcxb="$work/wcxb.warc.gz"
[ -f "$wcxb" ] || python3 "$shared/bench/warc/build_warc.py" --pages "$shared/bench/extraction-wcxb/pages" \
    --truth "$shared/bench/extraction-wcxb/truth.jsonl" --out "$wcxb" --copies 1 --seed 3 >&2
one_core=""
command -v taskset >/dev/null && one_core="taskset -c 0"

echo "== cost per step, one thread ($(basename "$news"): 91 news pages × 3)"
$one_core "$bin" benchmark --input "$news" --repeats 5 --url-blocklist "$root/lists/fineweb" \
    --badwords "$root/lists/fineweb/banned_words.txt" | grep -E "^(stage|url_filter|clean|quality|pii)"

for warc in "$news" "$wcxb"; do
  echo
  echo "== Pipelines/fineweb.yaml on $(basename "$warc"): what each step drops"
  rm -rf "$work/fineweb-out"
  (cd "$root" && "$bin" run Pipelines/fineweb.yaml -i "$warc" -o "$work/fineweb-out" --no-report --no-progress 2>&1 |
    sed -n '/^stage/,/^written/p')
done

echo
echo "== the URL filter against datatrove's URLFilter (FineWeb's), same lists"
if ! "$work/dtvenv/bin/python" -c "import datatrove, tldextract, ahocorasick, fasteners, regex" 2>/dev/null; then
  python3 -m venv "$work/dtvenv"
  "$work/dtvenv/bin/pip" install -q --disable-pip-version-check datatrove==0.6.0 tldextract pyahocorasick fasteners regex >&2
fi
python3 "$root/Benchmarks/url_filter_parity.py" "$bin" "$root/lists/fineweb" "$shared" "$work/dtvenv/bin/python"

echo
echo "== the pii stage against datatrove's PIIFormatter (FineWeb's), on the benchmarks' truth texts"
python3 "$root/Benchmarks/pii_parity.py" "$bin" "$shared" "$work/dtvenv/bin/python"
