#!/usr/bin/env python3
"""chess: one master plays many boards, going from board to board while the opponents think.

The Python side of examples/chess, written for this project. The harness runs it as
`python3 -u chess.py --unit <DURATION> --seed <N> [--opponents N] [--master S] [--reply S]
[--moves N] [--masters K] [--each-move]`; run it by hand the same way. Her move is her own
work (a busy loop: nothing else runs meanwhile); a reply is a wait (asyncio.sleep). The master
is an asyncio.Lock, which serves its waiters first come first served.
"""

import argparse
import asyncio
import sys
import time

import common

EACH_MOVE_UP_TO = 100  # up to this many moves in all, print every move and reply


def human(seconds):
    """A duration as the Rust harness shows it: 200us, 3.0ms, 1.004s."""
    if seconds >= 10:
        return f"{seconds:.2f}s"
    if seconds >= 1:
        return f"{seconds:.3f}s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f}ms"
    return f"{seconds * 1e6:.0f}us"


def ideal(opponents, moves, master, reply):
    """The exhibition's length when she goes round the boards and never dawdles.

    A round of her moves takes opponents * master, unless a reply takes longer to come back;
    the last round ends with her last move and its reply. (examples/chess/src/schedule.rs works
    the same number out on a virtual clock, and its tests check it against this formula.)
    """
    round_ = max(opponents * master, master + reply)
    return (moves - 1) * round_ + opponents * master + reply


def think(seconds):
    """Her move is her own work: a busy loop, so nothing else of hers runs meanwhile."""
    done = time.perf_counter() + seconds
    while time.perf_counter() < done:
        pass


async def play_game(board, master, args, start):
    for number in range(1, args.moves + 1):
        async with master:  # wait in line for her
            think(args.master * args.unit)
            if args.each_move:
                print(f"board {board}: move {number} played")
        await asyncio.sleep(args.reply * args.unit)  # the opponent thinks; she moves on
        if args.each_move:
            print(f"board {board}: reply {number} received")
    at = (time.perf_counter() - start) / args.unit
    print(f"board {board}: game over after {args.moves} moves, at {at:.1f} tutorial s")


async def exhibition(args):
    start = time.perf_counter()
    master = asyncio.Lock()
    await asyncio.gather(*(play_game(board, master, args, start) for board in range(1, args.opponents + 1)))
    return time.perf_counter() - start


def positive(low, high):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not in {low}..={high}")
        return value

    return parse


def usage_error(message):
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.error = usage_error
    parser.add_argument("--unit", type=common.duration, default=200e-6, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--opponents", type=positive(1, 100_000), default=24)
    parser.add_argument("--master", type=positive(1, 3_600), default=5, help="her move, tutorial s")
    parser.add_argument("--reply", type=positive(1, 86_400), default=55, help="a reply, tutorial s")
    parser.add_argument("--moves", type=positive(1, 1_000), default=30, help="pair-moves a game")
    parser.add_argument("--masters", type=positive(1, 64), default=1)
    parser.add_argument("--each-move", action="store_true", help="a line per move and reply")
    args = parser.parse_args()
    if args.masters > 1:
        usage_error(
            f"asyncio runs on one thread, so a second master could never think while the first "
            f"does: --masters {args.masters} needs threads, tokio, smol, async-std or futures"
        )
    args.each_move = args.each_move or args.opponents * args.moves <= EACH_MOVE_UP_TO

    print(
        f"simultaneous exhibition: {args.opponents} boards, {args.moves} moves each; "
        f"her move {args.master} s, a reply {args.reply} s (1 s = {human(args.unit)})"
    )
    took = asyncio.run(exhibition(args)) / args.unit
    print(f"exhibition over: {args.opponents} boards in {took:.1f} tutorial seconds ({took / 3600:.2f} hours)")
    best = ideal(args.opponents, args.moves, args.master, args.reply)
    print(
        f"ideal, board to board: {best} tutorial seconds ({best / 3600:.2f} hours); "
        f"this run {(took / best - 1) * 100:+.2f}%"
    )
