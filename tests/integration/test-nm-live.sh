#!/bin/bash
# The live network step through libnm (nm_apply_live, what the live
# environment runs before the packages) against a REAL NetworkManager:
# Debian's NetworkManager runs in its own network namespace on a private
# system bus (a dbus-daemon on a socket in a temp dir), with private
# configuration, state and run directories. Two veth pairs lead to a peer
# namespace: azl0 gets a static address from the answer file; the second
# interface is matched by its MAC address and gets its address by DHCP
# from busybox udhcpd in the peer. The test checks the addresses with
# `ip -n`, the active profiles with nmcli on the same bus, that the
# profiles were kept in memory only, that both links really carry
# traffic (ping), and that no NetworkManager on the bus is an error.
set -euo pipefail

if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (network namespaces)"
	exit 77
fi
for t in NetworkManager nmcli dbus-daemon ip busybox; do
	command -v "$t" >/dev/null || {
		echo "SKIP: $t is missing (scripts/deps.sh installs it)"
		exit 77
	}
done
: "${AZL_BUILD_DIR:?}"
HELPER=$AZL_BUILD_DIR/tests/nm-live-apply
[ -x "$HELPER" ] || { echo "FAIL: no $HELPER (build the tests)"; exit 1; }

W=$(mktemp -d /tmp/azl-nm-live.XXXXXX)
NS=azl-nm-$$
PEER=azl-peer-$$
PIDS=
cleanup() {
	local rc=$? p
	for p in $PIDS; do
		kill "$p" 2>/dev/null || :
	done
	wait 2>/dev/null || :
	ip netns del "$NS" 2>/dev/null || :
	ip netns del "$PEER" 2>/dev/null || :
	if [ $rc -ne 0 ]; then
		echo "--- NetworkManager's log (last lines)"
		tail -n 40 "$W/nm.log" 2>/dev/null || :
	fi
	rm -rf "$W"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*"
	exit 1
}

# The namespaces and links. NetworkManager's device is matched by MAC, so
# the MAC is fixed here.
MAC=52:54:00:a2:1c:07
ip netns add "$NS"
ip netns add "$PEER"
ip link add azl0 netns "$NS" type veth peer name peer0 netns "$PEER"
ip link add azl1 netns "$NS" address "$MAC" type veth peer name peer1 netns "$PEER"
ip -n "$PEER" link set lo up
ip -n "$PEER" addr add 192.0.2.1/24 dev peer0
ip -n "$PEER" link set peer0 up
ip -n "$PEER" addr add 198.51.100.1/24 dev peer1
ip -n "$PEER" link set peer1 up

# DHCP for the second link.
cat >"$W/udhcpd.conf" <<EOF
start 198.51.100.50
end 198.51.100.60
interface peer1
lease_file $W/udhcpd.leases
pidfile $W/udhcpd.pid
option subnet 255.255.255.0
option router 198.51.100.1
option lease 600
EOF
touch "$W/udhcpd.leases"
# The peer's network only (nsenter): `ip netns exec` would also copy the
# mount table, keeping any file system another test mounts meanwhile busy
# for as long as udhcpd runs (the e2e pass runs beside this one).
nsenter --net="/run/netns/$PEER" busybox udhcpd -f "$W/udhcpd.conf" >"$W/udhcpd.log" 2>&1 &
PIDS="$PIDS $!"

# A private system bus: root may own and call anything on it.
cat >"$W/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$W/bus.sock</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="root"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOF
dbus-daemon --config-file="$W/bus.conf" --nofork >"$W/dbus.log" 2>&1 &
PIDS="$PIDS $!"
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$W/bus.sock
for _ in $(seq 50); do
	[ -S "$W/bus.sock" ] && break
	sleep 0.1
done
[ -S "$W/bus.sock" ] || fail "the private dbus-daemon did not start: $(cat "$W/dbus.log")"

# NetworkManager: no DNS, hostname or default profiles of its own; root
# is authorized without polkit; profiles on disk only in $W/connections.
mkdir -p "$W/conf.d" "$W/sysconf.d" "$W/connections" "$W/state"
cat >"$W/nm.conf" <<EOF
[main]
plugins=keyfile
dns=none
rc-manager=unmanaged
hostname-mode=none
no-auto-default=*
auth-polkit=false
[keyfile]
path=$W/connections
[logging]
level=INFO
EOF
# Inside `ip netns exec` (its own mount namespace): tmpfs over the run
# and state directories, and a read-only /sys, which tells
# NetworkManager that no udev runs here (it then manages the links
# without waiting for udev to announce them).
# shellcheck disable=SC2016 # $1 is the inner shell's
ip netns exec "$NS" sh -c '
	mkdir -p /run/NetworkManager /var/lib/NetworkManager
	mount -t tmpfs tmpfs /run/NetworkManager
	mount -t tmpfs tmpfs /var/lib/NetworkManager
	mount -o remount,ro /sys
	exec NetworkManager --debug --config="$1/nm.conf" --config-dir="$1/conf.d" \
		--system-config-dir="$1/sysconf.d" --state-file="$1/state/nm.state" \
		--intern-config="$1/state/intern.conf" --pid-file="$1/state/nm.pid"
' sh "$W" >"$W/nm.log" 2>&1 &
NM_PID=$!
PIDS="$PIDS $NM_PID"
ready=
for _ in $(seq 100); do
	if ! kill -0 "$NM_PID" 2>/dev/null; then
		tail -n 20 "$W/nm.log"
		echo "SKIP: NetworkManager cannot start here (log above)"
		exit 77
	fi
	devs=$(nmcli -t -f DEVICE,STATE device 2>/dev/null || :)
	if [[ $devs == *"azl1:disconnected"* ]]; then
		ready=1
		break
	fi
	sleep 0.2
done
[ -n "$ready" ] || fail "NetworkManager does not manage the veth links: $(nmcli device 2>&1)"

cat >"$W/answers.yaml" <<EOF
version: 1
network:
  interfaces:
    - name: azl0
      addresses: [192.0.2.10/24]
      gateway4: 192.0.2.1
      dns: [192.0.2.53]
      activate: true
    - match: {mac: "$MAC"}
      dhcp4: true
      activate: true
EOF
"$HELPER" "$W/answers.yaml" || fail "nm_apply_live failed"

# The kernel's view: the static address and a leased one. (Outputs are
# captured first: grep -q closing a pipe early fails it under pipefail.)
a0=$(ip -n "$NS" -4 -o addr show dev azl0)
a1=$(ip -n "$NS" -4 -o addr show dev azl1)
routes=$(ip -n "$NS" route show default)
[[ $a0 == *"inet 192.0.2.10/24 "* ]] || fail "azl0 has no 192.0.2.10/24: $a0"
[[ $a1 =~ inet\ 198\.51\.100\.(5[0-9]|60)/24 ]] || fail "azl1 got no DHCP lease: $a1"
[[ $routes == *"default via 192.0.2.1 dev azl0 "* ]] ||
	fail "no default route through 192.0.2.1: $routes"

# NetworkManager's view: both profiles active on their devices, held in
# memory (under /run), none written to disk.
active=$(nmcli -t -f NAME,DEVICE,STATE,FILENAME connection show --active)
echo "$active"
grep -q '^azl0:azl0:activated:/run/NetworkManager/' <<<"$active" ||
	fail "profile azl0 is not active in memory"
grep -q '^ethernet-525400a21c07:azl1:activated:/run/NetworkManager/' <<<"$active" ||
	fail "the MAC-matched profile is not active on azl1"
[ "$(nmcli -g ipv4.method connection show azl0)" = manual ] ||
	fail "profile azl0 is not static"
[ "$(nmcli -g ipv4.dns connection show azl0)" = 192.0.2.53 ] ||
	fail "profile azl0 lost its DNS server"
# (-g escapes the colons)
# shellcheck disable=SC1003
[ "$(nmcli -g 802-3-ethernet.mac-address connection show ethernet-525400a21c07 | tr -d '\\')" = "${MAC^^}" ] ||
	fail "the MAC match is not in the profile"
[ -z "$(ls -A "$W/connections")" ] || fail "profiles were written to disk: $(ls "$W/connections")"

# Traffic over both links.
ip netns exec "$NS" busybox ping -c 1 -W 3 192.0.2.1 >/dev/null || fail "no ping over azl0"
ip netns exec "$NS" busybox ping -c 1 -W 3 198.51.100.1 >/dev/null || fail "no ping over azl1"

# No NetworkManager on the bus: the step says so instead of succeeding.
if DBUS_SYSTEM_BUS_ADDRESS=unix:path=$W/none.sock "$HELPER" "$W/answers.yaml" 2>"$W/none.err"; then
	fail "nm_apply_live succeeded without a NetworkManager"
fi
grep -q 'not connected' "$W/none.err" || fail "unexpected error: $(cat "$W/none.err")"
echo "PASS: static and DHCP profiles activated live through libnm"
