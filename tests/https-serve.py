#!/usr/bin/env python3
"""Serves DIR over HTTPS (HTTP/1.1, keep-alive, one thread per connection)
with the certificate CERT and its key KEY, for the tests that check the
installer's TLS: tests/integration/test-image-https.sh, the e2e helper
e2e_https (tests/e2e/lib.sh).

    https-serve.py DIR CERT KEY PORTFILE [HOST] [LOG]

Listens on HOST (127.0.0.1) at a free port, written to PORTFILE once it
listens (atomically: the file is complete when it exists). Each request
is logged to LOG, when given, as "METHOD PATH STATUS". The TLS handshake
runs in the connection's thread: a client that stalls blocks no other.
"""
import functools
import http.server
import os
import ssl
import sys


class Handler(http.server.SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    log = None

    def log_request(self, code="-", size="-"):
        if self.log:
            with open(self.log, "a") as f:
                f.write(f"{self.command} {self.path} {code}\n")

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, handler, ctx):
        super().__init__(addr, handler)
        self.ctx = ctx

    def get_request(self):
        sock, addr = self.socket.accept()
        return self.ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def finish_request(self, request, client_address):
        try:
            request.do_handshake()
        except (ssl.SSLError, OSError):
            return  # a client that refused the certificate: its error, not ours
        super().finish_request(request, client_address)


def main():
    d, cert, key, portfile = sys.argv[1:5]
    host = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
    Handler.log = sys.argv[6] if len(sys.argv) > 6 else None
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv = Server((host, 0), functools.partial(Handler, directory=d), ctx)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main()
