#!/usr/bin/env python3
"""subprocess: children of an asyncio program, their pipes, many at once, and the pitfalls.

The Python side of examples/subprocess, written for this project. The harness runs it as
`python3 -u subprocess_peer.py --unit <DURATION> --seed <N> [--count N [--max-running K]]
[--pitfalls]`; run it by hand the same way. (Not `subprocess.py`: that name would hide the
standard library's module, which asyncio imports.)
"""

import argparse
import asyncio
import datetime
import os
import signal
import sys
import time

import common

PIPE = asyncio.subprocess.PIPE


def seconds(unit):
    """A duration in seconds as `sleep` takes it, as the Rust side writes it: 1, 0.25, 0.000001."""
    return f"{unit:.6f}".rstrip("0").rstrip(".")


def report(cmd, code, out, err):
    lines = [f"[{cmd!r} exited with {code}]"]
    for name, data in (("stdout", out), ("stderr", err)):
        if data:
            lines.append(f"[{name}]\n{data.decode()}")
    return "\n".join(lines)


async def run_shell(cmd):
    """The shell runs `cmd`; communicate() collects both pipes while it waits."""
    proc = await asyncio.create_subprocess_shell(cmd, stdout=PIPE, stderr=PIPE)
    out, err = await proc.communicate()
    print(report(cmd, proc.returncode, out, err))


async def get_date():
    """Another interpreter prints the date; one line is read, then the child is waited for."""
    code = "import datetime; print(datetime.datetime.now())"
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", code, stdout=PIPE)
    line = await proc.stdout.readline()
    await proc.wait()
    return line.decode().rstrip()


async def docs(unit):
    await asyncio.gather(run_shell("ls /zzz"), run_shell(f'sleep {seconds(unit)}; echo "hello"'))
    print(f"Current date: {await get_date()}")


def rate(command, n, at_once, took, unit, ideal):
    per_second = n / took
    if ideal is None:
        return f"{n} x `{command}`, {at_once}: {took:.3f} s, {per_second:.0f} children/s"
    return (f"{n} x `{command}`, {at_once}: {took / unit:.2f} units (ideal {ideal}), "
            f"{per_second:.1f} children/s")


async def many(n, max_running, unit):
    """n children of `true`, then n of `sleep` for a unit; a semaphore lets K run at once."""
    for argv in (["true"], ["sleep", seconds(unit)]):
        limit = asyncio.Semaphore(max_running)

        async def one():
            async with limit:
                proc = await asyncio.create_subprocess_exec(*argv)
                if await proc.wait() != 0:
                    raise RuntimeError(f"{argv[0]} exited with {proc.returncode}")

        start = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(n)))
        took = time.perf_counter() - start
        ideal = -(-n // max_running) if argv[0] == "sleep" else None
        print(rate(" ".join(argv), n, f"at most {max_running} at a time", took, unit, ideal))


# Reads its stdin to the end, then writes 1 MB to stderr and 1 MB to stdout, with the
# shell's own printf: no other process holds the pipes, so killing sh ends it.
NOISY = "cat >/dev/null; printf '%1000000s' '' >&2; printf '%1000000s' ''"


async def full_pipes(unit):
    # The mistake: stdout read to its end before stderr. asyncio reads each pipe into a buffer
    # until it holds 128 KiB, then stops; the child fills stderr's pipe and waits forever.
    proc = await asyncio.create_subprocess_shell(NOISY, stdin=PIPE, stdout=PIPE, stderr=PIPE)
    proc.stdin.close()
    start = time.perf_counter()
    try:
        data = await asyncio.wait_for(proc.stdout.read(), unit)
        stuck = "not stuck"
    except asyncio.TimeoutError:
        data, stuck = b"", "stuck, killed"
        proc.kill()
    took = (time.perf_counter() - start) / unit
    # Not wait(): asyncio's wait() returns once the pipes are closed too, and the stderr
    # pipe is full and no longer read. communicate() reads what is left and then waits.
    await proc.communicate()
    print(f"pipes: stdout read to its end first: {stuck} after {took:.2f} units, "
          f"{len(data)} bytes read")
    # The fix: communicate() reads both pipes while it waits. It closes stdin only when it is
    # given input (3.11): without b"" here, the child's `cat` would wait for more forever.
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_shell(NOISY, stdin=PIPE, stdout=PIPE, stderr=PIPE)
    out, err = await proc.communicate(b"")
    took = (time.perf_counter() - start) / unit
    print(f"pipes: both read together, stdin closed: {len(out)} + {len(err)} bytes in {took:.2f} "
          f"units, exited with {proc.returncode}")


def state(pid):
    """The state letter in /proc/<pid>/stat (R, S, Z, ...), or None once the process is reaped."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


async def settled(pid):
    """The state once a kill has had time to act: until gone, 0.2 s a zombie, or 1 s."""
    start, zombie_since = time.perf_counter(), None
    while True:
        now = state(pid)
        if now == "Z" and zombie_since is None:
            zombie_since = time.perf_counter()
        given_up = zombie_since is not None and time.perf_counter() - zombie_since > 0.2
        if now is None or given_up or time.perf_counter() - start > 1:
            return now
        await asyncio.sleep(0.001)


def describe(st):
    if st is None:
        return "/proc/<pid> gone"
    if st == "Z":
        return "a zombie (state Z)"
    return f"still running (state {st})"


async def timed_out(unit):
    sleep = seconds(unit * 10)
    proc = await asyncio.create_subprocess_exec("sleep", sleep)
    try:
        await asyncio.wait_for(proc.wait(), unit)
    except asyncio.TimeoutError:
        pass  # wait_for cancelled the wait; the child runs on
    print(f"timeout: `sleep {sleep}` timed out after 1 unit: {describe(state(proc.pid))}")
    proc.kill()
    # asyncio's child watcher waits for every child in the background: no zombie stays.
    print(f"timeout: killed, not waited for: {describe(await settled(proc.pid))}")
    code = await proc.wait()
    print(f"timeout: waited for: exited with {code}, {describe(state(proc.pid))}")


async def grandchild(unit):
    script = f"sleep {seconds(unit * 2)} & echo started"
    # The mistake: communicate() reads until both pipes close, and the background sleep,
    # which inherited them, keeps them open after sh has exited.
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_shell(script, stdout=PIPE, stderr=PIPE)
    await proc.communicate()
    took = (time.perf_counter() - start) / unit
    print(f"grandchild: `sh -c {script!r}` exited with {proc.returncode}, communicate() returned "
          f"after {took:.2f} units")
    # The fix: a process group of its own (a new session makes one); once sh exits, the rest
    # of the group is stopped. asyncio's wait() returns only when the pipes close as well,
    # so the exit is seen in `returncode`, which is set as soon as the child exits.
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_shell(script, stdout=PIPE, start_new_session=True)
    reading = asyncio.create_task(proc.stdout.read())
    while proc.returncode is None:
        await asyncio.sleep(0.001)
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass  # the group is gone already
    await reading
    await proc.wait()
    took = (time.perf_counter() - start) / unit
    print(f"grandchild: own process group, the rest stopped when sh exited with "
          f"{proc.returncode}: {took:.2f} units")


async def pitfalls(unit):
    await full_pipes(unit)
    await timed_out(unit)
    await grandchild(unit)


def count(text):
    if not text.isdigit() or not 1 <= int(text) <= 20_000:
        raise argparse.ArgumentTypeError(f"invalid count {text!r}: use a number from 1 to 20000")
    return int(text)


def at_once(text):
    if not text.isdigit() or not 1 <= int(text) <= 256:
        raise argparse.ArgumentTypeError(f"invalid limit {text!r}: use a number from 1 to 256")
    return int(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=1.0)
    parser.add_argument("--seed", type=int, default=444)
    parser.add_argument("--count", type=count)
    parser.add_argument("--max-running", type=at_once, default=32)
    parser.add_argument("--pitfalls", action="store_true")
    args = parser.parse_args()
    if args.count is not None:
        asyncio.run(many(args.count, args.max_running, args.unit))
    elif args.pitfalls:
        asyncio.run(pitfalls(args.unit))
    else:
        asyncio.run(docs(args.unit))


if __name__ == "__main__":
    common.setup()
    main()
