#!/bin/bash
# The repository preset "azurelinux" (installer/model/repo-preset.c):
#   - the committed key installer/keys/RPM-GPG-KEY-azurelinux-4.0-primary
#     has, by gpg's own reading, the fingerprint the code pins, and the
#     docs print that same fingerprint;
#   - the command line: a preset in the answer file validates, an unknown
#     one is an error at FILE:LINE:COL (exit 1), a preset mixed with a URL
#     or a key is refused (exit 1), --repo-gpgkey with only a preset is
#     refused (exit 1); convert --to kickstart says a kickstart cannot name
#     it.
# packages.microsoft.com is not reachable here; tests/unit/test-repo-preset.c
# checks the URLs it expands to and the key the install then trusts.
set -u
SRC=${AZL_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
BIN=${AZL_BIN:-$SRC/build/azl-installer}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
flunk() { echo "FAIL: $*"; fail=1; }

key=$SRC/installer/keys/RPM-GPG-KEY-azurelinux-4.0-primary
mkdir -m 700 "$tmp/gnupg"
got=$(GNUPGHOME=$tmp/gnupg gpg --batch --with-colons --show-keys "$key" 2>/dev/null |
	awk -F: '$1 == "fpr" { print $10; exit }')
pinned=$(sed -n 's/.*\.key_fingerprint = "\([0-9A-F]*\)".*/\1/p' "$SRC/installer/model/repo-preset.c")
[ -n "$got" ] || flunk "gpg reads no key in $key"
[ -n "$pinned" ] || flunk "installer/model/repo-preset.c pins no fingerprint"
[ "$got" = "$pinned" ] || flunk "$key has the fingerprint '$got', the code pins '$pinned'"
[ "$(grep -c -- '-----BEGIN PGP PUBLIC KEY BLOCK-----' "$key")" = 1 ] ||
	flunk "$key is not exactly one public key"
grep -q "PRIVATE KEY" "$key" && flunk "$key holds a private key"
for doc in docs/answer-file.md docs/demo-repo.md; do
	grep -q "$pinned" "$SRC/$doc" || flunk "$doc does not print the pinned fingerprint $pinned"
done

cd "$tmp" || exit 1
printf 'version: 1\npackages:\n  repos:\n    - {preset: azurelinux}\n' >ok.yaml
out=$("$BIN" validate ok.yaml 2>&1) || flunk "a preset does not validate: $out"

printf 'version: 1\npackages:\n  repos:\n    - {preset: azurelinx}\n' >unknown.yaml
out=$("$BIN" validate unknown.yaml 2>&1)
rc=$?
[ $rc -eq 1 ] || flunk "an unknown preset: exit $rc, wanted 1"
echo "$out" | head -1 | grep -q "^unknown.yaml:4:16: error: 'azurelinx' is not a repository preset; the presets are: azurelinux$" ||
	flunk "an unknown preset is not reported at its FILE:LINE:COL: $out"

printf 'version: 1\npackages:\n  repos:\n    - preset: azurelinux\n      baseurl: "https://mirror.example.com/x/"\n      gpgkey: /etc/pki/rpm-gpg/KEY\n' >mixed.yaml
out=$("$BIN" validate mixed.yaml 2>&1)
rc=$?
[ $rc -eq 1 ] || flunk "a preset with baseurl and gpgkey: exit $rc, wanted 1"
echo "$out" | grep -q "^mixed.yaml:5:16: error: a 'preset' repository takes no 'baseurl'" ||
	flunk "baseurl next to a preset is not refused at its place: $out"
echo "$out" | grep -q "^mixed.yaml:6:15: error: a 'preset' repository takes no 'gpgkey'" ||
	flunk "gpgkey next to a preset is not refused at its place: $out"

# A mirrorlist or metalink next to a preset would be ignored (the preset's
# own URLs are used): refused like a baseurl.
printf 'version: 1\npackages:\n  repos:\n    - preset: azurelinux\n      mirrorlist: "https://mirrors.example.com/list"\n' >ml.yaml
printf 'version: 1\npackages:\n  repos:\n    - preset: azurelinux\n      metalink: "https://mirrors.example.com/ml"\n' >mlink.yaml
for f in ml mlink; do
	out=$("$BIN" validate $f.yaml 2>&1)
	rc=$?
	[ $rc -eq 1 ] || flunk "a preset with a mirror list ($f.yaml): exit $rc, wanted 1"
	echo "$out" | grep -q "^$f.yaml:5:[0-9]*: error: a 'preset' repository takes no 'm[a-z]*'" ||
		flunk "a mirror list next to a preset is not refused at its place: $out"
done

out=$("$BIN" install --repo azurelinux --repo-gpgkey /k --dry-run 2>&1)
rc=$?
[ $rc -eq 1 ] || flunk "--repo azurelinux --repo-gpgkey: exit $rc, wanted 1"
echo "$out" | grep -q "'azurelinux' is a repository preset with its own pinned key" ||
	flunk "--repo-gpgkey with only a preset: $out"

# Kickstart cannot say a preset: converting says how instead, and writes
# no repository without its key.
out=$("$BIN" convert --to kickstart ok.yaml 2>&1) || flunk "convert --to kickstart failed: $out"
echo "$out" | grep -q "^# the repository preset 'azurelinux' cannot be said in kickstart: install with --repo azurelinux (azl.repo=azurelinux)$" ||
	flunk "convert --to kickstart does not say how to use the preset: $out"
echo "$out" | grep -Eq "^(repo|url) " && flunk "convert --to kickstart wrote a repository for the preset: $out"

exit $fail
