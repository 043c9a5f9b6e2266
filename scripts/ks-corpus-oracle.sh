#!/bin/bash
# scripts/ks-corpus-oracle.sh PYKICKSTART_DIR [NAME.ks...]
#   Records pykickstart's verdict on the real kickstarts of
#   tests/fixtures/kickstart/real/ (all of them, or the ones named) in their
#   expected files, expected/NAME.expect: the lines starting "pykickstart"
#   are replaced, the rest is left to tests/check-ks-corpus.sh. The oracle is
#   pykickstart's own validator, tools/ksvalidator.py -v F43 -i (follows
#   %include as Anaconda does), run from the corpus directory so that
#   relative %include paths resolve there. PYKICKSTART_DIR is an unpacked
#   pykickstart source tree (pure Python; never committed here), e.g.
#     git --git-dir=PYKICKSTART.git archive HEAD | tar -x -C /tmp/pyks
#   Its commit goes into tests/fixtures/kickstart/real/SOURCES by hand.
#   The CI test does not need pykickstart: it reads the recorded verdicts.
set -euo pipefail
pyks=$(realpath "${1:?usage: $0 PYKICKSTART_DIR [NAME.ks...]}")
shift
[ -f "$pyks/tools/ksvalidator.py" ] || { echo "$pyks: no tools/ksvalidator.py" >&2; exit 1; }
real=$(cd "$(dirname "$0")/../tests/fixtures/kickstart/real" && pwd)
cd "$real"
mkdir -p expected
if [ "$#" -eq 0 ]; then
	set -- *.ks
fi
for ks in "$@"; do
	ks=${ks##*/}
	name=${ks%.ks}
	rc=0
	out=$(PYTHONPATH=$pyks timeout 120 python3 "$pyks/tools/ksvalidator.py" \
		-v F43 -i "$ks" 2>&1) || rc=$?
	# One line per message: "line N: TEXT" for the parser's problems, the
	# other lines as they are (deprecation notices, general errors).
	verdict=$(printf '%s\n' "$out" | python3 -c '
import re, sys
text = sys.stdin.read()
text = re.sub(r"\n\s*Checking kickstart file [^\n]*\n", "\n", "\n" + text)
msgs = []
head = None
for block in re.split(r"\n\s*\n", text):
    block = " ".join(block.split())
    if not block:
        continue
    m = re.fullmatch(r"The following problem occurred on line (\d+) of the kickstart file:", block)
    if m:
        head = m.group(1)
        continue
    msgs.append("line %s: %s" % (head, block) if head else block)
    head = None
for m in msgs:
    print("pykickstart-message: " + m)
')
	exp=expected/$name.expect
	{
		if [ "$rc" -eq 0 ]; then
			echo "pykickstart-F43: valid"
		else
			echo "pykickstart-F43: invalid"
		fi
		[ -z "$verdict" ] || printf '%s\n' "$verdict"
		[ -f "$exp" ] && grep -v '^pykickstart' "$exp" || :
	} >"$exp.new"
	mv "$exp.new" "$exp"
	echo "$name: $(head -n 1 "$exp")"
done
