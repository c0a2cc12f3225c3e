#!/usr/bin/env python3
"""rand: three coroutines draw random numbers until one beats their threshold.

The Python side of examples/rand, written for this project. The harness runs it as
`python3 -u rand.py --unit <DURATION> --seed <N> [--edition 2018|2025]`; run it by hand the
same way. makerandom(idx) for idx 1, 2, 3 draws randint(0, 10) until the value is above its
threshold, sleeping idx tutorial seconds after each miss. The thresholds are 9, 8, 7 in the
2018 edition (10 - idx) and 9, 8, 8 in the 2025 one. All three share the `random` module's one
generator, seeded once at the start.
"""

import argparse
import asyncio
import os
import random
import sys

import common

# Cyan, red and magenta for makerandom(1), (2) and (3); RESET ends a colour.
COLORS = ("\033[36m", "\033[91m", "\033[35m")
RESET = "\033[0m"


def wants_color():
    """Colour on a terminal (or when the Rust harness says its own stdout is one), never with NO_COLOR."""
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() or "WALKTHROUGH_COLOR" in os.environ


def say(idx, color, text):
    print(f"{COLORS[(idx - 1) % 3]}{text}{RESET}" if color else text)


async def makerandom(idx, threshold, unit, color):
    say(idx, color, f"Initiated makerandom({idx}).")
    value = random.randint(0, 10)
    while value <= threshold:
        say(idx, color, f"makerandom({idx}) == {value} too low; retrying.")
        await asyncio.sleep(idx * unit)
        value = random.randint(0, 10)
    say(idx, color, f"---> Finished: makerandom({idx}) == {value}")
    return value


THRESHOLDS = {2018: (9, 8, 7), 2025: (9, 8, 8)}


async def main(unit, color, edition):
    # gather wraps each coroutine in a task; the tasks start in this order.
    thresholds = THRESHOLDS[edition]
    return await asyncio.gather(
        *(makerandom(idx, threshold, unit, color) for idx, threshold in zip((1, 2, 3), thresholds))
    )


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="seed of the random generator")
    parser.add_argument("--edition", type=int, choices=(2018, 2025), default=2025, help="which program")
    args = parser.parse_args()
    random.seed(args.seed)
    r1, r2, r3 = asyncio.run(main(args.unit, wants_color(), args.edition))
    print()
    print(f"r1: {r1}, r2: {r2}, r3: {r3}")
