#!/bin/bash
# Packages checked ahead of the transaction, each as it is fetched, on
# every core (rpm_check_package(), rpm-install.c), instead of in
# rpmtsRun()'s own first pass: every check is still made and the bytes
# checked are the bytes unpacked.
#  - a payload changed with the header's signature still valid is
#    refused (file:// and downloaded over HTTP): the transaction, which
#    runs while the packages arrive and are checked (streamed,
#    docs/packages.md), stops before it; neither it nor anything after it
#    is installed (bash is the last package rpm unpacks here); the same
#    of busybox, over HTTP, larger than a package fetched whole with the
#    headers, so downloaded while the headers are read, before rpm has
#    ordered the transaction, and checked only after its header; refused
#    in the header step instead, the install does not wait for such a
#    download (stopped), nor after Ctrl-C (exit 130, nothing installed,
#    the next run works); downloads keep to rpm's order within a window
#    of bytes still to come (AZL_FETCH_WINDOW): with one byte, a download
#    fetched ahead waits for the one before it, and the install is the same;
#    a window that is not a number of bytes is said and the default kept;
#  - a package signed by a key that is not pinned, and one whose signed
#    header was changed (its signature BAD), are refused;
#  - a package file that another user can change is copied privately
#    before it is checked: replaced in place between the check and its
#    unpacking (by one signed with an unpinned key, which rpm's own
#    second header read lets through), what is installed is the copy
#    that was checked.
set -euo pipefail

. "$(dirname "$0")/demo-repo-lib.sh" test-packages-ahead

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || :; done
	rm -rf "$tmp"
}
trap cleanup EXIT
[ -n "${KEEP:-}" ] && trap - EXIT
export GNUPGHOME=$tmp/gnupg
mkdir -m 700 "$GNUPGHOME"
key=$repo/RPM-GPG-KEY-azl-demo

# A copy of the demo repository (bash and what it needs), bash a file of
# its own, changed by CHANGE; repodata made anew (its checksums match).
variant() { # variant DIR CHANGE [NAME] -> the path of NAME's (bash's) file in $f
	local d=$1
	mkdir -p "$d/Packages"
	ln "$repo"/Packages/*.rpm "$d/Packages/"
	cp "$repo"/comps.xml "$d/"
	f=$d/Packages/$(basename "$(ls "$repo"/Packages/"${3:-bash}"-[0-9]*.rpm | head -1)")
	rm "$f"
	cp "$repo/Packages/$(basename "$f")" "$f"
	"$2" "$f"
	createrepo_c -q --groupfile "$d/comps.xml" "$d" >/dev/null
}
answers() { # FILE BASEURL
	cat >"$1" <<EOT
version: 1
packages:
  repos: [{name: v, baseurl: "$2", gpgcheck: true, gpgkey: "$key"}]
  install: [bash]
EOT
}
install() { # NAME ANSWERS -> exit code in $rc
	rc=0
	"$bin" install --root "$tmp/$1" --answers "$2" --stop-after packages \
		--log "$tmp/$1.log" >"$tmp/$1.out" 2>"$tmp/$1.err" || rc=$?
}
refused() { # NAME WHY-REGEX
	[ $rc -eq 3 ] || { tail -5 "$tmp/$1.log"; fail "$1: exit $rc, not 3"; }
	grep -q "'bash-[^']*' is refused: $2" "$tmp/$1.log" || { grep -i bash "$tmp/$1.log" | tail -5; fail "$1: the log does not refuse bash ($2)"; }
	[ -z "$(rq "$tmp/$1" -qa 2>/dev/null | grep -v gpg-pubkey || :)" ] || fail "$1: something was installed"
	[ ! -e "$tmp/$1/usr/bin" ] && [ ! -e "$tmp/$1/etc/passwd" ] || fail "$1: files were unpacked"
}
# A package refused while the transaction runs: it, and nothing after it.
refused_streamed() { # NAME WHY-REGEX [PACKAGE]
	local p=${3:-bash}
	[ $rc -eq 3 ] || { tail -5 "$tmp/$1.log"; fail "$1: exit $rc, not 3"; }
	grep -q "'$p-[0-9][^']*' is refused: $2.*the rpm transaction stopped before it" "$tmp/$1.log" ||
		{ grep -i "$p" "$tmp/$1.log" | tail -5; fail "$1: the log does not refuse $p ($2) in the transaction"; }
	grep -q "'$p-[0-9][^']*' is refused" "$tmp/$1.err" || fail "$1: stderr does not name $p"
	! rq "$tmp/$1" -q "$p" >/dev/null 2>&1 || fail "$1: $p was installed"
	! rq "$tmp/$1" -q bash >/dev/null 2>&1 || fail "$1: bash was installed"
	[ ! -e "$tmp/$1/usr/bin/bash" ] || fail "$1: bash's files were unpacked"
}
# An HTTP server over DIR on a free port of 127.0.0.1, answering before
# this returns; its base URL in $url. Python's http.server (its log in
# LOG), or with SLOW LATE SECONDS tests/integration/slow-serve.py.
serve() { # DIR LOG [SLOW LATE SECONDS]
	local port
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	if [ $# -gt 2 ]; then
		python3 "$(dirname "$0")/slow-serve.py" "$1" "$port" "$2" "$3" "$4" "$5" &
	else
		python3 -m http.server --bind 127.0.0.1 --directory "$1" "$port" >"$2" 2>&1 &
	fi
	pids+=($!)
	url=http://127.0.0.1:$port/
	for _ in $(seq 50); do curl -sf "${url}repodata/repomd.xml" >/dev/null && return 0; sleep 0.1; done
	fail "the server over $1 does not answer"
}
checksig() { rpmkeys --root "$tmp/keys" --checksig -v "$1" 2>&1 || :; }
mkdir -p "$tmp/keys"
rpmkeys --root "$tmp/keys" --import "$key" 2>/dev/null

# --- the payload changed, the header's signature intact ----------------------
payload() { # one byte of the compressed payload, 200 bytes before the end
	local size
	size=$(stat -c %s "$1")
	printf 'X' | dd of="$1" bs=1 seek=$((size - 200)) conv=notrunc status=none
}
variant "$tmp/payload" payload
checksig "$f" | grep -q "Header V4 RSA/SHA[0-9]* Signature, key ID [0-9a-f]*: OK" ||
	fail "the changed package's header signature should still verify: $(checksig "$f")"
checksig "$f" | grep -q "Payload SHA256 digest: BAD" || fail "the payload change is not one rpm sees"
answers "$tmp/p.yaml" "file://$tmp/payload"
install p "$tmp/p.yaml"
refused_streamed p "its digests or signature do not verify"
grep -q "Payload SHA256 digest: BAD" "$tmp/p.log" || fail "p: the log does not say which digest failed"
ok "file://: a changed payload under a valid header signature is refused; the transaction stopped before it"

serve "$tmp/payload" "$tmp/http.log"
answers "$tmp/h.yaml" "$url"
install h "$tmp/h.yaml"
refused_streamed h "its digests or signature do not verify"
grep -q 'GET /Packages/bash-' "$tmp/http.log" || fail "h: bash was not downloaded"
grep -q "Payload SHA256 digest: BAD" "$tmp/h.log" || fail "h: the log does not say which digest failed"
ok "http://: a changed payload, checked as it was downloaded, is refused; the transaction stopped before it"

# busybox is larger than a package fetched whole with the headers (256 KiB):
# its download starts beside the header requests, before rpm's order is
# known; its check waits for its header. Refused all the same.
[ "$(stat -c %s "$repo"/Packages/busybox-[0-9]*.rpm)" -gt 262144 ] || fail "busybox is not larger than 256 KiB"
variant "$tmp/big" payload busybox
serve "$tmp/big" "$tmp/http2.log"
answers "$tmp/g.yaml" "$url"
install g "$tmp/g.yaml"
refused_streamed g "its digests or signature do not verify" busybox
grep -q "'busybox-[0-9][^']*' fetched ahead of rpm's order" "$tmp/g.log" || fail "g: busybox was not fetched ahead"
grep -q "Payload SHA256 digest: BAD" "$tmp/g.log" || fail "g: the log does not say which digest failed"
ok "http://: a changed payload of a package fetched ahead (busybox) is refused in rpm's order; nothing after it installed"

# --- signatures: a key not pinned; a signed header changed --------------------
gpg --batch --quiet --gen-key <<'EOT'
%no-protection
Key-Type: RSA
Key-Length: 2048
Key-Usage: sign
Name-Real: Not pinned
Name-Email: other@invalid
Expire-Date: 0
%commit
EOT
resign() {
	rpmsign --delsign "$1" >/dev/null 2>&1
	rpmsign --addsign --define "_gpg_name other@invalid" --define "_gpg_path $GNUPGHOME" \
		--define "__gpg /usr/bin/gpg" "$1" >/dev/null 2>&1
}
variant "$tmp/other" resign
checksig "$f" | grep -q "Signature, key ID [0-9a-f]*: NOKEY" || fail "resigned: $(checksig "$f")"
answers "$tmp/o.yaml" "file://$tmp/other"
install o "$tmp/o.yaml"
refused o "it is signed by a key that none of the repositories' keys"
ok "a package signed by a key that is not pinned is refused, nothing installed"

header() { # one letter of bash's summary, inside the signed header
	python3 - "$1" "$(rpm -qp --qf '%{SUMMARY}' "$1" 2>/dev/null)" <<'PY'
import sys
p, s = sys.argv[1], sys.argv[2].encode()
b = bytearray(open(p, 'rb').read())
i = b.index(s)
b[i] ^= 0x20
open(p, 'wb').write(b)
PY
}
variant "$tmp/header" header
checksig "$f" | grep -q "Header V4 RSA/SHA[0-9]* Signature, key ID [0-9a-f]*: BAD" ||
	fail "the changed header's signature should be BAD: $(checksig "$f")"
answers "$tmp/s.yaml" "file://$tmp/header"
install s "$tmp/s.yaml"
refused s "its digests or signature do not verify"
ok "a package whose signed header was changed (signature BAD) is refused, nothing installed"

# The same over HTTP, while busybox is being fetched ahead from a server
# that would take half a minute to send it (bash's header comes 2 s late,
# so busybox's download is under way when bash is refused): the install
# ends without waiting for busybox, whose download is stopped.
serve "$tmp/header" "$tmp/slow.log" busybox /Packages/bash- 2
answers "$tmp/sh.yaml" "$url"
install sh "$tmp/sh.yaml"
refused sh "its digests or signature do not verify"
for _ in $(seq 100); do grep -q "^\(done\|aborted\) " "$tmp/slow.log" 2>/dev/null && break; sleep 0.2; done
grep -q "^aborted /Packages/busybox-" "$tmp/slow.log" ||
	fail "sh: busybox's download was not stopped: $(cat "$tmp/slow.log" 2>/dev/null)"
! grep -q "^done /Packages/busybox-" "$tmp/slow.log" || fail "sh: busybox was sent whole"
ok "http://: refused in the header step, the install does not wait for a package fetched ahead: its download is stopped"

# Ctrl-C while busybox is being fetched ahead (the demo repository, from
# the slow server): exit 130 at once, its download aborted,
# nothing installed, and the next run works. bash's header comes 30 s
# late, so the signal arrives in the header step: else the transaction
# may have installed the packages before busybox already (it did, on a
# fast machine, in 0.05 s).
serve "$repo" "$tmp/slow2.log" busybox /Packages/bash- 30
answers "$tmp/i.yaml" "$url"
"$bin" install --root "$tmp/i" --answers "$tmp/i.yaml" --stop-after packages \
	--log "$tmp/i.log" >"$tmp/i.out" 2>&1 &
ipid=$!
for _ in $(seq 300); do grep -q "^start /Packages/busybox-" "$tmp/slow2.log" 2>/dev/null && break; sleep 0.1; done
grep -q "^start /Packages/busybox-" "$tmp/slow2.log" || { kill "$ipid"; fail "i: busybox was not fetched"; }
kill -INT "$ipid"
rc=0
wait "$ipid" || rc=$?
[ $rc -eq 130 ] || { tail -5 "$tmp/i.log"; fail "i: exit $rc after SIGINT, not 130"; }
for _ in $(seq 50); do grep -q "^\(done\|aborted\) " "$tmp/slow2.log" && break; sleep 0.2; done
grep -q "^aborted /Packages/busybox-" "$tmp/slow2.log" || fail "i: busybox's download went on: $(cat "$tmp/slow2.log")"
[ -z "$(rq "$tmp/i" -qa 2>/dev/null | grep -v gpg-pubkey || :)" ] || fail "i: something was installed"
serve "$repo" "$tmp/http3.log"
answers "$tmp/i2.yaml" "$url"
install i2 "$tmp/i2.yaml"
[ $rc -eq 0 ] || { tail -5 "$tmp/i2.log"; fail "i2: the run after the interrupted one: exit $rc"; }
ok "Ctrl-C while a package is fetched ahead: exit 130, its download aborted, nothing installed; the next run works"

# Downloads keep to rpm's order: one starts only while the bytes still to
# come of those under way are fewer than the window (8 MiB). busybox and
# tzdata, the two packages here larger than one fetched whole with the
# headers, are fetched ahead, from a server that answers every package
# request half a second late: with the window, neither waits for the
# other (1.4 MiB together); with a window of one byte, the second waits
# for the first. The same packages either way.
cat >"$tmp/w.yaml" <<EOT
version: 1
packages:
  repos: [{name: v, baseurl: "URL", gpgcheck: true, gpgkey: "$key"}]
  install: [bash, tzdata]
EOT
serve "$repo" "$tmp/late.log" none /Packages/ 0.5
sed -i "s|URL|$url|" "$tmp/w.yaml"
# A window that is not a number of bytes ("8MiB") is said, and the
# default kept.
AZL_FETCH_WINDOW=8MiB install w0 "$tmp/w.yaml"
[ $rc -eq 0 ] || { tail -5 "$tmp/w0.log"; fail "w0: exit $rc"; }
grep -q "AZL_FETCH_WINDOW='8MiB' is not a number of bytes (digits only, below 2^64); the default window (8.0 MiB) is used" "$tmp/w0.log" ||
	fail "w0: the window that is not a number was not said"
grep -q "downloaded in rpm's order, at most 8.0 MiB .*: 0 downloads waited" "$tmp/w0.log" ||
	fail "w0: a download waited for the window: $(grep "rpm's order, at most" "$tmp/w0.log")"
rm -rf "$AZL_CACHE_DIR"/*/Packages
AZL_FETCH_WINDOW=1 install w "$tmp/w.yaml"
[ $rc -eq 0 ] || { tail -5 "$tmp/w.log"; fail "w: exit $rc"; }
grep -q "downloaded in rpm's order, at most 0.0 MiB .*: [1-9][0-9]* downloads waited" "$tmp/w.log" ||
	fail "w: no download waited for a one-byte window: $(grep "rpm's order, at most" "$tmp/w.log")"
diff <(rq "$tmp/w0" -qa | sort) <(rq "$tmp/w" -qa | sort) || fail "w: not the packages of w0"
rq "$tmp/w" -q tzdata >/dev/null || fail "w: tzdata is not installed"
ok "downloads keep to rpm's order within a window of bytes still to come: with one byte, each waits for the one before; the same packages; a window that is not a number is said, the default kept"

# --- the bytes checked are the bytes unpacked ---------------------------------
# The repository's files belong to another user, who may change them: each
# is copied before it is checked. The last package rpm unpacks is
# rewritten in place (the same file) with one signed by an unpinned key
# inside rpmtsRun(), before it opens the package: rpm's own second read
# of the header accepts such a key (NOKEY). Before the change, that file
# was installed. With every check done before the transaction
# (AZL_NO_STREAM=1): a streamed transaction would open the package while
# the checks go on, so the moment to change the file could not be chosen;
# it reads the checked file the same way (rpm-install.c's on_event()).
same() { :; }
variant "$tmp/user" same
chown -R nobody "$tmp/user/Packages"
chmod 0666 "$tmp/user/Packages"/*.rpm
answers "$tmp/u.yaml" "file://$tmp/user"
export AZL_NO_STREAM=1
install u0 "$tmp/u.yaml"
[ $rc -eq 0 ] || { tail -5 "$tmp/u0.log"; fail "u0: exit $rc"; }
grep -q "verified 6 packages (digests, payload, signatures) ahead of the transaction, .* 6 privately copied first" "$tmp/u0.log" ||
	fail "u0: the packages were not copied and checked ahead"
last=$(grep -o "installing [^ ]*" "$tmp/u0.log" | tail -1 | cut -d' ' -f2)
[ -n "$last" ] || fail "u0: no package installed last"
lastf=$tmp/user/Packages/$last.rpm
cp "$lastf" "$tmp/last-good.rpm"
cp "$lastf" "$tmp/last-other.rpm"
resign "$tmp/last-other.rpm"
# Stopped deterministically inside rpmtsRun(), before it opens any package
# to unpack it: at librpm's first chroot() (into the target, for its
# fingerprinting or a scriptlet), by strace (the main thread only).
# LeakSanitizer cannot run under ptrace: off for this run only (u0 above
# ran the same code with it).
command -v strace >/dev/null || fail "strace is missing (scripts/deps.sh installs it)"
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -o "$tmp/u.strace" -e trace=chroot -e inject=chroot:signal=SIGSTOP:when=1 \
	"$bin" install --root "$tmp/u" --answers "$tmp/u.yaml" --stop-after packages \
	--log "$tmp/u.log" >"$tmp/u.out" 2>&1 &
spid=$!
for _ in $(seq 6000); do
	grep -q "stopped by SIGSTOP" "$tmp/u.strace" 2>/dev/null && break
	kill -0 "$spid" 2>/dev/null || break
	sleep 0.01
done
grep -q "stopped by SIGSTOP" "$tmp/u.strace" 2>/dev/null ||
	{ kill "$spid" 2>/dev/null; cat "$tmp/u.strace" "$tmp/u.out"; fail "the install did not stop in its transaction"; }
pid=$(pgrep -P "$spid")
grep -q "verified 6 packages" "$tmp/u.log" || { kill -KILL "$pid"; fail "u: stopped before the checks ended"; }
cat "$tmp/last-other.rpm" >"$lastf"
kill -CONT "$pid"
rc=0
wait "$spid" || rc=$?
[ $rc -eq 0 ] || { tail -5 "$tmp/u.log"; fail "u: exit $rc"; }
want=$(rpm -qp --qf '%{RSAHEADER:pgpsig}' "$tmp/last-good.rpm" 2>/dev/null)
got=$(rq "$tmp/u" -q --qf '%{RSAHEADER:pgpsig}' "$last" 2>/dev/null)
[ "$got" = "$want" ] || fail "u: $last was installed from the replaced file ($got), not the one checked ($want)"
ok "a package file changed after its check: the copy that was checked is installed ($last)"
