#!/bin/bash
# The parsed-metadata cache (docs/packages.md, "The metadata cache"), with
# real RPMs of the demo repository into --root directories: an install
# after a failed one (it crashed on a cache written after the failure,
# whose packages had lost their locations), a cache rewritten after
# filelists were read, damaged caches (SHA.solv, SHA.idx truncated to
# half or overwritten in the middle): each install succeeds and the cache
# is written again, sound; writers take the cache's lock.
set -euo pipefail

. "$(dirname "$0")/demo-repo-lib.sh" test-packages-cache
[ -z "${ASAN_OPTIONS:-}" ] || export ASAN_OPTIONS="$ASAN_OPTIONS:fast_unwind_on_malloc=0"

trap 'rm -rf "$tmp"' EXIT
answers() { # answers FILE install-list
	printf 'version: 1\npackages:\n  install: [%s]\n' "$2" >"$1"
}
answers "$tmp/good.yaml" '"@minimal", openssh-server'
answers "$tmp/bad.yaml" '"@minimal", no-such-package-xyz'
answers "$tmp/bash.yaml" 'bash'
answers "$tmp/file.yaml" '"@minimal", /usr/share/doc/NetworkManager/README.azl-demo'

n=0
run() { # run ANSWERS STOP-AFTER -> exit code; log in $tmp/run$n.log
	n=$((n + 1))
	local rc=0
	"$bin" install --root "$tmp/root$n" --repo "$repo" --answers "$1" \
		--stop-after "$2" --log "$tmp/run$n.log" >"$tmp/run$n.out" 2>&1 || rc=$?
	log=$tmp/run$n.log root=$tmp/root$n
	return $rc
}
# The run solved from the cache index and the cache answered.
from_index() {
	grep -q "packages reachable" "$log" || fail "run $n: not solved from the cache index"
	! grep -q "to be sure\|damaged" "$log" || fail "run $n: the cache was not sound"
}
installed() { # installed PKG... : in $root's rpmdb
	for p in "$@"; do
		rq "$root" -q "$p" >/dev/null || fail "run $n: '$p' not installed in $root"
	done
}

# --- an install after a failed one -------------------------------------------
rc=0; run "$tmp/good.yaml" packages || rc=$?
[ $rc -eq 0 ] || { tail -5 "$log"; fail "first install: exit $rc"; }
installed openssh-server kernel-core
rc=0; run "$tmp/bad.yaml" depsolve || rc=$?
[ $rc -eq 1 ] || fail "missing package: exit $rc, not 1"
grep -q "no-such-package-xyz" "$tmp/run$n.out" || fail "the missing package is not named"
# Missing from the cache: asked of the metadata before it is reported.
grep -q "a name is missing; reading the repositories' metadata" "$log" ||
	fail "a name missing from the cache was not looked up in the metadata"
[ "$(grep -c "error.*'no-such-package-xyz'" "$log")" -eq 2 ] ||
	fail "the missing package is not reported once (an error and the summary)"
rc=0; run "$tmp/good.yaml" packages || rc=$?
[ $rc -eq 0 ] || { tail -5 "$log"; fail "install after a failed one: exit $rc"; }
from_index
installed openssh-server kernel-core
ok "install, failed install, install: exit 0, 1, 0; the third from the cache index"

# --- a cache written again from itself, after filelists were read ----------
rm -rf "$AZL_CACHE_DIR"
run "$tmp/good.yaml" depsolve || fail "cold solve: exit $?"
# A path only filelists.xml has: the cache is read, then filelists, and
# the cache written again from what the pool holds.
run "$tmp/file.yaml" depsolve >/dev/null || fail "solve of a file path: exit $?"
grep -q "reading filelists" "$log" || fail "filelists were not read"
ls "$AZL_CACHE_DIR"/*/solv/*-filelists.solvx >/dev/null || fail "no filelists cache"
rc=0; run "$tmp/good.yaml" packages || rc=$?
[ $rc -eq 0 ] || { tail -5 "$log"; fail "install from a rewritten cache: exit $rc"; }
from_index
installed openssh-server
ok "a cache written again from the cache keeps every package's location"

# --- damaged caches ----------------------------------------------------------
sound() { # the cache was written again, whole: the index answers, and
	# without it the .solv itself is read
	run "$tmp/good.yaml" depsolve >/dev/null || fail "run $n: exit $?"
	from_index
	rm "$AZL_CACHE_DIR"/*/solv/*.idx
	run "$tmp/good.yaml" depsolve >/dev/null || fail "run $n: exit $?"
	grep -q "packages and groups from the cache" "$log" || fail "run $n: the .solv was not read"
	! grep -q "damaged" "$log" || fail "run $n: the rewritten .solv is damaged"
}
for ext in solv idx; do
	for how in half middle; do
		rm -rf "$AZL_CACHE_DIR"
		run "$tmp/good.yaml" depsolve || fail "cold solve: exit $?"
		f=$(ls "$AZL_CACHE_DIR"/*/solv/*."$ext")
		size=$(stat -c %s "$f")
		if [ $how = half ]; then
			truncate -s $((size / 2)) "$f"
		else
			[ "$size" -gt 8192 ] || fail "'$f' is too small to damage its middle"
			dd if=/dev/urandom of="$f" bs=4096 count=1 seek=$((size / 2 - 2048)) \
				oflag=seek_bytes conv=notrunc status=none
		fi
		# (bash and what it needs: a real install, and a short one)
		rc=0; run "$tmp/bash.yaml" packages || rc=$?
		[ $rc -eq 0 ] || { tail -5 "$log"; fail "install with a damaged .$ext ($how): exit $rc"; }
		installed bash busybox
		grep -q "damaged" "$log" || fail "the damaged .$ext ($how) was not noticed"
		! grep -q "not in any repository" "$log" || fail "the damaged cache decided what exists"
		sound
		ok "a damaged .$ext ($how): the install succeeds, the cache is written again, sound"
	done
done

# --- writers take the lock; a dead writer's temporary file goes -------------
lock=$(ls -d "$AZL_CACHE_DIR"/*/solv)/lock
rm "$AZL_CACHE_DIR"/*/solv/*.solv "$AZL_CACHE_DIR"/*/solv/*.idx
touch "$(dirname "$lock")/stale.solv.99999.part"
flock "$lock" "$bin" install --root "$tmp/locked" --repo "$repo" --answers "$tmp/good.yaml" \
	--stop-after depsolve --log "$tmp/locked.log" >/dev/null || fail "solve while locked: exit $?"
grep -q "another process is writing the cache" "$tmp/locked.log" || fail "the lock was not honoured"
[ -z "$(ls "$(dirname "$lock")"/*.solv 2>/dev/null)" ] || fail "a cache written without the lock"
[ -e "$(dirname "$lock")/stale.solv.99999.part" ] || fail "a temporary file removed without the lock"
run "$tmp/good.yaml" depsolve >/dev/null || fail "solve: exit $?"
ls "$(dirname "$lock")"/*.solv >/dev/null || fail "no cache written"
[ ! -e "$(dirname "$lock")/stale.solv.99999.part" ] || fail "a dead writer's temporary file was kept"
ok "writers take the cache's lock; a dead writer's temporary file is removed"
