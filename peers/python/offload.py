#!/usr/bin/env python3
"""offload: blocking calls stall the event loop; executors move them off it.

The Python side of examples/offload, written for this project. The harness runs it as
`python3 -u offload.py --unit <DURATION> --seed <N> [--bench N]`; run it by hand the same way.
Logs (with process and thread names) go to stderr, and so do the warnings of asyncio's debug
mode, which is on for the demo: it reports each callback slower than slow_callback_duration.
"""

import argparse
import asyncio
import logging
import sys
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import common


def positive(text):
    """Parse a round-trip count: a whole number from 1 to 2_000_000."""
    if not text.isdigit() or not 1 <= int(text) <= 2_000_000:
        raise argparse.ArgumentTypeError(f"invalid count {text!r}: use a number from 1 to 2000000")
    return int(text)


def blocking_io(unit):
    """Stands in for a blocking call (a file read, a legacy client)."""
    logging.info("blocking_io(): sleeping")
    time.sleep(unit)


def cpu_bound(unit):
    """A CPU loop: sums squares for one tutorial second and says how many it summed."""
    logging.info("cpu_bound(): summing squares")
    start = time.perf_counter()
    n = total = 0
    while time.perf_counter() - start < unit:
        for _ in range(1000):
            total += n * n
            n += 1
    return n


def worker(arg):
    logging.info("worker(%s)", arg)
    return f"{arg} Hello World!"


async def heartbeat(unit, stop):
    """Ticks every 0.1 tutorial second; a tick more than 0.2 s late means the loop was held."""
    ticks, longest, last = 0, 0.0, time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(unit / 10)
        now = time.perf_counter()
        gap, last = now - last, now
        ticks += 1
        if gap > 0.3 * unit:
            print(f"  event loop blocked for {gap / unit:.2f} s")
        longest = max(longest, gap)
    print(f"  heartbeat: {ticks} ticks, longest gap {longest / unit:.2f} s")


async def watched(unit, work):
    """Awaits `work` while a heartbeat task ticks beside it, with a quiet quarter on each side."""
    stop = asyncio.Event()
    beats = asyncio.create_task(heartbeat(unit, stop))
    await asyncio.sleep(unit / 4)
    result = await work
    await asyncio.sleep(unit / 4)
    stop.set()
    await beats
    return result


async def mistake(unit):
    start = time.perf_counter()
    blocking_io(unit)  # the whole loop waits here
    print(f"  blocking_io() done in {(time.perf_counter() - start) / unit:.2f} s")
    await asyncio.sleep(unit / 4)
    start = time.perf_counter()
    n = cpu_bound(unit)
    print(f"  cpu_bound() summed {n} squares in {(time.perf_counter() - start) / unit:.2f} s")


async def fix(unit, processes):
    loop = asyncio.get_running_loop()
    start = time.perf_counter()
    io = asyncio.ensure_future(asyncio.to_thread(blocking_io, unit))
    # CPU work goes to a process: in a thread it would hold the GIL against the loop.
    cpu = loop.run_in_executor(processes, cpu_bound, unit)
    await io
    print(f"  blocking_io() done in {(time.perf_counter() - start) / unit:.2f} s")
    n = await cpu
    print(f"  cpu_bound() summed {n} squares in {(time.perf_counter() - start) / unit:.2f} s")


async def demo(unit):
    loop = asyncio.get_running_loop()
    loop.slow_callback_duration = 0.1 * unit
    print("the mistake: blocking calls made directly in a coroutine (debug mode on)")
    await watched(unit, mistake(unit))
    with ProcessPoolExecutor(max_workers=2, initializer=common.die_with_parent) as processes:
        await loop.run_in_executor(processes, int)  # start the workers before the heartbeat
        print("the fix: asyncio.to_thread, and run_in_executor with a ProcessPoolExecutor")
        await watched(unit, fix(unit, processes))


def submit_and_map(pool):
    futures = [pool.submit(worker, arg) for arg in (1, 2, 3)]
    for future in futures:
        print(f"  submit: {future.result()}")
    for result in pool.map(worker, (1, 2, 3)):
        print(f"  map: {result}")


async def bench(n):
    loop = asyncio.get_running_loop()
    total = 0
    start = time.perf_counter()
    for i in range(n):
        total += await loop.run_in_executor(None, int, i)
    elapsed = time.perf_counter() - start
    assert total == n * (n - 1) // 2
    rate = n / elapsed / 1000
    print(f"run_in_executor (default executor): {n} round trips in {elapsed * 1000:.1f} ms, {rate:.1f} k/s")


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=0.2, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--bench", type=positive, metavar="N", help="time N round trips instead")
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(processName)s %(threadName)s %(message)s",
    )
    if args.bench:
        asyncio.run(bench(args.bench))
    else:
        asyncio.run(demo(args.unit), debug=True)
        with ThreadPoolExecutor(max_workers=4, thread_name_prefix="pool") as pool:
            print("submit and map on a ThreadPoolExecutor of 4 threads")
            submit_and_map(pool)
        with ProcessPoolExecutor(max_workers=2, initializer=common.die_with_parent) as pool:
            print("submit and map on a ProcessPoolExecutor of 2 processes")
            submit_and_map(pool)
