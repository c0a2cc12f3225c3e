"""What every Python peer shares: the --unit parser, and behaving well as a child of the runner.

Each peer calls `common.setup()` first thing. Then, like the Rust binaries beside it:
- a closed pipe (`| head -1`) ends the program quietly, by SIGPIPE, as it ends a C program;
- Ctrl+C ends it quietly with status 130, without a KeyboardInterrupt traceback;
- run by the runner (WALKTHROUGH_CHILD is set), it dies with the runner, however the runner
  ends: Linux's parent-death signal, set with prctl. Worker processes call `die_with_parent`
  as their pool initializer, so that they die with the peer.
"""

import argparse
import ctypes
import os
import re
import signal
import sys

_SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6}


def duration(text):
    """Parse a duration such as 1s, 50ms, 250us or 250µs into seconds, as the Rust side does."""
    match = re.fullmatch(r"(\d+(?:\.\d*)?|\.\d+)(s|ms|us|µs)", text.strip())
    if not match or float(match[1]) == 0:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: use e.g. 1s, 50ms, 250us")
    seconds = float(match[1]) * _SECONDS[match[2]]
    if seconds > 3600:
        raise argparse.ArgumentTypeError(f"invalid duration {text!r}: at most 1h")
    return seconds


def die_with_parent():
    """Ask Linux to kill this process when its parent dies (PR_SET_PDEATHSIG)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1 is PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _interrupted(signum, frame):
    try:
        sys.stdout.flush()
    except OSError:
        pass
    os._exit(128 + signum)


def setup(sigint=True):
    """Quiet on a closed pipe and (unless `sigint` is False) on Ctrl+C; dies with the runner."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    if sigint:
        signal.signal(signal.SIGINT, _interrupted)
    if os.environ.get("WALKTHROUGH_CHILD"):
        die_with_parent()
