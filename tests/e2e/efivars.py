#!/usr/bin/env python3
"""Reads the UEFI boot entries from an OVMF variable store (OVMF_VARS.fd).

    efivars.py VARS.fd                       print BootOrder and Boot####
    efivars.py VARS.fd --first-is DESC LOADER
        exit 0 when the first entry of BootOrder is a Boot#### whose
        description is DESC and whose file path ends in LOADER (compared
        without case, as FAT does); print its name (Boot0001)

The store is the firmware volume's authenticated variable store, as
EDK II writes it: after the volume header, a VARIABLE_STORE_HEADER, then
variables aligned to 4 bytes, each an AUTHENTICATED_VARIABLE_HEADER
(StartId 0x55AA, State, Attributes, MonotonicCount, TimeStamp,
PubKeyIndex, NameSize, DataSize, VendorGuid), the UTF-16 name and the
data. A variable is live while its State is VAR_ADDED (0x3F); a rewritten
variable leaves its older copies marked deleted behind it. Boot####
holds an EFI_LOAD_OPTION: Attributes, FilePathListLength, the UTF-16
description, the device path (whose media file path node, type 4
subtype 4, names the loader) and optional data.
"""
import struct
import sys
import uuid

AUTH_STORE = uuid.UUID("aaf32c78-947b-439a-a180-2e144ec37792")
PLAIN_STORE = uuid.UUID("ddcf3616-3275-4164-98b6-fe85707ffe7d")
GLOBAL = uuid.UUID("8be4df61-93ca-11d2-aa0d-00e098032b8c")
VAR_ADDED = 0x3F
VAR_IN_DELETED_TRANSITION = 0xFE


def utf16z(b):
    end = 0
    while end + 1 < len(b) and b[end:end + 2] != b"\0\0":
        end += 2
    return b[:end].decode("utf-16-le"), end + 2


def variables(data):
    """Yields (name, guid, payload) of the live variables."""
    for guid, auth in ((AUTH_STORE, True), (PLAIN_STORE, False)):
        at = data.find(guid.bytes_le)
        if at >= 0:
            break
    else:
        raise SystemExit("efivars.py: no variable store in this file")
    size = struct.unpack_from("<I", data, at + 16)[0]
    end = min(len(data), at + size)
    pos = at + 28  # GUID, Size, Format, State, two reserved fields
    hdr = 60 if auth else 32
    while pos + hdr <= end:
        start_id, state, attrs = struct.unpack_from("<HBxI", data, pos)
        if start_id != 0x55AA:
            break
        if auth:
            name_size, data_size = struct.unpack_from("<II", data, pos + 36)
            guid = uuid.UUID(bytes_le=data[pos + 44:pos + 60])
            hdr_len = 60
        else:
            name_size, data_size = struct.unpack_from("<II", data, pos + 8)
            guid = uuid.UUID(bytes_le=data[pos + 16:pos + 32])
            hdr_len = 32
        name_at = pos + hdr_len
        data_at = name_at + name_size
        live = state in (VAR_ADDED, VAR_ADDED & VAR_IN_DELETED_TRANSITION)
        if live:
            name, _ = utf16z(data[name_at:name_at + name_size])
            yield name, guid, data[data_at:data_at + data_size], state
        pos = (data_at + data_size + 3) & ~3


def load_option(payload):
    """(description, loader path or None) of an EFI_LOAD_OPTION."""
    _attrs, fpl_len = struct.unpack_from("<IH", payload, 0)
    desc, n = utf16z(payload[6:])
    dp = payload[6 + n:6 + n + fpl_len]
    loader = None
    i = 0
    while i + 4 <= len(dp):
        typ, sub, length = struct.unpack_from("<BBH", dp, i)
        if length < 4:
            break
        if typ == 4 and sub == 4:
            loader, _ = utf16z(dp[i + 4:i + length])
        if typ == 0x7F and sub == 0xFF:
            break
        i += length
    return desc, loader


def read(path):
    with open(path, "rb") as f:
        data = f.read()
    boot, order = {}, None
    pending = {}
    for name, guid, payload, state in variables(data):
        if guid != GLOBAL:
            continue
        # A copy in deleted transition counts only when no added copy follows.
        if state != VAR_ADDED:
            pending[name] = payload
            continue
        pending.pop(name, None)
        if name == "BootOrder":
            order = list(struct.unpack("<%dH" % (len(payload) // 2), payload))
        elif len(name) == 8 and name.startswith("Boot") and \
                all(c in "0123456789ABCDEF" for c in name[4:]):
            boot[name] = load_option(payload)
    for name, payload in pending.items():
        if name == "BootOrder" and order is None:
            order = list(struct.unpack("<%dH" % (len(payload) // 2), payload))
        elif name.startswith("Boot") and name not in boot and len(name) == 8:
            boot[name] = load_option(payload)
    return boot, order or []


def main():
    a = sys.argv[1:]
    if len(a) not in (1, 4) or (len(a) == 4 and a[1] != "--first-is"):
        print(__doc__, file=sys.stderr)
        return 2
    boot, order = read(a[0])
    if len(a) == 1:
        print("BootOrder: " + ",".join("%04X" % o for o in order))
        for name in sorted(boot):
            print('%s: "%s" %s' % (name, boot[name][0], boot[name][1] or "-"))
        return 0
    desc, loader = a[2], a[3]
    if not order:
        print("efivars.py: no BootOrder", file=sys.stderr)
        return 1
    first = "Boot%04X" % order[0]
    got = boot.get(first)
    if not got:
        print("efivars.py: BootOrder starts with %s, which does not exist"
              % first, file=sys.stderr)
        return 1
    if got[0] != desc or not got[1] or \
            not got[1].lower().endswith(loader.lower()):
        print('efivars.py: the first entry %s is "%s" %s, not "%s" %s'
              % (first, got[0], got[1], desc, loader), file=sys.stderr)
        return 1
    print(first)
    return 0


if __name__ == "__main__":
    sys.exit(main())
