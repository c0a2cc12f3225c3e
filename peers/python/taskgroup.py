#!/usr/bin/env python3
"""taskgroup: errors from many tasks, grouped by kind, and a TaskGroup that cancels on failure.

The Python side of examples/taskgroup, written for this project (Python 3.11 or later: it uses
ExceptionGroup, except* and asyncio.TaskGroup). The harness runs it as
`python3 -u taskgroup.py --unit <DURATION> --seed <N>`; run it by hand the same way.

Three coroutines fail after 1, 2 and 0.5 tutorial seconds with a ValueError, a TypeError and an
IndexError. First gather(..., return_exceptions=True) lets all three run to their end and keeps
every exception; they are raised together as an ExceptionGroup and handled kind by kind with
except*. Then a TaskGroup runs them: the first failure cancels the other two, and the group
raises an ExceptionGroup of what failed once they are gone.
"""

import argparse
import asyncio
import time

import common

COROS = (("A", 1.0, ValueError), ("B", 2.0, TypeError), ("C", 0.5, IndexError))


async def coro(name, seconds, error, unit, started):
    try:
        await asyncio.sleep(seconds * unit)
    except asyncio.CancelledError:
        print(f"coro {name} cancelled at {(time.perf_counter() - started) / unit:.2f}")
        raise
    raise error(f"Error in coro {name}")


def summary(count, started, unit):
    noun = "error" if count == 1 else "errors"
    print(f"{count} {noun} after {(time.perf_counter() - started) / unit:.2f} seconds")


def handle(group):
    """The handlers, kind by kind; returns how many exceptions they handled."""
    handled = 0
    try:
        raise group
    except* ValueError as ve_group:
        print(f"[ValueError handled] {ve_group.exceptions}")
        handled += len(ve_group.exceptions)
    except* TypeError as te_group:
        print(f"[TypeError handled] {te_group.exceptions}")
        handled += len(te_group.exceptions)
    except* IndexError as ie_group:
        print(f"[IndexError handled] {ie_group.exceptions}")
        handled += len(ie_group.exceptions)
    return handled


async def gather(unit):
    print("gather(return_exceptions=True): every coroutine runs to its end")
    started = time.perf_counter()
    results = await asyncio.gather(
        *(coro(name, seconds, error, unit, started) for name, seconds, error in COROS),
        return_exceptions=True,
    )
    exceptions = [e for e in results if isinstance(e, Exception)]
    summary(handle(ExceptionGroup("Errors", exceptions)), started, unit)


async def task_group(unit):
    print("TaskGroup: the first failure cancels the others")
    started = time.perf_counter()
    try:
        async with asyncio.TaskGroup() as group:
            for name, seconds, error in COROS:
                group.create_task(coro(name, seconds, error, unit, started))
    except ExceptionGroup as errors:
        summary(handle(errors), started, unit)


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=0.2, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    args = parser.parse_args()
    asyncio.run(gather(args.unit))
    print()
    asyncio.run(task_group(args.unit))
