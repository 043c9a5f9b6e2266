#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# ntp, accounts.root.allow_ssh and network match: {link|bootif}
# (docs/system.md) through the real binary: `install --root T` with the
# demo repository's real RPMs, then read back from T: chrony.conf, the
# sshd drop-in and its mode, NetworkManager keyfiles with the resolved
# MACs, the answer file that keeps link/bootif. Further runs with
# --start-at configure: systemd-networkd with another link winner, ntp
# enabled: false (chronyd's links gone, a preset that keeps it off), a
# target with systemd-timesyncd instead of chrony and without /etc/ssh,
# and the errors when no interface has a link or BOOTIF= is missing.
#
# BOOTIF comes from a fake command line (AZL_PROC_CMDLINE). The carriers
# are real: two veth pairs made here, whose carrier, address and type
# files stand in, through symlinks in a sysfs-shaped directory
# (AZL_SYSFS_NET), for two "physical" interfaces (veths themselves are
# virtual and never the link interface; one is in the directory as it is
# to show that). Bringing a peer up or down changes the kernel's carrier.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}" "${AZL_BUILD_DIR:?}"
command -v ip >/dev/null || { echo "no ip(8): skipped"; exit 77; }
repo=$AZL_BUILD_DIR/demo-repo
cmake --build "$AZL_BUILD_DIR" --target demo-repo >/dev/null

tmp=$(mktemp -d /tmp/test-system-extras.XXXXXX)
# Short, unique interface names (at most 15 characters).
p=azx$$
cleanup() {
	ip link del "${p}a" 2>/dev/null || true
	ip link del "${p}c" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
T=$tmp/root

# --- real carriers --------------------------------------------------------
ip link add "${p}a" type veth peer name "${p}b" || { echo "no veth: skipped"; exit 77; }
ip link add "${p}c" type veth peer name "${p}d"
for i in a b c; do ip link set "$p$i" up; done # d stays down: c has no carrier
carrier() { cat "/sys/class/net/$1/carrier" 2>/dev/null || echo 0; }
wait_carrier() { # the kernel sets it asynchronously; no timing is asserted
	for _ in $(seq 100); do [ "$(carrier "$1")" = "$2" ] && return 0; sleep 0.1; done
	fail "$1: carrier never became $2"
}
wait_carrier "${p}b" 1
wait_carrier "${p}c" 0
mac_b=$(cat "/sys/class/net/${p}b/address")
mac_c=$(cat "/sys/class/net/${p}c/address")

net=$tmp/sys-class-net
mkdir -p "$net"
ln -s /sys/class/net/lo "$net/lo"
ln -s "/sys/class/net/${p}a" "$net/aa-virtual" # first in name order, carrier 1, virtual
fake_phys() { # NAME VETH
	mkdir "$net/$1"
	ln -s /sys/devices/system "$net/$1/device"
	for f in carrier address type; do ln -s "/sys/class/net/$2/$f" "$net/$1/$f"; done
}
fake_phys eth0 "${p}c" # no carrier yet
fake_phys eth1 "${p}b" # carrier
printf 'BOOT_IMAGE=(hd0)/vmlinuz ro BOOTIF=01-52-54-00-AB-CD-EF console=ttyS0\n' >"$tmp/cmdline"
export AZL_PROC_CMDLINE=$tmp/cmdline AZL_SYSFS_NET=$net

cat >"$tmp/a.yaml" <<'YAML'
version: 1
hostname: extras
ntp: {servers: [ntp1.example.com, 192.0.2.123], pools: [2.fedora.pool.ntp.org], enabled: true}
network:
  interfaces:
    - match: {bootif: true}
      dhcp4: true
    - match: {link: true}
      addresses: [192.0.2.20/24]
      gateway4: 192.0.2.1
accounts:
  root: {password: "root-secret-9", allow_ssh: true}
packages:
  install: ["@core"]
services: {enable: [chronyd]}
YAML

"$AZL_BIN" install --root "$T" --answers "$tmp/a.yaml" --repo "$repo" \
	--log "$tmp/install.log" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "install --root failed"; }
ok "install --root with the demo repository"

# --- ntp: chrony.conf ------------------------------------------------------
c=$T/etc/chrony.conf
[ "$(grep -cE '^[[:space:]]*(server|pool)[[:space:]]' "$c")" = 3 ] || fail "chrony.conf sources: $(cat "$c")"
grep -qx 'server ntp1.example.com iburst' "$c" && grep -qx 'server 192.0.2.123 iburst' "$c" &&
	grep -qx 'pool 2.fedora.pool.ntp.org iburst' "$c" || fail "chrony.conf lacks the answer file's sources: $(cat "$c")"
grep -q 'pool.ntp.org iburst' <(grep -v 2.fedora "$c") && fail "the package's pool line was kept"
for l in 'driftfile /var/lib/chrony/drift' 'makestep 1.0 3' 'rtcsync'; do
	grep -qx "$l" "$c" || fail "chrony.conf lost '$l'"
done
grep -q '^# Placeholder package' "$c" || fail "chrony.conf lost its comment"
[ "$(stat -c '%a %u' "$c")" = "644 0" ] || fail "chrony.conf mode"
ok "chrony.conf: the package's pool replaced by 2 servers + 1 pool, the rest kept"

# --- allow_ssh --------------------------------------------------------------
d=$T/etc/ssh/sshd_config.d/01-permitrootlogin.conf
[ "$(stat -c '%a %u:%g' "$d")" = "600 0:0" ] || fail "drop-in mode: $(stat -c '%a %u:%g' "$d" 2>&1)"
[ "$(grep -v '^#' "$d")" = "PermitRootLogin yes" ] || fail "drop-in text: $(cat "$d")"
# The demo's sshd_config has no Include of sshd_config.d: said so.
grep -q "warning.*sshd_config has no 'Include" "$tmp/install.log" || fail "no warning about the missing Include"
ok "sshd_config.d/01-permitrootlogin.conf: PermitRootLogin yes, 0600 root"

# --- bootif and link as MAC matches (NetworkManager keyfiles) ---------------
nmdir=$T/etc/NetworkManager/system-connections
kv() { python3 - "$1" "$2" "$3" <<'PY'
import configparser, sys
c = configparser.ConfigParser(interpolation=None); c.read(sys.argv[1])
print(c.get(sys.argv[2], sys.argv[3], fallback=""))
PY
}
f=$nmdir/ethernet-525400abcdef.nmconnection
[ "$(stat -c %a "$f")" = 600 ] || fail "bootif keyfile missing: $(ls "$nmdir")"
[ "$(kv "$f" ethernet mac-address | tr A-F a-f)" = 52:54:00:ab:cd:ef ] || fail "bootif MAC: $(cat "$f")"
[ -z "$(kv "$f" connection interface-name)" ] || fail "bootif profile has a name"
[ "$(kv "$f" ipv4 method)" = auto ] || fail "bootif dhcp4"
f=$nmdir/ethernet-${mac_b//:/}.nmconnection
[ -f "$f" ] || fail "link keyfile (eth1 = ${p}b, $mac_b) missing: $(ls "$nmdir")"
[ "$(kv "$f" ethernet mac-address | tr A-F a-f)" = "$mac_b" ] || fail "link MAC"
[ "$(kv "$f" ipv4 address1)" = 192.0.2.20/24,192.0.2.1 ] || fail "link address"
[ "$(ls "$nmdir" | wc -l)" = 2 ] || fail "unexpected keyfiles: $(ls "$nmdir")"
grep -q "match: {link: true} is 'eth1'" "$tmp/install.log" || fail "link choice not logged"
ok "bootif -> 52:54:00:ab:cd:ef, link -> eth1 ($mac_b, the virtual one with a carrier passed over)"

# --- the answer file keeps link and bootif -----------------------------------
a=$T/root/azl-installer-answers.yaml
grep -q 'bootif: true' "$a" && grep -q 'link: true' "$a" || fail "answer file lost link/bootif: $(cat "$a")"
grep -qi 'ab:cd:ef\|'"$mac_b" "$a" && fail "a resolved MAC reached the answer file"
grep -q 'allow_ssh: true' "$a" && grep -q 'ntp1.example.com' "$a" || fail "answer file lost allow_ssh/ntp"
"$AZL_BIN" validate "$a" || fail "written answer file does not validate"
ok "answer file keeps match: {bootif}, {link}, allow_ssh, ntp"

# --- networkd; another link winner; ntp enabled: false ----------------------
ip link set "${p}d" up
wait_carrier "${p}c" 1
[ -L "$T/etc/systemd/system/multi-user.target.wants/chronyd.service" ] || fail "chronyd was not enabled by run 1"
rm -f "$T/usr/lib/systemd/system/NetworkManager.service" "$T/usr/sbin/NetworkManager"
rm -rf "$T/etc/NetworkManager"
touch "$T/usr/lib/systemd/system/systemd-networkd.service"
sed -e 's/enabled: true/enabled: false/' -e '/^services:/d' "$tmp/a.yaml" >"$tmp/b.yaml"
"$AZL_BIN" install --root "$T" --start-at configure --answers "$tmp/b.yaml" \
	--log "$tmp/b.log" >"$tmp/out2" 2>&1 || { cat "$tmp/out2"; fail "networkd run"; }
nd=$T/etc/systemd/network
grep -qx 'MACAddress=52:54:00:ab:cd:ef' "$nd/10-azl-ethernet-525400abcdef.network" &&
	grep -qx 'DHCP=ipv4' "$nd/10-azl-ethernet-525400abcdef.network" || fail "bootif .network"
f=$nd/10-azl-ethernet-${mac_c//:/}.network
grep -qx "MACAddress=$mac_c" "$f" && grep -qx 'Address=192.0.2.20/24' "$f" || fail "link .network (eth0 = ${p}c): $(ls "$nd")"
grep -q '^Name=' "$nd"/10-azl-ethernet-*.network && fail "a MAC-matched .network has a Name="
ok "networkd [Match] MACAddress= for bootif and link (now eth0, $mac_c: its peer came up)"
[ ! -e "$T/etc/systemd/system/multi-user.target.wants/chronyd.service" ] || fail "chronyd still enabled"
grep -qx 'disable chronyd.service' "$T/etc/systemd/system-preset/00-azl-installer.preset" || fail "no preset keeping chronyd off"
ok "ntp enabled: false: chronyd's links removed, 'disable chronyd.service' preset"

# --- timesyncd instead of chrony; no OpenSSH --------------------------------
rm -f "$T/etc/chrony.conf" "$T/usr/lib/systemd/system/chronyd.service"
rm -rf "$T/etc/ssh"
touch "$T/usr/lib/systemd/system/systemd-timesyncd.service"
"$AZL_BIN" install --root "$T" --start-at configure --answers "$tmp/a.yaml" \
	--log "$tmp/c.log" >"$tmp/out3" 2>&1 || { cat "$tmp/out3"; fail "timesyncd run"; }
f=$T/etc/systemd/timesyncd.conf.d/azl-installer.conf
grep -qx '\[Time\]' "$f" && grep -qx 'NTP=ntp1.example.com 192.0.2.123 2.fedora.pool.ntp.org' "$f" || fail "timesyncd drop-in: $(cat "$f" 2>&1)"
grep -q 'warning.*no chrony' "$tmp/c.log" || fail "no warning naming the missing chrony"
[ ! -e "$T/etc/ssh" ] || fail "/etc/ssh created without OpenSSH"
grep -q 'warning.*allow_ssh.*no /etc/ssh' "$tmp/c.log" || fail "no warning for allow_ssh without sshd"
ok "no chrony: timesyncd.conf.d NTP=, a warning; no /etc/ssh: a warning, nothing written"

# --- errors: no link, no BOOTIF= ----------------------------------------------
ip link set "${p}b" down
ip link set "${p}d" down
wait_carrier "${p}a" 0 # the virtual one loses its carrier too: nothing qualifies
set +e
"$AZL_BIN" install --root "$T" --start-at configure --answers "$tmp/a.yaml" >"$tmp/out4" 2>&1
rc=$?
set -e
[ "$rc" != 0 ] || fail "no interface with a link, yet the install succeeded"
grep -q "match: {link: true}: no ethernet interface of this machine has a link" "$tmp/out4" ||
	fail "no clear error: $(cat "$tmp/out4")"
grep -q "'aa-virtual' (virtual), 'eth0' (no carrier), 'eth1' (no carrier), 'lo' (loopback)" "$tmp/out4" ||
	fail "the error does not name what was looked at: $(cat "$tmp/out4")"
ok "no interface with a link: exit $rc, the interfaces looked at named"

printf 'ro quiet\n' >"$tmp/cmdline"
sed -i '/match: {link: true}/,+2d' "$tmp/a.yaml"
set +e
"$AZL_BIN" install --root "$T" --start-at configure --answers "$tmp/a.yaml" >"$tmp/out5" 2>&1
rc=$?
set -e
[ "$rc" != 0 ] || fail "no BOOTIF=, yet the install succeeded"
grep -q "has no BOOTIF= parameter" "$tmp/out5" || fail "no clear error: $(cat "$tmp/out5")"
ok "no BOOTIF= on the command line: exit $rc, said so"
echo "all system extras checks passed"
