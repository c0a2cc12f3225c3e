#!/usr/bin/env python3
"""event-loop: asyncio's low-level loop API, in the three programs of the reference's Event Loop page.

The Python side of examples/event-loop, written for this project. The harness runs it as
`python3 -u event_loop.py --unit <DURATION> --seed <N> [--bench [N] | --drift N]`; run it by
hand the same way. The programs: Hello World with call_soon and stop, the date once a unit
for five units with call_later, and a socket pair watched with add_reader. `--bench` times
call_soon callbacks, call_later timers and call_soon_threadsafe wake-ups on asyncio's loop,
and on uvloop's where it is installed; `--drift` compares call_later chains with call_at grids.
"""

import argparse
import asyncio
import datetime
import socket
import sys
import threading
import time

import common

RECEIVE_TIMEOUT = 5.0


def hello_world(loop):
    print("Hello World")
    loop.stop()


def display_date(loop, end, unit):
    print(datetime.datetime.now())
    if loop.time() + unit < end:
        loop.call_later(unit, display_date, loop, end, unit)
    else:
        loop.stop()


def watch_socket(loop):
    rsock, wsock = socket.socketpair()

    def nothing_came():
        print(f"Received nothing in {RECEIVE_TIMEOUT}s")
        loop.stop()

    timeout = loop.call_later(RECEIVE_TIMEOUT, nothing_came)

    def reader():
        data = rsock.recv(100)
        print("Received:", data.decode())
        timeout.cancel()
        loop.remove_reader(rsock)
        loop.stop()

    loop.add_reader(rsock, reader)
    loop.call_soon(wsock.send, b"abc")
    loop.run_forever()
    loop.remove_reader(rsock)
    rsock.close()
    wsock.close()


def programs(unit):
    loop = asyncio.new_event_loop()
    try:
        loop.call_soon(hello_world, loop)
        loop.run_forever()

        end = loop.time() + 5 * unit
        loop.call_soon(display_date, loop, end, unit)
        loop.run_forever()

        watch_socket(loop)
    finally:
        loop.close()


def report(what, count, seconds, unit):
    rate = count / max(seconds, 1e-9)
    print(f"{what}: {count} in {seconds * 1000:.1f} ms, {rate / 1000:.1f} k {unit}/s")


def bench_loop(name, loop, n):
    small = max(n // 10, 1)
    done = [0]

    def tick():
        done[0] += 1

    start = time.perf_counter()
    for _ in range(n):
        loop.call_soon(tick)
    loop.call_soon(loop.stop)
    loop.run_forever()
    assert done[0] == n, (done[0], n)
    report(f"call_soon ({name})", n, time.perf_counter() - start, "callbacks")

    done[0] = 0

    def timer():
        done[0] += 1
        if done[0] == small:
            loop.stop()

    start = time.perf_counter()
    for i in range(small):
        loop.call_later((i % 1000) * 1e-6, timer)
    loop.run_forever()
    report(f"call_later ({name})", small, time.perf_counter() - start, "timers")

    # Ping-pong: the thread hands the sleeping loop a callback, and waits until it has run.
    answered = threading.Semaphore(0)
    took = [0.0]

    def answer(last):
        answered.release()
        if last:
            loop.stop()

    def pinger():
        time.sleep(0.02)  # let the loop fall asleep first
        start = time.perf_counter()
        for i in range(small):
            loop.call_soon_threadsafe(answer, i + 1 == small)
            answered.acquire()
        took[0] = time.perf_counter() - start

    thread = threading.Thread(target=pinger)
    thread.start()
    loop.run_forever()
    thread.join()
    report(f"call_soon_threadsafe ({name})", small, took[0], "wake-ups")
    loop.close()


def bench(n):
    bench_loop("asyncio", asyncio.new_event_loop(), n)
    try:
        import uvloop
    except ImportError:
        print("skipped: uvloop not installed (pip install uvloop)")
        return
    bench_loop("uvloop", uvloop.new_event_loop(), n)


def drift(ticks, unit):
    loop = asyncio.new_event_loop()
    end = [0.0]

    def chain(left):
        if left == 0:
            end[0] = loop.time()
            loop.stop()
        else:
            loop.call_later(unit, chain, left - 1)

    start = loop.time()
    chain(ticks)
    loop.run_forever()
    report_drift("call_later from each tick (asyncio)", ticks, unit, end[0] - start)

    def grid_tick(k):
        if k == ticks:
            end[0] = loop.time()
            loop.stop()

    start = loop.time()
    for k in range(1, ticks + 1):
        loop.call_at(start + k * unit, grid_tick, k)
    loop.run_forever()
    report_drift("call_at(start + k * unit) (asyncio)", ticks, unit, end[0] - start)
    loop.close()


def report_drift(what, ticks, unit, took):
    late = took - ticks * unit
    print(f"{what}: last of {ticks} ticks {late * 1000:.2f} ms late ({late * 1000 / ticks:.3f} ms/tick)")


def count_arg(low, high):
    def parse(text):
        if not text.isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"invalid count {text!r}: use a number from {low} to {high}")
        return int(text)

    return parse


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=0.1, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--bench", type=count_arg(10, 10_000_000), nargs="?", const=1_000_000,
                        help="time N callbacks, N/10 timers and N/10 wake-ups")
    parser.add_argument("--drift", type=count_arg(1, 10_000), help="N ticks, call_later vs call_at")
    args = parser.parse_args()
    if args.bench is not None:
        bench(args.bench)
    elif args.drift is not None:
        drift(args.drift, args.unit)
    else:
        programs(args.unit)
    sys.stdout.flush()
