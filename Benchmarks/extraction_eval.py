#!/usr/bin/env python3
"""Extraction quality on every development set at once, pages fed as a crawl gives them.

Each set's pages are written into a WARC with their real URLs (../shared/bench/warc/build_warc.py,
one copy, seed 1), `winnow extract` reads the WARC, and the output is scored against the truth:
  * shingle F1 (the article-extraction benchmark's metric, ../shared/bench/extraction/score.py),
    over all pages and per page kind (WCXB's labels);
  * WCXB's word F1 and its must / must-not snippet rates;
  * metadata where the truth has the field: title (one normalised string contains the other and
    the shorter is over 60% of the longer), author (containment), date (same YYYY-MM-DD);
  * the same shingle F1 on each of five folds, split by domain (a stable hash of the domain), so
    the spread between sites shows how far a figure can be trusted.
These are the shipped binary's figures on the pages its block model was trained on (fitted). The
cross-validated figures, the ones that predict pages nobody trained on, come from
scripts/train_extract.py (a model trained on four domain folds picks the blocks of the fifth);
`make bench-extract` prints both.

usage: extraction_eval.py WINNOW_BINARY SHARED_DIR [--work DIR] [--sets news,wcxb]
                          [--pages-out FILE] [--flags "..."]
The last line printed is "F1 news <f1> wcxb <f1>".
"""
import argparse
import gzip
import hashlib
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from urllib.parse import urlparse

FOLDS = 5
KINDS = ["article", "service", "product", "collection", "forum", "listing", "documentation"]


def load_module(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def domain_of(row):
    host = row.get("domain") or urlparse(row.get("url") or "").hostname or row["id"]
    return host[4:] if host.startswith("www.") else host


def fold_of(domain):
    """A page's fold: a stable hash of its domain, so no site is in two folds."""
    return int(hashlib.sha1(domain.encode()).hexdigest(), 16) % FOLDS


def build_warc(shared, set_dir, out):
    if not os.path.exists(out):
        subprocess.run([sys.executable, os.path.join(shared, "bench/warc/build_warc.py"),
                        "--pages", os.path.join(set_dir, "pages"), "--truth", os.path.join(set_dir, "truth.jsonl"),
                        "--out", out, "--copies", "1", "--seed", "1"], check=True)


def run_winnow(binary, warc, out_dir, flags):
    subprocess.run([binary, "extract", "-q", "--jobs", str(os.cpu_count() or 1), "--input", warc,
                    "--output", out_dir] + flags, check=True)
    docs = []
    for name in sorted(os.listdir(out_dir)):
        if name.endswith(".jsonl.gz"):
            with gzip.open(os.path.join(out_dir, name), "rt", encoding="utf-8") as f:
                docs.extend(json.loads(line) for line in f if line.strip())
    return docs


def warc_url(row):
    """The URL build_warc.py gives a page: its own, or example.org's for a page the truth gives none
    (three WCXB pages; matched by None before, they were scored as empty)."""
    return row.get("url") or f"https://example.org/{row['id']}"


def predictions(docs, truth):
    """{id: doc}: documents matched to pages by URL (pages sharing a URL in the order written)."""
    by_url = defaultdict(list)
    for page_id in sorted(truth):
        by_url[warc_url(truth[page_id])].append(page_id)
    out = {}
    for doc in docs:
        ids = by_url.get(doc["metadata"].get("url"))
        if ids:
            out[ids.pop(0)] = doc
    return out


def norm(text):
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(re.findall(r"\w+", text))


def title_right(pred, truth):
    a, b = norm(pred), norm(truth)
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    return short in long_ and len(short) > 0.6 * len(long_)


def author_right(pred, truth):
    a, b = norm(pred), norm(truth)
    return bool(a and b) and (a in b or b in a)


def date_right(pred, truth):
    day = re.compile(r"\d{4}-\d{2}-\d{2}")
    a, b = day.search(pred or ""), day.search(truth or "")
    return bool(a and b) and a.group(0) == b.group(0)


def metadata_scores(truth, preds):
    checks = {"title": title_right, "author": author_right, "date": date_right}
    fields = {"title": "title", "author": "author", "date": "date_published"}
    result = {}
    for name, check in checks.items():
        ids = [i for i in truth if (truth[i].get(name) or "").strip()]
        if not ids:
            continue
        right = sum(1 for i in ids if check((preds.get(i) or {}).get("metadata", {}).get(fields[name]) or "", truth[i][name]))
        result[name] = (right / len(ids), len(ids))
    return result


def shingle_f1(score, truth, texts, ids):
    if not ids:
        return None
    metrics, _, _ = score.evaluate({i: truth[i]["text"] for i in ids}, {i: texts.get(i, "") for i in ids}, 0)
    return metrics["f1"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary")
    parser.add_argument("shared")
    parser.add_argument("--work", help="where the WARCs are kept between runs (default: a temporary folder)")
    parser.add_argument("--sets", default="news,wcxb")
    parser.add_argument("--pages-out", help="per-page F1 as JSON lines, to compare two builds page by page")
    parser.add_argument("--flags", default="", help="more `winnow extract` options")
    args = parser.parse_args()

    score = load_module("score", os.path.join(args.shared, "bench/extraction/score.py"))
    work = args.work or tempfile.mkdtemp(prefix="winnow-extract-eval-")
    os.makedirs(work, exist_ok=True)
    sets = {"news": "bench/extraction", "wcxb": "bench/extraction-wcxb"}
    f1_line = []
    page_rows = []
    for name in args.sets.split(","):
        set_dir = os.path.join(args.shared, sets[name])
        if not os.path.isdir(set_dir):
            print(f"== {name}: {set_dir} not found, skipped")
            continue
        with open(os.path.join(set_dir, "truth.jsonl"), encoding="utf-8") as f:
            truth = {str(r["id"]): r for r in map(json.loads, filter(str.strip, f))}
        warc = os.path.join(work, f"{name}.warc.gz")
        build_warc(args.shared, set_dir, warc)
        out_dir = tempfile.mkdtemp(prefix=f"{name}-", dir=work)
        preds = predictions(run_winnow(args.binary, warc, out_dir, args.flags.split()), truth)
        subprocess.run(["rm", "-rf", out_dir], check=True)
        texts = {i: d["text"] for i, d in preds.items()}

        ids = sorted(truth)
        overall, stdev, pages = score.evaluate({i: truth[i]["text"] for i in ids}, {i: texts.get(i, "") for i in ids}, 200)
        spread = stdev["f1"]
        folds = defaultdict(list)
        for i in ids:
            folds[fold_of(domain_of(truth[i]))].append(i)
        fold_f1 = [shingle_f1(score, truth, texts, folds[k]) for k in range(FOLDS)]
        print(f"== {name}: {len(ids)} pages, {len(preds)} documents out, fed as a WARC with their URLs")
        print(f"  shingle F1 {overall['f1']:.3f} ±{spread:.3f} (P {overall['precision']:.3f} R {overall['recall']:.3f})")
        print("  by domain fold: " + "  ".join(f"{k}: {f:.3f} ({len(folds[k])})" for k, f in enumerate(fold_f1)))
        print(f"  fold spread: min {min(fold_f1):.3f} max {max(fold_f1):.3f}")
        if any(truth[i].get("page_type") for i in ids):
            print(f"  {'kind':<15}{'n':>5}{'F1':>8}")
            for kind in KINDS:
                kind_ids = [i for i in ids if truth[i].get("page_type") == kind]
                if kind_ids:
                    print(f"  {kind:<15}{len(kind_ids):>5}{shingle_f1(score, truth, texts, kind_ids):>8.3f}")
        meta = metadata_scores(truth, preds)
        if meta:
            print("  metadata: " + "  ".join(f"{k} {v:.3f} ({n})" for k, (v, n) in meta.items()))
        f1_line.append(f"{name} {overall['f1']:.3f}")
        per_page = {p[3]: p for p in pages}
        for i in ids:
            f1, p, r, _id = per_page.get(i, (0, 0, 0, i))
            page_rows.append({"set": name, "id": i, "kind": truth[i].get("page_type", "article"), "fold": fold_of(domain_of(truth[i])),
                              "f1": round(f1, 4), "p": round(p, 4), "r": round(r, 4)})
    if args.pages_out:
        with open(args.pages_out, "w", encoding="utf-8") as f:
            for row in page_rows:
                f.write(json.dumps(row) + "\n")
    print("F1 " + " ".join(f1_line))


if __name__ == "__main__":
    main()
