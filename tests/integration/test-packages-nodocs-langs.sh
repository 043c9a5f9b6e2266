#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Kickstart's %packages --excludedocs and --instLangs carried to librpm
# (docs/kickstart.md): a real package with a %doc file and %lang(de),
# %lang(fr) translations, built here with rpmbuild, installed with
# `install --root` four times, read back from each root:
#   - default: every file;
#   - exclude_docs: no %doc file (RPMTRANS_FLAG_NODOCS), the rest there,
#     and the rpmdb still lists the doc file (as rpm --excludedocs does);
#   - install_langs "de": the German file, not the French one;
#   - install_langs "none" (kickstart --instLangs=): no translation.
# The answer files come from `convert` of kickstarts, so the translation
# is tested on the way.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
build=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}
bin=${AZL_BIN:-$build/azl-installer}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
for t in rpmbuild createrepo_c; do
	command -v "$t" >/dev/null || fail "$t missing (scripts/deps.sh installs it)"
done

tmp=$(mktemp -d /tmp/test-packages-nodocs.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export AZL_CACHE_DIR=$tmp/cache

mkdir -p "$tmp/rpmbuild/SPECS" "$tmp/repo"
cat >"$tmp/rpmbuild/SPECS/azl-doclang.spec" <<'SPEC'
Name: azl-doclang
Version: 1.0
Release: 1
Summary: A package with documentation and translations
License: GPL-2.0-or-later
BuildArch: noarch
%description
Test package.
%install
mkdir -p %{buildroot}/usr/share/azl-doclang %{buildroot}/usr/share/doc/azl-doclang
mkdir -p %{buildroot}/usr/share/locale/de/LC_MESSAGES %{buildroot}/usr/share/locale/fr/LC_MESSAGES
echo data >%{buildroot}/usr/share/azl-doclang/data
echo readme >%{buildroot}/usr/share/doc/azl-doclang/README
echo de >%{buildroot}/usr/share/locale/de/LC_MESSAGES/azl-doclang.mo
echo fr >%{buildroot}/usr/share/locale/fr/LC_MESSAGES/azl-doclang.mo
%files
/usr/share/azl-doclang/data
%doc /usr/share/doc/azl-doclang/README
%lang(de) /usr/share/locale/de/LC_MESSAGES/azl-doclang.mo
%lang(fr) /usr/share/locale/fr/LC_MESSAGES/azl-doclang.mo
SPEC
rpmbuild -bb --quiet --define "_topdir $tmp/rpmbuild" --define "_rpmdir $tmp/repo" \
	--define "_build_id_links none" "$tmp/rpmbuild/SPECS/azl-doclang.spec" >/dev/null 2>&1 ||
	fail "rpmbuild"
createrepo_c --quiet "$tmp/repo"

# The kickstart's repository has no key, so the answer file says
# gpgcheck: false for this unsigned test package (docs/kickstart.md).
install() { # name %packages-options
	printf 'lang en_US.UTF-8\nkeyboard us\ntimezone UTC\nrootpw --lock\n%%packages --nocore %s\nazl-doclang\n%%end\n' \
		"$2" >"$tmp/$1.ks"
	"$bin" convert "$tmp/$1.ks" -o "$tmp/$1.yaml" 2>"$tmp/$1.convert" || fail "$1: convert"
	python3 - "$tmp/$1.yaml" "$tmp/repo" <<'PY'
import sys, yaml
a = yaml.safe_load(open(sys.argv[1]))
a["packages"]["repos"] = [{"name": "t", "baseurl": "file://" + sys.argv[2], "gpgcheck": False}]
yaml.safe_dump(a, open(sys.argv[1], "w"))
PY
	"$bin" install --root "$tmp/$1" --answers "$tmp/$1.yaml" --stop-after packages \
		--log "$tmp/$1.log" >"$tmp/$1.out" 2>&1 || { cat "$tmp/$1.out"; fail "$1: install"; }
}
has() { [ -f "$tmp/$1/usr/share/$2" ]; }
doc=doc/azl-doclang/README de=locale/de/LC_MESSAGES/azl-doclang.mo fr=locale/fr/LC_MESSAGES/azl-doclang.mo

install all ""
has all azl-doclang/data && has all "$doc" && has all "$de" && has all "$fr" || fail "default: not every file installed"
ok "default: data, doc and both translations"

install nodocs --excludedocs
grep -q 'exclude_docs: true' "$tmp/nodocs.yaml" || fail "--excludedocs: not in the answer file"
has nodocs azl-doclang/data || fail "--excludedocs: the data file is missing"
! has nodocs "$doc" || fail "--excludedocs: the %doc file was installed"
has nodocs "$de" && has nodocs "$fr" || fail "--excludedocs: translations missing"
rpm --root "$tmp/nodocs" --dbpath /usr/lib/sysimage/rpm -ql azl-doclang | grep README >/dev/null ||
	fail "--excludedocs: the rpmdb does not list the doc file"
ok "--excludedocs: no %doc file on disk, everything else there"

install de --instLangs=de
grep -q 'install_langs: de' "$tmp/de.yaml" || fail "--instLangs=de: not in the answer file"
has de "$de" && ! has de "$fr" || fail "--instLangs=de: wrong translations"
has de "$doc" || fail "--instLangs=de: the doc file is missing"
ok "--instLangs=de: German only"

install none --instLangs=
grep -q 'install_langs: none' "$tmp/none.yaml" || fail "--instLangs=: not 'none' in the answer file"
! has none "$de" && ! has none "$fr" || fail "--instLangs=: a translation was installed"
has none azl-doclang/data || fail "--instLangs=: the data file is missing"
ok "--instLangs= (none): no translation"
echo "all %packages --excludedocs/--instLangs checks passed"
