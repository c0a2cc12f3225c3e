#!/usr/bin/env python3
"""echo: the TCP echo server and client of asyncio's streams, with its pitfalls.

The Python side of examples/echo, written for this project. The harness runs it as
`python3 -u echo.py --unit <DURATION> --seed <N> [--serve ADDR [--quiet]] [--pitfall NAME]
[--bench ...]`; run it by hand the same way. With no flag it runs the server on a free port of
127.0.0.1 and one client against it; `--serve 127.0.0.1:8888` runs the server alone until
Ctrl+C (`--uvloop` runs it on uvloop's event loop); `--bench` serves on a free port, quietly,
for the runner's load generator; `--pitfall NAME` shows a mistake and its fix.
"""

import argparse
import asyncio
import ipaddress
import os
import signal
import subprocess
import sys
import time

import common

TIMEOUT = 5.0  # how long a client waits for the server, at most


def loopback(text):
    """Parse --serve: HOST:PORT on a loopback address."""
    host, sep, port = text.rpartition(":")
    host = host.strip("[]")
    try:
        if not sep or not ipaddress.ip_address(host).is_loopback or not 0 <= int(port) <= 65535:
            raise ValueError
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a loopback address and a port, e.g. 127.0.0.1:8888, not {text!r}")
    return host, int(port)


class Server:
    """start_server's server, and the handlers it runs, so that stopping can wait for them."""

    def __init__(self, quiet):
        self.quiet = quiet
        self.handlers = set()
        self.writers = set()

    async def handle_echo(self, reader, writer):
        # asyncio has set TCP_NODELAY on the socket already, as it does for every connection.
        self.handlers.add(asyncio.current_task())
        self.writers.add(writer)
        addr = writer.get_extra_info("peername")
        try:
            while data := await reader.read(8192):  # b"" at EOF: the client closed its side
                if not self.quiet:
                    message = data.decode(errors="replace")
                    print(f"Received {message!r} from {addr!r}")
                    print(f"Send: {message!r}")
                writer.write(data)
                await writer.drain()
            if not self.quiet:
                print("Close the connection")
            writer.close()
            await writer.wait_closed()
        except ConnectionError as err:
            print(f"connection from {addr!r}: {err}", file=sys.stderr)
            writer.close()
        finally:
            self.handlers.discard(asyncio.current_task())
            self.writers.discard(writer)


async def tcp_echo_client(message, host, port):
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), TIMEOUT)

    print(f"Send: {message!r}")
    writer.write(message.encode())
    await writer.drain()

    data = await asyncio.wait_for(reader.read(100), TIMEOUT)
    print(f"Received: {data.decode()!r}")

    print("Close the connection")
    writer.close()
    await writer.wait_closed()


async def main(serve, quiet):
    loop = asyncio.get_running_loop()
    signals = asyncio.Queue()
    for signum in (signal.SIGINT, signal.SIGTERM):  # in place before the server says it is ready
        loop.add_signal_handler(signum, signals.put_nowait, signum)
    handlers = Server(quiet)
    host, port = serve or ("127.0.0.1", 0)
    server = await asyncio.start_server(handlers.handle_echo, host, port)
    addrs = ", ".join(str(sock.getsockname()) for sock in server.sockets)
    print(f"Serving on {addrs}")

    if serve is None:
        await tcp_echo_client("Hello World!", "127.0.0.1", server.sockets[0].getsockname()[1])
    else:
        await signals.get()
        print("Stopping; Ctrl+C again closes the open connections")
    server.close()  # new connections are refused from here on
    open_ones = asyncio.gather(server.wait_closed(), *handlers.handlers)
    second = asyncio.ensure_future(signals.get())
    await asyncio.wait([open_ones, second], return_when=asyncio.FIRST_COMPLETED)
    if not open_ones.done():
        print("Closing the open connections")
        for writer in list(handlers.writers):
            writer.transport.abort()  # its handler's read returns b"" at once
        await open_ones
    second.cancel()
    print("Server closed")


# The pitfalls: each runs against a server in a process of its own (this program again),
# so that its CPU time is its own and a server whose loop is stuck can still be ended.

BIG = 16 << 20  # what the deadlocking client writes
STUCK = 2.0  # no progress for this long: stuck
LIMIT = 20.0  # the most a fixed client may take
WATCH = 1.0  # how long the spin pitfall watches, and waits for an echo
BURST = 1000
BIG_BACKLOG = 1024


async def start(*args):
    """This program with `args`, once it says where it serves: (process, port)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-u", __file__, *args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    line = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
    if not line.startswith("Serving on ("):
        process.kill()
        raise RuntimeError(f"the server said {line!r}")
    return process, int(line.rstrip().rstrip(")").rpartition(" ")[2])


async def stop(process):
    """SIGTERM: the default action ends the process, whatever its loop is doing."""
    process.terminate()
    await process.wait()


def cpu_time(pid):
    """User plus system CPU time of a process so far, in seconds, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def deadlock():
    process, port = await start("--serve", "127.0.0.1:0", "--quiet")
    data = bytes(i % 251 for i in range(251)) * (BIG // 251 + 1)
    data = data[:BIG]
    print("the mistake: write 16 MB, then read the echo")
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    written = 0

    async def write_all():
        nonlocal written
        for i in range(0, len(data), 64 * 1024):
            writer.write(data[i : i + 64 * 1024])
            await writer.drain()  # waits while the transport's buffer is full
            written += len(data[i : i + 64 * 1024])

    try:
        await asyncio.wait_for(write_all(), STUCK)
        back = await reader.readexactly(len(data))  # never reached: the writes are stuck
        print("  all 16 MB written: the socket buffers took it all")
    except TimeoutError:
        print(
            f"  stuck after writing {written / (1 << 20):.1f} MB: nothing moved for {STUCK:.1f} s, "
            "each side waiting for the other"
        )
    writer.transport.abort()

    print("the fix: read while writing (asyncio.gather)")
    start_time = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def send():
        writer.write(data)
        await writer.drain()

    _, back = await asyncio.wait_for(asyncio.gather(send(), reader.readexactly(len(data))), LIMIT)
    took = time.perf_counter() - start_time
    same = "every byte the same" if back == data else "BUT THE BYTES DIFFER"
    print(f"  16 MB written and {len(back) >> 20} MB read back in {took:.2f} s, {same}")
    writer.close()
    await stop(process)


async def watch_after_eof(process, port):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"Hello World!")
    await reader.readexactly(12)
    writer.close()  # EOF for the handler
    before = cpu_time(process.pid)
    await asyncio.sleep(WATCH)
    used = cpu_time(process.pid) - before
    print(f"  after its client left, the server used {used:.2f} s of CPU in {WATCH:.2f} s")
    start_time = time.perf_counter()
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(b"Hello World!")
    try:
        await asyncio.wait_for(reader.readexactly(12), WATCH)
        print(f"  another client's echo: back after {(time.perf_counter() - start_time) * 1e3:.1f} ms")
    except TimeoutError:
        print(f"  another client's echo: none in {WATCH:.1f} s (the spinning task never lets go of its thread)")
    writer.close()


async def spinning_handler(reader, writer):
    while True:
        data = await reader.read(8192)  # b"" at EOF, at once, every time: no await waits
        writer.write(data)  # nothing to write: no error either
        await writer.drain()


async def spin():
    print("the mistake: a handler that does not stop at EOF")
    process, port = await start("--helper", "spinning")
    await watch_after_eof(process, port)
    await stop(process)
    print("the fix: stop when read returns b'', as this program's server does")
    process, port = await start("--serve", "127.0.0.1:0", "--quiet")
    await watch_after_eof(process, port)
    await stop(process)


async def half_close():
    process, port = await start("--serve", "127.0.0.1:0", "--quiet")
    for fixed in (False, True):
        if fixed:
            print("the fix: write_eof() after the last write")
        else:
            print("the mistake: read the reply until EOF, without sending EOF first")
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"Hello World!")
        await writer.drain()
        if fixed:
            writer.write_eof()  # shutdown(SHUT_WR): EOF for the server; we can still read
        start_time = time.perf_counter()
        data = b""
        try:
            while chunk := await asyncio.wait_for(reader.read(100), WATCH):
                data += chunk
            after = (time.perf_counter() - start_time) * 1e3
            print(f"  {data.decode()!r} came back, then EOF after {after:.1f} ms")
        except TimeoutError:
            print(f"  {data.decode()!r} came back, then no EOF in {WATCH:.1f} s: each side waits for the other")
        writer.close()
    await stop(process)


async def burst_against(port):
    start_time = time.perf_counter()

    async def one():
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        connected = time.perf_counter() - start_time  # a dropped SYN is sent again after 1 s
        writer.write(b"Hello World!")
        await reader.readexactly(12)
        writer.close()
        return connected, time.perf_counter() - start_time

    async def timed():
        try:
            return await asyncio.wait_for(one(), LIMIT)
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            return None

    times = [t for t in await asyncio.gather(*(timed() for _ in range(BURST))) if t is not None]
    waited = sum(connected >= 0.9 for connected, _ in times)
    slowest = max((echoed for _, echoed in times), default=0)
    print(f"  {len(times)} echoed; {waited} waited for a SYN to be sent again; the slowest after {slowest:.2f} s")


async def burst():
    print(f"the mistake: {BURST} connections at once, listen backlog 100 (what start_server asks for)")
    process, port = await start("--serve", "127.0.0.1:0", "--quiet")
    await burst_against(port)
    await stop(process)
    print(f"the fix: a listen backlog of {BIG_BACKLOG}")
    process, port = await start("--helper", "backlog")
    await burst_against(port)
    await stop(process)


async def pitfall(name):
    await {"deadlock": deadlock, "spin": spin, "half-close": half_close, "burst": burst}[name]()


async def helper(name):
    """The spin pitfall's server (its handler forgets EOF), or the burst's fix (a backlog of
    1024); either serves until SIGTERM ends the process."""
    if name == "spinning":
        server = await asyncio.start_server(spinning_handler, "127.0.0.1", 0)
    else:
        server = await asyncio.start_server(Server(True).handle_echo, "127.0.0.1", 0, backlog=BIG_BACKLOG)
    print(f"Serving on {server.sockets[0].getsockname()}")
    await server.serve_forever()


def run(coroutine, uvloop):
    """asyncio.run, on uvloop's event loop if asked (where it is installed)."""
    if uvloop:
        import uvloop as uv

        asyncio.set_event_loop_policy(uv.EventLoopPolicy())
    asyncio.run(coroutine)


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="unused here")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--serve", type=loopback, metavar="ADDR", help="serve on ADDR until Ctrl+C")
    parser.add_argument("--quiet", action="store_true", help="print nothing per connection")
    parser.add_argument("--uvloop", action="store_true", help="on uvloop's event loop")
    parser.add_argument("--pitfall", choices=("deadlock", "spin", "half-close", "burst"))
    parser.add_argument("--bench", action="store_true", help="serve on a free port for the load generator")
    parser.add_argument("--connections", type=int, default=100, help="the load generator's (unused here)")
    parser.add_argument("--size", type=int, default=1024, help="the load generator's (unused here)")
    parser.add_argument("--seconds", type=int, default=3, help="the load generator's (unused here)")
    parser.add_argument("--helper", choices=("spinning", "backlog"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.uvloop:
        try:
            import uvloop  # noqa: F401
        except ImportError:
            print("skipped: uvloop not installed (pip install uvloop)")
            sys.exit(0)
    if args.helper:
        asyncio.run(helper(args.helper))
    elif args.pitfall:
        asyncio.run(pitfall(args.pitfall))
    elif args.bench:
        run(main(("127.0.0.1", 0), True), args.uvloop)
    else:
        run(main(args.serve, args.quiet), args.uvloop)
