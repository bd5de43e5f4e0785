#!/usr/bin/env python3
"""`winnow fetch` against a local server on 127.0.0.1 (scripts/fetch_test_server.py), never
another address: every failure kind, politeness per host (127.0.0.1 and localhost), resume,
an interrupted run, `warcio check` and `warcio index`, and `winnow run` on the fetched archive
against the original pages. Prints the fetch throughput against the local server.

usage: check_fetch.py WINNOW_BINARY BENCH_PAGES_DIR WORK_DIR
(BENCH_PAGES_DIR: the news pages of Tests/WinnowTests/Fixtures/news/pages, for the throughput figure)
"""
import glob
import gzip
import json
import os
import re
import signal
import subprocess
import sys
import time


def fail(message):
    sys.exit(f"check_fetch: {message}")


def log_entries(path):
    return [json.loads(line) for line in open(path)] if os.path.exists(path) else []


def main():
    binary, bench_pages, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), os.path.abspath(sys.argv[3])
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        import warcio  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--disable-pip-version-check", "warcio"], check=True)
    pages = os.path.join(root, "SampleCorpus/pages")
    names = sorted(os.listdir(pages))
    log = os.path.join(work, "fetch-server.log")
    server = subprocess.Popen([sys.executable, os.path.join(root, "scripts/fetch_test_server.py"), pages, log], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        check(binary, bench_pages, work, root, port, names, log)
    finally:
        server.kill()


def fetch(binary, urls, out, *extra, timeout=300):
    return subprocess.run([binary, "fetch", "--urls", urls, "-o", out, "--contact", "ci@example.org", *extra],
                          capture_output=True, text=True, timeout=timeout)


def check(binary, bench_pages, work, root, port, names, log):
    a, b = f"http://127.0.0.1:{port}", f"http://localhost:{port}"
    urls = os.path.join(work, "urls.txt")
    listed = [f"{a}/page/{names[0]}", f"{b}/page/{names[5]}", f"{a}/redirect", f"{a}/loop/a", f"{a}/missing", f"{a}/flaky",
              f"{b}/limited", f"{a}/slow", f"{a}/big", f"{b}/gzip", f"{b}/chunked", f"{a}/image.png", f"{a}/private/secret"]
    with open(urls, "w") as f:
        f.write("# fetch test\n\n" + "\n".join(listed[:5]) + "\nnot a url\n" + "\n".join(listed[5:]) + "\nftp://example.org/file\n")
    out = os.path.join(work, "fetched")
    flags = ["--delay", "0.3", "--timeout", "2", "--connect-timeout", "2", "--max-body-size", "1", "--backoff", "0.2", "--retries", "2"]
    r = fetch(binary, urls, out, *flags)
    if r.returncode != 2:
        fail(f"exit {r.returncode} (2 expected: some URLs fail):\n{r.stderr}")
    err = r.stderr
    for expected in ["urls.txt:8: not a URL: not a url", "urls.txt:17: not an http(s) URL with a host", "fetched 9, failed 4, invalid lines 2",
                     "failures: http_404 1, redirect_loop 1, robots_disallowed 1, timeout 1"]:
        if expected not in err:
            fail(f"the summary lacks {expected!r}:\n{err}")
    print("fetch: 13 URLs: 9 fetched; http_404, redirect_loop, robots_disallowed, timeout counted once each; 2 invalid lines named")

    warcs = sorted(glob.glob(os.path.join(out, "*.warc.gz")))
    for w in warcs:
        c = subprocess.run([sys.executable, "-m", "warcio.cli", "check", "-v", w], capture_output=True, text=True)
        if c.returncode != 0 or "digest fail" in c.stdout:
            fail(f"warcio check {w}: {c.stdout[-1500:]} {c.stderr[-500:]}")
    index = []
    for w in warcs:
        ix = subprocess.run([sys.executable, "-m", "warcio.cli", "index", "-f", "warc-type,warc-target-uri,http:status,warc-truncated", w],
                            capture_output=True, text=True, check=True)
        index += [json.loads(line) for line in ix.stdout.splitlines()]
    responses = [(e.get("warc-target-uri", "").split(str(port))[-1], e.get("http:status"), e.get("warc-truncated")) for e in index if e["warc-type"] == "response"]
    def seen(path, status):
        return any(p == path and s == status for p, s, _ in responses)
    for path, status in [("/redirect", "301"), (f"/page/{names[0]}", "200"), ("/flaky", "500"), ("/flaky", "200"), ("/limited", "429"),
                         ("/limited", "200"), ("/missing", "404"), ("/loop/a", "302"), ("/loop/b", "302"), ("/gzip", "200"), ("/chunked", "200")]:
        if not seen(path, status):
            fail(f"no {status} response record for {path}: {responses}")
    if not any(p == "/big" and t == "length" for p, _, t in responses):
        fail("the body over the size limit is not marked WARC-Truncated: length")
    if any(p.startswith("/private") for p, _, _ in responses):
        fail("a path robots.txt disallows was fetched")
    requests = sum(1 for e in index if e["warc-type"] == "request")
    print(f"fetch: {len(warcs)} WARC file(s) pass warcio check; warcio index lists {requests} request and {len(responses)} response records "
          "(redirect hops, 500 then 200, 429 then 200, WARC-Truncated on the 3 MiB body)")

    entries = log_entries(log)
    robots = [e for e in entries if e["path"] == "/robots.txt"]
    if sorted(e["host"].split(":")[0] for e in robots) != ["127.0.0.1", "localhost"]:
        fail(f"robots.txt should be fetched once per host: {robots}")
    if any("ci@example.org" not in e["agent"] for e in entries):
        fail("a request without the contact in its User-Agent")
    for host in ["127.0.0.1", "localhost"]:
        mine = sorted((e for e in entries if e["host"].startswith(host)), key=lambda e: e["start"])
        for x, y in zip(mine, mine[1:]):
            if x["path"] == "/slow":
                continue   # the client gave up at its timeout; the server's handler sleeps on
            if y["start"] < x["end"]:
                fail(f"two requests to {host} at once: {x['path']} and {y['path']}")
            if y["start"] - x["end"] < 0.25:
                fail(f"{host}: {y['path']} only {y['start'] - x['end']:.2f} s after {x['path']} (delay 0.3 s)")
    limited = sorted((e for e in entries if e["path"] == "/limited"), key=lambda e: e["start"])
    if len(limited) != 2 or limited[1]["start"] - limited[0]["end"] < 0.95:
        fail(f"Retry-After: 1 not honoured: {limited}")
    overlap = any(x["host"] != y["host"] and x["start"] < y["end"] and y["start"] < x["end"] for x in entries for y in entries)
    print(f"fetch: one request at a time per host, at least 0.3 s apart; Retry-After honoured; robots.txt once per host; "
          f"the two hosts fetched in parallel: {overlap}")

    # Resume: the archive is the record; only URLs without a 2xx are asked again.
    before = len(entries)
    r2 = fetch(binary, urls, out, *flags)
    again = [e["path"] for e in log_entries(log)[before:] if e["path"] != "/robots.txt"]
    if "13 URLs (9 fetched before)" not in r2.stderr:
        fail(f"the second run did not skip the fetched URLs:\n{r2.stderr}")
    if sorted(set(again)) != ["/loop/a", "/loop/b", "/missing", "/slow"]:
        fail(f"the second run asked for {sorted(set(again))}")
    print("fetch: a second run skips the 9 fetched URLs and asks only for the failed ones again")

    # An interrupted run leaves only complete WARC files behind.
    slow_out = os.path.join(work, "fetched-killed")
    slow_urls = os.path.join(work, "urls-slow.txt")
    with open(slow_urls, "w") as f:
        f.write("\n".join(f"{a}/page/{n}" for n in names) + "\n")
    p = subprocess.Popen([binary, "fetch", "--urls", slow_urls, "-o", slow_out, "--delay", "0.2"], stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    p.send_signal(signal.SIGKILL)
    p.wait()
    visible = [n for n in os.listdir(slow_out) if not n.startswith(".")]
    if visible:
        fail(f"a killed run left visible files: {visible}")
    r3 = fetch(binary, slow_urls, slow_out, "--delay", "0")
    if r3.returncode != 0 or os.listdir(slow_out).count(".winnow.lock") != 1 or any(n.endswith(".open") for n in os.listdir(slow_out)):
        fail(f"the run after the kill did not complete cleanly: {r3.stderr} {os.listdir(slow_out)}")
    print("fetch: a run killed mid-file leaves no visible WARC file; the next run removes its temporary file and completes")

    # A URL that robots.txt excludes is the site's policy: counted, exit 0 when nothing else failed.
    only_excluded = os.path.join(work, "urls-excluded.txt")
    with open(only_excluded, "w") as f:
        f.write(f"{a}/private/secret\n")
    r = fetch(binary, only_excluded, os.path.join(work, "fetched-excluded"), *flags)
    if r.returncode != 0 or "robots_disallowed 1" not in r.stderr:
        fail(f"a robots.txt exclusion alone: exit {r.returncode} (0 expected), counted:\n{r.stderr}")
    print("fetch: a URL robots.txt excludes alone is counted and exits 0")

    # winnow run on the fetched archive extracts what it extracts from the pages themselves.
    ext_f, ext_o = os.path.join(work, "fetch-extract"), os.path.join(work, "fetch-extract-orig")
    subprocess.run([binary, "extract", "-q", "-i", slow_out, "-o", ext_f], check=True)
    subprocess.run([binary, "extract", "-q", "-i", os.path.join(root, "SampleCorpus/pages"), "-o", ext_o], check=True)
    def texts(d, key):
        out = {}
        for path in glob.glob(os.path.join(d, "extract-*.jsonl.gz")):
            for line in gzip.open(path, "rt", encoding="utf-8"):
                rec = json.loads(line)
                out[key(rec)] = rec["text"]
        return out
    fetched = texts(ext_f, lambda r: r["metadata"]["url"].rsplit("/", 1)[-1])
    original = texts(ext_o, lambda r: r["metadata"]["input"].rsplit("/", 1)[-1])
    differ = [n for n in original if fetched.get(n) != original[n]]
    if len(fetched) != len(names) or differ:
        fail(f"{len(differ)} of {len(names)} pages extract differently from the archive: {differ[:3]}")
    print(f"fetch: winnow extract on the fetched archive gives the same text as on the {len(names)} original pages")

    # Throughput against the local server: the benchmark pages, two hosts, no delay.
    bench = sorted(os.listdir(bench_pages))
    tp_urls = os.path.join(work, "urls-bench.txt")
    server2 = subprocess.Popen([sys.executable, os.path.join(root, "scripts/fetch_test_server.py"), bench_pages,
                                os.path.join(work, "fetch-server2.log")], stdout=subprocess.PIPE, text=True)
    try:
        port2 = int(server2.stdout.readline())
        with open(tp_urls, "w") as f:
            f.write("\n".join(f"http://{'127.0.0.1' if i % 2 else 'localhost'}:{port2}/page/{n}" for i, n in enumerate(bench)) + "\n")
        t = time.time()
        r4 = fetch(binary, tp_urls, os.path.join(work, "fetched-bench"), "--delay", "0", "--per-host", "4", "--concurrency", "8")
        seconds = time.time() - t
    finally:
        server2.kill()
    m = re.search(r"fetched (\d+)", r4.stderr)
    mb = re.search(r"([\d.]+) MB of bodies", r4.stderr)
    if r4.returncode != 0 or not m or int(m.group(1)) != len(bench):
        fail(f"the throughput run failed: {r4.stderr}")
    # Every body as the server sent it (after undoing its encodings), byte for byte.
    from warcio.archiveiterator import ArchiveIterator
    bodies = {}
    for w in glob.glob(os.path.join(work, "fetched-bench", "*.warc.gz")):
        with open(w, "rb") as f:
            for rec in ArchiveIterator(f):
                if rec.rec_type == "response":
                    bodies[rec.rec_headers.get_header("WARC-Target-URI").rsplit("/", 1)[-1]] = rec.content_stream().read()
    wrong = [n for n in bench if bodies.get(n) != gzip.decompress(open(os.path.join(bench_pages, n), "rb").read())]
    if wrong:
        fail(f"{len(wrong)} of {len(bench)} recorded bodies differ from the served pages: {wrong[:3]}")
    print(f"fetch: throughput {len(bench)} pages ({mb.group(1)} MB) from the local server in {seconds:.1f} s = {len(bench) / seconds:.0f} pages/s "
          "(2 hosts, 4 connections each, no delay)")


if __name__ == "__main__":
    main()
