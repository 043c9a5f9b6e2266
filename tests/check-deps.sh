#!/bin/bash
# scripts/deps.sh, checked against what a fresh Debian 12 machine would get
# from it: apt-get simulates the install from an empty package database
# (nothing is installed or downloaded).
#  1. No package that would change how the build machine boots: a kernel,
#     an initramfs generator, a GRUB that installs itself (the kernel the
#     ISO needs is fetched and unpacked by scripts/fetch-kernel.sh).
#  2. Every command the tests and build scripts run comes from one of the
#     packages deps.sh brings, or from Debian's "required" base. Commands
#     are the words of the shell scripts (comments left out), the quoted
#     words of the Python scripts and the C sources (what the installer and
#     the unit tests run) that are programs on this machine; dpkg names
#     their package. Words that are programs but not run as such are listed
#     below with the reason.
set -euo pipefail
: "${AZL_SOURCE_DIR:=$(cd "$(dirname "$0")/.." && pwd)}"
tmp=$(mktemp -d /tmp/check-deps.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

pkgs=$(sed -n '/^PKGS="/,/^"/p' "$AZL_SOURCE_DIR/scripts/deps.sh" | grep -v '"' | tr '\n' ' ')
[ -n "${pkgs// /}" ] || { echo "FAIL: no PKGS list in scripts/deps.sh" >&2; exit 1; }
: >"$tmp/status"
# shellcheck disable=SC2086
apt-get -s -o Dir::State::status="$tmp/status" -o Debug::NoLocking=1 \
	install --no-install-recommends $pkgs >"$tmp/sim" 2>&1 || {
	cat "$tmp/sim"
	echo "FAIL: apt-get cannot resolve scripts/deps.sh's packages (apt-get update?)" >&2
	exit 1
}
awk '$1 == "Inst" { print $2 }' "$tmp/sim" | sort -u >"$tmp/closure"
echo "a fresh machine gets $(wc -l <"$tmp/closure") packages from scripts/deps.sh"

python3 - "$AZL_SOURCE_DIR" "$tmp/closure" <<'EOF'
import glob, os, re, shutil, subprocess, sys

src, closure_file = sys.argv[1], sys.argv[2]
closure = set(open(closure_file).read().split())
bad = []

# 1. Nothing that boots the build machine differently.
FORBIDDEN = re.compile(r"^(linux-image-.*|linux-headers-.*|initramfs-tools.*|"
                       r"dracut.*|tiny-initramfs.*|grub-pc|grub-efi-amd64|"
                       r"grub-efi-amd64-signed|grub-efi-ia32|grub-efi|grub2|"
                       r"systemd-boot.*|shim-signed|lilo|extlinux)$")
for p in sorted(closure):
    if FORBIDDEN.match(p):
        bad.append("scripts/deps.sh would install %s on the build machine "
                   "(a kernel, an initramfs generator or a boot loader that "
                   "installs itself)" % p)

# 2. Every command comes from a package deps.sh brings or the base system.
# Words that are programs on this machine but not commands anyone runs.
NOT_COMMANDS = {
    "column": "a word of C messages (line:column)",
    "hd": "a word of messages",
    "write": "a word of C code and messages",
    "ed": "a word of messages",
    "red": "a word of C test strings",
    "route": "an argument of `ip route`",
    "node": "a word of messages (device node)",
    "vi": "a package name of the demo repository",
    "vim": "a package name (vim-minimal) in tests",
    "zip": "Python's zip()",
    "less": "a word of messages",
    "ssh": "a firewalld service name (firewall --service=ssh)",
}
files = []
for pat in ("tests/**/*.sh", "tests/**/*.py", "tests/**/*.c", "scripts/*",
            "iso/**/*.sh", "iso/**/*.py", "iso/**/*.cmake", "iso/CMakeLists.txt",
            "iso/live/init", "iso/live/poweroff", "iso/live/udhcpc.script",
            "bench/**/*.sh", "bench/**/*.py", "Makefile", "installer/*/*.c",
            "ui/*.c", "kickstart/*.c"):
    files += glob.glob(os.path.join(src, pat), recursive=True)
files = sorted(set(f for f in files if "/fixtures/" not in f and os.path.isfile(f)))
# The demo repository's payload files run inside installed systems.
files = [f for f in files if "/iso/demo-repo/files/" not in f]
words = {}
for f in files:
    text = open(f, errors="replace").read()
    if f.endswith(".c"):
        toks = re.findall(r'"([A-Za-z][A-Za-z0-9_.+-]*)[ "\\]', text)
    elif f.endswith(".py"):
        toks = re.findall(r'["\']([A-Za-z][A-Za-z0-9_.+-]*)["\' ]', text)
    else:
        kept = []
        for line in text.splitlines():
            if line.lstrip().startswith("#"):
                continue
            kept.append(re.sub(r"\s#.*", "", line))
        toks = re.findall(r"(?<![\w./$-])([A-Za-z][A-Za-z0-9_.+-]*)", "\n".join(kept))
    for t in toks:
        words.setdefault(t, set()).add(os.path.relpath(f, src))

def candidates(path):
    cands = [path, os.path.realpath(path)]
    for c in list(cands):
        cands.append(c[4:] if c.startswith("/usr/") else "/usr" + c)
    return cands

owner = {}  # path -> package, one dpkg-query for all
priority = {}
def required(pkg):
    if pkg not in priority:
        r = subprocess.run(["apt-cache", "show", "--no-all-versions", pkg],
                           capture_output=True, text=True)
        m = re.search(r"^Priority: (\S+)", r.stdout, re.M)
        priority[pkg] = m.group(1) if m else "?"
    return priority[pkg] == "required"

commands = {}
for w in sorted(words):
    path = shutil.which(w, path="/usr/sbin:/usr/bin:/sbin:/bin")
    if path and w not in NOT_COMMANDS:
        commands[w] = path
paths = sorted(set(c for p in commands.values() for c in candidates(p)))
r = subprocess.run(["dpkg-query", "-S"] + paths, capture_output=True, text=True)
for line in r.stdout.splitlines():
    if line.startswith("diversion") or ": " not in line:
        continue
    pkgs, path = line.split(": ", 1)
    owner.setdefault(path, pkgs.split(",")[0].split(":")[0].strip())
n = 0
for w, path in sorted(commands.items()):
    n += 1
    pkg = next((owner[c] for c in candidates(path) if c in owner), None)
    if pkg is None:
        bad.append("'%s' (%s) belongs to no Debian package; used in %s"
                   % (w, path, ", ".join(sorted(words[w])[:3])))
    elif pkg not in closure and not required(pkg):
        bad.append("'%s' comes from %s (priority %s), which scripts/deps.sh does "
                   "not install; used in %s"
                   % (w, pkg, priority[pkg], ", ".join(sorted(words[w])[:3])))
print("%d commands in %d files" % (n, len(files)))
if bad:
    print("\n".join("FAIL: " + b for b in bad))
    print("add the package to scripts/deps.sh, or a word that is not a command "
          "to NOT_COMMANDS in tests/check-deps.sh")
    sys.exit(1)
print("ok: no kernel or boot loader, and every command's package is installed")
EOF
