#!/usr/bin/env python3
"""A file server on 127.0.0.1 for the remote-input tests, with faults injected on request.

usage: remote_test_server.py ROOT_DIR FAULTS_JSON LOG_FILE   (prints the port on its first line)

Serves the files under ROOT_DIR by GET and HEAD, with ETag (a hash of the content), Last-Modified
(the file's mtime), Content-Length and Range requests (`bytes=N-`, answered 206). FAULTS_JSON
maps a path to the faults of its successive GET requests, one a request, then none:
  "cut"       send the headers of the whole file and half of its bytes, then close the connection
  "503"       answer 503 Service Unavailable
  "429"       answer 429 Too Many Requests with Retry-After: 1
  "no-range"  ignore a Range header: send the whole file with 200
  "stall"     send half of the bytes, then nothing for 6 s, then close the connection
The faults file is read at each request, so a test may change it between runs. Every request is
logged as a JSON line: method, path, Range header, status, bytes sent.
"""
import email.utils
import hashlib
import http.server
import json
import os
import socketserver
import sys
import threading
import time

ROOT, FAULTS, LOG = sys.argv[1], sys.argv[2], sys.argv[3]
COUNTS = {}
LOCK = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def log(self, status, sent):
        with LOCK, open(LOG, "a") as f:
            f.write(json.dumps({"method": self.command, "path": self.path, "range": self.headers.get("Range"),
                                "status": status, "sent": sent}) + "\n")

    def do_HEAD(self):
        self.serve(body=False)

    def do_GET(self):
        self.serve(body=True)

    def fault(self):
        with LOCK:
            n = COUNTS.get(self.path, 0)
            COUNTS[self.path] = n + 1
        try:
            faults = json.load(open(FAULTS)).get(self.path, [])
        except (OSError, ValueError):
            faults = []
        return faults[n] if n < len(faults) else None

    def serve(self, body):
        path = os.path.join(ROOT, self.path.split("?")[0].lstrip("/"))
        if ".." in self.path or not os.path.isfile(path):
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.log(404, 0)
            return
        fault = self.fault() if body else None
        if fault in ("503", "429"):
            status = int(fault)
            message = b"try again later\n"
            self.send_response(status)
            if status == 429:
                self.send_header("Retry-After", "1")
            self.send_header("Content-Length", str(len(message)))
            self.end_headers()
            self.wfile.write(message)
            self.log(status, len(message))
            return
        data = open(path, "rb").read()
        start = 0
        requested = self.headers.get("Range")
        if requested and requested.startswith("bytes=") and requested.endswith("-") and fault != "no-range":
            start = int(requested[6:-1])
        part = data[start:]
        status = 206 if start > 0 else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(part)))
        self.send_header("ETag", '"' + hashlib.sha1(data).hexdigest()[:16] + '"')
        self.send_header("Last-Modified", email.utils.formatdate(os.path.getmtime(path), usegmt=True))
        self.send_header("Accept-Ranges", "bytes")
        if status == 206:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.end_headers()
        if not body:
            self.log(status, 0)
            return
        if fault == "stall":
            self.wfile.write(part[: len(part) // 2])
            self.wfile.flush()
            # Logged before the silence, so the log keeps the order of the requests.
            self.log(status, len(part) // 2)
            time.sleep(6)
            self.close_connection = True
            return
        if fault == "cut":
            self.wfile.write(part[: len(part) // 2])
            self.wfile.flush()
            self.log(status, len(part) // 2)
            self.close_connection = True
            self.connection.shutdown(2)
            return
        self.wfile.write(part)
        self.log(status, len(part))


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


server = Server(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
