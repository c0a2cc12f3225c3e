#!/usr/bin/env python3
"""websites: three status checks at once, each in an `async with` session of its own.

The Python side of examples/websites, written for this project. The harness runs it as
`python3 -u websites.py --unit <DURATION> --seed <N> --site URL`; run it by hand the same way,
against `just site` (http://127.0.0.1:8000). Three pages of that site stand in for the 2025
walkthrough's three websites: fine (200), missing (404), down (503). Needs aiohttp; without
it, the program says so and stops.
"""

import argparse
import asyncio

import common


async def check(aiohttp, url, timeout):
    async with aiohttp.ClientSession(timeout=timeout) as session:
        async with session.get(url) as response:
            print(f"{url}: status -> {response.status}")


async def main(aiohttp, site):
    websites = [f"{site}/status/200", f"{site}/status/404", f"{site}/status/503"]
    timeout = aiohttp.ClientTimeout(total=2)
    await asyncio.gather(*(check(aiohttp, url, timeout) for url in websites))


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=0.01, help="unused here")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--site", default="http://127.0.0.1:8000", help="the local site's base URL")
    args = parser.parse_args()
    try:
        import aiohttp
    except ImportError:
        print("skipped: aiohttp not installed (pip install aiohttp)")
        raise SystemExit(0) from None
    asyncio.run(main(aiohttp, args.site.rstrip("/")))
