#!/usr/bin/env python3
"""Winnow's pii stage against datatrove's PIIFormatter (FineWeb's) on real text.

usage: pii_parity.py WINNOW_BINARY SHARED_DIR [DATATROVE_PYTHON]

The texts: the truth texts of both extraction benchmarks (the 1,428 that are not empty). Winnow runs a
pipeline of read, extract and pii on them as NDJSON documents and reports its counts in
`metadata.pii`; datatrove's expressions and validator (its PIIFormatter, in DATATROVE_PYTHON) list
what they would replace. Prints the totals, the documents where the counts differ, and what
datatrove replaces that Winnow leaves (and the reverse), so each difference can be read.
"""
import gzip
import json
import os
import subprocess
import sys
import tempfile

DATATROVE = r'''
import json, sys
from datatrove.pipeline.formatters.pii import PIIFormatter
f = PIIFormatter()
for line in sys.stdin:
    text = json.loads(line)
    emails = [m.group(0) for m in f.emails_replacer.regex.finditer(text)]
    ips = [m.group(0) for m in f.ip_replacer.regex.finditer(text) if f.ip_replacer.validator(m.group(0))]
    print(json.dumps([emails, ips]))
'''

PIPELINE = """name: pii-parity
stages:
  - read
  - clean
  - segment
  - extract
  - pii: {mode: annotate}
  - write
"""


def main():
    binary, shared = sys.argv[1:3]
    python = sys.argv[3] if len(sys.argv) > 3 else sys.executable
    texts = []
    for truth in ["bench/extraction/truth.jsonl", "bench/extraction-wcxb/truth.jsonl"]:
        for line in open(os.path.join(shared, truth)):
            t = json.loads(line).get("text") or ""
            if t:
                texts.append(t)
    with tempfile.TemporaryDirectory() as tmp:
        with gzip.open(os.path.join(tmp, "texts.jsonl.gz"), "wt") as f:
            for i, t in enumerate(texts):
                f.write(json.dumps({"id": str(i), "text": t}) + "\n")
        with open(os.path.join(tmp, "pii.yaml"), "w") as f:
            f.write(PIPELINE)
        subprocess.run([binary, "run", os.path.join(tmp, "pii.yaml"), "-q", "--no-report", "-i", os.path.join(tmp, "texts.jsonl.gz"),
                        "-o", os.path.join(tmp, "out")], check=True)
        winnow = {}
        for name in sorted(os.listdir(os.path.join(tmp, "out", "documents"))):
            if name.startswith("shard-"):
                for line in gzip.open(os.path.join(tmp, "out", "documents", name), "rt"):
                    r = json.loads(line)
                    winnow[int(r["id"])] = r["metadata"]["pii"]
    result = subprocess.run([python, "-c", DATATROVE], input="".join(json.dumps(t) + "\n" for t in texts),
                            capture_output=True, text=True, check=True)
    theirs = [json.loads(l) for l in result.stdout.splitlines()]
    totals = {"emails": [0, 0], "ips": [0, 0]}
    differ = {"emails": [], "ips": []}
    for i, (emails, ips) in enumerate(theirs):
        ours = winnow.get(i, {"emails": 0, "ips": 0})
        for kind, found in [("emails", emails), ("ips", ips)]:
            totals[kind][0] += ours[kind]
            totals[kind][1] += len(found)
            if ours[kind] != len(found):
                differ[kind].append((i, ours[kind], found))
    print(f"{len(texts)} texts")
    for kind in totals:
        print(f"{kind}: Winnow {totals[kind][0]}, datatrove {totals[kind][1]}; documents whose counts differ: {len(differ[kind])}")
        for i, n, found in differ[kind][:12]:
            print(f"  text {i}: Winnow {n}, datatrove {len(found)}: {found[:4]}")


if __name__ == "__main__":
    main()
