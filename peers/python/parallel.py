#!/usr/bin/env python3
"""parallel: a CPU-bound job run sequentially, on threads, on asyncio, and on worker processes.

The Python side of examples/parallel, written for this project. The harness runs it as
`python3 -u parallel.py --unit <DURATION> --seed <N> [--edition 2019|2024] [--fib N] [--size N]
[--count N] [--workers N]`; run it by hand the same way.

The 2024 edition's job (the default) computes fib(n), the slow recursive way, COUNT times, in
the four ways that edition shows: one after another, on a ThreadPoolExecutor, as asyncio tasks
(with an async fib that awaits itself), and on a ProcessPoolExecutor. Threads do not help (the
GIL lets one thread run Python code at a time), asyncio is slower still (every call is a
coroutine), processes use every core. CPython is some 60 times slower than compiled Rust here,
so the peer's own default is fib(25), not the Rust rows' fib(35): `--fib 35 --count 20` runs
the article's job (minutes).

The 2019 edition's job sums the squares below each of COUNT numbers starting at SIZE,
sequentially and then on a multiprocessing.Pool.
"""

import argparse
import asyncio
import multiprocessing
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import common


def in_range(low, high):
    """An argparse type: an integer from low to high."""

    def parse(text):
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..={high}")
        return value

    return parse


# The 2019 edition's job.


def squares_below(number):
    """The sum of the squares of 0..number: Python's integers are exact and unbounded."""
    return sum(k * k for k in range(number))


def report(how, numbers, total, start, unit):
    elapsed = (time.perf_counter() - start) / unit
    print(f"{how}: {len(numbers)} sums, total {total}, Duration {elapsed:.3f} seconds")


def job_2019(args):
    numbers = [args.size + x for x in range(args.count or 20)]

    start = time.perf_counter()
    total = sum(squares_below(n) for n in numbers)
    report("sequential", numbers, total, start, args.unit)

    start = time.perf_counter()
    with multiprocessing.Pool(args.workers, initializer=common.die_with_parent) as pool:
        total = sum(pool.map(squares_below, numbers))
    report(f"multiprocessing.Pool({args.workers})", numbers, total, start, args.unit)


# The 2024 edition's job.


def fib(n):
    return n if n < 2 else fib(n - 2) + fib(n - 1)


async def fib_async(n):
    """The article's asyncio version: a coroutine that awaits itself at every call."""
    return n if n < 2 else await fib_async(n - 2) + await fib_async(n - 1)


async def gather_fibs(items):
    return await asyncio.gather(*(fib_async(n) for n in items))


def job_2024(args):
    n, count = args.fib or 25, args.count or 100
    items = [n] * count

    def computed(how, results, start):
        elapsed = (time.perf_counter() - start) / args.unit
        print(f"{how}: {count} x fib({n}), total {sum(results)}, Computed in {elapsed:.3f} seconds")

    start = time.perf_counter()
    computed("sequential", [fib(item) for item in items], start)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.workers) as executor:
        computed(f"ThreadPoolExecutor({args.workers})", list(executor.map(fib, items)), start)

    start = time.perf_counter()
    computed(f"asyncio, {count} tasks", asyncio.run(gather_fibs(items)), start)

    start = time.perf_counter()
    with ProcessPoolExecutor(args.workers, initializer=common.die_with_parent) as executor:
        computed(f"ProcessPoolExecutor({args.workers})", list(executor.map(fib, items)), start)


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--edition", type=int, choices=(2019, 2024), default=2024, help="which job")
    parser.add_argument("--fib", type=in_range(1, 40), help="the 2024 job's n [default: 25]")
    parser.add_argument("--size", type=in_range(1, 20_000_000), default=5_000_000, help="the 2019 job's first number")
    parser.add_argument("--count", type=in_range(1, 100), help="how many items [default: 100 in 2024, 20 in 2019]")
    parser.add_argument("--workers", type=in_range(1, 256), default=os.cpu_count() or 1)
    args = parser.parse_args()
    if args.edition == 2024:
        job_2024(args)
    else:
        job_2019(args)
