#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Hand-run (not in CI): a standalone OpenStack Ironic drives one QEMU node
# through its anaconda deploy with this installer (issue 17, stretch).
#
# Ironic is Debian 12's (ironic-api, ironic-conductor, python3-ironicclient
# and their closure, apt-get download + dpkg -x into
# build/ironic-standalone/root, never installed on the host), run as one
# process (`ironic`: API and conductor, rpc_transport none) with sqlite,
# noauth, the manual-management hardware type with the fake power
# interface (this script powers the QEMU guest on when Ironic has prepared
# the boot) and the noop management interface, the ipxe
# boot interface and the anaconda deploy interface. Everything lives in a
# network namespace with a bridge (10.78.0.1/24): nginx serves Ironic's
# http_root, the image and the live kernel/initramfs; dnsmasq gives the
# node its address and Ironic's boot.ipxe. The node is deployed with a
# tar.zst image (liveimg); Ironic renders its kickstart, the kickstart's
# %pre and %post heartbeat to Ironic's API, and Ironic moves the node to
# `active`. Then the installed disk boots to a login prompt.
#
# Usage: tests/e2e/ironic-standalone.sh (root; AZL_BUILD_DIR=build by
# default; AZL_E2E_NO_BUILD=1 when pxe and demo-repo are current).
set -euo pipefail
: "${AZL_BUILD_DIR:=$(cd "$(dirname "$0")/../.." && pwd)/build}"
: "${AZL_SOURCE_DIR:=$(cd "$(dirname "$0")/../.." && pwd)}"
export AZL_BUILD_DIR AZL_SOURCE_DIR
. "$(dirname "$0")/lib.sh"
e2e_requirements
[ "$(id -u)" = 0 ] || { echo "e2e: a network namespace needs root"; exit 1; }
e2e_workdir ironic-standalone
e2e_build pxe demo-repo azl-installer
# shellcheck disable=SC2034 # read by lib.sh's qemu_start
MEM=${AZL_E2E_MEM:-1024}

# Ironic, unpacked.
IR=$AZL_BUILD_DIR/ironic-standalone
if [ ! -x "$IR/root/usr/bin/ironic" ]; then
	rm -rf "$IR" && mkdir -p "$IR/debs"
	apt-get install -s --no-install-recommends ironic-api ironic-conductor python3-ironicclient 2>/dev/null |
		awk '/^Inst/ {print $2}' >"$IR/pkgs.txt"
	# shellcheck disable=SC2046
	(cd "$IR/debs" && apt-get download -q -o APT::Sandbox::User=root $(cat "$IR/pkgs.txt")) >"$IR/download.log" 2>&1 ||
		{ tail "$IR/download.log"; echo "e2e: cannot download Ironic"; exit 1; }
	for d in "$IR"/debs/*.deb; do dpkg -x "$d" "$IR/root"; done
fi
export PYTHONPATH=$IR/root/usr/lib/python3/dist-packages
PY=/usr/bin/python3

NS=azl-ironic-$$
SRV=10.78.0.1
MAC=52:54:00:1e:0a:01
nsx() { ip netns exec "$NS" "$@"; }
ns_down() {
	local pids
	[ -e "/run/netns/$NS" ] || return 0
	pids=$(ip netns pids "$NS" 2>/dev/null || :)
	# shellcheck disable=SC2086 # everything in the namespace is ours
	[ -z "$pids" ] || kill $pids 2>/dev/null || :
	sleep 1
	pids=$(ip netns pids "$NS" 2>/dev/null || :)
	# shellcheck disable=SC2086
	[ -z "$pids" ] || kill -9 $pids 2>/dev/null || :
	ip netns del "$NS" 2>/dev/null || :
}
trap 'rc=$?; set +e; ns_down; (exit $rc); e2e_cleanup' EXIT
ip netns add "$NS"
nsx ip link set lo up
nsx ip link add br0 type bridge forward_delay 0
nsx ip addr add "$SRV/24" dev br0
nsx ip link set br0 up
nsx ip tuntap add dev tap1 mode tap
nsx ip link set tap1 master br0
nsx ip link set tap1 up
# shellcheck disable=SC2034 # read by lib.sh's qemu_start
QEMU_WRAP=(ip netns exec "$NS")

www=$WORK/www
httproot=$www/ironic
mkdir -p "$www/images" "$httproot" "$WORK/tftp" "$WORK/master" "$WORK/instance"
cp "$AZL_BUILD_DIR/pxe/vmlinuz" "$www/images/vmlinuz"
cp "$AZL_BUILD_DIR/pxe/initrd.img" "$www/images/initrd.img"
# Anaconda's second stage, which Ironic requires for an image that is not
# a repository and copies beside the kickstart: the live initramfs is the
# whole installer and ignores inst.stage2=, so a placeholder will do.
echo "azl-installer needs no stage2" >"$www/images/squashfs.img"

# The image: as in test-pxe-fleet.sh.
img=$WORK/image-root
printf 'version: 1\npackages: {install: ["@minimal", grub2-pc, e2fsprogs, lvm2]}\n' >"$WORK/image.yaml"
AZL_CACHE_DIR=$WORK/image-cache "$AZL_BUILD_DIR/azl-installer" install --root "$img" \
	--repo "$AZL_BUILD_DIR/demo-repo" --answers "$WORK/image.yaml" >"$WORK/image.out" 2>&1 ||
	{ tail -20 "$WORK/image.out"; echo "e2e: the image root could not be installed"; exit 1; }
for f in /usr/bin/curl $(ldd /usr/bin/curl | awk '$2 == "=>" {print $3}'); do
	[ -e "$img$f" ] || cp -L "$f" "$img$f"
done
mkdir -p "$img/etc/systemd/system/getty.target.wants"
ln -sf /usr/lib/systemd/system/serial-getty@.service \
	"$img/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service"
tar --xattrs --xattrs-include='*' --acls --numeric-owner -C "$img" -cf - . | zstd -q -T2 >"$www/images/azl.tar.zst"
sum=$(sha256sum "$www/images/azl.tar.zst" | cut -d' ' -f1)

cat >"$WORK/nginx.conf" <<CONF
user root;
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 128; }
http {
	access_log $WORK/access.log;
	client_body_temp_path $WORK/nginx-body;
	proxy_temp_path $WORK/nginx-proxy;
	fastcgi_temp_path $WORK/nginx-fastcgi;
	uwsgi_temp_path $WORK/nginx-uwsgi;
	scgi_temp_path $WORK/nginx-scgi;
	default_type application/octet-stream;
	server { listen $SRV:8080; root $www; }
}
CONF
nsx nginx -c "$WORK/nginx.conf" </dev/null >"$WORK/nginx.out" 2>&1 &
nsx dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root --port=0 \
	--interface=br0 --bind-interfaces --dhcp-range=10.78.0.100,10.78.0.150,1h \
	--dhcp-host="$MAC,10.78.0.11" --dhcp-userclass=set:ipxe,iPXE \
	--dhcp-boot="tag:ipxe,http://$SRV:8080/ironic/boot.ipxe" --dhcp-boot=undionly.kpxe \
	--log-dhcp --log-facility="$WORK/dnsmasq.log" --dhcp-leasefile="$WORK/leases" \
	</dev/null >"$WORK/dnsmasq.out" 2>&1 &

cat >"$WORK/ironic.conf" <<CONF
[DEFAULT]
auth_strategy = noauth
rpc_transport = none
host = azl-ironic
# manual-management: the fake power interface, and the noop management
# interface, which takes "boot from disk" after the deploy; fake-hardware's
# fake management knows only PXE, and its anaconda deploy ends in "deploy
# failed: Invalid boot device disk specified" after the end heartbeat.
enabled_hardware_types = manual-management
enabled_boot_interfaces = ipxe
enabled_deploy_interfaces = anaconda
enabled_power_interfaces = fake
enabled_management_interfaces = noop
enabled_inspect_interfaces = no-inspect
enabled_network_interfaces = noop
enabled_console_interfaces = no-console
enabled_raid_interfaces = no-raid
enabled_bios_interfaces = no-bios
enabled_vendor_interfaces = no-vendor
enabled_rescue_interfaces = no-rescue
default_deploy_interface = anaconda
default_boot_interface = ipxe
use_stderr = true
log_file = $WORK/ironic.log
debug = true
[api]
host_ip = $SRV
port = 6385
[database]
connection = sqlite:///$WORK/ironic.sqlite
[deploy]
http_url = http://$SRV:8080/ironic
http_root = $httproot
default_boot_option = local
fast_track = false
[conductor]
# Debian 12's 21.4.4-0+deb12u3 refuses file:// URLs outside this list,
# and its own default kickstart template (pybasedir/...) is outside the
# default list: an operator has to name its directory.
file_url_allowed_paths = $PYTHONPATH/ironic/drivers/modules
automated_clean = false
deploy_callback_timeout = 1800
api_url = http://$SRV:6385
sync_power_state_interval = -1
[pxe]
tftp_root = $WORK/tftp
tftp_master_path = $WORK/master
instance_master_path = $WORK/instance
images_path = $WORK/images-cache
kernel_append_params = nofb nomodeset vga=normal console=ttyS0,115200
[dhcp]
dhcp_provider = none
[service_catalog]
endpoint_override = http://$SRV:6385
[json_rpc]
auth_strategy = noauth
[oslo_concurrency]
lock_path = $WORK/locks
CONF
"$PY" "$IR/root/usr/bin/ironic-dbsync" --config-file "$WORK/ironic.conf" create_schema >"$WORK/dbsync.log" 2>&1 ||
	{ tail -30 "$WORK/dbsync.log"; echo "e2e: ironic-dbsync failed"; exit 1; }
nsx "$PY" "$IR/root/usr/bin/ironic" --config-file "$WORK/ironic.conf" </dev/null >"$WORK/ironic.out" 2>&1 &
bm() { nsx "$PY" "$IR/root/usr/bin/baremetal" --os-auth-type none --os-endpoint "http://$SRV:6385" \
	--os-baremetal-api-version latest "$@"; }
for _ in $(seq 120); do
	bm driver list >/dev/null 2>&1 && break
	sleep 1
done
bm driver list || { tail -40 "$WORK/ironic.out"; echo "e2e: Ironic's API does not answer"; exit 1; }

# The node.
# deploy_kernel/deploy_ramdisk (Ironic's own agent ramdisk, for cleaning
# and inspection) are checked by the ipxe boot interface though the
# anaconda deploy never boots them: the live system stands in.
node=$(bm node create --driver manual-management --deploy-interface anaconda --boot-interface ipxe \
	--power-interface fake --management-interface noop \
	--driver-info deploy_kernel="http://$SRV:8080/images/vmlinuz" \
	--driver-info deploy_ramdisk="http://$SRV:8080/images/initrd.img" \
	--name azl-node -f value -c uuid)
bm port create --node "$node" "$MAC" >/dev/null
bm node set "$node" \
	--instance-info image_source="http://$SRV:8080/images/azl.tar.zst" \
	--instance-info image_checksum="$sum" \
	--instance-info image_os_hash_algo=sha256 --instance-info image_os_hash_value="$sum" \
	--instance-info kernel="http://$SRV:8080/images/vmlinuz" \
	--instance-info ramdisk="http://$SRV:8080/images/initrd.img" \
	--instance-info stage2="http://$SRV:8080/images/squashfs.img" \
	--instance-info image_type=partition --instance-info root_gb=4
bm node manage "$node" --wait 120
bm node provide "$node" --wait 120
state() { bm node show "$node" -f value -c provision_state; }
echo "node $node: $(state)"
bm node deploy "$node"
for _ in $(seq 300); do
	s=$(state)
	case "$s" in
	"wait call-back" | "deploy failed" | active) break ;;
	esac
	sleep 1
done
echo "node $node: $s"
[ "$s" = "wait call-back" ] || { bm node show "$node" -f value -c last_error; tail -40 "$WORK/ironic.log"; exit 1; }
ls -R "$httproot" | head -30
# IRONIC_PREPARE_ONLY=1: stop where the node would be powered on.
[ -z "${IRONIC_PREPARE_ONLY:-}" ] || exit 0

# Ironic powered the node on (fake power): this script does it for real.
truncate -s 6G "$WORK/disk.img"
t=$(now)
qemu_start install bios -boot order=n -smbios "type=1,serial=IRONIC-1" \
	-netdev "tap,id=n0,ifname=tap1,script=no,downscript=no" \
	-device "virtio-net-pci,netdev=n0,mac=$MAC" \
	-drive "file=$WORK/disk.img,if=virtio,format=raw"
console install reject 'Kernel panic' reject '"phase":"error"' \
	expect 'installer ready after' 900 mark installer-ready \
	expect '\{"phase":"image"' 900 mark image \
	expect '\{"phase":"finish","percent":100' 900 mark finished \
	eof 300
echo "install: $(since "$t") s"
qemu_wait 120
for _ in $(seq 60); do
	s=$(state)
	[ "$s" = active ] && break
	sleep 1
done
bm node show "$node" -f value -c provision_state -c power_state -c last_error
[ "$s" = active ] || { tail -40 "$WORK/ironic.log"; echo "e2e: the node is $s, not active"; exit 1; }
echo "node $node: active"

t=$(now)
qemu_start boot bios -drive "file=$WORK/disk.img,if=virtio,format=raw" \
	-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0
console boot reject 'Kernel panic' expect 'login: *$' 400 mark login-prompt
echo "installed system to login prompt: $(since "$t") s"
qemu_kill
