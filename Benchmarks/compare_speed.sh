#!/usr/bin/env bash
# Speed before and after a change, in one run: two winnow binaries take turns on the same
# benchmark WARC (one job, pinned to one core), ROUNDS rounds; each one's best round is kept
# (the machine is shared) and their ratio printed. Also each one's `winnow benchmark` stage times.
# usage: Benchmarks/compare_speed.sh OLD_BINARY NEW_BINARY SHARED_DIR
set -euo pipefail
old=$(realpath "$1")
new=$(realpath "$2")
shared=$(realpath "$3")
work=${BENCH_DIR:-/tmp/winnow-bench}
mkdir -p "$work"
warc="$work/bench-c20.warc.gz"
[ -f "$warc" ] || python3 "$shared/bench/warc/build_warc.py" --pages "$shared/bench/extraction/pages" \
    --truth "$shared/bench/extraction/truth.jsonl" --out "$warc" --copies 20 --seed 3 >&2
records=$(python3 -c "
import gzip
print(sum(1 for l in gzip.open('$warc','rb') if l.startswith(b'WARC-Type: response')))")
one_core=""
command -v taskset >/dev/null && one_core="taskset -c 0"
rounds=${ROUNDS:-3}
best_old=0; best_new=0
for round in $(seq "$rounds"); do
  for which in old new; do
    bin=$old; [ "$which" = new ] && bin=$new
    rm -rf "$work/speed-out"
    start=$(date +%s.%N)
    $one_core "$bin" run --jobs 1 -q --no-report --input "$warc" --output "$work/speed-out" >/dev/null 2>&1
    end=$(date +%s.%N)
    rate=$(python3 -c "print($records / ($end - $start))")
    echo "round $round $which: $(printf '%.1f' "$rate") documents/s" >&2
    if [ "$which" = old ]; then best_old=$(python3 -c "print(max($best_old, $rate))"); else best_new=$(python3 -c "print(max($best_new, $rate))"); fi
  done
done
python3 -c "print(f'end to end, one job on one core, best of $rounds: old {$best_old:.1f} documents/s, new {$best_new:.1f} documents/s, new/old {$best_new / $best_old:.3f}')"
for which in old new; do
  bin=$old; [ "$which" = new ] && bin=$new
  echo "== winnow benchmark ($which)"
  $one_core "$bin" benchmark --input "$shared/bench/extraction/pages" --repeats 3 2>&1 | grep -E "^(read|clean|segment|extract|dedup|write|parse \(cut)" || true
done
