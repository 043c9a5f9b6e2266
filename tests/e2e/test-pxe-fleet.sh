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
#   guest 1, 2  QEMU's iPXE ROM; dnsmasq answers iPXE with
#               http://10.77.0.1/pxe/boot.ipxe (the pxe target's sample,
#               placeholders filled in, key, fingerprint and webhook added):
#               kernel, initramfs and the answer file
#               http://10.77.0.1/answers/${net0/mac}.yaml over HTTP.
#   guest 3     dnsmasq names core.0 (GRUB for BIOS PXE): GRUB and its
#               grub.cfg over TFTP, kernel and initramfs over GRUB's HTTP
#               ((http,10.77.0.1)/pxe/vmlinuz), and a KICKSTART over TFTP
#               ('inst.ks=tftp://10.77.0.1/answers/${mac}.ks', expanded by
#               the live system) in the upstream Azure Linux 4.0 ISO's LVM
#               shape (part /boot, part pv.01 --grow, volgroup, logvol /
#               and swap); its installed disk's initramfs activates the VG.
#
# All three get the demo repository over HTTP from azl.repo=, its key from
# azl.repo.gpgkey= pinned by azl.repo.gpgkey.fingerprint=, and report to
# azl.report=. Checked: each guest's console shows its JSON phases and the
# installed system has the hostname of its own answer file; nginx's log
# shows each guest (by its fixed address) fetched its own answer file and
# no other, dnsmasq's log the same for the TFTP kickstart; the receiver
# holds each machine's whole event sequence, in order, with its MAC and
# SMBIOS serial. Printed, not asserted: the bytes each install took from
# the servers (nginx's access log; TFTP: the sizes of the files dnsmasq
# logged as sent) and the time each step took.
. "$(dirname "$0")/lib.sh"
e2e_requirements
for t in ip dnsmasq nginx; do
	command -v "$t" >/dev/null || {
		echo "SKIP: $t is missing (scripts/deps.sh installs it)"
		exit 77
	}
done
[ "$(id -u)" = 0 ] || { echo "e2e: a network namespace needs root"; exit 1; }
e2e_workdir pxe-fleet
e2e_build pxe demo-repo

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
nsx() { ip netns exec "$NS" "$@"; }

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
QEMU_WRAP=(ip netns exec "$NS")

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

# iPXE: the shipped sample, its unattended entry given the key and the webhook.
sed -e "s|http://ANSWERS-SERVER/|http://$SRV/|g" -e "s|REPO-SERVER|$SRV|g" \
	-e "/^kernel .*azl\.unattended/s|\$| $repo_opts azl.report=$hook/\${net0/mac:hexhyp}|" \
	"$AZL_BUILD_DIR/pxe/boot.ipxe" >"$www/pxe/boot.ipxe"
grep -q "azl.report=$hook/" "$www/pxe/boot.ipxe" || { echo "e2e: boot.ipxe has no unattended kernel line"; exit 1; }
for i in 1 2; do
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
done

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

mkdir -p "$WORK/nginx"
cat >"$WORK/nginx.conf" <<CONF
user root;
worker_processes 2;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 512; }
http {
	log_format fleet '\$remote_addr \$msec "\$request" \$status \$body_bytes_sent';
	access_log $WORK/access.log fleet;
	client_body_temp_path $WORK/nginx/body;
	proxy_temp_path $WORK/nginx/proxy;
	fastcgi_temp_path $WORK/nginx/fastcgi;
	uwsgi_temp_path $WORK/nginx/uwsgi;
	scgi_temp_path $WORK/nginx/scgi;
	default_type application/octet-stream;
	sendfile on;
	server {
		listen $SRV:80;
		root $www;
	}
}
CONF
nsx nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" </dev/null >"$WORK/nginx.out" 2>&1 &

hosts=()
for i in $GUESTS; do
	tag=
	[ "$i" != 3 ] || tag=,set:grub
	hosts+=(--dhcp-host="$(mac_of "$i"),$(ip_of "$i")$tag")
done
nsx dnsmasq --keep-in-foreground --conf-file=/dev/null --user=root --port=0 \
	--interface=br0 --bind-interfaces --dhcp-range=10.77.0.100,10.77.0.150,1h \
	"${hosts[@]}" --dhcp-userclass=set:ipxe,iPXE \
	--dhcp-boot=tag:grub,core.0 --dhcp-boot="tag:ipxe,tag:!grub,http://$SRV/pxe/boot.ipxe" \
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
[ -n "$(nsx ss -Hlun 'sport = :67')" ] || { cat "$WORK/dnsmasq.out"; echo "e2e: dnsmasq is not listening"; exit 1; }

# One guest: PXE install, then its installed disk to a login.
guest() { # I
	local i=$1 mac answers t steps=()
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
for i in 1 2; do
	got=$(awk -v ip="$(ip_of "$i")" '$1 == ip && $4 ~ "^/answers/" { print $4, $6 }' "$WORK/access.log" | sort -u)
	[ "$got" = "/answers/$(mac_of "$i").yaml 200" ] || {
		echo "e2e: guest $i ($(ip_of "$i")) fetched answer files: ${got:-none}"
		exit 1
	}
	echo "guest $i: nginx served it /answers/$(mac_of "$i").yaml"
done
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
want = [("start", "azl-installer")]
for p in ("pre", "storage", "packages", "configure", "bootloader", "post", "finish"):
    want += [("start", "azl-installer/" + p), ("finish", "azl-installer/" + p)]
want += [("finish", "azl-installer")]
assert sorted(by_mac) == ["52:54:00:f1:ee:0%d" % i for i in (1, 2, 3)], sorted(by_mac)
for i in (1, 2, 3):
    mac = "52:54:00:f1:ee:0%d" % i
    evs = by_mac[mac]
    for r, e in evs:
        assert r["client"] == "10.77.0.1%d" % i, (mac, r["client"])
        assert e["machine"]["serial"] == "FLEET-%d" % i, e["machine"]
        path_want = "/report/" + mac.replace(":", "-") if i < 3 else "/report"
        assert r["path"] == path_want, (mac, r["path"])
    ts = [e["timestamp"] for _, e in evs]
    assert ts == sorted(ts), "%s: events out of order" % mac
    seq = [(e["event_type"], e["name"]) for _, e in evs if e["event_type"] != "progress"]
    assert seq == want, "%s: sequence:\n%s\nwanted:\n%s" % (mac, seq, want)
    fin = [e for _, e in evs if e["event_type"] == "finish"]
    assert all(e["result"] == "SUCCESS" for e in fin), fin
    assert fin[-1]["exit_code"] == 0, fin[-1]
    prog = sum(1 for _, e in evs if e["event_type"] == "progress")
    print("guest %d: %d events in order (%d progress), finish SUCCESS, from %s" % (i, len(evs), prog, r["client"]))
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
    kind = ("boot" if path.startswith("/pxe/") else "answers" if path.startswith("/answers/")
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
