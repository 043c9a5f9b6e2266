#!/bin/bash
# The command line's contract: exit codes and messages of DESIGN.md.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# check() runs inside pipelines (subshells): failures go to a file.
failed="$tmp/failed"
: >"$failed"
flunk() { echo "FAIL: $*"; echo x >>"$failed"; }
check() { # check EXPECTED_CODE DESCRIPTION -- CMD...
	local want=$1 what=$2
	shift 3
	local out code
	out=$("$@" 2>&1)
	code=$?
	if [ "$code" -ne "$want" ]; then
		flunk "$what: exit $code, wanted $want" >&2
		echo "$out" | sed 's/^/    /' >&2
	fi
	printf '%s' "$out"
}

v=$(check 0 "--version" -- "$AZL_BIN" --version)
for lib in libblkid libparted libcryptsetup libnm libyaml librpm libsolv libcurl libxcrypt ncursesw; do
	echo "$v" | grep -q "^  $lib " || flunk "--version does not name $lib"
done
check 0 "--help" -- "$AZL_BIN" --help | grep -q "azl-installer validate" ||
	flunk "--help has no usage"
check 1 "unknown command" -- "$AZL_BIN" frobnicate | grep -q "unknown command 'frobnicate'" ||
	flunk "unknown command not named"
check 1 "unknown option" -- "$AZL_BIN" plan --frob >/dev/null
check 1 "bad --firmware" -- "$AZL_BIN" plan --firmware efi --answers x >/dev/null
check 1 "missing answer file" -- "$AZL_BIN" validate /nonexistent/answers.yaml |
	grep -q "/nonexistent/answers.yaml" || flunk "missing file not named"
check 1 "validate without a file" -- "$AZL_BIN" validate >/dev/null
check 1 "plan without answers" -- "$AZL_BIN" plan >/dev/null

printf 'version: 1\nhostname: node01\n' >"$tmp/ok.yaml"
out=$(check 0 "validate a good file" -- "$AZL_BIN" validate "$tmp/ok.yaml")
[ -z "$out" ] || flunk "validate printed something for a good file: $out"
printf 'version: 1\nhostnme: node01\n' >"$tmp/bad.yaml"
check 1 "validate a bad file" -- "$AZL_BIN" validate "$tmp/bad.yaml" |
	grep -q "^$tmp/bad.yaml:2:1: " || flunk "no FILE:LINE:COL"
# --machine: a disk the machine does not have is the machine's refusal (2).
check 2 "plan for a disk that is not there" -- "$AZL_BIN" plan --answers "$tmp/ok.yaml" \
	--machine "$AZL_FIXTURES/machines/uefi-one-disk.json" --disk /dev/nope >/dev/null
check 2 "a tiny disk" -- "$AZL_BIN" plan --answers "$tmp/ok.yaml" \
	--machine "$AZL_FIXTURES/machines/tiny.json" >/dev/null
check 0 "plan --json" -- "$AZL_BIN" plan --answers "$tmp/ok.yaml" \
	--machine "$AZL_FIXTURES/machines/uefi-one-disk.json" --json |
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert set(d)=={"disks","volume_groups","actions"}, d.keys()' ||
	flunk "plan --json is not the DESIGN.md object"

if [ -s "$failed" ]; then
	echo "cli: $(wc -l <"$failed") checks failed"
	exit 1
fi
echo "cli: all checks passed"
