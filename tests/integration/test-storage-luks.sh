#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# LUKS2 as the installer formats it (luks_format() through the luks-format
# helper), checked with cryptsetup on the host, which can format and test
# passphrases without device-mapper: LUKS2, aes-xts-plain64, 512-bit key,
# the label, argon2id by default, a cheaper PBKDF only when asked.
. "$(dirname "$0")/storage-lib.sh"

helper=${AZL_BUILD_DIR:?}/tests/luks-format
[ -x "$helper" ] || fail "no $helper"

d=$(img luks.img 64M)
l=$(losetup -f --show "$d")
own_loops="$own_loops $l"

# The cheap settings an answer file may ask for (tests, small machines).
uuid=$(printf 'correct horse' | "$helper" "$l" azl-test pbkdf2 0 10)
cryptsetup luksDump "$l" >"$tmp/dump"
grep -q "^Version:[[:space:]]*2$" "$tmp/dump" || fail "not LUKS2"
grep -q "^Label:[[:space:]]*azl-test$" "$tmp/dump" || fail "label"
grep -q "^UUID:[[:space:]]*$uuid$" "$tmp/dump" || fail "UUID $uuid not reported"
grep -q "cipher: aes-xts-plain64" "$tmp/dump" || fail "cipher"
grep -q "Cipher key:[[:space:]]*512 bits" "$tmp/dump" || fail "key size"
grep -q "PBKDF:[[:space:]]*pbkdf2" "$tmp/dump" || fail "pbkdf2 was asked for"
printf 'correct horse' | cryptsetup open --test-passphrase --key-file=- "$l" ||
	fail "the passphrase does not open it"
if printf 'wrong horse' | cryptsetup open --test-passphrase --key-file=- "$l" 2>/dev/null; then
	fail "a wrong passphrase opens it"
fi
echo "ok: LUKS2 with pbkdf2 on request"

# argon2id with little memory, as pbkdf_memory asks.
printf 's3cret' | "$helper" "$l" azl-small argon2id 32768 10 >/dev/null
cryptsetup luksDump "$l" >"$tmp/dump"
grep -q "PBKDF:[[:space:]]*argon2id" "$tmp/dump" || fail "argon2id"
grep -q "Memory:[[:space:]]*32768" "$tmp/dump" || fail "memory cost: $(grep Memory "$tmp/dump")"
printf 's3cret' | cryptsetup open --test-passphrase --key-file=- "$l" || fail "argon2id passphrase"
echo "ok: argon2id with a small memory cost"

# The default, nothing asked: argon2id (libcryptsetup's own benchmark).
printf 'default' | "$helper" "$l" azl-default >/dev/null
cryptsetup luksDump "$l" >"$tmp/dump"
grep -q "PBKDF:[[:space:]]*argon2id" "$tmp/dump" || fail "the default is not argon2id"
grep -q "^Label:[[:space:]]*azl-default$" "$tmp/dump" || fail "default label"
echo "ok: argon2id by default"
