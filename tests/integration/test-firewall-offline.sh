#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Kickstart firewall rules (--service, --port, --trust, --remove-service)
# into firewalld's offline configuration of the target (docs/kickstart.md):
# `install --root T --start-at configure` with the answer file `convert`
# makes of a kickstart. T holds firewalld's own public.xml (the zone file
# firewalld ships: /usr/lib/firewalld/zones/public.xml) and a
# firewalld.conf; read back: /etc/firewalld/zones/public.xml keeps the
# zone's own text, has the added services and ports, not the removed
# service, parses as XML; trusted.xml holds the interface. Without
# firewalld in the target: a warning, nothing written.
set -euo pipefail

[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root"; exit 77; }
build=${AZL_BUILD_DIR:-$(dirname "$0")/../../build}
bin=${AZL_BIN:-$build/azl-installer}
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

tmp=$(mktemp -d /tmp/test-firewall-offline.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/ks.cfg" <<'KS'
lang en_US.UTF-8
keyboard us
timezone UTC
rootpw --lock
firewall --enabled --service=http,cockpit --port=8080:tcp --port=60000-61000:udp --trust=eth1 --remove-service=dhcpv6-client
KS
"$bin" convert "$tmp/ks.cfg" -o "$tmp/a.yaml" 2>"$tmp/convert.err" || { cat "$tmp/convert.err"; fail "convert"; }
! grep -q "'firewall'" "$tmp/convert.err" || { cat "$tmp/convert.err"; fail "convert still warns about the firewall rules"; }

mkroot() { # dir with-firewalld
	mkdir -p "$1/etc" "$1/usr/lib/systemd/system" "$1/root"
	: >"$1/etc/passwd"
	if [ "$2" = yes ]; then
		mkdir -p "$1/usr/lib/firewalld/zones" "$1/etc/firewalld"
		cat >"$1/usr/lib/firewalld/zones/public.xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<zone>
  <short>Public</short>
  <description>For use in public areas. You do not trust the other computers on networks to not harm your computer. Only selected incoming connections are accepted.</description>
  <service name="ssh"/>
  <service name="dhcpv6-client"/>
  <forward/>
</zone>
XML
		printf '# firewalld config file\nDefaultZone=public\nCleanupOnExit=yes\n' >"$1/etc/firewalld/firewalld.conf"
		printf '[Unit]\nDescription=firewalld\n[Install]\nWantedBy=multi-user.target\n' >"$1/usr/lib/systemd/system/firewalld.service"
	fi
}
mkroot "$tmp/T" yes
"$bin" install --root "$tmp/T" --start-at configure --answers "$tmp/a.yaml" --log "$tmp/install.log" >"$tmp/out" 2>&1 ||
	{ cat "$tmp/out"; tail -20 "$tmp/install.log"; fail "install --root"; }
z=$tmp/T/etc/firewalld/zones/public.xml
[ -f "$z" ] || { tail -20 "$tmp/install.log"; fail "no /etc/firewalld/zones/public.xml"; }
python3 - "$z" "$tmp/T/etc/firewalld/zones/trusted.xml" <<'PY' || fail "zone files: $(cat "$z")"
import sys, xml.etree.ElementTree as ET
z = ET.parse(sys.argv[1]).getroot()
assert z.tag == "zone" and z.find("short").text == "Public"
assert z.find("forward") is not None, "the zone's own elements are kept"
services = sorted(s.get("name") for s in z.findall("service"))
assert services == ["cockpit", "http", "ssh"], services
ports = sorted((p.get("port"), p.get("protocol")) for p in z.findall("port"))
assert ports == [("60000-61000", "udp"), ("8080", "tcp")], ports
t = ET.parse(sys.argv[2]).getroot()
assert [i.get("name") for i in t.findall("interface")] == ["eth1"]
PY
[ -L "$tmp/T/etc/systemd/system/multi-user.target.wants/firewalld.service" ] || fail "firewalld not enabled"
ok "public.xml: firewalld's zone kept, http/cockpit and the ports added, dhcpv6-client removed; eth1 trusted; firewalld enabled"

mkroot "$tmp/N" no
"$bin" install --root "$tmp/N" --start-at configure --answers "$tmp/a.yaml" --log "$tmp/n.log" >"$tmp/n.out" 2>&1 || true
grep -q "firewall rules (services.firewall) are not written: the target has no firewalld" "$tmp/n.log" ||
	{ tail -20 "$tmp/n.log"; fail "no warning without firewalld"; }
[ ! -e "$tmp/N/etc/firewalld" ] || fail "firewalld files written into a target without firewalld"
ok "no firewalld in the target: a warning, nothing written"
echo "all firewall checks passed"
