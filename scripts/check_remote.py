#!/usr/bin/env python3
"""Remote inputs end to end: a listing of 20 WARC files served from 127.0.0.1
(scripts/remote_test_server.py) with faults injected, read with --input-list and --input-prefix,
against the same tree read from disk.

Checks: the documents are identical to the local run's (every field but `added`); a connection cut
halfway or stalled resumes with a Range request (and a server that ignores the range has the
bytes already read skipped); 503 and 429 (Retry-After) are retried; a second run reads nothing new (HEAD requests
only); a file added to the listing is the only one read by the third run; a file that fails is
retried by the next run; the peak memory of the remote run stays within the download buffers of
the local run's (one file of the listing is 20 times the others, so a reader that fell behind
would show it).

usage: check_remote.py WINNOW_BINARY WORK_DIR
The pages are the news fixtures of Tests/WinnowTests/Fixtures/news (pages and their URLs).
"""
import gzip
import json
import os
import subprocess
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = os.path.join(ROOT, "Tests/WinnowTests/Fixtures/news/pages")
TRUTH = os.path.join(ROOT, "Tests/WinnowTests/Fixtures/news/truth.jsonl")
CONCURRENCY = 4
BUFFER_MIB = 8


def fail(message):
    sys.exit(f"check_remote: {message}")


def warc_record(url, html, key):
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n" % len(html) + html
    record_id = uuid.uuid5(uuid.NAMESPACE_URL, key)
    head = (f"WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: {url}\r\nWARC-Date: 2024-05-01T00:00:00Z\r\n"
            f"WARC-Record-ID: <urn:uuid:{record_id}>\r\nContent-Type: application/http; msgtype=response\r\n"
            f"Content-Length: {len(http)}\r\n\r\n").encode()
    return gzip.compress(head + http + b"\r\n\r\n", mtime=0)


def build_tree(tree, count):
    """`count` WARC files in Common Crawl's layout, each a member per record, the pages dealt round
    robin; the last file holds every page 20 times (later copies are duplicates). Returns the
    relative paths in listing order."""
    urls = {json.loads(line)["id"]: json.loads(line)["url"] for line in open(TRUTH)}
    names = sorted(n for n in os.listdir(PAGES) if n.endswith(".html.gz"))
    pages = [(urls[n[: -len(".html.gz")]], gzip.decompress(open(os.path.join(PAGES, n), "rb").read())) for n in names]
    paths = []
    for i in range(count):
        rel = f"crawl-data/CC-TEST/segments/{i // 10:04d}/warc/test-{i:05d}.warc.gz"
        chosen = [(p, 1) for p in pages[i::count - 1]] if i < count - 1 else [(p, r) for r in range(20) for p in pages]
        os.makedirs(os.path.join(tree, os.path.dirname(rel)), exist_ok=True)
        with open(os.path.join(tree, rel), "wb") as f:
            for (url, html), copy in chosen:
                f.write(warc_record(url, html, f"{rel}/{url}/{copy}"))
        paths.append(rel)
    return paths


def write_listing(tree, paths):
    with gzip.open(os.path.join(tree, "warc.paths.gz"), "wt") as f:
        f.write("".join(p + "\n" for p in paths))


def run(binary, args):
    """Runs winnow; returns its exit status and standard error."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    proc = subprocess.run([binary, "run", "--no-report", "--no-progress", *args], stderr=subprocess.PIPE, text=True, env=env)
    return proc.returncode, proc.stderr


def peak_rss_mib(binary, args):
    """Runs winnow under os.wait4 to read its peak resident memory (MiB)."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1700000000")
    proc = subprocess.Popen([binary, "run", "--no-report", "--no-progress", "-q", *args], env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        fail(f"winnow run {' '.join(args)} exited {code}")
    return usage.ru_maxrss / 1024


def documents(out):
    """Every document of an output, `added` aside, as sorted JSON lines."""
    folder = os.path.join(out, "documents")
    lines = []
    for name in sorted(os.listdir(folder)):
        with gzip.open(os.path.join(folder, name), "rt") as f:
            for line in f:
                doc = json.loads(line)
                doc.pop("added", None)
                lines.append(json.dumps(doc, sort_keys=True))
    return lines


def requests(log, since=0):
    """The requests logged after the first `since`, but for the listing's (read by every run)."""
    entries = [json.loads(line) for line in open(log)] if os.path.exists(log) else []
    return [e for e in entries[since:] if e["path"] != "/warc.paths.gz"], len(entries)


def main():
    binary, work = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tree = os.path.join(work, "remote-tree")
    paths = build_tree(tree, 21)
    listed, extra = paths[:19] + paths[20:], paths[19]  # 20 files listed; one added later
    write_listing(tree, listed)
    faults_file, log = os.path.join(work, "remote-faults.json"), os.path.join(work, "remote-server.log")
    faults = {"/" + listed[2]: ["cut"], "/" + listed[4]: ["503"], "/" + listed[6]: ["429"],
              "/" + listed[8]: ["cut", "no-range"], "/" + listed[10]: ["cut", "cut"], "/" + listed[12]: ["stall"],
              "/" + listed[19]: ["cut"]}
    json.dump(faults, open(faults_file, "w"))
    server = subprocess.Popen([sys.executable, os.path.join(ROOT, "scripts/remote_test_server.py"), tree, faults_file, log],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        check(binary, work, tree, listed, extra, faults, faults_file, log, f"http://127.0.0.1:{port}")
    finally:
        server.kill()


def check(binary, work, tree, listed, extra, faults, faults_file, log, base):
    local_list = os.path.join(work, "local.paths")
    open(local_list, "w").write("".join(p + "\n" for p in listed))
    local, remote = os.path.join(work, "remote-local"), os.path.join(work, "remote-remote")
    rss_local = peak_rss_mib(binary, ["--input-list", local_list, "--input-prefix", tree, "-o", local, "-j", "2"])
    remote_args = ["--input-list", base + "/warc.paths.gz", "--input-prefix", base + "/", "-o", remote, "-j", "2",
                   "--fetch-concurrency", str(CONCURRENCY), "--fetch-retries", "3", "--fetch-timeout", "2"]
    started = time.time()
    rss_remote = peak_rss_mib(binary, remote_args)
    seconds = time.time() - started
    if documents(local) != documents(remote):
        fail("the remote run's documents differ from the local run's")
    n_docs = len(documents(remote))
    entries, seen = requests(log)
    gets = {}
    for e in entries:
        if e["method"] == "GET":
            gets.setdefault(e["path"], []).append(e)
    for path in ["/" + p for p in listed]:
        wanted = sum(f != "no-range" for f in faults.get(path, [])) + 1
        got = gets.get(path, [])
        if len(got) != wanted:
            fail(f"{path}: {len(got)} GET requests, expected {wanted}: {got}")
    for path, kinds in faults.items():
        got = gets[path]
        for fault, request, after in zip(kinds, got, got[1:]):
            if fault in ("cut", "stall") and not (after["range"] or "").startswith("bytes="):
                fail(f"{path}: the request after a cut connection has no Range header: {after}")
            arrived = (int(request["range"][6:-1]) if request["status"] == 206 else 0) + request["sent"]
            if fault in ("cut", "stall") and after["status"] == 206 and int(after["range"][6:-1]) != arrived:
                fail(f"{path}: resumed from {after['range']}, but {arrived} bytes had arrived")
    print(f"remote: 20 files, {n_docs} documents as the local run's; faults survived: "
          f"{sum(len(k) for k in faults.values())} (cut, 503, 429, range ignored, stalled); {seconds:.1f} s")
    # Memory: the downloads hold at most CONCURRENCY buffers ahead of the reader.
    allowed = rss_local + CONCURRENCY * BUFFER_MIB + 24
    print(f"remote: peak memory {rss_remote:.0f} MiB against {rss_local:.0f} MiB read from disk (allowed {allowed:.0f})")
    if rss_remote > allowed:
        fail(f"peak memory {rss_remote:.0f} MiB is over {allowed:.0f} MiB")

    # A second run: nothing new, HEAD requests only.
    code, stderr = run(binary, remote_args)
    entries, seen = requests(log, seen)
    if code != 0 or any(e["method"] != "HEAD" for e in entries) or len(entries) != 20:
        fail(f"second run: exit {code}, requests {[(e['method'], e['path']) for e in entries]}\n{stderr}")
    # A file added to the listing, and one that is missing (404): only the new file is read; the
    # missing one fails (exit 2) and is tried again by the next run.
    write_listing(tree, listed + [extra, "crawl-data/CC-TEST/missing.warc.gz"])
    code, stderr = run(binary, remote_args)
    entries, seen = requests(log, seen)
    read = sorted({e["path"] for e in entries if e["method"] == "GET"})
    if code != 2 or read != sorted(["/" + extra, "/crawl-data/CC-TEST/missing.warc.gz"]):
        fail(f"third run: exit {code}, read {read}\n{stderr}")
    code, stderr = run(binary, remote_args)
    entries, seen = requests(log, seen)
    read = sorted({e["path"] for e in entries if e["method"] == "GET"})
    if read != ["/crawl-data/CC-TEST/missing.warc.gz"]:
        fail(f"fourth run: read {read}, expected only the file that failed\n{stderr}")
    # The same history on disk (the listing, then the added file) gives the same documents.
    open(local_list, "a").write(extra + "\n")
    code, stderr = run(binary, ["--input-list", local_list, "--input-prefix", tree, "-o", local, "-j", "2"])
    if code != 0 or documents(local) != documents(remote):
        fail(f"after the added file, the remote output differs from the local one's (exit {code})\n{stderr}")
    print("remote: second run HEAD only; an added file is the only one read; a missing one is retried next run")


if __name__ == "__main__":
    main()
