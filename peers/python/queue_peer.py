#!/usr/bin/env python3
"""queue: producers put random items on an asyncio.Queue, consumers take them off.

The Python side of examples/queue, written for this project. The harness runs it as
`python3 -u queue_peer.py --unit <DURATION> --seed <N> [--edition 2018|2025] [-p N] [-c N]
[--bench N]`. (Not named queue.py: that would shadow the standard library's `queue` module.)

The 2025 edition's program (the default): one producer fetches three users, each after
uniform(0.5, 2.0) tutorial seconds, and puts them on a queue; three consumers fetch each user's
posts and stop at a None, the sentinel. Everything draws from the one `random` generator.

The 2018 edition's program (-p producers, -c consumers): every producer and consumer draws from
its own generator, seeded from --seed in a fixed order, so a run puts the same items and takes
the same naps as the Rust variants, whatever order the event loop happens to run the tasks in.
"""

import argparse
import asyncio
import random
import time

import common


def bounded(low, high):
    """An argparse type: an integer in low..=high."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..={high}")
        return value

    return parse


async def nap(who, rng, unit):
    """Sleep a random 1..=5 tutorial seconds, saying so first."""
    seconds = rng.randint(1, 5)
    print(f"{who} sleeping for {seconds} seconds.")
    await asyncio.sleep(seconds * unit)


async def produce(n, rng, queue, unit):
    for _ in range(rng.randint(1, 5)):
        await nap(f"Producer {n}", rng, unit)
        item = f"{rng.getrandbits(40):010x}"
        await queue.put((item, time.perf_counter()))
        print(f"Producer {n} added <{item}> to queue.")


async def consume(n, rng, queue, unit):
    while True:
        await nap(f"Consumer {n}", rng, unit)
        item, put_at = await queue.get()
        waited = (time.perf_counter() - put_at) / unit
        print(f"Consumer {n} got element <{item}> in {waited:0.5f} seconds.")
        queue.task_done()


async def main(nprod, ncon, seed, unit):
    seeds = random.Random(seed)
    prods = [random.Random(seeds.getrandbits(32)) for _ in range(nprod)]
    cons = [random.Random(seeds.getrandbits(32)) for _ in range(ncon)]
    queue = asyncio.Queue()
    producers = [asyncio.create_task(produce(n, rng, queue, unit)) for n, rng in enumerate(prods)]
    consumers = [asyncio.create_task(consume(n, rng, queue, unit)) for n, rng in enumerate(cons)]
    await asyncio.gather(*producers)
    await queue.join()  # every item put has been marked task_done
    for consumer in consumers:
        consumer.cancel()
    await asyncio.gather(*consumers, return_exceptions=True)


async def fetch_user(user_id, queue, unit):
    delay = random.uniform(0.5, 2.0)
    print(f"Producer: fetching user by {user_id=}...")
    await asyncio.sleep(delay * unit)
    user = {"id": user_id, "name": f"User{user_id}"}
    print(f"Producer: fetched user with {user_id=} (done in {delay:.1f}s)")
    await queue.put(user)


async def producer(queue, user_ids, unit):
    await asyncio.gather(*(fetch_user(user_id, queue, unit) for user_id in user_ids))
    for _ in user_ids:
        await queue.put(None)  # one sentinel per consumer


async def consumer(queue, unit):
    while (user := await queue.get()) is not None:
        delay = random.uniform(0.5, 2.0)
        print(f"Consumer: retrieving posts for {user['name']}...")
        await asyncio.sleep(delay * unit)
        posts = [f"Post {i} by {user['name']}" for i in range(1, 3)]
        print(f"Consumer: got {len(posts)} posts by {user['name']} (done in {delay:.1f}s):")
        for post in posts:
            print(f"  - {post}")


async def queued(unit):
    queue = asyncio.Queue()
    user_ids = [1, 2, 3]
    start = time.perf_counter()
    await asyncio.gather(producer(queue, user_ids, unit), *(consumer(queue, unit) for _ in user_ids))
    took = (time.perf_counter() - start) / unit
    print(f"\n==> Total time: {took:.2f} seconds")


async def pump(items, maxsize):
    """One producer and one consumer move `items` integers through a queue."""
    queue = asyncio.Queue(maxsize)

    async def producer():
        for i in range(items):
            await queue.put(i)

    async def consumer():
        total = 0
        for _ in range(items):
            total += await queue.get()
        return total

    _, total = await asyncio.gather(producer(), consumer())
    assert total == items * (items - 1) // 2


def bench(items):
    for name, maxsize in [("unbounded", 0), ("100", 100), ("1", 1)]:
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            asyncio.run(pump(items, maxsize))
            best = min(best, time.perf_counter() - start)
        rate = items / best
        print(f"capacity {name}: {items} items in {best:.6f} s, {rate / 1e6:.2f} M items/s (best of 3)")


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=0.04, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="seed of the random numbers")
    parser.add_argument("--edition", type=int, choices=(2018, 2025), default=2025, help="which program")
    parser.add_argument("-p", "--nprod", type=bounded(1, 1000), help="producers (2018) [default: 5]")
    parser.add_argument("-c", "--ncon", type=bounded(1, 1000), help="consumers (2018) [default: 10]")
    parser.add_argument("--bench", type=bounded(1, 20_000_000), metavar="N",
                        help="throughput mode: move N items through queues of three sizes")
    args = parser.parse_args()
    if args.bench:
        bench(args.bench)
    elif args.edition == 2025:
        if args.nprod is not None or args.ncon is not None:
            parser.error("-p and -c set the 2018 program's producers and consumers (add --edition 2018)")
        random.seed(args.seed)
        asyncio.run(queued(args.unit))
    else:
        start = time.perf_counter()
        asyncio.run(main(args.nprod or 5, args.ncon or 10, args.seed, args.unit))
        elapsed = (time.perf_counter() - start) / args.unit
        print(f"Program completed in {elapsed:0.5f} seconds.")
