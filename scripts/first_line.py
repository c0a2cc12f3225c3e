#!/usr/bin/env python3
"""Time from process start to the first line of output, over repeated runs.

    python3 scripts/first_line.py target/release/count tokio --unit 1s

Prints the median and the worst of 30 runs, in milliseconds.
"""

import statistics
import subprocess
import sys
import time


def main(argv):
    if not argv:
        sys.exit(__doc__)
    samples = []
    for _ in range(30):
        start = time.perf_counter()
        with subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as child:
            child.stdout.readline()
            samples.append((time.perf_counter() - start) * 1000)
            child.kill()
    print(f"{' '.join(argv)}: first line after {statistics.median(samples):.2f} ms median, "
          f"{max(samples):.2f} ms worst")


if __name__ == "__main__":
    main(sys.argv[1:])
