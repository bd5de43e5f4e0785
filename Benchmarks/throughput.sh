#!/usr/bin/env bash
# End-to-end throughput of `winnow run` (release build) on a WARC of real pages built with
# ../shared/bench/warc/build_warc.py, against libxml2's own parse rate measured in the same run
# (../shared/bench/perf/parse_limit.c) on the same pages: the machine is shared, so report ratios.
#
# usage: Benchmarks/throughput.sh WINNOW_BINARY SHARED_DIR [COPIES]
set -euo pipefail
bin=$1
shared=$2
copies=${3:-20}
work=${BENCH_DIR:-/tmp/winnow-bench}
mkdir -p "$work"
warc="$work/bench-c$copies.warc.gz"
if [ ! -f "$warc" ]; then
  python3 "$shared/bench/warc/build_warc.py" --pages "$shared/bench/extraction/pages" \
    --truth "$shared/bench/extraction/truth.jsonl" --out "$warc" --copies "$copies" --seed 3 >&2
fi
cc -O2 -I/usr/include/libxml2 "$shared/bench/perf/parse_limit.c" -lxml2 -lz -o "$work/parse_limit"

echo "== libxml2 alone, one thread, on the pages the WARC is made of (91 pages x 20 repeats)"
"$work/parse_limit" "$shared/bench/extraction/pages" 20 | tee "$work/parse_limit.txt"
sax=$(awk '/SAX/ {for (i=1;i<=NF;i++) if ($i ~ /docs\/s/) print $(i-1)}' "$work/parse_limit.txt" | head -1)

records=$(python3 - "$warc" <<'PY'
import gzip, sys
n = 0
with gzip.open(sys.argv[1], "rb") as f:
    for line in f:
        if line.startswith(b"WARC-Type: response"):
            n += 1
print(n)
PY
)
echo "== winnow run on $warc ($records response records, $(du -m "$warc" | cut -f1) MB)"
for jobs in 1 $(nproc); do
  rm -rf "$work/out-$jobs"
  start=$(date +%s.%N)
  "$bin" run -q --input "$warc" --output "$work/out-$jobs" --jobs "$jobs" || true
  end=$(date +%s.%N)
  python3 - "$jobs" "$start" "$end" "$records" "${sax:-0}" <<'PY'
import sys
jobs, start, end, records, sax = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
rate = records / (end - start)
ratio = f", {rate / sax:.2f}x libxml2 SAX parse-only" if sax else ""
print(f"jobs {jobs}: {records} documents in {end - start:.2f} s = {rate:.0f} documents/s{ratio}")
PY
done
