#!/usr/bin/env python3
"""A test HTTP server (HTTP/1.1, byte ranges) over DIR that is slow on
purpose: a whole-file GET of a path containing SLOW is sent in 16 KiB
pieces, one every half second, and one containing LATE is answered after
LATE_SECONDS. Each whole-file transfer of a SLOW path writes lines to
LOG: "start PATH" when it begins, then "done PATH" when every byte was
sent or "aborted PATH" when the client went away first.

    slow-serve.py DIR PORT LOG SLOW LATE LATE_SECONDS
"""
import http.server
import os
import sys
import time

root, port, log, slow, late, late_s = sys.argv[1:7]


def note(line):
    with open(log, "a") as f:
        f.write(line + "\n")


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_GET(self):
        path = os.path.join(root, self.path.lstrip("/").split("?")[0])
        try:
            data = open(path, "rb").read()
        except OSError:
            self.send_error(404)
            return
        rng = self.headers.get("Range")
        if late in self.path:
            time.sleep(float(late_s))
        if rng and rng.startswith("bytes="):
            a, _, b = rng[6:].partition("-")
            a, b = int(a), min(int(b) if b else len(data) - 1, len(data) - 1)
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (a, b, len(data)))
            self.send_header("Content-Length", str(b - a + 1))
            self.end_headers()
            self.wfile.write(data[a:b + 1])
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if slow not in self.path:
            self.wfile.write(data)
            return
        note("start " + self.path)
        try:
            for i in range(0, len(data), 16384):
                self.wfile.write(data[i:i + 16384])
                self.wfile.flush()
                time.sleep(0.5)
            note("done " + self.path)
        except (BrokenPipeError, ConnectionResetError):
            note("aborted " + self.path)


http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), H).serve_forever()
