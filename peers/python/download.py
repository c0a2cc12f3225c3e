#!/usr/bin/env python3
"""download: 160 pages from the local site, four ways: a loop, threads, processes, asyncio.

The Python side of examples/download, written for this project after the IO-bound programs of
"Speed Up Your Python Program With Concurrency": requests in a loop with one Session, requests
on a ThreadPoolExecutor of 5 threads with a Session per thread, requests on a
ProcessPoolExecutor with a Session per process, and aiohttp with one ClientSession. Each
version prints a line per page and ends with its time beside its ideal, in tutorial seconds.
Failed pages are logged on stderr, one line each. The harness runs it as
`python3 -u download.py --unit <DURATION> --seed <N> --site <URL> [--faults] [--timeout D]
[--bench N]`; run it by hand the same way, with `just site` serving the default site.
"""

import argparse
import asyncio
import logging
import math
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial

import common

try:
    import requests
except ImportError:
    requests = None
try:
    import aiohttp
except ImportError:
    aiohttp = None

PAGE_DELAY = 0.089  # how long the site takes to answer a page, in tutorial seconds
FAULTS = ["/status/404", "/status/500", "/reset", "/hang", "/redirect-loop"]
THREADS = 5  # the article's max_workers
LIMIT = 100  # aiohttp's connector: at most 100 connections
MAX_REDIRECTS = 10  # aiohttp's limit, and the Rust clients'; requests allows 30


def say(line):
    """One write per line, so that lines from several threads or processes never mix."""
    sys.stdout.write(line + "\n")


def sites(site, faults):
    """The article's list, its two sites alternating; the broken pages spread among them."""
    sites = [f"{site}/jython", f"{site}/dice"] * 80
    if faults:
        for i, page in enumerate(FAULTS):
            sites.insert(16 + 33 * i, f"{site}{page}")
    return sites


def report(read, total, start, unit, rounds):
    seconds = (time.perf_counter() - start) / unit
    if read == total:
        say(f"Downloaded {read} sites in {seconds:.3f} seconds "
            f"(ideal {rounds} x {PAGE_DELAY} = {rounds * PAGE_DELAY:.3f})")
    else:
        say(f"Downloaded {read} sites in {seconds:.3f} seconds ({total - read} failed)")


# requests: a loop, threads, processes


def new_session():
    session = requests.Session()
    session.trust_env = False  # no proxy from HTTP_PROXY: the site is on this machine
    session.max_redirects = MAX_REDIRECTS
    return session


def download_site(url, session, timeout):
    try:
        # timeout: requests has none by default; this one bounds the connect and each read
        with session.get(url, timeout=timeout) as response:
            response.raise_for_status()  # a 404 or a 500 is not an exception otherwise
            say(f"Read {len(response.content)} bytes from {url}")
            return True
    except requests.RequestException as err:
        logging.warning("%s: %s: %s", url, type(err).__name__, err)
        return False


def download_all_sites(sites, timeout):
    with new_session() as session:
        return sum(download_site(url, session, timeout) for url in sites)


thread_local = threading.local()


def get_session():
    if not hasattr(thread_local, "session"):
        thread_local.session = new_session()
    return thread_local.session


def download_on_a_thread(url, timeout):
    return download_site(url, get_session(), timeout)


def download_all_sites_threaded(sites, timeout):
    with ThreadPoolExecutor(max_workers=THREADS) as executor:
        return sum(executor.map(partial(download_on_a_thread, timeout=timeout), sites))


process_session = None
process_timeout = None


def init_process(timeout):
    global process_session, process_timeout
    common.die_with_parent()
    process_session = new_session()
    process_timeout = timeout


def download_in_a_process(url):
    return download_site(url, process_session, process_timeout)


def download_all_sites_processes(sites, timeout, workers):
    with ProcessPoolExecutor(max_workers=workers, initializer=init_process, initargs=(timeout,)) as executor:
        return sum(executor.map(download_in_a_process, sites))


# aiohttp: asyncio


async def download_site_async(session, url):
    try:
        async with session.get(url) as response:
            content = await response.read()
            say(f"Read {len(content)} bytes from {url}")
            return True
    except (aiohttp.ClientError, asyncio.TimeoutError) as err:
        logging.warning("%s: %s: %s", url, type(err).__name__, err)
        return False


async def download_all_sites_async(sites, timeout):
    # timeout: aiohttp's default is 5 minutes for the whole request; raise_for_status makes a
    # 404 or a 500 an exception; trust_env is off by default (no proxy from HTTP_PROXY).
    timeout = aiohttp.ClientTimeout(total=timeout)
    async with aiohttp.ClientSession(timeout=timeout, raise_for_status=True) as session:
        tasks = [download_site_async(session, url) for url in sites]
        return sum(await asyncio.gather(*tasks))


def demo(args):
    all_sites = sites(args.site, args.faults)
    workers = os.cpu_count() or 1
    if requests is None:
        say("skipped: requests not installed (pip install requests)")
    else:
        versions = [
            ("requests, one Session, one site after another:", download_all_sites, 1),
            (f"requests, a ThreadPoolExecutor of {THREADS} threads, a Session per thread:",
             download_all_sites_threaded, THREADS),
            (f"requests, a ProcessPoolExecutor of {workers} processes, a Session per process:",
             partial(download_all_sites_processes, workers=workers), workers),
        ]
        for heading, download, at_once in versions:
            say(heading)
            start = time.perf_counter()
            read = download(all_sites, args.timeout)
            report(read, len(all_sites), start, args.unit, math.ceil(len(all_sites) / at_once))
    if aiohttp is None:
        say("skipped: aiohttp not installed (pip install aiohttp)")
    else:
        say(f"aiohttp, one ClientSession, at most {LIMIT} connections:")
        start = time.perf_counter()
        read = asyncio.run(download_all_sites_async(all_sites, args.timeout))
        report(read, len(all_sites), start, args.unit, math.ceil(len(all_sites) / LIMIT))


# --bench: requests per second, page delay 0


def bench_report(what, n, elapsed):
    say(f"{what}: {n} requests in {elapsed * 1000:.1f} ms, {n / elapsed:.0f} requests/s")


async def bench_aiohttp(urls, timeout):
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        pending = iter(urls)

        async def worker():
            done = 0
            for url in pending:
                async with session.get(url) as response:
                    await response.read()
                    done += response.status == 200
            return done

        start = time.perf_counter()
        done = sum(await asyncio.gather(*(worker() for _ in range(LIMIT))))
        elapsed = time.perf_counter() - start
    if done != len(urls):
        raise SystemExit(f"error: aiohttp read {done} of {len(urls)} pages")
    return elapsed


def bench(args):
    pages = [f"{args.site}/jython?delay=0", f"{args.site}/dice?delay=0"]
    urls = [pages[i % 2] for i in range(args.bench)]
    if aiohttp is None:
        say("skipped: aiohttp not installed (pip install aiohttp)")
    else:
        elapsed = asyncio.run(bench_aiohttp(urls, args.timeout))
        bench_report(f"aiohttp, one ClientSession, {LIMIT} connections", len(urls), elapsed)
    if requests is None:
        say("skipped: requests not installed (pip install requests)")
    else:
        with new_session() as session:
            start = time.perf_counter()
            for url in urls:
                with session.get(url, timeout=args.timeout) as response:
                    response.raise_for_status()
                    _ = response.content
            bench_report("requests, one Session, one at a time", len(urls), time.perf_counter() - start)


def in_range(low, high):
    def parse(text):
        if not text.isdigit() or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"invalid count {text!r}: use a number from {low} to {high}")
        return int(text)

    return parse


def timeout(text):
    seconds = common.duration(text)
    if not 0.001 <= seconds <= 60:
        raise argparse.ArgumentTypeError(f"invalid timeout {text!r}: from 1ms to 60s")
    return seconds


if __name__ == "__main__":
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=0.25, help="one tutorial second")
    parser.add_argument("--seed", type=int, default=444, help="unused here")
    parser.add_argument("--site", default="http://127.0.0.1:8000", help="the site's base URL")
    parser.add_argument("--faults", action="store_true", help="mix in the site's broken pages")
    parser.add_argument("--timeout", type=timeout, help="how long a page may take [default: 1s or 4 units]")
    parser.add_argument("--bench", type=in_range(1, 200_000), metavar="N", help="time N requests instead")
    args = parser.parse_args()
    if args.timeout is None:
        args.timeout = max(1.0, 4 * args.unit)
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format="%(levelname)s %(processName)s %(threadName)s %(message)s",
    )
    if args.bench:
        bench(args)
    else:
        demo(args)
