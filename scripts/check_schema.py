#!/usr/bin/env python3
"""Check Winnow output shards against the documented record schema, with Python's own gzip and
json (as a downstream user would read them), and load them with pandas and DuckDB.

usage: check_schema.py OUTPUT_DIR [--min-docs N]
Exits non-zero with a message naming the shard, line and field on the first violation.
"""
import argparse
import glob
import gzip
import json
import os
import re
import sys

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$")
TOP = {"id": str, "text": str, "source": str, "added": str, "created": (str, type(None)), "metadata": dict}
META = ["url", "title", "author", "date_published", "language", "language_score", "language_declared",
        "canonical_url", "site_name", "description", "input", "warc_record_id"]
NUMBERS = {"language_score"}


def fail(where, message):
    sys.exit(f"schema: {where}: {message}")


def check_record(doc, where):
    if list(doc)[:len(TOP)] != list(TOP):
        fail(where, f"top-level keys {list(doc)} do not start with {list(TOP)}")
    for key, kind in TOP.items():
        if not isinstance(doc[key], kind):
            fail(where, f"{key} is {type(doc[key]).__name__}")
    if not doc["id"]:
        fail(where, "empty id")
    if not doc["text"].strip():
        fail(where, "empty text")
    if not ISO.match(doc["added"]):
        fail(where, f"added {doc['added']!r} is not ISO 8601")
    meta = doc["metadata"]
    for key in META:
        if key not in meta:
            fail(where, f"metadata.{key} missing (unknown values are null, never absent)")
        value = meta[key]
        if key in NUMBERS:
            if value is not None and not (isinstance(value, (int, float)) and 0 <= value <= 1):
                fail(where, f"metadata.{key} {value!r} is not a number from 0 to 1")
            continue
        if value is not None and not isinstance(value, str):
            fail(where, f"metadata.{key} is {type(value).__name__}")
        if isinstance(value, str) and not value.strip():
            fail(where, f"metadata.{key} is an empty string (unknown values must be null)")
    if not meta["input"]:
        fail(where, "metadata.input is null")
    if meta["date_published"] is not None and not ISO.match(meta["date_published"]):
        fail(where, f"metadata.date_published {meta['date_published']!r} is not ISO 8601")
    for key in ("language", "language_declared"):
        if meta[key] is not None and not re.match(r"^[a-z]{2,3}$", meta[key]):
            fail(where, f"metadata.{key} {meta[key]!r} is not an ISO 639 code")
    if (meta["language"] is None) != (meta["language_score"] is None):
        fail(where, "metadata.language and language_score are set together")
    if "quality_scores" in meta:
        scores, flags = meta["quality_scores"], meta.get("quality_flags")
        if not isinstance(scores, dict) or not all(isinstance(v, (int, float)) for v in scores.values()):
            fail(where, "metadata.quality_scores is not an object of numbers")
        if not isinstance(flags, list) or not set(flags) <= set(scores):
            fail(where, "metadata.quality_flags is not a list of scored rule names")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("output")
    parser.add_argument("--min-docs", type=int, default=1)
    args = parser.parse_args()
    shards = sorted(glob.glob(os.path.join(args.output, "documents", "shard-*.jsonl.gz")))
    if not shards:
        fail(args.output, "no documents/shard-*.jsonl.gz files")
    ids = set()
    count = 0
    for shard in shards:
        with gzip.open(shard, "rb") as f:
            for number, raw in enumerate(f, 1):
                where = f"{os.path.basename(shard)}:{number}"
                try:
                    line = raw.decode("utf-8")
                except UnicodeDecodeError as error:
                    fail(where, f"not UTF-8: {error}")
                if not line.endswith("\n"):
                    fail(where, "record does not end with a newline")
                doc = json.loads(line)
                check_record(doc, where)
                if doc["id"] in ids:
                    fail(where, f"id {doc['id']} appears twice")
                ids.add(doc["id"])
                count += 1
    if count < args.min_docs:
        fail(args.output, f"{count} documents, expected at least {args.min_docs}")

    import duckdb
    import pandas

    frame = pandas.concat(pandas.read_json(s, lines=True, compression="gzip") for s in shards)
    if len(frame) != count or list(frame.columns)[:6] != list(TOP):
        fail("pandas", f"read {len(frame)} rows with columns {list(frame.columns)}")
    pattern = os.path.join(args.output, "documents", "shard-*.jsonl.gz")
    rows = duckdb.sql(f"select count(*), count(distinct id), sum(length(text)) from read_json_auto('{pattern}')").fetchall()[0]
    if rows[0] != count or rows[1] != count:
        fail("duckdb", f"read {rows[0]} rows, {rows[1]} distinct ids")
    title_type = duckdb.sql(f"select typeof(metadata.title) from read_json_auto('{pattern}') limit 1").fetchall()[0][0]

    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # local files only; nothing to fetch
    import tempfile
    os.environ.setdefault("HF_DATASETS_CACHE", tempfile.mkdtemp(prefix="winnow-hf-"))
    import datasets
    loaded = datasets.load_dataset("json", data_files=shards, split="train")
    if len(loaded) != count or "metadata" not in loaded.column_names:
        fail("datasets", f"read {len(loaded)} rows with columns {loaded.column_names}")
    # The directory as a dataset: its card (README.md) names the documents and their types, and
    # every value comes back as written (dates included: pyarrow would make them timestamps).
    card = datasets.load_dataset(args.output, split="train")
    written = [json.loads(line) for shard in shards for line in gzip.open(shard, "rt", encoding="utf-8")]
    if len(card) != count:
        fail("datasets (card)", f"load_dataset(OUTPUT) read {len(card)} rows of {count}")
    for got, want in zip(card, written):
        for key in ["id", "text", "source", "added", "created"]:
            if got[key] != want[key]:
                fail("datasets (card)", f"{want['id']}: {key} read as {got[key]!r}, written {want[key]!r}")
        for key, value in want["metadata"].items():
            if got["metadata"].get(key) != value and not (isinstance(value, float) and abs(got["metadata"].get(key) - value) < 1e-9):
                fail("datasets (card)", f"{want['id']}: metadata.{key} read as {got['metadata'].get(key)!r}, written {value!r}")
    # datatrove's JsonlReader on the documents folder, as it is.
    from datatrove.pipeline.readers import JsonlReader
    docs = list(JsonlReader(os.path.join(args.output, "documents"))())
    if sorted(d.id for d in docs) != sorted(w["id"] for w in written):
        fail("datatrove", f"JsonlReader(OUTPUT/documents) read {len(docs)} documents of {count}")

    import subprocess
    jq = subprocess.run(f"zcat {' '.join(shards)} | jq -r .id", shell=True, capture_output=True, text=True)
    if jq.returncode != 0 or len(jq.stdout.split()) != count:
        fail("zcat | jq", jq.stderr.strip() or f"{len(jq.stdout.split())} ids")
    print(f"schema: {count} documents in {len(shards)} shards valid; pandas, DuckDB (metadata.title as "
          f"{title_type}), Hugging Face datasets (load_dataset(OUTPUT): every value as written), datatrove's "
          f"JsonlReader(OUTPUT/documents) and zcat | jq read them")


if __name__ == "__main__":
    main()
