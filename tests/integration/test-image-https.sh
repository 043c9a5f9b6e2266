#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# An image payload over https, the server's certificate checked: a CA the
# test makes (openssl), Python's http.server behind ssl on 127.0.0.1.
#   - answer file, ca_cert: the CA -> installed (--root);
#   - kickstart liveimg --url=https://..., the CA added to the live
#     system's trust store (a private mount namespace binds a bundle with
#     it over /etc/ssl/certs/ca-certificates.crt) -> installed;
#   - kickstart liveimg with %certificate naming the CA, the store without
#     it -> installed (the certificate trusted besides the store), and the
#     certificate written to DIR/NAME of the target (0644, root; over a
#     symlink the image holds there, never through it); converted, the
#     answer file's certificates: holds it; %certificate naming another CA
#     -> refused, but accepted while the store holds the server's CA;
#   - no ca_cert and the CA not in the store, ca_cert naming another CA
#     (also while the store holds the server's CA: ca_cert replaces the
#     store), a certificate for another name -> exit 2 before anything is written:
#     the --root directory is not created, and a disk install leaves its
#     sparse disk image without a single allocated block.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}"
for t in python3 openssl tar zstd sha256sum unshare; do
	command -v "$t" >/dev/null || { echo "$t missing: skipped"; exit 77; }
done
tmp=$(mktemp -d /tmp/test-image-https.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# Two CAs (the operator's and another) and three server certificates.
ca() { # NAME
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-subj "/CN=azl test $1" -keyout "$tmp/$1.key" -out "$tmp/$1.pem" 2>/dev/null
}
cert() { # NAME CA SAN
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=$1" \
		-keyout "$tmp/$1.key" -out "$tmp/$1.csr" 2>/dev/null
	printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$3" >"$tmp/$1.ext"
	openssl x509 -req -in "$tmp/$1.csr" -CA "$tmp/$2.pem" -CAkey "$tmp/$2.key" \
		-CAcreateserial -days 2 -extfile "$tmp/$1.ext" -out "$tmp/$1.pem" 2>/dev/null
}
ca ca
ca rogue
cert good ca "IP:127.0.0.1,DNS:localhost"
cert wrongname ca "DNS:other.invalid"
cert forged rogue "IP:127.0.0.1"

mkdir -p "$tmp/src/usr/lib/modules/6.1.0-test/" "$tmp/src/etc" "$tmp/www"
echo kernel >"$tmp/src/usr/lib/modules/6.1.0-test/vmlinuz"
echo "over https" >"$tmp/src/etc/motd"
# Where %certificate writes: a symlink out of the target, which the write
# must replace, never follow.
mkdir -p "$tmp/src/etc/pki/ca-trust/source/anchors"
ln -s "$tmp/outside.pem" "$tmp/src/etc/pki/ca-trust/source/anchors/azl-test-ca.pem"
tar --numeric-owner -C "$tmp/src" -cf - . | zstd -q -o "$tmp/www/img.tar.zst"
sum=$(sha256sum "$tmp/www/img.tar.zst" | cut -d' ' -f1)

declare -A port
for s in good wrongname forged; do
	python3 "$(dirname "$0")/../https-serve.py" "$tmp/www" "$tmp/$s.pem" "$tmp/$s.key" "$tmp/$s.port" &
	pids+=($!)
done
for s in good wrongname forged; do
	for _ in $(seq 100); do [ -s "$tmp/$s.port" ] && break; sleep 0.05; done
	port[$s]=$(cat "$tmp/$s.port")
done

run() { # NAME ANSWERS [unshare...]: exit code on stdout, output in $tmp/NAME.out
	local rc=0 name=$1 answers=$2
	shift 2
	"$@" "$AZL_BIN" install --root "$tmp/root-$name" --answers "$answers" \
		--stop-after image >"$tmp/$name.out" 2>&1 || rc=$?
	echo "$rc"
}
yaml() { # NAME SERVER [CA]
	local ca=
	[ -n "${3:-}" ] && ca=", ca_cert: \"$3\""
	printf 'version: 1\npackages: {image: {url: "https://127.0.0.1:%s/img.tar.zst", checksum: "%s"%s}}\n' \
		"${port[$2]}" "$sum" "$ca" >"$tmp/$1.yaml"
	echo "$tmp/$1.yaml"
}

rc=$(run pinned "$(yaml pinned good "$tmp/ca.pem")")
[ "$rc" = 0 ] && [ "$(cat "$tmp/root-pinned/etc/motd")" = "over https" ] ||
	{ cat "$tmp/pinned.out"; fail "ca_cert naming the server's CA: exit $rc, or /etc/motd not there"; }
ok "answer file, ca_cert: the image installed over https"

refused() { # NAME WHAT
	[ "$rc" = 2 ] || { cat "$tmp/$1.out"; fail "$2: exit $rc, not 2"; }
	grep -q "is not trusted" "$tmp/$1.out" && grep -q "nothing was written" "$tmp/$1.out" ||
		{ cat "$tmp/$1.out"; fail "$2: the message does not say why"; }
	[ ! -e "$tmp/root-$1" ] || fail "$2: the root directory was created"
	ok "$2: refused, exit 2, nothing written"
}
rc=$(run nostore "$(yaml nostore good)")
refused nostore "the CA neither pinned nor in the live system's store"
rc=$(run rogue "$(yaml rogue good "$tmp/rogue.pem")")
refused rogue "ca_cert naming another CA"
rc=$(run forged "$(yaml forged forged "$tmp/ca.pem")")
refused forged "a certificate from another CA"
rc=$(run wrongname "$(yaml wrongname wrongname "$tmp/ca.pem")")
refused wrongname "a certificate for another name"
grep -q "127.0.0.1" "$tmp/wrongname.out" || fail "the refusal does not name the server"

# The kickstart: liveimg has no option to name a CA (as in Anaconda); the
# live system's store holds it.
cat /etc/ssl/certs/ca-certificates.crt "$tmp/ca.pem" >"$tmp/bundle.crt"
printf 'liveimg --url=https://127.0.0.1:%s/img.tar.zst --checksum=%s\n' "${port[good]}" "$sum" >"$tmp/ks.cfg"
rc=$(run ks "$tmp/ks.cfg" unshare -m sh -c \
	'mount --bind "$0" /etc/ssl/certs/ca-certificates.crt && exec "$@"' "$tmp/bundle.crt")
[ "$rc" = 0 ] && [ "$(cat "$tmp/root-ks/etc/motd")" = "over https" ] ||
	{ cat "$tmp/ks.out"; fail "kickstart liveimg over https, the CA in the store: exit $rc"; }
ok "kickstart liveimg --url=https://: installed, the CA in the live system's store"
rc=$(run ks-nostore "$tmp/ks.cfg")
refused ks-nostore "kickstart liveimg, the CA not in the store"
# %certificate: the CA trusted besides the store (which lacks it), and
# written into the target; converted to certificates:.
# With a third argument, a %pre script (outside the target, as Ironic's
# heartbeats are) fetches from the same server with curl and with Python.
ks_cert() { # NAME CA [pre]
	{
		printf 'liveimg --url=https://127.0.0.1:%s/img.tar.zst --checksum=%s\n' "${port[good]}" "$sum"
		echo '%certificate --filename=azl-test-ca.pem --dir=/etc/pki/ca-trust/source/anchors/'
		cat "$tmp/$2.pem"
		echo '%end'
		if [ -n "${3:-}" ]; then
			echo '%pre --erroronfail'
			printf 'curl -fsS -o %s https://127.0.0.1:%s/img.tar.zst\n' "$tmp/pre-curl" "${port[good]}"
			printf 'python3 -c "import urllib.request as u; open(\x27%s\x27, \x27wb\x27).write(u.urlopen(\x27https://127.0.0.1:%s/img.tar.zst\x27).read())"\n' \
				"$tmp/pre-python" "${port[good]}"
			echo '%end'
		fi
	} >"$tmp/$1.cfg"
	echo "$tmp/$1.cfg"
}
rc=0
mkdir "$tmp/scripts-tmp"
TMPDIR=$tmp/scripts-tmp "$AZL_BIN" install --root "$tmp/root-kscert" --answers "$(ks_cert kscert ca pre)" \
	>"$tmp/kscert.out" 2>&1 || rc=$?
[ "$rc" = 0 ] && [ "$(cat "$tmp/root-kscert/etc/motd")" = "over https" ] ||
	{ cat "$tmp/kscert.out"; fail "kickstart liveimg with %certificate, the CA not in the store: exit $rc"; }
ok "kickstart liveimg --url=https:// with %certificate: the CA trusted besides the store"
cmp -s "$tmp/pre-curl" "$tmp/www/img.tar.zst" && cmp -s "$tmp/pre-python" "$tmp/www/img.tar.zst" ||
	fail "%certificate: the %pre script's curl or Python did not fetch over https"
[ -z "$(ls -A "$tmp/scripts-tmp")" ] || fail "%certificate: the scripts' CA bundle was left behind"
ok "%certificate: trusted by a %pre script's curl and Python too (SSL_CERT_FILE, CURL_CA_BUNDLE), the bundle removed after"
f=$tmp/root-kscert/etc/pki/ca-trust/source/anchors/azl-test-ca.pem
[ -f "$f" ] && [ ! -L "$f" ] && [ "$(stat -c '%a %u %g' "$f")" = "644 0 0" ] && cmp -s "$f" "$tmp/ca.pem" ||
	{ ls -l "$f"; fail "%certificate: the target's file is not the CA, 0644, root, a regular file"; }
[ ! -e "$tmp/outside.pem" ] || fail "%certificate: the write followed the target's symlink out of it"
ok "%certificate: written to the target (0644, root), the symlink there replaced, not followed"
"$AZL_BIN" convert "$tmp/kscert.cfg" -o "$tmp/kscert.yaml" 2>/dev/null
python3 - "$tmp/kscert.yaml" "$tmp/ca.pem" <<'PY' || fail "convert: certificates: does not hold the %certificate"
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))["certificates"]
assert c == [{"filename": "azl-test-ca.pem", "dir": "/etc/pki/ca-trust/source/anchors/",
              "pem": open(sys.argv[2]).read()}], c
PY
ok "convert: %certificate is certificates: [{filename, dir, pem}]"
rc=$(run kscert-rogue "$(ks_cert kscert-rogue rogue)")
refused kscert-rogue "kickstart %certificate naming another CA"
# ... in addition to the store, not instead of it: %certificate naming
# another CA, the server's CA in the store -> installed.
rc=$(run kscert-store "$tmp/kscert-rogue.cfg" unshare -m sh -c \
	'mount --bind "$0" /etc/ssl/certs/ca-certificates.crt && exec "$@"' "$tmp/bundle.crt")
[ "$rc" = 0 ] || { cat "$tmp/kscert-store.out"; fail "%certificate of another CA, the server's CA in the store: exit $rc"; }
ok "%certificate adds to the live system's store: the store's CA still trusted"

# ca_cert replaces the store, it does not add to it: the server's CA in
# the live system's store, ca_cert naming another CA -> refused.
rc=$(run rogue-store "$(yaml rogue-store good "$tmp/rogue.pem")" unshare -m sh -c \
	'mount --bind "$0" /etc/ssl/certs/ca-certificates.crt && exec "$@"' "$tmp/bundle.crt")
refused rogue-store "ca_cert naming another CA while the server's CA is in the store"

# A ca_cert path that is not there: exit 2, the file named.
rc=$(run missing-ca "$(yaml missing-ca good "$tmp/no-such-ca.pem")")
[ "$rc" = 2 ] && grep -q "cannot read the 'ca_cert' file '$tmp/no-such-ca.pem'" "$tmp/missing-ca.out" ||
	{ cat "$tmp/missing-ca.out"; fail "ca_cert missing: exit $rc, or the message does not name it"; }
[ ! -e "$tmp/root-missing-ca" ] || fail "ca_cert missing: the root directory was created"
ok "ca_cert missing: exit 2, the file named, nothing written"

# A disk install: refused before the storage phase; the disk untouched.
truncate -s 4G "$tmp/disk.img"
printf 'version: 1\nstorage: {layout: plain, swap: none}\nbootloader: {firmware: bios}\npackages: {image: {url: "https://127.0.0.1:%s/img.tar.zst"}}\n' \
	"${port[forged]}" >"$tmp/disk.yaml"
rc=0
"$AZL_BIN" install --answers "$tmp/disk.yaml" --disk "$tmp/disk.img" --yes >"$tmp/disk.out" 2>&1 || rc=$?
[ "$rc" = 2 ] && grep -q "is not trusted" "$tmp/disk.out" || { cat "$tmp/disk.out"; fail "disk install, untrusted server: exit $rc"; }
[ "$(stat -c %b "$tmp/disk.img")" = 0 ] || fail "disk install, untrusted server: the disk image was written"
ok "disk install, untrusted server: exit 2, not a block of the disk written"
