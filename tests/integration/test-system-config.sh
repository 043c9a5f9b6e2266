#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The configure and post phases (docs/system.md) through the real binary:
# `install --root T` with the demo repository's real RPMs, then everything
# read back from T: accounts (yescrypt and kept hashes, groups created,
# homes from /etc/skel, SSH keys, file modes), identity, NetworkManager
# keyfiles (static + MAC-matched DHCP, bond, VLAN), enable links, SELinux,
# scripts in and outside the chroot, the finish files. A second run with
# --start-at configure into a tree that has networkd instead of
# NetworkManager checks the .network/.netdev files.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}" "${AZL_BUILD_DIR:?}"
repo=$AZL_BUILD_DIR/demo-repo
# Incremental: rebuilt only when iso/demo-repo changed.
cmake --build "$AZL_BUILD_DIR" --target demo-repo >/dev/null

tmp=$(mktemp -d /tmp/test-system-config.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
T=$tmp/root

cat >"$tmp/a.yaml" <<'YAML'
version: 1
hostname: node01.example.com
timezone: Europe/Berlin
locale: de_DE.UTF-8
keyboard: de-nodeadkeys
network:
  interfaces:
    - name: eth1
      addresses: [192.0.2.10/24, "2001:db8::10/64"]
      gateway4: 192.0.2.1
      dns: [192.0.2.53]
    - match: {mac: "52:54:00:12:34:56"}
      dhcp4: true
    - name: bond0
      bond: {interfaces: [eno1, eno2], mode: 802.3ad, options: [miimon=100]}
    - name: bond0.100
      vlan: {id: 100, link: bond0}
      dhcp4: true
accounts:
  root: {password: "root-secret-1"}
  users:
    - name: admin
      password: "admin-secret-2"
      groups: [wheel, devs]
      ssh_authorized_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE admin@example"]
    - name: ops
      uid: 2001
      shell: /bin/sh
      password_hash: "$6$saltsalt$2Oa3pm1uJBQ7JrNCZkfsfJhyuP5bTyd27ZBGvcWFKe7o2zGmcHTd.P8Jq2LAv6yPKQN6ZxW6p6jk3SnhfgiY0."
services: {enable: [sshd, chronyd, no-such-unit], disable: [NetworkManager]}
selinux: permissive
packages:
  install: ["@core"]
scripts:
  post:
    - {chroot: true, interpreter: /bin/sh, run: "echo in-chroot > /root/post.txt; id -u admin >> /root/post.txt; test -e /proc/self"}
    - {chroot: false, run: "echo outside > \"$AZL_TARGET/root/outside.txt\""}
    - {run: "exit 3", ignore_errors: true}
    # kickstart %post --log: stdout and stderr into the file, in the target
    # for a chroot script, Anaconda's /mnt/sysimage mapped to the target for
    # a --nochroot one; a symlink planted there is not followed.
    - {chroot: true, log: /root/ks/post.log, run: "echo chroot-out; echo chroot-err >&2"}
    - {chroot: false, log: /mnt/sysimage/root/nochroot.log, run: "echo nochroot-out"}
    - {chroot: true, log: /root/planted.log, run: "echo planted-out"}
YAML
echo host-file >"$tmp/host-file"
mkdir -p "$T/root"
ln -sf "$tmp/host-file" "$T/root/planted.log"

# /etc/skel comes from the target; the demo has none, so a pre-made one
# in T (packages do not remove it) shows the copy.
mkdir -p "$T/etc/skel/.config"
echo "# skel" >"$T/etc/skel/.profile"
echo "x" >"$T/etc/skel/.config/x"

"$AZL_BIN" install --root "$T" --answers "$tmp/a.yaml" --repo "$repo" \
	--log "$tmp/install.log" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "install --root failed"; }
ok "install --root with the demo repository"

# --- accounts -----------------------------------------------------------
mode() { stat -c '%a %u:%g' "$1"; }
[ "$(mode "$T/etc/passwd")" = "644 0:0" ] || fail "passwd mode $(mode "$T/etc/passwd")"
[ "$(mode "$T/etc/shadow")" = "0 0:0" ] || fail "shadow mode $(mode "$T/etc/shadow")"
[ "$(mode "$T/etc/group")" = "644 0:0" ] || fail "group mode"
[ "$(mode "$T/etc/gshadow")" = "0 0:0" ] || fail "gshadow mode"
ok "passwd 0644, shadow 0000, group 0644, gshadow 0000"

grep -q '^admin:x:1000:1000::/home/admin:/bin/bash$' "$T/etc/passwd" || fail "admin entry: $(grep admin "$T/etc/passwd")"
grep -q '^ops:x:2001:2001::/home/ops:/bin/sh$' "$T/etc/passwd" || fail "ops entry"
grep -q '^wheel:x:10:admin$' "$T/etc/group" || fail "admin not in wheel"
grep -q '^devs:x:[0-9]*:admin$' "$T/etc/group" || fail "group devs not created"
grep -q '^devs:!::admin$' "$T/etc/gshadow" || fail "devs not in gshadow"
grep -q '^ops:\$6\$saltsalt\$2Oa3pm' "$T/etc/shadow" || fail "given \$6\$ hash not kept"
ok "users, uid, groups (wheel joined, devs created), shell"

# The yescrypt hashes verify with libxcrypt (python's crypt module uses it).
for pair in root:root-secret-1 admin:admin-secret-2; do
	u=${pair%%:*} pw=${pair#*:}
	h=$(awk -F: -v u="$u" '$1 == u {print $2}' "$T/etc/shadow")
	case $h in '$y$'*) ;; *) fail "$u: not a yescrypt hash: ${h:0:4}" ;; esac
	python3 -W ignore -c 'import crypt,sys; sys.exit(crypt.crypt(sys.argv[1], sys.argv[2]) != sys.argv[2])' "$pw" "$h" ||
		fail "$u: the hash does not verify the password"
done
ok "plaintext passwords stored as yescrypt (\$y\$) and verifying"
grep -rq 'admin-secret-2\|root-secret-1' "$T/etc" "$T/root" "$T/var/log/azl-installer" && fail "a plaintext password reached the target"
grep -q 'secret' "$tmp/install.log" && fail "a password reached the log"

[ "$(mode "$T/home/admin")" = "700 1000:1000" ] || fail "home mode $(mode "$T/home/admin")"
[ "$(mode "$T/home/admin/.profile")" = "644 1000:1000" ] || fail "skel file not copied with owner"
[ "$(mode "$T/home/admin/.config/x")" = "644 1000:1000" ] || fail "skel subdir not copied"
[ "$(mode "$T/home/admin/.ssh")" = "700 1000:1000" ] || fail ".ssh mode"
[ "$(mode "$T/home/admin/.ssh/authorized_keys")" = "600 1000:1000" ] || fail "authorized_keys mode"
grep -qx 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIE admin@example' "$T/home/admin/.ssh/authorized_keys" || fail "key"
[ "$(mode "$T/home/ops")" = "700 2001:2001" ] || fail "ops home"
ok "homes from /etc/skel, owned; ~/.ssh 0700, authorized_keys 0600"

# --- identity -------------------------------------------------------------
[ "$(cat "$T/etc/hostname")" = node01.example.com ] || fail hostname
grep -q '^127.0.1.1 *node01.example.com node01$' "$T/etc/hosts" || fail hosts
grep -q '^127.0.0.1 .*localhost' "$T/etc/hosts" || fail "hosts lost localhost"
[ "$(readlink "$T/etc/localtime")" = ../usr/share/zoneinfo/Europe/Berlin ] || fail localtime
[ -f "$T/usr/share/zoneinfo/Europe/Berlin" ] || fail "no tzdata"
[ "$(cat "$T/etc/locale.conf")" = LANG=de_DE.UTF-8 ] || fail locale.conf
[ "$(cat "$T/etc/vconsole.conf")" = KEYMAP=de-nodeadkeys ] || fail vconsole.conf
# machine-id(5): "uninitialized" is the first boot; an empty file is not.
[ "$(cat "$T/etc/machine-id")" = uninitialized ] || fail "machine-id is not 'uninitialized'"
grep -qx 'SELINUX=permissive' "$T/etc/selinux/config" || fail selinux
grep -qx 'SELINUXTYPE=targeted' "$T/etc/selinux/config" || fail "SELINUXTYPE lost"
[ -f "$T/.autorelabel" ] || fail "no /.autorelabel"
ok "hostname, hosts, localtime, locale, vconsole, machine-id, SELinux"

# --- network (NetworkManager keyfiles written by libnm) -------------------
nmdir=$T/etc/NetworkManager/system-connections
for f in eth1 ethernet-525400123456 bond0 bond0-port-eno1 bond0-port-eno2 bond0.100; do
	[ "$(stat -c %a "$nmdir/$f.nmconnection")" = 600 ] || fail "$f.nmconnection missing or not 0600"
done
kv() { python3 - "$1" "$2" "$3" <<'PY'
import configparser, sys
c = configparser.ConfigParser(interpolation=None); c.read(sys.argv[1])
print(c.get(sys.argv[2], sys.argv[3], fallback=""))
PY
}
f=$nmdir/eth1.nmconnection
[ "$(kv "$f" connection interface-name)" = eth1 ] || fail "eth1 name"
[ "$(kv "$f" ipv4 method)" = manual ] || fail "eth1 ipv4 method"
[ "$(kv "$f" ipv4 address1)" = 192.0.2.10/24,192.0.2.1 ] || fail "eth1 address"
[ "$(kv "$f" ipv4 dns)" = "192.0.2.53;" ] || fail "eth1 dns"
[ "$(kv "$f" ipv6 address1)" = 2001:db8::10/64 ] || fail "eth1 v6"
f=$nmdir/ethernet-525400123456.nmconnection
[ "$(kv "$f" ethernet mac-address)" = 52:54:00:12:34:56 ] || fail "mac match"
[ "$(kv "$f" ipv4 method)" = auto ] || fail "mac dhcp"
[ -z "$(kv "$f" connection interface-name)" ] || fail "mac-matched profile has a name"
f=$nmdir/bond0.nmconnection
[ "$(kv "$f" bond mode)" = 802.3ad ] && [ "$(kv "$f" bond miimon)" = 100 ] || fail "bond options"
[ "$(kv "$nmdir/bond0-port-eno1.nmconnection" connection master)" = bond0 ] || fail "bond port"
f=$nmdir/bond0.100.nmconnection
[ "$(kv "$f" vlan id)" = 100 ] && [ "$(kv "$f" vlan parent)" = bond0 ] || fail "vlan"
ok "keyfiles: static v4/v6 + DNS, MAC-matched DHCP, bond with options, VLAN"

# --- services -------------------------------------------------------------
[ "$(readlink "$T/etc/systemd/system/multi-user.target.wants/sshd.service")" = /usr/lib/systemd/system/sshd.service ] || fail "sshd not enabled"
[ -L "$T/etc/systemd/system/multi-user.target.wants/chronyd.service" ] || fail "chronyd not enabled"
grep -q "warning.*'no-such-unit.service'" "$tmp/install.log" || fail "unknown unit not named in a warning"
ok "enable links from [Install]; unknown unit warned by name"

# --- scripts and finish -----------------------------------------------------
[ "$(cat "$T/root/post.txt")" = "in-chroot
1000" ] || fail "post script in the chroot: $(cat "$T/root/post.txt")"
[ "$(cat "$T/root/outside.txt")" = outside ] || fail "post script outside"
grep -q "exited with status 3" "$tmp/install.log" || fail "failing script not logged"
[ "$(cat "$T/root/ks/post.log")" = "chroot-out
chroot-err" ] || fail "post --log in the chroot: $(cat "$T/root/ks/post.log" 2>&1)"
[ "$(stat -c %a "$T/root/ks/post.log")" = 600 ] || fail "post --log mode"
[ "$(cat "$T/root/nochroot.log")" = nochroot-out ] || fail "post --nochroot --log=/mnt/sysimage/...: $(cat "$T/root/nochroot.log" 2>&1)"
[ "$(cat "$tmp/host-file")" = host-file ] || fail "a post --log followed a symlink planted in the target"
grep -q "cannot open its log '/root/planted.log'" "$tmp/install.log" || fail "a refused --log is not warned"
ok "post --log: output in the target's file (0600), /mnt/sysimage mapped, planted symlink not followed"
ok "post scripts in the chroot and outside; ignore_errors"
[ "$(stat -c %a "$T/root/azl-installer-answers.yaml")" = 600 ] || fail "answers mode"
grep -q 'password_hash: "\$y\$' "$T/root/azl-installer-answers.yaml" || fail "answers without hashes"
"$AZL_BIN" validate "$T/root/azl-installer-answers.yaml" || fail "written answer file does not validate"
grep -q "Creating accounts" "$T/var/log/azl-installer/install.log" || fail "log not copied"
ok "answer file (0600, hashes) and log in the target"

# --- a failing post script fails the install; error scripts run ----------
cat >"$tmp/f.yaml" <<'YAML'
version: 1
scripts:
  post: [{chroot: true, run: "exit 7"}]
  error: [{run: "touch \"$AZL_TARGET\"/../error-ran 2>/dev/null; touch /tmp/azl-error-script-ran.$PPID"}]
YAML
set +e
"$AZL_BIN" install --root "$T" --start-at configure --answers "$tmp/f.yaml" >"$tmp/out2" 2>&1
rc=$?
set -e
[ "$rc" = 3 ] || { cat "$tmp/out2"; fail "failing post script: exit $rc, not 3"; }
grep -q "step 'post'" "$tmp/out2" || fail "failure not reported in post"
ls /tmp/azl-error-script-ran.* >/dev/null 2>&1 || fail "error script did not run"
rm -f /tmp/azl-error-script-ran.*
ok "a failing post script fails the install (exit 3); error scripts run"

# --- systemd-networkd instead of NetworkManager ---------------------------
rm -f "$T/usr/lib/systemd/system/NetworkManager.service"
rm -rf "$T/etc/NetworkManager"
touch "$T/usr/lib/systemd/system/systemd-networkd.service"
"$AZL_BIN" install --root "$T" --start-at configure --answers "$tmp/a.yaml" >"$tmp/out3" 2>&1 || { cat "$tmp/out3"; fail "networkd run"; }
nd=$T/etc/systemd/network
grep -qx 'Name=eth1' "$nd/10-azl-eth1.network" && grep -qx 'Address=192.0.2.10/24' "$nd/10-azl-eth1.network" &&
	grep -qx 'Gateway=192.0.2.1' "$nd/10-azl-eth1.network" && grep -qx 'DNS=192.0.2.53' "$nd/10-azl-eth1.network" || fail "eth1.network"
grep -qx 'MACAddress=52:54:00:12:34:56' "$nd/10-azl-ethernet-525400123456.network" &&
	grep -qx 'DHCP=ipv4' "$nd/10-azl-ethernet-525400123456.network" || fail "mac .network"
grep -qx 'Kind=bond' "$nd/10-azl-bond0.netdev" && grep -qx 'MIIMonitorSec=100ms' "$nd/10-azl-bond0.netdev" || fail "bond netdev"
grep -qx 'Bond=bond0' "$nd/10-azl-eno1.network" || fail "bond port .network"
grep -qx 'Id=100' "$nd/10-azl-bond0.100.netdev" && grep -qx 'VLAN=bond0.100' "$nd/10-azl-bond0.network" || fail "vlan netdev"
[ ! -e "$T/etc/NetworkManager/system-connections" ] || fail "keyfiles written without NetworkManager"
ok "systemd-networkd .network/.netdev when the target has networkd"
echo "all system configuration checks passed"
