# The real system repository's package table (docs/demo-repo.md, "The real
# system repository"): Debian 12's binaries repackaged by debs.py under
# Azure Linux 4.0 / Fedora names, built by build-repo.py --table this-file.
#
# Each entry of REAL names the Debian packages it is made from ("debs"); the
# dependency closure of all of them is resolved by apt at build time and
# every Debian package of the closure that no entry names becomes an RPM of
# its own, named by LIBNAMES (Fedora's name) or else by its Debian name.
# Several Debian packages may map to one RPM. Dependencies are real:
# rpmbuild's automatic soname Requires/Provides (AutoReqProv), plus the
# "requires" below. Debian's maintainer scripts are not run; the scriptlets
# are generated Fedora-style (sysusers, tmpfiles, systemctl preset) from
# what each package ships, see expand().
#
# The entries that need no Debian package (setup, filesystem, kernel, GRUB,
# shim, tzdata, ca-certificates, ...) are packages.py's, imported.

import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import packages as demo  # noqa: E402
import debs  # noqa: E402

FILES = "real/"  # under iso/demo-repo/files/

# Debian packages that count as present, so nothing pulls them in: they
# exist for Debian's maintainer scripts (debconf, perl, ucf, adduser,
# init-system-helpers, usrmerge, dpkg, runit-helper, lsb-base), or the
# reused entries carry the same thing (base-files: azurelinux-release;
# tzdata, ca-certificates, ncurses-base), or only rpmbuild needs them
# (debugedit: the installed rpm builds no packages).
ASSUMED = """
debconf cdebconf perl perl-base perl-modules-5.36 libperl5.36 usrmerge
usr-is-merged init-system-helpers adduser ucf lsb-base dpkg runit-helper
sensible-utils base-files base-passwd tzdata ca-certificates ncurses-base
debugedit libfile-find-rule-perl sgml-base xml-core media-types
linux-base initramfs-tools python3 dracut
""".split()
# dracut: Debian's kernel hooks around dracut-core (which the "dracut" entry
# carries); clevis-dracut depends on it.

# Debian library package -> Fedora name. The rule for the rest: the
# Debian name.
LIBNAMES = {
    "libc6": "glibc", "libc-bin": "glibc", "libgcc-s1": "libgcc", "gcc-12-base": "libgcc",
    "libstdc++6": "libstdc++", "zlib1g": "zlib", "libssl3": "openssl-libs",
    "libcrypt1": "libxcrypt", "libselinux1": "libselinux",
    "libsepol2": "libsepol", "libsemanage2": "libsemanage",
    "libsemanage-common": "libsemanage", "libaudit1": "audit-libs",
    "libaudit-common": "audit-libs", "libcap2": "libcap", "libcap2-bin": "libcap",
    "libcap-ng0": "libcap-ng", "libacl1": "libacl", "libattr1": "libattr",
    "libblkid1": "libblkid", "libmount1": "libmount", "libuuid1": "libuuid",
    "libsmartcols1": "libsmartcols", "libfdisk1": "libfdisk",
    "libpcre2-8-0": "pcre2", "libzstd1": "libzstd", "liblzma5": "xz-libs",
    "liblzo2-2": "lzo",
    "liblz4-1": "lz4-libs", "libbz2-1.0": "bzip2-libs",
    "libgcrypt20": "libgcrypt", "libgpg-error0": "libgpg-error",
    "libkmod2": "kmod-libs", "libcryptsetup12": "cryptsetup-libs",
    "libdevmapper1.02.1": "device-mapper-libs",
    "libdevmapper-event1.02.1": "device-mapper-event-libs",
    "liblvm2cmd2.03": "lvm2-libs", "libargon2-1": "libargon2",
    "libjson-c5": "json-c", "libpopt0": "popt", "libseccomp2": "libseccomp",
    "libexpat1": "expat", "libffi8": "libffi", "libglib2.0-0": "glib2",
    "libdbus-1-3": "dbus-libs", "libsystemd0": "systemd-libs",
    "libudev1": "systemd-libs", "libnm0": "NetworkManager-libnm",
    "libgnutls30": "gnutls", "libnettle8": "nettle", "libhogweed6": "nettle",
    "libgmp10": "gmp", "libidn2-0": "libidn2", "libunistring2": "libunistring",
    "libtasn1-6": "libtasn1", "libp11-kit0": "p11-kit",
    "libkrb5-3": "krb5-libs", "libk5crypto3": "krb5-libs",
    "libkrb5support0": "krb5-libs", "libgssapi-krb5-2": "krb5-libs",
    "libkeyutils1": "keyutils-libs", "libcom-err2": "libcom_err",
    "libext2fs2": "e2fsprogs-libs", "libss2": "e2fsprogs-libs",
    "libreadline8": "readline", "readline-common": "readline",
    "libtinfo6": "ncurses-libs", "libncursesw6": "ncurses-libs",
    "libedit2": "libedit", "libtirpc3": "libtirpc", "libtirpc-common": "libtirpc",
    "libnsl2": "libnsl2", "libcurl4": "libcurl", "libcurl3-gnutls": "libcurl-gnutls",
    "libnghttp2-14": "libnghttp2", "libpsl5": "libpsl", "libssh2-1": "libssh2",
    "librtmp1": "librtmp", "libldap-2.5-0": "openldap",
    "libsasl2-2": "cyrus-sasl-lib", "libsasl2-modules-db": "cyrus-sasl-lib",
    "libbrotli1": "libbrotli", "libelf1": "elfutils-libelf", "libdw1": "elfutils-libs",
    "libbpf1": "libbpf", "libmnl0": "libmnl", "libxtables12": "iptables-libs",
    "libip4tc2": "iptables-libs", "libapparmor1": "libapparmor",
    "libfido2-1": "libfido2", "libcbor0.8": "libcbor", "libmd0": "libmd",
    "libbsd0": "libbsd", "libsqlite3-0": "sqlite-libs", "libdb5.3": "libdb",
    "libmagic1": "file-libs", "libmagic-mgc": "file-libs",
    "liblua5.3-0": "lua-libs", "libarchive13": "libarchive",
    "libxml2": "libxml2", "libicu72": "libicu", "libjansson4": "jansson",
    "libndp0": "libndp", "libnewt0.52": "newt", "libslang2": "slang",
    "libteamdctl0": "libteam", "libmm-glib0": "ModemManager-glib",
    "libbluetooth3": "bluez-libs", "libduktape207": "duktape",
    "libpolkit-gobject-1-0": "polkit-libs", "libpolkit-agent-1-0": "polkit-libs",
    "libaio1": "libaio", "liburcu8": "userspace-rcu", "libinih1": "inih",
    "libgomp1": "libgomp", "libwrap0": "tcp_wrappers-libs",
    "libefiboot1": "efivar-libs", "libefivar1": "efivar-libs",
    "libfreetype6": "freetype", "libpng16-16": "libpng", "libfuse3-3": "fuse3-libs",
    "libpam0g": "pam", "libpam-modules": "pam", "libpam-modules-bin": "pam",
    "libpam-runtime": "pam",
}


def own(path, src, mode=0o644):
    return ("file", path, FILES + src, mode)


# Every entry: name, summary, debs, and optionally requires, provides,
# config (beyond every file under /etc, which is %config(noreplace)),
# payload (recipes of build-repo.py, applied after the Debian files; a
# path they write is ours: no Debian file is staged there), drop (regular
# expressions of paths not staged), modes {path: mode}.
REAL = [
    dict(name="glibc", summary="The GNU C library (Debian 12's libc6)",
         # libc-bin: ldd and ldconfig, which dracut needs to copy the
         # libraries of what it puts into the initramfs.
         debs=["libc6", "libc-bin"], provides=["rtld(GNU_HASH)", "glibc-common"],
         drop=[r"^/usr/lib/x86_64-linux-gnu/gconv/(?!gconv-modules)"],
         # As Fedora's glibc: ldconfig after every transaction that put
         # libraries in place. Without /etc/ld.so.cache dracut's libdirs
         # lack /usr/lib/x86_64-linux-gnu, so it skips its libpthread
         # workaround and leaves libgcc_s.so.1 out of the initramfs; then
         # argon2's threads (pthread_exit) abort systemd-cryptsetup at the
         # LUKS2 passphrase prompt.
         # (A shell body: with -p ldconfig rpm passes the trigger's
         # count as an argument, which ldconfig takes for a directory;
         # Fedora's glibc uses lua for the same reason.)
         scripts={"transfiletriggerin -P 2000000 -- /lib /usr/lib /lib64 /usr/lib64": "/usr/bin/ldconfig\n",
                  "transfiletriggerpostun -P 2000000 -- /lib /usr/lib /lib64 /usr/lib64": "/usr/bin/ldconfig\n"}),
    dict(name="bash", summary="The GNU Bourne Again shell (also /usr/bin/sh)",
         debs=["bash"], provides=["/bin/sh", "/bin/bash", "/usr/bin/sh"],
         payload=[("symlink", "/usr/bin/sh", "bash")]),
    dict(name="coreutils", summary="GNU coreutils", debs=["coreutils"]),
    dict(name="grep", summary="GNU grep", debs=["grep"]),
    dict(name="sed", summary="GNU sed", debs=["sed"]),
    dict(name="findutils", summary="GNU find and xargs", debs=["findutils"]),
    dict(name="gawk", summary="awk (Debian's mawk, also as /usr/bin/awk)",
         debs=["mawk"], payload=[("symlink", "/usr/bin/awk", "mawk")]),
    dict(name="gzip", summary="gzip", debs=["gzip"]),
    dict(name="tar", summary="GNU tar", debs=["tar"]),
    dict(name="zstd", summary="zstd", debs=["zstd"]),
    dict(name="cpio", summary="GNU cpio (dracut packs the initramfs with it)", debs=["cpio"]),
    dict(name="hostname", summary="hostname", debs=["hostname"]),
    dict(name="which", summary="which, run-parts and friends (Debian's debianutils)",
         debs=["debianutils"]),
    dict(name="util-linux", summary="util-linux: mount, agetty, login (Debian's shadow login), su, fdisk, ...",
         debs=["util-linux", "util-linux-extra", "mount", "login", "fdisk"],
         provides=["util-linux-core", "/bin/login", "/usr/bin/login"]),
    dict(name="shadow-utils", summary="passwd, useradd, usermod, chpasswd, ... (Debian's passwd)",
         debs=["passwd"]),
    dict(name="pam", summary="Linux-PAM with Fedora-like static stacks (common-*, system-auth)",
         debs=["libpam0g", "libpam-modules", "libpam-modules-bin", "libpam-runtime"],
         payload=[own("/etc/pam.d/common-auth", "pam/common-auth"),
                  own("/etc/pam.d/common-account", "pam/common-account"),
                  own("/etc/pam.d/common-password", "pam/common-password"),
                  own("/etc/pam.d/common-session", "pam/common-session"),
                  own("/etc/pam.d/common-session-noninteractive",
                      "pam/common-session-noninteractive"),
                  own("/etc/pam.d/system-auth", "pam/system-auth"),
                  own("/etc/pam.d/password-auth", "pam/system-auth"),
                  # pam_env in Debian's stacks reads the locale from here.
                  ("symlink", "/etc/default/locale", "../locale.conf")],
         modes={"/usr/bin/unix_chkpwd": 0o4755}),
    dict(name="systemd", summary="systemd: PID 1, journald, logind, sysusers, tmpfiles, firstboot, systemd-cryptsetup",
         debs=["systemd", "systemd-sysv", "libsystemd-shared", "libpam-systemd"],
         requires=["setup", "systemd-udev", "dbus-broker"], post_requires=["setup"],
         provides=["/sbin/init", "/usr/sbin/init", "systemd-pam", "initscripts-service"]),
    dict(name="systemd-udev", summary="udev (systemd-udevd, udevadm, rules, hwdb)",
         debs=["udev"], requires=["systemd"]),
    dict(name="dbus-broker", summary="The D-Bus system bus (dbus-broker), as dbus.service",
         debs=["dbus-broker"], requires=["dbus-common"], provides=["dbus"]),
    dict(name="dbus-common", summary="D-Bus configuration and the messagebus user",
         debs=["dbus-system-bus-common"]),
    dict(name="polkit", summary="polkitd", debs=["polkitd"]),
    dict(name="dracut", summary="dracut 059 (Debian's dracut-core): modules systemd, crypt, lvm, mdraid, ...",
         debs=["dracut-core"],
         # Fedora's dracut.spec Requires (but xz: no xz tool here; dracut
         # compresses with gzip or zstd). Debian's dracut-core names none
         # of bash, coreutils, findutils, grep, gzip, sed, util-linux
         # (getopt): Debian has them as "essential"; without @minimal dracut
         # stopped at "getopt: command not found".
         requires=["bash", "coreutils", "cpio", "filesystem", "findutils", "grep",
                   "gzip", "kmod", "sed", "util-linux", "systemd", "systemd-udev",
                   "procps-ng"]),
    dict(name="NetworkManager", summary="NetworkManager with its keyfile plugin and nmcli",
         debs=["network-manager"],
         requires=["dbus-broker", "iproute"],
         drop=[r"^/etc/NetworkManager/NetworkManager\.conf$",
               r"^/etc/NetworkManager/dispatcher\.d/01-ifupdown$"],
         payload=[own("/etc/NetworkManager/NetworkManager.conf", "nm/NetworkManager.conf"),
                  ("dir", "/etc/NetworkManager/system-connections", 0o700)]),
    dict(name="openssh", summary="OpenSSH: ssh-keygen and common files",
         debs=[], payload=[("dir", "/etc/ssh", 0o755)]),
    dict(name="openssh-clients", summary="OpenSSH client (ssh, scp, ssh-keygen, ssh-agent)",
         debs=["openssh-client"], requires=["openssh"]),
    dict(name="openssh-server", summary="OpenSSH server: sshd.service, sshd-keygen.service at first boot",
         debs=["openssh-server", "openssh-sftp-server"],
         requires=["openssh", "openssh-clients", "pam"],
         drop=[r"^/usr/lib/systemd/system/(ssh|rescue-ssh)",
               r"^/etc/default/ssh$", r"^/etc/ufw(/|$)"],
         payload=[own("/usr/lib/systemd/system/sshd.service", "openssh/sshd.service"),
                  own("/usr/lib/systemd/system/sshd-keygen.service",
                      "openssh/sshd-keygen.service"),
                  own("/etc/ssh/sshd_config", "openssh/sshd_config", 0o600),
                  ("dir", "/etc/ssh/sshd_config.d", 0o755),
                  own("/usr/lib/sysusers.d/openssh-server.conf", "openssh/sysusers.conf"),
                  own("/usr/lib/tmpfiles.d/openssh-server.conf", "openssh/tmpfiles.conf")]),
    dict(name="chrony", summary="chronyd and chronyc, reading /etc/chrony.conf",
         debs=["chrony"],
         drop=[r"^/usr/lib/systemd/system/chrony\.service$", r"^/etc/chrony(/|$)",
               r"^/etc/default/chrony$", r"^/usr/lib/systemd/system/chronyd?-.*",
               r"^/var/(lib|log)/chrony$"],
         payload=[own("/usr/lib/systemd/system/chronyd.service", "chrony/chronyd.service"),
                  own("/etc/chrony.conf", "chrony/chrony.conf"),
                  own("/usr/lib/sysusers.d/chrony.conf", "chrony/sysusers.conf"),
                  own("/usr/lib/tmpfiles.d/chrony.conf", "chrony/tmpfiles.conf")]),
    dict(name="sudo", summary="sudo (wheel may sudo)", debs=["sudo"],
         drop=[r"^/etc/sudoers$"],
         payload=[("file", "/etc/sudoers", "sudo/sudoers", 0o440)]),
    dict(name="iproute", summary="ip, ss, bridge (Debian's iproute2)", debs=["iproute2"],
         # tc's ATM queue needs libatm, which Debian only recommends.
         drop=[r"/tc/q_atm\.so$"],
         provides=["iproute2"]),
    dict(name="kmod", summary="modprobe, insmod, lsmod, depmod", debs=["kmod"]),
    dict(name="cryptsetup", summary="cryptsetup (LUKS)", debs=["cryptsetup-bin"]),
    # systemd-cryptenroll and systemd-cryptsetup load libtss2 with dlopen()
    # (no soname dependency): the installer adds both packages for
    # storage.encryption.tpm2 (docs/storage.md "TPM2"); dracut's tpm2-tss
    # module wants the tpm2 tool before it takes the libraries.
    dict(name="tpm2-tss", summary="The TPM2 software stack (libtss2-*), the tss group and the TPM udev rules",
         debs=["libtss2-esys-3.0.2-0", "libtss2-mu0", "libtss2-sys1", "libtss2-rc0",
               "libtss2-tctildr0", "libtss2-tcti-device0", "libtss2-tcti-cmd0",
               "libtss2-tcti-mssim0", "libtss2-tcti-swtpm0", "libtss2-fapi1", "tpm-udev"],
         payload=[own("/usr/lib/sysusers.d/tpm2-tss.conf", "tpm2-tss/sysusers.conf")]),
    dict(name="tpm2-tools", summary="tpm2 and the tpm2_* tools", debs=["tpm2-tools"],
         requires=["tpm2-tss"]),
    # storage.encryption.tang (docs/storage.md "Network-bound unlock"):
    # the installer runs the target's clevis luks bind; dracut's clevis
    # modules and clevis-luks-askpass unlock at boot through dracut's
    # network module. Fedora's split; the requires are Debian's Depends
    # (tools without a soname link).
    dict(name="clevis", summary="clevis: automated decryption with pins (tang, tpm2, sss)",
         debs=["clevis"],
         requires=["curl", "jose", "luksmeta", "libpwquality-tools", "cracklib-runtime"]),
    # clevis luks bind makes its key with pwmake, which reads cracklib's
    # dictionary. Debian builds it in cracklib-runtime's postinst
    # (update-cracklib), which is not run here: the build machine's, made
    # the same way from the same word list (scripts/deps.sh brings
    # cracklib-runtime with clevis-luks).
    dict(name="cracklib-runtime", summary="cracklib's tools and its dictionary",
         debs=["cracklib-runtime"],
         payload=[("host", "/var/cache/cracklib/cracklib_dict." + x,
                   "/var/cache/cracklib/cracklib_dict." + x, 0o644)
                  for x in ("hwm", "pwd", "pwi")]),
    dict(name="clevis-luks", summary="clevis luks bind, unlock, list, pass",
         debs=["clevis-luks"], requires=["clevis", "cryptsetup", "luksmeta"]),
    dict(name="clevis-systemd", summary="clevis-luks-askpass: answers systemd-cryptsetup's passphrase question",
         debs=["clevis-systemd"], requires=["clevis-luks", "systemd"]),
    # dracut's clevis module installs /etc/services (curl's port names),
    # which Fedora's setup package has and the reused setup does not.
    dict(name="clevis-dracut", summary="dracut modules clevis, clevis-pin-tang, clevis-pin-sss, ...",
         debs=["clevis-dracut"],
         requires=["clevis-systemd", "dracut", "dracut-network", "netbase"]),
    dict(name="netbase", summary="/etc/services, /etc/protocols, /etc/rpc, /etc/ethertypes",
         debs=["netbase"]),
    dict(name="dracut-network", summary="dracut's network modules (network, network-manager, network-legacy, ...)",
         debs=["dracut-network"], requires=["dracut", "iputils-arping", "isc-dhcp-client"]),
    dict(name="lvm2", summary="LVM2 (lvm, dmeventd)", debs=["lvm2", "dmeventd"],
         requires=["device-mapper"]),
    # Software RAID (docs/storage.md "Software RAID"): mdadm, mdmon, the md
    # udev rules that dracut's mdraid module copies. Debian's cron jobs,
    # SysV scripts and initramfs-tools hooks are of no use here.
    dict(name="mdadm", summary="mdadm (Linux software RAID)", debs=["mdadm"],
         drop=[r"^/etc/(cron\.d|cron\.daily|init\.d|logcheck)(/|$)",
               r"^/usr/share/initramfs-tools(/|$)"]),
    dict(name="device-mapper", summary="dmsetup and the device-mapper udev rules",
         debs=["dmsetup"]),
    dict(name="kpartx", summary="kpartx", debs=["kpartx"]),
    dict(name="e2fsprogs", summary="ext2/3/4 tools", debs=["e2fsprogs", "logsave"]),
    dict(name="xfsprogs", summary="XFS tools (without xfs_scrub_all, a python3 script)",
         debs=["xfsprogs"],
         drop=[r"^/usr/bin/xfs_scrub_all$", r"^/usr/lib/systemd/system/xfs_scrub_all\.", r"xfs_scrub_all"]),
    dict(name="dosfstools", summary="FAT tools", debs=["dosfstools"]),
    # mkfs.btrfs and btrfs for a btrfs layout (docs/storage.md "btrfs");
    # the plan adds it to the packages then. Debian's initramfs-tools hook
    # is of no use to dracut.
    dict(name="btrfs-progs", summary="btrfs tools (mkfs.btrfs, btrfs)",
         debs=["btrfs-progs"],
         drop=[r"^/usr/share/initramfs-tools(/|$)"]),
    dict(name="rpm", summary="rpm (Debian's 4.18), its rpmdb in /usr/lib/sysimage/rpm",
         debs=["rpm", "rpm-common", "rpm2cpio"],
         drop=[r"^/var/lib/rpm(/|$)", r"^/usr/bin/(rpmbuild|rpmspec|rpmsign|gendiff)$", r"^/usr/lib/rpm/(?!macros|rpmrc|rpmpopt|platform)"],
         payload=[own("/usr/lib/rpm/macros.d/macros.azl-dbpath", "rpm/macros.dbpath"),
                  ("dir", "/usr/lib/sysimage/rpm", 0o755),
                  ("symlink", "/var/lib/rpm", "../../usr/lib/sysimage/rpm")]),
    dict(name="rpm-libs", summary="librpm and librpmio", debs=["librpm9", "librpmio9"]),
    dict(name="curl", summary="curl", debs=["curl"]),
    dict(name="policycoreutils", summary="SELinux policy tools: semodule, setfiles, restorecon, load_policy",
         debs=["policycoreutils"]),
    dict(name="libselinux-utils", summary="getenforce, setenforce, selinuxenabled, ...",
         debs=["selinux-utils"]),
    dict(name="selinux-policy", summary="SELinux configuration: /etc/selinux/config",
         debs=[], config=["/etc/selinux/config"],
         payload=[("file", "/etc/selinux/config", "selinux/config", 0o644)]),
    dict(name="selinux-policy-targeted", summary="Debian's reference policy (selinux-policy-default) as the store 'targeted'",
         debs=["selinux-policy-default"], requires=["selinux-policy", "policycoreutils"],
         # Debian's store is called "default"; Fedora's and Azure Linux's
         # "targeted" (SELINUXTYPE=targeted in /etc/selinux/config).
         rename=[("/etc/selinux/default", "/etc/selinux/targeted"),
                 ("/usr/share/selinux/default", "/usr/share/selinux/targeted"),
                 ("/var/lib/selinux/default", "/var/lib/selinux/targeted")],
         # The binary policy is built here, at build time (_build_policy),
         # not by a %post: see docs/system.md "SELinux".
         build_policy=True),
    dict(name="procps-ng", summary="ps, top, free, kill, sysctl, ...", debs=["procps", "libproc2-0"]),
    dict(name="less", summary="less", debs=["less"]),
    dict(name="vim-minimal", summary="vi (Debian's vim-tiny)", debs=["vim-tiny", "vim-common"],
         provides=["vi", "/usr/bin/vi"],
         payload=[("symlink", "/usr/bin/vi", "vim.tiny")]),
]

# packages.py's entries used as they are (no Debian package in them).
REUSED = ["setup", "filesystem", "azurelinux-repos", "kernel-core", "grub2-tools", "grub2-pc", "grub2-efi-x64",
          "shim-x64", "tzdata", "ca-certificates", "ncurses-base"]

MINIMAL = ["setup", "filesystem", "azurelinux-release", "azurelinux-repos",
           "glibc", "bash", "coreutils", "util-linux", "shadow-utils", "pam",
           "systemd", "systemd-udev", "dbus-broker", "kmod", "kernel", "dracut",
           "tzdata", "ca-certificates", "e2fsprogs", "xfsprogs", "rpm",
           "NetworkManager", "openssh-server", "openssh-clients", "curl",
           "sudo", "chrony", "iproute", "procps-ng", "less", "vim-minimal",
           "policycoreutils", "libselinux-utils", "selinux-policy-targeted",
           "hostname", "which", "grep", "sed", "findutils", "gawk", "tar", "gzip"]
MINIMAL_OPTIONAL = ["cryptsetup", "lvm2", "mdadm", "dosfstools", "btrfs-progs", "grub2-pc",
                    "grub2-efi-x64", "shim-x64", "linux-firmware"]
CORE_EXTRA = ["cryptsetup", "lvm2", "dosfstools", "kpartx", "linux-firmware"]

# The kernel's whole Debian module tree (.ko.xz), split the way Fedora
# splits it: kernel-modules-core what a server needs to boot and reach the
# network (storage controllers, NICs, filesystems, dm/md, virtio, Hyper-V,
# VMware, Xen, crypto, netfilter), kernel-modules the rest (GPUs, sound,
# media, wireless, Bluetooth, InfiniBand, sensors...), kernel-modules-extra
# rare protocols and filesystems (Fedora's mod-extra.list). build-repo.py
# moves a module's dependencies into the package of the module that needs
# them (core < modules < extra). The kernel meta package requires core and
# modules, as on Fedora.
EXTRA_DIRS = """
net/appletalk net/atm net/ax25 net/batman-adv net/caif net/can net/dccp
net/ieee802154 net/6lowpan net/lapb net/mac802154 net/netrom net/nfc
net/phonet net/rds net/rose net/sctp net/tipc net/x25 net/9p net/llc/
drivers/isdn drivers/atm drivers/staging drivers/comedi drivers/net/hamradio
drivers/net/arcnet drivers/net/fddi drivers/net/wan drivers/net/can
drivers/net/ieee802154 drivers/net/plip drivers/net/slip drivers/net/appletalk
drivers/nfc drivers/parport drivers/pcmcia drivers/net/ethernet/8390/pcnet_cs
fs/affs fs/befs fs/coda fs/cramfs fs/hfs/ fs/hfsplus fs/jfs fs/minix fs/nilfs2
fs/omfs fs/qnx4 fs/qnx6 fs/sysv fs/ufs fs/romfs fs/gfs2 fs/ocfs2 fs/reiserfs
fs/orangefs fs/adfs fs/bfs fs/efs fs/freevxfs fs/hpfs fs/dlm fs/9p
""".split()
MODULES_DIRS = """
drivers/gpu drivers/media drivers/net/wireless drivers/bluetooth
drivers/infiniband drivers/iio drivers/hwmon drivers/mtd drivers/mmc
drivers/input/joystick drivers/input/touchscreen drivers/input/tablet
drivers/input/misc drivers/leds drivers/platform drivers/power drivers/w1
drivers/usb/serial drivers/usb/misc drivers/usb/gadget drivers/usb/typec
drivers/usb/atm drivers/usb/image drivers/net/usb drivers/net/ppp
drivers/net/wwan drivers/misc drivers/video drivers/thunderbolt drivers/i2c
drivers/spi drivers/gpio drivers/pinctrl drivers/regulator drivers/rtc
drivers/watchdog drivers/edac drivers/hid drivers/media drivers/soundwire
drivers/ssb drivers/bcma drivers/memstick drivers/firewire drivers/uwb
drivers/extcon drivers/mux drivers/phy drivers/pwm drivers/siox drivers/slimbus
drivers/fpga drivers/counter drivers/most drivers/greybus drivers/accessibility
drivers/vdpa drivers/target drivers/net/ethernet/8390 sound net/wireless
net/mac80211 net/bluetooth net/rfkill net/mpls net/openvswitch net/sunrpc/xprtrdma
""".split()
# Keyboards and the HID core an initramfs needs for a passphrase prompt.
CORE_NAMES = {"hid.ko", "hid-generic.ko", "usbhid.ko", "hid-hyperv.ko",
              "hyperv-keyboard.ko", "i2c-core.ko", "i2c-piix4.ko", "i2c-algo-bit.ko"}


def module_part(rel):
    """'core', 'modules' or 'extra' for a module path under kernel/."""
    base = os.path.basename(rel)
    if any(rel.startswith(d if d.endswith("/") else d + "/") for d in EXTRA_DIRS):
        return "extra"
    if base in CORE_NAMES:
        return "core"
    if any(rel.startswith(d if d.endswith("/") else d + "/") for d in MODULES_DIRS):
        return "modules"
    return "core"


KERNEL_ENTRIES = [
    dict(name="kernel", version="@KVERSION@", real=True,
         summary="The Linux kernel (meta package: kernel-core, kernel-modules-core, kernel-modules)",
         requires=["kernel-core = @EVR@", "kernel-modules-core = @EVR@",
                   "kernel-modules = @EVR@"], provides=[], payload=[]),
    dict(name="kernel-modules-core", version="@KVERSION@", real=True,
         summary="Kernel modules a server boots with: storage controllers, NICs, "
                 "filesystems, dm/md, virtio, Hyper-V, VMware, Xen (.ko.xz, signed); depmod data",
         requires=["kernel-core = @EVR@"],
         provides=["installonlypkg(kernel-module)"],
         payload=[("module-tree", "core")]),
    dict(name="kernel-modules", version="@KVERSION@", real=True,
         summary="The other kernel modules: GPUs, sound, media, wireless, Bluetooth, "
                 "InfiniBand, sensors (.ko.xz, signed)",
         requires=["kernel-modules-core = @EVR@"],
         provides=["installonlypkg(kernel-module)"],
         payload=[("module-tree", "modules")]),
    dict(name="kernel-modules-extra", version="@KVERSION@", real=True,
         summary="Kernel modules for rare protocols and filesystems (Fedora's "
                 "kernel-modules-extra: SCTP, TIPC, CAN, ISDN, HFS, JFS, ...)",
         requires=["kernel-modules = @EVR@"],
         provides=["installonlypkg(kernel-module)"],
         payload=[("module-tree", "extra")]),
]

# Firmware from Debian 12's main (firmware-linux-free) and non-free-firmware
# components, split the way Fedora splits linux-firmware: the GPU and
# MediaTek Wi-Fi/Bluetooth blobs are packages of their own.
FW_DEBS = ["firmware-linux-free", "firmware-realtek", "firmware-bnx2",
           "firmware-bnx2x", "firmware-misc-nonfree"]
FW_SPLIT = [("intel-gpu-firmware", "Intel GPU firmware (i915)", ["i915/"]),
            ("nvidia-gpu-firmware", "NVIDIA GPU firmware (nouveau)", ["nvidia/"]),
            ("mt7xxx-firmware", "MediaTek Wi-Fi and Bluetooth firmware",
             ["mediatek/", "mt7"])]
FIRMWARE_ENTRIES = [
    dict(name="linux-firmware", version="20230210", arch="noarch", real=True,
         summary="Firmware for NICs and storage controllers (Realtek, Broadcom "
                 "bnx2/bnx2x/tg3, Intel ice, Chelsio, QLogic, ...) from Debian 12's "
                 "firmware packages",
         requires=[], provides=[],
         payload=[("firmware", FW_DEBS, None, sum((p for _, _, p in FW_SPLIT), []))]),
] + [dict(name=n, version="20230210", arch="noarch", real=True, summary=s,
          requires=[], provides=[],
          payload=[("firmware", ["firmware-misc-nonfree"], p, [])])
     for n, s, p in FW_SPLIT]

PRESET_TYPES = (".service", ".socket", ".timer", ".path")


def _by_name(name):
    for p in demo.PACKAGES:
        if p["name"] == name:
            return p
    raise SystemExit("real-repo: packages.py has no %s" % name)


def _host_lib_debs(builder):
    """Debian packages holding the libraries of the host binaries that the
    reused entries carry (GRUB's tools): they must be in the closure."""
    mod = sys.modules[type(builder).__module__]
    bins = []
    for t in mod.GRUB_TOOLS:
        for d in ("/usr/sbin/", "/usr/bin/"):
            if os.path.exists(d + t):
                bins.append(d + t)
                break
    libs = set()
    for b in bins:
        for name in builder.libs_for(b):
            libs.add(name)
    out = set()
    # One dpkg -S for all of them (each call reads every file list).
    r = debs.subprocess.run(["dpkg", "-S"] + ["*/x86_64-linux-gnu/" + lib for lib in sorted(libs)],
                            capture_output=True, text=True)
    for line in r.stdout.splitlines():
        out.add(line.split(":")[0])
    return out


def _needed(root, paths):
    """The soname Requires (rpm's spelling) of the ELF files PATHS under
    ROOT, minus what ROOT ships itself."""
    own = {os.path.basename(p) for p in paths}
    out = set()
    for p in paths:
        r = debs.subprocess.run(["readelf", "-d", root + p], capture_output=True, text=True)
        for m in debs.re.finditer(r"\(NEEDED\)\s+Shared library: \[([^]]+)\]", r.stdout):
            if m.group(1) not in own:
                out.add("%s()(64bit)" % m.group(1))
    return sorted(out)


def _scripts(name, root, files, post_requires):
    """Fedora-style scriptlets from what the package ships."""
    sysusers = sorted(f for f in files if f.startswith("/usr/lib/sysusers.d/") and f.endswith(".conf"))
    tmpfiles = sorted(f for f in files if f.startswith("/usr/lib/tmpfiles.d/") and f.endswith(".conf"))
    units = sorted(os.path.basename(f) for f in files
                   if os.path.dirname(f) == "/usr/lib/systemd/system"
                   and f.endswith(PRESET_TYPES))
    post, preun = [], []
    if sysusers:
        post.append("systemd-sysusers %s || :" % " ".join(sysusers))
    if tmpfiles:
        post.append("systemd-tmpfiles --create %s >/dev/null 2>&1 || :" % " ".join(tmpfiles))
    if units:
        post.append("if [ $1 -eq 1 ]; then\n\tsystemctl --no-reload preset %s >/dev/null 2>&1 || :\nfi"
                    % " ".join(units))
        preun.append("if [ $1 -eq 0 ]; then\n\tsystemctl --no-reload disable --now %s >/dev/null 2>&1 || :\nfi"
                     % " ".join(units))
    scripts = {}
    if post:
        scripts["post"] = "\n".join(post) + "\n"
        if name != "systemd":
            post_requires = post_requires + ["systemd"]
        else:
            # systemd's own %post runs its sysusers, tmpfiles and systemctl:
            # the libraries they load must be there first, also when rpm
            # breaks a dependency loop (systemd <-> pam, ...).
            post_requires = post_requires + _needed(root, [
                "/usr/bin/systemd-sysusers", "/usr/bin/systemd-tmpfiles",
                "/usr/bin/systemctl"] + [
                f for f in files if "/libsystemd-shared-" in f and f.endswith(".so")])
    if preun:
        scripts["preun"] = "\n".join(preun) + "\n"
    return scripts, post_requires


# The modules Debian's selinux-policy-default postinst leaves disabled.
POLICY_DISABLED = ("amtu bugzilla cobbler condor cyphesis git ksmtuned likewise livecd "
                   "nessus numad oddjob openca soundserver thunderbird updfstab usernetctl").split()
# What Debian's semodule needs to run: the packages merged into a root.
POLICY_TOOLS = ["glibc", "bash", "coreutils", "ncurses-libs", "libselinux",
                "libsepol", "libsemanage", "policycoreutils", "libselinux-utils",
                "bzip2-libs", "pcre2", "audit-libs", "libcap-ng", "grep", "sed"]


def _build_policy(builder, name, log):
    """What Debian's selinux-policy-default postinst does (semodule -X 100 -n
    -i every module -d the disabled ones), run at build time with Debian's own
    semodule in a root merged from the staged packages, so that the package
    ships the module store /var/lib/selinux/targeted and the binary policy
    /etc/selinux/targeted/policy/policy.33 with contexts/files/file_contexts
    (.bin) that the installer's setfiles pass labels with."""
    import shutil
    import subprocess
    t0 = debs.time.time()
    root = os.path.join(builder.work, "policy-root")
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, "usr"))
    # filesystem's merged-/usr links (its package is staged later).
    for link, target in (("bin", "usr/bin"), ("sbin", "usr/bin"), ("lib", "usr/lib"),
                         ("lib64", "usr/lib64"), ("usr/sbin", "bin")):
        os.symlink(target, os.path.join(root, link))
    for p in POLICY_TOOLS + ["selinux-policy", name]:
        src = os.path.join(builder.stage, p) + "/."
        if not os.path.isdir(src):
            continue
        # The policy's own trees are copied: semodule writes in them, and
        # the staged files are hard links into the unpacked .debs.
        subprocess.run(["cp", "-a" if p in ("selinux-policy", name) else "-al", src, root],
                       check=True)
    for d in ("tmp", "var/lib/selinux"):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    shutil.copy(os.path.join(HERE, "files", FILES + "selinux/azl-local.cil"),
                os.path.join(root, "tmp/azl-local.cil"))
    # setup's passwd, group and login.defs: semodule's genhomedircon writes
    # the home directory contexts of the users it finds, root's /root
    # among them (without it /root was default_t and sshd was refused a
    # search of it).
    os.makedirs(os.path.join(root, "etc"), exist_ok=True)
    for f in ("passwd", "group", "login.defs"):
        dest = os.path.join(root, "etc", f)
        if os.path.lexists(dest):
            os.unlink(dest)  # perhaps a hard link into the staged packages
        shutil.copy(os.path.join(HERE, "files", "setup", f), dest)
    script = ('set -e; set --; for m in $(cat /usr/share/selinux/targeted/.modules); do '
              'set -- "$@" -i /usr/share/selinux/targeted/$m.pp.bz2; done; '
              'set -- "$@" -i /tmp/azl-local.cil; '
              'for m in %s; do set -- "$@" -d $m; done; '
              'semodule -X 100 -n -s targeted "$@"' % " ".join(POLICY_DISABLED))
    cmd = ["chroot", root, "/usr/bin/bash", "-c", script]
    if os.geteuid() != 0:
        cmd = ["unshare", "-r"] + cmd
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    out = [ln for ln in r.stdout.splitlines() if "not in password file" not in ln]
    if r.returncode != 0:
        raise SystemExit("real-repo: semodule could not build the policy 'targeted':\n"
                         + "\n".join(out))
    built = os.path.join(root, "etc/selinux/targeted")
    for f in ("policy/policy.33", "contexts/files/file_contexts",
              "contexts/files/file_contexts.bin"):
        if not os.path.isfile(os.path.join(built, f)):
            raise SystemExit("real-repo: semodule wrote no '/etc/selinux/targeted/%s'" % f)
    dest = os.path.join(builder.stage, name)
    for top in ("etc/selinux/targeted", "var/lib/selinux/targeted"):
        shutil.rmtree(os.path.join(dest, top), ignore_errors=True)
        shutil.copytree(os.path.join(root, top), os.path.join(dest, top), symlinks=True)
    for lock in ("semanage.read.LOCK", "semanage.trans.LOCK"):
        f = os.path.join(dest, "var/lib/selinux/targeted", lock)
        if os.path.exists(f):
            os.unlink(f)
    shutil.rmtree(root)
    log("built the SELinux policy 'targeted' (policy.33, file_contexts.bin) in %.1fs"
        % (debs.time.time() - t0))


def expand(builder):
    """The package list for build-repo.py: resolves, fetches and stages the
    Debian packages into builder.stage, returns the entries."""
    log = lambda m: print("real-repo: " + m, flush=True)  # noqa: E731
    t0 = debs.time.time()
    d = debs.Debs(builder.work, log)
    wanted = set()
    for e in REAL:
        wanted.update(e["debs"])
    wanted |= _host_lib_debs(builder)
    closure = d.resolve(sorted(wanted), ASSUMED)
    got = {n for n, _, _ in closure}
    missing = [w for w in wanted if w not in got]
    if missing:
        raise SystemExit("real-repo: apt did not put %s in the closure" % " ".join(missing))
    fetched = d.fetch(closure)
    log("%d Debian packages in the closure (%d downloaded) in %.1fs"
        % (len(closure), fetched, debs.time.time() - t0))

    entries = [dict(e) for e in REAL]
    rpm_of = {}
    for e in entries:
        for deb in e["debs"]:
            rpm_of[deb] = e["name"]
    auto = {}
    for n, _, _ in closure:
        if n in rpm_of:
            continue
        rpm = LIBNAMES.get(n, n)
        if any(e["name"] == rpm for e in entries):
            next(e for e in entries if e["name"] == rpm)["debs"].append(n)
        elif rpm in auto:
            auto[rpm]["debs"].append(n)
        else:
            auto[rpm] = dict(name=rpm, debs=[n], summary="")
        rpm_of[n] = rpm
    entries += [auto[k] for k in sorted(auto)]
    for e in entries:
        if not e["summary"]:
            e["summary"] = "Debian 12's %s" % ", ".join(e["debs"])

    # Paths our own files take: the table's payloads and the reused
    # entries' (setup's login.defs and default/useradd win over Debian's).
    reserved = {}
    for e in entries + [_by_name(n) for n in REUSED]:
        for r in e.get("payload", []):
            if r[0] in ("file", "text", "symlink"):
                reserved[r[1]] = e["name"]
            elif r[0] == "host":
                reserved[r[2]] = e["name"]
            elif r[0] == "deb":
                reserved[r[3]] = e["name"]
    stager = debs.Stager(builder.stage, os.path.join(builder.work, "conflicts.txt"), reserved)
    with open(os.path.join(builder.work, "composition.txt"), "w") as comp:
        for e in entries:
            os.makedirs(os.path.join(builder.stage, e["name"]), exist_ok=True)
            drop = debs.re.compile("|".join(e["drop"])) if e.get("drop") else None
            for deb in e["debs"]:
                stager.stage_tree(e["name"], deb, d.tree(deb), drop, e.get("rename", ()))
            comp.write("%s: %s\n" % (e["name"], " ".join(
                "%s=%s" % (deb, d.info[deb][0]) for deb in e["debs"])))
    stager.log.close()
    log("unpacked and relocated in %.1fs" % (debs.time.time() - t0))
    for e in entries:
        if e.get("build_policy"):
            _build_policy(builder, e["name"], log)

    pkgs = []
    for e in entries:
        root = os.path.join(builder.stage, e["name"])
        for path, mode in e.get("modes", {}).items():
            f = root + path
            data = open(f, "rb").read()
            os.unlink(f)  # a hard link to the unpacked .deb: break it
            with open(f, "wb") as fh:
                fh.write(data)
            os.chmod(f, mode)
        files = set(e.get("config", []))
        for top, dnames, fnames in os.walk(root):
            for f in fnames + [x for x in dnames if os.path.islink(os.path.join(top, x))]:
                files.add("/" + os.path.relpath(os.path.join(top, f), root))
        payload = list(e.get("payload", []))
        files |= {r[1] for r in payload if r[0] in ("file", "text", "symlink")}
        config = sorted(f for f in files if f.startswith("/etc/")
                        and not os.path.islink(root + f))
        vdeb = e["debs"][0] if e["debs"] else e.get("version_from")
        version = debs.rpm_version(d.info[vdeb][0]) if vdeb else "4.0"
        scripts, preq = _scripts(e["name"], root, files, e.get("post_requires", []))
        scripts.update(e.get("scripts", {}))
        if e.get("post"):
            with open(os.path.join(HERE, "files", FILES + e["post"])) as f:
                scripts["post"] = scripts.get("post", "") + f.read()
        pkgs.append(dict(name=e["name"], version=version, real=True,
                         summary=e["summary"], requires=e.get("requires", []),
                         requires_post=preq, provides=e.get("provides", []),
                         config=config, payload=payload, autoreqprov=True,
                         scripts=scripts, debs=e["debs"]))
    for p in pkgs:
        if p["name"] == "openssh":
            p["version"] = debs.rpm_version(d.info["openssh-client"][0])
        if p["name"] == "selinux-policy":
            p["version"] = debs.rpm_version(d.info["selinux-policy-default"][0])

    rel = _by_name("azurelinux-release")
    pkgs.append(dict(rel, payload=rel["payload"] + [
        own("/usr/lib/systemd/system-preset/90-default.preset", "release/90-default.preset"),
        own("/usr/lib/systemd/system-preset/99-default-disable.preset",
            "release/99-default-disable.preset")]))
    for name in REUSED:
        p = _by_name(name)
        if any(r[0] in ("elf", "grub-tools") for r in p["payload"]):
            # Host binaries: their libraries come from the Debian
            # packages above, found by rpmbuild's soname dependencies.
            p = dict(p, requires=[r for r in p["requires"]
                                  if r not in ("azl-demo-libs", "glibc")],
                     autoreqprov=True)
        pkgs.append(p)
    pkgs += [dict(e) for e in KERNEL_ENTRIES + FIRMWARE_ENTRIES]
    return pkgs
