#!/usr/bin/env python3
"""Fail when a test was skipped without a reason this machine really has.

    check-skips.py [--allowlist FILE] [--tests LISTING.json]... JUNIT.xml...
    check-skips.py --conditions      (the conditions that hold here)

JUNIT.xml is what `ctest --output-junit` wrote. A test counts as skipped
when ctest did not run it to the end: it exited with its SKIP_RETURN_CODE
(77), its output matched SKIP_REGULAR_EXPRESSION (a cmocka skip(), see
tests/CMakeLists.txt), it was disabled, or it was never started. Each such
test must be listed in the allow-list (default tests/skip-allowlist), one a
line:

    TEST-NAME  CONDITION  why, for people

and CONDITION must hold on this machine right now:

    not-root          the tests do not run as root
    no-kvm            /dev/kvm cannot be opened
    no-device-mapper  the kernel's device-mapper is not reachable
                      (/dev/mapper/control missing or unusable)

So an entry "not-root" does not excuse a skip in a run as root.

LISTING.json is what `ctest -N --show-only=json-v1` wrote for a build
tree: the tests registered there. scripts/check.sh runs the tests in two
passes (ASan+UBSan, plain) with disjoint selections; every registered test
must appear in at least one of the JUnit files, so a test that neither
pass selects (a label or an -E pattern that drops it) fails the check
like a skip, and no allow-list entry excuses it.

Exit 0 when every skip is excused and every listed test ran somewhere, 1
otherwise (the tests are named), 2 when a file cannot be read or the
allow-list is malformed.
"""

import argparse
import json
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_ALLOWLIST = os.path.join(HERE, "..", "tests", "skip-allowlist")


def can_open(path):
    try:
        fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        return False
    os.close(fd)
    return True


CONDITIONS = {
    "not-root": lambda: os.geteuid() != 0,
    "no-kvm": lambda: not can_open("/dev/kvm"),
    "no-device-mapper": lambda: not can_open("/dev/mapper/control"),
}


def read_allowlist(path):
    """{test name: (condition, reason)}; SystemExit(2) when malformed."""
    allowed = {}
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except FileNotFoundError:
        return allowed
    except OSError as e:
        sys.exit("check-skips: cannot read '%s': %s" % (path, e.strerror))
    for n, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 3:
            print("%s:%d: expected 'TEST-NAME CONDITION reason'" % (path, n),
                  file=sys.stderr)
            sys.exit(2)
        name, cond, reason = parts
        if cond not in CONDITIONS:
            print("%s:%d: unknown condition '%s'; use one of: %s"
                  % (path, n, cond, ", ".join(sorted(CONDITIONS))),
                  file=sys.stderr)
            sys.exit(2)
        allowed[name] = (cond, reason)
    return allowed


def read_junit(junit):
    try:
        return ET.parse(junit).getroot()
    except (OSError, ET.ParseError) as e:
        print("check-skips: cannot read '%s': %s" % (junit, e), file=sys.stderr)
        sys.exit(2)


def registered_tests(listing):
    """The test names of a `ctest --show-only=json-v1` listing."""
    try:
        with open(listing) as f:
            tests = json.load(f)["tests"]
        return [t["name"] for t in tests]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print("check-skips: cannot read the test listing '%s': %s" % (listing, e),
              file=sys.stderr)
        sys.exit(2)


def skipped_tests(junit):
    """[(test name, why)] of the tests in JUNIT that did not run through."""
    root = read_junit(junit)
    out = []
    for tc in root.iter("testcase"):
        status = tc.get("status", "")
        skipped = tc.find("skipped")
        if status in ("run", "fail") and skipped is None:
            continue
        why = skipped.get("message", "") if skipped is not None else ""
        # CTest lets a SKIP_REGULAR_EXPRESSION match win over a failing
        # exit: a cmocka program with one skip() and one failure shows as
        # skipped. Its failure is never excused.
        out_text = "".join(tc.findtext("system-out") or "")
        failed = "[  FAILED  ]" in out_text
        out.append((tc.get("name", "?"), why or status, failed))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--allowlist", default=DEFAULT_ALLOWLIST)
    ap.add_argument("--tests", action="append", default=[], metavar="LISTING.json",
                    help="ctest -N --show-only=json-v1 of a build tree: each "
                    "test in it must be in one of the JUnit files")
    ap.add_argument("--conditions", action="store_true",
                    help="print the conditions that hold here and exit")
    ap.add_argument("junit", nargs="*")
    a = ap.parse_args()
    if a.conditions:
        for c in sorted(CONDITIONS):
            if CONDITIONS[c]():
                print(c)
        return 0
    if not a.junit:
        ap.error("no JUnit file")
    allowed = read_allowlist(a.allowlist)
    bad = []
    excused = 0
    for junit in a.junit:
        for name, why, failed in skipped_tests(junit):
            entry = allowed.get(name)
            if failed:
                bad.append("  %s (%s; it also FAILED, which nothing excuses)"
                           % (name, why))
                continue
            if entry and CONDITIONS[entry[0]]():
                excused += 1
                print("check-skips: %s skipped (%s: %s)" % (name, entry[0], entry[1]))
                continue
            note = ("listed for '%s', which does not hold here" % entry[0]
                    if entry else "not in the allow-list")
            bad.append("  %s (%s; %s)" % (name, why, note))
    ran_somewhere = set()
    for junit in a.junit:
        ran_somewhere.update(tc.get("name") for tc in read_junit(junit).iter("testcase"))
    registered = []
    for listing in a.tests:
        registered += [n for n in registered_tests(listing) if n not in registered]
    missing = [n for n in registered if n not in ran_somewhere]
    if missing:
        print("check-skips: %d registered test(s) are in none of the JUnit files "
              "(no ctest pass of scripts/check.sh selects them):" % len(missing))
        print("\n".join("  %s" % n for n in missing))
    if bad:
        print("check-skips: %d test(s) skipped without a reason this machine has "
              "(%s):" % (len(bad), os.path.normpath(a.allowlist)))
        print("\n".join(bad))
        print("check-skips: make them run (scripts/deps.sh installs every tool "
              "the tests use), or list them in the allow-list with a condition")
    if bad or missing:
        return 1
    print("check-skips: no unexpected skips (%d excused) in %s%s"
          % (excused, " ".join(a.junit),
             "; all %d registered tests ran" % len(registered) if a.tests else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
