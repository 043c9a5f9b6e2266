# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the tests that install from the demo repository. Sourced, not
# run:
#   . "$(dirname "$0")/demo-repo-lib.sh" NAME
# As root only (exit 77 otherwise). Sets build (absolute), bin, repo
# (build/demo-repo, rebuilt only when iso/demo-repo changed), tmp (a new
# directory /tmp/NAME.XXXXXX, which the test's own trap removes) and
# AZL_CACHE_DIR inside it; defines fail, ok and rq ROOT ARGS... (rpm on
# the database of the root ROOT).
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
build=$(realpath "${AZL_BUILD_DIR:-$(dirname "$0")/../../build}")
bin=${AZL_BIN:-$build/azl-installer}
repo=$build/demo-repo
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
rq() { rpm --root "$1" --dbpath /usr/lib/sysimage/rpm "${@:2}"; }
cmake --build "$build" --target demo-repo >/dev/null
tmp=$(mktemp -d "/tmp/$1.XXXXXX")
export AZL_CACHE_DIR=$tmp/cache
