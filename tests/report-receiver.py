#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Test receivers for status reporting (tests/integration/test-reporting.sh,
tests/e2e/test-pxe-fleet.sh):
  http DIR [ADDR [SECONDS]]
              webhook receiver: every request is one JSON line in DIR/events
              (method, path, headers, body, client address); answers 200. Port in DIR/port.
  sleep DIR   accepts connections and never answers (a hung engine).
              Port in DIR/port.
  udp DIR     syslog receiver: every datagram is a line in DIR/syslog.
              Port in DIR/port.
Listens on 127.0.0.1, or on ADDR (http only: the PXE fleet test's bridge
address in its network namespace). Runs until killed, or 600 s at most
(SECONDS)."""
import json
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

mode, out = sys.argv[1], sys.argv[2]
ADDR = sys.argv[3] if len(sys.argv) > 3 else "127.0.0.1"
LIMIT = int(sys.argv[4]) if len(sys.argv) > 4 else 600


def write_port(port):
    tmp = os.path.join(out, "port.tmp")
    with open(tmp, "w") as f:
        f.write(str(port))
    os.rename(tmp, os.path.join(out, "port"))


lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def do_any(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode("utf-8", "replace")
        rec = {"method": self.command, "path": self.path,
               "headers": {k.lower(): v for k, v in self.headers.items()},
               "body": body, "received": time.time(),
               "client": self.client_address[0]}
        with lock, open(os.path.join(out, "events"), "a") as f:
            f.write(json.dumps(rec) + "\n")
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_POST = do_any
    do_GET = do_any
    do_PUT = do_any

    def log_message(self, *a):
        pass


if mode == "http":
    srv = ThreadingHTTPServer((ADDR, 0), Handler)
    write_port(srv.server_address[1])
    threading.Timer(LIMIT, srv.shutdown).start()
    srv.serve_forever()
elif mode == "sleep":
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    s.settimeout(1)
    write_port(s.getsockname()[1])
    held = []
    end = time.time() + LIMIT
    while time.time() < end:
        try:
            c, _ = s.accept()
            held.append(c)  # read nothing, answer nothing
        except socket.timeout:
            pass
elif mode == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(1)
    write_port(s.getsockname()[1])
    end = time.time() + LIMIT
    with open(os.path.join(out, "syslog"), "ab", buffering=0) as f:
        while time.time() < end:
            try:
                d, _ = s.recvfrom(65536)
                f.write(d.replace(b"\n", b" ") + b"\n")
            except socket.timeout:
                pass
