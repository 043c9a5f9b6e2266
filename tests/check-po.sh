#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Every catalog in po/ is complete: msgfmt --check passes and its
# statistics report no untranslated and no fuzzy message.
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
if [ "$n" -eq 0 ]; then
	echo "FAIL: no catalogs in $src/po"
	status=1
fi
exit $status
