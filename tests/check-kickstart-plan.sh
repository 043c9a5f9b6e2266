#!/bin/bash
# Issue 6's round trip through the command line: planning a kickstart
# directly and planning the answer file `convert` makes of it give the
# same plan; `convert --to kickstart` of that answer file converts back to
# the same answer file.
set -u
ks_dir="$AZL_FIXTURES/kickstart"
# A UEFI machine with 100 GiB disks named as the converted file names them
# (kickstarts say --ondisk=sda, ignoredisk --only-use=nvme0n1, ...).
make_machine() { # make_machine ANSWERS.yaml > machine.json
	python3 - "$1" <<'PY'
import json, sys, yaml
a = yaml.safe_load(open(sys.argv[1])) or {}
st = a.get("storage") or {}
paths = [d for d in st.get("disks") or [] if isinstance(d, str)]
for p in st.get("partitions") or []:
    d = p.get("disk")
    if isinstance(d, str) and d not in paths:
        paths.append(d)
paths = paths or ["/dev/vda"]
disks = [{"path": p, "name": p.rsplit("/", 1)[-1], "size": 100 << 30,
          "transport": "virtio", "table": None, "partitions": []} for p in paths]
print(json.dumps({"firmware": "uefi", "device_mapper": True,
                  "memory": 4 << 30, "disks": disks}))
PY
}
# Drops the passphrase (and the interactive: [storage] that asks for it)
# from an answer file, in place.
unsecret() {
	python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
t = re.sub(r'(?m)^( *)encryption: \{\}$', r'\1encryption:', t)
t = re.sub(r'(?m)^ *(passphrase: "supplied-later"|# passphrase: .*)\n', '', t)
t = re.sub(r'(?m)^interactive:\n  - storage\n', '', t)
open(sys.argv[1], "w").write(t)
PY
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0 planned=0
for ks in "$ks_dir"/*.ks; do
	name=$(basename "$ks" .ks)
	# Kickstarts that are refused on purpose have nothing to plan.
	"$AZL_BIN" convert "$ks" -o "$tmp/$name.yaml" 2>/dev/null || continue
	machine="$tmp/$name.machine.json"
	make_machine "$tmp/$name.yaml" >"$machine" || { echo "FAIL: $name: no machine"; fail=1; continue; }
	a=$("$AZL_BIN" plan --answers "$ks" --machine "$machine" --json 2>/dev/null)
	ca=$?
	# The converted file never holds a passphrase (secrets are not
	# written); give it one to plan, as its comment tells the user to.
	if grep -q '^ *# .*passphrase' "$tmp/$name.yaml"; then
		sed -i 's/^\( *\)encryption:.*/&\n\1  passphrase: "supplied-later"/' "$tmp/$name.yaml"
	fi
	b=$("$AZL_BIN" plan --answers "$tmp/$name.yaml" --machine "$machine" --json 2>/dev/null)
	cb=$?
	if [ "$ca" -ne "$cb" ] || [ "$a" != "$b" ]; then
		echo "FAIL: $name: the kickstart and its answer file plan differently"
		diff <(echo "$a") <(echo "$b") | head -20
		fail=1
	fi
	[ "$ca" -eq 0 ] && planned=$((planned + 1))
	# YAML -> kickstart -> YAML is stable.
	if "$AZL_BIN" convert --to kickstart "$tmp/$name.yaml" -o "$tmp/$name.ks" 2>/dev/null &&
		"$AZL_BIN" convert "$tmp/$name.ks" -o "$tmp/$name.2.yaml" 2>/dev/null; then
		# A passphrase is never written to a kickstart: read back, its
		# --encrypted without --passphrase asks for it (issue 13,
		# interactive: [storage]). Compare without the passphrase.
		if grep -q 'supplied-later' "$tmp/$name.yaml"; then
			unsecret "$tmp/$name.yaml"
			unsecret "$tmp/$name.2.yaml"
		fi
		if ! cmp -s "$tmp/$name.yaml" "$tmp/$name.2.yaml"; then
			# Password hashes are salted afresh only for plaintext
			# input; the converted YAML holds hashes, so equal.
			echo "FAIL: $name: YAML -> kickstart -> YAML changed"
			diff "$tmp/$name.yaml" "$tmp/$name.2.yaml" | head -20
			fail=1
		fi
	fi
done
if [ "$planned" -lt 10 ]; then
	echo "FAIL: only $planned kickstarts planned; expected at least 10"
	fail=1
fi
[ "$fail" -eq 0 ] && echo "kickstart-plan: $planned kickstarts plan the same as their answer files"
exit "$fail"
