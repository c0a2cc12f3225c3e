#!/usr/bin/env python3
"""count: three coroutines that each print One, sleep one tutorial second, print Two.

The Python side of examples/count, written for this project. The harness runs it as
`python3 -u count.py --unit <DURATION> --seed <N>`; run it by hand the same way.
"""

import argparse
import asyncio
import time

import common


async def count(unit):
    print("One")
    await asyncio.sleep(unit)
    print("Two")


async def main(unit):
    await asyncio.gather(count(unit), count(unit), count(unit))


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    args = parser.parse_args()
    start = time.perf_counter()
    asyncio.run(main(args.unit))
    elapsed = (time.perf_counter() - start) / args.unit
    print(f"count executed in {elapsed:0.3f} seconds.")
