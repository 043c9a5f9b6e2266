#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# %include of a file that %pre writes (docs/kickstart.md): Anaconda runs
# %pre, then reads the kickstart again; datacenter kickstarts choose their
# disk layout that way. Through the real binary on a sparse disk image:
#   - convert: exit 1, the message says %pre may write the file and that
#     install runs it first;
#   - install --dry-run runs no script: the %include is refused at its
#     line (exit 1), the image is not written;
#   - install: %pre runs once (not again in the install), the included
#     layout is carried out;
#   - a failing %pre: exit 3, nothing written.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
build=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}
bin=${AZL_BIN:-$build/azl-installer}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

tmp=$(mktemp -d /tmp/test-ks-pre-include.XXXXXX)
cleanup() {
	for l in $(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l" 2>/dev/null || true
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
img=$tmp/disk.img
truncate -s 8G "$img"

cat >"$tmp/ks.cfg" <<KS
lang en_US.UTF-8
keyboard us
timezone UTC
rootpw --lock
bootloader --timeout=1
clearpart --all
%include $tmp/part-include

%pre
echo ran >>$tmp/pre-count
cat >$tmp/part-include <<'INC'
part /boot --size=1024 --fstype=ext4
part / --size=3072 --fstype=xfs
part /srv/pre-chosen --size=1024 --grow --fstype=ext4
INC
%end
KS

rc=0
"$bin" convert "$tmp/ks.cfg" >"$tmp/convert.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$tmp/convert.out"; fail "convert: exit $rc, not 1"; }
grep -q "does not exist yet; a %pre script of this kickstart may write it" "$tmp/convert.out" ||
	{ cat "$tmp/convert.out"; fail "convert: the message does not name %pre"; }
[ ! -e "$tmp/pre-count" ] || fail "convert ran %pre"
ok "convert: exit 1, says %pre may write the included file and install runs it first"

# --dry-run touches nothing: it runs no script, so the included file does
# not exist and the kickstart is refused at its %include line.
rc=0
"$bin" install --answers "$tmp/ks.cfg" --disk "$img" --firmware bios --dry-run >"$tmp/dry.out" 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat "$tmp/dry.out"; fail "install --dry-run: exit $rc, not 1"; }
grep -q -- "--dry-run runs no script" "$tmp/dry.out" || { cat "$tmp/dry.out"; fail "install --dry-run: does not say it runs no %pre"; }
grep -q "ks.cfg:7:" "$tmp/dry.out" || { cat "$tmp/dry.out"; fail "install --dry-run: no FILE:LINE of the %include"; }
[ ! -e "$tmp/pre-count" ] || fail "install --dry-run ran %pre"
[ "$(stat -c %b "$img")" = 0 ] || fail "the dry run wrote the image"
ok "install --dry-run: no %pre, the %include refused at its line (exit 1); image untouched"

# The install runs %pre once (not again in the install), then the included
# layout is the plan it carries out (stopped after the storage phase).
rc=0
"$bin" install --answers "$tmp/ks.cfg" --disk "$img" --firmware bios --yes --stop-after storage \
	--log "$tmp/install.log" >"$tmp/install.out" 2>&1 || rc=$?
[ "$rc" = 0 ] || { cat "$tmp/install.out"; fail "install: exit $rc"; }
[ "$(cat "$tmp/pre-count")" = ran ] || fail "%pre ran $(wc -l <"$tmp/pre-count") times, not once"
grep -q "/srv/pre-chosen" "$tmp/install.out" || { cat "$tmp/install.out"; fail "the plan does not hold the included layout"; }
# (No udev here: the filesystems are read at their offsets in the image.)
for start in $(sfdisk --dump "$img" | sed -n 's/.*start= *\([0-9]*\),.*/\1/p'); do
	blkid -p -O $((start * 512)) -o value -s TYPE "$img" || :
done >"$tmp/types"
grep -x xfs "$tmp/types" >/dev/null || fail "no xfs partition (the included /): $(cat "$tmp/types")"
ok "install: %pre ran once, then the included layout was carried out (an xfs /, /srv/pre-chosen)"
truncate -s 0 "$img"
truncate -s 8G "$img"

# --erroronfail: without it Anaconda (and this installer) goes on.
sed -i -e "s#^echo ran >>.*#exit 4#" -e "s#^%pre\$#%pre --erroronfail#" "$tmp/ks.cfg"
rm -f "$tmp/part-include"
rc=0
"$bin" install --answers "$tmp/ks.cfg" --disk "$img" --firmware bios --yes >"$tmp/fail.out" 2>&1 || rc=$?
[ "$rc" = 3 ] || { cat "$tmp/fail.out"; fail "a failing %pre: exit $rc, not 3"; }
grep -q "a %pre script of '$tmp/ks.cfg' failed; nothing was written" "$tmp/fail.out" || { cat "$tmp/fail.out"; fail "a failing %pre: message"; }
[ "$(stat -c %b "$img")" = 0 ] || fail "a failing %pre: the image was written"
ok "a failing %pre: exit 3, nothing written"
# Not root (and no --dry-run): install_run() refuses it (exit 2); the
# %pre scripts must not have run before that refusal.
nr=$tmp/nonroot
mkdir -m 755 "$nr"
chmod 755 "$tmp"
cat >"$nr/ks.cfg" <<KS
lang en_US.UTF-8
keyboard us
timezone UTC
rootpw --lock
bootloader --timeout=1
clearpart --all
%include $nr/part-include

%pre
touch $nr/pre-ran
echo 'part / --size=3072 --fstype=xfs' >$nr/part-include
%end
KS
chmod 644 "$nr/ks.cfg"
chmod 777 "$nr"
rc=0
setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$bin" install --answers "$nr/ks.cfg" --disk "$img" --firmware bios --yes >"$tmp/nonroot.out" 2>&1 || rc=$?
[ "$rc" = 2 ] || { cat "$tmp/nonroot.out"; fail "not root: exit $rc, not 2"; }
grep -q "installing needs root" "$tmp/nonroot.out" || { cat "$tmp/nonroot.out"; fail "not root: message"; }
[ ! -e "$nr/pre-ran" ] || { cat "$tmp/nonroot.out"; fail "not root: %pre ran before the refusal"; }
ok "not root: exit 2 before %pre ran"
echo "all %pre-then-%include checks passed"
