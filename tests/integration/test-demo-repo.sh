#!/bin/bash
# The demo repository (docs/demo-repo.md): repodata and comps, every RPM
# signed and verifying (and a tampered one failing), the minimal package
# names present, every Requires satisfied inside the repository, a real
# kernel, and, as root, a full rpm transaction into a scratch root whose
# real binaries run and whose initramfs gets built.
set -euo pipefail

build=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}
repo=$build/demo-repo
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

# Incremental: rebuilt only when iso/demo-repo changed.
cmake --build "$build" --target demo-repo

tmp=$(mktemp -d /tmp/test-demo-repo.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# Repodata and comps.
grep -q '<data type="primary">' "$repo/repodata/repomd.xml" || fail "no primary in repomd.xml"
grep -q '<data type="group">' "$repo/repodata/repomd.xml" || fail "no comps (group) in repomd.xml"
comps=$(ls "$repo"/repodata/*-comps.xml)
for g in minimal core; do
	grep -q "<id>$g</id>" "$comps" || fail "comps group '$g' missing"
done
ok "repodata with comps groups minimal and core"

# Signatures: all good with the key, none without it, a tampered copy bad.
key=$repo/RPM-GPG-KEY-azl-demo
grep -q 'BEGIN PGP PUBLIC KEY BLOCK' "$key" || fail "no public key $key"
rpms=("$repo"/Packages/*.rpm)
[ ${#rpms[@]} -ge 30 ] || fail "only ${#rpms[@]} RPMs"
mkdir "$tmp/db"
rpm --dbpath "$tmp/db" --import "$key"
bad=$(rpm --dbpath "$tmp/db" -K "${rpms[@]}" | grep -v ': digests signatures OK$' || :)
[ -z "$bad" ] || fail "signature check: $bad"
mkdir "$tmp/nokey"
rpm --dbpath "$tmp/nokey" --initdb
if rpm --dbpath "$tmp/nokey" -K "${rpms[0]}" >/dev/null 2>&1; then
	fail "rpm -K passes without the key: the packages are not signed"
fi
cp "$repo"/Packages/setup-*.rpm "$tmp/tampered.rpm"
size=$(stat -c %s "$tmp/tampered.rpm")
printf 'X' | dd of="$tmp/tampered.rpm" bs=1 seek=$((size - 100)) conv=notrunc status=none
if rpm --dbpath "$tmp/db" -K "$tmp/tampered.rpm" >/dev/null 2>&1; then
	fail "a tampered RPM passes rpm -K"
fi
ok "${#rpms[@]} RPMs signed and verifying; a tampered copy fails"

# Names, and every Requires satisfied inside the repository.
for r in "${rpms[@]}"; do
	rpm -qp --nosignature --qf '@ %{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\n[R %{REQUIRENAME} %{REQUIREFLAGS:depflags} %{REQUIREVERSION}\n][P %{PROVIDENAME} %{PROVIDEFLAGS:depflags} %{PROVIDEVERSION}\n][F %{FILENAMES}\n]' "$r"
done > "$tmp/deps"
python3 - "$tmp/deps" <<'EOF' || fail "dependency closure"
import sys
need = """azurelinux-release azurelinux-repos filesystem setup bash coreutils glibc
systemd util-linux shadow-utils openssh-server openssh-clients sudo
ca-certificates iproute e2fsprogs xfsprogs dosfstools cryptsetup lvm2 grub2-pc
grub2-efi-x64 kernel kernel-core kernel-modules dracut NetworkManager
selinux-policy-targeted chrony vim-minimal tzdata glibc-langpack-en pam""".split()
names, provides, files, requires = set(), {}, set(), []
for line in open(sys.argv[1]):
    f = line.split()
    if f[0] == "@":
        pkg = f[1]; names.add(pkg)
        provides.setdefault(pkg, set()).add(f[2].split(":", 1)[1])
    elif f[0] == "P":
        provides.setdefault(f[1], set()).add(f[3] if len(f) > 3 else None)
    elif f[0] == "F":
        files.add(f[1])
    elif f[0] == "R":
        requires.append((pkg, f[1], f[2] if len(f) > 2 else "", f[3] if len(f) > 3 else ""))
missing = [n for n in need if n not in names]
errors = ["package %s missing" % n for n in missing]
for pkg, name, flags, ver in requires:
    if name.startswith("rpmlib("):
        continue
    if name.startswith("/"):
        if name in files or name in provides:
            continue
        errors.append("%s requires file %s: nobody has it" % (pkg, name))
    elif name not in provides:
        errors.append("%s requires %s: nobody provides it" % (pkg, name))
    elif flags == "=" and ver not in provides[name] and \
            ver.split(":")[-1] not in {v for v in provides[name] if v}:
        errors.append("%s requires %s = %s: provided %s" % (pkg, name, ver, provides[name]))
for e in errors:
    print(e, file=sys.stderr)
print("ok: %d packages, %d requires satisfied inside the repository"
      % (len(names), len(requires)))
sys.exit(1 if errors else 0)
EOF

# The kernel is a real bzImage.
(cd "$tmp" && rpm2cpio "$repo"/Packages/kernel-core-*.rpm | cpio -id --quiet './usr/lib/modules/*/vmlinuz')
vmlinuz=$(ls "$tmp"/usr/lib/modules/*/vmlinuz)
[ "$(dd if="$vmlinuz" bs=1 skip=514 count=4 status=none)" = HdrS ] || fail "kernel-core's vmlinuz is not a bzImage"
ok "kernel-core carries a bzImage ($(basename "$(dirname "$vmlinuz")"))"

if [ "$(id -u)" -ne 0 ]; then
	echo "not root: skipping the install into a scratch root"
	exit 0
fi

# A whole transaction into a scratch root, signatures enforced, scriptlets
# (the kernel's posttrans builds the initramfs) run chrooted.
root=$tmp/root
db=/usr/lib/sysimage/rpm
rpm --root "$root" --dbpath "$db" --initdb
rpm --root "$root" --dbpath "$db" --import "$key"
rpm --root "$root" --dbpath "$db" --define '_pkgverify_level all' -i --quiet "${rpms[@]}" \
	2> >(grep -v 'should not be used directly\|assuming you know' >&2)
chroot "$root" /bin/sh -c 'cryptsetup --version && lvm version >/dev/null 2>&1; lvm version 2>/dev/null | grep "LVM version" >/dev/null && grub2-install --version && mkfs.xfs -V && test -x /sbin/init && . /etc/os-release && test "$ID" = azurelinux' \
	>/dev/null || fail "real binaries do not run in the installed root"
kver=$(basename "$(dirname "$vmlinuz")")
img=$root/boot/initramfs-$kver.img
[ -f "$root/boot/vmlinuz-$kver" ] || fail "kernel not copied to /boot"
[ -s "$img" ] || fail "no initramfs $img"
list=$(zcat "$img" | cpio -t --quiet)
for f in init usr/bin/busybox usr/bin/cryptsetup usr/bin/lvm \
	usr/lib/x86_64-linux-gnu/libcryptsetup.so.12 "usr/lib/modules/$kver/modules.dep"; do
	grep -qx "$f" <<<"$list" || fail "initramfs lacks $f"
done
grep -q 'dm-crypt.ko' "$root/usr/lib/modules/$kver/modules.dep" || fail "no dm-crypt in modules.dep"
ok "installed into a scratch root: real binaries run, initramfs built"
