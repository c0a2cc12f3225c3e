//! `crawl` on async-std (legacy), with hyper: areq's fetch, parse and write, and a crawl.
//!
//! Pairs with "A Full Program: Asynchronous Requests" in Real Python's "Async IO in
//! Python: A Complete Walkthrough" (2018), its `areq.py`. async-std is discontinued
//! (RUSTSEC-2025-0052) and kept here to compare; its HTTP client, surf, went with it.
//! hyper's low-level client reads and writes async-std's sockets through `smol-hyper`,
//! with no pool, timeout or redirects of its own: 100 worker tasks each keep one
//! connection and take the next page. The tasks run on async-std's global multi-threaded
//! executor, so what they share is in an `Arc`; `future::timeout` bounds each page, and
//! one writer task, fed by a channel, owns the output file.
//!
//! Dependencies: `cargo add async-std smol-hyper http-body-util jiff regex scraper tracing url anyhow && cargo add hyper --features client,http1 && cargo add tracing-subscriber --features env-filter`
//! Run: `cargo run --release` (in this repository: `just run crawl async-std`)

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use async_std::channel;
use async_std::fs::OpenOptions;
use async_std::io::{self, WriteExt as _};
use async_std::net::TcpStream;
use async_std::{future, task};
use http_body_util::{BodyExt as _, Empty, Limited};
use hyper::body::{Body as _, Incoming};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{HOST, LOCATION};
use hyper::{Request, StatusCode};
use regex::Regex;
use scraper::{Html, Selector};
use smol_hyper::rt::FuturesIo;
use tracing::{Event, Subscriber, error};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;
use url::{Position, Url};

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
/// The most redirects a page may take: aiohttp's limit; hyper follows none by itself.
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

impl From<hyper::Error> for Failure {
    fn from(err: hyper::Error) -> Failure {
        Failure::new(err)
    }
}

impl From<io::Error> for Failure {
    fn from(err: io::Error) -> Failure {
        Failure::new(err)
    }
}

/// One connection, to one address: what sends requests on it. Its other half, which reads
/// and writes the socket, runs as a task of its own until this is dropped.
type Conn = (String, SendRequest<Empty<&'static [u8]>>);

/// Where to connect for `url`: its host and port.
fn address(url: &Url) -> Result<String, Failure> {
    let host = url.host().ok_or_else(|| Failure::new("no host"))?;
    Ok(format!("{host}:{}", url.port_or_known_default().unwrap_or(80)))
}

/// A GET of `url`'s path and query, naming its host.
fn get(url: &Url) -> Result<Request<Empty<&'static [u8]>>, Failure> {
    let target = &url[Position::BeforePath..Position::AfterQuery];
    let host = &url[Position::BeforeHost..Position::AfterPort];
    Request::get(target).header(HOST, host).body(Empty::new()).map_err(Failure::new)
}

// ANCHOR: read_page
/// The body, up to 10 MiB; read lossily if it is not UTF-8 (the links are ASCII, and
/// survive).
async fn read_page(status: StatusCode, body: Incoming) -> Result<String, Failure> {
    let too_big = || Failure::after(status, "larger than 10 MiB");
    if body.size_hint().lower() > MAX_PAGE as u64 {
        return Err(too_big()); // the site says so up front
    }
    match Limited::new(body, MAX_PAGE).collect().await {
        Ok(page) => Ok(String::from_utf8_lossy(&page.to_bytes()).into_owned()),
        Err(err) if err.is::<hyper::Error>() => Err(Failure::new(err)),
        Err(_) => Err(too_big()),
    }
}
// ANCHOR_END: read_page

/// The failure of a page that took longer than `timeout`.
fn no_answer(timeout: Duration) -> Failure {
    Failure::new(format!("no answer within {timeout:?}"))
}

// ANCHOR: connect
async fn connect(addr: &str) -> Result<Conn, Failure> {
    let stream = TcpStream::connect(addr).await?;
    let (sender, connection) = http1::handshake(FuturesIo::new(stream)).await?;
    task::spawn(connection); // detached: the handle is dropped
    Ok((addr.to_owned(), sender))
}
// ANCHOR_END: connect

/// GETs a page's text on `conn` (opened, or opened again, for the page's host), and
/// follows redirects: a status of 400 or more is an error, as is a page over 10 MiB.
async fn fetch_html(
    conn: &mut Option<Conn>,
    url: &Url,
    quiet: bool,
) -> Result<String, Failure> {
    let mut url = url.clone();
    for _ in 0..=MAX_REDIRECTS {
        let addr = address(&url)?;
        let sender = match conn {
            Some((to, sender)) if *to == addr && !sender.is_closed() => sender,
            _ => &mut conn.insert(connect(&addr).await?).1,
        };
        sender.ready().await?;
        let response = sender.send_request(get(&url)?).await?;
        let status = response.status();
        let location = response.headers().get(LOCATION).cloned();
        let body = response.into_body();
        match location {
            Some(to) if status.is_redirection() => {
                body.collect().await?; // read to the end: the connection is used again
                url =
                    url.join(to.to_str().map_err(Failure::new)?).map_err(Failure::new)?;
            }
            _ if !status.is_success() => return Err(Failure::status(status)),
            _ => {
                page_log!(quiet, "Got response [{}] for URL: {url}", status.as_u16());
                return read_page(status, body).await;
            }
        }
    }
    Err(Failure::new(format!("more than {MAX_REDIRECTS} redirects")))
}

/// What every worker shares, across the executor's threads.
struct Crawler {
    parser: Parser,
    timeout: Duration,
    /// To the writer task: a page's URL and its lines.
    lines: channel::Sender<(Url, String)>,
    /// Connections between levels: a worker takes one when it starts, and puts it back.
    idle: Mutex<Vec<Conn>>,
    in_flight: AtomicUsize,
    peak: AtomicUsize,
    /// Log each page at DEBUG rather than INFO.
    quiet: bool,
}

impl Crawler {
    fn idle(&self) -> MutexGuard<'_, Vec<Conn>> {
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    // ANCHOR: page
    /// Fetches one page, finds its links and hands its lines to the writer, as areq's
    /// `write_one`; `None` when the page could not be fetched.
    async fn crawl_page(&self, conn: &mut Option<Conn>, url: &Url) -> io::Result<Links> {
        let now = self.in_flight.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(now, Ordering::Relaxed);
        let fetch = fetch_html(conn, url, self.quiet);
        let fetched = future::timeout(self.timeout, fetch).await;
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        let page = match fetched.unwrap_or_else(|_| Err(no_answer(self.timeout))) {
            Ok(page) => page,
            Err(failure) => {
                *conn = None; // cut short: open another for the next page
                error!("hyper error for {url} {failure}");
                return Ok(None);
            }
        };
        let links = parse(url, &page, self.parser);
        page_log!(self.quiet, "Found {} links for {url}", links.len());
        if !links.is_empty() {
            let lines: String = links.iter().map(|l| format!("{url}\t{l}\n")).collect();
            let sent = self.lines.send((url.clone(), lines)).await;
            sent.map_err(|_| io::Error::other("the writer task stopped"))?;
        }
        Ok(Some(links))
    }
    // ANCHOR_END: page
}

/// A level's pages, for the workers to take one at a time.
struct Queue {
    urls: Vec<Url>,
    next: AtomicUsize,
}

/// One connection's worth of crawling: the level's next page, until none is left. Returns
/// each page's links, by its place in the level.
async fn worker(
    crawler: Arc<Crawler>,
    queue: Arc<Queue>,
) -> io::Result<Vec<(usize, Links)>> {
    let mut conn = crawler.idle().pop();
    let mut found = Vec::new();
    loop {
        let i = queue.next.fetch_add(1, Ordering::Relaxed);
        let Some(url) = queue.urls.get(i) else { break };
        found.push((i, crawler.crawl_page(&mut conn, url).await?));
    }
    crawler.idle().extend(conn);
    Ok(found)
}

// ANCHOR: level
/// One level: 100 worker tasks on async-std's threads, each with a connection, taking the
/// next page until none is left; their links, page by page.
async fn crawl_level(crawler: &Arc<Crawler>, level: &[Url]) -> io::Result<Found> {
    let queue = Arc::new(Queue { urls: level.to_vec(), next: AtomicUsize::new(0) });
    let mut workers = Vec::new();
    for _ in 0..LIMIT.min(level.len()) {
        workers.push(task::spawn(worker(Arc::clone(crawler), Arc::clone(&queue))));
    }
    let mut found = vec![None; level.len()];
    for worker in workers {
        for (i, links) in worker.await? {
            found[i] = links;
        }
    }
    Ok(found)
}
// ANCHOR_END: level

/// What the writer receives: each page's URL and its lines.
type Pages = channel::Receiver<(Url, String)>;

// ANCHOR: writer
/// The one task that writes the file: pages' lines arrive whole, one page after another,
/// and go out through a buffer, several pages to a write.
async fn write_lines(out: PathBuf, pages: Pages, quiet: bool) -> io::Result<()> {
    let file = OpenOptions::new().append(true).open(out).await?;
    let mut file = io::BufWriter::new(file);
    while let Ok((url, lines)) = pages.recv().await {
        file.write_all(lines.as_bytes()).await?;
        page_log!(quiet, "Wrote results for source URL: {url}");
    }
    file.flush().await
}
// ANCHOR_END: writer

/// The list's text, from a file or the site's `/urls.txt`, and where it came from.
async fn read_list(params: &Params) -> anyhow::Result<(String, String)> {
    if let Some(path) = &params.urls {
        let text = async_std::fs::read_to_string(path).await;
        return Ok((
            path.display().to_string(),
            text.with_context(|| format!("reading {}", path.display()))?,
        ));
    }
    let list = format!("{}/urls.txt", params.site);
    let text = fetch_html(&mut None, &Url::parse(&list)?, true).await;
    Ok((list.clone(), text.with_context(|| format!("getting {list}"))?))
}

pub fn run(params: Params) -> anyhow::Result<()> {
    task::block_on(crawl(params))
}

async fn crawl(params: Params) -> anyhow::Result<()> {
    let (source, list) = read_list(&params).await?;
    let mut level = seeds(&source, &list, &params)?;
    async_std::fs::write(&params.out, HEADER).await?; // then the writer appends
    let (sender, receiver) = channel::bounded(LIMIT);
    let quiet = params.depth > 0;
    let writer = task::spawn(write_lines(params.out.clone(), receiver, quiet));
    let crawler = Arc::new(Crawler {
        parser: params.parser,
        timeout: params.timeout,
        lines: sender,
        idle: Mutex::new(Vec::new()),
        in_flight: AtomicUsize::new(0),
        peak: AtomicUsize::new(0),
        quiet,
    });

    // Breadth first: a level's pages by 100 workers, then the next level's.
    let start = Instant::now();
    let mut walk = Walk::new(&level, &params);
    for depth in 0..=params.depth {
        if params.depth > 0 {
            println!("Level {depth}: {} pages", level.len());
        }
        let found = crawl_level(&crawler, &level).await;
        let found = found.with_context(|| format!("writing {}", params.out.display()))?;
        level = walk.next_level(depth, &level, found);
    }
    let (elapsed, peak) = (start.elapsed(), crawler.peak.load(Ordering::Relaxed));
    drop(crawler); // the last sender: the writer finishes the file and ends
    writer.await.with_context(|| format!("writing {}", params.out.display()))?;
    walk.report(elapsed, peak, &params.out);
    Ok(())
}
