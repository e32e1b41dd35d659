#!/usr/bin/env python3
"""Slow and idle clients for bench/slow_clients.sh, against https://127.0.0.1:PORT.

  slow_clients.py attack PORT CA SLOWLORIS READERS IDLE SILENT
  slow_clients.py limit PORT CA EXTRA

attack: starts, all at once,
  SLOWLORIS  TLS connections sending request headers one byte a second, never finishing them
  READERS    TLS connections pipelining requests for /metrics without reading any response
             (a 4 KiB receive buffer), until the server stops reading and closes
  IDLE       TLS connections that handshake and send nothing
  SILENT     TCP connections that never start the TLS handshake
and prints one line per kind when every connection has been closed by the server (or 200 s have
passed): `kind count closed_by_server still_open refused min_s median_s max_s` (seconds from
the end of the TLS handshake, or the TCP connect for SILENT, to the server's close; refused = the
connection failed before that).

limit: opens EXTRA TLS connections at once and, holding them, 5 more one at a time, and prints
`limit EXTRA handshaken refused probes_refused slowest_probe_ms` (refused = closed by the server
before or during the handshake; a probe's time runs from its connect to the refusal).
"""
import asyncio
import socket
import ssl
import statistics
import sys
import time

GIVE_UP = 200.0


def context(ca):
    return ssl.create_default_context(cafile=ca)


async def wait_closed(reader):
    """Reads and discards until the server closes the connection (EOF, reset or TLS error)."""
    try:
        while await reader.read(65536):
            pass
    except (ConnectionError, ssl.SSLError, OSError):
        pass


async def open_tls(port, ctx, rcvbuf=None):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, ("127.0.0.1", port))
    return await asyncio.open_connection(sock=sock, ssl=ctx, server_hostname="localhost")


async def slowloris(port, ctx):
    reader, writer = await open_tls(port, ctx)
    start = time.monotonic()
    closed = asyncio.ensure_future(wait_closed(reader))
    request = b"GET /apis HTTP/1.1\r\nHost: localhost\r\n" + b"X-Slow: " + b"a" * 100000
    for byte in request:
        if closed.done():
            break
        try:
            writer.write(bytes([byte]))
            await writer.drain()
        except (ConnectionError, ssl.SSLError, OSError):
            break
        await asyncio.wait([closed], timeout=1.0)
    await closed
    writer.close()
    return time.monotonic() - start


async def slow_reader(port, ctx):
    reader, writer = await open_tls(port, ctx, rcvbuf=4096)
    start = time.monotonic()
    request = b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n\r\n" * 50
    try:
        while True:
            writer.write(request)
            await writer.drain()  # blocks once the server no longer reads
    except (ConnectionError, ssl.SSLError, OSError):
        pass
    writer.close()
    return time.monotonic() - start


async def idle(port, ctx):
    reader, writer = await open_tls(port, ctx)
    start = time.monotonic()
    await wait_closed(reader)
    writer.close()
    return time.monotonic() - start


async def silent(port, ctx):
    start = time.monotonic()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    await wait_closed(reader)
    writer.close()
    return time.monotonic() - start


async def measured(kind, port, ctx):
    try:
        return await asyncio.wait_for(kind(port, ctx), GIVE_UP)
    except asyncio.TimeoutError:
        return None
    except (ConnectionError, ssl.SSLError, OSError):
        return -1.0  # refused at the start


async def attack(port, ca, counts):
    ctx = context(ca)
    kinds = [("slowloris", slowloris), ("slow reader", slow_reader), ("idle", idle),
             ("no handshake", silent)]
    tasks = []
    for (name, kind), n in zip(kinds, counts):
        tasks.append((name, [asyncio.ensure_future(measured(kind, port, ctx)) for _ in range(n)]))
    for name, group in tasks:
        times = await asyncio.gather(*group)
        closed = [t for t in times if t is not None and t >= 0]
        refused = sum(1 for t in times if t is not None and t < 0)
        still_open = sum(1 for t in times if t is None)
        if closed:
            figures = f"{min(closed):.1f} {statistics.median(closed):.1f} {max(closed):.1f}"
        else:
            figures = "- - -"
        print(name.replace(" ", "_"), len(times), len(closed), still_open, refused, figures, flush=True)


async def limit(port, ca, extra):
    ctx = context(ca)

    async def one():
        start = time.monotonic()
        try:
            reader, writer = await open_tls(port, ctx)
        except (ConnectionError, ssl.SSLError, OSError):
            return ("refused", time.monotonic() - start, None)
        return ("open", time.monotonic() - start, writer)

    results = await asyncio.gather(*[one() for _ in range(extra)])
    # With the burst's connections held, probes one at a time: how long a refusal takes alone.
    probes = [await one() for _ in range(5)]
    await asyncio.sleep(1)
    for what, _, writer in results + probes:
        if writer is not None:
            writer.close()
    refused = sum(1 for what, _, _ in results if what == "refused")
    probe_refused = [t for what, t, _ in probes if what == "refused"]
    slowest = f"{1000 * max(probe_refused):.1f}" if probe_refused else "-"
    print("limit", extra, sum(1 for r in results if r[0] == "open"), refused, len(probe_refused),
          slowest, flush=True)


def main():
    command, port, ca = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    if command == "attack":
        asyncio.run(attack(port, ca, [int(a) for a in sys.argv[4:8]]))
    elif command == "limit":
        asyncio.run(limit(port, ca, int(sys.argv[4])))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
