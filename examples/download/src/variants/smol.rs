//! `download` on smol, with hyper: 100 connections, each getting one page after another.
//!
//! Pairs with the `asyncio` version in Real Python's "Speed Up Your Python Program With
//! Concurrency" (the IO-bound section of both the 2019 and the 2024 editions), whose one
//! `aiohttp.ClientSession` keeps up to 100 connections open. smol has no HTTP client of
//! its own; hyper is the one most Rust clients are built on, and `smol-hyper` lets it
//! read and write smol's sockets. hyper's low-level client is one connection, with no
//! pool, no timeout and no redirects: so here 100 worker tasks each keep one connection
//! (opened on first use, and again after a failure) and take the next site until none is
//! left, a smol `Timer` bounds each page, and the site's redirects are followed by hand.
//! The run takes 2 page delays.
//!
//! Dependencies: `cargo add smol smol-hyper anyhow http-body-util tracing tracing-subscriber && cargo add hyper --features client,http1`
//! Run: `cargo run --release` (in this repository: `just run download smol`)

use std::cell::Cell;
use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use anyhow::{Context as _, anyhow, bail, ensure};
use http_body_util::{BodyExt as _, Empty};
use hyper::client::conn::http1::{self, SendRequest};
use hyper::{Request, Uri, header};
use smol::net::TcpStream;
use smol::{LocalExecutor, Timer, future};
use smol_hyper::rt::FuturesIo;
use tracing::warn;

/// What the program runs with; `just run download` sets them from its command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// The site to download from: `just site` serves it at this address.
    pub site: String,
    /// How long one tutorial second lasts; the site answers each page after 0.089 of
    /// them.
    pub unit: Duration,
    /// How long one page may take, from connecting to its last byte, before it counts as
    /// failed.
    pub timeout: Duration,
    /// Whether the list also holds the site's broken pages (404, 500, reset, hang, loop).
    pub faults: bool,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            site: "http://127.0.0.1:8000".to_owned(),
            unit: Duration::from_millis(250),
            timeout: Duration::from_secs(1),
            faults: false,
        }
    }
}

/// How long the site takes to answer each page, in tutorial seconds.
const PAGE_DELAY: f64 = 0.089;

/// The broken pages that `faults` mixes in: each fails once, and costs no good page.
const FAULTS: [&str; 5] =
    ["/status/404", "/status/500", "/reset", "/hang", "/redirect-loop"];

/// How many connections download at once, one page at a time each: aiohttp's limit.
const CONNECTIONS: usize = 100;

/// How many redirects a page may take: the limit of aiohttp, reqwest and ureq.
const MAX_REDIRECTS: usize = 10;

pub fn main() -> anyhow::Result<()> {
    // Log lines (a page that failed) go to stderr, each with the name of its thread.
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_thread_names(true)
        .with_target(false)
        .init();
    run(Params::default())
}

/// The article's list: its two sites, alternating, 160 in all; with `faults`, the broken
/// pages spread among them.
fn sites(params: &Params) -> Vec<String> {
    let pages = [format!("{}/jython", params.site), format!("{}/dice", params.site)];
    let mut sites: Vec<String> = pages.into_iter().cycle().take(160).collect();
    if params.faults {
        for (i, page) in FAULTS.iter().enumerate() {
            sites.insert(16 + 33 * i, format!("{}{page}", params.site));
        }
    }
    sites
}

// ANCHOR: client
/// One connection: what sends requests on it. Its other half, which reads and writes the
/// socket, runs as a task on `drivers`, and ends when this is dropped.
type Connection = SendRequest<Empty<&'static [u8]>>;

async fn connect(
    drivers: &LocalExecutor<'_>,
    authority: &str,
) -> anyhow::Result<Connection> {
    let stream = TcpStream::connect(authority).await?;
    let (sender, connection) = http1::handshake(FuturesIo::new(stream)).await?;
    drivers.spawn(connection).detach();
    Ok(sender)
}

/// Gets one page on `conn`, opening it first if there is none, and follows the site's
/// redirects; a status other than 2xx is an error. Returns the page's size.
async fn get(
    drivers: &LocalExecutor<'_>,
    conn: &mut Option<Connection>,
    url: &str,
) -> anyhow::Result<usize> {
    let mut uri: Uri = url.parse()?;
    let authority = uri.authority().context("no host in the URL")?.clone();
    for _ in 0..=MAX_REDIRECTS {
        let sender = match conn {
            Some(sender) if !sender.is_closed() => sender,
            _ => conn.insert(connect(drivers, authority.as_str()).await?),
        };
        let path = uri.path_and_query().map_or("/", |p| p.as_str());
        let request = Request::get(path)
            .header(header::HOST, authority.as_str())
            .body(Empty::new())?;
        sender.ready().await?;
        let response = sender.send_request(request).await?;
        let (status, location) =
            (response.status(), response.headers().get(header::LOCATION).cloned());
        let page = response.into_body().collect().await?.to_bytes();
        match location {
            Some(to) if status.is_redirection() => {
                uri = to.to_str()?.parse()?;
                ensure!(
                    uri.authority().is_none_or(|a| *a == authority),
                    "redirected off the site: {uri}"
                );
            }
            _ if status.is_success() => return Ok(page.len()),
            _ => bail!("HTTP status {status}"),
        }
    }
    bail!("more than {MAX_REDIRECTS} redirects")
}

/// `get` within the timeout. After any error the connection is dropped, and the next
/// page opens a new one: a request cut short leaves the old one in an unknown state.
async fn download_site(
    drivers: &LocalExecutor<'_>,
    conn: &mut Option<Connection>,
    timeout: Duration,
    url: &str,
) -> anyhow::Result<usize> {
    let timer = async {
        Timer::after(timeout).await;
        Err(anyhow!("no answer within {timeout:?}"))
    };
    let outcome = future::or(get(drivers, conn, url), timer).await;
    match outcome {
        Ok(size) => println!("Read {size} bytes from {url}"),
        Err(_) => *conn = None,
    }
    outcome
}
// ANCHOR_END: client

// ANCHOR: worker
/// One connection's worth of downloading: the next site, until none is left.
/// Returns how many pages it read.
async fn worker(
    drivers: &LocalExecutor<'_>,
    sites: &[String],
    next: &Cell<usize>,
    timeout: Duration,
) -> usize {
    let mut conn = None; // opened by the first request
    let mut read = 0;
    while let Some(url) = sites.get(next.replace(next.get() + 1)) {
        match download_site(drivers, &mut conn, timeout, url).await {
            Ok(_) => read += 1,
            Err(err) => warn!("{url}: {err:#}"),
        }
    }
    read
}
// ANCHOR_END: worker

// ANCHOR: main
pub fn run(params: Params) -> anyhow::Result<()> {
    let sites = sites(&params);
    let next = Cell::new(0); // the index of the next site to take
    // Two executors on this one thread: the connections' halves run on `drivers`, which
    // the workers borrow to spawn on (a task cannot borrow the executor that runs it).
    let drivers = LocalExecutor::new();
    let workers = LocalExecutor::new();
    let start = Instant::now();
    let read = smol::block_on(drivers.run(workers.run(async {
        let tasks: Vec<_> = (0..CONNECTIONS)
            .map(|_| workers.spawn(worker(&drivers, &sites, &next, params.timeout)))
            .collect();
        let mut read = 0;
        for task in tasks {
            read += task.await;
        }
        read
    })));
    let seconds = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    let rounds = sites.len().div_ceil(CONNECTIONS);
    let ideal = rounds as f64 * PAGE_DELAY; // rounds of pages waited for at once
    let outcome = match sites.len().saturating_sub(read) {
        0 => format!("ideal {rounds} x {PAGE_DELAY} = {ideal:.3}"),
        failed => format!("{failed} failed"),
    };
    println!("Downloaded {read} sites in {seconds:.3} seconds ({outcome})");
    Ok(())
}
// ANCHOR_END: main
