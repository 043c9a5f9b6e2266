#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Status reporting for provisioning engines (docs/pxe.md): an install of
# the demo repository onto a loop image POSTs cloud-init/curtin-shaped
# events to the answer file's webhook (with its token header) and to the
# kernel command line's azl.report=, every phase's start and finish in
# order, the machine's identity in each, and a final finish SUCCESS; its
# log also reaches a UDP syslog receiver (inst.syslog=) and the token
# reaches neither the log nor the console. A failing install reports FAIL
# with the phase and the reason and exits 3. A webhook that never answers,
# or where nothing listens, delays the install by the bounded flush only.
set -euo pipefail
[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
losetup -f >/dev/null 2>&1 || { echo "SKIP: no loop devices"; exit 77; }
here=$(cd "$(dirname "$0")" && pwd)
build=${AZL_BUILD_DIR:-$here/../../build}
bin=${AZL_BIN:-$build/azl-installer}
repo=$build/demo-repo
cmake --build "$build" --target demo-repo >/dev/null

tmp=$(mktemp -d /tmp/test-reporting.XXXXXX)
pids=()
cleanup() {
	set +e
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	for l in $(losetup -n -O NAME,BACK-FILE -l 2>/dev/null |
		awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l"
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
export AZL_CACHE_DIR=$tmp/cache

# receiver MODE NAME: starts one (its output not on a pipe of ours);
# port NAME: its port, once it listens
receiver() {
	mkdir -p "$tmp/$2"
	python3 "$here/../report-receiver.py" "$1" "$tmp/$2" </dev/null >/dev/null 2>&1 &
	pids+=($!)
}
port() {
	for _ in $(seq 100); do
		[ -s "$tmp/$1/port" ] && break
		sleep 0.1
	done
	cat "$tmp/$1/port"
}
receiver http hook
receiver udp syslog
hp=$(port hook)
up=$(port syslog)

# This machine, as a PXE boot describes it: BOOTIF= and SMBIOS.
mkdir -p "$tmp/dmi"
echo "SER-4711 " >"$tmp/dmi/product_serial"
echo "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" >"$tmp/dmi/product_uuid"
export AZL_SYSFS_DMI=$tmp/dmi
echo "ro BOOTIF=01-52-54-00-ab-cd-ef azl.report=http://127.0.0.1:$hp/kernel inst.syslog=127.0.0.1:$up" >"$tmp/cmdline"
export AZL_PROC_CMDLINE=$tmp/cmdline

token="Bearer tok-Zq9xV3-never-logged"
answers() { # answers FILE ENDPOINT [extra yaml]
	cat >"$1" <<EOT
version: 1
storage: {layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: bios}
packages:
  repos: [{name: demo, baseurl: "file://$3", gpgcheck: true}]
  install: ["@minimal"]
reporting:
  engine:
    type: webhook
    endpoint: "$2"
    headers: {Authorization: "$token", X-Node: "rack1-u7"}
${4:-}
EOT
}

# --- 1. a whole install ---------------------------------------------------
answers "$tmp/a.yaml" "http://127.0.0.1:$hp/hook" "$(realpath "$repo")"
truncate -s 4G "$tmp/disk.img"
t0=$(date +%s.%N)
rc=0
"$bin" install --answers "$tmp/a.yaml" --disk "$tmp/disk.img" --yes \
	--log "$tmp/install.log" >"$tmp/out" 2>&1 || rc=$?
t1=$(date +%s.%N)
[ $rc -eq 0 ] || { tail -30 "$tmp/install.log"; fail "install: exit $rc: $(tail -5 "$tmp/out")"; }
echo "install with reporting: $(echo "$t1 - $t0" | bc) s"
# The events of the final finish have arrived when the installer exits.
python3 - "$tmp/hook/events" "$token" <<'PY' || fail "the events are not right"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
token = sys.argv[2]
def check(path, with_token):
    rs = [r for r in recs if r["path"] == path]
    assert rs, "no events at " + path
    evs = []
    for r in rs:
        assert r["method"] == "POST", r["method"]
        assert r["headers"]["content-type"] == "application/json", r["headers"]
        if with_token:
            assert r["headers"].get("authorization") == token, "no token"
            assert r["headers"].get("x-node") == "rack1-u7"
        else:
            assert "authorization" not in r["headers"], "token leaked to the kernel's hook"
        e = json.loads(r["body"])
        for k, t in (("event_type", str), ("name", str), ("description", str),
                     ("origin", str), ("timestamp", float), ("machine", dict)):
            assert isinstance(e.get(k), t), (k, e)
        assert e["origin"] == "azl-installer"
        assert e["event_type"] in ("start", "progress", "finish"), e
        assert e["machine"] == {"mac": "52:54:00:ab:cd:ef", "serial": "SER-4711",
                                "uuid": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"}, e["machine"]
        if e["event_type"] == "finish":
            assert e["result"] in ("SUCCESS", "FAIL", "WARN"), e
        else:
            assert "result" not in e, e
        if e["event_type"] == "progress":
            assert isinstance(e["percent"], int) and 0 <= e["percent"] <= 100, e
        evs.append(e)
    ts = [e["timestamp"] for e in evs]
    assert ts == sorted(ts), "events out of order"
    seq = [(e["event_type"], e["name"]) for e in evs if e["event_type"] != "progress"]
    want = [("start", "azl-installer")]
    for p in ("storage", "packages", "configure", "bootloader", "post", "finish"):
        want += [("start", "azl-installer/" + p), ("finish", "azl-installer/" + p)]
    want += [("finish", "azl-installer")]
    # pre has no scripts here, but runs (and reports) all the same
    want = want[:1] + [("start", "azl-installer/pre"), ("finish", "azl-installer/pre")] + want[1:]
    assert seq == want, "sequence:\n%s\nwanted:\n%s" % (seq, want)
    fin = [e for e in evs if e["event_type"] == "finish"]
    assert all(e["result"] == "SUCCESS" for e in fin), fin
    assert fin[-1]["exit_code"] == 0, fin[-1]
    prog = [e for e in evs if e["event_type"] == "progress"]
    pk = [e for e in prog if e["name"] == "azl-installer/packages"]
    assert pk, "no progress for the packages phase"
    assert len(pk) <= 25, "progress not throttled: %d events" % len(pk)
    return len(evs), len(pk)
n1, p1 = check("/hook", True)
n2, p2 = check("/kernel", False)
print("events: %d to the answer file's hook (%d packages progress), %d to azl.report=" % (n1, p1, n2))
PY
ok "a whole install: every phase's start and finish in order, progress, SUCCESS, identity, token header"

for f in "$tmp/install.log" "$tmp/out" "$tmp/syslog/syslog"; do
	! grep -q "tok-Zq9xV3" "$f" || fail "the token is in $f"
done
grep -q "tok-Zq9xV3" "$tmp/cmdline" && fail "test bug"
sleep 0.5
grep -q '^<1[0-5]>1 [0-9T:.-]*Z [^ ]* azl-installer [0-9]* - - ' "$tmp/syslog/syslog" ||
	fail "no RFC 5424 lines at the syslog receiver: $(head -3 "$tmp/syslog/syslog")"
grep -q "azl-installer - - \[packages" "$tmp/syslog/syslog" ||
	grep -q "\[packages " "$tmp/syslog/syslog" || fail "the packages phase's log lines did not reach syslog"
ok "syslog: $(wc -l <"$tmp/syslog/syslog") RFC 5424 lines over UDP; the token is in no log, console or syslog line"

# --- 2. a failing install: the repository vanishes after the checks -------
# (a pre script takes it away; the packages phase then cannot read it)
ln -s "$(realpath "$repo")" "$tmp/repo-link"
mkdir "$tmp/hook2"
: >"$tmp/hook/events"
answers "$tmp/b.yaml" "http://127.0.0.1:$hp/fail" "$tmp/repo-link" "scripts:
  pre: [{run: \"rm -f $tmp/repo-link\"}]"
truncate -s 0 "$tmp/disk.img"
truncate -s 4G "$tmp/disk.img"
rc=0
"$bin" install --answers "$tmp/b.yaml" --disk "$tmp/disk.img" --yes \
	--log "$tmp/install2.log" >"$tmp/out2" 2>&1 || rc=$?
[ $rc -eq 3 ] || fail "the failing install: exit $rc, not 3: $(tail -5 "$tmp/out2")"
python3 - "$tmp/hook/events" <<'PY' || fail "the failure is not reported right"
import json, sys
evs = [json.loads(r["body"]) for r in map(json.loads, open(sys.argv[1])) if r["path"] == "/fail"]
seq = [(e["event_type"], e["name"], e.get("result")) for e in evs if e["event_type"] != "progress"]
want = [("start", "azl-installer", None),
        ("start", "azl-installer/pre", None), ("finish", "azl-installer/pre", "SUCCESS"),
        ("start", "azl-installer/storage", None), ("finish", "azl-installer/storage", "SUCCESS"),
        ("start", "azl-installer/packages", None), ("finish", "azl-installer/packages", "FAIL"),
        ("finish", "azl-installer", "FAIL")]
assert seq == want, "sequence:\n%s\nwanted:\n%s" % (seq, want)
ph, fin = [e for e in evs if e["event_type"] == "finish"][-2:]
for e in (ph, fin):
    assert e["phase"] == "packages", e
    assert isinstance(e["reason"], str) and "repo-link" in e["reason"], e
    assert isinstance(e["errno"], int) and e["errno"] > 0, e
assert fin["exit_code"] == 3, fin
assert fin["description"] == fin["reason"], fin
print("reason: " + fin["reason"].splitlines()[0])
PY
grep -q "^azl-installer: the install failed in step 'packages'" "$tmp/out2" ||
	fail "the console does not say what the webhook says: $(cat "$tmp/out2")"
ok "a failing install reports FAIL with phase 'packages' and the reason, exit 3"

# --- 3. an engine that never answers, or is not there ---------------------
receiver sleep hung
sp=$(port hung)
dead=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
echo "ro" >"$tmp/cmdline" # no azl.report=, no syslog
timed() { # timed ENDPOINT|- : seconds of an install that stops after storage
	if [ "$1" = - ]; then
		sed '/^reporting:/,$d' "$tmp/a.yaml" >"$tmp/c.yaml"
	else
		answers "$tmp/c.yaml" "$1" "$(realpath "$repo")"
	fi
	truncate -s 0 "$tmp/disk.img"
	truncate -s 4G "$tmp/disk.img"
	local t0 t1 rc=0
	t0=$(date +%s.%N)
	"$bin" install --answers "$tmp/c.yaml" --disk "$tmp/disk.img" --yes \
		--stop-after storage --log "$tmp/install3.log" >"$tmp/out3" 2>&1 || rc=$?
	t1=$(date +%s.%N)
	[ $rc -eq 0 ] || fail "install with endpoint $1: exit $rc: $(tail -5 "$tmp/out3")"
	echo "$t1 - $t0" | bc
}
base=$(timed -)
hung=$(timed "http://127.0.0.1:$sp/")
grep -q "reporting: 'http://127.0.0.1:$sp/': .* abandoned at the end" "$tmp/install3.log" ||
	grep -q "reporting: 'http://127.0.0.1:$sp/': .* failed" "$tmp/install3.log" ||
	fail "the hung endpoint's losses are not logged: $(grep reporting "$tmp/install3.log")"
gone=$(timed "http://127.0.0.1:$dead/")
grep -q "reporting: 'http://127.0.0.1:$dead/': 0 events sent" "$tmp/install3.log" ||
	fail "the dead endpoint's losses are not logged: $(grep reporting "$tmp/install3.log")"
extra_hung=$(echo "$hung - $base" | bc)
extra_gone=$(echo "$gone - $base" | bc)
echo "stop after storage: ${base} s without reporting; a webhook that never answers: ${hung} s (+${extra_hung}); nothing listening: ${gone} s (+${extra_gone})"
# The flush waits at most 5 s (REPORT_FLUSH_MS) and a POST under way ends
# within about a second of it: generous bounds, never a flake.
[ "$(echo "$extra_hung < 30" | bc)" = 1 ] || fail "a hung webhook delayed the install by $extra_hung s"
[ "$(echo "$extra_gone < 30" | bc)" = 1 ] || fail "a dead webhook delayed the install by $extra_gone s"
ok "a hung or dead webhook delays the install by the bounded flush only"
