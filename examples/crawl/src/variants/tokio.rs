//! `crawl` on tokio, with reqwest: areq's fetch, parse and write, and a breadth-first
//! crawl.
//!
//! Pairs with "A Full Program: Asynchronous Requests" in Real Python's "Async IO in
//! Python: A Complete Walkthrough" (2018), its `areq.py`: one `aiohttp.ClientSession`, a
//! task per URL, `asyncio.gather` over them, `aiofiles` appending each page's links to
//! one file. Here one `reqwest::Client` (its own pool, redirects and timeout) serves a
//! task per page in a `JoinSet`, a `Semaphore` keeps 100 requests in flight at most, and
//! one writer task, fed by a channel, owns the output file, so no two pages' lines can
//! mix. The runtime is the current-thread flavour, one thread like asyncio's loop; every
//! task must still be `Send`, so scraper's `Html` (which is not) lives only inside a
//! function with no `.await`.
//!
//! Dependencies: `cargo add tokio --features fs,io-util,macros,rt,sync && cargo add reqwest --no-default-features && cargo add tracing-subscriber --features env-filter && cargo add anyhow jiff regex scraper tracing url`
//! Run: `cargo run --release` (in this repository: `just run crawl tokio`)

use std::collections::HashSet;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use regex::Regex;
use reqwest::redirect::Policy;
use reqwest::{Client, StatusCode};
use scraper::{Html, Selector};
use tokio::fs::OpenOptions;
use tokio::io::{AsyncWriteExt as _, BufWriter};
use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinSet;
use tracing::{Event, Subscriber, error};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;
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

/// The most requests in flight at once: aiohttp's connection limit.
const LIMIT: usize = 100;
/// The most redirects a page may take: aiohttp's limit, and reqwest's default.
const MAX_REDIRECTS: usize = 10;
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

impl From<reqwest::Error> for Failure {
    fn from(err: reqwest::Error) -> Failure {
        if let Some(status) = err.status() {
            return Failure::status(status);
        }
        // The error and its causes, without the URL (the log line has it).
        let err = err.without_url();
        let mut message = err.to_string();
        let mut cause = std::error::Error::source(&err);
        while let Some(inner) = cause {
            message = format!("{message}: {inner}");
            cause = inner.source();
        }
        Failure::new(message)
    }
}

// ANCHOR: fetch
/// The client: one for the whole crawl, like areq's one `ClientSession`.
fn client(timeout: Duration) -> reqwest::Result<Client> {
    Client::builder()
        .timeout(timeout) // none by default: a silent page would hang its task
        .redirect(Policy::limited(MAX_REDIRECTS))
        .no_proxy() // the site is on this machine
        .build()
}

/// GETs a page's text: a status of 400 or more is an error, as is a page over 10 MiB.
async fn fetch_html(client: &Client, url: &Url, quiet: bool) -> Result<String, Failure> {
    let mut response = client.get(url.clone()).send().await?.error_for_status()?;
    let status = response.status();
    page_log!(quiet, "Got response [{}] for URL: {url}", status.as_u16());
    let too_big = || Failure::after(status, "larger than 10 MiB");
    if response.content_length().is_some_and(|n| n > MAX_PAGE as u64) {
        return Err(too_big());
    }
    let mut page = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        page.extend_from_slice(&chunk);
        if page.len() > MAX_PAGE {
            return Err(too_big());
        }
    }
    // Not UTF-8? Read it lossily: the links are ASCII, and survive.
    Ok(String::from_utf8_lossy(&page).into_owned())
}
// ANCHOR_END: fetch

/// What every page's task shares.
struct Crawler {
    client: Client,
    parser: Parser,
    permits: Semaphore,
    /// The most permits taken at once: the requests in flight.
    peak: AtomicUsize,
    /// To the writer task: a page's URL and its lines.
    lines: mpsc::Sender<(Url, String)>,
    /// Log each page at DEBUG rather than INFO.
    quiet: bool,
}

impl Crawler {
    // ANCHOR: page
    /// Fetches one page, finds its links and hands its lines to the writer, as areq's
    /// `write_one`; `None` when the page could not be fetched.
    async fn crawl_page(&self, url: Url) -> anyhow::Result<Links> {
        let permit = self.permits.acquire().await?;
        self.peak.fetch_max(LIMIT - self.permits.available_permits(), Ordering::Relaxed);
        let fetched = fetch_html(&self.client, &url, self.quiet).await;
        drop(permit);
        let page = match fetched {
            Ok(page) => page,
            Err(failure) => {
                error!("reqwest error for {url} {failure}");
                return Ok(None);
            }
        };
        let links = parse(&url, &page, self.parser);
        page_log!(self.quiet, "Found {} links for {url}", links.len());
        if !links.is_empty() {
            let lines: String = links.iter().map(|l| format!("{url}\t{l}\n")).collect();
            self.lines.send((url, lines)).await.context("the writer task stopped")?;
        }
        Ok(Some(links))
    }
    // ANCHOR_END: page
}

// ANCHOR: level
/// One level: a task per page, at most 100 fetching at once; their links, page by page.
async fn crawl_level(crawler: &Arc<Crawler>, level: &[Url]) -> anyhow::Result<Found> {
    let mut tasks = JoinSet::new();
    for (i, url) in level.iter().enumerate() {
        let (crawler, url) = (Arc::clone(crawler), url.clone());
        tasks.spawn(async move { (i, crawler.crawl_page(url).await) });
    }
    let mut found = vec![None; level.len()];
    while let Some(done) = tasks.join_next().await {
        let (i, links) = done?;
        found[i] = links?;
    }
    Ok(found)
}
// ANCHOR_END: level

/// What the writer receives: each page's URL and its lines.
type Pages = mpsc::Receiver<(Url, String)>;

// ANCHOR: writer
/// The one task that writes the file: pages' lines arrive whole, one page after another.
async fn write_lines(out: PathBuf, mut pages: Pages, quiet: bool) -> io::Result<()> {
    let file = OpenOptions::new().append(true).open(out).await?;
    let mut file = BufWriter::new(file);
    while let Some((url, lines)) = pages.recv().await {
        file.write_all(lines.as_bytes()).await?;
        page_log!(quiet, "Wrote results for source URL: {url}");
    }
    file.flush().await
}
// ANCHOR_END: writer

/// The list's text, from a file or the site's `/urls.txt`, and where it came from.
async fn read_list(client: &Client, params: &Params) -> anyhow::Result<(String, String)> {
    if let Some(path) = &params.urls {
        let text = tokio::fs::read_to_string(path).await;
        return Ok((
            path.display().to_string(),
            text.with_context(|| format!("reading {}", path.display()))?,
        ));
    }
    let list = format!("{}/urls.txt", params.site);
    let response = client.get(&list).send().await.and_then(|r| r.error_for_status());
    let text = response.with_context(|| format!("getting {list}"))?.text().await?;
    Ok((list, text))
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params) -> anyhow::Result<()> {
    let client = client(params.timeout)?;
    let (source, list) = read_list(&client, &params).await?;
    let mut level = seeds(&source, &list, &params)?;
    tokio::fs::write(&params.out, HEADER).await?; // then the writer appends
    let (sender, receiver) = mpsc::channel(LIMIT);
    let quiet = params.depth > 0;
    let writer = tokio::spawn(write_lines(params.out.clone(), receiver, quiet));
    let crawler = Arc::new(Crawler {
        client,
        parser: params.parser,
        permits: Semaphore::new(LIMIT),
        peak: AtomicUsize::new(0),
        lines: sender,
        quiet,
    });

    // Breadth first: a level's pages all at once, then the next level's.
    let start = Instant::now();
    let mut walk = Walk::new(&level, &params);
    for depth in 0..=params.depth {
        if params.depth > 0 {
            println!("Level {depth}: {} pages", level.len());
        }
        let found = crawl_level(&crawler, &level).await?;
        level = walk.next_level(depth, &level, found);
    }
    let (elapsed, peak) = (start.elapsed(), crawler.peak.load(Ordering::Relaxed));
    drop(crawler); // the last sender: the writer finishes the file and ends
    let written = writer.await?;
    written.with_context(|| format!("writing {}", params.out.display()))?;
    walk.report(elapsed, peak, &params.out);
    Ok(())
}
// ANCHOR_END: main
