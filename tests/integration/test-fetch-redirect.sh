#!/bin/bash
# A download started over HTTPS never follows a redirect to plain HTTP
# (docs/packages.md, Download bounds): an answer file fetched over TLS
# from a server that redirects to http:// is refused, while a redirect to
# another https:// URL is followed. The certificate of the test server on
# 127.0.0.1 is made trusted the way an operator would (the system's CA
# bundle), inside a private mount namespace so the host is not changed.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (mount namespace)"; exit 77; }
build=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}
bin=${AZL_BIN:-$build/azl-installer}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
bundle=/etc/ssl/certs/ca-certificates.crt
[ -f "$bundle" ] || fail "no $bundle (package ca-certificates)"

tmp=$(mktemp -d /tmp/test-fetch-redirect.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || :; done
	rm -rf "$tmp"
}
trap cleanup EXIT

printf 'version: 1\nhostname: redirected\n' >"$tmp/a.yaml"
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 \
	-addext subjectAltName=IP:127.0.0.1 -days 1 \
	-keyout "$tmp/k.pem" -out "$tmp/c.pem" >/dev/null 2>&1
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
hport=$(port)
sport=$(port)
(cd "$tmp" && exec python3 -m http.server --bind 127.0.0.1 "$hport" >/dev/null 2>&1) &
pids+=($!)
python3 - "$tmp" "$sport" "$hport" "$tmp/c.pem" "$tmp/k.pem" >/dev/null 2>&1 <<'PY' &
import http.server, ssl, sys
d, sport, hport, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
class H(http.server.SimpleHTTPRequestHandler):
    def __init__(self, *a, **k):
        super().__init__(*a, directory=d, **k)
    def do_GET(self):
        to = {"/to-http": "http://127.0.0.1:%s/a.yaml" % hport,
              "/to-https": "/a.yaml"}.get(self.path)
        if to:
            self.send_response(302)
            self.send_header("Location", to)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        super().do_GET()
s = http.server.HTTPServer(("127.0.0.1", sport), H)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(cert, key)
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()
PY
pids+=($!)
for _ in $(seq 50); do
	curl -sf --cacert "$tmp/c.pem" "https://127.0.0.1:$sport/a.yaml" >/dev/null &&
		curl -sf "http://127.0.0.1:$hport/a.yaml" >/dev/null && break
	sleep 0.1
done

# validate URL inside a mount namespace whose CA bundle is the test's cert.
validate() {
	rc=0
	unshare -m sh -c 'mount --bind "$1" "$2" && exec "$3" validate "$4"' sh \
		"$tmp/c.pem" "$bundle" "$bin" "$1" >"$tmp/out" 2>&1 || rc=$?
}

validate "https://127.0.0.1:$sport/to-https"
[ "$rc" = 0 ] || { cat "$tmp/out"; fail "an https -> https redirect was not followed: exit $rc"; }
ok "a redirect from https to https is followed (the certificate is trusted)"

validate "https://127.0.0.1:$sport/to-http"
[ "$rc" != 0 ] || fail "an https -> http redirect was followed"
grep -qi "protocol\|redirect" "$tmp/out" || { cat "$tmp/out"; fail "the message does not say why"; }
ok "a redirect from https to http is refused (exit $rc): $(head -n 1 "$tmp/out")"

validate "http://127.0.0.1:$hport/a.yaml"
[ "$rc" = 0 ] || { cat "$tmp/out"; fail "plain http: exit $rc"; }
ok "plain http still works"
