//! `download` on worker processes, one per CPU, each with its own blocking client.
//!
//! Pairs with the `multiprocessing` version in Real Python's "Speed Up Your Python
//! Program With Concurrency" (the IO-bound section of both the 2019 and the 2024
//! editions): a pool of processes, as many as CPUs, each making one `requests.Session` in
//! its initializer. Here the workers are this same program, started again with the same
//! arguments and `DOWNLOAD_WORKER` in its environment (as Python's `spawn` start method
//! re-runs the main module): each reads its share of the sites on stdin, gets them one
//! after another with its own ureq `Agent`, and prints a line per page, which the parent
//! passes on and counts. P processes wait for P pages at once: 160/P page delays, plus
//! the cost of starting them.
//!
//! Dependencies: `cargo add ureq --no-default-features && cargo add tracing tracing-subscriber`
//! Run: `cargo run --release` (in this repository: `just run download processes`)

use std::io::{self, BufRead, BufReader, IsTerminal, Write};
use std::num::NonZero;
use std::process::{Child, Command, Stdio};
use std::thread;
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
    /// How many worker processes download at once.
    pub workers: usize,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            site: "http://127.0.0.1:8000".to_owned(),
            unit: Duration::from_millis(250),
            timeout: Duration::from_secs(1),
            faults: false,
            // One per CPU, like `ProcessPoolExecutor()`.
            workers: thread::available_parallelism().map_or(1, NonZero::get),
        }
    }
}

/// How long the site takes to answer each page, in tutorial seconds.
const PAGE_DELAY: f64 = 0.089;

/// The broken pages that `faults` mixes in: each fails once, and costs no good page.
const FAULTS: [&str; 5] =
    ["/status/404", "/status/500", "/reset", "/hang", "/redirect-loop"];

/// Set in a worker's environment: the program then downloads the sites it reads on stdin.
const WORKER: &str = "DOWNLOAD_WORKER";

pub fn main() -> io::Result<()> {
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

// ANCHOR: worker
/// The worker process: one site per line on stdin, a line per page read on stdout.
fn serve(timeout: Duration) -> io::Result<()> {
    let agent = agent(timeout); // made once, as the pool's initializer makes a Session
    for url in io::stdin().lock().lines() {
        let url = url?;
        if let Err(err) = download_site(&agent, &url) {
            warn!(pid = std::process::id(), "{url}: {err}");
        }
    }
    Ok(())
}
// ANCHOR_END: worker

// ANCHOR: pool
/// Deals the sites out to `workers` worker processes, passes on the lines they print, and
/// returns how many pages they read.
fn download_all_sites(sites: &[String], workers: usize) -> io::Result<usize> {
    let program = std::env::current_exe()?;
    // Start them all before reading any answer, so that they download at the same time.
    let mut children = Vec::with_capacity(workers);
    for first in 0..workers {
        // This program again, as Python's `spawn` re-runs the main module: the same
        // arguments, and the variable that makes it a worker.
        let mut child = Command::new(&program)
            .args(std::env::args_os().skip(1))
            .env(WORKER, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let mut stdin = child.stdin.take().ok_or_else(|| io::Error::other("no stdin"))?;
        for url in sites.iter().skip(first).step_by(workers) {
            writeln!(stdin, "{url}")?;
        }
        drop(stdin); // EOF: the worker's share ends here
        children.push(child);
    }
    // A thread per worker passes its lines on as they come, and counts them.
    thread::scope(|scope| {
        let readers: Vec<_> =
            children.iter_mut().map(|c| scope.spawn(|| relay(c))).collect();
        let panicked = || Err(io::Error::other("a reader thread panicked"));
        readers.into_iter().map(|r| r.join().unwrap_or_else(|_| panicked())).sum()
    })
}

/// Prints each line a worker writes, waits for it to exit, and returns how many it wrote.
fn relay(child: &mut Child) -> io::Result<usize> {
    let stdout = child.stdout.take().ok_or_else(|| io::Error::other("no stdout pipe"))?;
    let mut read = 0;
    for line in BufReader::new(stdout).lines() {
        println!("{}", line?);
        read += 1;
    }
    let status = child.wait()?;
    match status.success() {
        true => Ok(read),
        false => Err(io::Error::other(format!("a worker process {status}"))),
    }
}
// ANCHOR_END: pool

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    if std::env::var_os(WORKER).is_some() {
        return serve(params.timeout); // this process is one of the workers
    }
    let sites = sites(&params);
    let workers = params.workers.clamp(1, sites.len());
    let start = Instant::now();
    let read = download_all_sites(&sites, workers)?;
    let seconds = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    let rounds = sites.len().div_ceil(workers);
    let ideal = rounds as f64 * PAGE_DELAY; // rounds of pages waited for at once
    let outcome = match sites.len().saturating_sub(read) {
        0 => format!("ideal {rounds} x {PAGE_DELAY} = {ideal:.3}"),
        failed => format!("{failed} failed"),
    };
    println!("Downloaded {read} sites in {seconds:.3} seconds ({outcome})");
    Ok(())
}
// ANCHOR_END: main
