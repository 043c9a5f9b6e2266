#!/usr/bin/env python3
"""A TCP delay line, for bench-network.sh on a kernel without netem
(CONFIG_NET_SCH_NETEM unset: tc cannot delay packets there).

    delay-line.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT ONE_WAY_MS

Every connection to LISTEN is relayed to TARGET; each chunk read from
either side is written to the other ONE_WAY_MS after it arrived, so a
request and its answer take one round trip (2 x ONE_WAY_MS) more than
over the loopback, and a new connection's first request one more (the
TCP handshake a real path of that length costs). What it does not
model: TCP's slow start and loss over the long path (the relayed
connections are local), and the delay of single packets within a chunk.
Buffering is bounded (64 chunks of at most 256 KiB per direction), so a
slow reader slows the writer as on a real path.
"""
import asyncio
import sys

CHUNK = 256 * 1024


async def relay(reader, writer, delay, extra):
    loop = asyncio.get_running_loop()
    q = asyncio.Queue(maxsize=64)

    async def read_side():
        first = extra
        while True:
            data = await reader.read(CHUNK)
            await q.put((loop.time() + delay + first, data))
            first = 0.0
            if not data:
                return

    async def write_side():
        while True:
            due, data = await q.get()
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                try:
                    writer.write_eof()
                except OSError:
                    pass
                return
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(read_side(), write_side())
    except (ConnectionError, OSError):
        pass


async def main():
    lhost, lport, thost, tport, ms = sys.argv[1:6]
    delay = float(ms) / 1000.0

    # asyncio's stream protocol drops its reference to this task when the
    # client closes its end: held here, the relay of the other direction
    # finishes instead of being collected half-way.
    tasks = set()

    async def on_client(cr, cw):
        me = asyncio.current_task()
        tasks.add(me)
        me.add_done_callback(tasks.discard)
        try:
            sr, sw = await asyncio.open_connection(thost, int(tport))
        except OSError:
            cw.close()
            return
        # The handshake's round trip, paid before the first request goes.
        await asyncio.gather(relay(cr, sw, delay, 2 * delay),
                             relay(sr, cw, delay, 0.0))
        for w in (cw, sw):
            w.close()

    srv = await asyncio.start_server(on_client, lhost, int(lport))
    async with srv:
        await srv.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
