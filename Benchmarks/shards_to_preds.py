#!/usr/bin/env python3
"""Turn Winnow's output shards into a predictions file for the extraction scorers.

A page's id is its input file name without `.html.gz` (the benchmarks name pages by id).
usage: shards_to_preds.py OUTPUT_DIR PREDS.jsonl [--markdown]
"""
import glob
import gzip
import json
import os
import sys


def main():
    out_dir, preds_path = sys.argv[1], sys.argv[2]
    rows = []
    for shard in sorted(glob.glob(os.path.join(out_dir, "*.jsonl.gz"))):
        with gzip.open(shard, "rt", encoding="utf-8") as f:
            for line in f:
                doc = json.loads(line)
                name = os.path.basename(doc["metadata"]["input"])
                for suffix in (".html.gz", ".html", ".htm.gz", ".htm"):
                    if name.endswith(suffix):
                        name = name[: -len(suffix)]
                        break
                rows.append({"id": name, "text": doc["text"]})
    with open(preds_path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} predictions", file=sys.stderr)


if __name__ == "__main__":
    main()
