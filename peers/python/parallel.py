#!/usr/bin/env python3
"""parallel: a CPU-bound job run sequentially, then on a pool of worker processes.

The Python side of examples/parallel, written for this project. For each of COUNT numbers
starting at SIZE it sums the squares below that number. Threads would not help here (the GIL
lets one thread run Python code at a time), so the second run uses multiprocessing.Pool.
The harness runs it as `python3 -u parallel.py --unit <DURATION> --seed <N> [--size N]
[--count N] [--workers N]`; run it by hand the same way.
"""

import argparse
import multiprocessing
import os
import time

import common


def in_range(low, high):
    """An argparse type: an integer from low to high."""

    def parse(text):
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..={high}")
        return value

    return parse


def squares_below(number):
    """The sum of the squares of 0..number: Python's integers are exact and unbounded."""
    return sum(k * k for k in range(number))


def report(how, numbers, total, start, unit):
    elapsed = (time.perf_counter() - start) / unit
    print(f"{how}: {len(numbers)} sums, total {total}, Duration {elapsed:.3f} seconds")


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--size", type=in_range(1, 20_000_000), default=5_000_000)
    parser.add_argument("--count", type=in_range(1, 100), default=20)
    parser.add_argument("--workers", type=in_range(1, 256), default=os.cpu_count() or 1)
    args = parser.parse_args()
    numbers = [args.size + x for x in range(args.count)]

    start = time.perf_counter()
    total = sum(squares_below(n) for n in numbers)
    report("sequential", numbers, total, start, args.unit)

    start = time.perf_counter()
    with multiprocessing.Pool(args.workers, initializer=common.die_with_parent) as pool:
        total = sum(pool.map(squares_below, numbers))
    report(f"multiprocessing.Pool({args.workers})", numbers, total, start, args.unit)
