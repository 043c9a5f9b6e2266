#!/bin/bash
# scripts/ks-corpus-oracle.sh PYKICKSTART_DIR [NAME.ks...]
#   Records pykickstart's verdict on the real kickstarts of
#   tests/fixtures/kickstart/real/ (all of them, or the ones named) in their
#   expected files, expected/NAME.expect: the lines starting "pykickstart"
#   are replaced, the rest is left to tests/check-ks-corpus.sh. The oracle is
#   pykickstart's parser with the F43 handler, as tools/ksvalidator.py -v F43
#   -i runs it (follows %include as Anaconda does; a parse warning is an
#   error), except that a deprecated option is recorded
#   ("pykickstart-deprecated:") without making the file invalid: ksvalidator
#   stops at the first one, Anaconda ignores it. Run from the corpus
#   directory so that relative %include paths resolve there; PYTHON names
#   the interpreter (one with python3-requests, which pykickstart imports). PYKICKSTART_DIR is an unpacked
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
	# One line per message: "line N: TEXT" for the parser's problems, the
	# other lines as they are.
	verdict=$(PYTHONPATH=$pyks timeout 120 "${PYTHON:-python3}" - "$ks" <<'PY'
import contextlib, io, re, sys, warnings
from pykickstart.errors import (KickstartDeprecationWarning, KickstartError,
                                KickstartParseWarning)
from pykickstart.parser import KickstartParser, preprocessKickstart
from pykickstart.version import makeVersion

ks = sys.argv[1]
err = io.StringIO()
failed = False
deprecated = []
with warnings.catch_warnings(record=True) as seen, contextlib.redirect_stderr(err):
    # As ksvalidator: a parse warning (a mount point defined twice ...)
    # is an error. Unlike ksvalidator, which stops at the first one, a
    # deprecated option is only recorded: Anaconda ignores it and goes on.
    warnings.filterwarnings("error", category=KickstartParseWarning)
    warnings.filterwarnings("always", category=KickstartDeprecationWarning)
    parser = KickstartParser(makeVersion("F43"), followIncludes=True,
                             errorsAreFatal=False)
    try:
        processed = preprocessKickstart(ks)
        parser.readKickstart(processed or ks)
    except KickstartError as e:
        failed = True
        print(str(e), file=sys.stderr)
    except Exception as e:  # pylint: disable=broad-except
        failed = True
        print("General error in input file: %s" % e, file=sys.stderr)
    deprecated = [str(w.message) for w in seen
                  if issubclass(w.category, KickstartDeprecationWarning)]
valid = not failed and parser.errorsCount == 0
print("pykickstart-F43: " + ("valid" if valid else "invalid"))
text = "\n" + err.getvalue()
head = None
for block in re.split(r"\n\s*\n", text):
    block = " ".join(block.split())
    if not block:
        continue
    m = re.fullmatch(r"The following problem occurred on line (\d+) of the kickstart file:", block)
    if m:
        head = m.group(1)
        continue
    print("pykickstart-message: " + ("line %s: %s" % (head, block) if head else block))
    head = None
for d in deprecated:
    print("pykickstart-deprecated: " + " ".join(d.split()))
PY
) || verdict="pykickstart-F43: invalid
pykickstart-message: the oracle failed (exit $?)"
	exp=expected/$name.expect
	{
		printf '%s\n' "$verdict"
		if [ -f "$exp" ]; then
			grep -v '^pykickstart' "$exp" || :
		fi
	} >"$exp.new"
	mv "$exp.new" "$exp"
	echo "$name: $(head -n 1 "$exp")"
done
