#!/usr/bin/env python3
"""count: three coroutines that each print One, sleep, print Two (and in 2025 sleep again).

The Python side of examples/count, written for this project. The harness runs it as
`python3 -u count.py --unit <DURATION> --seed <N> [--edition 2018|2025]`; run it by hand the
same way. The 2018 edition's count() sleeps once, between One and Two; the 2025 edition's
sleeps again after Two.
"""

import argparse
import asyncio
import time

import common


async def count(unit, edition):
    print("One")
    await asyncio.sleep(unit)
    print("Two")
    if edition == 2025:
        await asyncio.sleep(unit)


async def main(unit, edition):
    await asyncio.gather(count(unit, edition), count(unit, edition), count(unit, edition))


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--edition", type=int, choices=(2018, 2025), default=2025, help="which program")
    args = parser.parse_args()
    start = time.perf_counter()
    asyncio.run(main(args.unit, args.edition))
    elapsed = (time.perf_counter() - start) / args.unit
    print(f"count executed in {elapsed:0.3f} seconds.")
