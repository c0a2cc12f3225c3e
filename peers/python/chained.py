#!/usr/bin/env python3
"""chained: each chain awaits a first step, then a second fed by the first; the chains run concurrently.

The Python side of examples/chained, written for this project. The harness runs it as
`python3 -u chained.py --unit <DURATION> --seed <N> [--edition 2018|2025] [--phases] [N ...]`;
run it by hand the same way. In the 2025 edition (the default) each user id's chain is
fetch_user then fetch_posts, sleeping uniform(0.5, 2.0) each; in 2018 each chain is part1
then part2, sleeping randint(0, 10) each, and `--phases` runs that edition's phases program
(callers A, B and C). Every step draws its sleep from one `random` generator seeded with
--seed, so the sleeps are the tutorial's.
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


async def fetch_user(user_id, unit):
    delay = random.uniform(0.5, 2.0)
    print(f"User coro: fetching user by {user_id=}...")
    await asyncio.sleep(delay * unit)
    user = {"id": user_id, "name": f"User{user_id}"}
    print(f"User coro: fetched user with {user_id=} (done in {delay:.1f}s).")
    return user


async def fetch_posts(user, unit):
    delay = random.uniform(0.5, 2.0)
    print(f"Post coro: retrieving posts for {user['name']}...")
    await asyncio.sleep(delay * unit)
    posts = [f"Post {i} by {user['name']}" for i in range(1, 3)]
    print(f"Post coro: got {len(posts)} posts by {user['name']} (done in {delay:.1f}s):")
    for post in posts:
        print(f" - {post}")


async def get_user_with_posts(user_id, unit):
    user = await fetch_user(user_id, unit)
    await fetch_posts(user, unit)


async def users(user_ids, unit):
    started = time.perf_counter()
    await asyncio.gather(*(get_user_with_posts(user_id, unit) for user_id in user_ids))
    took = (time.perf_counter() - started) / unit
    print(f"\n==> Total time: {took:.2f} seconds")


async def phase1(callerid, unit):
    print(f"phase 1 called from {callerid}")
    await asyncio.sleep(2 * unit)
    return "result1"


async def phase2(callerid, arg, unit):
    print(f"phase 2 called from {callerid}")
    await asyncio.sleep(2 * unit)
    return f"result2 derived from {arg}"


async def outer(callerid, unit):
    print(f"outer called from {callerid}")
    first = await phase1(callerid, unit)
    second = await phase2(callerid, first, unit)
    return first, second


async def phases(unit):
    # Like the original, print only the calls, not the results.
    return await asyncio.gather(*(outer(callerid, unit) for callerid in "ABC"))


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="seed of the random generator")
    parser.add_argument("--edition", type=int, choices=(2018, 2025), default=2025, help="which program")
    parser.add_argument("--phases", action="store_true", help="run the 2018 edition's phases program")
    parser.add_argument("numbers", metavar="N", type=chain_number, nargs="*", help="chains to run")
    args = parser.parse_intermixed_args()
    numbers = args.numbers or [1, 2, 3]
    if len(numbers) > MAX_CHAINS:
        parser.error(f"at most {MAX_CHAINS} chains, got {len(numbers)}")
    random.seed(args.seed)
    if args.phases:
        asyncio.run(phases(args.unit))
    elif args.edition == 2025:
        asyncio.run(users(numbers, args.unit))
    else:
        started = time.perf_counter()
        asyncio.run(main(numbers, args.unit))
        took = (time.perf_counter() - started) / args.unit
        print(f"Program finished in {took:0.2f} seconds.")
