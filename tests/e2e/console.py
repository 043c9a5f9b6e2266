#!/usr/bin/env python3
"""Drives a QEMU guest's serial console over a UNIX socket.

    console.py SOCKET LOG STEP...

QEMU must have been started with
    -chardev socket,id=s0,path=SOCKET,server=on,wait=on -serial chardev:s0
so that nothing is printed before this script listens. Every byte the
guest writes is appended to LOG. Steps, in order:

    expect REGEX SECONDS   wait until REGEX matches the output read so far
                           (after the previous match)
    reject REGEX           fail if REGEX ever appears from now on
    send TEXT              type TEXT (\\n, \\r escapes understood); a little
                           slowly, as a person would, so that no FIFO overflows
    sendfile PATH          type the bytes of the file PATH the same way (a
                           secret: never in argv, never echoed to stdout)
    eof SECONDS            wait until the guest closes the console (QEMU
                           exited: poweroff, or -no-reboot and a reboot)
    mark NAME              print "mark NAME SECONDS" (time since the start)

On a timeout, a reject match or an unexpected end, it prints the last 40
lines of the console and exits 1.
"""
import os
import re
import socket
import sys
import time


def tail(buf, n=40):
    text = buf.decode("utf-8", "replace").replace("\r", "")
    lines = text.split("\n")
    return "\n".join(lines[-n:])


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    sock_path, log_path, steps = sys.argv[1], sys.argv[2], sys.argv[3:]
    t0 = time.monotonic()
    deadline = t0 + 60
    s = None
    while s is None:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock_path)
        except OSError:
            s = None
            if time.monotonic() > deadline:
                print(f"console.py: cannot connect to {sock_path}", file=sys.stderr)
                return 1
            time.sleep(0.1)
    log = open(log_path, "ab", buffering=0)
    buf = bytearray()
    pos = 0  # matches start after the previous one
    rejects = []
    eof = False

    def fail(why):
        print(f"console.py: {why} after {time.monotonic() - t0:.0f} s; "
              f"last lines of the console ({log_path}):", file=sys.stderr)
        print(tail(bytes(buf)), file=sys.stderr)
        sys.exit(1)

    def read_some(timeout):
        nonlocal eof
        s.settimeout(timeout)
        try:
            data = s.recv(65536)
        except socket.timeout:
            return
        if not data:
            eof = True
            return
        buf.extend(data)
        log.write(data)
        for r in rejects:
            if r.search(buf.decode("utf-8", "replace")):
                fail(f"the console printed /{r.pattern}/")

    i = 0
    while i < len(steps):
        op = steps[i]
        if op == "expect":
            rx = re.compile(steps[i + 1], re.M)
            secs = float(steps[i + 2])
            i += 3
            end = time.monotonic() + secs
            while True:
                m = rx.search(buf.decode("utf-8", "replace"), pos)
                if m:
                    pos = m.end()
                    break
                if eof:
                    fail(f"the guest stopped before /{rx.pattern}/")
                left = end - time.monotonic()
                if left <= 0:
                    fail(f"no /{rx.pattern}/ within {secs:.0f} s")
                read_some(min(left, 1.0))
        elif op == "reject":
            rejects.append(re.compile(steps[i + 1], re.M))
            i += 2
        elif op == "send":
            text = steps[i + 1].encode().decode("unicode_escape").encode()
            i += 2
            for b in text:
                s.sendall(bytes([b]))
                time.sleep(0.02)
                read_some(0.001)
        elif op == "sendfile":
            with open(steps[i + 1], "rb") as f:
                text = f.read()
            i += 2
            for b in text:
                s.sendall(bytes([b]))
                time.sleep(0.02)
                read_some(0.001)
        elif op == "eof":
            secs = float(steps[i + 1])
            i += 2
            end = time.monotonic() + secs
            while not eof:
                left = end - time.monotonic()
                if left <= 0:
                    fail(f"the guest did not stop within {secs:.0f} s")
                read_some(min(left, 1.0))
        elif op == "mark":
            print(f"mark {steps[i + 1]} {time.monotonic() - t0:.1f}")
            sys.stdout.flush()
            i += 2
        else:
            print(f"console.py: unknown step '{op}'", file=sys.stderr)
            return 2
    # Keep logging until QEMU is gone if the caller waits for it; otherwise
    # we are done.
    s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
