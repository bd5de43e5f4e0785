#!/usr/bin/env python3
"""The peers' extraction quality on the same development pages, scored the same way as Winnow's.

usage: extraction_peers.py SHARED_DIR [--sets news,wcxb]
needs: pip install trafilatura==2.3.1 readability-lxml resiliparse

Each page is given to each extractor with its URL (as a crawl gives it; they read no WARC):
trafilatura 2.3.1 with comments off (as the WCXB README's reference), readability-lxml's
summary as text, resiliparse's main_content. Printed per set and per page kind: shingle F1 (the
scorer of ../shared/bench/extraction), and trafilatura's metadata accuracy by the checks of
extraction_eval.py. Run it beside extraction_eval.py (make bench-extract) for one table.
"""
import argparse
import gzip
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import extraction_eval as E  # noqa: E402


def extractors():
    import lxml.html
    import trafilatura
    from readability import Document
    from resiliparse.extract.html2text import extract_plain_text

    def readability_text(html, url):
        summary = Document(html, url=url).summary(html_partial=True)
        return "\n".join(t.strip() for t in lxml.html.fromstring(summary).itertext() if t.strip())

    def trafilatura_doc(html, url):
        doc = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)
        if doc is None:
            return "", {}
        doc = doc if isinstance(doc, dict) else doc.as_dict()
        return doc.get("text") or "", {"title": doc.get("title"), "author": doc.get("author"), "date_published": doc.get("date")}

    return {
        "trafilatura 2.3.1": trafilatura_doc,
        "readability-lxml 0.9": lambda h, u: (readability_text(h, u), {}),
        "resiliparse 2.0.1": lambda h, u: (extract_plain_text(h, main_content=True), {}),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("shared")
    parser.add_argument("--sets", default="news,wcxb")
    args = parser.parse_args()
    score = E.load_module("score", os.path.join(args.shared, "bench/extraction/score.py"))
    sets = {"news": "bench/extraction", "wcxb": "bench/extraction-wcxb"}
    tools = extractors()
    for name in args.sets.split(","):
        set_dir = os.path.join(args.shared, sets[name])
        with open(os.path.join(set_dir, "truth.jsonl"), encoding="utf-8") as f:
            truth = {str(r["id"]): r for r in map(json.loads, filter(str.strip, f))}
        pages = {i: gzip.open(os.path.join(set_dir, "pages", f"{i}.html.gz")).read().decode("utf-8", "replace") for i in truth}
        ids = sorted(truth)
        kinds = [k for k in E.KINDS if any(truth[i].get("page_type") == k for i in ids)]
        print(f"== {name}: {len(ids)} pages, each with its URL")
        print(f"  {'extractor':<24}{'all':>7}" + "".join(f"{k[:11]:>12}" for k in kinds) + f"{'docs/s':>9}")
        for tool, fn in tools.items():
            texts, meta = {}, {}
            start = time.perf_counter()
            for i in ids:
                try:
                    texts[i], meta[i] = fn(pages[i], truth[i].get("url"))
                except Exception:  # a peer's crash on a page counts as an empty output
                    texts[i], meta[i] = "", {}
            rate = len(ids) / (time.perf_counter() - start)
            row = f"  {tool:<24}{E.shingle_f1(score, truth, texts, ids):>7.3f}"
            row += "".join(f"{E.shingle_f1(score, truth, texts, [i for i in ids if truth[i].get('page_type') == k]):>12.3f}" for k in kinds)
            print(row + f"{rate:>9.0f}")
            scores = E.metadata_scores(truth, {i: {"metadata": m} for i, m in meta.items()}) if any(meta.values()) else {}
            if scores:
                print(f"  {'':<24}metadata: " + "  ".join(f"{k} {v:.3f} ({n})" for k, (v, n) in scores.items()))


if __name__ == "__main__":
    main()
