#!/bin/bash
# Benchmark: ISO boot -> "installer ready" under TCG (no KVM), broken down
# by stage. Boots ISO from the CD (SeaBIOS, q35, -m 1024 -smp 2, a
# virtio NIC on QEMU's user network) with its serial port on a socket; a
# reader stamps every byte on arrival with the host's monotonic clock and
# finds the stages in the serial log:
#
#   plain  the menu's default entry as a user gets it (GRUB's timeout runs
#          out); the kernel is quiet, so between "Loading the installer"
#          and the live init's first line there is no finer stage.
#   trace  a copy of ISO (xorriso, boot records replayed) whose default
#          entry also has "ignore_loglevel printk.time=1 ip=dhcp": every
#          kernel message reaches the serial port with its printk time,
#          and the live init brings the network up (DHCP) before it is
#          ready. Printing every message on the serial port costs some
#          time of its own; compare with plain.
#
# Stages (host clock unless printk): firmware and GRUB until the menu; the
# timeout (plain) or the keystrokes (trace); GRUB loading the kernel and
# initramfs from the CD (until the kernel starts: the host time of the
# "Run /init" line minus its printk time); kernel start to "Trying to
# unpack rootfs" and to "Freeing initrd memory" (printk; the unpacking
# runs beside the rest of the kernel's start); to "Run /init"; /init until
# the medium is found (the module passes and the 1 s between them); the
# network (trace); until "installer ready". Not a test.
#
#   bench/bench-time-to-ready.sh [ISO] [plain|trace]   (build/azl-installer.iso, trace)
# Needs qemu-system-x86_64 and xorriso; writes the stamped serial log to
# $BENCH_DIR/time-to-ready/serial-MODE.log. Results: docs/performance.md.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
iso=$(realpath "${1:-$src/build/azl-installer.iso}")
mode=${2:-trace}
case "$mode" in plain | trace) ;; *) echo "mode: plain or trace" >&2; exit 2 ;; esac
work=${BENCH_DIR:-/var/tmp/azl-bench}/time-to-ready
mkdir -p "$work"
sock=$work/serial-$$.sock
if [ "$mode" = trace ]; then
	xorriso -osirrox on -indev "$iso" -extract /boot/grub/grub.cfg "$work/grub.cfg" >/dev/null 2>&1
	chmod u+w "$work/grub.cfg"
	sed -i '0,/ quiet /s// quiet ignore_loglevel printk.time=1 ip=dhcp /' "$work/grub.cfg"
	grep -q ignore_loglevel "$work/grub.cfg" || { echo "no ' quiet ' in the ISO's grub.cfg" >&2; exit 1; }
	rm -f "$work/trace.iso"
	xorriso -indev "$iso" -outdev "$work/trace.iso" -boot_image any replay \
		-update "$work/grub.cfg" /boot/grub/grub.cfg >"$work/xorriso.log" 2>&1 ||
		{ cat "$work/xorriso.log" >&2; exit 1; }
	iso=$work/trace.iso
fi
rm -f "$sock"
echo "# $(date -u +%FT%TZ) $mode boot of $iso ($(($(stat -c %s "$iso") >> 20)) MiB); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
nice -n 5 qemu-system-x86_64 -accel tcg -machine q35 -smp 2 -m 1024 \
	-display none -vga std -monitor none -no-reboot \
	-chardev "socket,id=s0,path=$sock,server=on,wait=on" -serial chardev:s0 \
	-boot order=d -cdrom "$iso" \
	-netdev user,id=n0,restrict=on -device virtio-net-pci,netdev=n0 \
	>"$work/qemu-$$.log" 2>&1 &
qemu=$!
trap 'kill $qemu 2>/dev/null; rm -f "$sock"' EXIT
for ((i = 0; i < 100; i++)); do
	[ -S "$sock" ] && break
	kill -0 "$qemu" 2>/dev/null || { cat "$work/qemu-$$.log" >&2; exit 1; }
	sleep 0.1
done
python3 - "$sock" "$mode" "$work/serial-$mode.log" <<'EOF'
import re, socket, sys, time

path, mode, out = sys.argv[1:4]
s = socket.socket(socket.AF_UNIX)
t0 = time.monotonic()  # QEMU started a moment before; it waits for us
s.connect(path)
buf = b""
stamps = []  # (offset in buf, host seconds) of every chunk
deadline = t0 + 420
raw = open(out + ".raw", "w")  # as it arrives: "host-seconds repr(chunk)"


def recv(timeout=1.0):
    global buf
    s.settimeout(timeout)
    try:
        d = s.recv(65536)
    except socket.timeout:
        return
    if not d:
        raise SystemExit("the guest's serial port closed")
    stamps.append((len(buf), time.monotonic() - t0))
    buf += d
    raw.write(f"{stamps[-1][1]:8.2f} {d!r}\n")
    raw.flush()


def at(off):  # host time at which byte off arrived
    t = 0.0
    for o, h in stamps:
        if o > off:
            break
        t = h
    return t


def wait_for(pat, start=0, limit=600):
    r = re.compile(pat)
    end = time.monotonic() + limit
    while True:
        m = r.search(buf, start)
        if m:
            return m
        if time.monotonic() > min(end, deadline):
            raise SystemExit(f"timed out waiting for {pat!r}; the serial log so far: {out}.raw")
        recv()


ev = {}
m = wait_for(rb"Install Azure Linux 4\.0")
ev["menu"] = at(m.start())
first = at(0)
start = m.end()
m = wait_for(rb'(?<!echo ")Loading the installer \.\.\.', start)
ev["loading"] = at(m.start())
pk = {}
for name, pat in (("unpack", rb"\[ *([0-9.]+)\] Trying to unpack rootfs"),
                  ("freed", rb"\[ *([0-9.]+)\] Freeing initrd memory"),
                  ("init", rb"\[ *([0-9.]+)\] Run /init as init process")):
    if mode == "trace":
        mm = wait_for(pat, m.end())
        pk[name] = float(mm.group(1))
        if name == "init":
            ev["init_host"] = at(mm.start())
mm = wait_for(rb"azl-live: medium: [^\r\n]*", m.end())
ev["medium"] = at(mm.start())
if mode == "trace":
    mm = wait_for(rb"azl-live: network: [^\r\n]*", m.end())
    ev["network"] = at(mm.start())
mm = wait_for(rb"installer ready after ([0-9.]+) s", m.end())
ev["ready"] = at(mm.start())
own = float(mm.group(1))
with open(out, "w") as f:  # every line with the host time of its first byte
    for ln in re.finditer(rb"[^\n]*\n?", buf):
        if ln.group():
            f.write(f"{at(ln.start()):8.2f} {ln.group().rstrip().decode(errors='replace')}\n")

rows = [("firmware + GRUB until the menu", ev["menu"]),
        ("GRUB timeout", ev["loading"] - ev["menu"])]
if mode == "trace":
    kstart = ev["init_host"] - pk["init"]
    rows += [
        ("GRUB loads kernel + initramfs from the CD", kstart - ev["loading"]),
        ("kernel start -> 'Trying to unpack rootfs' (printk)", pk["unpack"]),
        ("-> 'Freeing initrd memory' (unpack, printk)", pk["freed"] - pk["unpack"]),
        ("-> 'Run /init' (printk)", pk["init"] - pk["freed"]),
        ("/init: modules, 1 s, modules, medium found", ev["medium"] - ev["init_host"]),
        ("network (DHCP)", ev["network"] - ev["medium"]),
        ("answers looked for -> 'installer ready'", ev["ready"] - ev["network"]),
    ]
if mode == "plain":
    rows += [
        ("'Loading' -> medium found (GRUB load, kernel, /init, modules)", ev["medium"] - ev["loading"]),
        ("-> 'installer ready'", ev["ready"] - ev["medium"]),
    ]
print(f"{'stage':62} {'s':>7}")
for name, d in rows:
    print(f"{name:62} {d:7.2f}")
print(f"{'total: QEMU start -> installer ready (host)':62} {ev['ready']:7.2f}")
print(f"(the live init's own count from its start: {own:.1f} s; first serial byte at {first:.2f} s)")
EOF
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
