#!/usr/bin/env python3
"""count: three coroutines that each print One, sleep one tutorial second, print Two.

The Python side of examples/count, written for this project. The harness runs it as
`python3 -u count.py --unit <DURATION> --seed <N>`; run it by hand the same way.
"""

import argparse
import asyncio
import re
import time


def duration(text):
    """Parse a duration such as 1s, 50ms or 250us into seconds."""
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)(s|ms|us)", text.strip())
    if not match or float(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: use e.g. 1s, 50ms, 250us")
    return float(match[1]) * {"s": 1.0, "ms": 1e-3, "us": 1e-6}[match[2]]


async def count(unit):
    print("One")
    await asyncio.sleep(unit)
    print("Two")


async def main(unit):
    await asyncio.gather(count(unit), count(unit), count(unit))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=duration, default=1.0, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    args = parser.parse_args()
    start = time.perf_counter()
    asyncio.run(main(args.unit))
    elapsed = (time.perf_counter() - start) / args.unit
    print(f"count executed in {elapsed:0.3f} seconds.")
