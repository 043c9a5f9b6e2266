#!/usr/bin/env python3
"""Talks to a QEMU guest's human monitor over a UNIX socket.

    monitor.py SOCKET STEP...

QEMU must have been started with
    -chardev socket,id=mon0,path=SOCKET,server=on,wait=off
    -mon chardev=mon0,mode=readline
Steps, in order:

    sendkey KEY            press KEY on the guest's keyboard (QEMU's names:
                           ret, spc, a, shift-a ...)
    vga REGEX SECONDS      read the VGA text buffer (80x25 at 0xb8000, what
                           the Linux vgacon and the BIOS show) until REGEX
                           matches its text, then print the screen
    screendump FILE        save the display (PPM) to FILE

A timeout prints the last screen read and exits 1.
"""
import re
import socket
import sys
import time

PROMPT = b"(qemu) "


class Monitor:
    def __init__(self, path):
        deadline = time.monotonic() + 30
        while True:
            try:
                self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self.s.connect(path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    sys.exit(f"monitor.py: cannot connect to {path}")
                time.sleep(0.2)
        self.read_until_prompt()

    def read_until_prompt(self):
        buf = b""
        self.s.settimeout(30)
        while not buf.endswith(PROMPT):
            data = self.s.recv(65536)
            if not data:
                sys.exit("monitor.py: QEMU closed the monitor")
            buf += data
        return buf

    def cmd(self, line):
        self.s.sendall(line.encode() + b"\n")
        out = self.read_until_prompt().decode("ascii", "replace")
        # The readline monitor echoes the command (with terminal escapes).
        return out.split("\n", 1)[1] if "\n" in out else ""


def vga_text(mon):
    out = mon.cmd("xp /2000hx 0xb8000")
    cells = []
    for line in out.splitlines():
        if ":" not in line:
            continue
        for word in line.split(":", 1)[1].split():
            if word.startswith("0x"):
                cells.append(int(word, 16) & 0xFF)
    chars = "".join(chr(c) if 32 <= c < 127 else " " for c in cells[:2000])
    return "\n".join(chars[i:i + 80].rstrip() for i in range(0, len(chars), 80))


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    mon = Monitor(sys.argv[1])
    steps = sys.argv[2:]
    i = 0
    while i < len(steps):
        op = steps[i]
        if op == "sendkey":
            mon.cmd("sendkey " + steps[i + 1])
            i += 2
        elif op == "vga":
            rx = re.compile(steps[i + 1], re.M)
            end = time.monotonic() + float(steps[i + 2])
            i += 3
            while True:
                text = vga_text(mon)
                if rx.search(text):
                    print(text)
                    break
                if time.monotonic() > end:
                    print(f"monitor.py: no /{rx.pattern}/ on the VGA text "
                          "screen; it shows:", file=sys.stderr)
                    print(text, file=sys.stderr)
                    return 1
                time.sleep(1)
        elif op == "screendump":
            mon.cmd("screendump " + steps[i + 1])
            i += 2
        else:
            print(f"monitor.py: unknown step '{op}'", file=sys.stderr)
            return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
