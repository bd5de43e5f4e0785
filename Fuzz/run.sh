#!/usr/bin/env bash
# Builds the libFuzzer targets (instrumented with -sanitize=fuzzer,address) and runs each for
# FUZZ_SECONDS (default 600) on a seed corpus made from the real samples in ../shared.
# Crashes are written to Fuzz/crashes/<target>/; each one fixed becomes a regression fixture.
# usage: Fuzz/run.sh [SHARED_DIR] [TARGET...]
set -euo pipefail
shared=$(realpath "${1:-$(dirname "$0")/../../shared}")
shift || true
cd "$(dirname "$0")"
targets=("${@:-FuzzWARC FuzzGzip FuzzCharset FuzzClean FuzzTrim}")
seconds=${FUZZ_SECONDS:-600}
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
# The objects of a Swift module's current sources, from its output file map (SwiftPM leaves the
# objects of deleted sources behind, which would collide with their successors at link time).
objects() {
  python3 -c 'import json, sys
m = json.load(open(sys.argv[1] + "/output-file-map.json"))
print(" ".join(v["object"] for k, v in m.items() if k.endswith(".swift") and "object" in v))' ".build/release/$1.build"
}
work=${FUZZ_DIR:-/tmp/winnow-fuzz}
mkdir -p "$work"
for target in ${targets[@]}; do
  rm -f ".build/$target"
  swiftc -sanitize=fuzzer,address $(objects "$target") $(objects Winnow) $(objects WinnowCore) $(objects WinnowStages) $(objects WinnowDedup) $(objects WinnowDistributed) $(objects WinnowReport) $(objects WinnowFetch) $(objects WinnowHTML) $(objects WinnowCompression) \
    .build/release/CLD2Shim.build/*.o -lxml2 -lz -lcld2 -luchardet -lstdc++ -lFoundation -o ".build/$target" 2>&1 \
    | grep -v "Cannot export local symbol" || true
  [ -x ".build/$target" ] || { echo "$target: link failed" >&2; exit 1; }
  corpus="$work/corpus-$target"
  mkdir -p "$corpus" "crashes/$target"
  if [ -z "$(ls -A "$corpus")" ]; then
    case $target in
      FuzzWARC) cp "$shared/samples/warc/wget-small.warc" "$corpus/"; head -c 60000 "$shared/samples/warc/wget-dev-a.warc.gz" | gunzip 2>/dev/null | head -c 60000 > "$corpus/dev-a-part.warc" || true ;;
      FuzzGzip) head -c 40000 "$shared/samples/warc/wget-dev-a.warc.gz" > "$corpus/members.gz"; for f in $(ls "$shared/bench/extraction/pages" | head -5); do cp "$shared/bench/extraction/pages/$f" "$corpus/"; done ;;
      FuzzCharset|FuzzClean|FuzzTrim) for f in $(ls "$shared/bench/extraction/pages" | head -8); do (gunzip -c "$shared/bench/extraction/pages/$f" | head -c 60000 > "$corpus/${f%.gz}") || true; done ;;
    esac
  fi
  echo "== $target for $seconds s"
  ".build/$target" "$corpus" -max_total_time="$seconds" -max_len=131072 -timeout=10 -rss_limit_mb=4096 \
    -artifact_prefix="crashes/$target/" -print_final_stats=1 2>&1 | grep -E "Done|stat::|ERROR|SUMMARY|crash-|timeout-|oom-" || true
done
