#!/usr/bin/env python3
"""An HTTP server on 127.0.0.1 for the fetch tests: every failure kind `winnow fetch` handles.

usage: fetch_test_server.py PAGES_DIR LOG_FILE   (prints the port on its first line of stdout)

Routes: /page/NAME (a real page from PAGES_DIR, .html.gz inflated), /redirect -> /page/<first>,
/loop/a <-> /loop/b, /missing (404), /flaky (500 once, then 200), /limited (429 with Retry-After: 1
once, then 200), /slow (answers after 5 s), /big (3 MiB of HTML), /gzip (Content-Encoding: gzip),
/chunked (Transfer-Encoding: chunked), /image.png (not HTML), /private/... (disallowed by
robots.txt), /robots.txt. Each request is logged as a JSON line: time, host header, path, and
when the answer ended.
"""
import gzip
import http.server
import json
import os
import socketserver
import sys
import threading
import time

PAGES, LOG = sys.argv[1], sys.argv[2]
NAMES = sorted(n for n in os.listdir(PAGES) if n.endswith(".html.gz") or n.endswith(".html"))
COUNTS = {}
LOCK = threading.Lock()


def page(name):
    path = os.path.join(PAGES, name)
    data = open(path, "rb").read()
    return gzip.decompress(data) if name.endswith(".gz") else data


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, ctype="text/html; charset=utf-8", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in headers:
            self.send_header(k, v)
        if not any(k.lower() == "transfer-encoding" for k, _ in headers):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        start = time.time()
        host, path = self.headers.get("Host", ""), self.path
        with LOCK:
            COUNTS[(host, path)] = COUNTS.get((host, path), 0) + 1
            n = COUNTS[(host, path)]
        try:
            self.route(path, n)
        finally:
            with LOCK, open(LOG, "a") as f:
                f.write(json.dumps({"start": start, "end": time.time(), "host": host, "path": path,
                                    "agent": self.headers.get("User-Agent", "")}) + "\n")

    def route(self, path, n):
        if path == "/robots.txt":
            return self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        if path.startswith("/page/"):
            name = path[len("/page/"):]
            if name in NAMES:
                return self.send(200, page(name))
        if path == "/redirect":
            return self.send(301, b"moved", headers=[("Location", "/page/" + NAMES[0])])
        if path == "/loop/a":
            return self.send(302, b"", headers=[("Location", "/loop/b")])
        if path == "/loop/b":
            return self.send(302, b"", headers=[("Location", "/loop/a")])
        if path == "/flaky":
            return self.send(500, b"try again") if n == 1 else self.send(200, page(NAMES[1]))
        if path == "/limited":
            return self.send(429, b"slow down", headers=[("Retry-After", "1")]) if n == 1 else self.send(200, page(NAMES[2]))
        if path == "/slow":
            time.sleep(5)
            return self.send(200, b"<html><body><p>too late</p></body></html>")
        if path == "/big":
            return self.send(200, b"<html><body>" + b"".join(b"<p>Paragraph %d of a long page.</p>" % i for i in range(100000)) + b"</body></html>")
        if path == "/gzip":
            return self.send(200, gzip.compress(page(NAMES[3])), headers=[("Content-Encoding", "gzip")])
        if path == "/chunked":
            body = page(NAMES[4])
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 4096):
                chunk = body[i:i + 4096]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
            return
        if path == "/image.png":
            return self.send(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "image/png")
        return self.send(404, b"not here")


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass   # a client that gave up (the timeout test) is expected


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
