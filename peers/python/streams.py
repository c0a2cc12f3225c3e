#!/usr/bin/env python3
"""streams: an async generator, consumed by async comprehensions, and the concurrent form beside it.

The Python side of examples/streams, written for this project. The harness runs it as
`python3 -u streams.py --unit <DURATION> --seed <N> [--up-to N] [--edition 2018|2025]`; run it
by hand the same way. The 2018 edition's program collects ten powers, the 2025 one five.

`powers(up_to)` yields 1, 2, 4, ... and sleeps one unit before each item. Collecting it with an
async comprehension takes `up_to` units: `async for` waits for each item in turn, so nothing
overlaps. The filtered comprehension keeps the items with `not (j // 3 % 5)`, as both
editions' programs do, and still waits for every item. `gather` starts every sleep at once and takes one unit.
"""

import argparse
import asyncio
import time

import common


async def powers(up_to, unit):
    """An async generator: 2 ** 0, 2 ** 1, ... below 2 ** up_to, each one unit after the last."""
    for exponent in range(up_to):
        await asyncio.sleep(unit)
        yield 2**exponent


async def power(exponent, unit):
    """One item on its own: the same sleep, the same value."""
    await asyncio.sleep(unit)
    return 2**exponent


def report(name, values, start, unit):
    elapsed = (time.perf_counter() - start) / unit
    print(f"{name} = {values} in {elapsed:0.2f} seconds.")


async def main(up_to, unit):
    start = time.perf_counter()
    g = [i async for i in powers(up_to, unit)]
    report("g", g, start, unit)

    start = time.perf_counter()
    f = [j async for j in powers(up_to, unit) if not (j // 3 % 5)]
    report("f", f, start, unit)

    start = time.perf_counter()
    c = await asyncio.gather(*(power(exponent, unit) for exponent in range(up_to)))
    report("c", c, start, unit)


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--up-to", type=int, help="how many powers of two [default: 10 in 2018, 5 in 2025]")
    parser.add_argument("--edition", type=int, choices=(2018, 2025), default=2025, help="which program")
    args = parser.parse_args()
    up_to = args.up_to if args.up_to is not None else {2018: 10, 2025: 5}[args.edition]
    asyncio.run(main(up_to, args.unit))
