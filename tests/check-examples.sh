#!/bin/bash
# Every example answer file in docs/examples/ is accepted by the installer
# itself (`validate`: exit 0, no output at all), and plans on a machine it
# was written for (`plan --answers FILE --machine FIXTURE`, text and JSON),
# with a few properties of each plan that the example promises its reader.
# The YAML snippets in docs/answer-file.md must validate as well.
#
# Examples that name disks by path (/dev/sda, /dev/disk/by-id/...) are
# planned with --disk set to the fixture's disks, which is also how a user
# points such a file at another machine: --disk replaces storage.disks.
#
# Env: AZL_BIN (the installer), AZL_SOURCE_DIR, AZL_FIXTURES (tests/fixtures).
set -eu

SRC=${AZL_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
FIX=${AZL_FIXTURES:-$SRC/tests/fixtures}
BIN=${AZL_BIN:-}
EXAMPLES=$SRC/docs/examples

if [ -z "$BIN" ] || [ ! -x "$BIN" ]; then
	echo "check-examples: AZL_BIN='$BIN' is not an executable; skipped" >&2
	exit 77
fi

# example (without .yaml) -> "fixture[:fixture...] disks-mode checks"
#   disks-mode: file  = plan with the file's own storage.disks
#               fixed = the file names disks by path: pass the fixture's
#                       disks as --disk, in order
#               none  = validate only (storage is left to the TUI)
#   checks: comma-separated names of the plan checks below, or -
declare -A PLAN=(
	[hobbyist-single-disk]="uefi-one-disk:bios-one-disk:4kn file root"
	[encrypted-laptop]="uefi-one-disk file root,encrypted,esp"
	[datacenter-static-network]="uefi-one-disk:bios-one-disk fixed root"
	[two-disks]="two-disks fixed root,srv-on-disk2,esp"
	[alongside-windows]="ntfs-free-space file root,keeps-table"
	[qemu-smoke-test]="bios-one-disk:uefi-one-disk fixed root"
	[msdos-bios]="bios-one-disk file root,msdos,bios"
	[xfs-plain]="uefi-one-disk:4kn file root,no-lvm,no-swap"
	[prefilled-interactive]="- none -"
	[custom-lvm]="two-disks fixed root,encrypted,esp"
)

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0
fail() {
	echo "check-examples: FAIL: $*" >&2
	failed=1
}

# The whole-disk paths of a machine fixture, in order, one a line.
fixture_disks() {
	python3 - "$1" <<'PYTHON'
import json, sys
m = json.load(open(sys.argv[1]))
for d in m.get("disks", []):
    if not d.get("boot_medium"):
        print(d["path"])
PYTHON
}

# Checks named in the table ($2), on the JSON plan in $1 for machine $3.
check_plan() {
	python3 - "$1" "$2" "$3" <<'PYTHON'
import json, sys
plan = json.load(open(sys.argv[1]))
machine = json.load(open(sys.argv[3]))
checks = [c for c in sys.argv[2].split(",") if c and c != "-"]
disks = plan.get("disks", [])
parts = [p for d in disks for p in d.get("partitions", [])]
vols = [v for vg in plan.get("volume_groups", []) for v in vg.get("volumes", [])]
ops = [a.get("op") for a in plan.get("actions", [])]
mounts = [p.get("mount") for p in parts] + [v.get("mount") for v in vols]
roles = [p.get("role") for p in parts]
bad = []
for c in checks:
    if c == "root":
        ok = "/" in mounts
    elif c == "encrypted":
        ok = any(p.get("encrypted") for p in parts)
    elif c == "esp":
        ok = "esp" in roles
    elif c == "bios":
        ok = "esp" not in roles
    elif c == "msdos":
        ok = all(d.get("table") == "msdos" for d in disks) and disks != []
    elif c == "srv-on-disk2":
        ok = len(disks) >= 2 and any(p.get("mount") == "/srv"
                                     for p in disks[1].get("partitions", []))
    elif c == "keeps-table":
        # wipe: none: no new table, no wiped disk, and every partition
        # the machine has is still in the plan, where it was.
        planned = {(d.get("path"), p.get("number"), p.get("start"), p.get("size"))
                   for d in disks for p in d.get("partitions", [])}
        old = [(d.get("path"), p.get("number"), p.get("start"), p.get("size"))
               for d in machine.get("disks", []) for p in d.get("partitions", [])]
        ok = ("create-table" not in ops and "wipe-signatures" not in ops
              and old != [] and all(o in planned for o in old))
    elif c == "no-lvm":
        ok = plan.get("volume_groups", []) == [] and "lvm-pv" not in roles
    elif c == "no-swap":
        ok = "swap" not in roles and "swap" not in mounts
    else:
        print("unknown check '%s' (fix the test)" % c)
        sys.exit(1)
    if not ok:
        bad.append(c)
if bad:
    print("plan check(s) failed: " + ", ".join(bad))
    sys.exit(1)
PYTHON
}

shopt -s nullglob
examples=("$EXAMPLES"/*.yaml)
if [ ${#examples[@]} -eq 0 ]; then
	fail "no examples in $EXAMPLES"
fi

for file in "${examples[@]}"; do
	name=$(basename "$file" .yaml)

	# validate: exit 0 and silent.
	rc=0
	"$BIN" validate "$file" >"$TMP/out" 2>&1 || rc=$?
	if [ "$rc" -ne 0 ] || [ -s "$TMP/out" ]; then
		fail "validate $name.yaml: exit $rc, output:"
		sed 's/^/    /' "$TMP/out" >&2
		continue
	fi
	echo "ok   validate $name.yaml"

	if [ -z "${PLAN[$name]+set}" ]; then
		fail "$name.yaml has no machine fixture in check-examples.sh's PLAN table"
		continue
	fi
	read -r fixtures mode checks <<<"${PLAN[$name]}"
	[ "$mode" = none ] && continue

	IFS=: read -r -a fixture_list <<<"$fixtures"
	for fixture in "${fixture_list[@]}"; do
		machine=$FIX/machines/$fixture.json
		if [ ! -f "$machine" ]; then
			fail "machine fixture $machine is missing (for $name.yaml)"
			continue
		fi
		disk_args=()
		if [ "$mode" = fixed ]; then
			while read -r disk; do
				disk_args+=(--disk "$disk")
			done < <(fixture_disks "$machine")
		fi
		# Options before the file: the command line stops at the first
		# argument that is not an option.
		args=(--machine "$machine" ${disk_args[@]+"${disk_args[@]}"} --answers "$file")

		rc=0
		"$BIN" validate --machine "$machine" ${disk_args[@]+"${disk_args[@]}"} \
			"$file" >"$TMP/out" 2>&1 || rc=$?
		if [ "$rc" -ne 0 ] || [ -s "$TMP/out" ]; then
			fail "validate --machine $fixture $name.yaml: exit $rc, output:"
			sed 's/^/    /' "$TMP/out" >&2
			continue
		fi

		rc=0
		"$BIN" plan "${args[@]}" >"$TMP/plan.txt" 2>"$TMP/err" || rc=$?
		if [ "$rc" -ne 0 ] || [ ! -s "$TMP/plan.txt" ]; then
			fail "plan $name.yaml on $fixture: exit $rc:"
			sed 's/^/    /' "$TMP/err" >&2
			continue
		fi
		rc=0
		"$BIN" plan "${args[@]}" --json >"$TMP/plan.json" 2>"$TMP/err" || rc=$?
		if [ "$rc" -ne 0 ]; then
			fail "plan --json $name.yaml on $fixture: exit $rc:"
			sed 's/^/    /' "$TMP/err" >&2
			continue
		fi
		if ! check_plan "$TMP/plan.json" "$checks" "$machine" >"$TMP/out" 2>&1; then
			fail "plan $name.yaml on $fixture:"
			sed 's/^/    /' "$TMP/out" >&2
			continue
		fi
		echo "ok   plan $name.yaml on $fixture"
	done
done

# The YAML snippets of docs/answer-file.md are accepted too (with a
# version line when the snippet has none).
DOC=$SRC/docs/answer-file.md
if [ -f "$DOC" ]; then
	python3 - "$DOC" "$TMP" <<'PYTHON'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
snippet = None
for n, line in enumerate(lines, 1):
    if snippet is None and line.strip() == "```yaml":
        snippet, start = [], n + 1
    elif snippet is not None and line.strip() == "```":
        text = "\n".join(snippet) + "\n"
        if not re.search(r"^version:", text, re.M):
            text = "version: 1\n" + text
        with open("%s/doc-line-%d.yaml" % (sys.argv[2], start), "w", encoding="utf-8") as f:
            f.write(text)
        snippet = None
    elif snippet is not None:
        snippet.append(line)
PYTHON
	for file in "$TMP"/doc-line-*.yaml; do
		line=${file##*/doc-line-}
		line=${line%.yaml}
		rc=0
		"$BIN" validate "$file" >"$TMP/out" 2>&1 || rc=$?
		if [ "$rc" -ne 0 ] || [ -s "$TMP/out" ]; then
			fail "the YAML snippet at docs/answer-file.md:$line: validate exit $rc:"
			sed 's/^/    /' "$TMP/out" >&2
		else
			echo "ok   validate docs/answer-file.md:$line"
		fi
	done
else
	fail "$DOC is missing"
fi

if [ "$failed" -ne 0 ]; then
	echo "check-examples: failures above" >&2
	exit 1
fi
echo "check-examples: all good"
