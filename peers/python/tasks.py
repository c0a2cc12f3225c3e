#!/usr/bin/env python3
"""tasks: what a task is, when it runs, and how it ends.

The Python side of examples/tasks, written for this project. The harness runs it as
`python3 -u tasks.py --unit <DURATION> --seed <N> [--edition 2018|2025]`; run it by hand the
same way. It opens with the edition's create_task program: 2025's asks the task's type and
done() before awaiting it, 2018's after; then it runs the example's seven demos.
"""

import argparse
import asyncio
import time

import common


def units(begin, unit):
    return (time.perf_counter() - begin) / unit


async def sleeper(label, begin, unit, how_long):
    """Sleeps, then says so; its `finally` is its cleanup, run when it is cancelled too."""
    try:
        await asyncio.sleep(how_long * unit)
        print(f"{label}: task finished at {units(begin, unit):.2f}")
    finally:
        print(f"{label}: cleanup ran at {units(begin, unit):.2f}")


async def coro(numbers, edition, unit):
    """Waits min(numbers) units (max in 2018), then returns the numbers reversed."""
    await asyncio.sleep((min(numbers) if edition == 2025 else max(numbers)) * unit)
    return list(reversed(numbers))


async def create_task(edition, unit):
    task = asyncio.create_task(coro([3, 2, 1], edition, unit))
    if edition == 2025:
        print(f"type(task) = {type(task)}")
        print(f"task.done() = {task.done()}")
        print(f"result: {await task}")
    else:
        await task
        print(f"t: type {type(task)}")
        print(f"t done: {task.done()}")


async def work(label, unit):
    print(f"{label}: work started")
    await asyncio.sleep(unit)
    return "done"


async def lazy(unit):
    coroutine = work("lazy", unit)  # an object: no line of work() has run
    print("lazy: made the coroutine; nothing has run")
    await asyncio.sleep(unit)
    print("lazy: one unit later, still nothing")
    result = await coroutine  # now it runs, to its end
    print(f"lazy: awaited it: {result}")


async def start(unit):
    begin = time.perf_counter()

    async def announce():
        print(f"start: create_task: task started at {units(begin, unit):.2f}")

    task = asyncio.create_task(announce())
    time.sleep(unit)  # blocking the loop is a bug; here it shows that nothing else runs meanwhile
    print(f"start: spawner reached its first await at {units(begin, unit):.2f}")
    await task


async def drop_handle(unit):
    begin = time.perf_counter()
    task = asyncio.create_task(sleeper("drop", begin, unit, 2))
    await asyncio.sleep(unit)
    del task  # the loop still holds the task while it waits: it runs on
    print(f"drop: handle dropped at {units(begin, unit):.2f}")
    await asyncio.sleep(2 * unit)
    print(f"drop: spawner done at {units(begin, unit):.2f}")


async def cancel(unit):
    begin = time.perf_counter()
    task = asyncio.create_task(sleeper("cancel", begin, unit, 10))
    await asyncio.sleep(unit)
    print(f"cancel: cancel() at {units(begin, unit):.2f}")
    task.cancel()
    try:
        await task
        print("cancel: awaiting it gave: None")
    except asyncio.CancelledError:
        print("cancel: awaiting it gave: CancelledError")


async def panics(unit):
    loop = asyncio.get_running_loop()

    def handler(loop, context):
        print(f"panic: loop exception handler saw: {context['message']}: {context['exception']!r}")

    loop.set_exception_handler(handler)

    async def boom(text):
        raise RuntimeError(text)

    try:
        await asyncio.create_task(boom("boom"))
    except RuntimeError as error:
        print(f"panic: awaiting it re-raised the exception: {error!r}")
    asyncio.create_task(boom("nobody awaits this"))  # no reference kept: freed once it fails
    await asyncio.sleep(unit)
    print("panic: the loop carried on")
    loop.set_exception_handler(None)


async def nest(unit):
    inner = asyncio.sleep(unit)
    try:
        asyncio.run(inner)
    except RuntimeError as error:
        print(f"nest: asyncio.run inside the loop raised: {error}")
        inner.close()  # it never ran: close it, or Python warns that it was never awaited
    other_loop = asyncio.new_event_loop()
    inner = asyncio.sleep(unit)
    try:
        other_loop.run_until_complete(inner)
    except RuntimeError as error:
        print(f"nest: run_until_complete inside the loop raised: {error}")
        inner.close()
    finally:
        other_loop.close()

    begin = time.perf_counter()
    await asyncio.sleep(unit)
    print(f"nest: awaiting instead: done at {units(begin, unit):.2f}")

    result = await asyncio.to_thread(asyncio.run, work("nest", unit))
    print(f"nest: asyncio.run on a thread of its own: {result}")


async def main(unit, edition):
    await create_task(edition, unit)
    await lazy(unit)
    await start(unit)
    await drop_handle(unit)
    await cancel(unit)
    await panics(unit)
    await nest(unit)


async def exit_with_tasks_running(unit, begin):
    asyncio.create_task(sleeper("exit", begin, unit, 10))
    await asyncio.sleep(unit)
    print(f"exit: main returns at {units(begin, unit):.2f}")
    # asyncio.run now cancels the task that is still running, and waits for its cleanup.


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=0.1, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--edition", type=int, choices=(2018, 2025), default=2025, help="which program")
    args = parser.parse_args()
    asyncio.run(main(args.unit, args.edition))
    asyncio.run(exit_with_tasks_running(args.unit, time.perf_counter()))
