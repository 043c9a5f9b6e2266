#!/bin/bash
# The layers of installer/layers.txt hold: every #include "..." in
# installer/, kickstart/ and ui/ names a header of the file's own layer or
# of a layer its line allows, every header it names exists in exactly one
# layer's folder, and no source file lies outside the listed folders.
# The build refuses most of this too (each layer's include path), but a
# header that is also found by the compiler's own path, or a rule changed
# in CMakeLists.txt, would slip through; this check reads the rules and the
# sources only.
#
# First the checker proves it can fail: on a copy of the tree with a
# forbidden include planted (core including a run header), a stray file in
# installer/ and an include of a header that exists nowhere, it must name
# all three. Then it checks the real tree.
set -u
SRC=${AZL_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check_tree() {
	python3 - "$1" <<'EOF'
import os, re, sys
root = sys.argv[1]
layers, allowed, folder_of = [], {}, {}
with open(os.path.join(root, "installer/layers.txt")) as f:
    for n, line in enumerate(f, 1):
        if not re.match(r"[a-z]", line):
            continue
        words = line.split()
        layer, folder, deps = words[0], words[1], words[2:]
        for d in deps:
            if d not in allowed:
                print(f"installer/layers.txt:{n}: '{layer}' may include "
                      f"'{d}', which is not a layer above it in the file")
                sys.exit(1)
        layers.append(layer)
        allowed[layer] = set(deps) | {layer}
        folder_of[layer] = folder
layer_of_dir = {folder: layer for layer, folder in folder_of.items()}
bad = 0
header_layer = {}
sources = []
for top in ("installer", "kickstart", "ui"):
    for d, _, files in os.walk(os.path.join(root, top)):
        rel_d = os.path.relpath(d, root)
        for name in sorted(files):
            if not name.endswith((".c", ".h")):
                continue
            rel = os.path.join(rel_d, name)
            if rel_d not in layer_of_dir:
                print(f"{rel}: in no layer's folder (installer/layers.txt); "
                      "move it to the folder of its layer")
                bad += 1
                continue
            layer = layer_of_dir[rel_d]
            sources.append((rel, layer))
            if name.endswith(".h"):
                if name in header_layer:
                    print(f"{rel}: a header of that name is also in "
                          f"{folder_of[header_layer[name]]}/")
                    bad += 1
                header_layer[name] = layer
inc = re.compile(r'\s*#\s*include\s+"([^"]+)"')
for rel, layer in sources:
    with open(os.path.join(root, rel), errors="replace") as f:
        for n, line in enumerate(f, 1):
            m = inc.match(line)
            if not m:
                continue
            h = os.path.basename(m.group(1))
            if h not in header_layer:
                print(f"{rel}:{n}: includes \"{m.group(1)}\", which is in "
                      "no layer's folder")
                bad += 1
            elif header_layer[h] not in allowed[layer]:
                print(f"{rel}:{n}: layer '{layer}' includes \"{h}\" of layer "
                      f"'{header_layer[h]}' (installer/layers.txt allows "
                      f"{', '.join(sorted(allowed[layer]))})")
                bad += 1
print(f"{len(sources)} files in {len(layers)} layers, {bad} broken rules")
sys.exit(1 if bad else 0)
EOF
}

# 1. The checker fails where it must.
mkdir -p "$tmp/tree"
cp -r "$SRC/installer" "$SRC/kickstart" "$SRC/ui" "$tmp/tree/"
echo '#include "install.h"' >>"$tmp/tree/installer/core/util.c"
echo '#include "no-such-header.h"' >>"$tmp/tree/installer/model/model.c"
: >"$tmp/tree/installer/stray.c"
if out=$(check_tree "$tmp/tree"); then
	echo "$out"
	echo "FAIL: the checker passed a tree with broken rules"
	exit 1
fi
for want in "installer/core/util.c:[0-9]*: layer 'core' includes \"install.h\" of layer 'run'" \
	'installer/model/model.c:[0-9]*: includes "no-such-header.h"' \
	"installer/stray.c: in no layer's folder"; do
	if ! grep -q "^$want" <<<"$out"; then
		echo "$out"
		echo "FAIL: the checker did not report: $want"
		exit 1
	fi
done

# 2. The real tree.
if ! check_tree "$SRC"; then
	echo "FAIL: an include breaks installer/layers.txt; move the code to the" \
		"layer that may see both, or the file to a higher layer" \
		"(docs/architecture.md)"
	exit 1
fi
