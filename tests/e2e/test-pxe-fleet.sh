#!/bin/bash
# A fleet on a real PXE stack: three machines boot from the network at
# once, each installs from its own answer file, reports to a webhook, and
# boots its installed disk to a login.
#
# The stack lives in a network namespace this test creates: a bridge
# (10.77.0.1/24) with three tap devices, Debian's dnsmasq (DHCP with a
# fixed address per MAC, TFTP) and nginx (HTTP) on the bridge, and the
# webhook receiver tests/report-receiver.py. The namespace has no other
# link: no packet leaves it. The guests (QEMU, TCG, one vCPU each: three
# of them share the build machine's two cores) run inside it on the taps.
#
#   guest 1     QEMU's iPXE ROM; dnsmasq answers iPXE with
#               http://10.77.0.1/pxe/boot.ipxe (the pxe target's sample,
#               placeholders filled in, key, fingerprint and webhook added):
#               kernel, initramfs and the answer file
#               http://10.77.0.1/answers/${net0/mac}.yaml over HTTP.
#   guest 2     a node of OpenStack Ironic's anaconda deploy, as far as
#               the files go (Debian 12's python3-ironic, unpacked, never
#               installed; tests/integration/ironic-ks.py): dnsmasq names
#               Ironic's boot.ipxe, which chains its per-MAC
#               pxelinux.cfg/52-54-00-f1-ee-02 (ipxe_config.template
#               rendered and switched to boot_anaconda by Ironic's code):
#               kernel, initramfs, inst.ks= the kickstart Ironic renders
#               from its ks.cfg.template (liveimg of a tar.zst image,
#               with a config drive), unchanged. A heartbeat receiver in
#               the namespace stands for Ironic's API. The first deploy
#               names an image that is not there: the guest sends start
#               then error (never end) with the template's %pre and
#               %onerror curl; then the kickstart is rendered again with
#               the image and the node power-cycled (Ironic's power
#               driver would): start, end (from %post, in the installed
#               system). Its installed disk (LVM: autopart, as is; root
#               locked) boots to the image's serial getty. Then the
#               node's image source is a package repository (Ironic's
#               is_source_a_path: `url --url` and an empty %packages in
#               the kickstart, inst.repo= on the kernel line): a third
#               deploy installs @minimal from it (start, end) and that
#               disk boots to a login prompt too.
#   guest 3     dnsmasq names core.0 (GRUB for BIOS PXE): GRUB and its
#               grub.cfg over TFTP, kernel and initramfs over GRUB's HTTP
#               ((http,10.77.0.1)/pxe/vmlinuz), and a KICKSTART over TFTP
#               ('inst.ks=tftp://10.77.0.1/answers/${mac}.ks', expanded by
#               the live system) in the upstream Azure Linux 4.0 ISO's LVM
#               shape (part /boot, part pv.01 --grow, volgroup, logvol /
#               and swap); its installed disk's initramfs activates the VG.
#
# Guests 1 and 3 get the demo repository over HTTP from azl.repo=, its key
# from azl.repo.gpgkey= pinned by azl.repo.gpgkey.fingerprint=; all three
# report to azl.report= (guest 2: in Ironic's [pxe]kernel_append_params). Checked: each guest's console shows its JSON phases and the
# installed system has the hostname of its own answer file; nginx's log
# shows each guest (by its fixed address) fetched its own answer file and
# no other, dnsmasq's log the same for the TFTP kickstart; the receiver
# holds each machine's whole event sequence, in order, with its MAC and
# SMBIOS serial. Printed, not asserted: the bytes each install took from
# the servers (nginx's access log; TFTP: the sizes of the files dnsmasq
# logged as sent) and the time each step took.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../nginx-conf.sh"
e2e_requirements
for t in ip dnsmasq nginx zstd apt-get dpkg; do
	command -v "$t" >/dev/null || {
		echo "SKIP: $t is missing (scripts/deps.sh installs it)"
		exit 77
	}
done
[ "$(id -u)" = 0 ] || { echo "e2e: a network namespace needs root"; exit 1; }
python3 -c 'import jinja2' 2>/dev/null || {
	echo "SKIP: python3-jinja2 is missing (scripts/deps.sh installs it)"
	exit 77
}
e2e_workdir pxe-fleet
e2e_build pxe demo-repo azl-installer

# Ironic's templates, from Debian's package (kept in the build tree, shared
# with tests/integration/test-ironic-liveimg.sh).
ironic_pkg=$AZL_BUILD_DIR/ironic-pkg
if [ ! -s "$ironic_pkg/root/usr/lib/python3/dist-packages/ironic/drivers/modules/ks.cfg.template" ]; then
	rm -rf "$ironic_pkg" && mkdir -p "$ironic_pkg"
	(cd "$ironic_pkg" && apt-get download -q -o APT::Sandbox::User=root python3-ironic) >"$ironic_pkg/log" 2>&1 || {
		cat "$ironic_pkg/log"
		echo "e2e: cannot download python3-ironic"
		exit 1
	}
	dpkg -x "$ironic_pkg"/python3-ironic_*.deb "$ironic_pkg/root"
	rm -f "$ironic_pkg"/python3-ironic_*.deb
fi
IRONIC_KS=$AZL_SOURCE_DIR/tests/integration/ironic-ks.py

# Three guests on two cores: one vCPU and 1 GiB each (384 MiB installs,
# docs/performance.md).
# shellcheck disable=SC2034 # read by lib.sh's qemu_start
MEM=${AZL_E2E_MEM:-1024}
# shellcheck disable=SC2034
QEMU_SMP=1
NS=azl-fleet-$$
SRV=10.77.0.1
GUESTS="1 2 3"
mac_of() { echo "52:54:00:f1:ee:0$1"; }
ip_of() { echo "10.77.0.1$1"; }

FLEET_PIDS=
fleet_down() {
	local p pids
	for p in $FLEET_PIDS; do
		# the guest's subshell and what it runs now (console.py)
		# shellcheck disable=SC2046
		kill $(ps -o pid= --ppid "$p") "$p" 2>/dev/null || :
	done
	if [ -e "/run/netns/$NS" ]; then
		# Everything in the namespace was started by this test.
		pids=$(ip netns pids "$NS" 2>/dev/null || :)
		# shellcheck disable=SC2086 # one word per process
		[ -z "$pids" ] || kill $pids 2>/dev/null || :
		for _ in $(seq 50); do
			[ -n "$(ip netns pids "$NS" 2>/dev/null || :)" ] || break
			sleep 0.1
		done
		pids=$(ip netns pids "$NS" 2>/dev/null || :)
		# shellcheck disable=SC2086
		[ -z "$pids" ] || kill -9 $pids 2>/dev/null || :
		# Deleting the namespace deletes its bridge and taps.
		ip netns del "$NS" 2>/dev/null || :
	fi
}
# A run that was killed (SIGKILL: no trap ran) left its namespace behind,
# named after its process id: take it down.
for ns in /run/netns/azl-fleet-*; do
	[ -e "$ns" ] || continue
	pid=${ns##*-}
	kill -0 "$pid" 2>/dev/null && continue
	NS=${ns##*/} fleet_down
done
trap 'rc=$?; set +e; fleet_down; (exit $rc); e2e_cleanup' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
# The namespace's network only: `ip netns exec` would also give every
# process a copy of the mount table, and a file system that another test
# (the sanitizer pass runs beside this one) has mounted at that moment
# stays mounted in the copy, its device busy until the process ends.
nsx() { nsenter --net="/run/netns/$NS" "$@"; }

# The network: a bridge and one tap per guest, nothing else.
ip netns add "$NS"
nsx ip link set lo up
nsx ip link add br0 type bridge forward_delay 0
nsx ip addr add "$SRV/24" dev br0
nsx ip link set br0 up
for i in $GUESTS; do
	nsx ip tuntap add dev "tap$i" mode tap
	nsx ip link set "tap$i" master br0
	nsx ip link set "tap$i" up
done
QEMU_WRAP=(nsenter --net="/run/netns/$NS")

# HTTP: the pxe target's files, the repository where the samples look for
# it, the key, the answer files.
www=$WORK/www
tftp=$WORK/tftp
mkdir -p "$www/pxe" "$www/azurelinux/4.0" "$www/answers" "$tftp/grub" "$tftp/answers"
for f in vmlinuz initrd.img; do
	ln "$AZL_BUILD_DIR/pxe/$f" "$www/pxe/$f" 2>/dev/null || cp "$AZL_BUILD_DIR/pxe/$f" "$www/pxe/"
done
cp "$AZL_BUILD_DIR/pxe/core.0" "$tftp/"
ln -s "$AZL_BUILD_DIR/demo-repo" "$www/azurelinux/4.0/x86_64"
key=$www/azurelinux/4.0/RPM-GPG-KEY-azl-demo
cp "$AZL_BUILD_DIR/demo-repo/RPM-GPG-KEY-azl-demo" "$key"
mkdir -p -m 700 "$WORK/gnupg"
fpr=$(GNUPGHOME=$WORK/gnupg gpg --show-keys --with-colons "$key" 2>/dev/null |
	awk -F: '/^fpr/ && !f {print $10; f = 1}')
[ -n "$fpr" ] || { echo "e2e: no fingerprint of the demo key"; exit 1; }
repo_opts="azl.repo.gpgkey=http://$SRV/azurelinux/4.0/RPM-GPG-KEY-azl-demo azl.repo.gpgkey.fingerprint=$fpr"

# The webhook receiver, on the bridge.
mkdir -p "$WORK/report"
nsx python3 "$AZL_SOURCE_DIR/tests/report-receiver.py" http "$WORK/report" "$SRV" 1500 \
	</dev/null >"$WORK/report.log" 2>&1 &
for _ in $(seq 100); do
	[ -s "$WORK/report/port" ] && break
	sleep 0.1
done
[ -s "$WORK/report/port" ] || { cat "$WORK/report.log"; echo "e2e: no webhook receiver"; exit 1; }
hook=http://$SRV:$(cat "$WORK/report/port")/report

# Guest 2's image (what Glance would hold): the demo repository's @minimal
# with GRUB, ext4 and LVM tools (autopart makes LVM), plus the host's curl
# and its libraries for the kickstart's %post (the demo repository has no
# curl; Azure Linux's image has), and a getty on the serial port (the
# template's bootloader --append has no console=).
img=$WORK/image-root
printf 'version: 1\npackages: {install: ["@minimal", grub2-pc, e2fsprogs, lvm2]}\n' >"$WORK/image.yaml"
AZL_CACHE_DIR=$WORK/image-cache "$AZL_BUILD_DIR/azl-installer" install --root "$img" \
	--repo "$AZL_BUILD_DIR/demo-repo" --answers "$WORK/image.yaml" >"$WORK/image.out" 2>&1 || {
	tail -20 "$WORK/image.out"
	echo "e2e: the image root could not be installed"
	exit 1
}
for f in /usr/bin/curl $(ldd /usr/bin/curl | awk '$2 == "=>" {print $3}'); do
	[ -e "$img$f" ] || cp -L "$f" "$img$f"
done
mkdir -p "$img/etc/systemd/system/getty.target.wants"
ln -sf /usr/lib/systemd/system/serial-getty@.service \
	"$img/etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service"
NODE=1be26c0b-03f2-4d2e-ae87-c02d7f33c123
ironic=$www/ironic
mkdir -p "$ironic/$NODE" "$ironic/images"
tar --xattrs --xattrs-include='*' --acls --numeric-owner -C "$img" -cf - . |
	zstd -q -T2 >"$ironic/images/azl.tar.zst"
echo "guest 2's image: $(du -h "$ironic/images/azl.tar.zst" | cut -f1) tar.zst"
for f in vmlinuz initrd.img; do
	ln "$www/pxe/$f" "$ironic/$NODE/${f/vmlinuz/kernel}" 2>/dev/null || cp "$www/pxe/$f" "$ironic/$NODE/${f/vmlinuz/kernel}"
done
mv "$ironic/$NODE/initrd.img" "$ironic/$NODE/ramdisk"

# Guest 2's package repository (its third deploy: Ironic's repository
# form, `url --url` with an empty %packages, which installs @minimal): the
# demo repository's RPMs and a curl package, with curl in @minimal, as
# Azure Linux's @minimal has it (the template's %post runs
# /usr/bin/curl in the installed system; the demo repository has no curl).
# The curl RPM is the build machine's curl and the libraries it needs that
# the demo repository does not have, built with rpmbuild and signed with
# the demo repository's key (a copy of its keyring).
irepo=$www/ironic-repo
mkdir -p "$irepo/Packages" "$WORK/curl-rpm/root/usr/bin" "$WORK/curl-rpm/root/usr/lib/x86_64-linux-gnu"
ln "$AZL_BUILD_DIR"/demo-repo/Packages/*.rpm "$irepo/Packages/" 2>/dev/null ||
	cp "$AZL_BUILD_DIR"/demo-repo/Packages/*.rpm "$irepo/Packages/"
rpm -qlp "$irepo"/Packages/*.rpm 2>/dev/null | sort -u >"$WORK/demo-files"
cp -L /usr/bin/curl "$WORK/curl-rpm/root/usr/bin/"
curl_files=/usr/bin/curl
for f in $(ldd /usr/bin/curl | awk '$2 == "=>" {print $3}'); do
	p=/usr/lib/x86_64-linux-gnu/${f##*/}
	grep -qxF "$p" "$WORK/demo-files" && continue
	cp -L "$f" "$WORK/curl-rpm/root$p"
	curl_files="$curl_files $p"
done
curl_version=$(curl --version | awk 'NR == 1 {print $2}')
cat >"$WORK/curl-rpm/curl.spec" <<SPEC
Name: curl
Version: $curl_version
Release: 1.azl4
Summary: curl (the build machine's), for the fleet test's package repository
License: curl
AutoReqProv: no
Requires: glibc azl-demo-libs
%description
The build machine's curl and the libraries it needs that the demo
repository lacks: what a kickstart's %post runs to call its engine back.
%install
cp -a $WORK/curl-rpm/root/. %{buildroot}/
%files
$(printf '%s\n' $curl_files)
SPEC
rpmbuild -bb --quiet --define "_topdir $WORK/curl-rpm/top" --define "_rpmdir $irepo/Packages" \
	--define '_rpmfilename %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm' \
	--define '__os_install_post %{nil}' --define 'debug_package %{nil}' \
	--define '_build_id_links none' "$WORK/curl-rpm/curl.spec" >"$WORK/curl-rpm/build.log" 2>&1 || {
	cat "$WORK/curl-rpm/build.log"
	echo "e2e: building the curl RPM failed"
	exit 1
}
cp -a "$AZL_BUILD_DIR/demo-repo-work/gnupg" "$WORK/curl-rpm/gnupg"
GNUPGHOME=$WORK/curl-rpm/gnupg rpmsign --addsign --define '_gpg_name azl-demo@invalid' \
	--define "_gpg_path $WORK/curl-rpm/gnupg" --define '__gpg /usr/bin/gpg' \
	"$irepo"/Packages/curl-*.rpm >"$WORK/curl-rpm/sign.log" 2>&1 || {
	cat "$WORK/curl-rpm/sign.log"
	echo "e2e: signing the curl RPM failed"
	exit 1
}
gpgconf --homedir "$WORK/curl-rpm/gnupg" --kill all 2>/dev/null || :
sed 's|^\( *\)<packagereq type="mandatory">busybox</packagereq>|&\n\1<packagereq type="mandatory">curl</packagereq>|' \
	"$AZL_BUILD_DIR/demo-repo-work/comps.xml" >"$WORK/ironic-comps.xml"
createrepo_c --quiet --groupfile "$WORK/ironic-comps.xml" "$irepo" >"$WORK/curl-rpm/createrepo.log" 2>&1 || {
	cat "$WORK/curl-rpm/createrepo.log"
	echo "e2e: indexing guest 2's repository failed"
	exit 1
}
echo "guest 2's package repository: the demo repository's RPMs and curl ($(echo "$curl_files" | wc -w) files) in @minimal"

# Ironic's API as far as the heartbeats go: method, headers, token, order.
TOKEN=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')
mkdir -p "$WORK/ironic-api"
nsx python3 "$IRONIC_KS" serve "$WORK/ironic-api" "$WORK/heartbeats" "$WORK/ironic-api/port" "$TOKEN" "$SRV" \
	</dev/null >"$WORK/ironic-api.log" 2>&1 &
for _ in $(seq 100); do
	[ -s "$WORK/ironic-api/port" ] && break
	sleep 0.1
done
[ -s "$WORK/ironic-api/port" ] || { cat "$WORK/ironic-api.log"; echo "e2e: no heartbeat receiver"; exit 1; }
IRONIC_API=http://$SRV:$(cat "$WORK/ironic-api/port")
# ironic_deploy IMAGE-SOURCE [--source-is-path]: what Ironic writes for
# the node's next deploy: its kickstart and its per-MAC iPXE configuration
# (with --source-is-path, the image source is a package repository: `url
# --url` in the kickstart, inst.repo= on the kernel line). Its
# [pxe]kernel_append_params carry the webhook and the repository key, as
# docs/kickstart.md tells an Ironic operator to set them.
ironic_deploy() {
	local repo_url=()
	[ "${2:-}" != --source-is-path ] || repo_url=(--repo-url "$1")
	python3 "$IRONIC_KS" render "$ironic_pkg/root" "$ironic/$NODE/ks.cfg.new" "$1" \
		"$IRONIC_API" "$NODE" "$TOKEN" --config-drive ${2:+"$2"} &&
		mv "$ironic/$NODE/ks.cfg.new" "$ironic/$NODE/ks.cfg" &&
		python3 "$IRONIC_KS" ipxe "$ironic_pkg/root" "$ironic" "$(mac_of 2)" \
			"http://$SRV/ironic/$NODE/kernel" "http://$SRV/ironic/$NODE/ramdisk" \
			"http://$SRV/ironic/$NODE/ks.cfg" "http://$SRV/ironic/$NODE" \
			"nofb nomodeset vga=normal console=ttyS0,115200 azl.report=$hook $repo_opts" \
			"${repo_url[@]}"
}
ironic_deploy "http://$SRV/ironic/images/no-such-image.tar.zst" || { echo "e2e: rendering Ironic's files failed"; exit 1; }

# iPXE: the shipped sample, its unattended entry given the key and the webhook.
sed -e "s|http://ANSWERS-SERVER/|http://$SRV/|g" -e "s|REPO-SERVER|$SRV|g" \
	-e "/^kernel .*azl\.unattended/s|\$| $repo_opts azl.report=$hook/\${net0/mac:hexhyp}|" \
	"$AZL_BUILD_DIR/pxe/boot.ipxe" >"$www/pxe/boot.ipxe"
grep -q "azl.report=$hook/" "$www/pxe/boot.ipxe" || { echo "e2e: boot.ipxe has no unattended kernel line"; exit 1; }
i=1
cat >"$www/answers/$(mac_of "$i").yaml" <<YAML
version: 1
hostname: azl-fleet-$i
storage: {disks: [/dev/vda], wipe: all, layout: plain, filesystem: ext4, swap: $((64 * i))M}
bootloader: {timeout: 1, kernel_args: ["console=ttyS0,115200"]}
accounts:
  root: {lock: false, password_hash: "$E2E_ROOT_HASH"}
packages: {install: ["@minimal"]}
finish: poweroff
YAML

# GRUB (guest 3): itself and grub.cfg over TFTP, the kernel over HTTP
# (faster than GRUB's TFTP). Single quotes pass ${mac} to the kernel.
cat >"$tftp/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=1
menuentry "azl-installer PXE fleet" {
	linux (http,$SRV)/pxe/vmlinuz console=tty0 console=ttyS0,115200 azl.unattended 'inst.ks=tftp://$SRV/answers/\${mac}.ks' azl.repo=http://$SRV/azurelinux/4.0/x86_64/ $repo_opts azl.report=$hook
	initrd (http,$SRV)/pxe/initrd.img
}
CFG
cat >"$tftp/answers/$(mac_of 3).ks" <<KS
# The upstream Azure Linux 4.0 ISO's LVM layout (BIOS, smaller sizes)
text
lang en_US.UTF-8
keyboard us
timezone Etc/UTC --utc
network --hostname=azl-fleet-3
rootpw --iscrypted $E2E_ROOT_HASH
ignoredisk --only-use=vda
zerombr
clearpart --all --initlabel
reqpart
part /boot --fstype=ext4 --size=512
part pv.01 --size=1 --grow
volgroup azurelinux pv.01
logvol / --vgname=azurelinux --name=root --fstype=ext4 --size=2048 --grow
logvol swap --vgname=azurelinux --name=swap --size=256
bootloader --location=mbr --timeout=1 --append="console=ttyS0,115200"
poweroff

%packages
@minimal
%end
KS

nginx_conf "$WORK" "$SRV:80" "$www"
nsx nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" </dev/null >"$WORK/nginx.out" 2>&1 &

hosts=()
for i in $GUESTS; do
	tag=
	[ "$i" != 3 ] || tag=,set:grub
	[ "$i" != 2 ] || tag=,set:ironic
	hosts+=(--dhcp-host="$(mac_of "$i"),$(ip_of "$i")$tag")
done
nsx dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root --port=0 \
	--interface=br0 --bind-interfaces --dhcp-range=10.77.0.100,10.77.0.150,1h \
	"${hosts[@]}" --dhcp-userclass=set:ipxe,iPXE \
	--dhcp-boot=tag:grub,core.0 --dhcp-boot="tag:ipxe,tag:ironic,http://$SRV/ironic/boot.ipxe" \
	--dhcp-boot="tag:ipxe,tag:!grub,tag:!ironic,http://$SRV/pxe/boot.ipxe" \
	--enable-tftp --tftp-root="$tftp" --log-dhcp --log-facility="$WORK/dnsmasq.log" \
	--dhcp-leasefile="$WORK/leases" --pid-file="$WORK/dnsmasq.pid" </dev/null >"$WORK/dnsmasq.out" 2>&1 &

for _ in $(seq 100); do
	nsx python3 -c "import urllib.request as u; u.urlopen('http://$SRV/pxe/boot.ipxe')" 2>/dev/null && break
	sleep 0.2
done
nsx python3 -c "import urllib.request as u; u.urlopen('http://$SRV/pxe/boot.ipxe')" || {
	cat "$WORK/nginx.out" "$WORK/nginx-error.log" 2>/dev/null
	echo "e2e: nginx does not serve"
	exit 1
}
# dnsmasq binds its sockets a moment after it starts (on a loaded machine
# later than nginx answers): waited for, not looked at once.
for _ in $(seq 50); do
	[ -z "$(nsx ss -Hlun 'sport = :67')" ] || break
	sleep 0.2
done
[ -n "$(nsx ss -Hlun 'sport = :67')" ] || { cat "$WORK/dnsmasq.out"; echo "e2e: dnsmasq is not listening"; exit 1; }

# Guest 2's network boot, as Ironic's power driver makes it: NAME.
ironic_pxe() {
	qemu_start "$1" bios -boot order=n -smbios "type=1,serial=FLEET-2" \
		-netdev "tap,id=n0,ifname=tap2,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=$(mac_of 2)" \
		-drive "file=$WORK/disk2.img,if=virtio,format=raw"
}
# A deploy of guest 2 that passes: NAME PAYLOAD-PHASE (image, packages).
ironic_install() {
	local t
	t=$(now)
	ironic_pxe "$1"
	console "$1" reject 'Kernel panic' reject '"phase":"error"' \
		expect "installer ready after .*answers: http://$SRV/ironic/$NODE/ks.cfg" 600 mark installer-ready \
		expect '\{"phase":"storage"' 600 mark storage \
		expect "\\{\"phase\":\"$2\"" 900 mark "$2" \
		expect '\{"phase":"bootloader"' 900 mark bootloader \
		expect '\{"phase":"finish","percent":100' 600 mark finished \
		eof 300
	echo "$1: $(since "$t") s"
	qemu_wait 120
}
# Guest 2's installed disk to a login prompt: NAME. Root is locked
# (rootpw --lock): the login prompt is as far as a boot goes without
# credentials (the image's serial getty; the demo system's init runs one
# on ttyS0).
ironic_boot() {
	local t
	t=$(now)
	qemu_start "$1" bios -drive "file=$WORK/disk2.img,if=virtio,format=raw" \
		-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0
	console "$1" reject 'Kernel panic' reject 'dropping to a shell' \
		expect 'login: *$' 400 mark login-prompt
	echo "$1: installed system to login prompt: $(since "$t") s"
	qemu_kill
}

# Guest 2: Ironic's deploy fails (no image), is deployed again from the
# image, boots, is deployed from a package repository, boots.
ironic_guest() {
	local t
	truncate -s 6G "$WORK/disk2.img"
	t=$(now)
	ironic_pxe install2-broken
	console install2-broken reject 'Kernel panic' reject '"phase":"finish"' \
		expect "installer ready after .*answers: http://$SRV/ironic/$NODE/ks.cfg" 600 mark installer-ready \
		expect '"phase":"error","percent":100,"message":"azl-installer exited with 3' 600 mark failed
	echo "a deploy without its image: failed after $(since "$t") s"
	# What Ironic's power driver does for the next deploy.
	qemu_kill
	ironic_deploy "http://$SRV/ironic/images/azl.tar.zst" || { echo "e2e: rendering Ironic's files failed"; return 1; }
	ironic_install install2 image
	ironic_boot boot2
	# The third deploy: the node's image source is now a package
	# repository (Ironic's is_source_a_path form).
	ironic_deploy "http://$SRV/ironic-repo/" --source-is-path ||
		{ echo "e2e: rendering Ironic's files failed"; return 1; }
	ironic_install install2-repo packages
	ironic_boot boot2-repo
}

# One guest: PXE install, then its installed disk to a login.
guest() { # I
	local i=$1 mac answers t steps=()
	[ "$i" != 2 ] || { ironic_guest; return; }
	mac=$(mac_of "$i")
	if [ "$i" = 3 ]; then
		answers="tftp://$SRV/answers/$mac.ks"
		steps=(expect 'azl-installer PXE fleet' 300 mark grub-menu)
	else
		answers="http://$SRV/answers/$mac.yaml"
	fi
	truncate -s 6G "$WORK/disk$i.img"
	t=$(now)
	qemu_start "install$i" bios -boot order=n -smbios "type=1,serial=FLEET-$i" \
		-netdev "tap,id=n0,ifname=tap$i,script=no,downscript=no" \
		-device "virtio-net-pci,netdev=n0,mac=$mac" \
		-drive "file=$WORK/disk$i.img,if=virtio,format=raw"
	console "install$i" reject 'Kernel panic' reject '"phase":"error"' "${steps[@]}" \
		expect "installer ready after .*answers: $answers" 600 mark installer-ready \
		expect '\{"phase":"storage"' 600 mark storage \
		expect '\{"phase":"packages"' 900 mark packages \
		expect '\{"phase":"bootloader"' 900 mark bootloader \
		expect '\{"phase":"finish","percent":100' 600 mark finished \
		eof 300
	echo "install: $(since "$t") s"
	qemu_wait 120
	e2e_boot_installed "boot$i" bios "$WORK/disk$i.img" "azl-fleet-$i"
}

t0=$(now)
declare -A gpid
for i in $GUESTS; do
	guest "$i" >"$WORK/guest$i.out" 2>&1 &
	gpid[$i]=$!
	FLEET_PIDS="$FLEET_PIDS $!"
done
failed=
for i in $GUESTS; do
	wait "${gpid[$i]}" || failed="$failed $i"
done
# All reaped: their PIDs may be reused by anyone from here on.
FLEET_PIDS=
for i in $GUESTS; do
	sed "s/^/guest $i: /" "$WORK/guest$i.out"
done
echo "three guests, PXE to installed login: $(since "$t0") s"
[ -z "$failed" ] || { echo "e2e: guest(s)$failed failed"; exit 1; }

# Each guest fetched its own answer file, and no other.
i=1
got=$(awk -v ip="$(ip_of "$i")" '$1 == ip && $4 ~ "^/answers/" { print $4, $6 }' "$WORK/access.log" | sort -u)
[ "$got" = "/answers/$(mac_of "$i").yaml 200" ] || {
	echo "e2e: guest $i ($(ip_of "$i")) fetched answer files: ${got:-none}"
	exit 1
}
echo "guest $i: nginx served it /answers/$(mac_of "$i").yaml"
got=$(awk -v ip="$(ip_of 2)" '$1 == ip && $4 ~ "^/(answers|ironic)/" && $4 !~ "^/ironic/images/" { print $4, $6 }' "$WORK/access.log" | sort -u)
want="/ironic/$NODE/kernel 200
/ironic/$NODE/ks.cfg 200
/ironic/$NODE/ramdisk 200
/ironic/boot.ipxe 200
/ironic/pxelinux.cfg/$(mac_of 2 | tr : -) 200"
[ "$got" = "$want" ] || {
	echo "e2e: guest 2 ($(ip_of 2)) fetched:"
	echo "$got"
	exit 1
}
n=$(awk -v ip="$(ip_of 2)" '$1 == ip && $4 == "/ironic/boot.ipxe"' "$WORK/access.log" | wc -l)
[ "$n" = 3 ] || { echo "e2e: guest 2 fetched Ironic's boot.ipxe $n times, not 3 (three deploys)"; exit 1; }
echo "guest 2: nginx served it, in each of its three network boots, Ironic's boot.ipxe, its pxelinux.cfg/$(mac_of 2 | tr : -), kernel, ramdisk and ks.cfg"
got=$(awk -v ip="$(ip_of 2)" '$1 == ip && $4 ~ "^/ironic/images/" { print $4, $6 }' "$WORK/access.log" | sort -u)
[ "$got" = "/ironic/images/azl.tar.zst 200
/ironic/images/no-such-image.tar.zst 404" ] || { echo "e2e: guest 2's image requests: $got"; exit 1; }
# Its third deploy: the repository of inst.repo= and `url --url`; curl's
# header by a range request (206, the streamed install), then the whole.
got=$(awk -v ip="$(ip_of 2)" '$1 == ip && $4 ~ "^/ironic-repo/(repodata/repomd.xml|Packages/curl-)" { print $4, $6 }' "$WORK/access.log" |
	sed 's|/curl-[^ ]*|/curl-*|' | sort -u)
for want in "/ironic-repo/Packages/curl-* 206" "/ironic-repo/Packages/curl-* 200" "/ironic-repo/repodata/repomd.xml 200"; do
	grep -qxF "$want" <<<"$got" || { echo "e2e: guest 2's repository requests lack '$want':"; echo "${got:-none}"; exit 1; }
done
n=$(awk -v ip="$(ip_of 2)" '$1 == ip && $4 ~ "^/ironic-repo/Packages/" && $6 == 200' "$WORK/access.log" | wc -l)
echo "guest 2: its third deploy took the repository's metadata and $n packages, curl among them, from /ironic-repo/"
# Ironic's heartbeats: the failed deploy start, error; the second (image)
# and the third (repository) start, end; each a POST from the node,
# accepted (JSON, API 1.72, the token).
python3 - "$WORK/heartbeats" "$(ip_of 2)" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
got = [r["status"] for r in recs]
assert got == ["start", "error", "start", "end", "start", "end"], got
for r in recs:
    assert r["accepted"] and r["method"] == "POST", r
    assert r["client"] == sys.argv[2], r
print("guest 2: heartbeats start, error (the deploy without its image), start, end (the image), "
      "start, end (the repository); "
      "POST, JSON, API 1.72, the agent token, from %s" % sys.argv[2])
PY
got=$(sed -n "s|.*dnsmasq-tftp.*: sent $tftp/answers/\([^ ]*\) to \(.*\)|\2 \1|p" "$WORK/dnsmasq.log" | sort -u)
[ "$got" = "$(ip_of 3) $(mac_of 3).ks" ] || {
	echo "e2e: answer files over TFTP: ${got:-none}"
	exit 1
}
echo "guest 3: dnsmasq's TFTP sent it answers/$(mac_of 3).ks"

# Each machine's whole event sequence, in order, with its identity.
python3 - "$WORK/report/events" "$hook" <<'PY'
import json, sys
path, hook = sys.argv[1], sys.argv[2]
by_mac = {}
for line in open(path):
    r = json.loads(line)
    assert r["method"] == "POST", r
    e = json.loads(r["body"])
    by_mac.setdefault(e["machine"]["mac"], []).append((r, e))
def sequence(payload):
    want = [("start", "azl-installer")]
    for p in ("pre", "storage", payload, "configure", "bootloader", "post", "finish"):
        want += [("start", "azl-installer/" + p), ("finish", "azl-installer/" + p)]
    return want + [("finish", "azl-installer")]
# Guest 2's first deploy fails in the image phase, after storage.
failed = [("start", "azl-installer"), ("start", "azl-installer/pre"), ("finish", "azl-installer/pre"),
          ("start", "azl-installer/storage"), ("finish", "azl-installer/storage"),
          ("start", "azl-installer/image"), ("finish", "azl-installer/image"),
          ("finish", "azl-installer")]
assert sorted(by_mac) == ["52:54:00:f1:ee:0%d" % i for i in (1, 2, 3)], sorted(by_mac)
for i in (1, 2, 3):
    mac = "52:54:00:f1:ee:0%d" % i
    evs = by_mac[mac]
    for r, e in evs:
        assert r["client"] == "10.77.0.1%d" % i, (mac, r["client"])
        assert e["machine"]["serial"] == "FLEET-%d" % i, e["machine"]
        path_want = "/report/" + mac.replace(":", "-") if i == 1 else "/report"
        assert r["path"] == path_want, (mac, r["path"])
    ts = [e["timestamp"] for _, e in evs]
    assert ts == sorted(ts), "%s: events out of order" % mac
    seq = [(e["event_type"], e["name"]) for _, e in evs if e["event_type"] != "progress"]
    want = sequence("image" if i == 2 else "packages")
    if i == 2:
        want = failed + want
        bad = [e for _, e in evs if e["event_type"] == "finish" and e["result"] != "SUCCESS"]
        assert [(e["name"], e["result"], e.get("phase")) for e in bad] == [
            ("azl-installer/image", "FAIL", "image"), ("azl-installer", "FAIL", "image")], bad
        assert bad[1]["exit_code"] == 3 and "no-such-image" in bad[1]["reason"], bad[1]
        # then the repository form: the same phases with packages
        want += sequence("packages")
    assert seq == want, "%s: sequence:\n%s\nwanted:\n%s" % (mac, seq, want)
    # The deploys that passed: each from its start of azl-installer on.
    starts = [k for k, (_, e) in enumerate(evs)
              if e["event_type"] == "start" and e["name"] == "azl-installer"]
    for a, b in zip(starts[1 if i == 2 else 0:], starts[2 if i == 2 else 1:] + [len(evs)]):
        fin = [e for _, e in evs[a:b] if e["event_type"] == "finish"]
        assert all(e["result"] == "SUCCESS" for e in fin), fin
        assert fin[-1]["exit_code"] == 0, fin[-1]
    if i == 2:
        evs = evs[starts[1]:]
    prog = sum(1 for _, e in evs if e["event_type"] == "progress")
    print("guest %d: %d events in order (%d progress), finish SUCCESS%s, from %s"
          % (i, len(evs), prog, " in both deploys that passed" if i == 2 else "", r["client"]))
PY

# What each install took from the servers (printed, not asserted).
python3 - "$WORK/access.log" "$WORK/dnsmasq.log" "$SRV" <<'PY'
import collections, os, re, sys
access, dlog, srv = sys.argv[1:]
cat = collections.defaultdict(lambda: collections.Counter())
reqs = collections.Counter()
for line in open(access):
    m = re.match(r'(\S+) (\S+) "(\S+) (\S+) [^"]*" (\d+) (\d+)', line)
    if not m:
        continue
    ip, ts, _, path, status, size = m.groups()
    if ip == srv:
        continue  # the test's own probe
    kind = ("image" if path.startswith("/ironic/images/")
            else "answers" if path.startswith("/answers/") or path.endswith("/ks.cfg")
            else "boot" if path.startswith(("/pxe/", "/ironic/"))
            else "rpm" if path.endswith(".rpm") else "repo metadata, key")
    cat[ip][kind] += int(size)
    reqs[ip] += 1
for line in open(dlog):
    m = re.search(r"dnsmasq-tftp.*: sent (\S+) to (\S+)", line)
    if m:
        kind = "answers" if "/answers/" in m.group(1) else "boot"
        cat[m.group(2)][kind + " (TFTP)"] += os.path.getsize(m.group(1))
        reqs[m.group(2)] += 1
print("bytes served per install (nginx access log; TFTP: sizes of the files dnsmasq sent):")
for ip in sorted(cat):
    c = cat[ip]
    parts = ", ".join("%s %.1f MiB" % (k, v / 2**20) if v >= 2**20 else "%s %d B" % (k, v)
                      for k, v in sorted(c.items()))
    print("  %s: %.1f MiB in %d requests (%s)" % (ip, sum(c.values()) / 2**20, reqs[ip], parts))
PY
