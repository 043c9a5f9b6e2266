#!/bin/bash
# Benchmark (d): the package phase with its repository served over HTTP
# from a network namespace, against the same from file://; dnf the same two
# ways. The namespace is reached through a veth pair shaped to 1 Gbit/s
# each way (tc tbf) and a 20 ms round trip: the kernel of the build machine
# has no netem (CONFIG_NET_SCH_NETEM unset), so the delay is
# bench/delay-line.c, a TCP relay in the namespace (built here) that holds
# every chunk 10 ms each way and a new connection's first request one more
# round trip (its comment says what it does not model). The server is
# nginx (HTTP/1.1, keep-alive, sendfile, range requests), as on a
# mirror; AZL_BENCH_SERVER=python serves with bench/http-serve.py and
# AZL_BENCH_RELAY=python delays with bench/delay-line.py instead, the rig
# of the earlier figures. AZL_BENCH_RELAY=none: no delay line at all (the
# server listens on the shaped veth itself, ONE_WAY_MS is ignored): what
# the network path costs on this machine with no round trip to wait for,
# the control for what the delay costs. AZL_BENCH_CPUS=split: the mirror
# (server and delay line) on CPU 1 and every contender confined to CPU 0,
# as if the mirror were another machine and the installer's had one core
# (the default, shared: all of them on all cores). Before each run the
# downloaded packages are deleted (the metadata caches stay warm, as in
# bench-install.sh); after each run the root's rpmdb must list exactly the
# chosen packages, and the HTTP runs must have downloaded every one of
# them, else the benchmark fails. Root only; asserts nothing about time.
#
#   bench/bench-network.sh [BUILD_DIR] [RUNS] [REPO] [ONE_WAY_MS]
#       defaults: build, 5, real-repo, 10
# AZL_BIN=A AZL_BIN_B=B: two builds of the installer side by side instead
# of the installer and dnf (each over HTTP and from file://, alternating).
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
. "$src/tests/nginx-conf.sh"
build=$(realpath "${1:-$src/build}")
runs=${2:-5}
which=${3:-real-repo}
ms=${4:-10}
bin=${AZL_BIN:-$build/azl-installer}
relay=${AZL_BENCH_RELAY:-c}
case $relay in c | python | none) ;; *)
	echo "AZL_BENCH_RELAY='$relay': expected c, python or none" >&2
	exit 2
	;;
esac
cpus=${AZL_BENCH_CPUS:-shared}
srvpin=() clipin=()
case $cpus in
shared) ;;
split)
	taskset -c 0,1 true 2>/dev/null || { echo "AZL_BENCH_CPUS=split needs CPUs 0 and 1" >&2; exit 2; }
	srvpin=(taskset -c 1) clipin=(--cpus 0)
	;;
*)
	echo "AZL_BENCH_CPUS='$cpus': expected shared or split" >&2
	exit 2
	;;
esac
repo=$build/$which
[ -f "$repo/repodata/repomd.xml" ] || nice -n 10 cmake --build "$build" --target "$which" >/dev/null
repo=$(realpath "$repo")
key=$(ls "$repo"/RPM-GPG-KEY-* | sed -n 1p)
[ -n "${AZL_BIN_B:-}" ] || command -v dnf >/dev/null && [ -x /usr/bin/time ] && [ -x /usr/sbin/nginx ] || {
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends dnf time nginx-light >/dev/null
}
work=${BENCH_DIR:-/var/tmp/azl-bench}/network-$which
rm -rf "$work"
mkdir -p "$work"
export AZL_CACHE_DIR=$work/cache

# --- the network -------------------------------------------------------------
ns=azlbench$$
vh=azlb$$h
vn=azlb$$n
net=10.231.$(($$ % 250)).
fresh=$src/bench/fresh-root.sh
cleanup() {
	for r in r-azl-http r-azl-file r-dnf-http r-dnf-file; do "$fresh" -u "$work/$r" 2>/dev/null || :; done
	[ -n "${srvpids:-}" ] && kill $srvpids 2>/dev/null
	ip link del "$vh" 2>/dev/null || :
	ip netns del "$ns" 2>/dev/null || :
}
trap cleanup EXIT
ip netns add "$ns"
ip link add "$vh" type veth peer name "$vn"
ip link set "$vn" netns "$ns"
ip addr add "${net}1/24" dev "$vh"
ip link set "$vh" up
ip -n "$ns" addr add "${net}2/24" dev "$vn"
ip -n "$ns" link set "$vn" up
ip -n "$ns" link set lo up
# 1 Gbit/s each way (AZL_BENCH_RATE: another tc rate, e.g. 200mbit); a
# burst of 1 MiB, at most 50 ms queued.
rate=${AZL_BENCH_RATE:-1gbit}
tc qdisc add dev "$vh" root tbf rate "$rate" burst 1mb latency 50ms
tc -n "$ns" qdisc add dev "$vn" root tbf rate "$rate" burst 1mb latency 50ms
# Behind the delay line the server listens on the namespace's loopback;
# with none, on the veth where the clients reach it.
if [ "$relay" = none ]; then
	srvhost=${net}2 srvport=8080
	ms=0
else
	srvhost=127.0.0.1 srvport=8081
fi
if [ "${AZL_BENCH_SERVER:-nginx}" = python ]; then
	ip netns exec "$ns" "${srvpin[@]}" python3 "$src/bench/http-serve.py" "$repo" "$srvhost" "$srvport" &
	srvpids=$!
else
	# One worker: the server is not what is measured.
	nginx_conf "$work" "$srvhost:$srvport" "$repo" 1
	ip netns exec "$ns" "${srvpin[@]}" /usr/sbin/nginx -p "$work/nginx" -c "$work/nginx.conf" &
	srvpids=$!
fi
if [ "$relay" = python ]; then
	ip netns exec "$ns" "${srvpin[@]}" python3 "$src/bench/delay-line.py" "${net}2" 8080 127.0.0.1 8081 "$ms" &
	srvpids="$srvpids $!"
elif [ "$relay" = c ]; then
	cc -O2 -Wall -Wextra -Werror -pthread -o "$work/delay-line" "$src/bench/delay-line.c"
	ip netns exec "$ns" "${srvpin[@]}" "$work/delay-line" "${net}2" 8080 127.0.0.1 8081 "$ms" &
	srvpids="$srvpids $!"
fi
url=http://${net}2:8080/
for _ in $(seq 100); do curl -sf -o /dev/null "${url}repodata/repomd.xml" && break; sleep 0.1; done
rtt=$(curl -s -o /dev/null -w '%{time_starttransfer}' "${url}repodata/repomd.xml")
# The same request twice on one connection: the second is a kept-alive one.
rtt2=$(curl -s -o /dev/null -o /dev/null -w '%{time_starttransfer} ' "${url}repodata/repomd.xml" "${url}repodata/repomd.xml" | cut -d' ' -f2)
big=$(ls -S "$repo"/Packages/*.rpm | sed -n 1p)
rate=$(curl -s -o /dev/null -w '%{speed_download}' "${url}Packages/$(basename "$big")")
echo "network: $url (delay line: $relay, ${ms} ms each way), one new connection's first answer after ${rtt} s (handshake + request), on a kept-alive one after ${rtt2} s, $(basename "$big") at $(echo "scale=1; $rate * 8 / 1000000" | bc) Mbit/s; CPUs: $cpus${srvpin:+ (mirror on CPU 1, contenders on CPU 0)}"

# --- the contenders ------------------------------------------------------------
answers() { # FILE BASEURL
	cat >"$1" <<EOT
version: 1
packages:
  repos: [{name: azl, baseurl: "$2", gpgcheck: true, gpgkey: "$key"}]
  install: ["@minimal"]
EOT
}
answers "$work/file.yaml" "file://$repo"
answers "$work/http.yaml" "$url"
"$bin" install --root "$work/solve" --answers "$work/file.yaml" \
	--stop-after depsolve --progress=json | grep -v '^{' | sort >"$work/nevras"
n=$(wc -l <"$work/nevras")
bytes=0
while read -r nevra; do bytes=$((bytes + $(stat -c %s "$repo/Packages/$nevra.rpm"))); done <"$work/nevras"
echo "$n packages, $bytes bytes ($(echo "scale=1; $bytes / 1048576" | bc) MiB) of RPMs"

db=/usr/lib/sysimage/rpm
cat >"$work/same.sh" <<EOT
#!/bin/bash
set -euo pipefail
rpm --root "\$1" --dbpath $db -qa --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\n' |
	grep -v '^gpg-pubkey-' | sort >"\$1.qa"
diff "\$1.qa" $work/nevras >"\$1.diff" || {
	echo "FAIL: \$1 does not hold the chosen packages" >&2; head -20 "\$1.diff" >&2; exit 1; }
# An HTTP run must have downloaded every package (into \$2).
if [ -n "\${2:-}" ]; then
	got=\$(find \$2 -name '*.rpm' | wc -l)
	[ "\$got" -eq $n ] || { echo "FAIL: \$1: \$got of $n packages downloaded" >&2; exit 1; }
fi
EOT
chmod +x "$work/same.sh"

azl() { # BINARY ANSWERS ROOT
	echo "$1 install --root $work/$3 --answers $work/$2 --stop-after packages --progress=json"
}
mkdir -p "$work/dnf-home"
echo "%_dbpath $db" >"$work/dnf-home/.rpmmacros"
dnfbase() { # REPOURL ROOT CACHE
	echo "HOME=$work/dnf-home dnf --installroot $work/$2 --setopt=reposdir=/dev/null --setopt=cachedir=$work/$3 --repofrompath=azl,$1 --setopt=azl.gpgcheck=1 --setopt=localpkg_gpgcheck=1 --setopt=install_weak_deps=False --setopt=keepcache=True --setopt=metadata_expire=-1 --releasever=4.0 --forcearch=x86_64 -q -y"
}
dnfcmd() { # REPOURL ROOT CACHE
	echo "rpm --root $work/$2 --dbpath $db --import $key && $(dnfbase "$1" "$2" "$3") install $(tr '\n' ' ' <"$work/nevras")"
}

# Metadata caches warm: the installer's (both repositories) and dnf's.
for y in file http; do
	for b in "$bin" ${AZL_BIN_B:+"$AZL_BIN_B"}; do
		"$b" install --root "$work/solve" --answers "$work/$y.yaml" --stop-after depsolve >/dev/null
	done
done
conns() { # how many requests over how many connections, all runs so far
	[ -f "$work/access.log" ] || return 0
	echo "nginx: $(wc -l <"$work/access.log") requests over $(awk '{ print $8 }' "$work/access.log" | sort -u | wc -l) connections in all"
}
for c in file http; do
	[ -z "${AZL_BIN_B:-}" ] || break
	u="file://$repo"
	[ $c = http ] && u=$url
	mkdir -p "$work/r-dnf-$c"
	sh -c "$(dnfbase "$u" "r-dnf-$c" "dnf-cache-$c") makecache" >/dev/null
	rm -rf "$work/r-dnf-$c"
done

# A and B: the installer (AZL_BIN) over HTTP and from file://. C and D:
# dnf the same two ways, or with AZL_BIN_B a second build of the installer.
if [ -n "${AZL_BIN_B:-}" ]; then
	names=("A http" "A file" "B http" "B file")
	c=(--prep-c "rm -rf $AZL_CACHE_DIR/azl-*/Packages; $fresh $work/r-dnf-http; sync"
		--c "$(azl "$AZL_BIN_B" http.yaml r-dnf-http)" --check-c "$work/same.sh $work/r-dnf-http $AZL_CACHE_DIR")
	d=(--d "$(azl "$AZL_BIN_B" file.yaml r-dnf-file)")
else
	names=("azl-installer http" "azl-installer file" "dnf http" "dnf file")
	c=(--prep-c "find $work/dnf-cache-http -name '*.rpm' -delete; $fresh $work/r-dnf-http; sync"
		--c "$(dnfcmd "$url" r-dnf-http dnf-cache-http)" --check-c "$work/same.sh $work/r-dnf-http $work/dnf-cache-http")
	d=(--d "$(dnfcmd "file://$repo" r-dnf-file dnf-cache-file)")
fi
python3 "$src/bench/alternate.py" --runs "$runs" "${clipin[@]}" \
	--name-a "${names[0]}" --prep-a "rm -rf $AZL_CACHE_DIR/azl-*/Packages; $fresh $work/r-azl-http; sync" \
	--a "$(azl "$bin" http.yaml r-azl-http)" --check-a "$work/same.sh $work/r-azl-http $AZL_CACHE_DIR" \
	--name-b "${names[1]}" --prep-b "$fresh $work/r-azl-file; sync" \
	--b "$(azl "$bin" file.yaml r-azl-file)" --check-b "$work/same.sh $work/r-azl-file" \
	--name-c "${names[2]}" "${c[@]}" \
	--name-d "${names[3]}" --prep-d "$fresh $work/r-dnf-file; sync" "${d[@]}" --check-d "$work/same.sh $work/r-dnf-file" \
	--ratio c/d --json "$work/result.json"
echo "same $n packages, every run, in all four roots; every HTTP run downloaded all of them"
conns
[ -z "${AZL_BIN_B:-}" ] || { echo "A: $bin; B: $AZL_BIN_B"; exit 0; }
echo "azl http command: $(azl "$bin" http.yaml r-azl-http)"
echo "dnf http command: $(dnfcmd "$url" r-dnf-http dnf-cache-http)" | cut -c1-400
