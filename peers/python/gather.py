#!/usr/bin/env python3
"""gather: results in argument order (gather) vs as they finish (as_completed).

The Python side of examples/gather, written for this project. The harness runs it as
`python3 -u gather.py --unit <DURATION> --seed <N> [--tasks N]`; run it by hand the same way.
"""

import argparse
import asyncio
import time

import common

A, B, EMPTY = [3, 2, 1], [10, 5, 0], []


def task_count(text):
    """--tasks: a whole number from 1 to 2,000,000."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None
    if not 1 <= n <= 2_000_000:
        raise argparse.ArgumentTypeError(f"{n} is not in 1..=2000000")
    return n


async def coro(seq, unit):
    """Sleep max(seq) units, then return seq reversed; an empty seq raises ValueError."""
    await asyncio.sleep(max(seq) * unit)
    return seq[::-1]


async def demo(unit):
    def units(start):
        return (time.perf_counter() - start) / unit

    start = time.perf_counter()
    results = await asyncio.gather(coro(A, unit), coro(B, unit))
    print(f"gather: {results} at {units(start):.2f}")

    start = time.perf_counter()
    for next_done in asyncio.as_completed([coro(A, unit), coro(B, unit)]):
        print(f"as_completed: {await next_done} at {units(start):.2f}")

    start = time.perf_counter()
    tasks = [asyncio.create_task(coro(A, unit)), asyncio.create_task(coro(B, unit))]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(f"wait FIRST_COMPLETED: {done.pop().result()} at {units(start):.2f}, {len(pending)} pending")
    for task in pending:  # wait() left them running: cancel them, and wait until they are gone
        task.cancel()
    if pending:  # at a tiny unit both may be done already, and wait() refuses an empty set
        await asyncio.wait(pending)
    print(f"wait FIRST_COMPLETED: pending task cancelled at {units(start):.2f}")

    start = time.perf_counter()
    try:
        result = await asyncio.wait_for(coro(B, unit), timeout=5 * unit)
        print(f"wait_for: {result} at {units(start):.2f}")
    except asyncio.TimeoutError:  # wait_for cancelled the task before raising
        print(f"wait_for: timed out at {units(start):.2f}, task cancelled")

    start = time.perf_counter()
    tasks = [asyncio.create_task(coro(seq, unit)) for seq in (A, EMPTY, B)]
    try:
        print(f"gather fail-fast: {await asyncio.gather(*tasks)}")
    except ValueError as error:
        running = sum(not task.done() for task in tasks)
        print(f"gather fail-fast: error at {units(start):.2f}: {error}; {running} others still running")
    for task in tasks:  # gather did not cancel them: do it here, so they don't outlive the demo
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    start = time.perf_counter()
    results = await asyncio.gather(coro(A, unit), coro(EMPTY, unit), coro(B, unit), return_exceptions=True)
    print(f"gather return_exceptions: {results} at {units(start):.2f}")


async def scale(n, unit):
    start = time.perf_counter()
    results = await asyncio.gather(*(asyncio.sleep(unit, result=i) for i in range(n)))
    wall = time.perf_counter() - start
    gathered = sum(r == i for i, r in enumerate(results))
    print(
        f"scale: {gathered} tasks gathered in {wall:.3f} s ({wall / unit:.2f} units), "
        f"overhead {max(wall - unit, 0):.3f} s"
    )


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=0.05, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--tasks", type=task_count, help="scale mode: gather N one-unit sleeps")
    args = parser.parse_args()
    if args.tasks is None:
        asyncio.run(demo(args.unit))
    else:
        asyncio.run(scale(args.tasks, args.unit))
