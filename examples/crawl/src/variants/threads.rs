//! `crawl` on threads, with ureq: areq's fetch, parse and write on a pool of 100 threads,
//! and a breadth-first crawl.
//!
//! Pairs with "A Full Program: Asynchronous Requests" in Real Python's "Async IO in
//! Python: A Complete Walkthrough" (2018), its `areq.py`, as it would be written with a
//! thread pool instead of asyncio. Each of up to 100 scoped threads takes the level's
//! next page and blocks on it with ureq; one `Agent`, shared by all, keeps up to 100
//! connections open (ureq keeps 3 a host unless told). Each thread appends a page's lines
//! to the file in one write, opened in append mode: the kernel puts each write whole at
//! the file's end.
//!
//! Dependencies: `cargo add ureq --no-default-features && cargo add tracing-subscriber --features env-filter && cargo add jiff regex scraper tracing url anyhow`
//! Run: `cargo run --release` (in this repository: `just run crawl threads`)

use std::collections::HashSet;
use std::fmt;
use std::fs::OpenOptions;
use std::io::{self, Write as _};
use std::panic;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use regex::Regex;
use scraper::{Html, Selector};
use tracing::{Event, Subscriber, error};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;
use ureq::Agent;
use ureq::http::StatusCode;
use url::Url;

/// What the program runs with; `just run crawl` sets them from its command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// The site whose `/urls.txt` lists the pages: `just site` serves it at this address.
    pub site: String,
    /// A file that lists the pages instead, one URL a line, as areq's `urls.txt`.
    pub urls: Option<PathBuf>,
    /// Where the links go: a header line, then a `source_url<TAB>parsed_url` line per
    /// link.
    pub out: PathBuf,
    /// How links are found in a page.
    pub parser: Parser,
    /// How many links deep to follow links on the same site; 0 fetches the list only, as
    /// areq.
    pub depth: u32,
    /// The most pages to fetch in all.
    pub max_pages: usize,
    /// How long one page may take, from connecting to its last byte.
    pub timeout: Duration,
    /// Whether the site's broken pages are added to the list.
    pub faults: bool,
}

/// How links are found in a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Parser {
    /// areq's regular expression, `href="(.*?)"`: quick, and blind to HTML.
    Regex,
    /// An HTML parser (scraper): every `<a>` element with an `href`, as a browser sees
    /// it.
    Html,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            site: "http://127.0.0.1:8000".to_owned(),
            urls: None,
            out: PathBuf::from("foundurls.txt"),
            parser: Parser::Regex,
            depth: 0,
            max_pages: 10_000,
            timeout: Duration::from_secs(1),
            faults: false,
        }
    }
}

/// The most requests in flight at once (threads): aiohttp's connection limit.
const LIMIT: usize = 100;
/// The most redirects a page may take: aiohttp's limit, and ureq's default.
const MAX_REDIRECTS: u32 = 10;
/// The largest page read: a bigger one is skipped (aiohttp would read it all).
const MAX_PAGE: usize = 10 << 20;
/// The output file's first line, as areq writes it.
const HEADER: &str = "source_url\tparsed_url\n";
/// The site's broken pages, which `faults` adds to the list: each fails once, and costs
/// no good page its links (the one not in UTF-8 is read lossily, and its link is kept).
const FAULTS: [&str; 7] = [
    "/status/404",
    "/status/500",
    "/reset",
    "/hang",
    "/redirect-loop",
    "/bytes/104857600",
    "/not-utf8",
];

pub fn main() -> anyhow::Result<()> {
    // areq's log lines, on stderr; `RUST_LOG=debug` shows every page of a deeper crawl
    // too. (A program that embeds this one may have set up its logging already: keep
    // that.)
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .event_format(AreqFormat)
        .try_init();
    run(Params::default())
}

/// areq's log format: `21:33:22 INFO:areq: Got response [200] for URL: ...` (local time).
struct AreqFormat;

impl<S, N> FormatEvent<S, N> for AreqFormat
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        cx: &FmtContext<'_, S, N>,
        mut out: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        let time = jiff::ZonedDateTime::now().strftime("%H:%M:%S");
        write!(out, "{time} {}:areq: ", event.metadata().level())?;
        cx.format_fields(out.by_ref(), event)?;
        writeln!(out)
    }
}

/// areq logs each page at INFO; a deeper crawl logs them at DEBUG, or they would be
/// thousands.
macro_rules! page_log {
    ($quiet:expr, $($arg:tt)+) => {
        if $quiet { tracing::debug!($($arg)+) } else { tracing::info!($($arg)+) }
    };
}

impl fmt::Display for Parser {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Parser::Regex => "regex",
            Parser::Html => "html",
        })
    }
}

// ANCHOR: parse
/// areq's pattern: what stands between `href="` and the next `"`, on one line.
const PATTERN: &str = r#"href="(.*?)""#;
static HREF: LazyLock<Regex> = LazyLock::new(|| Regex::new(PATTERN).expect("valid"));

/// The page's links, joined to its URL, each once, in the order they first appear. A
/// plain function: scraper's `Html` is not `Send`, and must not live across an `.await`.
fn parse(url: &Url, page: &str, parser: Parser) -> Vec<Url> {
    let hrefs: Vec<String> = match parser {
        Parser::Regex => HREF.captures_iter(page).map(|c| c[1].to_owned()).collect(),
        Parser::Html => {
            let anchors = Selector::parse("a[href]").expect("a valid selector");
            let document = Html::parse_document(page);
            let hrefs = document.select(&anchors).filter_map(|a| a.value().attr("href"));
            hrefs.map(str::to_owned).collect()
        }
    };
    let mut seen = HashSet::new();
    let mut links = Vec::new();
    for href in hrefs {
        match url.join(&href) {
            Ok(link) if seen.insert(link.clone()) => links.push(link),
            Ok(_) => {}
            Err(err) => error!("Error parsing URL: {href}: {err}"),
        }
    }
    links
}
// ANCHOR_END: parse

/// A page's links; `None` when the page could not be fetched.
type Links = Option<Vec<Url>>;
/// A level's links, page by page.
type Found = Vec<Links>;

/// What the crawl has done so far.
#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    fetched: usize,
    failed: usize,
    /// The lines written, and the pages they came from.
    links: usize,
    pages: usize,
}

/// The breadth-first walk: the pages seen, and what has been done.
struct Walk {
    seen: HashSet<Url>,
    tally: Tally,
    depth: u32,
    max_pages: usize,
}

impl Walk {
    fn new(level: &[Url], params: &Params) -> Walk {
        let seen = level.iter().cloned().collect();
        Walk {
            seen,
            tally: Tally::default(),
            depth: params.depth,
            max_pages: params.max_pages,
        }
    }

    // ANCHOR: next_level
    /// Counts level `depth`'s pages, and returns the next level: their links on the same
    /// site as their page, without the fragment, each not seen before, in the order the
    /// pages list them, as long as the pages fetched stay within `max_pages`.
    fn next_level(&mut self, depth: u32, level: &[Url], found: Found) -> Vec<Url> {
        self.tally.fetched += level.len();
        let mut next = Vec::new();
        for (page, links) in level.iter().zip(found) {
            let Some(links) = links else {
                self.tally.failed += 1;
                continue;
            };
            self.tally.links += links.len();
            self.tally.pages += usize::from(!links.is_empty());
            for mut link in links.into_iter().filter(|_| depth < self.depth) {
                link.set_fragment(None);
                let room = self.tally.fetched + next.len() < self.max_pages;
                let on_site = link.origin() == page.origin();
                if room && on_site && self.seen.insert(link.clone()) {
                    next.push(link);
                }
            }
        }
        next
    }
    // ANCHOR_END: next_level

    /// The last lines: pages, time, rate, failures, the most requests in flight; the
    /// links.
    fn report(&self, elapsed: Duration, peak: usize, out: &Path) {
        let Tally { fetched, failed, links, pages } = self.tally;
        let rate = fetched as f64 / elapsed.as_secs_f64();
        println!(
            "Fetched {} of {fetched} pages in {elapsed:.1?} ({rate:.0} pages/s), {failed} failed, \
             at most {peak} requests in flight",
            fetched - failed
        );
        println!("Wrote {links} links from {pages} pages to {}", out.display());
    }
}

/// The list's URLs (`text`, read from `source`), each once; with `faults`, the site's
/// broken pages after them; at most `max_pages` in all. Prints the program's first line.
fn seeds(source: &str, text: &str, params: &Params) -> anyhow::Result<Vec<Url>> {
    let mut urls = Vec::new();
    let mut seen = HashSet::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let url =
            Url::parse(line).with_context(|| format!("{source}: not a URL: {line}"))?;
        if seen.insert(url.clone()) {
            urls.push(url);
        }
    }
    let listed = urls.len();
    let mut broken = String::new();
    if params.faults {
        for path in FAULTS {
            urls.push(Url::parse(&format!("{}{path}", params.site))?);
        }
        broken = format!(", and {} broken pages", FAULTS.len());
    }
    urls.truncate(params.max_pages);
    let (parser, depth) = (params.parser, params.depth);
    println!(
        "Fetching {listed} URLs from {source}{broken} (parser: {parser}, depth: {depth})"
    );
    Ok(urls)
}

/// Why a page was skipped: its status, when the site answered, and what went wrong.
#[derive(Debug)]
struct Failure {
    status: Option<StatusCode>,
    message: String,
}

impl Failure {
    fn new(message: impl fmt::Display) -> Failure {
        Failure { status: None, message: message.to_string() }
    }

    /// A status of 400 or more, named by its reason.
    fn status(status: StatusCode) -> Failure {
        Failure {
            status: Some(status),
            message: status.canonical_reason().unwrap_or("").to_owned(),
        }
    }

    /// What went wrong after the site answered with `status`.
    fn after(status: StatusCode, message: impl fmt::Display) -> Failure {
        Failure { status: Some(status), message: message.to_string() }
    }
}

impl std::error::Error for Failure {}

/// `[404]: Not Found`, or `[-]: ...` when the site gave no status.
impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "[{}]: {}", status.as_u16(), self.message),
            None => write!(f, "[-]: {}", self.message),
        }
    }
}

impl From<ureq::Error> for Failure {
    fn from(err: ureq::Error) -> Failure {
        match err {
            ureq::Error::StatusCode(code) => match StatusCode::from_u16(code) {
                Ok(status) => Failure::status(status),
                Err(_) => Failure::new(format!("status {code}")),
            },
            other => Failure::new(other),
        }
    }
}

// ANCHOR: fetch
/// The client, shared by every thread: an `Agent` keeps connections open.
fn agent(timeout: Duration) -> Agent {
    Agent::config_builder()
        .timeout_global(Some(timeout)) // none by default: a silent page would hang
        .max_redirects(MAX_REDIRECTS)
        .max_idle_connections(LIMIT) // 10 by default, and 3 a host: the other
        .max_idle_connections_per_host(LIMIT) // threads would connect anew each time
        .proxy(None) // not even one from HTTP_PROXY: the site is on this machine
        .build()
        .into()
}
// ANCHOR_END: fetch

/// GETs a page's text: a status of 400 or more is an error, as is a page over 10 MiB.
fn fetch_html(agent: &Agent, url: &Url, quiet: bool) -> Result<String, Failure> {
    let mut response = agent.get(url.as_str()).call()?;
    let status = response.status();
    page_log!(quiet, "Got response [{}] for URL: {url}", status.as_u16());
    let body = response.body_mut().with_config().limit(MAX_PAGE as u64);
    let page = body.read_to_vec().map_err(|err| Failure::after(status, err))?;
    // Not UTF-8? Read it lossily: the links are ASCII, and survive.
    Ok(String::from_utf8_lossy(&page).into_owned())
}

/// What every thread shares.
struct Crawler<'a> {
    agent: Agent,
    params: &'a Params,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

impl Crawler<'_> {
    fn new(agent: Agent, params: &Params) -> Crawler<'_> {
        Crawler {
            agent,
            params,
            in_flight: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
        }
    }

    /// Fetches one page, finds its links and appends its lines, as areq's `write_one`;
    /// `None` when the page could not be fetched.
    fn crawl_page(&self, url: &Url) -> io::Result<Links> {
        let quiet = self.params.depth > 0;
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
        let fetched = fetch_html(&self.agent, url, quiet);
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        let page = match fetched {
            Ok(page) => page,
            Err(failure) => {
                error!("ureq error for {url} {failure}");
                return Ok(None);
            }
        };
        let links = parse(url, &page, self.params.parser);
        page_log!(quiet, "Found {} links for {url}", links.len());
        if !links.is_empty() {
            let lines: String = links.iter().map(|l| format!("{url}\t{l}\n")).collect();
            append(&self.params.out, &lines)?;
            page_log!(quiet, "Wrote results for source URL: {url}");
        }
        Ok(Some(links))
    }

    /// One thread's worth of crawling: the level's next page, until none is left. Returns
    /// each page's links, by its place in the level.
    fn worker(
        &self,
        level: &[Url],
        next: &AtomicUsize,
    ) -> io::Result<Vec<(usize, Links)>> {
        let mut found = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(url) = level.get(i) else { return Ok(found) };
            found.push((i, self.crawl_page(url)?));
        }
    }

    // ANCHOR: level
    /// One level: up to 100 scoped threads, each taking the next page until none is left;
    /// their links, page by page.
    fn crawl_level(&self, level: &[Url]) -> io::Result<Found> {
        let next = AtomicUsize::new(0);
        let mut found = vec![None; level.len()];
        thread::scope(|scope| {
            let mut threads = Vec::new();
            for _ in 0..LIMIT.min(level.len()) {
                threads.push(scope.spawn(|| self.worker(level, &next)));
            }
            for thread in threads {
                let pages = thread.join().unwrap_or_else(|e| panic::resume_unwind(e));
                for (i, links) in pages? {
                    found[i] = links;
                }
            }
            Ok(found)
        })
    }
    // ANCHOR_END: level
}

// ANCHOR: writer
/// Appends one page's lines in one write: the file is opened in append mode, so each
/// write lands whole at the end, whichever thread makes it.
fn append(out: &Path, lines: &str) -> io::Result<()> {
    OpenOptions::new().append(true).open(out)?.write_all(lines.as_bytes())
}
// ANCHOR_END: writer

/// The list's text, from a file or the site's `/urls.txt`, and where it came from.
fn read_list(agent: &Agent, params: &Params) -> anyhow::Result<(String, String)> {
    if let Some(path) = &params.urls {
        let text = std::fs::read_to_string(path);
        return Ok((
            path.display().to_string(),
            text.with_context(|| format!("reading {}", path.display()))?,
        ));
    }
    let list = format!("{}/urls.txt", params.site);
    let text = agent.get(&list).call().and_then(|mut r| r.body_mut().read_to_string());
    Ok((list.clone(), text.with_context(|| format!("getting {list}"))?))
}

pub fn run(params: Params) -> anyhow::Result<()> {
    let agent = agent(params.timeout);
    let (source, list) = read_list(&agent, &params)?;
    let mut level = seeds(&source, &list, &params)?;
    std::fs::write(&params.out, HEADER)?; // then each page appends
    let crawler = Crawler::new(agent, &params);

    // Breadth first: a level's pages on up to 100 threads, then the next level's.
    let start = Instant::now();
    let mut walk = Walk::new(&level, &params);
    for depth in 0..=params.depth {
        if params.depth > 0 {
            println!("Level {depth}: {} pages", level.len());
        }
        let found = crawler.crawl_level(&level);
        let found = found.with_context(|| format!("writing {}", params.out.display()))?;
        level = walk.next_level(depth, &level, found);
    }
    walk.report(start.elapsed(), crawler.peak.load(Ordering::Relaxed), &params.out);
    Ok(())
}
