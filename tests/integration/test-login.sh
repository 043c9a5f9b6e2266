#!/bin/bash
# Logging in to a system installed from the demo repository
# (docs/demo-repo.md, "Logging in"): the real installer puts @minimal into
# a --root directory and hashes plaintext passwords with yescrypt ($y$);
# then the installed /usr/bin/login (shadow's, with PAM: pam_unix through
# libxcrypt) is driven on a pseudo-terminal inside the root: the right
# password starts the user's shell (it runs a command and prints the
# result), a wrong one gets "Login incorrect", and root logs in too.
# A control shows busybox's login, which the demo used before, refusing
# the same $y$ hash. The chroot gets /dev and /proc in a private mount
# namespace (unshare -m), so nothing stays mounted.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "not root: skipped"; exit 77; fi
: "${AZL_BIN:?}" "${AZL_BUILD_DIR:?}"
repo=$AZL_BUILD_DIR/demo-repo
# Incremental: rebuilt only when iso/demo-repo changed.
cmake --build "$AZL_BUILD_DIR" --target demo-repo >/dev/null

tmp=$(mktemp -d /tmp/test-login.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export AZL_CACHE_DIR=$tmp/cache
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
T=$tmp/root

cat >"$tmp/a.yaml" <<'YAML'
version: 1
accounts:
  root: {password: "Root-login-pw-1"}
  users:
    - name: alice
      password: "Alice-login-pw-2"
packages:
  install: ["@minimal"]
YAML
"$AZL_BIN" install --root "$T" --answers "$tmp/a.yaml" --repo "$repo" \
	--log "$tmp/install.log" >"$tmp/out" 2>&1 || { cat "$tmp/out"; fail "install --root failed"; }
ok "install --root of @minimal from the demo repository"

for u in root alice; do
	h=$(awk -F: -v u="$u" '$1 == u {print $2}' "$T/etc/shadow")
	case $h in '$y$'*) ;; *) fail "$u: not a yescrypt hash: ${h:0:4}" ;; esac
done
ok "root and alice have yescrypt (\$y\$) hashes"

rq() { rpm --root "$T" --dbpath /usr/lib/sysimage/rpm "$@"; }
[ "$(rq -qf --qf '%{NAME}' /usr/bin/login)" = util-linux ] || fail "/usr/bin/login not from util-linux"
[ ! -L "$T/usr/bin/login" ] || fail "/usr/bin/login is a link ($(readlink "$T/usr/bin/login")), not the real login"
for f in /usr/lib/x86_64-linux-gnu/libpam.so.0 /usr/lib/x86_64-linux-gnu/security/pam_unix.so /etc/pam.d/other; do
	[ "$(rq -qf --qf '%{NAME}' "$f")" = pam ] || fail "$f not from pam"
done
rq -q --whatrequires pam | grep '^util-linux-' >/dev/null || fail "util-linux does not require pam"
grep -q 'getty -l /usr/bin/login' "$T/etc/inittab" || fail "getty does not run /usr/bin/login"
# pam_unix finds libcrypt (libxcrypt) inside the root.
chroot "$T" /usr/lib64/ld-linux-x86-64.so.2 --list /usr/lib/x86_64-linux-gnu/security/pam_unix.so \
	>"$tmp/ldd" || fail "pam_unix.so's libraries do not resolve in the root"
grep -Eq 'libcrypt.so.1 => /(usr/)?lib/x86_64-linux-gnu/libcrypt.so.1' "$tmp/ldd" ||
	fail "pam_unix.so does not load libcrypt from the root: $(cat "$tmp/ldd")"
if grep -q 'not found' "$tmp/ldd"; then fail "missing libraries: $(grep 'not found' "$tmp/ldd")"; fi
ok "login from util-linux, PAM from pam, pam_unix linking the root's libxcrypt"

# login USER PASSWORD [LOGIN-PROGRAM]: drives LOGIN-PROGRAM (default
# /usr/bin/login) on a pty in the root; prints "shell USER" when a shell
# ran our command as USER, "refused" on "Login incorrect".
login() {
	python3 - "$T" "$@" <<'EOF'
import os, pty, select, signal, sys
root, user, password = sys.argv[1:4]
prog = sys.argv[4:] or ["/usr/bin/login"]
setup = ('mount --rbind /dev "$1/dev" && mount -t proc proc "$1/proc" && '
         'shift && exec chroot "$@"')
pid, fd = pty.fork()
if pid == 0:
    os.execvp("unshare", ["unshare", "-m", "sh", "-c", setup, "sh", root,
                          root] + prog + [user])
buf = b""

def wait_for(*pats):
    # A generous limit so that a hang fails instead of blocking CI; no
    # timing is asserted.
    global buf
    while True:
        for p in pats:
            if p in buf:
                return p
        r, _, _ = select.select([fd], [], [], 120)
        if not r:
            return None
        try:
            data = os.read(fd, 4096)
        except OSError:  # EIO: the other side closed
            return None
        if not data:
            return None
        buf += data

def finish(result):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    print(result)
    sys.stderr.write(buf.decode(errors="replace").replace(password, "<pw>") + "\n")
    sys.exit(0)

if wait_for(b"assword:") is None:
    finish("no password prompt")
os.write(fd, password.encode() + b"\n")
got = wait_for(b"]$ ", b"]# ", b"Login incorrect")
if got is None:
    finish("neither a shell nor a refusal")
if got == b"Login incorrect":
    finish("refused")
os.write(fd, b'echo "MARK-$(id -un)-$((6*7))"; exit\n')
if wait_for(b"MARK-" + user.encode() + b"-42") is None:
    finish("shell did not run the command")
finish("shell " + user)
EOF
}

r=$(login alice Alice-login-pw-2 2>"$tmp/alice.log") || fail "login driver failed"
[ "$r" = "shell alice" ] || { cat "$tmp/alice.log"; fail "alice with the right password: $r"; }
ok "alice logs in with her password (yescrypt via pam_unix/libxcrypt) and gets a shell"

r=$(login alice wrong-password 2>"$tmp/wrong.log") || fail "login driver failed"
[ "$r" = refused ] || { cat "$tmp/wrong.log"; fail "alice with a wrong password: $r"; }
ok "a wrong password is refused (Login incorrect)"

r=$(login root Root-login-pw-1 2>"$tmp/root.log") || fail "login driver failed"
[ "$r" = "shell root" ] || { cat "$tmp/root.log"; fail "root with the right password: $r"; }
ok "root logs in with its password"

# Control: busybox's login (the demo's login before) cannot verify $y$.
r=$(login alice Alice-login-pw-2 /usr/bin/busybox login 2>"$tmp/bb.log") || fail "login driver failed"
[ "$r" = refused ] || { cat "$tmp/bb.log"; fail "control: busybox login with a \$y\$ hash: $r"; }
ok "control: busybox login refuses the same yescrypt hash"
