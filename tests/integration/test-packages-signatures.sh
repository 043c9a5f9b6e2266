#!/bin/bash
# Package signatures and remote repositories (docs/packages.md): a
# tampered package and an unsigned one are refused with their names (exit
# 3; an unsigned one before anything is installed, a tampered payload
# while the transaction runs: neither it nor anything after it is
# installed) unless their repository says gpgcheck: false, the package
# unpacked last too; a
# repository served over HTTP from 127.0.0.1 with its key given by URL
# and pinned by its fingerprint, downloaded into the cache and reused
# from it; repository priorities;
# an HTTPS server with a self-signed certificate is refused (TLS verified).
set -euo pipefail

. "$(dirname "$0")/demo-repo-lib.sh" test-packages-sig

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || :; done
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

# A copy of the demo repository with setup replaced by a variant.
variant() { # variant DIR -> repo with Packages/ hard-linked, repodata new
	local d=$1
	mkdir -p "$d/Packages"
	ln "$repo"/Packages/*.rpm "$d/Packages/"
	cp "$repo"/RPM-GPG-KEY-azl-demo "$repo"/comps.xml "$d/"
	local setup
	setup=$(basename "$repo"/Packages/setup-*.rpm)
	rm "$d/Packages/$setup"
	cp "$repo/Packages/$setup" "$d/Packages/$setup"
	echo "$d/Packages/$setup"
}
mkrepo() { createrepo_c -q --groupfile "$1/comps.xml" "$1" >/dev/null; }
install() { # install NAME ANSWERS [--repo R] -> exit code in $rc
	rc=0
	"$bin" install --root "$tmp/$1" --answers "$2" --stop-after packages \
		--log "$tmp/$1.log" "${@:3}" >"$tmp/$1.out" 2>"$tmp/$1.err" || rc=$?
}
pkgs_answers() { # FILE BASEURL GPGCHECK
	cat >"$1" <<EOT
version: 1
packages:
  repos: [{name: variant, baseurl: "$2", gpgcheck: $3}]
  install: [filesystem]
EOT
}

# --- tampered: one byte of the payload changed, metadata regenerated -----
f=$(variant "$tmp/tampered")
size=$(stat -c %s "$f")
printf 'X' | dd of="$f" bs=1 seek=$((size - 200)) conv=notrunc status=none
mkrepo "$tmp/tampered"
pkgs_answers "$tmp/t.yaml" "file://$tmp/tampered" true
install t "$tmp/t.yaml"
[ $rc -eq 3 ] || fail "tampered package: exit $rc, not 3"
grep -q "setup-2.*does not verify\|'setup-2.*refused" "$tmp/t.log" || fail "the log does not name the tampered package"
grep -q "setup" "$tmp/t.err" || fail "stderr does not name the tampered package"
! rq "$tmp/t" -q setup >/dev/null 2>&1 || fail "the tampered setup was installed"
[ ! -e "$tmp/t/etc/passwd" ] || fail "the tampered setup's files were unpacked"
pkgs_answers "$tmp/t0.yaml" "file://$tmp/tampered" false
install t0 "$tmp/t0.yaml"
[ $rc -eq 3 ] || fail "tampered package with gpgcheck: false: exit $rc, not 3 (digests are always checked)"
ok "a tampered package is refused by name (exit 3), not installed, even with gpgcheck: false"

# --- tampered late in the order: checked while the transaction runs ----------
# With gpgcheck on, the whole-file checks (payload digests included) run on
# other threads while rpm installs the packages before (streamed,
# rpm-install.c), instead of in rpmtsRun(): the package that would be
# unpacked last is refused all the same, before rpm opens it.
d=$tmp/late
mkdir -p "$d/Packages"
ln "$repo"/Packages/*.rpm "$d/Packages/"
cp "$repo"/RPM-GPG-KEY-azl-demo "$repo"/comps.xml "$d/"
b=$(basename "$(ls "$repo"/Packages/bash-[0-9]*.rpm | head -1)")
rm "$d/Packages/$b"
cp "$repo/Packages/$b" "$d/Packages/$b"
size=$(stat -c %s "$d/Packages/$b")
printf 'X' | dd of="$d/Packages/$b" bs=1 seek=$((size - 200)) conv=notrunc status=none
mkrepo "$d"
cat >"$tmp/late.yaml" <<EOT
version: 1
packages:
  repos: [{name: variant, baseurl: "file://$d", gpgcheck: true}]
  install: [bash]
EOT
install late "$tmp/late.yaml"
[ $rc -eq 3 ] || fail "a tampered bash: exit $rc, not 3"
grep -q "'bash-[^']*' is refused: its digests or signature do not verify" "$tmp/late.log" ||
	fail "the log does not name the tampered bash"
grep -q "Payload SHA256 digest: BAD" "$tmp/late.log" || fail "the log does not say which digest failed"
grep -q "the rpm transaction stopped before it" "$tmp/late.log" || fail "late: the log does not say the transaction stopped there"
! rq "$tmp/late" -q bash >/dev/null 2>&1 || fail "late: the tampered bash was installed"
[ ! -e "$tmp/late/usr/bin/bash" ] || fail "late: the tampered bash's files were unpacked"
# The same repository without the tampered file: the check ran on the
# thread (its log line) and everything installed.
cp "$repo/Packages/$b" "$d/Packages/$b"
mkrepo "$d"
install late2 "$tmp/late.yaml"
[ $rc -eq 0 ] || { tail "$tmp/late2.log"; fail "late2: exit $rc"; }
grep -q "verified [0-9]* packages (digests, payload, signatures)" "$tmp/late2.log" ||
	fail "the packages were not checked ahead of the transaction"
rq "$tmp/late2" -q bash >/dev/null || fail "late2: bash not installed"
ok "a tampered package installed last is refused before rpm opens it (checked while the transaction runs)"

# --- unsigned ---------------------------------------------------------------
f=$(variant "$tmp/unsigned")
rpmsign --delsign "$f" >/dev/null
rpm -qp --qf '%{RSAHEADER:pgpsig}' "$f" | grep none >/dev/null || fail "rpmsign --delsign left a signature"
mkrepo "$tmp/unsigned"
pkgs_answers "$tmp/u.yaml" "file://$tmp/unsigned" true
install u "$tmp/u.yaml"
[ $rc -eq 3 ] || fail "unsigned package: exit $rc, not 3"
grep -q "'setup-2[^']*' is refused: it is not signed" "$tmp/u.log" || fail "the log does not name the unsigned package"
[ -z "$(rq "$tmp/u" -qa 2>/dev/null | grep -v gpg-pubkey || :)" ] || fail "something was installed"
pkgs_answers "$tmp/u0.yaml" "file://$tmp/unsigned" false
install u0 "$tmp/u0.yaml"
[ $rc -eq 0 ] || { tail "$tmp/u0.log"; fail "unsigned package with gpgcheck: false: exit $rc"; }
rq "$tmp/u0" -q setup filesystem >/dev/null || fail "gpgcheck: false did not install setup"
ok "an unsigned package is refused by name (exit 3); installs with gpgcheck: false"

# --- priorities: the unsigned variant wins only with the lower number -------
prio_answers() { # FILE PRIO_SIGNED PRIO_UNSIGNED
	cat >"$1" <<EOT
version: 1
packages:
  repos:
    - {name: signed, baseurl: "file://$repo", gpgcheck: true, priority: $2}
    - {name: unsigned, baseurl: "file://$tmp/unsigned", gpgcheck: true, priority: $3}
  install: [setup]
EOT
}
prio_answers "$tmp/p1.yaml" 10 50
install p1 "$tmp/p1.yaml"
[ $rc -eq 0 ] || fail "priority 10 signed repository: exit $rc"
prio_answers "$tmp/p2.yaml" 50 10
install p2 "$tmp/p2.yaml"
[ $rc -eq 3 ] || fail "priority 10 unsigned repository: exit $rc (the wrong repository won)"
ok "priorities: the lower number wins"

# --- HTTP from 127.0.0.1 ----------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$repo" "$port" >"$tmp/http.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/repodata/repomd.xml" >/dev/null && break; sleep 0.1; done
# A key fetched by URL is trusted only with its pinned fingerprint.
mkdir -m 700 "$tmp/gnupg"
fpr=$(GNUPGHOME=$tmp/gnupg gpg --show-keys --with-colons "$repo/RPM-GPG-KEY-azl-demo" 2>/dev/null |
	awk -F: '/^fpr/ && !f {print $10; f = 1}')
[ -n "$fpr" ] || fail "no fingerprint of the demo key"
cat >"$tmp/h.yaml" <<EOT
version: 1
packages:
  repos: [{name: web, baseurl: "http://127.0.0.1:$port", gpgcheck: true, gpgkey: "http://127.0.0.1:$port/RPM-GPG-KEY-azl-demo", gpgkey_fingerprint: "$fpr"}]
  install: [bash]
EOT
install h "$tmp/h.yaml"
[ $rc -eq 0 ] || { tail "$tmp/h.log"; fail "HTTP repository: exit $rc"; }
rq "$tmp/h" -q bash busybox >/dev/null || fail "bash not installed from HTTP"
rq "$tmp/h" -q gpg-pubkey >/dev/null || fail "key from gpgkey URL not imported"
n=$(ls "$AZL_CACHE_DIR"/web-*/Packages/*.rpm | wc -l)
[ "$n" -ge 3 ] || fail "only $n packages in the download cache"
grep -q 'GET /Packages/bash-' "$tmp/http.log" || fail "bash was not downloaded over HTTP"
: >"$tmp/http.log"
install h2 "$tmp/h.yaml"
[ $rc -eq 0 ] || fail "HTTP repository, second run: exit $rc"
grep -q 'GET /Packages/' "$tmp/http.log" && fail "second run downloaded packages again instead of using the cache"
grep -q 'GET /repodata/repomd.xml' "$tmp/http.log" || fail "second run did not refresh repomd.xml"
ok "HTTP repository on 127.0.0.1: key by URL, packages downloaded once, then from the cache"

# A cached file that no longer matches its checksum is fetched again.
for c in "$AZL_CACHE_DIR"/web-*/Packages/bash-*.rpm; do printf 'X' | dd of="$c" bs=1 seek=1000 conv=notrunc status=none; done
: >"$tmp/http.log"
install h3 "$tmp/h.yaml"
[ $rc -eq 0 ] || fail "corrupt cache: exit $rc"
grep -q 'GET /Packages/bash-' "$tmp/http.log" || fail "a corrupt cached package was reused"
ok "a corrupt cached package is downloaded again"

# --- HTTPS with a self-signed certificate: refused --------------------------
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
	-keyout "$tmp/k.pem" -out "$tmp/c.pem" >/dev/null 2>&1
sport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$repo" "$sport" "$tmp/c.pem" "$tmp/k.pem" >/dev/null 2>&1 <<'PY' &
import functools, http.server, ssl, sys
h = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
s = http.server.HTTPServer(("127.0.0.1", int(sys.argv[2])), h)
c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); c.load_cert_chain(sys.argv[3], sys.argv[4])
s.socket = c.wrap_socket(s.socket, server_side=True)
s.serve_forever()
PY
pids+=($!)
for _ in $(seq 50); do curl -skf "https://127.0.0.1:$sport/repodata/repomd.xml" >/dev/null && break; sleep 0.1; done
curl -skf "https://127.0.0.1:$sport/repodata/repomd.xml" >/dev/null || fail "the HTTPS test server does not answer"
cat >"$tmp/s.yaml" <<EOT
version: 1
packages:
  repos: [{name: tls, baseurl: "https://127.0.0.1:$sport", gpgcheck: true, gpgkey: "$repo/RPM-GPG-KEY-azl-demo"}]
  install: [bash]
EOT
install s "$tmp/s.yaml"
[ $rc -ne 0 ] || fail "a self-signed HTTPS repository was accepted"
grep -qi "certificate" "$tmp/s.log" || fail "the log does not say why HTTPS failed"
ok "HTTPS with a self-signed certificate is refused (exit $rc)"
