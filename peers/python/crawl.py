#!/usr/bin/env python3
"""crawl: areq, the asyncio walkthrough's full program, ported here; and a breadth-first crawl.

The Python side of examples/crawl, written for this project after `areq.py` in "Async IO in
Python: A Complete Walkthrough": read a list of URLs, fetch every page through one aiohttp
ClientSession, find each href="..." with areq's regular expression (or, with --parser html,
with the standard library's html.parser), join it to the page's URL with urljoin, and append
`source_url<TAB>parsed_url` lines to one file with aiofiles, logging each step on stderr in
areq's format. --depth D follows the links on the same site, breadth first, level by level,
each page once, at most 100 requests in flight. The harness runs it as
`python3 -u crawl.py --unit <DURATION> --seed <N> --site <URL> [the example's flags]`.
"""

import argparse
import asyncio
import html.parser
import ipaddress
import logging
import re
import sys
import time
import urllib.parse

import common

try:
    import aiohttp
except ImportError:
    aiohttp = None
try:
    import aiofiles
except ImportError:
    aiofiles = None

logger = logging.getLogger("areq")

HREF_RE = re.compile(r'href="(.*?)"')  # areq's pattern
LIMIT = 100  # requests in flight at most: aiohttp's connection limit
MAX_REDIRECTS = 10  # aiohttp's default
MAX_PAGE = 10 << 20  # a larger page is skipped
FAULTS = [
    "/status/404",
    "/status/500",
    "/reset",
    "/hang",
    "/redirect-loop",
    "/bytes/104857600",
    "/not-utf8",
]


class PageTooLarge(Exception):
    status = 200
    message = "larger than 10 MiB"


def page_log(quiet, message, *args):
    """areq logs each page at INFO; a deeper crawl logs them at DEBUG."""
    logger.log(logging.DEBUG if quiet else logging.INFO, message, *args)


class Anchors(html.parser.HTMLParser):
    """The href of every <a> element, in order, as html.parser reads the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value is not None)


def parse_links(url, page, parser):
    """The page's links, joined to its URL, each once, in the order they first appear."""
    if parser == "regex":
        hrefs = HREF_RE.findall(page)
    else:
        anchors = Anchors()
        anchors.feed(page)
        anchors.close()
        hrefs = anchors.hrefs
    found = {}
    for link in hrefs:
        try:
            found.setdefault(urllib.parse.urljoin(url, link), None)
        except ValueError:
            logger.exception("Error parsing URL: %s", link)
    return list(found)


async def fetch_html(url, session, quiet):
    """GET a page's text; a status of 400 or more raises, as does a page over 10 MiB."""
    async with session.request(method="GET", url=url) as resp:
        resp.raise_for_status()
        page_log(quiet, "Got response [%s] for URL: %s", resp.status, url)
        if resp.content_length is not None and resp.content_length > MAX_PAGE:
            raise PageTooLarge()
        body = bytearray()
        async for chunk in resp.content.iter_chunked(64 * 1024):
            body += chunk
            if len(body) > MAX_PAGE:
                raise PageTooLarge()
        # The charset the site names (ISO-8859-1 for /not-utf8), as resp.text() would.
        return body.decode(resp.get_encoding())


async def write_one(crawl, url):
    """Fetch, parse and append one page's links, as areq's write_one; None if it failed."""
    async with crawl.permits:
        crawl.in_flight += 1
        crawl.peak = max(crawl.peak, crawl.in_flight)
        try:
            page = await fetch_html(url, crawl.session, crawl.quiet)
        except (aiohttp.ClientError, asyncio.TimeoutError, PageTooLarge) as e:
            status = getattr(e, "status", None)
            message = getattr(e, "message", None) or str(e) or type(e).__name__
            logger.error("aiohttp exception for %s [%s]: %s", url, status or "-", message)
            return None
        finally:
            crawl.in_flight -= 1
    links = parse_links(url, page, crawl.parser)
    page_log(crawl.quiet, "Found %d links for %s", len(links), url)
    if links:
        async with aiofiles.open(crawl.out, "a") as f:
            await f.write("".join(f"{url}\t{link}\n" for link in links))
        page_log(crawl.quiet, "Wrote results for source URL: %s", url)
    return links


class Crawl:
    """What every page's coroutine shares."""

    def __init__(self, session, args):
        self.session = session
        self.parser = args.parser
        self.out = args.out
        self.quiet = args.depth > 0
        self.permits = asyncio.Semaphore(LIMIT)
        self.in_flight = 0
        self.peak = 0


def same_site(a, b):
    return urllib.parse.urlsplit(a)[:2] == urllib.parse.urlsplit(b)[:2]


async def read_urls(session, args):
    if args.urls:
        with open(args.urls) as infile:
            text = infile.read()
        source = args.urls
    else:
        source = f"{args.site}/urls.txt"
        async with session.get(source, raise_for_status=True) as resp:
            text = await resp.text()
    urls = dict.fromkeys(line.strip() for line in text.splitlines() if line.strip())
    return source, list(urls)


async def bulk_crawl_and_write(args):
    timeout = aiohttp.ClientTimeout(total=args.timeout)
    connector = aiohttp.TCPConnector(limit=LIMIT)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        source, level = await read_urls(session, args)
        listed = len(level)
        if args.faults:
            level += [f"{args.site}{path}" for path in FAULTS]
        del level[args.max_pages:]
        broken = f", and {len(FAULTS)} broken pages" if args.faults else ""
        say(f"Fetching {listed} URLs from {source}{broken} (parser: {args.parser}, depth: {args.depth})")

        # Header: a single, initial write; then each page appends.
        with open(args.out, "w") as outfile:
            outfile.write("source_url\tparsed_url\n")
        crawl = Crawl(session, args)
        start = time.perf_counter()
        seen = set(level)
        fetched = failed = links = pages = 0
        for depth in range(args.depth + 1):
            if args.depth > 0:
                say(f"Level {depth}: {len(level)} pages")
            found = await asyncio.gather(*(write_one(crawl, url) for url in level))
            fetched += len(level)
            following = depth < args.depth
            next_level = []
            for page, page_links in zip(level, found):
                if page_links is None:
                    failed += 1
                    continue
                links += len(page_links)
                pages += bool(page_links)
                for link in page_links if following else ():
                    link = urllib.parse.urldefrag(link).url
                    if same_site(link, page) and fetched + len(next_level) < args.max_pages and link not in seen:
                        seen.add(link)
                        next_level.append(link)
            level = next_level
        elapsed = time.perf_counter() - start
    say(f"Fetched {fetched - failed} of {fetched} pages in {human(elapsed)} "
        f"({fetched / elapsed:.0f} pages/s), {failed} failed, at most {crawl.peak} requests in flight")
    say(f"Wrote {links} links from {pages} pages to {args.out}")


def human(seconds):
    """A duration as Rust's `{:.1?}` prints it: 203.5ms, 1.2s."""
    for scale, unit in ((1, "s"), (1e-3, "ms"), (1e-6, "µs")):
        if seconds >= scale:
            return f"{seconds / scale:.1f}{unit}"
    return f"{seconds * 1e9:.0f}ns"


def say(line):
    sys.stdout.write(line + "\n")


def on_this_machine(url):
    host = urllib.parse.urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main():
    common.setup()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--unit", type=common.duration, default=0.25)
    parser.add_argument("--seed", type=int, default=444)
    parser.add_argument("--site", default="http://127.0.0.1:8000")
    parser.add_argument("--urls")
    parser.add_argument("--out", default="foundurls.txt")
    parser.add_argument("--parser", choices=["regex", "html"], default="regex")
    parser.add_argument("--depth", type=int, default=0, choices=range(11), metavar="D")
    parser.add_argument("--max-pages", type=int, default=10_000)
    parser.add_argument("--timeout", type=common.duration)
    parser.add_argument("--faults", action="store_true")
    args = parser.parse_args()
    if args.timeout is None:
        args.timeout = max(1.0, 4 * args.unit)
    if not 1 <= args.max_pages <= 100_000:
        parser.error("--max-pages: 1 to 100000")
    if args.urls:
        with open(args.urls) as infile:
            foreign = [u for u in map(str.strip, infile) if u and not on_this_machine(u)]
        if foreign:
            parser.error(f"--urls {args.urls}: {foreign[0]} is not on this machine")

    logging.basicConfig(
        format="%(asctime)s %(levelname)s:%(name)s: %(message)s",
        level=logging.INFO,
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    for lib in ("aiohttp", "aiofiles"):
        if globals()[lib] is None:
            say(f"skipped: {lib} not installed (pip install {lib})")
            return
    asyncio.run(bulk_crawl_and_write(args))


if __name__ == "__main__":
    main()
