#!/usr/bin/env python3
"""dolma's own mixer on a Winnow output's documents and attribute files.

usage: check_dolma.py OUTPUT_DIR WORK_DIR

OUTPUT_DIR is a run with an annotating quality stage (Pipelines/pretraining.yaml), so it has
`attributes/winnow_quality/`. Every attribute file must mirror its document file line for line
(same ids, spans over the whole text); then dolma 1.2.1 (installed from PyPI into WORK_DIR/venv)
mixes the documents with a filter on a quality score, and must keep exactly the documents the
attribute files say pass it. When dolma cannot be installed here, the format check alone runs,
against dolma's documented attribute schema, and the script says so.
"""
import glob
import gzip
import json
import os
import subprocess
import sys

RULE = "winnow_quality__c4_terminal_punctuation"


def fail(message):
    sys.exit(f"check_dolma: {message}")


def main():
    output, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    documents = sorted(glob.glob(os.path.join(output, "documents", "*.jsonl.gz")))
    if not documents:
        fail(f"no documents in {output}/documents")
    passing = 0
    total = 0
    for path in documents:
        attributes = path.replace("/documents/", "/attributes/winnow_quality/")
        docs = [json.loads(line) for line in gzip.open(path, "rt", encoding="utf-8")]
        attrs = [json.loads(line) for line in gzip.open(attributes, "rt", encoding="utf-8")]
        if [d["id"] for d in docs] != [a["id"] for a in attrs]:
            fail(f"{attributes}: ids differ from {path}")
        for d, a in zip(docs, attrs):
            for name, spans in a["attributes"].items():
                if not name.startswith("winnow_quality__") or not all(
                        len(s) == 3 and 0 <= s[0] <= s[1] <= len(d["text"]) for s in spans):
                    fail(f"{d['id']}: attribute {name} {spans} is not [[start, end, value]] within the text")
            score = a["attributes"].get(RULE)
            passing += bool(score and score[0][2] > 0.2)
            total += 1
    venv = os.path.join(work, "dolma-venv")
    dolma = os.path.join(venv, "bin", "dolma")
    if not os.path.exists(dolma):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        constraints = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dolma-constraints.txt")
        installed = subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "--disable-pip-version-check", "--only-binary=:all:",
                                    "--no-compile", "-c", constraints, "dolma==1.2.1"],
                                   capture_output=True, text=True)
        if installed.returncode != 0:
            print(f"dolma: not installable here ({installed.stderr.strip().splitlines()[-1:]}); "
                  f"{total} documents' attribute lines checked against dolma's attribute schema only")
            return
    config = os.path.join(work, "dolma-mix.yaml")
    mixed = os.path.join(work, "dolma-mixed")
    with open(config, "w") as f:
        json.dump({
            "streams": [{
                "name": "winnow", "documents": [os.path.join(output, "documents", "*.jsonl.gz")], "attributes": ["winnow_quality"],
                "output": {"path": mixed, "max_size_in_bytes": 1 << 30},
                "filter": {"include": [f"$.attributes[?(@.{RULE} && @.{RULE}[0][2] > 0.2)]"]},
            }],
            "work_dir": {"input": os.path.join(work, "dolma-in"), "output": os.path.join(work, "dolma-out")},
            "processes": 1,
        }, f)
    subprocess.run(["rm", "-rf", mixed, os.path.join(work, "dolma-in"), os.path.join(work, "dolma-out")], check=True)
    run = subprocess.run([dolma, "-c", config, "mix"], capture_output=True, text=True)
    if run.returncode != 0:
        fail(f"dolma mix failed: {run.stderr[-1500:]}")
    kept = sum(1 for p in glob.glob(os.path.join(mixed, "*.gz")) for _ in gzip.open(p, "rt", encoding="utf-8"))
    if kept != passing:
        fail(f"dolma mix kept {kept} documents, the attribute files say {passing} pass {RULE} > 0.2")
    print(f"dolma: attribute files mirror the {len(documents)} document shards; dolma 1.2.1's mixer, filtering on {RULE} > 0.2, "
          f"kept {kept} of {total} documents, as the attributes say")


if __name__ == "__main__":
    main()
