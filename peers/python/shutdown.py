#!/usr/bin/env python3
"""shutdown: handlers for SIGINT and SIGTERM, and a clean stop with work in flight.

The Python side of examples/shutdown, written for this project. The harness runs it as
`python3 -u shutdown.py --unit <DURATION> --seed <N> [--signal-after UNITS] [--signal NAME]`
(the last two are for the runner, which sends the signal; they are accepted and ignored here).

`--docs` runs instead the shape of the asyncio reference's own example: the handler stops the
loop, so `asyncio.run()` ends in "RuntimeError: Event loop stopped before Future completed."
with status 1, and the pid line comes before the handlers exist. The default is the version
that works: the handler only records the signal, the tasks finish their step, status 0.
"""

import argparse
import asyncio
import functools
import os
import signal
import time

import common

NAMES = {signal.SIGINT: "SIGINT", signal.SIGTERM: "SIGTERM"}


async def worker(task_id, unit, stop):
    """Steps of one unit until told to stop; a step once begun is finished."""
    try:
        await asyncio.wait_for(stop.wait(), unit * (2 * task_id - 1) / 6)
        print(f"task {task_id} stopped before its first step")
        return
    except asyncio.TimeoutError:
        pass  # the three tasks start a third of a unit apart
    step = 0
    while True:
        await asyncio.sleep(unit)  # the step: work that must not be cut off halfway
        step += 1
        if stop.is_set():
            print(f"task {task_id} finished step {step} and stopped")
            return


async def clean(unit):
    loop = asyncio.get_running_loop()
    signals = asyncio.Queue()
    for sig in (signal.SIGINT, signal.SIGTERM):
        # Installed now, before the readiness line; the handler only queues the signal.
        loop.add_signal_handler(sig, signals.put_nowait, sig)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(worker(i, unit, stop)) for i in (1, 2, 3)]
    print("Event loop running for 1 hour, press Ctrl+C to interrupt.")
    print(f"pid {os.getpid()}: send SIGINT or SIGTERM to exit.")

    try:
        sig = await asyncio.wait_for(signals.get(), unit * 3600)
        print(f"got signal {NAMES[sig]}: exit")
    except asyncio.TimeoutError:
        print("the hour is up: exit")
    since = time.perf_counter()
    stop.set()
    all_stopped = asyncio.ensure_future(asyncio.gather(*tasks))
    again = asyncio.ensure_future(signals.get())
    await asyncio.wait([all_stopped, again], return_when=asyncio.FIRST_COMPLETED)
    if again.done():
        print(f"got signal {NAMES[again.result()]} again: exit now")
        os._exit(130)
    again.cancel()
    print(f"all tasks stopped {(time.perf_counter() - since) / unit:.2f} units later")


def stop_the_loop(name, loop):
    print(f"got signal {name}: exit")
    loop.stop()


async def docs_main(unit):
    loop = asyncio.get_running_loop()
    for name in ("SIGINT", "SIGTERM"):
        loop.add_signal_handler(getattr(signal, name), functools.partial(stop_the_loop, name, loop))
    await asyncio.sleep(unit * 3600)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=0.01)
    parser.add_argument("--seed", type=int, default=444)
    parser.add_argument("--signal-after", type=float, default=2.0)
    parser.add_argument("--signal", type=str.upper, choices=("INT", "TERM"), default="INT")
    parser.add_argument("--docs", action="store_true", help="the reference's version, which ends in an error")
    args = parser.parse_args()
    if args.docs:
        # As in the reference: the pid line is printed before asyncio.run() has installed the
        # handlers, and a handler that stops the loop makes asyncio.run() raise.
        print("Event loop running for 1 hour, press Ctrl+C to interrupt.")
        print(f"pid {os.getpid()}: send SIGINT or SIGTERM to exit.")
        asyncio.run(docs_main(args.unit))
    else:
        asyncio.run(clean(args.unit))


if __name__ == "__main__":
    # Ctrl+C is handled by the program itself, not by the quiet exit common.setup() installs.
    common.setup(sigint=False)
    main()
