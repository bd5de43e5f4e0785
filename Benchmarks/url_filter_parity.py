#!/usr/bin/env python3
"""Winnow's url_filter against datatrove's URLFilter (FineWeb's), with the same lists.

usage: url_filter_parity.py WINNOW_BINARY LISTS_DIR SHARED_DIR [DATATROVE_PYTHON]

LISTS_DIR is what scripts/fineweb_lists.sh writes (datatrove 0.6.0's own lists), so both sides
read the same entries. The URLs: every page URL of both extraction benchmarks (real pages, almost
none blocked), and URLs made from the lists (a seeded sample): listed domains bare, with `www.`,
with a subdomain and a path; listed URLs with a scheme, with `www.` and with a page under them;
URLs with a banned word, two soft-banned words, one soft-banned word, a banned sub-word inside a
longer word. Winnow reads them as NDJSON documents (`metadata.url`) with `winnow url-filter`;
datatrove runs in DATATROVE_PYTHON (a Python with datatrove, tldextract and pyahocorasick; default
python3) with tldextract's bundled suffix list (no network). Prints the agreement and each kind of
disagreement with examples.
"""
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile

DATATROVE = r'''
import json, sys, tldextract
from datatrove.data import Document
from datatrove.pipeline.filters.url_filter import URLFilter
f = URLFilter()
f.download_data()
f.tldextractor = tldextract.TLDExtract(suffix_list_urls=())
for line in sys.stdin:
    url = line.rstrip("\n")
    r = f.filter(Document(text="", id="x", metadata={"url": url}))
    print(json.dumps([url, r is True or (isinstance(r, tuple) and r[0])]))
'''


def urls(lists, shared, rng):
    out = []
    for truth in ["bench/extraction/truth.jsonl", "bench/extraction-wcxb/truth.jsonl"]:
        for line in open(os.path.join(shared, truth)):
            url = json.loads(line).get("url")
            if url:
                out.append(("real page", url))
    domains = [l.strip() for l in open(os.path.join(lists, "adult/domains"), errors="replace") if l.strip() and not l.startswith("#")]
    for d in rng.sample(domains, 300):
        out += [("listed domain", f"https://{d}/"), ("listed domain + www", f"http://www.{d}/index.html"),
                ("listed domain + subdomain", f"https://cdn.media.{d}/a/b?c=1")]
    entries = [l.strip() for l in open(os.path.join(lists, "adult/urls"), errors="replace") if l.strip() and not l.startswith("#")]
    for u in rng.sample(entries, 200):
        out += [("listed URL", f"http://{u}"), ("listed URL + www", f"https://www.{u}"), ("listed URL + page", f"http://{u.rstrip('/')}/page2.html")]
    def words(name):
        return [l.strip() for l in open(os.path.join(lists, name)) if l.strip() and not l.startswith("#")]
    for w in rng.sample(words("banned_words.txt"), 60):
        out.append(("banned word", f"https://news.example.org/2024/{w}-story"))
    soft = words("soft_banned_words.txt")
    for _ in range(60):
        a, b = rng.sample(soft, 2)
        out.append(("two soft words", f"https://blog.example.org/{a}/{b}.html"))
    for w in rng.sample(soft, 30):
        out.append(("one soft word", f"https://blog.example.org/{w}/index.html"))
    for w in rng.sample(words("banned_subwords.txt"), 60):
        out.append(("banned sub-word", f"https://shop.example.org/x{w}z"))
    return out


def main():
    binary, lists, shared = sys.argv[1:4]
    python = sys.argv[4] if len(sys.argv) > 4 else sys.executable
    rng = random.Random(5)
    cases = urls(lists, shared, rng)
    with tempfile.TemporaryDirectory() as tmp:
        with gzip.open(os.path.join(tmp, "urls.jsonl.gz"), "wt") as f:
            for i, (_, url) in enumerate(cases):
                f.write(json.dumps({"id": str(i), "text": "x", "metadata": {"url": url}}) + "\n")
        subprocess.run([binary, "url-filter", "-q", "--no-report", "-i", os.path.join(tmp, "urls.jsonl.gz"), "-o", os.path.join(tmp, "out"),
                        "--url-blocklist", lists, "--keep-dropped", os.path.join(tmp, "dropped")], check=True)
        winnow_blocked = set()
        for name in os.listdir(os.path.join(tmp, "dropped")):
            for line in gzip.open(os.path.join(tmp, "dropped", name), "rt"):
                winnow_blocked.add(int(json.loads(line)["id"]))
    result = subprocess.run([python, "-c", DATATROVE], input="\n".join(u for _, u in cases) + "\n", capture_output=True, text=True, check=True)
    kept = [json.loads(l)[1] for l in result.stdout.splitlines()]
    assert len(kept) == len(cases)
    by_kind = {}
    for i, (kind, url) in enumerate(cases):
        w, d = i in winnow_blocked, not kept[i]
        row = by_kind.setdefault(kind, {"n": 0, "both": 0, "winnow only": [], "datatrove only": []})
        row["n"] += 1
        row["both"] += w and d
        if w != d:
            row["winnow only" if w else "datatrove only"].append(url)
    agree = sum(1 for i in range(len(cases)) if (i in winnow_blocked) == (not kept[i]))
    print(f"{len(cases)} URLs, same decision on {agree} ({100 * agree / len(cases):.1f}%)")
    print(f"{'kind':28} {'URLs':>5} {'both block':>10} {'Winnow only':>11} {'datatrove only':>14}")
    for kind, row in by_kind.items():
        print(f"{kind:28} {row['n']:5} {row['both']:10} {len(row['winnow only']):11} {len(row['datatrove only']):14}")
    for kind, row in by_kind.items():
        for side in ["winnow only", "datatrove only"]:
            for url in row[side][:3]:
                print(f"  {kind}, blocked by {side.split()[0]} only: {url}")


if __name__ == "__main__":
    main()
