//! `download` with a blocking client, one page after another.
//!
//! Pairs with the synchronous version in Real Python's "Speed Up Your Python Program With
//! Concurrency" (the IO-bound section of both the 2019 and the 2024 editions), whose loop
//! gets each site through one `requests.Session`. Here the client is ureq, a blocking
//! HTTP client with no async runtime under it; its `Agent` plays the session's part: it
//! keeps the connection open between requests. Each call waits for its page, so the run
//! takes 160 page delays: the baseline the other variants are measured against.
//!
//! Dependencies: `cargo add ureq --no-default-features && cargo add tracing tracing-subscriber`
//! Run: `cargo run --release` (in this repository: `just run download sync`)

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

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

pub fn main() {
    // Log lines (a page that failed) go to stderr, each with the name of its thread.
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_thread_names(true)
        .with_target(false)
        .init();
    run(Params::default());
}

// ANCHOR: sites
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
// ANCHOR_END: sites

// ANCHOR: agent
/// The client: an `Agent` keeps its connections open between requests, like a Session.
fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(timeout)) // none by default: a silent site would hang us
        .proxy(None) // not even one from HTTP_PROXY: the site is on this machine
        .build()
        .into()
}

/// Gets one page and says how big it was; a status of 400 or more is an error too.
fn download_site(agent: &ureq::Agent, url: &str) -> Result<usize, ureq::Error> {
    let mut response = agent.get(url).call()?;
    let page = response.body_mut().read_to_vec()?;
    println!("Read {} bytes from {url}", page.len());
    Ok(page.len())
}
// ANCHOR_END: agent

// ANCHOR: main
pub fn run(params: Params) {
    let sites = sites(&params);
    let agent = agent(params.timeout);
    let start = Instant::now();
    let mut read = 0;
    for url in &sites {
        match download_site(&agent, url) {
            Ok(_) => read += 1,
            Err(err) => warn!("{url}: {err}"),
        }
    }
    let seconds = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    let rounds = sites.len(); // one page after another
    let ideal = rounds as f64 * PAGE_DELAY; // rounds of pages waited for at once
    let outcome = match sites.len().saturating_sub(read) {
        0 => format!("ideal {rounds} x {PAGE_DELAY} = {ideal:.3}"),
        failed => format!("{failed} failed"),
    };
    println!("Downloaded {read} sites in {seconds:.3} seconds ({outcome})");
}
// ANCHOR_END: main
