#!/usr/bin/env python3
"""grub-prefix.py IMAGE: print the prefix a GRUB EFI image was built with
(grub-mkimage -p; Debian's signed GRUB says /EFI/debian), without a device
part. The same reading as installer/boot/efi-image.c; exit 1 when IMAGE is no
GRUB EFI image or has no prefix."""
import struct
import sys


def prefix(d):
    if d[:2] != b"MZ":
        return None
    pe = struct.unpack_from("<I", d, 0x3C)[0]
    if d[pe:pe + 4] != b"PE\0\0":
        return None
    nsec, = struct.unpack_from("<H", d, pe + 6)
    opt, = struct.unpack_from("<H", d, pe + 20)
    for i in range(nsec):
        s = pe + 24 + opt + 40 * i
        if d[s:s + 8] != b"mods\0\0\0\0":
            continue
        raw = struct.unpack_from("<I", d, s + 20)[0]
        magic, _, off, size = struct.unpack_from("<IIQQ", d, raw)
        if magic != 0x676D696D:
            return None
        p = raw + off
        while p + 8 <= raw + size:
            typ, n = struct.unpack_from("<II", d, p)
            if n < 8:
                return None
            if typ == 3:
                body = d[p + 8:p + n].split(b"\0")[0].decode()
                return body[body.find("/"):] if "/" in body else None
            p += n
    return None


if __name__ == "__main__":
    with open(sys.argv[1], "rb") as f:
        pfx = prefix(f.read())
    if not pfx:
        sys.exit("grub-prefix.py: %s is no GRUB EFI image with a prefix" % sys.argv[1])
    print(pfx)
