#!/bin/bash
# Issue 13 through the command line: kickstarts mean what Anaconda means,
# with the exit codes of DESIGN.md (0 done, 1 invalid input, 2 the machine).
# - No storage commands, or --encrypted without --passphrase: validate
#   accepts (storage is asked), plan refuses with exit 1 and says what is
#   left to ask, and so does the text UI where no terminal can ask.
# - Disks named only by part --ondisk are the disk list: a two-disk layout
#   plans on a machine with both, and exit 2 where the machine lacks one.
# - No clearpart: the plan of a used disk removes nothing.
set -u
ks="$AZL_FIXTURES/kickstart"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
flunk() {
	echo "FAIL: $*"
	fail=1
}
run() { # run EXPECTED_CODE DESCRIPTION CMD... ; output in $out
	local want=$1 what=$2
	shift 2
	out=$("$@" 2>&1 </dev/null)
	local code=$?
	if [ "$code" -ne "$want" ]; then
		flunk "$what: exit $code, wanted $want"
		echo "$out" | sed 's/^/    /'
	fi
}
machine() { # machine DISK... > machine.json: a UEFI machine, 100 GiB disks
	python3 - "$@" <<'PY'
import json, sys
print(json.dumps({"firmware": "uefi", "device_mapper": True,
                  "memory": 4 << 30,
                  "disks": [{"path": "/dev/" + d, "name": d,
                             "size": 100 << 30, "transport": "sata",
                             "table": None, "partitions": []}
                            for d in sys.argv[1:]]}))
PY
}
machine sda >"$tmp/one.json"
machine sda sdb >"$tmp/two.json"

for name in i13-no-storage i13-encrypted-ask; do
	run 0 "validate $name" "$AZL_BIN" validate "$ks/$name.ks"
	run 1 "plan $name" "$AZL_BIN" plan --answers "$ks/$name.ks" \
		--machine "$tmp/one.json"
	echo "$out" | grep -q "interactive installer" ||
		flunk "plan $name does not say the interactive installer asks: $out"
	# Its answer file means the same.
	run 0 "convert $name" "$AZL_BIN" convert "$ks/$name.ks" -o "$tmp/$name.yaml"
	run 1 "plan $name.yaml" "$AZL_BIN" plan --answers "$tmp/$name.yaml" \
		--machine "$tmp/one.json"
	# The text UI asks, given a terminal; without one it refuses (exit 1).
	run 1 "text UI without a terminal, $name" "$AZL_BIN" --answers "$ks/$name.ks"
	echo "$out" | grep -q "needs a terminal" ||
		flunk "text UI without a terminal, $name: $out"
done
echo "$out" >/dev/null

run 0 "plan i13-ondisk-disks on sda+sdb" "$AZL_BIN" plan --json \
	--answers "$ks/i13-ondisk-disks.ks" --machine "$tmp/two.json"
python3 -c '
import json, sys
p = json.loads(sys.argv[1])
paths = [d["path"] for d in p["disks"]]
mounts = {(d["path"], q.get("mount")) for d in p["disks"] for q in d["partitions"]}
assert paths == ["/dev/sda", "/dev/sdb"], paths
assert ("/dev/sdb", "/srv") in mounts and ("/dev/sda", "/") in mounts, mounts
' "$out" || flunk "the two-disk plan does not put / on sda and /srv on sdb"
run 2 "plan i13-ondisk-disks without sdb" "$AZL_BIN" plan \
	--answers "$ks/i13-ondisk-disks.ks" --machine "$tmp/one.json"
echo "$out" | grep -q "/dev/sdb" || flunk "the missing disk is not named: $out"

# No clearpart on a disk with Windows and an old Linux: nothing is removed
# (Anaconda clears nothing unless told), the new system goes into free
# space. With clearpart --all the same disk is cleared (the control).
used="$AZL_FIXTURES/machines/ntfs-free-space.json"
kept() { # kept JSON: partitions 1-3 are in the plan where they were
	python3 -c '
import json, sys
p = json.loads(sys.argv[1])
parts = p["disks"][0]["partitions"]
old = {(q["number"], q["start"]) for q in parts}
want = {(1, 1048576), (2, 525336576), (3, 43475009536)}
sys.exit(0 if want <= old else 1)
' "$1"
}
run 0 "plan i13-no-clearpart on a used disk" "$AZL_BIN" plan --json \
	--answers "$ks/i13-no-clearpart.ks" --machine "$used"
kept "$out" || flunk "the plan of a kickstart without clearpart removes existing partitions"
sed 's/^autopart$/clearpart --all\nautopart/' "$ks/i13-no-clearpart.ks" >"$tmp/all.ks"
run 0 "plan with clearpart --all on a used disk" "$AZL_BIN" plan --json \
	--answers "$tmp/all.ks" --machine "$used"
kept "$out" && flunk "clearpart --all kept the old partitions: the check cannot fail"

[ "$fail" -eq 0 ] && echo "kickstart-anaconda: all checks passed"
exit "$fail"
