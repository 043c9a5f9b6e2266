#!/bin/bash
# The trust boundary of package repositories (DESIGN.md, Trust;
# docs/packages.md, Signatures), against a hostile repository: the demo
# repository's real RPMs re-signed with another key, that key published
# as its repodata/repomd.xml.key and RPM-GPG-KEY-azl-demo, served over
# HTTP on 127.0.0.1.
#   - gpgcheck with no pinned key (answer file, --repo): refused, exit 2,
#     nothing written (no root directory, the disk image all zero, not a
#     byte asked of the server);
#   - a key URL with the wrong pinned fingerprint, or with two keys in one
#     block: refused, exit 2, nothing written; a key URL with no
#     fingerprint is an answer-file error (validate, exit 1);
#   - a local repository's key file that is a symlink out of it: refused;
#   - the genuine repository over HTTP with its key pinned by URL and
#     fingerprint (or by --repo-gpgkey-fingerprint): installs, only that
#     key in the rpmdb; the hostile one with the genuine key pinned: its
#     packages are refused (exit 3), nothing installed.
# And credentials in URLs (user:password@, ?token=) never reach the log,
# stderr or stdout.
set -euo pipefail

. "$(dirname "$0")/demo-repo-lib.sh" test-repo-trust

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || :; done
	for l in $(losetup -n -O NAME,BACK-FILE -l | awk -v t="$tmp/" 'index($2, t) == 1 {print $1}'); do
		losetup -d "$l" 2>/dev/null || :
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
export GNUPGHOME=$tmp/gnupg
mkdir -m 700 "$GNUPGHOME"
fpr_of() { gpg --show-keys --with-colons "$1" 2>/dev/null | awk -F: '/^fpr/ && !f {print $10; f = 1}'; }

# --- the hostile repository ------------------------------------------------
gpg --batch --quiet --gen-key <<'EOT'
%no-protection
Key-Type: RSA
Key-Length: 2048
Key-Usage: sign
Name-Real: Hostile mirror
Name-Email: hostile@invalid
Expire-Date: 0
%commit
EOT
gpg --armor --export hostile@invalid >"$tmp/hostile.asc"
hostile=$tmp/hostile
mkdir -p "$hostile/Packages"
cp "$repo"/Packages/*.rpm "$hostile/Packages/"
cp "$repo"/comps.xml "$hostile/"
rpmsign --delsign "$hostile"/Packages/*.rpm >/dev/null 2>&1
rpmsign --addsign --define "_gpg_name hostile@invalid" --define "_gpg_path $GNUPGHOME" \
	--define "__gpg /usr/bin/gpg" "$hostile"/Packages/*.rpm >/dev/null 2>&1
createrepo_c -q --groupfile "$hostile/comps.xml" "$hostile" >/dev/null
cp "$tmp/hostile.asc" "$hostile/repodata/repomd.xml.key"
cp "$tmp/hostile.asc" "$hostile/RPM-GPG-KEY-azl-demo"
good_fpr=$(fpr_of "$repo/RPM-GPG-KEY-azl-demo")
bad_fpr=$(fpr_of "$tmp/hostile.asc")
[ -n "$good_fpr" ] && [ -n "$bad_fpr" ] && [ "$good_fpr" != "$bad_fpr" ] || fail "no fingerprints"
rpm -qp --qf '%{RSAHEADER:pgpsig}\n' "$(ls "$hostile"/Packages/setup-*.rpm)" | grep -i "${bad_fpr: -16}" >/dev/null ||
	fail "the hostile packages are not signed by the hostile key"

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
serve() { # DIR PORT LOG
	python3 -m http.server --bind 127.0.0.1 --directory "$1" "$2" >"$3" 2>&1 &
	pids+=($!)
	for _ in $(seq 50); do curl -sf "http://127.0.0.1:$2/repodata/repomd.xml" >/dev/null && break; sleep 0.1; done
	curl -sf "http://127.0.0.1:$2/repodata/repomd.xml" >/dev/null || fail "the server of $1 does not answer"
	: >"$3"
}
hp=$(port)
serve "$hostile" "$hp" "$tmp/hostile.log"
gp=$(port)
serve "$repo" "$gp" "$tmp/good.log"
H=http://127.0.0.1:$hp
G=http://127.0.0.1:$gp

install() { # NAME ANSWERS [ARGS...] -> $rc; --root $tmp/NAME
	rc=0
	"$bin" install --root "$tmp/$1" --answers "$2" --stop-after packages \
		--log "$tmp/$1.log" "${@:3}" >"$tmp/$1.out" 2>"$tmp/$1.err" || rc=$?
}
answers() { # FILE REPO-ENTRY
	printf 'version: 1\npackages:\n  repos: [%s]\n  install: [filesystem]\n' "$2" >"$1"
}
nothing_written() { # NAME SERVER-LOG
	[ ! -e "$tmp/$1" ] || fail "$1: the root directory was created: $(ls -A "$tmp/$1")"
	# (a key may have been fetched to be checked; nothing else)
	if grep -Eq 'GET /(Packages/|repodata/[^ ]*(\.xml|\.gz|\.zst) )' "$2"; then
		fail "$1: packages or metadata were fetched: $(cat "$2")"
	fi
}

# --- no pinned key: refused before anything is written ---------------------
answers "$tmp/a.yaml" "{name: web, baseurl: \"$H/\", gpgcheck: true}"
install a "$tmp/a.yaml"
[ $rc -eq 2 ] || { cat "$tmp/a.err"; fail "a remote repository without a pinned key: exit $rc, not 2"; }
grep -q "no pinned key" "$tmp/a.err" || fail "stderr does not say why: $(cat "$tmp/a.err")"
grep -q "gpgkey_fingerprint" "$tmp/a.err" || fail "stderr does not say how to pin a key"
grep -q "nothing was written" "$tmp/a.err" || fail "stderr does not say nothing was written"
nothing_written a "$tmp/hostile.log"
[ ! -s "$tmp/hostile.log" ] || fail "the hostile server was asked: $(cat "$tmp/hostile.log")"
install a2 "$tmp/a.yaml" --repo "$H/"
[ $rc -eq 2 ] || fail "--repo URL without --repo-gpgkey: exit $rc, not 2"
grep -q "azl.repo.gpgkey.fingerprint" "$tmp/a2.err" || fail "no word of the kernel options: $(cat "$tmp/a2.err")"
nothing_written a2 "$tmp/hostile.log"
ok "no pinned key: refused (exit 2), the server not even asked, nothing written"

# The same into a disk image: refused before the disk is touched.
truncate -s 4G "$tmp/disk.img"
cat >"$tmp/d.yaml" <<EOT
version: 1
storage: {wipe: all, table: gpt, layout: plain, filesystem: ext4, swap: none}
bootloader: {firmware: bios}
accounts: {root: {lock: true}}
packages:
  repos: [{name: web, baseurl: "$H/", gpgcheck: true}]
  install: [filesystem]
EOT
rc=0
"$bin" install --answers "$tmp/d.yaml" --disk "$tmp/disk.img" --yes --log "$tmp/d.log" \
	>"$tmp/d.out" 2>"$tmp/d.err" || rc=$?
[ $rc -eq 2 ] || { cat "$tmp/d.err"; fail "disk install without a pinned key: exit $rc, not 2"; }
grep -q "no pinned key" "$tmp/d.err" || fail "the disk install failed for another reason: $(cat "$tmp/d.err")"
cmp -s -n "$(stat -c %s "$tmp/disk.img")" "$tmp/disk.img" /dev/zero || fail "the disk image was written to"
[ -z "$(losetup -n -O NAME,BACK-FILE -l | grep "$tmp/")" ] || fail "a loop device was left attached"
ok "disk install without a pinned key: exit 2, the image all zero"

# --- a key URL: its fingerprint is pinned, or it is an answer-file error ----
answers "$tmp/v.yaml" "{name: web, baseurl: \"$H/\", gpgkey: \"$H/repodata/repomd.xml.key\"}"
rc=0
"$bin" validate "$tmp/v.yaml" 2>"$tmp/v.err" || rc=$?
[ $rc -eq 1 ] || fail "validate: a key URL without a fingerprint: exit $rc, not 1"
grep -q "v.yaml:3:.*gpgkey_fingerprint" "$tmp/v.err" || fail "validate does not point at the repository: $(cat "$tmp/v.err")"
answers "$tmp/v2.yaml" "{name: web, baseurl: \"$H/\", gpgkey: \"$H/k\", gpgkey_fingerprint: \"1234 5678\"}"
rc=0
"$bin" validate "$tmp/v2.yaml" 2>"$tmp/v2.err" || rc=$?
[ $rc -eq 1 ] && grep -q "not a full OpenPGP fingerprint" "$tmp/v2.err" || fail "a short fingerprint was accepted (exit $rc)"
ok "validate: a key URL needs its full fingerprint (exit 1)"

answers "$tmp/b.yaml" "{name: web, baseurl: \"$H/\", gpgkey: \"$H/repodata/repomd.xml.key\", gpgkey_fingerprint: \"$good_fpr\"}"
install b "$tmp/b.yaml"
[ $rc -eq 2 ] || { cat "$tmp/b.err"; fail "a key with the wrong fingerprint: exit $rc, not 2"; }
grep -q "has the fingerprint $bad_fpr, not the pinned $good_fpr" "$tmp/b.err" || fail "no word of the fingerprints: $(cat "$tmp/b.err")"
nothing_written b "$tmp/hostile.log"
install b2 "$tmp/a.yaml" --repo "$H/" --repo-gpgkey "$H/RPM-GPG-KEY-azl-demo" --repo-gpgkey-fingerprint "$good_fpr"
[ $rc -eq 2 ] || fail "--repo-gpgkey with the wrong fingerprint: exit $rc, not 2"
nothing_written b2 "$tmp/hostile.log"
# One armored block with the genuine key first and the hostile one behind.
gpg --batch --quiet --import "$repo/RPM-GPG-KEY-azl-demo"
gpg --armor --export azl-demo@invalid hostile@invalid >"$hostile/two.asc"
answers "$tmp/b3.yaml" "{name: web, baseurl: \"$H/\", gpgkey: \"$H/two.asc\", gpgkey_fingerprint: \"$good_fpr\"}"
install b3 "$tmp/b3.yaml"
[ $rc -eq 2 ] || fail "two keys in one block behind a pinned fingerprint: exit $rc, not 2"
grep -q "not one armored OpenPGP public key" "$tmp/b3.err" || fail "b3: $(cat "$tmp/b3.err")"
nothing_written b3 "$tmp/hostile.log"
ok "a key that does not match its pinned fingerprint (or hides a second key) is refused, exit 2, nothing written"

# --- a local repository's own key: only a file inside it --------------------
local=$tmp/local
mkdir -p "$local"
cp -r "$hostile/Packages" "$hostile/repodata" "$hostile/comps.xml" "$local/"
rm -f "$local/repodata/repomd.xml.key"
ln -s "$tmp/hostile.asc" "$local/RPM-GPG-KEY-azl-demo"
answers "$tmp/l.yaml" "{name: local, baseurl: \"file://$local\", gpgcheck: true}"
install l "$tmp/l.yaml"
[ $rc -eq 2 ] || fail "a local repository's key symlinked from outside it: exit $rc, not 2"
grep -q "is not a file inside the repository" "$tmp/l.err" || fail "l: $(cat "$tmp/l.err")"
[ ! -e "$tmp/l" ] || fail "l: the root directory was created"
ok "a local repository's key file that leads out of it is refused (exit 2)"

# --- the right pinned key ---------------------------------------------------
spaced=$(echo "$good_fpr" | tr 'A-F' 'a-f' | sed 's/..../& /g')
answers "$tmp/g.yaml" "{name: web, baseurl: \"$G/\", gpgkey: \"$G/RPM-GPG-KEY-azl-demo\", gpgkey_fingerprint: \"$spaced\"}"
"$bin" validate "$tmp/g.yaml" || fail "validate refuses a pinned key URL"
install g "$tmp/g.yaml"
[ $rc -eq 0 ] || { tail "$tmp/g.log"; fail "the genuine repository with its key pinned: exit $rc"; }
rq "$tmp/g" -q setup filesystem >/dev/null || fail "setup and filesystem not installed"
keys=$(rq "$tmp/g" -q gpg-pubkey --qf '%{VERSION}\n')
[ "$keys" = "$(echo "${good_fpr: -8}" | tr 'A-F' 'a-f')" ] || fail "the rpmdb holds the keys '$keys', not only the pinned one"
install g2 "$tmp/a.yaml" --repo "$G/" --repo-gpgkey "$G/RPM-GPG-KEY-azl-demo" --repo-gpgkey-fingerprint "$good_fpr"
[ $rc -eq 0 ] || { tail "$tmp/g2.log"; fail "--repo with --repo-gpgkey-fingerprint: exit $rc"; }
answers "$tmp/g3.yaml" "{name: web, baseurl: \"$G/\", gpgkey: \"$repo/RPM-GPG-KEY-azl-demo\"}"
install g3 "$tmp/g3.yaml"
[ $rc -eq 0 ] || { tail "$tmp/g3.log"; fail "a key file path: exit $rc"; }
ok "the genuine repository with its key pinned (URL + fingerprint, --repo-gpgkey-fingerprint, a path): installs, only that key imported"

answers "$tmp/e.yaml" "{name: web, baseurl: \"$H/\", gpgkey: \"$repo/RPM-GPG-KEY-azl-demo\"}"
install e "$tmp/e.yaml"
[ $rc -eq 3 ] || fail "hostile packages with the genuine key pinned: exit $rc, not 3"
grep -q "is refused: it is signed by a key" "$tmp/e.log" || fail "e: the refused packages are not named"
[ -z "$(rq "$tmp/e" -qa 2>/dev/null | grep -v gpg-pubkey || :)" ] || fail "e: something was installed"
ok "the hostile repository with the genuine key pinned: its packages refused (exit 3), nothing installed"

# --- credentials in URLs never reach a log line or a message ----------------
install c "$tmp/a.yaml" --repo "http://azluser:S3cr3tPw@127.0.0.1:$gp/" \
	--repo-gpgkey "http://azluser:S3cr3tPw@127.0.0.1:$gp/RPM-GPG-KEY-azl-demo" --repo-gpgkey-fingerprint "$good_fpr"
[ $rc -eq 0 ] || { tail "$tmp/c.log"; fail "a repository URL with credentials: exit $rc"; }
grep -q "http://\*\*\*@127.0.0.1:$gp/" "$tmp/c.log" || fail "the log does not name the repository (redacted)"
install c2 "$tmp/a.yaml" --repo "http://azluser:S3cr3tPw@127.0.0.1:$gp/no-such-repo/?token=Tok3nVal&arch=x86_64" \
	--repo-gpgkey "$repo/RPM-GPG-KEY-azl-demo"
[ $rc -ne 0 ] || fail "a repository that does not exist was accepted"
grep -q "no-such-repo/?token=\*\*\*&arch=x86_64" "$tmp/c2.log" || fail "the failing URL is not in the log (redacted): $(grep no-such "$tmp/c2.log" | head -3)"
rc=0
"$bin" validate "http://azluser:S3cr3tPw@127.0.0.1:$gp/answers.yaml?password=Tok3nVal" \
	>"$tmp/c3.out" 2>"$tmp/c3.err" || rc=$?
[ $rc -eq 1 ] && grep -q "http://\*\*\*@127.0.0.1:$gp/answers.yaml?password=\*\*\*" "$tmp/c3.err" ||
	fail "validate of a missing URL: exit $rc: $(cat "$tmp/c3.err")"
if grep -l "S3cr3tPw\|Tok3nVal" "$tmp"/c*.log "$tmp"/c*.out "$tmp"/c*.err; then
	fail "a credential of a URL was logged or printed"
fi
ok "credentials in URLs are redacted in the log, on stderr and stdout"
