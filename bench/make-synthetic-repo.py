#!/usr/bin/env python3
"""Writes a synthetic Fedora-sized RPM repository's metadata (no RPM
files): repodata/repomd.xml, primary.xml.gz, filelists.xml.gz and a comps
with groups core and minimal, for depsolving benchmarks (bench/README.md).

Deterministic for a given --seed. Packages look like Fedora's: shared
libraries with soname provides ("libfoo.so.3()(64bit)"), -devel packages
requiring their library at the same version, python3-/perl-/golang-/rust-
/texlive- families, noarch -doc subpackages, and the dependency kinds real
metadata has, in the proportions counted in a real repository's
primary.xml (CentOS Stream 9 AppStream, 17,649 packages, from osbuild's
test/data/testrepos; `bench/count-dep-kinds.py PRIMARY.xml.gz` counts
them, and counts this script's output the same way):

  kind (packages having it)     CS9 AppStream      this script, 60,000
  Requires: rich entries        0.4 %              0.4 %
  Requires: file entries        5.3 %; 2 of 10,573 4.9 %; 7 of 9,748
                                name a path only   (/bin/sh, /usr/bin/
                                filelists.xml has  python3, perl, ...)
  Recommends                    6.9 % (5 % rich)   6.8 % (5 % rich)
  Suggests                      1.3 %              1.3 %
  Supplements                   3.6 % (88 % rich,  3.3 % (87 % rich,
                                85 % langpacks)    84 % langpacks)
  Enhances                      0.1 %              0.1 %
  Conflicts                     7.4 %              7.5 % (versioned)
  Obsoletes                     21.3 %             21.3 %
  provided capabilities with
  several providing names       4.2 %              4.2 %
  required ones                 0.8 %              0.7 %

Langpacks as Fedora splits them: X-langpack-LL supplements
"(X and langpacks-LL)"; langpacks-en is in core and glibc, systemd, dnf,
NetworkManager, vim-minimal and shadow-utils have langpacks, so a weak
dependency solve pulls X-langpack-en in. The proportions are CS9's, a
real repository of the same family; no Fedora primary.xml was at hand to
count (the 60,000 packages are Fedora's size, the kinds Fedora's too).
"""
import argparse
import gzip
import hashlib
import os
import random
import time
from xml.sax.saxutils import escape

WORDS = """alpha beta gamma delta kappa lambda sigma omega zeta theta iota
acorn birch cedar dune ember fjord grove heath islet juniper kelp lagoon
maple nectar oasis pine quartz reef sage tundra umber vale willow xylem
yarrow zinnia argon boron cobalt neon xenon radon helium lithium sodium
pixel vector raster glyph kernel socket buffer cache queue stack parser
lexer codec muxer crypt hash tls ssh http json yaml xml zip bz lz zstd
sound video image font print scan input event timer clock power net wifi
bluetooth usb pci acpi audit polkit dbus udev systemd journal session
gtk qt gnome kde x11 wayland mesa vulkan opengl sdl cairo pango harfbuzz
freetype fontconfig icu boost eigen blas lapack fftw hdf netcdf gdal proj
geos sqlite postgres mysql redis mongo kafka zookeeper hadoop spark""".split()

BASE = """setup filesystem basesystem bash glibc glibc-common glibc-langpack-en
coreutils coreutils-common util-linux util-linux-core shadow-utils systemd
systemd-libs systemd-pam kmod kmod-libs dracut kernel kernel-core
kernel-modules tzdata ca-certificates openssl openssl-libs e2fsprogs
xfsprogs dosfstools cryptsetup lvm2 grub2-pc grub2-efi-x64 grub2-tools
sudo openssh openssh-server openssh-clients NetworkManager iproute iputils
chrony vim-minimal less grep sed gawk findutils tar gzip xz bzip2 zstd
curl libcurl rpm rpm-libs dnf libdnf libsolv python3 python3-libs perl
perl-libs procps-ng psmisc which hostname passwd cronie logrotate rsyslog
audit policycoreutils selinux-policy selinux-policy-targeted libselinux
pam ncurses ncurses-libs readline zlib libxcrypt libgcc libstdc++ dbus
dbus-broker polkit firewalld parted sg3_utils man-db rootfiles""".split()

LANGS = """en de fr es it ja ko zh_CN zh_TW pt_BR ru pl cs nl sv fi da nb
tr uk hu ar he hi""".split()

ARCH = "x86_64"


def pkgid(name, ver):
    return hashlib.sha256(f"{name}-{ver}".encode()).hexdigest()


class Pkg:
    __slots__ = ("name", "ver", "rel", "arch", "provides", "requires",
                 "recommends", "suggests", "supplements", "enhances",
                 "obsoletes", "conflicts", "files", "primary_files",
                 "summary", "size")

    def __init__(self, name, ver, arch=ARCH):
        self.name, self.ver, self.rel, self.arch = name, ver, "1.fc43", arch
        self.provides, self.requires, self.recommends = [], [], []
        self.suggests, self.supplements, self.enhances = [], [], []
        self.obsoletes, self.conflicts = [], []
        self.files, self.primary_files = [], []
        self.summary = f"The {name} package"
        self.size = 0


def entry(dep):
    # dep: (name,) or (name, flags, ver)
    if len(dep) == 1:
        return f'<rpm:entry name="{escape(dep[0], {chr(34): "&quot;"})}"/>'
    n, f, v = dep
    return (f'<rpm:entry name="{escape(n)}" flags="{f}" epoch="0" '
            f'ver="{v}" rel="1.fc43"/>')


def deps_xml(tag, deps):
    if not deps:
        return ""
    return f"<rpm:{tag}>" + "".join(entry(d) for d in deps) + f"</rpm:{tag}>"


def make(n, seed):
    rnd = random.Random(seed)
    pkgs = []
    libs = []   # (provide, pkg index, name, ver) shared libraries
    names = set()

    def new(name, arch=ARCH):
        ver = f"{rnd.randint(0, 9)}.{rnd.randint(0, 30)}.{rnd.randint(0, 9)}"
        p = Pkg(name, ver, arch)
        p.size = rnd.randint(5_000, 3_000_000)
        pkgs.append(p)
        names.add(name)
        return p

    def add_files(p, paths):
        for f in paths:
            p.files.append(f)
            if f.startswith("/etc/") or "/bin/" in f:
                p.primary_files.append(f)

    # The base system: the packages core names, depending on each other.
    for i, name in enumerate(BASE):
        p = new(name, "noarch" if name in ("setup", "filesystem", "tzdata",
                                           "ca-certificates", "rootfiles")
                else ARCH)
        soname = f"lib{name.replace('-', '_')}.so.{rnd.randint(1, 6)}"
        if p.arch == ARCH:
            p.provides.append((f"{soname}()(64bit)",))
            libs.append((f"{soname}()(64bit)", len(pkgs) - 1))
        add_files(p, [f"/usr/bin/{name}", f"/usr/lib64/{soname}",
                      f"/etc/{name}.conf", f"/usr/share/doc/{name}/README"])
        if name == "bash":
            add_files(p, ["/bin/sh", "/usr/bin/sh"])
        if name == "python3":
            add_files(p, ["/usr/bin/python3"])
        if name == "perl":
            add_files(p, ["/usr/bin/perl"])
        if i > 2:
            for _ in range(rnd.randint(1, 4)):
                prov, _ = libs[rnd.randrange(len(libs) - 1)] if len(libs) > 1 else libs[0]
                if prov not in [r[0] for r in p.requires] and prov not in [q[0] for q in p.provides]:
                    p.requires.append((prov,))
        if name not in ("setup", "filesystem"):
            p.requires.append(("filesystem",))
        if name == "filesystem":
            p.requires.append(("setup",))

    vcaps = []

    def earlier(idx):
        return pkgs[rnd.randrange(len(BASE), max(idx, len(BASE) + 1))]

    def langpacks(p, always=False):
        # Translations split out like Fedora's: X-langpack-LL, pulled in
        # when X and langpacks-LL are both installed.
        langs = rnd.sample(LANGS, 8)
        if always and "en" not in langs:
            langs[0] = "en"
        for ll in langs:
            if len(pkgs) >= n and not always:
                return
            d = new(f"{p.name}-langpack-{ll}", p.arch)
            d.ver = p.ver
            d.requires.append((p.name, "EQ", p.ver))
            d.supplements.append((f"({p.name} and langpacks-{ll})",))
            add_files(d, [f"/usr/share/locale/{ll}/LC_MESSAGES/{p.name}.mo"])

    def weak_and_rich(p, idx):
        # The proportions of CentOS Stream 9 AppStream's primary.xml
        # (module docstring): per package, how often each kind occurs,
        # scaled up as the -devel, -doc and -langpack subpackages made
        # here get none of them.
        if rnd.random() < 0.086:
            q = earlier(idx)
            p.recommends.append((f"({q.name} if {earlier(idx).name})",)
                                if rnd.random() < 0.054 else (q.name,))
        if rnd.random() < 0.017:
            p.suggests.append((earlier(idx).name,))
        if rnd.random() < 0.0065:
            q = earlier(idx)
            p.supplements.append((f"({q.name} and {earlier(idx).name})",)
                                 if rnd.random() < 0.15 else (q.name,))
        if rnd.random() < 0.00125:
            p.enhances.append((earlier(idx).name,))
        if rnd.random() < 0.004 * len(p.requires):
            a, b = earlier(idx).name, earlier(idx).name
            p.requires.append((f"({a} if {b})" if rnd.random() < 0.5 else f"({a} or {b})",))
        if rnd.random() < 0.093:
            q = earlier(idx)
            p.conflicts.append((q.name, "LT", q.ver))
        if rnd.random() < 0.267:
            p.obsoletes.append((f"{p.name}-old", "LT", p.ver))
        if rnd.random() < 0.06 and ("/bin/sh",) not in p.requires:
            p.requires.append(("/bin/sh",))  # 5.3 % of requires name a file
        r = rnd.random()
        if r < 0.36:
            # Capabilities several packages provide (alternatives, compat
            # builds): 4.2 % of provided capabilities have more than one
            # provider, 0.8 % of required ones.
            if vcaps and r < 0.18:
                p.provides.append((rnd.choice(vcaps),))
            else:
                vcaps.append(f"alternative({p.name})")
                p.provides.append((vcaps[-1],))
        if vcaps and rnd.random() < 0.003:
            p.requires.append((rnd.choice(vcaps),))

    families = ["lib", "python3-", "perl-", "golang-github-", "rust-",
                "texlive-", "ghc-", "nodejs-", "", ""]
    k = 0
    while len(pkgs) < n:
        k += 1
        w = f"{rnd.choice(WORDS)}{rnd.choice(WORDS)}{k}"
        fam = rnd.choice(families)
        name = f"{fam}{w}"
        if name in names:
            continue
        p = new(name)
        idx = len(pkgs) - 1
        # Dependencies mostly on earlier, smaller-numbered packages, so
        # closures stay Fedora-like (a few hundred for core).
        for _ in range(rnd.randint(1, 6)):
            j = int(len(libs) * rnd.random() ** 3)
            prov, owner = libs[min(j, len(libs) - 1)]
            if owner != idx and (prov,) not in p.requires:
                p.requires.append((prov,))
        if fam == "lib":
            so = f"lib{w}.so.{rnd.randint(0, 9)}"
            p.provides.append((f"{so}()(64bit)",))
            libs.append((f"{so}()(64bit)", idx))
            add_files(p, [f"/usr/lib64/{so}", f"/usr/lib64/{so}.0.0"])
            if len(pkgs) < n:
                d = new(f"{name}-devel")
                d.ver = p.ver
                d.requires.append((name, "EQ", p.ver))
                d.requires.append(("pkgconfig",) if rnd.random() < 0.5 else ("/usr/bin/pkg-config",))
                add_files(d, [f"/usr/include/{w}.h", f"/usr/lib64/lib{w}.so",
                              f"/usr/lib64/pkgconfig/{w}.pc"])
        elif fam == "python3-":
            p.arch = "noarch"
            p.requires.append(("python(abi)", "EQ", "3.13"))
            p.provides.append((f"python3dist({w})", "EQ", p.ver))
            add_files(p, [f"/usr/lib/python3.13/site-packages/{w}/__init__.py",
                          f"/usr/lib/python3.13/site-packages/{w}/core.py"])
            if rnd.random() < 0.3:
                p.requires.append(("/usr/bin/python3",))
        elif fam == "perl-":
            p.arch = "noarch"
            p.requires.append(("perl(:MODULE_COMPAT_5.40.0)",))
            p.provides.append((f"perl({w.capitalize()})",))
            add_files(p, [f"/usr/share/perl5/vendor_perl/{w}.pm"])
            if rnd.random() < 0.2:
                p.requires.append(("/usr/bin/perl",))
        elif fam in ("golang-github-", "rust-", "nodejs-"):
            p.arch = "noarch"
            p.provides.append((f"{fam.rstrip('-')}({w})", "EQ", p.ver))
            add_files(p, [f"/usr/share/{fam.rstrip('-')}/{w}/{x}" for x in ("a", "b", "c", "d")])
        elif fam == "texlive-":
            p.arch = "noarch"
            p.provides.append((f"tex({w}.sty)",))
            add_files(p, [f"/usr/share/texlive/texmf-dist/tex/latex/{w}/{w}.sty"])
        else:
            add_files(p, [f"/usr/bin/{w}", f"/usr/share/man/man1/{w}.1.gz",
                          f"/etc/{w}.conf", f"/usr/libexec/{w}/helper"])
            if rnd.random() < 0.15:
                p.requires.append(("/bin/sh",))
            if rnd.random() < 0.0005:
                # A file only filelists.xml knows about (2 of the 10,573
                # file requires counted name such a path).
                q = pkgs[rnd.randrange(len(BASE), len(pkgs) - 1)]
                deep = [f for f in q.files if "/bin/" not in f and not f.startswith("/etc/")]
                if deep:
                    p.requires.append((deep[0],))
            if len(pkgs) < n and rnd.random() < 0.4:
                d = new(f"{name}-doc", "noarch")
                d.requires.append((name,))
                add_files(d, [f"/usr/share/doc/{w}/{x}.html" for x in ("index", "api", "faq")])
            if rnd.random() < 0.0156:
                langpacks(p)
        weak_and_rich(p, idx)
    # The langpacks-LL meta packages (langpacks-en is in core, so the
    # base's own X-langpack-en subpackages are pulled in by Supplements).
    for ll in LANGS:
        lp = next((p for p in pkgs if p.name == f"langpacks-{ll}"), None)
        if lp is None:
            lp = new(f"langpacks-{ll}", "noarch")
            lp.requires.append(("filesystem",))
    # Providers for the virtual names used above.
    for prov, owner in (("python(abi)", "python3"), ("pkgconfig", "rpm"),
                        ("perl(:MODULE_COMPAT_5.40.0)", "perl-libs")):
        o = next(p for p in pkgs if p.name == owner)
        o.provides.append((prov, "EQ", "3.13") if prov == "python(abi)" else (prov,))
    next(p for p in pkgs if p.name == "rpm").files.append("/usr/bin/pkg-config")
    next(p for p in pkgs if p.name == "rpm").primary_files.append("/usr/bin/pkg-config")
    # Langpacks for some of the base (as glibc-langpack-*, systemd's).
    for name in ("glibc", "systemd", "dnf", "NetworkManager", "vim-minimal", "shadow-utils"):
        langpacks(next(p for p in pkgs if p.name == name), always=True)
    # A few Recommends in the base set, for install_weak_deps.
    base_pkgs = pkgs[:len(BASE)]
    for p in base_pkgs[5:25]:
        q = pkgs[rnd.randrange(len(BASE), min(len(pkgs), 2000))]
        p.recommends.append((q.name,))
    return pkgs


def write_primary(path, pkgs):
    with gzip.open(path, "wt", compresslevel=5) as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<metadata xmlns="http://linux.duke.edu/metadata/common" '
                'xmlns:rpm="http://linux.duke.edu/metadata/rpm" '
                f'packages="{len(pkgs)}">\n')
        for p in pkgs:
            prov = [(p.name, "EQ", p.ver)] + p.provides
            files = "".join(f"<file>{escape(x)}</file>" for x in p.primary_files)
            f.write(
                f'<package type="rpm"><name>{p.name}</name><arch>{p.arch}</arch>'
                f'<version epoch="0" ver="{p.ver}" rel="{p.rel}"/>'
                f'<checksum type="sha256" pkgid="YES">{pkgid(p.name, p.ver)}</checksum>'
                f'<summary>{escape(p.summary)}</summary>'
                f'<description>{escape(p.summary)}.</description>'
                f'<packager>Fedora Project</packager><url>https://example.org/{p.name}</url>'
                f'<time file="1700000000" build="1700000000"/>'
                f'<size package="{p.size}" installed="{p.size * 3}" archive="{p.size * 3}"/>'
                f'<location href="Packages/{p.name[0].lower()}/{p.name}-{p.ver}-{p.rel}.{p.arch}.rpm"/>'
                f'<format><rpm:license>MIT</rpm:license><rpm:vendor>Fedora Project</rpm:vendor>'
                f'<rpm:group>Unspecified</rpm:group><rpm:buildhost>buildhw</rpm:buildhost>'
                f'<rpm:sourcerpm>{p.name}-{p.ver}-{p.rel}.src.rpm</rpm:sourcerpm>'
                f'<rpm:header-range start="4504" end="{4504 + 2000}"/>'
                + deps_xml("provides", prov) + deps_xml("requires", p.requires)
                + deps_xml("conflicts", p.conflicts) + deps_xml("obsoletes", p.obsoletes)
                + deps_xml("recommends", p.recommends) + deps_xml("suggests", p.suggests)
                + deps_xml("supplements", p.supplements) + deps_xml("enhances", p.enhances)
                + files + "</format></package>\n")
        f.write("</metadata>\n")


def write_filelists(path, pkgs):
    with gzip.open(path, "wt", compresslevel=5) as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<filelists xmlns="http://linux.duke.edu/metadata/filelists" '
                f'packages="{len(pkgs)}">\n')
        for p in pkgs:
            files = "".join(f"<file>{escape(x)}</file>" for x in p.files)
            f.write(f'<package pkgid="{pkgid(p.name, p.ver)}" name="{p.name}" arch="{p.arch}">'
                    f'<version epoch="0" ver="{p.ver}" rel="{p.rel}"/>{files}</package>\n')
        f.write("</filelists>\n")


def write_comps(path, pkgs, rnd):
    core = BASE + ["langpacks-en"]
    minimal = BASE[:40]
    defaults = [p.name for p in pkgs[len(BASE):len(BASE) + 3000] if rnd.random() < 0.01][:20]

    def group(gid, name, mandatory, default):
        reqs = "".join(f'<packagereq type="mandatory">{x}</packagereq>' for x in mandatory)
        reqs += "".join(f'<packagereq type="default">{x}</packagereq>' for x in default)
        return (f"<group><id>{gid}</id><name>{name}</name><description>{name}</description>"
                f"<default>true</default><uservisible>true</uservisible>"
                f"<packagelist>{reqs}</packagelist></group>\n")

    with open(path, "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n<comps>\n')
        f.write(group("core", "Core", core, defaults))
        f.write(group("minimal", "Minimal", minimal, []))
        f.write("<environment><id>minimal-environment</id><name>Minimal Install</name>"
                "<grouplist><groupid>core</groupid></grouplist></environment>\n")
        f.write("</comps>\n")


def data_entry(kind, path, base):
    raw = open(path, "rb").read()
    opened = gzip.decompress(raw) if path.endswith(".gz") else raw
    return (f'<data type="{kind}"><checksum type="sha256">{hashlib.sha256(raw).hexdigest()}</checksum>'
            f'<open-checksum type="sha256">{hashlib.sha256(opened).hexdigest()}</open-checksum>'
            f'<location href="repodata/{os.path.basename(path)}"/>'
            f'<timestamp>{int(time.time())}</timestamp><size>{len(raw)}</size>'
            f'<open-size>{len(opened)}</open-size></data>\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("outdir")
    ap.add_argument("--packages", type=int, default=60000)
    ap.add_argument("--seed", type=int, default=43)
    a = ap.parse_args()
    rnd = random.Random(a.seed + 1)
    pkgs = make(a.packages, a.seed)
    rd = os.path.join(a.outdir, "repodata")
    os.makedirs(rd, exist_ok=True)
    for old in os.listdir(rd):
        os.unlink(os.path.join(rd, old))
    tmp = {k: os.path.join(rd, f"{k}.tmp") for k in ("primary", "filelists", "group")}
    write_primary(tmp["primary"], pkgs)
    write_filelists(tmp["filelists"], pkgs)
    write_comps(tmp["group"], pkgs, rnd)
    entries = []
    for kind, suffix in (("primary", "primary.xml.gz"), ("filelists", "filelists.xml.gz"),
                         ("group", "comps.xml")):
        digest = hashlib.sha256(open(tmp[kind], "rb").read()).hexdigest()
        final = os.path.join(rd, f"{digest}-{suffix}")
        os.rename(tmp[kind], final)
        entries.append(data_entry(kind, final, a.outdir))
    with open(os.path.join(rd, "repomd.xml"), "w") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<repomd xmlns="http://linux.duke.edu/metadata/repo" '
                'xmlns:rpm="http://linux.duke.edu/metadata/rpm">\n'
                f'<revision>{int(time.time())}</revision>\n' + "".join(entries) + "</repomd>\n")
    print(f"{len(pkgs)} packages in {a.outdir}")


if __name__ == "__main__":
    main()
