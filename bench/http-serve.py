#!/usr/bin/env python3
"""Serves DIR over HTTP/1.1 with keep-alive (Python's http.server speaks
HTTP/1.0 by default: one connection per file), one thread per connection,
and single byte ranges ("Range: bytes=A-B", answered 206) as nginx and
every repository server do: the installer asks for each package's header
by a range request before it downloads the packages.

    http-serve.py DIR HOST PORT
"""
import functools
import http.server
import os
import re
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_head(self):
        m = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        path = self.translate_path(self.path)
        if not m or not os.path.isfile(path):
            return super().send_head()
        f = open(path, "rb")
        size = os.fstat(f.fileno()).st_size
        start = int(m.group(1))
        end = min(int(m.group(2)) if m.group(2) else size - 1, size - 1)
        if start > end:
            f.close()
            self.send_error(416)
            return None
        f.seek(start)
        self.send_response(206)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Range", "bytes %d-%d/%d" % (start, end, size))
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self.remaining = end - start + 1
        return f

    def copyfile(self, source, outputfile):
        n = getattr(self, "remaining", None)
        if n is None:
            return super().copyfile(source, outputfile)
        while n > 0:
            b = source.read(min(n, 1 << 16))
            if not b:
                break
            outputfile.write(b)
            n -= len(b)
        self.remaining = None


def main():
    d, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    h = functools.partial(Handler, directory=d)
    http.server.ThreadingHTTPServer((host, port), h).serve_forever()


if __name__ == "__main__":
    main()
