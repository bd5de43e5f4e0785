#!/usr/bin/env python3
"""Check the run report in a real browser and `winnow inspect` in a real terminal.

usage: check_report.py WINNOW_BINARY WORK_DIR

1. Runs Pipelines/pretraining.yaml on SampleCorpus twice (the second run reads nothing new) with
   --keep-dropped and --explain.
2. Headless Chromium loads OUTPUT/report.html, dumps the DOM after its script ran and takes a
   screenshot. The check reads the counts from the page and compares them with counts computed
   here from the shards themselves (kept and dropped), not from summary.json.
3. `winnow inspect` runs in tmux: pages through dropped documents with send-keys, read back with
   capture-pane.
"""
import collections
import glob
import gzip
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
import time

SECTIONS = ["funnel", "drops", "throughput", "lengths", "languages", "dates", "domains", "clusters", "samples", "trend"]
BOUNDS = [100, 300, 1000, 3000, 10000, 30000, 100000]


def fail(message):
    sys.exit(f"check_report: {message}")


def records(pattern):
    out = []
    for path in sorted(glob.glob(pattern)):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            out.extend(json.loads(line) for line in f)
    return out


class Page(html.parser.HTMLParser):
    """Tables by id (rows of cell texts), section ids, and attributes of interest."""

    def __init__(self):
        super().__init__()
        self.tables, self.sections, self.details, self.body = {}, set(), {}, {}
        self.table = None
        self.row = None
        self.cell = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "body":
            self.body = a
        if tag == "section" and "id" in a:
            self.sections.add(a["id"])
        if tag == "table":
            self.table = a.get("id")
            self.tables[self.table] = []
        if tag == "tr" and self.table is not None:
            self.row = []
        if tag in ("td", "th") and self.row is not None:
            self.cell = ""
        if tag == "details" and "data-reason" in a:
            self.details[a["data-reason"]] = int(a["data-samples"])

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        if tag == "tr" and self.row is not None:
            if self.row and self.table is not None:
                self.tables[self.table].append(self.row)
            self.row = None
        if tag == "table":
            self.table = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def column(self, table, key_col=0, value_col=1):
        rows = self.tables.get(table)
        if rows is None:
            fail(f"table #{table} missing from the page")
        return {r[key_col]: int(r[value_col].replace(",", "")) for r in rows[1:]}


def domain(url):
    if not url or "://" not in url:
        return "(no url)"
    host = re.split(r"[/?#]", url.split("://", 1)[1], 1)[0].rsplit("@", 1)[-1]
    if ":" in host and "]" not in host:
        host = host.rsplit(":", 1)[0]
    host = host.lower()
    return host[4:] if host.startswith("www.") else host or "(no url)"


def expect(name, got, want):
    if got != want:
        fail(f"{name}: the page shows {got}, the shards say {want}")
    print(f"report: {name} matches the shards ({sum(want.values()) if isinstance(want, dict) else want})")


def main():
    binary, work = os.path.abspath(sys.argv[1]), sys.argv[2]
    out, dropped = os.path.join(work, "report-run"), os.path.join(work, "report-run", "dropped")
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    for _ in range(2):
        subprocess.run([binary, "run", "Pipelines/pretraining.yaml", "-q", "-o", out, "--keep-dropped", dropped, "--explain"],
                       check=True, env=env)
    report = os.path.join(out, "report.html")
    if not os.path.exists(report):
        fail("the run wrote no report.html")
    if re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", open(report, encoding="utf-8").read()):
        fail("report.html loads something from the network")

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        fail("chromium is not installed (scripts/check_output.sh installs it)")
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--enable-logging=stderr", "--v=0"]
    dom = subprocess.run(flags + ["--dump-dom", "file://" + os.path.abspath(report)], capture_output=True, text=True, timeout=120)
    if dom.returncode != 0 or "<body" not in dom.stdout:
        fail(f"chromium could not load the report: {dom.stderr[-2000:]}")
    errors = [line for line in dom.stderr.splitlines() if "Uncaught" in line or "CONSOLE" in line and "error" in line.lower()]
    if errors:
        fail("script errors: " + " | ".join(errors))
    screenshot = os.path.join(work, "report.png")
    subprocess.run(flags + ["--window-size=1100,2600", f"--screenshot={screenshot}", "file://" + os.path.abspath(report)],
                   capture_output=True, timeout=120, check=True)
    if not os.path.exists(screenshot) or os.path.getsize(screenshot) < 20000:
        fail("no screenshot, or an empty one")

    page = Page()
    page.feed(dom.stdout)
    if page.body.get("data-script") != "ok":
        fail(f"the report's script did not finish (body data-script={page.body.get('data-script')!r})")
    missing = [s for s in SECTIONS if s not in page.sections]
    if missing:
        fail(f"sections missing: {missing}")

    # Two runs: the trend shows both; the second read nothing new.
    summaries = sorted(glob.glob(os.path.join(out, "summary-*.json")))
    trend = page.tables.get("trend-table", [])[1:]
    if len(trend) != len(summaries) or len(trend) != 2:
        fail(f"trend table has {len(trend)} runs, the directory {len(summaries)}")
    first = trend[0]
    kept = records(os.path.join(out, "documents", "shard-*.jsonl.gz"))
    drops = records(os.path.join(dropped, "dropped-*.jsonl.gz"))
    if int(first[4]) != len(kept):
        fail(f"trend: run 1 wrote {first[4]} documents on the page, the shards hold {len(kept)}")
    if int(first[5]) != len(drops):
        fail(f"trend: run 1 dropped {first[5]} documents on the page, the dropped shards hold {len(drops)}")
    print(f"report: trend shows both runs; run 1 wrote {len(kept)} and dropped {len(drops)}, as the shards")

    # The distributions are of the output as it stands: run 1's documents (run 2 read nothing).
    page1 = page

    reasons = collections.Counter(d["metadata"]["drop_reason"] for d in drops)
    expect("drop reasons", page1.column("drops-table", 0, 2), dict(reasons))
    funnel = {r[0]: (int(r[1]), int(r[2])) for r in page1.tables["funnel-table"][1:]}
    if funnel["write"][1] != len(kept) or funnel["read"][0] != len(kept) + len(drops):
        fail(f"funnel: read {funnel['read'][0]} / written {funnel['write'][1]}, shards {len(kept) + len(drops)} / {len(kept)}")
    print(f"report: funnel matches the shards (read {len(kept) + len(drops)}, written {len(kept)})")
    expect("languages", page1.column("languages-table"), dict(collections.Counter(d["metadata"]["language"] or "unknown" for d in kept)))
    years = collections.Counter((d["metadata"]["date_published"] or "")[:4] or "unknown" for d in kept)
    expect("publication years", page1.column("dates-table"), dict(years))
    buckets = collections.Counter()
    labels = [r[0] for r in page1.tables["lengths-table"][1:]]
    for d in kept:
        n = len(d["text"])
        buckets[labels[next((i for i, b in enumerate(BOUNDS) if n < b), len(BOUNDS))]] += 1
    expect("text lengths", {k: v for k, v in page1.column("lengths-table").items() if v}, dict(buckets))
    expect("domains kept", page1.column("domains_kept-table"), dict(collections.Counter(domain(d["metadata"]["url"]) for d in kept)))
    expect("domains dropped", page1.column("domains_dropped-table"), dict(collections.Counter(domain(d["metadata"]["url"]) for d in drops)))
    # A duplicate's keeper may itself be a dropped duplicate (an exact copy of a near-duplicate):
    # a cluster is named by the document at the end of the chain.
    parent = {d["id"]: d["metadata"]["duplicate_of"] for d in drops if d["metadata"]["drop_stage"] == "dedup"}

    def root(i):
        while i in parent:
            i = parent[i]
        return i
    keepers = collections.Counter(root(i) for i in parent)
    sizes = collections.Counter(n + 1 for n in keepers.values())
    expect("duplicate clusters", page1.column("clusters-table"), {str(k): v for k, v in sizes.items()})
    for reason, n in reasons.items():
        if page1.details.get(reason) != min(6, n):
            fail(f"samples: {reason} shows {page1.details.get(reason)} documents, expected {min(6, n)}")
    print(f"report: samples shown for all {len(reasons)} drop reasons; screenshot {screenshot}")

    # winnow inspect in a real terminal.
    if not shutil.which("tmux"):
        fail("tmux is not installed (scripts/check_output.sh installs it)")
    session = f"winnow-inspect-{os.getpid()}"
    reason, count = reasons.most_common(1)[0]
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "140", "-y", "40",
                    f"{binary} inspect {out} --reason {reason}; echo inspect-exited-$?; sleep 30"], check=True)

    def screen():
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True).stdout

    def wait_for(text):
        for _ in range(100):
            s = screen()
            if text in s:
                return s
            time.sleep(0.1)
        fail(f"inspect: {text!r} never appeared; screen:\n{screen()}")

    try:
        first_screen = wait_for(f"[1/{count}]")
        if f"dropped at dedup: {reason}" not in first_screen and f": {reason}" not in first_screen:
            fail(f"inspect: the first screen does not name the reason:\n{first_screen}")
        if "│" not in first_screen:
            fail("inspect: text and metadata are not side by side on a 140-column terminal")
        subprocess.run(["tmux", "send-keys", "-t", session, "n"], check=True)
        wait_for(f"[2/{count}]")
        subprocess.run(["tmux", "send-keys", "-t", session, "p"], check=True)
        wait_for(f"[1/{count}]")
        subprocess.run(["tmux", "send-keys", "-t", session, "q"], check=True)
        wait_for("inspect-exited-0")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    print(f"inspect: paged through {count} {reason} documents in tmux (next, previous, quit)")


if __name__ == "__main__":
    main()
