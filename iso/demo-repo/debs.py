"""Debian 12 packages repackaged as RPM payloads (the real system repository).

    closure = Debs(work).resolve(wanted, assumed)   # apt picks alternatives
    Debs.fetch(closure)                              # apt-get download, cached
    Stager(builder).stage(rpm_name, deb, ...)        # dpkg-deb -x, relocated

Nothing is installed on the build machine. The dependency closure is what
`apt-get -s install --no-install-recommends` would install on an empty
system (a status file of our own: only the ASSUMED packages count as
installed, so their dependencies are dropped, e.g. debconf and perl, which
only Debian's maintainer scripts need). apt picks one alternative per
dependency. The .debs are kept in WORK/debs across builds and unpacked
with `dpkg-deb -x` into WORK/debs/x/NAME.

Relocation into Fedora's merged /usr: /bin, /sbin, /usr/sbin -> /usr/bin;
/lib -> /usr/lib; /lib64 -> /usr/lib64 (the filesystem package links the
old names). Documentation, manual pages, info and translations are dropped;
every Debian copyright file is kept as /usr/share/licenses/RPM/DEB.copyright.
Symlinks are re-pointed at the relocated target; one that would point at
itself after relocation (a compatibility link such as /usr/sbin/x -> /sbin/x)
is dropped. File conflicts are resolved here, never by rpm: one path, one
owner. Identical content at one path from two packages is kept by the first
owner; different content is resolved by the table's "replaces" (our own
files), else the unrelocated path wins, else the first owner, and each
decision is written to WORK/conflicts.txt.
"""

import glob
import hashlib
import os
import re
import shutil
import stat
import subprocess
import time

DROP = [
    r"^/usr/share/(doc|man|info|locale|lintian|bug|doc-base|bash-completion|zsh|fish|apport|menu|gtk-doc|help|reportbug)(/|$)",
    r"^/usr/(share|lib/x86_64-linux-gnu)/pkgconfig(/|$)", r"^/etc/(sv|runit)(/|$)",
    r"^/usr/share/libgcrypt20/clean-up-unmanaged-libraries$",
    r"^/usr/bin/(pam-auth-update|pam_getenv|helpztags)$",
    r"^/etc/init\.d(/|$)", r"^/etc/rc[0-6S]\.d(/|$)", r"^/etc/(cron\.[a-z]+|logrotate\.d|insserv\.conf\.d|apport)(/|$)",
    r"^/usr/lib/tmpfiles\.d/legacy\.conf$",
    r"^/usr/share/initramfs-tools(/|$)", r"^/etc/initramfs-tools(/|$)",
    r"^/usr/lib/(systemd/system/)?ifupdown(/|$)", r"^/etc/network/if-[a-z-]+\.d(/|$)",
    r"^/etc/kernel/(postinst|postrm|preinst|prerm)\.d(/|$)",
]
DROP_RE = re.compile("|".join(DROP))
KEEP_RE = re.compile(r"^/usr/share/doc/([^/]+)/copyright$")


def reloc(path):
    """Debian's path -> Fedora's merged-/usr path."""
    for old, new in (("/usr/sbin/", "/usr/bin/"), ("/sbin/", "/usr/bin/"),
                     ("/bin/", "/usr/bin/"), ("/lib/", "/usr/lib/"),
                     ("/lib64/", "/usr/lib64/"), ("/lib32/", "/usr/lib32/"),
                     ("/libx32/", "/usr/libx32/")):
        if path.startswith(old):
            return new + path[len(old):]
        if path == old[:-1]:
            return new[:-1]
    return path


def rpm_version(debver):
    """2:1.2.3-4+deb12u1 -> 1.2.3 (rpm's Version has no '-' and no ':')."""
    v = debver.split(":", 1)[-1]
    v = v.rsplit("-", 1)[0] if "-" in v else v
    return re.sub(r"[^0-9A-Za-z.+_~]", "_", v)


class Debs:
    def __init__(self, work, log):
        self.cache = os.path.join(work, "debs")
        self.xdir = os.path.join(self.cache, "x")
        self.log = log
        os.makedirs(self.xdir, exist_ok=True)
        self.info = {}  # name -> (version, arch)

    def _show(self, names):
        """apt-cache show of NAMES at once: {name: {field: value}}."""
        r = subprocess.run(["apt-cache", "show", "--no-all-versions"] + list(names),
                           capture_output=True, text=True)
        out, fields, key = {}, {}, None
        for line in r.stdout.splitlines() + [""]:
            if not line:
                if "Package" in fields:
                    out.setdefault(fields["Package"], fields)
                fields, key = {}, None
                continue
            if line[0] in " \t" and key:
                continue
            key, _, val = line.partition(":")
            fields[key] = val.strip()
        return out

    def resolve(self, wanted, assumed):
        """The packages apt would install for WANTED on a system that has
        only ASSUMED: [(name, version, arch)], in apt's order."""
        status = os.path.join(self.cache, "status")
        stanzas = []
        shown = self._show(assumed)
        for name in assumed:
            f = shown.get(name)
            if not f:
                continue  # unknown here (a virtual name): nothing to assume
            s = ("Package: %s\nStatus: install ok installed\nPriority: optional\n"
                 "Section: misc\nMaintainer: none\nArchitecture: %s\nVersion: %s\n"
                 % (name, f.get("Architecture", "all"), f["Version"]))
            if f.get("Provides"):
                s += "Provides: %s\n" % f["Provides"]
            if f.get("Multi-Arch"):
                s += "Multi-Arch: %s\n" % f["Multi-Arch"]
            stanzas.append(s + "Description: assumed present\n")
        with open(status, "w") as fh:
            fh.write("\n".join(stanzas))
        r = subprocess.run(["apt-get", "-s", "-q", "install", "--no-install-recommends",
                            "-o", "Dir::State::status=" + status,
                            "-o", "APT::Get::Show-Versions=false",
                            "-o", "Debug::NoLocking=1"] + sorted(wanted),
                           capture_output=True, text=True)
        if r.returncode:
            raise SystemExit("real-repo: apt cannot resolve the Debian packages:\n"
                             + r.stdout[-3000:] + r.stderr)
        out = []
        for line in r.stdout.splitlines():
            m = re.match(r"Inst (\S+) \((\S+) .*\[(\S+)\]\)", line)
            if m:
                name = m.group(1).split(":")[0]
                out.append((name, m.group(2), m.group(3)))
                self.info[name] = (m.group(2), m.group(3))
        return out

    def deb_path(self, name, version, arch):
        return os.path.join(self.cache, "%s_%s_%s.deb"
                            % (name, version.replace(":", "%3a"), arch))

    def fetch(self, closure):
        missing = [(n, v, a) for n, v, a in closure
                   if not os.path.exists(self.deb_path(n, v, a))]
        if not missing:
            return 0
        self.log("downloading %d Debian packages into %s" % (len(missing), self.cache))
        r = subprocess.run(["apt-get", "download", "-q", "-o", "APT::Sandbox::User=root"]
                           + ["%s=%s" % (n, v) for n, v, _ in missing],
                           cwd=self.cache, capture_output=True, text=True)
        still = [n for n, v, a in missing if not os.path.exists(self.deb_path(n, v, a))]
        if r.returncode or still:
            raise SystemExit("real-repo: cannot download %s (apt-get download):\n%s"
                             % (" ".join(still), r.stderr[-3000:]))
        return len(missing)

    def tree(self, name):
        """dpkg-deb -x of NAME's .deb, redone only when the .deb changes."""
        version, arch = self.info[name]
        deb = self.deb_path(name, version, arch)
        tree = os.path.join(self.xdir, name)
        stamp = tree + ".from"
        try:
            with open(stamp) as f:
                if f.read() == deb:
                    return tree
        except OSError:
            pass
        shutil.rmtree(tree, ignore_errors=True)
        subprocess.run(["dpkg-deb", "-x", deb, tree], check=True)
        with open(stamp, "w") as f:
            f.write(deb)
        return tree

    def control(self, name, field):
        version, arch = self.info[name]
        return subprocess.run(["dpkg-deb", "-f", self.deb_path(name, version, arch), field],
                              capture_output=True, text=True, check=True).stdout.strip()


def digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Stager:
    """Stages relocated Debian trees into STAGE/RPMNAME, one owner a path."""

    def __init__(self, stage, conflicts_log, reserved):
        self.stage = stage
        self.owner = {}  # path -> (rpm, what, origin)
        self.dirmode = {}
        self.reserved = reserved  # path -> rpm: our own files win
        self.log = open(conflicts_log, "w")

    def _keep(self, path, rpm, what, origin, relocated):
        """True when RPM gets PATH; records conflicts."""
        if path in self.reserved:
            self.log.write("%s: %s's file replaced by %s's own\n"
                           % (path, origin, self.reserved[path]))
            return False
        prev = self.owner.get(path)
        if prev is None:
            self.owner[path] = (rpm, what, origin, relocated)
            return True
        if prev[1] == what:
            if prev[0] != rpm:
                self.log.write("%s: identical in %s (%s) and %s (%s); kept in %s\n"
                               % (path, prev[2], prev[0], origin, rpm, prev[0]))
            return False
        if prev[3] and not relocated:
            # The unrelocated path wins: take it over.
            self.log.write("%s: %s (%s) differs from %s's relocated file; kept %s's\n"
                           % (path, origin, rpm, prev[2], origin))
            old = os.path.join(self.stage, prev[0]) + path
            if os.path.lexists(old):
                os.unlink(old)
            self.owner[path] = (rpm, what, origin, relocated)
            return True
        self.log.write("%s: %s (%s) differs from %s (%s); kept %s's\n"
                       % (path, origin, rpm, prev[2], prev[0], prev[2]))
        return False

    @staticmethod
    def _rename(path, rename):
        for old, new in rename:
            if path == old or path.startswith(old + "/"):
                return new + path[len(old):]
        return path

    def _mkdirs(self, rpm, path):
        d = os.path.dirname(os.path.join(self.stage, rpm) + path)
        os.makedirs(d, exist_ok=True)

    def stage_tree(self, rpm, debname, tree, drop=None, rename=(), license_dir=True):
        """Every file of TREE (an unpacked .deb) into STAGE/RPM."""
        root = os.path.join(self.stage, rpm)
        for top, dnames, fnames in os.walk(tree):
            rel = top[len(tree):] or ""
            for d in list(dnames):
                full = os.path.join(top, d)
                if os.path.islink(full):
                    dnames.remove(d)
                    fnames.append(d)
                    continue
                orig = rel + "/" + d
                new = self._rename(reloc(orig), rename)
                if (DROP_RE.search(new) or (drop and drop.search(new))) \
                        and not new.startswith("/usr/share/doc"):
                    dnames.remove(d)
                    continue
                if new.startswith("/usr/share/doc"):
                    continue  # copyright files only, below
                mode = stat.S_IMODE(os.lstat(full).st_mode)
                mode = self.dirmode.setdefault(new, mode)
                dd = root + new
                if not os.path.isdir(dd):
                    os.makedirs(dd, exist_ok=True)
                    os.chmod(dd, mode)
            for f in fnames:
                full = os.path.join(top, f)
                orig = rel + "/" + f
                m = KEEP_RE.match(orig)
                if m:
                    if license_dir and not os.path.islink(full):
                        dst = "/usr/share/licenses/%s/%s.copyright" % (rpm, debname)
                        self._mkdirs(rpm, dst)
                        shutil.copyfile(full, root + dst)
                        os.chmod(root + dst, 0o644)
                    continue
                new = self._rename(reloc(orig), rename)
                if DROP_RE.search(new) or new.startswith("/usr/share/doc") \
                        or (drop and drop.search(new)):
                    continue
                relocated = new != orig
                if os.path.islink(full):
                    target = os.readlink(full)
                    if target.startswith("/"):
                        abs_t = os.path.normpath(target)
                    else:
                        abs_t = os.path.normpath(os.path.join(os.path.dirname(orig), target))
                    new_t = self._rename(reloc(abs_t), rename)
                    if new_t == new:
                        continue  # a compatibility link, now the file itself
                    if not target.startswith("/"):
                        target = os.path.relpath(new_t, os.path.dirname(new))
                    else:
                        target = new_t
                    if not self._keep(new, rpm, "link:" + target, debname, relocated):
                        continue
                    self._mkdirs(rpm, new)
                    if os.path.lexists(root + new):
                        os.unlink(root + new)
                    os.symlink(target, root + new)
                elif os.path.isfile(full):
                    if not self._keep(new, rpm, digest(full), debname, relocated):
                        continue
                    self._mkdirs(rpm, new)
                    if os.path.lexists(root + new):
                        os.unlink(root + new)
                    os.link(full, root + new)
