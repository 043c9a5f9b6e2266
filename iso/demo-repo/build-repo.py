#!/usr/bin/env python3
"""Build the signed demo RPM repository from packages.py.

    build-repo.py --out BUILD/demo-repo --work BUILD/demo-repo-work \
                  --kernel BUILD/kernel

Everything is written below --out and --work. The kernel is the Debian
package scripts/fetch-kernel.sh unpacked in --kernel (never the build
machine's own /boot or /lib/modules).

The signing key is generated
once into WORK/gnupg (no passphrase, never committed) and reused by later
builds of the same build directory, so a key imported from an earlier build
keeps verifying. Packages are staged under WORK/stage/NAME, described by a
generated spec in WORK/specs, built by rpmbuild (two at a time), signed
together by rpmsign, and indexed by createrepo_c with comps.xml.
"""

import argparse
import concurrent.futures
import glob
import os
import re
import shutil
import stat
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import packages as table  # noqa: E402  (--table may replace it)

FILES = os.path.join(HERE, "files")
RELEASE = "1.azl4"
KEY_NAME = "Azure Linux demo repository (generated at build time, not for production) <azl-demo@invalid>"
KEY_FILE = "RPM-GPG-KEY-azl-demo"
LIBDIR = "/usr/lib/x86_64-linux-gnu"
GLIBC_LIBS = re.compile(r"^(ld-linux-x86-64\.so\.2|lib(c|m|dl|pthread|rt|resolv|util|anl|mvec)\.so\.\d+)$")

# Modules the installed system and its initramfs load; their dependencies
# come along (modprobe --show-depends).
MODULES = """
virtio_blk virtio_scsi virtio_pci virtio_net virtio_console virtio_rng
ahci ata_piix sd_mod sr_mod nvme usb_storage uas xhci_pci ehci_pci
e1000 e1000e ext4 xfs vfat nls_cp437 nls_iso8859_1 nls_utf8 nls_ascii isofs
dm_mod dm_crypt dm_snapshot dm_mirror dm_zero dm_thin_pool dm_raid raid1
aesni_intel aes_generic xts ecb cbc essiv sha256_generic sha512_generic
crc32c_intel crc32c_generic af_packet loop efivarfs
""".split()
# Loaded by the initramfs before it looks for root.
INITRAMFS_MODULES = """
virtio_pci virtio_blk virtio_scsi ahci ata_piix sd_mod nvme usb_storage uas
xhci_pci ehci_pci ext4 xfs dm_mod dm_crypt aesni_intel xts sha256_generic
crc32c_intel crc32c_generic aes_generic ecb
""".split()
# (aes_generic and ecb: without AES-NI, under QEMU's TCG for one, xts(aes)
# is built from them.)
GRUB_TOOLS = ["grub-install", "grub-mkimage", "grub-probe",
              "grub-editenv", "grub-mkrelpath", "grub-file",
              "grub-mkpasswd-pbkdf2", "grub-script-check"]
GRUB_EFI_MODULES = """
part_gpt part_msdos fat ext2 xfs lvm cryptodisk luks luks2 gcry_rijndael
gcry_sha256 gcry_sha512 pbkdf2 normal configfile search search_fs_uuid
search_fs_file search_label linux echo test all_video efi_gop gfxterm font
serial terminal boot chain loadenv ls cat reboot halt sleep true regexp
""".split()
LVM_LINKS = """
lvchange lvcreate lvdisplay lvextend lvremove lvrename lvresize lvs lvscan
pvchange pvcreate pvdisplay pvremove pvresize pvs pvscan vgchange vgcreate
vgdisplay vgextend vgremove vgrename vgs vgscan vgmknodes
""".split()
FILESYSTEM_DIRS = {
    "/boot": 0o755, "/dev": 0o755, "/etc": 0o755, "/etc/default": 0o755,
    "/etc/pki": 0o755, "/etc/pki/rpm-gpg": 0o755, "/etc/yum.repos.d": 0o755,
    "/etc/rc.d": 0o755, "/home": 0o755, "/media": 0o755, "/mnt": 0o755,
    "/opt": 0o755, "/proc": 0o555, "/root": 0o550, "/run": 0o755,
    "/srv": 0o755, "/sys": 0o555, "/tmp": 0o1777, "/usr": 0o755,
    "/usr/bin": 0o755, "/usr/include": 0o755, "/usr/lib": 0o755,
    "/usr/lib64": 0o755, "/usr/lib/modules": 0o755, LIBDIR: 0o755,
    "/usr/lib/sysimage": 0o755, "/usr/libexec": 0o755, "/usr/local": 0o755,
    "/usr/local/bin": 0o755, "/usr/share": 0o755, "/usr/share/doc": 0o755,
    "/var": 0o755, "/var/cache": 0o755, "/var/lib": 0o755, "/var/log": 0o755,
    "/var/spool": 0o755, "/var/tmp": 0o1777, "/etc/systemd": 0o755,
    "/usr/lib/systemd": 0o755, "/usr/share/licenses": 0o755,
}
FILESYSTEM_LINKS = {"/bin": "usr/bin", "/sbin": "usr/bin", "/lib": "usr/lib",
                    "/lib64": "usr/lib64", "/usr/sbin": "bin",
                    "/var/run": "../run", "/etc/init.d": "rc.d"}


PREFIX = ["demo-repo"]


def log(msg):
    print(PREFIX[0] + ": " + msg, flush=True)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def out(cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


class Builder:
    def __init__(self, outdir, work, kernel, tbl=None):
        self.table = tbl or table
        self.out = outdir
        self.work = work
        # scripts/fetch-kernel.sh's directory: root/, release, version
        self.kroot = os.path.join(kernel, "root")
        self.kver = read_line(os.path.join(kernel, "release"))
        kpkg = read_line(os.path.join(kernel, "version"))
        self.kversion = re.sub(r"[^0-9a-zA-Z.+_~]", "_", kpkg.split("-")[0])
        if not os.path.isdir(os.path.join(self.kroot, "usr/lib/modules", self.kver)):
            raise SystemExit("demo-repo: no kernel %s in %s; run scripts/fetch-kernel.sh %s"
                             % (self.kver, self.kroot, kernel))
        self.stage = os.path.join(work, "stage")
        self.libs = {}  # soname -> host path, for glibc/azl-demo-libs
        # glibc dlopen()s libgcc_s for pthread_exit/cancel (cryptsetup's
        # threads need it), so ldd never lists it.
        self.libs["libgcc_s.so.1"] = LIBDIR + "/libgcc_s.so.1"
        self.elfs = []  # staged dynamic binaries (host paths)
        self.owned = set()  # sonames a package ships itself (pam's libpam)

    # -- staging helpers ---------------------------------------------------
    def dest(self, pkg, path):
        d = os.path.join(self.stage, pkg["name"]) + path
        os.makedirs(os.path.dirname(d), exist_ok=True)
        return d

    def put(self, pkg, path, data, mode):
        d = self.dest(pkg, path)
        with open(d, "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())
        os.chmod(d, mode)

    def copy(self, pkg, src, path, mode=None):
        d = self.dest(pkg, path)
        shutil.copyfile(os.path.realpath(src), d)
        os.chmod(d, mode if mode is not None else
                 stat.S_IMODE(os.stat(src).st_mode))

    def link(self, pkg, path, target):
        d = self.dest(pkg, path)
        if os.path.lexists(d):
            os.unlink(d)
        os.symlink(target, d)

    def mkdir(self, pkg, path, mode):
        d = os.path.join(self.stage, pkg["name"]) + path
        os.makedirs(d, exist_ok=True)
        os.chmod(d, mode)
        pkg.setdefault("dirs", set()).add(path)

    def elf(self, pkg, src, path):
        self.copy(pkg, src, path, 0o755)
        self.elfs.append(src)
        if os.path.dirname(path) == LIBDIR:
            self.owned.add(os.path.basename(path))

    def closure(self):
        for binary in self.elfs:
            for line in out(["ldd", binary]).splitlines():
                m = re.match(r"\s*(\S+) => (\S+)", line) or \
                    re.match(r"\s*(/\S+ld-linux\S+)", line)
                if not m:
                    continue
                host = m.group(2) if m.lastindex == 2 else m.group(1)
                self.libs[os.path.basename(host)] = host

    # -- recipes -----------------------------------------------------------
    def recipe(self, pkg, r):
        kind = r[0]
        if kind == "dir":
            self.mkdir(pkg, r[1], r[2])
        elif kind == "symlink":
            self.link(pkg, r[1], r[2])
        elif kind == "file":
            self.copy(pkg, os.path.join(FILES, r[2]), r[1], r[3])
        elif kind == "text":
            self.put(pkg, r[1], r[2], r[3])
        elif kind == "host":
            self.copy(pkg, r[1], r[2], r[3])
        elif kind == "elf":
            self.elf(pkg, r[1], r[2])
        elif kind == "tree":
            d = os.path.join(self.stage, pkg["name"]) + r[2]
            shutil.copytree(r[1], d, symlinks=True, dirs_exist_ok=True)
        elif kind == "applets":
            for a in r[1]:
                self.link(pkg, "/usr/bin/" + a, "busybox")
        elif kind == "lvm-links":
            for a in LVM_LINKS:
                self.link(pkg, "/usr/bin/" + a, "lvm")
        elif kind == "libs":
            want_glibc = r[1] == "glibc"
            for soname, host in sorted(self.libs.items()):
                if soname in self.owned:
                    continue
                if bool(GLIBC_LIBS.match(soname)) == want_glibc:
                    self.copy(pkg, host, LIBDIR + "/" + soname, 0o755)
        elif kind == "filesystem":
            for d, mode in FILESYSTEM_DIRS.items():
                self.mkdir(pkg, d, mode)
            for l, t in FILESYSTEM_LINKS.items():
                self.link(pkg, l, t)
        elif kind == "release":
            osr = ('NAME="Azure Linux"\nVERSION="4.0 (demo repository)"\n'
                   'ID=azurelinux\nVERSION_ID="4.0"\n'
                   'PRETTY_NAME="Azure Linux 4.0 (demo repository)"\n'
                   'ANSI_COLOR="1;34"\nHOME_URL="https://aka.ms/azurelinux"\n'
                   'VARIANT="azl-installer demo"\nVARIANT_ID=demo\n')
            self.put(pkg, "/usr/lib/os-release", osr, 0o644)
            self.link(pkg, "/etc/os-release", "../usr/lib/os-release")
            self.put(pkg, "/etc/azurelinux-release",
                     "Azure Linux release 4.0 (demo repository)\n", 0o644)
            self.link(pkg, "/etc/system-release", "azurelinux-release")
        elif kind == "repo-key":
            self.copy(pkg, os.path.join(self.out, KEY_FILE), r[1], 0o644)
        elif kind == "kernel":
            mod = "/usr/lib/modules/" + self.kver
            boot = os.path.join(self.kroot, "boot")
            require_pe_signature(boot + "/vmlinuz-" + self.kver)
            self.copy(pkg, boot + "/vmlinuz-" + self.kver, mod + "/vmlinuz", 0o755)
            self.copy(pkg, boot + "/System.map-" + self.kver, mod + "/System.map", 0o644)
            self.copy(pkg, boot + "/config-" + self.kver, mod + "/config", 0o644)
        elif kind == "modules":
            self.stage_modules(pkg)
        elif kind == "firmware":
            self.stage_firmware(pkg, r[1], r[2], r[3])
        elif kind == "module-tree":
            self.stage_module_part(pkg, r[1])
        elif kind == "initramfs-lists":
            self.put(pkg, "/usr/lib/azl-initramfs/modules",
                     "\n".join(INITRAMFS_MODULES) + "\n", 0o644)
            libs = [self.libs_for(b) for b in ("/usr/sbin/cryptsetup", "/usr/sbin/lvm")]
            files = sorted(set(sum(libs, []) + ["libgcc_s.so.1"]))
            self.put(pkg, "/usr/lib/azl-initramfs/libraries",
                     "".join(LIBDIR + "/" + f + "\n" for f in files), 0o644)
        elif kind == "grub-tools":
            for t in GRUB_TOOLS:
                host = shutil.which(t, path="/usr/sbin:/usr/bin")
                self.elf(pkg, host, "/usr/bin/" + t)
                self.link(pkg, "/usr/bin/" + t.replace("grub-", "grub2-"), t)
            self.tree_if(pkg, "/usr/share/grub", "/usr/share/grub")
        elif kind == "grub-efi-image":
            img = self.dest(pkg, "/usr/lib/grub/x86_64-efi/monolithic/grubx64.efi")
            run(["grub-mkimage", "-O", "x86_64-efi", "-p", "/EFI/azurelinux",
                 "-o", img] + GRUB_EFI_MODULES)
        elif kind == "deb":
            src = self.deb_file(r[1], r[2])
            if src.endswith(".efi.signed"):
                require_pe_signature(src)
            self.copy(pkg, src, r[3], r[4])
        else:
            raise SystemExit("unknown recipe %r in %s" % (r, pkg["name"]))

    def deb_file(self, debpkg, path):
        """PATH from the Debian package DEBPKG: the build machine's copy when
        the package is installed, else `apt-get download` into WORK/debs
        (kept across builds) and `dpkg-deb -x`."""
        if os.path.isfile(path) and subprocess.run(
                ["dpkg-query", "-S", path], capture_output=True).returncode == 0:
            return path
        cache = os.path.join(self.work, "debs")
        os.makedirs(cache, exist_ok=True)
        debs = glob.glob(os.path.join(cache, debpkg + "_*.deb"))
        if not debs:
            r = subprocess.run(["apt-get", "download", "-q",
                                "-o", "APT::Sandbox::User=root", debpkg],
                               cwd=cache, capture_output=True, text=True)
            debs = glob.glob(os.path.join(cache, debpkg + "_*.deb"))
            if r.returncode or not debs:
                raise SystemExit("demo-repo: cannot download the Debian package "
                                 "%s (apt-get download):\n%s" % (debpkg, r.stderr))
        tree = os.path.join(cache, debpkg)
        if not os.path.exists(tree + path):
            shutil.rmtree(tree, ignore_errors=True)
            run(["dpkg-deb", "-x", sorted(debs)[-1], tree])
        if not os.path.isfile(tree + path):
            raise SystemExit("demo-repo: %s has no %s" % (debpkg, path))
        return tree + path

    def tree_if(self, pkg, src, path):
        if os.path.isdir(src):
            self.recipe(pkg, ("tree", src, path))

    def libs_for(self, binary):
        names = []
        for line in out(["ldd", binary]).splitlines():
            m = re.match(r"\s*(\S+) => (\S+)", line)
            if m:
                names.append(os.path.basename(m.group(2)))
        return names + ["ld-linux-x86-64.so.2"]

    def stage_modules(self, pkg):
        deps = ""
        for m in MODULES:
            r = subprocess.run(["modprobe", "-d", self.kroot, "-S", self.kver,
                                "--show-depends", "-i", m],
                               capture_output=True, text=True)
            if r.returncode:
                log("module %s: not in kernel %s, skipped" % (m, self.kver))
            deps += r.stdout
        src = os.path.join(self.kroot, "usr/lib/modules", self.kver)
        mod = "/usr/lib/modules/" + self.kver
        for line in deps.splitlines():
            m = re.match(r"insmod (\S+)", line)
            if m:
                require_module_signature(m.group(1))
                rel = os.path.relpath(os.path.realpath(m.group(1)),
                                      os.path.realpath(src))
                self.copy(pkg, m.group(1), mod + "/" + rel, 0o644)
        for f in ("modules.order", "modules.builtin", "modules.builtin.modinfo"):
            if os.path.exists(os.path.join(src, f)):
                self.copy(pkg, os.path.join(src, f), mod + "/" + f, 0o644)
        root = os.path.join(self.stage, pkg["name"])
        # depmod -b wants BASE/lib/modules; the stage is /usr-merged.
        tmp = os.path.join(self.work, "depmod")
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(os.path.join(tmp, "lib"))
        os.symlink(os.path.join(root, "usr/lib/modules"),
                   os.path.join(tmp, "lib/modules"))
        run(["depmod", "-b", tmp, self.kver])

    def module_tree(self):
        """The kernel's whole module tree, compressed as Fedora ships it
        (.ko.xz, xz --check=crc32 --lzma2=dict=1MiB: what the kernel's
        own `make modules_install` with CONFIG_MODULE_COMPRESS_XZ does),
        each module's Debian signature inside (kmod decompresses and hands
        the signed image to the kernel). Compressed once into
        WORK/module-tree/KVER and kept across builds; depmod'ed there.
        Returns (tree, {relpath: part}) with part from the table's
        module_part(), widened so that every module's dependencies sit in
        the same package or one it requires (core < modules < extra)."""
        if getattr(self, "_mtree", None):
            return self._mtree
        t0 = time.time()
        src = os.path.join(self.kroot, "usr/lib/modules", self.kver)
        base = os.path.join(self.work, "module-tree")
        tree = os.path.join(base, "lib/modules", self.kver)
        os.makedirs(tree, exist_ok=True)
        kos = []
        for top, _, fnames in os.walk(os.path.join(src, "kernel")):
            for f in fnames:
                if f.endswith(".ko"):
                    kos.append(os.path.relpath(os.path.join(top, f), src))
        todo = []
        for rel in kos:
            dst = os.path.join(tree, rel + ".xz")
            if not os.path.exists(dst):
                require_module_signature(os.path.join(src, rel))
                todo.append(rel)

        def xz(rel):
            dst = os.path.join(tree, rel + ".xz")
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            with open(os.path.join(src, rel), "rb") as fi, open(dst + ".tmp", "wb") as fo:
                subprocess.run(["xz", "-T1", "--check=crc32", "--lzma2=dict=1MiB", "-c"],
                               stdin=fi, stdout=fo, check=True)
            os.rename(dst + ".tmp", dst)
        with concurrent.futures.ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as ex:
            list(ex.map(xz, todo))
        for f in ("modules.order", "modules.builtin", "modules.builtin.modinfo"):
            if os.path.exists(os.path.join(src, f)):
                shutil.copyfile(os.path.join(src, f), os.path.join(tree, f))
        run(["depmod", "-b", base, self.kver])
        # modules.dep: "kernel/a.ko.xz: kernel/b.ko.xz ..."
        deps = {}
        with open(os.path.join(tree, "modules.dep")) as f:
            for line in f:
                mod, _, rest = line.partition(":")
                deps[mod[:-3]] = [d[:-3] for d in rest.split()]
        order = {"core": 0, "modules": 1, "extra": 2}
        part = {rel: self.table.module_part(rel[len("kernel/"):]) for rel in kos}
        changed = True
        while changed:
            changed = False
            for rel in kos:
                for d in deps.get(rel, ()):
                    if order[part[d]] > order[part[rel]]:
                        part[d] = part[rel]
                        changed = True
        sizes = {}
        for rel, p in part.items():
            raw, comp = sizes.get(p, (0, 0))
            sizes[p] = (raw + os.path.getsize(os.path.join(src, rel)),
                        comp + os.path.getsize(os.path.join(tree, rel + ".xz")))
        log("module tree of %s: %d modules (%d compressed now) in %.1fs; %s" % (
            self.kver, len(kos), len(todo), time.time() - t0, ", ".join(
                "%s %d modules %.1f MiB (%.1f MiB as .ko)" % (
                    p, sum(1 for v in part.values() if v == p), sizes[p][1] / 2**20,
                    sizes[p][0] / 2**20) for p in sorted(sizes, key=order.get))))
        with open(os.path.join(self.work, "module-split.txt"), "w") as f:
            for rel in sorted(part):
                f.write("%s %s\n" % (part[rel], rel))
        self._mtree = (tree, part)
        return self._mtree

    def firmware_deb(self, debpkg):
        """The unpacked tree of DEBPKG from Debian 12's main and
        non-free-firmware components, fetched with `apt-get download`
        under a private apt configuration in WORK/firmware-apt (the build
        machine's /etc/apt is neither read for sources nor changed)."""
        a = os.path.join(self.work, "firmware-apt")
        debdir = os.path.join(a, "debs")
        tree = os.path.join(debdir, "x", debpkg)
        if os.path.isdir(tree):
            return tree
        os.makedirs(debdir, exist_ok=True)
        opts = []
        if not glob.glob(os.path.join(debdir, debpkg + "_*.deb")):
            src = os.path.join(a, "sources.list")
            with open(src, "w") as f:
                f.write("deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
                        "http://deb.debian.org/debian bookworm main non-free-firmware\n")
            for d in ("state/lists/partial", "cache/archives/partial"):
                os.makedirs(os.path.join(a, d), exist_ok=True)
            opts = ["-o", "Dir::Etc::SourceList=" + src,
                    "-o", "Dir::Etc::SourceParts=/dev/null",
                    "-o", "Dir::State=" + os.path.join(a, "state"),
                    "-o", "Dir::Cache=" + os.path.join(a, "cache"),
                    "-o", "APT::Sandbox::User=root"]
            if not os.path.exists(os.path.join(a, "state/updated")):
                r = subprocess.run(["apt-get", "-q"] + opts + ["update"],
                                   capture_output=True, text=True)
                if r.returncode:
                    raise SystemExit("real-repo: apt-get update of Debian's "
                                     "non-free-firmware failed:\n" + r.stdout + r.stderr)
                open(os.path.join(a, "state/updated"), "w").close()
            r = subprocess.run(["apt-get", "-q"] + opts + ["download", debpkg],
                               cwd=debdir, capture_output=True, text=True)
            if r.returncode:
                raise SystemExit("real-repo: cannot download %s:\n%s" % (debpkg, r.stderr))
        deb = sorted(glob.glob(os.path.join(debdir, debpkg + "_*.deb")))[-1]
        shutil.rmtree(tree + ".tmp", ignore_errors=True)
        os.makedirs(tree + ".tmp")
        run(["dpkg-deb", "-x", deb, tree + ".tmp"])
        os.rename(tree + ".tmp", tree)
        return tree

    def stage_firmware(self, pkg, debpkgs, only, skip):
        """/lib/firmware of DEBPKGS as /usr/lib/firmware, the paths under
        ONLY (prefixes; None: all) minus those under SKIP."""
        n = size = 0
        for debpkg in debpkgs:
            fw = os.path.join(self.firmware_deb(debpkg), "lib/firmware")
            for top, dnames, fnames in os.walk(fw):
                for f in fnames + [d for d in dnames if os.path.islink(os.path.join(top, d))]:
                    full = os.path.join(top, f)
                    rel = os.path.relpath(full, fw)
                    if only is not None and not any(rel.startswith(p) for p in only):
                        continue
                    if any(rel.startswith(p) for p in skip):
                        continue
                    if os.path.islink(full):
                        self.link(pkg, "/usr/lib/firmware/" + rel, os.readlink(full))
                    else:
                        self.copy(pkg, full, "/usr/lib/firmware/" + rel, 0o644)
                        size += os.path.getsize(full)
                    n += 1
        log("%s: %d firmware files, %.1f MiB" % (pkg["name"], n, size / 2**20))

    def stage_module_part(self, pkg, which):
        tree, part = self.module_tree()
        mod = "/usr/lib/modules/" + self.kver
        for rel, p in part.items():
            if p == which:
                d = self.dest(pkg, mod + "/" + rel + ".xz")
                os.link(os.path.join(tree, rel + ".xz"), d)
        if which == "core":
            # The depmod data of the whole tree: kernel-modules-core is
            # what every kernel installs (the kernel meta package requires
            # kernel-modules too); modprobe of a module of an optional
            # package not installed says it is not found.
            for f in sorted(os.listdir(tree)):
                if f.startswith("modules."):
                    self.copy(pkg, os.path.join(tree, f), mod + "/" + f, 0o644)

    # -- spec, build, sign, index ------------------------------------------
    def subst(self, s, pkg):
        return (s.replace("@KVER@", self.kver)
                 .replace("@KVERSION@", self.kversion)
                 .replace("@EVR@", pkg["version"] + "-" + RELEASE))

    def spec(self, pkg):
        def esp_attr(p):
            # The ESP is FAT, mounted umask=0077: everything on it reads
            # back 0700, and FAT keeps mtimes to 2 s. Fedora's shim and
            # grub2 specs say so (%attr 0700, %verify(not mtime)), so that
            # rpm -Va on the installed system reports nothing there.
            if p.startswith("/boot/efi/"):
                return "%attr(0700,root,root) %verify(not mtime) "
            return ""

        name = pkg["name"]
        root = os.path.join(self.stage, name)
        kind = "real payload" if pkg["real"] else "placeholder"
        self.put(pkg, "/usr/share/doc/%s/README.azl-demo" % name,
                 "%s: %s.\nBuilt by azl-installer's demo repository (%s); see "
                 "docs/demo-repo.md in the azl-installer sources.\n"
                 % (name, pkg["summary"], kind), 0o644)
        fsdirs = set(FILESYSTEM_DIRS) | set(FILESYSTEM_LINKS)
        lines, dirs = [], []
        for top, dnames, fnames in os.walk(root):
            rel = "/" + os.path.relpath(top, root) if top != root else ""
            for d in dnames:
                p = rel + "/" + d
                full = os.path.join(top, d)
                if os.path.islink(full):
                    fnames.append(d)
                elif name == "filesystem" or p not in fsdirs:
                    dirs.append(p)
            for f in fnames:
                p = rel + "/" + f
                lines.append(("%config(noreplace) " if p in pkg.get("config", ())
                              else "") + esp_attr(p) + '"%s"' % p)
        if name != "filesystem":
            dirs = [d for d in dirs if d not in fsdirs]
        dirs = [d for d in dirs if d not in pkg.get("unowned", ())]
        body = ["%%dir %s\"%s\"" % (esp_attr(d), d) for d in sorted(dirs)] + sorted(lines)
        reqs = [self.subst(r, pkg) for r in pkg.get("requires", [])]
        auto = pkg.get("autoreqprov", False)
        s = ["Name: " + name,
             "Version: " + pkg["version"],
             "Release: " + RELEASE,
             "Summary: " + pkg["summary"],
             "License: " + ("See /usr/share/doc; from Debian 12" if pkg["real"]
                            else "MIT"),
             "URL: https://github.com/microsoft/azurelinux",
             "BuildArch: " + pkg.get("arch", "x86_64"),
             "AutoReqProv: " + ("yes" if auto else "no")]
        if auto:
            # Scripts' interpreters that the installed system does not
            # carry (Debian's perl and python helpers are not packaged).
            s += ["%global __requires_exclude "
                  "^(/usr/bin/perl|perl\\\\(|/usr/bin/python3?|python\\\\()"]
        s += ["Requires: " + r for r in reqs]
        s += ["Requires(post): " + r for r in pkg.get("requires_post", [])]
        s += ["Requires(pre): " + r for r in pkg.get("requires_pre", [])]
        s += ["Requires(posttrans): " + r for r in pkg.get("requires_posttrans", [])]
        s += ["Provides: " + self.subst(p, pkg) for p in pkg.get("provides", [])]
        s += ["", "%description",
              "%s. This is the azl-installer demo repository's %s package: %s."
              % (pkg["summary"], name, kind),
              "", "%install", "cp -a '%s'/. %%{buildroot}/" % root, ""]
        for section, text in sorted(pkg.get("scripts", {}).items()):
            s += ["%" + section, text]
        if "posttrans" in pkg:
            with open(os.path.join(FILES, pkg["posttrans"])) as f:
                s += ["%posttrans", self.subst(f.read(), pkg)]
        s += ["%files", "%defattr(-,root,root,-)"] + body + [""]
        path = os.path.join(self.work, "specs", name + ".spec")
        with open(path, "w") as f:
            f.write("\n".join(s))
        return path

    def rpmbuild(self, spec):
        topdir = os.path.join(self.work, "rpmbuild")
        r = subprocess.run(
            ["rpmbuild", "-bb", "--quiet",
             "--define", "_topdir " + topdir,
             "--define", "_rpmdir " + os.path.join(self.out, "Packages"),
             "--define", "_rpmfilename %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm",
             "--define", "_buildhost azl-demo",
             "--define", "__spec_install_post %{nil}",
             "--define", "__os_install_post %{nil}",
             "--define", "debug_package %{nil}",
             "--define", "_build_id_links none",
             "--define", "_binary_payload w3.zstdio",
             "--define", "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm",
             spec], capture_output=True, text=True)
        if r.returncode:
            raise SystemExit("rpmbuild %s failed:\n%s%s" % (spec, r.stdout, r.stderr))

    def key(self):
        home = os.path.join(self.work, "gnupg")
        env = dict(os.environ, GNUPGHOME=home)
        if not os.path.exists(os.path.join(home, "key.done")):
            shutil.rmtree(home, ignore_errors=True)
            os.makedirs(home, mode=0o700)
            params = ("%no-protection\nKey-Type: RSA\nKey-Length: 3072\n"
                      "Key-Usage: sign\nName-Real: Azure Linux demo repository\n"
                      "Name-Comment: generated at build time, not for production\n"
                      "Name-Email: azl-demo@invalid\nExpire-Date: 0\n%commit\n")
            run(["gpg", "--batch", "--quiet", "--gen-key"], input=params.encode(),
                env=env)
            open(os.path.join(home, "key.done"), "w").close()
        with open(os.path.join(self.out, KEY_FILE), "wb") as f:
            f.write(subprocess.run(["gpg", "--armor", "--export", "azl-demo@invalid"],
                                   check=True, capture_output=True, env=env).stdout)
        return home

    def check_deps(self, rpms):
        """Every Requires of every package is provided by a package of the
        repository (a Provides or a file): rpmbuild's automatic
        dependencies would otherwise only fail at install time."""
        def query(fmt):
            lines = out(["rpm", "-qp", "--nosignature", "--qf", fmt] + rpms).splitlines()
            if not lines:
                raise SystemExit("%s: rpm -qp --qf %r read nothing" % (PREFIX[0], fmt))
            return [tuple(l.split(" ", 1)) for l in lines]
        req = query("[%{=NAME} %{REQUIRENAME}\\n]")
        have = {w for _, w in query("[%{=NAME} %{PROVIDENAME}\\n]")}
        have |= {w for _, w in query("[%{=NAME} %{FILENAMES}\\n]")}
        bad = sorted({"%s needs %s" % (n, w) for n, w in req
                      if w not in have and not w.startswith("rpmlib(")})
        if bad:
            raise SystemExit("%s: unresolved dependencies:\n  %s"
                             % (PREFIX[0], "\n  ".join(bad)))
        log("every dependency of %d packages resolves inside the repository" % len(rpms))

    def comps(self):
        def reqs(names, typ):
            return "".join('      <packagereq type="%s">%s</packagereq>\n' % (typ, n)
                           for n in names)
        def group(gid, name, desc, mandatory, optional):
            return ("  <group>\n    <id>%s</id>\n    <name>%s</name>\n"
                    "    <description>%s</description>\n    <default>true</default>\n"
                    "    <uservisible>true</uservisible>\n    <packagelist>\n%s%s"
                    "    </packagelist>\n  </group>\n"
                    % (gid, name, desc, reqs(mandatory, "mandatory"),
                       reqs(optional, "optional")))
        table = self.table
        core = table.MINIMAL + [p for p in table.CORE_EXTRA if p not in table.MINIMAL]
        core_opt = [p for p in table.MINIMAL_OPTIONAL if p not in core]
        xml = ('<?xml version="1.0" encoding="UTF-8"?>\n'
               '<!DOCTYPE comps PUBLIC "-//Red Hat, Inc.//DTD Comps info//EN" "comps.dtd">\n'
               "<comps>\n" +
               group("minimal", "Minimal", "The smallest system that boots and lets you log in.",
                     table.MINIMAL, table.MINIMAL_OPTIONAL) +
               group("core", "Core", "Minimal plus remote access, networking and admin tools.",
                     core, core_opt) +
               "  <environment>\n    <id>minimal-environment</id>\n"
               "    <name>Minimal Install</name>\n"
               "    <description>Basic functionality.</description>\n"
               "    <display_order>1</display_order>\n"
               "    <grouplist>\n      <groupid>core</groupid>\n    </grouplist>\n"
               "  </environment>\n</comps>\n")
        path = os.path.join(self.work, "comps.xml")
        with open(path, "w") as f:
            f.write(xml)
        return path

    def build(self):
        t0 = time.time()
        for d in (self.stage, os.path.join(self.work, "specs"),
                  os.path.join(self.work, "rpmbuild"), self.out):
            shutil.rmtree(d, ignore_errors=True)
        os.makedirs(os.path.join(self.work, "specs"))
        os.makedirs(os.path.join(self.out, "Packages"))
        home = self.key()

        pkgs = (self.table.expand(self) if hasattr(self.table, "expand")
                else self.table.PACKAGES)
        for pkg in pkgs:
            pkg["version"] = pkg["version"].replace("@KVERSION@", self.kversion)
        # Libraries are collected from every binary first, then staged.
        later = ("libs", "initramfs-lists")
        for pkg in pkgs:
            os.makedirs(os.path.join(self.stage, pkg["name"]), exist_ok=True)
            for r in pkg["payload"]:
                if r[0] not in later:
                    self.recipe(pkg, r)
        self.closure()
        for pkg in pkgs:
            for r in pkg["payload"]:
                if r[0] in later:
                    self.recipe(pkg, r)
        specs = [self.spec(p) for p in pkgs]
        log("staged %d packages in %.1fs" % (len(pkgs), time.time() - t0))
        # The big ones first so two workers finish together.
        specs.sort(key=lambda s: -dir_size(os.path.join(
            self.stage, os.path.basename(s)[:-5])))
        # rpmbuild creates its top directories itself, and two of them
        # racing on the same mkdir fail ("File exists"): make them first.
        for sub in ("BUILD", "BUILDROOT", "RPMS", "SOURCES", "SPECS", "SRPMS"):
            os.makedirs(os.path.join(self.work, "rpmbuild", sub), exist_ok=True)
        with concurrent.futures.ThreadPoolExecutor(max(2, os.cpu_count() or 2)) as ex:
            list(ex.map(self.rpmbuild, specs))
        log("built %d rpms in %.1fs" % (len(specs), time.time() - t0))
        rpms = sorted(glob.glob(os.path.join(self.out, "Packages", "*.rpm")))
        r = subprocess.run(["rpmsign", "--addsign",
             "--define", "_gpg_name azl-demo@invalid",
             "--define", "_gpg_path " + home,
             "--define", "__gpg /usr/bin/gpg"] + rpms,
            capture_output=True, text=True)
        if r.returncode:
            raise SystemExit("rpmsign failed:\n" + r.stdout + r.stderr)
        log("signed in %.1fs" % (time.time() - t0))
        if any(p.get("autoreqprov") for p in pkgs):
            self.check_deps(rpms)
        comps = self.comps()
        run(["createrepo_c", "--quiet", "--groupfile", comps, self.out])
        shutil.copy(os.path.join(self.out, KEY_FILE), os.path.join(self.out, "repodata", "repomd.xml.key"))
        shutil.copy(comps, os.path.join(self.out, "comps.xml"))
        log("repository %s ready in %.1fs" % (self.out, time.time() - t0))


def require_pe_signature(path):
    """The Secure Boot chain's images must carry an Authenticode signature
    (docs/secure-boot.md); sbverify --list names its signers."""
    r = subprocess.run(["sbverify", "--list", path], capture_output=True,
                       text=True)
    if r.returncode or "signature 1" not in r.stdout:
        raise SystemExit("demo-repo: %s carries no Secure Boot signature "
                         "(sbverify --list):\n%s%s" % (path, r.stdout, r.stderr))


MODSIG = b"~Module signature appended~\n"


def require_module_signature(path):
    """Under Secure Boot the kernel is locked down and loads only signed
    modules: each one ends with the module signature trailer."""
    with open(path, "rb") as f:
        f.seek(-len(MODSIG), os.SEEK_END)
        if f.read() != MODSIG:
            raise SystemExit("demo-repo: the module %s is not signed; "
                             "a Secure Boot kernel would refuse it" % path)


def read_line(path):
    try:
        with open(path) as f:
            return f.readline().strip()
    except OSError as e:
        raise SystemExit("demo-repo: cannot read %s (%s); run scripts/fetch-kernel.sh"
                         % (path, e.strerror))


def dir_size(path):
    total = 0
    for top, _, files in os.walk(path):
        for f in files:
            p = os.path.join(top, f)
            if not os.path.islink(p):
                total += os.path.getsize(p)
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--kernel", required=True,
                    help="the directory scripts/fetch-kernel.sh filled")
    ap.add_argument("--table", help="a package table other than packages.py "
                    "(system-packages.py: the real system repository)")
    a = ap.parse_args()
    tbl = None
    if a.table:
        import importlib.util
        spec = importlib.util.spec_from_file_location("table", os.path.abspath(a.table))
        tbl = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(tbl)
        PREFIX[0] = "real-repo"
    Builder(os.path.abspath(a.out), os.path.abspath(a.work),
            os.path.abspath(a.kernel), tbl).build()


if __name__ == "__main__":
    main()
