#!/usr/bin/env python3
"""chained: each chain awaits part1, then part2 with part1's result; the chains run concurrently.

The Python side of examples/chained, written for this project. The harness runs it as
`python3 -u chained.py --unit <DURATION> --seed <N> [N ...]`; run it by hand the same way.
Every part draws its sleep from one `random` generator seeded with --seed, so
`chained.py --seed 444 9 6 3` sleeps as long as the tutorial's run of its chaining example.
"""

import argparse
import asyncio
import random
import time

import common

MAX_CHAINS = 10_000
MAX_N = 1_000_000


def chain_number(text):
    """A chain's number: it only names the chain."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid chain number {text!r}") from None
    if not 0 <= n <= MAX_N:
        raise argparse.ArgumentTypeError(f"{n} is not in 0..={MAX_N}")
    return n


async def part1(n, unit):
    delay = random.randint(0, 10)
    print(f"part1({n}) sleeping for {delay} seconds.")
    await asyncio.sleep(delay * unit)
    result = f"result{n}-1"
    print(f"Returning part1({n}) == {result}.")
    return result


async def part2(n, arg, unit):
    delay = random.randint(0, 10)
    print(f"part2({n}, {arg!r}) sleeping for {delay} seconds.")
    await asyncio.sleep(delay * unit)
    result = f"result{n}-2 derived from {arg}"
    print(f"Returning part2({n}, {arg!r}) == {result}.")
    return result


async def chain(n, unit):
    started = time.perf_counter()
    first = await part1(n, unit)
    second = await part2(n, first, unit)
    took = (time.perf_counter() - started) / unit
    print(f"-->Chained result{n} => {second} (took {took:0.2f} seconds).")


async def main(numbers, unit):
    # gather wraps each chain in a task; the tasks start in this order.
    await asyncio.gather(*(chain(n, unit) for n in numbers))


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="seed of the random generator")
    parser.add_argument("numbers", metavar="N", type=chain_number, nargs="*", help="chains to run")
    args = parser.parse_intermixed_args()
    numbers = args.numbers or [1, 2, 3]
    if len(numbers) > MAX_CHAINS:
        parser.error(f"at most {MAX_CHAINS} chains, got {len(numbers)}")
    random.seed(args.seed)
    started = time.perf_counter()
    asyncio.run(main(numbers, args.unit))
    took = (time.perf_counter() - started) / args.unit
    print(f"Program finished in {took:0.2f} seconds.")
