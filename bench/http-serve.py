#!/usr/bin/env python3
"""Serves DIR over HTTP/1.1 with keep-alive (Python's http.server speaks
HTTP/1.0 by default: one connection per file), one thread per connection.

    http-serve.py DIR HOST PORT
"""
import functools
import http.server
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass


def main():
    d, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    h = functools.partial(Handler, directory=d)
    http.server.ThreadingHTTPServer((host, port), h).serve_forever()


if __name__ == "__main__":
    main()
