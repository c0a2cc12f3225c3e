#!/usr/bin/env python3
"""race: x = x + 1 from many threads, then from many asyncio tasks on one thread.

The Python side of examples/race, written for this project. WORKERS threads (then tasks) each
add one to a shared counter INCREMENTS times; each line says how many updates were lost.
The harness runs it as `python3 -u race.py --unit <DURATION> --seed <N> [--workers N]
[--increments N]`; run it by hand the same way.
"""

import argparse
import asyncio
import sys
import threading

import common


def in_range(low, high):
    """An argparse type: an integer from low to high."""

    def parse(text):
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..={high}")
        return value

    return parse


class Counter:
    value = 0


def report(how, counter, expected):
    print(f"{how}: x = {counter.value}, lost {expected - counter.value}")


# --- threads: the interpreter may switch threads between any two "check points" ---


def plus_one(value):
    return value + 1


def on_threads(workers, increments, step):
    """Runs step(counter) increments times on each of workers threads, started together."""
    counter = Counter()
    barrier = threading.Barrier(workers)

    def work():
        barrier.wait()
        for _ in range(increments):
            step(counter)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counter


def add_in_place(counter):
    counter.value = counter.value + 1


def add_through_a_call(counter):
    # Entering plus_one is a point where CPython may hand the GIL to another thread: after
    # counter.value was read, before it is written.
    counter.value = plus_one(counter.value)


def with_lock(lock):
    def step(counter):
        with lock:
            counter.value = plus_one(counter.value)

    return step


# --- asyncio: one thread; a task gives way only at an await ---


async def on_tasks(workers, increments, step):
    counter = Counter()
    await asyncio.gather(*(step(counter, increments) for _ in range(workers)))
    return counter


async def no_await_between(counter, increments):
    for _ in range(increments):
        counter.value = counter.value + 1
        await asyncio.sleep(0)  # the tasks take turns, but never mid-increment


async def await_between(counter, increments):
    for _ in range(increments):
        value = counter.value
        await asyncio.sleep(0)  # every other task runs here, and reads the same value
        counter.value = value + 1


def lock_across_await(lock):
    async def step(counter, increments):
        for _ in range(increments):
            async with lock:
                value = counter.value
                await asyncio.sleep(0)
                counter.value = value + 1

    return step


async def tasks_section(workers, increments, expected):
    print(f"{workers} tasks on one thread, {increments} increments each, expected {expected}")
    counter = await on_tasks(workers, increments, no_await_between)
    report("no await between read and write", counter, expected)
    counter = await on_tasks(workers, increments, await_between)
    report("await asyncio.sleep(0) between", counter, expected)
    counter = await on_tasks(workers, increments, lock_across_await(asyncio.Lock()))
    report("asyncio.Lock across the await", counter, expected)


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="unused here")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--workers", type=in_range(1, 1000), default=8)
    parser.add_argument("--increments", type=in_range(1, 100_000_000), default=50_000)
    args = parser.parse_args()
    workers, increments = args.workers, args.increments
    expected = workers * increments

    # CPython offers the GIL to another thread every 5 ms by default; 10 us makes the
    # switches, and so the race, show up in a short run.
    sys.setswitchinterval(1e-5)
    print(f"{workers} threads, {increments} increments each, expected {expected}")
    report("x = x + 1", on_threads(workers, increments, add_in_place), expected)
    report("x = plus_one(x)", on_threads(workers, increments, add_through_a_call), expected)
    report("threading.Lock", on_threads(workers, increments, with_lock(threading.Lock())), expected)
    sys.setswitchinterval(0.005)

    asyncio.run(tasks_section(workers, increments, expected))
