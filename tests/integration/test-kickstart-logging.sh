#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Kickstart's logging --host=HOST --port=PORT [--level=L] sends the
# install's log to a syslog server, as inst.syslog= does (UDP, RFC 5424):
# an image install (--root, a file:// tarball) with a receiver on
# 127.0.0.1 gets its lines; --level=warning sends warnings and errors
# only; the kernel command line's inst.syslog= wins over the kickstart.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}"
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/test-kickstart-logging.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

receiver() { # NAME: a UDP syslog receiver; its port once it listens
	mkdir -p "$tmp/$1"
	python3 "$here/../report-receiver.py" udp "$tmp/$1" </dev/null >/dev/null 2>&1 &
	pids+=($!)
	for _ in $(seq 100); do [ -s "$tmp/$1/port" ] && break; sleep 0.05; done
	cat "$tmp/$1/port"
}
a=$(receiver a)
b=$(receiver b)
c=$(receiver c)

mkdir -p "$tmp/src/usr/lib/modules/6.1.0-test" "$tmp/src/etc"
echo kernel >"$tmp/src/usr/lib/modules/6.1.0-test/vmlinuz"
tar -C "$tmp/src" -cf "$tmp/img.tar" .
: >"$tmp/cmdline"
export AZL_PROC_CMDLINE=$tmp/cmdline

ks() { # NAME LOGGING-LINE
	printf 'rootpw --lock\n%s\nliveimg --url=file://%s/img.tar\n' "$2" "$tmp" >"$tmp/$1.ks"
}
run() { # NAME: exit code on stdout
	local rc=0
	"$AZL_BIN" install --root "$tmp/root-$1" --answers "$tmp/$1.ks" --stop-after image \
		>"$tmp/$1.out" 2>&1 || rc=$?
	echo "$rc"
}
settle() { sleep 0.3; }

ks info "logging --host=127.0.0.1 --port=$a"
rc=$(run info)
[ "$rc" = 0 ] || { cat "$tmp/info.out"; fail "logging --host: exit $rc"; }
settle
grep -q '^<1[0-5]>1 [0-9T:.-]*Z [^ ]* azl-installer [0-9]* - - ' "$tmp/a/syslog" ||
	fail "no RFC 5424 lines at the receiver: $(head -3 "$tmp/a/syslog" 2>/dev/null)"
grep -q "image: streaming 'file://$tmp/img.tar'" "$tmp/a/syslog" ||
	fail "the image phase's lines did not reach the receiver"
! grep -q '^<15>' "$tmp/a/syslog" || fail "the default level (info) sent debug lines"
ok "logging --host=127.0.0.1 --port=P: $(wc -l <"$tmp/a/syslog") log lines over UDP"

# --level=warning: an install that fails (no kernel in the image) sends
# its error, and none of its info lines.
mkdir -p "$tmp/nokernel/etc" && tar -C "$tmp/nokernel" -cf "$tmp/nokernel.tar" .
printf 'rootpw --lock\nlogging --host=127.0.0.1 --port=%s --level=warning\nliveimg --url=file://%s/nokernel.tar\n' \
	"$b" "$tmp" >"$tmp/warn.ks"
rc=$(run warn)
[ "$rc" = 3 ] || { cat "$tmp/warn.out"; fail "a failing install: exit $rc, not 3"; }
settle
grep -q "carries no kernel" "$tmp/b/syslog" || fail "--level=warning: the error did not arrive"
! grep -q "image: streaming" "$tmp/b/syslog" || fail "--level=warning: info lines were sent"
ok "logging --level=warning: the error arrives, info lines do not"

# The kernel command line wins: inst.syslog= names receiver c.
echo "ro inst.syslog=127.0.0.1:$c" >"$tmp/cmdline"
: >"$tmp/a/syslog"
rc=$(run info)
[ "$rc" = 0 ] || { cat "$tmp/info.out"; fail "inst.syslog= and logging --host: exit $rc"; }
settle
grep -q "image: streaming" "$tmp/c/syslog" || fail "inst.syslog= did not win over logging --host"
[ ! -s "$tmp/a/syslog" ] || fail "logging --host was used although inst.syslog= was given"
ok "inst.syslog= on the kernel command line wins over logging --host"
