#!/bin/bash
# Real kickstarts written by others (tests/fixtures/kickstart/real/, sources
# and licences in SOURCES there): every one goes through `convert`,
# `validate` of the converted file and `plan` of the kickstart on a machine
# whose disks are named as the kickstart names them (machines/real-DISK.json,
# DISK taken from /dev/DISK, --ondisk=DISK, --drives=DISK ... in the file;
# vda when it names none). The outcome (exit codes, messages, the converted
# YAML, the plan) must be the one in expected/NAME.expect, which also holds
# pykickstart's F43 verdict on the file (lines "pykickstart...", recorded by
# scripts/ks-corpus-oracle.sh; this test does not need pykickstart). A
# crash (exit code 128 and above) fails whatever is expected.
#
# The summary counts the files pykickstart accepts that `convert` refuses
# (translator bugs, or constructs not supported) and the files `convert`
# accepts that pykickstart refuses.
#
# AZL_UPDATE_FIXTURES=1 rewrites the expected files from today's outcomes
# (keeping their pykickstart lines); refused under CI, as the other golden
# files are (tests/check-golden-ci.sh).
set -uo pipefail
: "${AZL_SOURCE_DIR:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${AZL_BIN:=$AZL_SOURCE_DIR/build/azl-installer}"
real=$AZL_SOURCE_DIR/tests/fixtures/kickstart/real
machines=$AZL_SOURCE_DIR/tests/fixtures/machines
update=${AZL_UPDATE_FIXTURES:-}
if [ -n "$update" ] && [ -n "${CI:-}" ]; then
	echo "FAIL: AZL_UPDATE_FIXTURES is set under CI: the expected files are" \
		"only rewritten on a developer's machine" >&2
	exit 1
fi
[ -x "$AZL_BIN" ] || { echo "FAIL: $AZL_BIN is not built" >&2; exit 1; }
tmp=$(mktemp -d /tmp/check-ks-corpus.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# The disks a kickstart names, in order of first use; vda when none.
disks_of() {
	local d
	d=$(grep -v '^[[:space:]]*#' "$1" |
		grep -oE '(/dev/|ondisk=|ondrive=|drives=|only-use=|onpart=|boot-drive=)(sd[a-z]|vd[a-z]|xvd[a-z]|nvme[0-9]+n[0-9]+)' |
		sed -E 's#.*[=/]##' | awk '!seen[$0]++' | paste -sd- -)
	echo "${d:-vda}"
}

# The temporary directory's name differs at every run.
normalise() {
	sed -e "s#$tmp#<tmp>#g"
}
# So do the salted hashes convert makes of plaintext passwords (the YAML
# only: messages never hold a hash).
normalise_yaml() {
	# shellcheck disable=SC2016 # a literal $
	sed -E 's/\$(y|gy|7|2b|6|5|1)\$[^"'"'"' ]*/<crypt hash>/g'
}

# run LABEL DIR CMD... : the command's exit code and output, as recorded.
run() {
	local label=$1 dir=$2 rc=0
	shift 2
	(cd "$dir" && "$@") >"$tmp/out" 2>&1 || rc=$?
	echo "== $label (exit $rc)"
	normalise <"$tmp/out"
	last_rc=$rc
	if [ "$rc" -ge 128 ]; then
		crashed="$crashed $name($label: $rc)"
	fi
}

fail=0 n=0 crashed='' missing='' changed='' we_refuse='' we_accept='' plans=0
shopt -s nullglob
for ks in "$real"/*.ks; do
	name=$(basename "$ks" .ks)
	n=$((n + 1))
	exp=$real/expected/$name.expect
	disks=$(disks_of "$ks")
	machine=$machines/real-$disks.json
	if [ ! -f "$machine" ]; then
		echo "FAIL: $name: no machine file machines/real-$disks.json for the disks it names"
		fail=1
		continue
	fi
	w=$tmp/$name
	mkdir -p "$w"
	{
		echo "machine: real-$disks.json"
		run convert "$real" "$AZL_BIN" convert "$name.ks" -o "$w/$name.yaml"
		conv_rc=$last_rc
		if [ -f "$w/$name.yaml" ]; then
			echo "== converted YAML"
			normalise_yaml <"$w/$name.yaml"
			run validate "$w" "$AZL_BIN" validate "$name.yaml"
		fi
		run plan "$real" "$AZL_BIN" plan --answers "$name.ks" --machine "../../machines/real-$disks.json"
		plan_rc=$last_rc
		echo "$conv_rc $plan_rc" >"$w/rc"
	} >"$w/outcome"
	read -r conv_rc plan_rc <"$w/rc"
	[ "$plan_rc" -eq 0 ] && plans=$((plans + 1))
	verdict=
	[ -f "$exp" ] && verdict=$(sed -n 's/^pykickstart-F43: //p' "$exp" | head -n 1)
	case "$verdict" in
	valid) [ "$conv_rc" -ne 0 ] && we_refuse="$we_refuse $name" ;;
	invalid) [ "$conv_rc" -eq 0 ] && we_accept="$we_accept $name" ;;
	*)
		echo "FAIL: $name: expected/$name.expect has no pykickstart verdict;" \
			"record it with scripts/ks-corpus-oracle.sh PYKICKSTART_DIR $name.ks"
		missing="$missing $name"
		;;
	esac
	{
		[ -f "$exp" ] && grep '^pykickstart' "$exp"
		cat "$w/outcome"
	} >"$w/expect"
	if ! cmp -s "$w/expect" "$exp"; then
		if [ -n "$update" ]; then
			mkdir -p "$real/expected"
			cp "$w/expect" "$exp"
			echo "updated: expected/$name.expect"
		else
			echo "FAIL: $name: the outcome differs from expected/$name.expect:"
			diff -u "$exp" "$w/expect" | head -n 40
			changed="$changed $name"
		fi
	fi
done
# An expected file without its kickstart is stale.
for exp in "$real"/expected/*.expect; do
	name=$(basename "$exp" .expect)
	if [ ! -f "$real/$name.ks" ]; then
		echo "FAIL: expected/$name.expect has no kickstart $name.ks"
		fail=1
	fi
done

# shellcheck disable=SC2086 # the names are words
count() { set -- $1; echo $#; }
echo "ks-corpus: $n real kickstarts; $(count "$we_refuse") accepted by pykickstart F43" \
	"but refused by convert:${we_refuse:- none}"
echo "ks-corpus: $(count "$we_accept") refused by pykickstart F43 but accepted by convert:${we_accept:- none}"
echo "ks-corpus: $plans planned on their machine"
if [ -n "$crashed" ]; then
	echo "FAIL: crashed (exit code 128 and above):$crashed"
	fail=1
fi
[ -z "$missing" ] || fail=1
if [ -n "$changed" ]; then
	echo "FAIL: outcomes changed:$changed"
	echo "If the change is intended, rewrite the expected files (not under CI):"
	echo "  AZL_UPDATE_FIXTURES=1 AZL_BIN=build/azl-installer tests/check-ks-corpus.sh"
	fail=1
fi
if [ "$n" -lt 40 ]; then
	echo "FAIL: only $n kickstarts in $real; the corpus has at least 40"
	fail=1
fi
exit "$fail"
