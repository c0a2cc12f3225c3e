#!/usr/bin/env python3
"""generators: a coroutine is a generator you can pause, resume and send values to.

The Python side of examples/generators, written for this project. The harness runs it as
`python3 -u generators.py --unit <DURATION> --seed <N> [--up-to N]`; run it by hand the same way.

Part one drives a generator that counts up to `up_to` and takes a jump through send(), then
pauses and resumes the 2018 walkthrough's endless() generator.
Part two drives a generator-based coroutine by hand, the way an event loop would, to show that
it does nothing until something resumes it, and that `yield from` hands each pause of the inner
generator straight through to whoever drives the outer one (as `await` does, and Rust's `.await`).
"""

import argparse
import itertools

import common


# Part one: yield a value, receive a jump.


def jumping_range(up_to):
    """Yield 0, 1, 2, ... below up_to; a value sent in moves the index by that much instead of 1."""
    index = 0
    while index < up_to:
        sent = yield index
        index += 1 if sent is None else sent


def show(label, resume, seen):
    """Resume the generator once and print what came back, or StopIteration once it is done."""
    try:
        value = resume()
    except StopIteration:
        print(f"{label} -> StopIteration")
        return
    seen.append(value)
    print(f"{label} -> {value}")


def part_one(up_to):
    gen = jumping_range(up_to)
    seen = []
    show("next(gen)", lambda: next(gen), seen)
    show("gen.send(2)", lambda: gen.send(2), seen)
    show("next(gen)", lambda: next(gen), seen)
    show("gen.send(-1)", lambda: gen.send(-1), seen)
    for value in gen:
        seen.append(value)
        print(f"for i in gen -> {value}")
    print(f"jumping_range({up_to}) yielded {seen}")


def endless():
    """9, 8, 7, 6, 9, 8, ... forever: it computes a value only when asked for one."""
    yield from itertools.cycle((9, 8, 7, 6))


def pause_and_resume():
    e = endless()
    total, taken = 0, []
    for i in e:
        if total >= 100:
            break  # a pause: e stays where it stopped
        taken.append(i)
        total += i
    print(f"for i in endless() -> {' '.join(map(str, taken))}")
    resumed = (next(e), next(e), next(e))
    print(f"next(e), next(e), next(e) -> {resumed}")


# Part two: a coroutine driven by hand.


def pause():
    """One suspension point: hand control to whoever drives us, then carry on."""
    yield


def step(name, value):
    print(f"  {name}: started")
    yield from pause()
    print(f"  {name}: resumed, returning {value}")
    return value


def both():
    first = yield from step("first", 1)  # `await step(...)` in a native coroutine
    second = yield from step("second", 2)
    return first + second


def part_two():
    print("driving both() by hand:")
    coro = both()
    print("both() created: nothing has run yet")
    polls = 0
    while True:
        polls += 1
        try:
            coro.send(None)
        except StopIteration as done:
            print(f"poll {polls}: Ready({done.value})")
            break
        print(f"poll {polls}: Pending")


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0, help="unused here")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--up-to", type=int, default=5, help="where jumping_range stops")
    args = parser.parse_args()
    part_one(args.up_to)
    pause_and_resume()
    print()
    part_two()
