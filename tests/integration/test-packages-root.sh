#!/bin/bash
# The packages phase into a --root directory (docs/packages.md): @minimal
# from the demo repository through libsolv and one librpm transaction;
# the rpmdb at /usr/lib/sysimage/rpm (not the host's path), the key
# imported, signatures on every installed package, scriptlets run in the
# chroot (the kernel's %posttrans built an initramfs), per-package JSON
# progress with counts and bytes; a second run finds everything installed;
# depsolving: groups, environments, excludes, weak deps, a missing
# package (exit 1, named; ignore_missing), an unresolvable request (exit 1) listed
# with package names.
set -euo pipefail

. "$(dirname "$0")/demo-repo-lib.sh" test-packages-root

# Under ASan: full stacks, so that tests/lsan.supp's leak:repo_add_rpmdb
# (libsolvext's own, when it reads the target's rpmdb) can match.
[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

trap 'rm -rf "$tmp"' EXIT

answers() { # answers FILE install-list [extra packages: lines]
	local f=$1 list=$2
	shift 2
	{
		echo "version: 1"
		echo "packages:"
		echo "  install: [$list]"
		for l in "$@"; do echo "  $l"; done
	} >"$f"
}

# --- @minimal into a directory -------------------------------------------
answers "$tmp/min.yaml" '"@minimal"'
"$bin" install --root "$tmp/root" --repo "$repo" --answers "$tmp/min.yaml" \
	--stop-after depsolve --progress=json --log "$tmp/solve.log" >"$tmp/solved" ||
	fail "depsolve-only run: exit $?"
grep -v '^{' "$tmp/solved" | sort >"$tmp/solved.s" && mv "$tmp/solved.s" "$tmp/solved"
[ "$(wc -l <"$tmp/solved")" -ge 20 ] || fail "only $(wc -l <"$tmp/solved") packages solved"
[ ! -e "$tmp/root/usr" ] || fail "--stop-after depsolve wrote into the root"

# Under strace, to count fsyncs (no per-file storm); strace is required
# (scripts/deps.sh installs it), so the count is never silently left out.
trace=()
# (Not for a sanitizer build: LeakSanitizer cannot run under ptrace.)
if ! grep -qa __asan_init "$bin"; then
	command -v strace >/dev/null || fail "strace is missing (scripts/deps.sh installs it)"
	trace=(strace -f -c -o "$tmp/strace" -e trace=fsync,fdatasync,syncfs,sync_file_range)
fi
rc=0
"${trace[@]}" "$bin" install --root "$tmp/root" --repo "$repo" --answers "$tmp/min.yaml" \
	--stop-after packages --progress=json --log "$tmp/install.log" \
	>"$tmp/progress.json" || rc=$?
[ $rc -eq 0 ] || { tail -20 "$tmp/install.log"; fail "install exit $rc"; }
# The depsolve-only run wrote the cache and its index: this one reads
# only what @minimal reaches (installer/packages/solv-index.h), and installs what
# the first run chose from everything (compared below).
grep -q "packages reachable" "$tmp/install.log" ||
	fail "the second run did not solve from the cache index"
rq "$tmp/root" -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n' |
	grep -v '^gpg-pubkey' | sort >"$tmp/installed"
diff "$tmp/solved" "$tmp/installed" || fail "installed set differs from the solved one"
for p in setup filesystem glibc busybox bash systemd kernel-core kernel-modules dracut; do
	grep -q "^$p-[0-9]" "$tmp/installed" || fail "'$p' not installed"
done
ok "@minimal: $(wc -l <"$tmp/installed") packages installed, the same set as depsolved"

[ -s "$tmp/root/usr/lib/sysimage/rpm/rpmdb.sqlite" ] || fail "no rpmdb in /usr/lib/sysimage/rpm"
[ ! -e "$tmp/root/var/lib/rpm" ] || fail "the target got the host's rpmdb path /var/lib/rpm"
[ -z "$(find "$tmp/root" -name '.rpmdb' -print -quit)" ] || fail "Debian's ~/.rpmdb path leaked into the target"
rq "$tmp/root" -q gpg-pubkey --qf '%{SUMMARY}\n' | grep 'Azure Linux demo repository' >/dev/null ||
	fail "repository key not in the target's rpmdb"
unsigned=$(rq "$tmp/root" -qa --qf '%{NAME} %{RSAHEADER:pgpsig}\n' | grep -v '^gpg-pubkey' | grep '(none)' || :)
[ -z "$unsigned" ] || fail "installed packages without a signature: $unsigned"
ok "rpmdb in /usr/lib/sysimage/rpm, key imported, every package signed"

[ -x "$tmp/root/usr/bin/busybox" ] || fail "/usr/bin/busybox missing"
"$tmp/root/usr/bin/busybox" true || fail "the installed busybox does not run"
ls "$tmp"/root/usr/lib/modules/*/vmlinuz >/dev/null || fail "no kernel image"
ls "$tmp"/root/boot/initramfs-*.img >/dev/null 2>&1 || fail "no initramfs: kernel-core %posttrans did not run in the chroot"
rq "$tmp/root" -V setup >/dev/null || fail "rpm -V setup reports changes"
ok "files present; scriptlets ran in the target (initramfs built)"

if [ -f "$tmp/strace" ]; then
	syncs=$(awk '$NF ~ /^(fsync|fdatasync|sync_file_range)$/ {n += $(NF-1)} END {print n+0}' "$tmp/strace")
	files=$(find "$tmp/root" -type f | wc -l)
	[ "$syncs" -lt $((files / 10)) ] || fail "$syncs fsyncs for $files files: a per-file fsync storm"
	# The rpmdb is created by the transaction's own transaction set
	# (keys imported there): librpm writes it without an fsync per
	# package (docs/packages.md).
	npk=$(rq "$tmp/root" -qa | grep -vc '^gpg-pubkey')
	[ "$syncs" -lt "$npk" ] || fail "$syncs fsyncs for $npk packages: one per package (the rpmdb's)"
	grep -q syncfs "$tmp/strace" || fail "no syncfs at the end"
	ok "$syncs fsync/fdatasync calls (metadata cache, rpmdb at its close) for $npk packages and $files files, one syncfs"
fi

n=$(wc -l <"$tmp/installed")
python3 - "$tmp/progress.json" "$n" <<'PY' || fail "package progress events"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
pk = [e for e in evs if e.get("phase") == "packages" and e.get("items")]
n = int(sys.argv[2])
assert pk, "no package events"
assert all(e["items"] == n for e in pk), "items != %d" % n
items = sorted({e["item"] for e in pk})
assert items == list(range(1, n + 1)), items
assert pk[-1]["bytes"] == pk[-1]["total_bytes"] > 1000000, pk[-1]
assert all(a["bytes"] <= b["bytes"] for a, b in zip(pk, pk[1:])), "bytes go back"
# The whole install's percent never goes backwards (it went from 21 %,
# "Installing N packages", to 15 % for the first package).
ps = [(e["percent"], e["message"]) for e in evs]
for a, b in zip(ps, ps[1:]):
    assert a[0] <= b[0], "percent goes back: %r then %r" % (a, b)
assert ps[-1][0] >= 80, ps[-1]
PY
ok "one progress event per package, with count and bytes; percent never goes back"

# Again into the same root: libsolv reads the target's rpmdb.
"$bin" install --root "$tmp/root" --repo "$repo" --answers "$tmp/min.yaml" \
	--stop-after packages --log "$tmp/again.log" >/dev/null || fail "second run: exit $?"
grep -q "packages are installed in" "$tmp/again.log" || fail "installed packages not read"
grep -q "0 packages to install" "$tmp/again.log" || fail "second run installs again"
ok "a second run finds everything installed"

# --- a network section brings the service that reads it -----------------
# @minimal has neither NetworkManager nor networkd: a static address was
# written for nobody. NetworkManager is added (as lvm2 is for LVM) ...
answers "$tmp/net.yaml" '"@minimal"'
cat >>"$tmp/net.yaml" <<'EOT'
network:
  interfaces:
    - name: eth0
      addresses: [192.0.2.10/24]
      gateway4: 192.0.2.1
      dns: [192.0.2.53]
EOT
rq "$tmp/root" -q NetworkManager >/dev/null && fail "@minimal already has NetworkManager"
"$bin" install --root "$tmp/root" --repo "$repo" --answers "$tmp/net.yaml" \
	--log "$tmp/net.log" >/dev/null || { tail -5 "$tmp/net.log"; fail "network run: exit $?"; }
rq "$tmp/root" -q NetworkManager >/dev/null || fail "NetworkManager not added for the network section"
kf=$tmp/root/etc/NetworkManager/system-connections/eth0.nmconnection
[ "$(stat -c %a "$kf" 2>/dev/null)" = 600 ] || fail "no 0600 keyfile for eth0"
# Read back by libnm's own keyfile reader, as NetworkManager loads it.
"$build/tests/nm-keyfile-read" "$kf" >"$tmp/kf.txt" || fail "libnm does not load the keyfile"
for want in interface=eth0 ipv4.method=manual ipv4.address=192.0.2.10/24 \
	ipv4.gateway=192.0.2.1 ipv4.dns=192.0.2.53; do
	grep -qx "$want" "$tmp/kf.txt" || fail "libnm read no '$want': $(cat "$tmp/kf.txt")"
done
# ... and where none can be had (excluded here), the install is refused
# after solving, before any package is installed: exit 2.
answers "$tmp/nonet.yaml" '"@minimal"' 'exclude: [NetworkManager]'
sed -n '/^network:/,$p' "$tmp/net.yaml" >>"$tmp/nonet.yaml"
rc=0
"$bin" install --root "$tmp/nonet" --repo "$repo" --answers "$tmp/nonet.yaml" \
	--log "$tmp/nonet.log" >/dev/null 2>"$tmp/nonet.err" || rc=$?
[ $rc -eq 2 ] || { cat "$tmp/nonet.err"; fail "no network service: exit $rc, not 2"; }
grep -q "neither NetworkManager nor systemd-networkd" "$tmp/nonet.err" ||
	fail "the refusal does not say why: $(cat "$tmp/nonet.err")"
# Refused before the root is even created (issue #14: a refused install
# writes nothing), as is a package no repository has (exit 1).
[ ! -e "$tmp/nonet" ] || fail "the refused install created the root"
answers "$tmp/typo.yaml" '"@minimal", no-such-package'
rc=0
"$bin" install --root "$tmp/typo" --repo "$repo" --answers "$tmp/typo.yaml" \
	--log "$tmp/typo.log" >/dev/null 2>"$tmp/typo.err" || rc=$?
[ $rc -eq 1 ] || { cat "$tmp/typo.err"; fail "missing package into a new root: exit $rc, not 1"; }
grep -q "'no-such-package'.*nothing was written" "$tmp/typo.err" || fail "the refusal does not say why: $(cat "$tmp/typo.err")"
[ ! -e "$tmp/typo" ] || fail "the refused install created the root"
ok "a network section adds NetworkManager (a 0600 keyfile libnm reads); without one: exit 2, nothing installed"

# --- depsolving rules ------------------------------------------------------
solve() { # solve answers-file -> stdout nevras; exit code kept
	local rc=0
	"$bin" install --root "$tmp/empty" --repo "$repo" --answers "$1" \
		--stop-after depsolve --progress=json --log "$tmp/s.log" \
		>"$tmp/s.out" 2>"$tmp/s.err" || rc=$?
	grep -v '^{' "$tmp/s.out" || :
	return $rc
}
answers "$tmp/a.yaml" '"@core"'
solve "$tmp/a.yaml" >"$tmp/core" || fail "@core: exit $?"
for p in openssh-server sudo NetworkManager cryptsetup; do
	grep -q "^$p-[0-9]" "$tmp/core" || fail "@core lacks $p"
done
grep -q '^grub2-pc-' "$tmp/core" && fail "@core installed an optional package"
answers "$tmp/a.yaml" '"@^minimal-environment"'
solve "$tmp/a.yaml" >"$tmp/env" || fail "@^minimal-environment: exit $?"
diff <(sort "$tmp/core") <(sort "$tmp/env") >/dev/null || fail "environment != its group core"
ok "groups (@core, mandatory only, no optional) and environments (@^)"

answers "$tmp/a.yaml" '"@core"' 'exclude: [vim-minimal, "chron*"]'
solve "$tmp/a.yaml" >"$tmp/ex" || fail "excludes: exit $?"
grep -q '^vim-minimal-\|^chrony-' "$tmp/ex" && fail "excluded package installed"
grep -q '^sudo-' "$tmp/ex" || fail "excludes removed too much"
ok "excludes (names and globs)"

answers "$tmp/a.yaml" 'bash, no-such-package, "@no-such-group"'
rc=0; solve "$tmp/a.yaml" >/dev/null || rc=$?
[ $rc -eq 1 ] || fail "missing package: exit $rc, not 1"
grep -q "no-such-package" "$tmp/s.err" || fail "stderr does not name the missing package"
grep -q "'no-such-package'" "$tmp/s.log" && grep -q "'@no-such-group'" "$tmp/s.log" ||
	fail "the log does not name every missing item"
answers "$tmp/a.yaml" 'bash, no-such-package' 'ignore_missing: true'
solve "$tmp/a.yaml" >"$tmp/im" || fail "ignore_missing: exit $?"
grep -q '^bash-' "$tmp/im" || fail "ignore_missing dropped bash"
grep -q "warning.*'no-such-package'" "$tmp/s.log" || fail "ignore_missing: no warning"
ok "missing package: exit 1 naming it; ignore_missing: a warning"

# The release package (/etc/os-release, without which systemd refuses to
# switch root) comes with every install, @minimal or not: the installer
# adds system-release, as Anaconda adds @core (docs/answer-file.md).
answers "$tmp/a.yaml" 'bash' 'install_weak_deps: false'
solve "$tmp/a.yaml" >"$tmp/rel" || fail "install: [bash]: exit $?"
grep -q '^azurelinux-release-4' "$tmp/rel" || fail "install: [bash] does not bring azurelinux-release"
ok "install: [bash] (no @minimal) brings azurelinux-release"

answers "$tmp/a.yaml" 'bash' 'exclude: [busybox]'
rc=0; solve "$tmp/a.yaml" >/dev/null || rc=$?
[ $rc -eq 1 ] || fail "unresolvable: exit $rc, not 1 (nothing was written)"
grep -q "package bash-5[^ ]* requires busybox" "$tmp/s.log" || fail "problem not named with packages"
grep -qi "solvable\|#[0-9]" "$tmp/s.log" && fail "solver ids in the problem text"
ok "unresolvable request: problems listed with package names, exit 1"

# Weak deps: the demo repository has no Recommends; bench/'s synthetic
# repository (small here) has them, and comps "default" packages.
src=${AZL_SOURCE_DIR:-$(dirname "$0")/../..}
python3 "$src/bench/make-synthetic-repo.py" --packages 2000 "$tmp/syn" >/dev/null
syn() { # syn EXTRA-LINE -> nevras
	cat >"$tmp/w.yaml" <<EOT
version: 1
packages:
  repos: [{name: syn, baseurl: "file://$tmp/syn", gpgcheck: false}]
  install: ["@core"]
  $1
EOT
	"$bin" install --root "$tmp/empty" --answers "$tmp/w.yaml" --stop-after depsolve \
		--progress=json --log "$tmp/w.log" | grep -v '^{'
}
syn "install_weak_deps: true" >"$tmp/w1" || fail "weak deps on: exit $?"
syn "install_weak_deps: false" >"$tmp/w0" || fail "weak deps off: exit $?"
[ "$(wc -l <"$tmp/w1")" -gt "$(wc -l <"$tmp/w0")" ] || fail "install_weak_deps: false changed nothing"
comm -13 "$tmp/w1" "$tmp/w0" | grep . && fail "weak deps off added packages"
defaults=$(grep -o '<packagereq type="default">[^<]*' "$tmp"/syn/repodata/*-comps.xml | sed 's/.*>//')
[ -n "$defaults" ] || fail "no default group members in the synthetic comps"
for d in $defaults; do
	grep -q "^$d-[0-9]" "$tmp/w0" || fail "group default '$d' left out with install_weak_deps: false"
done
ok "install_weak_deps: false leaves out Recommends ($(wc -l <"$tmp/w1") -> $(wc -l <"$tmp/w0")), keeps group defaults"
