#!/bin/bash
# build-repo-locked.sh LOCK STAMP INPUT... -- COMMAND...
# iso/demo-repo.cmake's builder of a repository: COMMAND (build-repo.py,
# which empties its --out first) runs under flock LOCK, then STAMP is
# touched, unless, once the lock is held, STAMP is newer than every INPUT
# (files, or directories searched whole). make decides that a repository
# is stale before it waits for the lock: a second build that waited while
# the first one ran would otherwise empty and rebuild the repository the
# first one's tests are already reading.
set -euo pipefail
lock=$1 stamp=$2
shift 2
inputs=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do inputs+=("$1"); shift; done
[ "${1:-}" = -- ] || { echo "usage: $0 LOCK STAMP INPUT... -- COMMAND..." >&2; exit 2; }
shift
exec 9>"$lock"
flock 9
if [ -e "$stamp" ] &&
	[ -z "$(find "${inputs[@]}" -name __pycache__ -prune -o -type f -newer "$stamp" -print -quit)" ]; then
	echo "$(basename "$stamp" .stamp): built meanwhile by another build, up to date"
	exit 0
fi
"$@" 9>&-
touch "$stamp"
