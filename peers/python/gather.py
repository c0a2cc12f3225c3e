#!/usr/bin/env python3
"""gather: results in argument order (gather) vs as they finish (as_completed).

The Python side of examples/gather, written for this project. The harness runs it as
`python3 -u gather.py --unit <DURATION> --seed <N> [--tasks N] [--edition 2018|2025]`; run it
by hand the same way. In the 2025 edition (the default) coro waits min(numbers) and the demo
opens with that edition's gathers and as_completed programs; in the 2018 one coro waits max(seq).
Their clock (time.strftime("%X") in the originals) counts tutorial seconds from the start.
"""

import argparse
import asyncio
import time

import common

A, EMPTY = [3, 2, 1], []
SLOW = {2018: [10, 5, 0], 2025: [10, 5, 2]}  # the slower call's list: 10 seconds, or 2
PATIENCE = {2018: 5, 2025: 1}  # how long wait_for waits for it


def task_count(text):
    """--tasks: a whole number from 1 to 2,000,000."""
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number {text!r}") from None
    if not 1 <= n <= 2_000_000:
        raise argparse.ArgumentTypeError(f"{n} is not in 1..=2000000")
    return n


async def coro(seq, unit, edition):
    """Sleep max(seq) units (2018) or min(seq) (2025), then return seq reversed; an empty seq
    raises ValueError."""
    await asyncio.sleep((max(seq) if edition == 2018 else min(seq)) * unit)
    return seq[::-1]


def clock(began, unit):
    """HH:MM:SS in tutorial seconds since `began`, to the nearest second."""
    seconds = round((time.perf_counter() - began) / unit)
    return f"{seconds // 3600:02}:{seconds // 60 % 60:02}:{seconds % 60:02}"


async def gathers(unit, began):
    task1 = asyncio.create_task(coro(SLOW[2025], unit, 2025))
    task2 = asyncio.create_task(coro(A, unit, 2025))
    print("Start:", clock(began, unit))
    result = await asyncio.gather(task1, task2)
    print("End:", clock(began, unit))
    print(f"Both tasks done: {all((task1.done(), task2.done()))}")
    print(f"result: {result}")


async def as_completed(unit, began):
    task1 = asyncio.create_task(coro(SLOW[2025], unit, 2025))
    task2 = asyncio.create_task(coro(A, unit, 2025))
    print("Start:", clock(began, unit))
    for task in asyncio.as_completed([task1, task2]):
        result = await task
        print(f"result: {result} completed at {clock(began, unit)}")
    print("End:", clock(began, unit))
    print(f"Both tasks done: {all((task1.done(), task2.done()))}")


async def gather_2018(unit):
    def units(start):
        return (time.perf_counter() - start) / unit

    B = SLOW[2018]
    start = time.perf_counter()
    results = await asyncio.gather(coro(A, unit, 2018), coro(B, unit, 2018))
    print(f"gather: {results} at {units(start):.2f}")

    start = time.perf_counter()
    for next_done in asyncio.as_completed([coro(A, unit, 2018), coro(B, unit, 2018)]):
        print(f"as_completed: {await next_done} at {units(start):.2f}")


async def demo(unit, edition):
    def units(start):
        return (time.perf_counter() - start) / unit

    if edition == 2025:
        began = time.perf_counter()
        await gathers(unit, began)
        await as_completed(unit, began)
    else:
        await gather_2018(unit)

    B = SLOW[edition]
    start = time.perf_counter()
    tasks = [asyncio.create_task(coro(A, unit, edition)), asyncio.create_task(coro(B, unit, edition))]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(f"wait FIRST_COMPLETED: {done.pop().result()} at {units(start):.2f}, {len(pending)} pending")
    for task in pending:  # wait() left them running: cancel them, and wait until they are gone
        task.cancel()
    if pending:  # at a tiny unit both may be done already, and wait() refuses an empty set
        await asyncio.wait(pending)
    print(f"wait FIRST_COMPLETED: pending task cancelled at {units(start):.2f}")

    start = time.perf_counter()
    try:
        result = await asyncio.wait_for(coro(B, unit, edition), timeout=PATIENCE[edition] * unit)
        print(f"wait_for: {result} at {units(start):.2f}")
    except asyncio.TimeoutError:  # wait_for cancelled the task before raising
        print(f"wait_for: timed out at {units(start):.2f}, task cancelled")

    start = time.perf_counter()
    tasks = [asyncio.create_task(coro(seq, unit, edition)) for seq in (A, EMPTY, B)]
    try:
        print(f"gather fail-fast: {await asyncio.gather(*tasks)}")
    except ValueError as error:
        running = sum(not task.done() for task in tasks)
        print(f"gather fail-fast: error at {units(start):.2f}: {error}; {running} others still running")
    for task in tasks:  # gather did not cancel them: do it here, so they don't outlive the demo
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)

    start = time.perf_counter()
    results = await asyncio.gather(coro(A, unit, edition), coro(EMPTY, unit, edition), coro(B, unit, edition), return_exceptions=True)
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
    parser.add_argument("--edition", type=int, choices=(2018, 2025), default=2025, help="which programs")
    args = parser.parse_args()
    if args.tasks is None:
        asyncio.run(demo(args.unit, args.edition))
    else:
        asyncio.run(scale(args.tasks, args.unit))
