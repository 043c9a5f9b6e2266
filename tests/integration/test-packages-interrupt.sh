#!/bin/bash
# SIGINT and SIGTERM during the rpm transaction (docs/packages.md): librpm
# blocks signals while it runs, so before the fix the signal waited until
# every package and scriptlet was done. Now the transaction stops after
# the package being unpacked: exit 130, the error script run, the packages
# after it not installed, and the installer gone within seconds.
set -euo pipefail

. "$(dirname "$0")/demo-repo-lib.sh" test-packages-interrupt

trap 'rm -rf "$tmp"' EXIT

for sig in INT TERM; do
	root=$tmp/root-$sig
	cat >"$tmp/$sig.yaml" <<YAML
version: 1
packages: {install: ["@minimal"]}
scripts:
  error: [{run: "echo \"\$AZL_INSTALLER\" >$tmp/error-$sig"}]
YAML
	"$bin" install --root "$root" --answers "$tmp/$sig.yaml" --repo "$repo" \
		--progress=json --log "$tmp/$sig.log" >"$tmp/$sig.out" 2>&1 &
	pid=$!
	i=0
	until grep -q '"phase":"packages".*"item":3,' "$tmp/$sig.out"; do
		kill -0 $pid 2>/dev/null || fail "$sig: the install ended early: $(tail "$tmp/$sig.out")"
		i=$((i + 1))
		[ $i -lt 1200 ] || fail "$sig: no third package within 120 s"
		sleep 0.1
	done
	kill -"$sig" $pid
	t0=$(date +%s%N)
	rc=0
	wait $pid || rc=$?
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$rc" = 130 ] || fail "$sig: exit $rc: $(tail "$tmp/$sig.out")"
	[ "$(cat "$tmp/error-$sig" 2>/dev/null)" = 1 ] || fail "$sig: the error script did not run"
	grep -q "interrupted during packages" "$tmp/$sig.out" ||
		fail "$sig: no message: $(tail -n 3 "$tmp/$sig.out")"
	! grep -q '"message":"packages installed' "$tmp/$sig.out" ||
		fail "$sig: the rpm transaction ran to its end ($ms ms after the signal)"
	grep -q "interrupted: the rpm transaction stopped after [0-9]* of [0-9]* packages" \
		"$tmp/$sig.log" || fail "$sig: the log does not say where it stopped"
	total=$(grep -o '"items":[0-9]*' "$tmp/$sig.out" | head -n 1 | cut -d: -f2)
	got=$(rpm --root "$root" --dbpath /usr/lib/sysimage/rpm -qa | wc -l)
	[ "$got" -lt "$total" ] || fail "$sig: all $total packages were installed"
	echo "ok: SIG$sig during the rpm transaction: exit 130 after $ms ms, $got of $total packages, error script run"
done
