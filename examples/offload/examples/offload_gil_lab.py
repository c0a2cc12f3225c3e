#!/usr/bin/env python3
"""The GIL beside asyncio.to_thread: the measurement behind offload's Python pitfall.

A heartbeat ticks every 0.1 unit on the event loop while a thread either sleeps
(`to_thread(time.sleep)`) or computes (`to_thread(cpu_bound)`), five runs each, alternating.
The thread that sleeps lets the loop run; the thread that computes takes turns with it for the
GIL, and the heartbeat's gaps grow.

    python3 examples/offload/examples/offload_gil_lab.py
"""

import asyncio
import statistics
import time

UNIT = 0.1  # one tutorial second
RUNS = 5


def cpu_bound(seconds):
    end = time.perf_counter() + seconds
    total = 0
    while time.perf_counter() < end:
        for n in range(1000):
            total += n * n
    return total


async def heartbeat(stop, gaps):
    last = time.perf_counter()
    while not stop.is_set():
        await asyncio.sleep(UNIT / 10)
        now = time.perf_counter()
        gaps.append(now - last)
        last = now


async def watched(blocking):
    stop, gaps = asyncio.Event(), []
    beats = asyncio.create_task(heartbeat(stop, gaps))
    await asyncio.sleep(UNIT / 4)
    await asyncio.to_thread(blocking, UNIT)
    await asyncio.sleep(UNIT / 4)
    stop.set()
    await beats
    return max(gaps) / UNIT, statistics.mean(gaps) / UNIT


async def main():
    for run in range(1, RUNS + 1):
        for name, blocking in (("time.sleep", time.sleep), ("cpu_bound", cpu_bound)):
            longest, mean = await watched(blocking)
            print(f"run {run}: to_thread({name}): longest gap {longest:.2f} units, mean {mean:.3f}")


if __name__ == "__main__":
    asyncio.run(main())
