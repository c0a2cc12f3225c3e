//! `download` on tokio, with reqwest: every site at once, at most 100 in flight.
//!
//! Pairs with the `asyncio` version in Real Python's "Speed Up Your Python Program With
//! Concurrency" (the IO-bound section of both the 2019 and the 2024 editions): one
//! `aiohttp.ClientSession`, a task per site, `asyncio.gather` over them all, and the
//! session's connector allows 100 connections at a time. Here one `reqwest::Client` (its
//! own connection pool, cheap to clone) serves a task per site in a `JoinSet`, and a
//! `Semaphore` with 100 permits plays the connector's limit. The runtime is the
//! current-thread flavour: waiting on 100 sockets needs no second thread. The run takes 2
//! page delays.
//!
//! Dependencies: `cargo add tokio --features macros,rt,sync && cargo add reqwest --no-default-features && cargo add anyhow tracing tracing-subscriber`
//! Run: `cargo run --release` (in this repository: `just run download tokio`)

use std::io::{self, IsTerminal};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
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

/// At most this many requests in flight: aiohttp's connector allows 100 connections.
const LIMIT: usize = 100;

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
/// The client: one for the whole program, like the article's one `ClientSession`.
fn client(timeout: Duration) -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout) // there is none by default: a silent site would hang its task
        .no_proxy() // ignore HTTP_PROXY and friends: the site is on this machine
        .build()
}

/// Gets one page and says how big it was; a status of 400 or more is made an error.
async fn download_site(client: &reqwest::Client, url: &str) -> reqwest::Result<usize> {
    let response = client.get(url).send().await?.error_for_status()?;
    let page = response.bytes().await?;
    println!("Read {} bytes from {url}", page.len());
    Ok(page.len())
}
// ANCHOR_END: client

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params) -> anyhow::Result<()> {
    let sites = sites(&params);
    let total = sites.len();
    let client = client(params.timeout)?;
    let limit = Arc::new(Semaphore::new(LIMIT));
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for url in sites {
        let (client, limit) = (client.clone(), Arc::clone(&limit));
        tasks.spawn(async move {
            let _permit = limit.acquire().await?; // waits while LIMIT are in flight
            match download_site(&client, &url).await {
                Ok(_) => anyhow::Ok(true),
                Err(err) => {
                    warn!("{url}: {:#}", anyhow::Error::from(err.without_url()));
                    Ok(false)
                }
            }
        });
    }
    let mut read = 0;
    while let Some(done) = tasks.join_next().await {
        read += usize::from(done??);
    }
    let seconds = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    let rounds = total.div_ceil(LIMIT);
    let ideal = rounds as f64 * PAGE_DELAY; // rounds of pages waited for at once
    let outcome = match total.saturating_sub(read) {
        0 => format!("ideal {rounds} x {PAGE_DELAY} = {ideal:.3}"),
        failed => format!("{failed} failed"),
    };
    println!("Downloaded {read} sites in {seconds:.3} seconds ({outcome})");
    Ok(())
}
// ANCHOR_END: main
