#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A hostile HTTP server on 127.0.0.1 for tests/check-fetch-bounds.sh.

Prints its port on stdout, then serves until killed:
  /endless/...        200, no Content-Length, an endless body
  /huge/...           200, Content-Length of 1 TB, then a trickle
  /trickle/...        200, 2 bytes a second
  /ok.ks              a small valid kickstart
  /repo/repodata/repomd.xml, /repo/repodata/primary.xml.gz
                      a repository of one package, 'tiny', said to be 100
                      bytes; /repo/Packages/tiny.rpm is endless
  /slowrepo/...       the same repository with /repo/Packages/tiny.rpm
                      trickling
"""
import gzip
import hashlib
import http.server
import socketserver
import sys
import time

OK_KS = b"lang en_US.UTF-8\ntimezone UTC\nrootpw --lock\nautopart\n"

PRIMARY = gzip.compress(b"""<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common"
 xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="1">
<package type="rpm">
  <name>tiny</name><arch>noarch</arch>
  <version epoch="0" ver="1" rel="1"/>
  <checksum type="sha256" pkgid="YES">%s</checksum>
  <summary>tiny</summary><description>tiny</description>
  <packager/><url/><time file="1" build="1"/>
  <size package="100" installed="100" archive="100"/>
  <location href="Packages/tiny.rpm"/>
  <format><rpm:license>MIT</rpm:license><rpm:group>x</rpm:group>
  <rpm:buildhost>x</rpm:buildhost><rpm:sourcerpm/>
  <rpm:header-range start="0" end="100"/>
  <rpm:provides><rpm:entry name="tiny" flags="EQ" epoch="0" ver="1" rel="1"/></rpm:provides>
  </format>
</package>
</metadata>
""" % (b"0" * 64))


def repomd():
    sha = hashlib.sha256(PRIMARY).hexdigest()
    return ("""<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo">
 <revision>1</revision>
 <data type="primary">
  <checksum type="sha256">%s</checksum>
  <location href="repodata/primary.xml.gz"/>
  <size>%d</size>
 </data>
</repomd>
""" % (sha, len(PRIMARY))).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, body, ctype="application/octet-stream"):
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def endless(self):
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        chunk = b"#" * (1 << 16)
        while True:
            self.wfile.write(chunk)

    def trickle(self, length=None):
        self.send_response(200)
        if length:
            self.send_header("Content-Length", str(length))
        self.send_header("Connection", "close")
        self.end_headers()
        while True:
            self.wfile.write(b"##")
            self.wfile.flush()
            time.sleep(1)

    def do_GET(self):
        p = self.path
        try:
            if p.startswith("/endless/"):
                self.endless()
            elif p.startswith("/huge/"):
                self.trickle(length=10**12)
            elif p.startswith("/trickle/"):
                self.trickle()
            elif p == "/ok.ks":
                self.send(OK_KS)
            elif p.endswith("/repodata/repomd.xml"):
                self.send(repomd(), "text/xml")
            elif p.endswith("/repodata/primary.xml.gz"):
                self.send(PRIMARY)
            elif p == "/repo/Packages/tiny.rpm":
                self.endless()
            elif p == "/slowrepo/Packages/tiny.rpm":
                self.trickle()
            else:
                self.send_error(404)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


srv = Server(("127.0.0.1", 0), Handler)
print(srv.server_address[1], flush=True)
srv.serve_forever()
