#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Network-bound unlock (storage.encryption.tang, issue 16) against Debian's
# real tang (tangd behind socat on 127.0.0.1, keys from tangd-keygen):
#  - install: the advertisement check before anything is written. The
#    pinned signing key (SHA-256 and SHA-1 thumbprints, as tang-show-keys
#    and jose print them) passes; the exchange key's thumbprint and a
#    server that does not answer are refused with exit 2, the URL named,
#    the disk image untouched.
#  - binding: the installer's own code (tests/tang-bind: luks_with_key_file
#    and tang_bind, what the configure phase runs in the target) binds a
#    LUKS2 container on a loop device with the real clevis: luksDump shows
#    the clevis token, `clevis luks pass` gets the slot's key back from
#    tang and that key opens the slot (cryptsetup --test-passphrase: no
#    device-mapper needed); the passphrase still opens its own slot; with
#    tang stopped no key comes back. Two servers (sss, t=1): either one
#    alone unlocks. The passphrase never reaches clevis's argv or
#    environment; its file is 0600 in a 0700 directory on /run, and gone
#    after.
. "$(dirname "$0")/storage-lib.sh"

# A sparse image nothing wrote to has no block allocated.
untouched() { [ "$(stat -c %b "$1")" = 0 ]; }

for tool in /usr/libexec/tangd /usr/libexec/tangd-keygen tang-show-keys socat clevis jose curl; do
	command -v "$tool" >/dev/null || fail "$tool missing (scripts/deps.sh installs tang, socat, clevis-luks)"
done
helper=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}/tests/tang-bind
[ -x "$helper" ] || fail "no $helper (build the tests)"

tang_pids=""
stop_tangs() {
	local p
	for p in $tang_pids; do kill "$p" 2>/dev/null || true; done
	for p in $tang_pids; do wait "$p" 2>/dev/null || true; done
	tang_pids=""
}
trap 'stop_tangs; cleanup' EXIT

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_tang NAME: a tang with its own keys on a free port of 127.0.0.1;
# sets port (and NAME's key directory $tmp/NAME).
start_tang() {
	mkdir -p "$tmp/$1"
	[ -n "$(ls "$tmp/$1")" ] || /usr/libexec/tangd-keygen "$tmp/$1"
	port=$(free_port)
	socat "TCP-LISTEN:$port,bind=127.0.0.1,reuseaddr,fork" EXEC:"/usr/libexec/tangd $tmp/$1" \
		2>>"$tmp/socat.log" &
	tang_pids="$tang_pids $!"

	for _ in $(seq 50); do
		curl -sf "http://127.0.0.1:$port/adv" >/dev/null && return 0
		sleep 0.1
	done
	fail "tang on port $port did not answer"
}

start_tang a
url=http://127.0.0.1:$port
thp=$(tang-show-keys "$port")
adv=$(curl -sf "$url/adv")
payload() { jose fmt --json "$adv" -g payload -y -o-; }
thp_s1=$(payload | jose jwk use -i- -r -u verify -o- | jose jwk thp -i- -a S1)
thp_exchange=$(payload | jose jwk use -i- -r -u deriveKey -o- | jose jwk thp -i- -a S256)
[ ${#thp} = 43 ] && [ ${#thp_s1} = 27 ] && [ ${#thp_exchange} = 43 ] ||
	fail "unexpected thumbprints: '$thp' '$thp_s1' '$thp_exchange'"

answers() { # URL THUMBPRINT
	printf 'version: 1\nstorage:\n  layout: plain\n  encryption:\n    passphrase: SECRET-tang\n    tang: [{url: "%s", thumbprint: %s}]\nbootloader: {firmware: bios}\n' \
		"$1" "$2" >"$tmp/tang.yaml"
}

# --- the advertisement check, before anything is written -------------------
d=$(img disk.img 4G)
for t in "$thp" "$thp_s1"; do
	answers "$url" "$t"
	install_storage "$tmp/tang.yaml" "$d"
	grep -q "tang: '$url' advertises a signing key with the pinned thumbprint $t" "$tmp/log" ||
		fail "pinned key $t: not accepted (exit $rc): $(cat "$tmp/out")"
	grep -q "tang server" "$tmp/out" && fail "pinned key $t: refused: $(cat "$tmp/out")"
done
echo "ok: the pinned signing key passes the advertisement check (SHA-256 and SHA-1 thumbprints)"

answers "$url" "$thp_exchange"
install_storage "$tmp/tang.yaml" "$d"
[ "$rc" = 2 ] || fail "wrong thumbprint: exit $rc, wanted 2: $(cat "$tmp/out")"
grep -q "the tang server '$url' has no signing key with the thumbprint '$thp_exchange' (its signing keys: $thp)" "$tmp/out" ||
	fail "wrong thumbprint: not named: $(cat "$tmp/out")"
grep -q "nothing was written" "$tmp/out" || fail "wrong thumbprint: $(cat "$tmp/out")"
untouched "$d" || fail "wrong thumbprint: the disk was written"
echo "ok: a thumbprint that is no signing key of the server is refused with exit 2, the URL named, nothing written"

dead=http://127.0.0.1:$(free_port)
answers "$dead" "$thp"
install_storage "$tmp/tang.yaml" "$d"
[ "$rc" = 2 ] || fail "unreachable: exit $rc, wanted 2: $(cat "$tmp/out")"
grep -q "the tang server '$dead' cannot be reached ($dead/adv)" "$tmp/out" ||
	fail "unreachable: not named: $(cat "$tmp/out")"
untouched "$d" || fail "unreachable: the disk was written"
grep -q "SECRET-tang" "$tmp/out" "$tmp/log" && fail "the passphrase reached the output or log"
assert_clean
echo "ok: a tang server that does not answer is refused with exit 2, the URL named, nothing written"

# --- binding with the real clevis ---------------------------------------------
# clevis from PATH is this wrapper: it records its argv, environment and
# the key file it was given (mode, its directory's mode), then runs the
# real clevis.
mkdir -p "$tmp/wrap"
cat >"$tmp/wrap/clevis" <<WRAP
#!/bin/bash
printf '%s\n' "\$*" >>"$tmp/clevis.argv"
env >>"$tmp/clevis.env"
k=""; prev=""
for a in "\$@"; do [ "\$prev" = -k ] && k=\$a; prev=\$a; done
[ -n "\$k" ] && echo "\$k \$(stat -c %a "\$k") \$(stat -c %a "\$(dirname "\$k")")" >>"$tmp/clevis.keyfile"
exec $(command -v clevis) "\$@"
WRAP
chmod +x "$tmp/wrap/clevis"

luks() { # IMAGE: a LUKS2 container (cheap PBKDF) on a loop device; prints it
	local l
	truncate -s 32M "$1"
	l=$(losetup -f --show "$1")
	own_loops="$own_loops $l"
	printf 'SECRET-tang' | cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 \
		--pbkdf-force-iterations 1000 --key-file - "$l"
	echo "$l"
}

# opens SLOT: clevis luks pass gives SLOT's key back, and it opens SLOT.
opens() {
	clevis luks pass -d "$l" -s "$1" >"$tmp/key" 2>>"$tmp/clevis.err" &&
		cryptsetup open --test-passphrase --key-slot "$1" --key-file "$tmp/key" "$l"
}

l=$(luks "$tmp/one.img")
printf 'SECRET-tang' | PATH=$tmp/wrap:$PATH "$helper" "$l" "$url" "$thp" 2>"$tmp/bind.err" ||
	fail "tang-bind: $(cat "$tmp/bind.err")"
cryptsetup luksDump "$l" >"$tmp/dump"
grep -A2 -E '^\s+[0-9]+: clevis' "$tmp/dump" | grep -q 'Keyslot:' || fail "no clevis token: $(cat "$tmp/dump")"
slot=$(clevis luks list -d "$l" | awk -F: -v u="$url" 'index($0, u) {print $1}')
[ -n "$slot" ] || fail "clevis luks list: no slot bound to $url: $(clevis luks list -d "$l")"
opens "$slot" || fail "the key tang gave back does not open slot $slot: $(cat "$tmp/clevis.err")"
printf 'SECRET-tang' | cryptsetup open --test-passphrase --key-slot 0 --key-file - "$l" ||
	fail "the passphrase no longer opens slot 0"
grep -q "luks bind -y -d $l -k /run/azl-enroll-.*/key tang {\"url\":\"$url\",\"thp\":\"$thp\"}" "$tmp/clevis.argv" ||
	fail "clevis argv: $(cat "$tmp/clevis.argv")"
grep -q "SECRET-tang" "$tmp/clevis.argv" "$tmp/clevis.env" "$tmp/bind.err" &&
	fail "the passphrase reached clevis's argv, environment or the log"
read -r kf kmode dmode <"$tmp/clevis.keyfile"
[ "$kmode" = 600 ] && [ "$dmode" = 700 ] || fail "key file $kf: mode $kmode in a directory of mode $dmode"
[ ! -e "$kf" ] && [ ! -e "$(dirname "$kf")" ] || fail "the key file $kf was left behind"
echo "ok: clevis binds slot $slot to tang (token in luksDump); tang's key opens it; the passphrase still opens slot 0; no secret in argv/env, key file 0600 in 0700 on /run, removed"

# Two servers: the sss pin, either one unlocks.
first_pid=${tang_pids##* }
start_tang b
url_b=http://127.0.0.1:$port
thp_b=$(tang-show-keys "$port")
l=$(luks "$tmp/two.img")
printf 'SECRET-tang' | "$helper" "$l" "$url" "$thp" "$url_b" "$thp_b" 2>"$tmp/bind.err" ||
	fail "tang-bind (two servers): $(cat "$tmp/bind.err")"
clevis luks list -d "$l" >"$tmp/list"
grep -q "sss '{\"t\":1,\"pins\":{\"tang\":\[{\"url\":\"$url\"},{\"url\":\"$url_b\"}\]}}'" "$tmp/list" ||
	fail "two servers: not sss t=1 over both: $(cat "$tmp/list")"
slot=$(cut -d: -f1 "$tmp/list")
kill "$first_pid"
wait "$first_pid" 2>/dev/null || true
opens "$slot" || fail "sss: with the first tang stopped, the second did not unlock: $(cat "$tmp/clevis.err")"
stop_tangs
opens "$slot" && fail "with every tang stopped clevis still gave a key back"
printf 'SECRET-tang' | cryptsetup open --test-passphrase --key-slot 0 --key-file - "$l" ||
	fail "the passphrase no longer opens slot 0 (two servers)"
echo "ok: two servers bind with sss t=1: one of them unlocks; none: no key, the passphrase still opens"
