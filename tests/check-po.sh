#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every catalog in po/ is complete: msgfmt --check passes, its statistics
# report no untranslated and no fuzzy message, and it translates every
# message the sources have today (a template made afresh with xgettext,
# compared with msgcmp), so a new _() string without its translations
# fails here even when po/azl-installer.pot was not regenerated.
set -u
src=${AZL_SOURCE_DIR:-$(dirname "$0")/..}
command -v msgfmt >/dev/null || { echo "msgfmt is missing (gettext)"; exit 1; }
status=0
n=0
for po in "$src"/po/*.po; do
	[ -e "$po" ] || continue
	n=$((n + 1))
	stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null "$po" 2>&1)
	rc=$?
	echo "$(basename "$po"): $stats"
	if [ $rc -ne 0 ]; then
		echo "FAIL: msgfmt --check failed for $po"
		status=1
	fi
	case $stats in
	*untranslated* | *fuzzy*)
		echo "FAIL: $po is not complete"
		status=1
		;;
	esac
	case $stats in
	*" translated message"*) ;;
	*)
		echo "FAIL: no statistics for $po"
		status=1
		;;
	esac
done
command -v xgettext >/dev/null || { echo "xgettext is missing (gettext)"; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$src" && xgettext --from-code=UTF-8 --language=C --keyword=_ \
	--keyword=N_ -o "$tmp/now.pot" installer/*/*.c kickstart/*.c ui/*.c) || {
	echo "FAIL: xgettext could not read the sources"
	exit 1
}
for po in "$src"/po/*.po; do
	[ -e "$po" ] || continue
	if ! out=$(msgcmp "$po" "$tmp/now.pot" 2>&1); then
		echo "$out" | head -n 20
		echo "FAIL: $(basename "$po") lacks messages the sources have;" \
			"run 'cmake --build BUILD --target pot', msgmerge and translate"
		status=1
	fi
done
if [ "$n" -eq 0 ]; then
	echo "FAIL: no catalogs in $src/po"
	status=1
fi
exit $status
