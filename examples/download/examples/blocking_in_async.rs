//! Where a blocking client must not run: ureq called inside async tasks, measured beside the
//! fixes. The measurements behind the `download` chapter's pitfall.
//!
//! Run with: `cargo run --release -p download --example blocking_in_async [UNIT_MS]` (default
//! 250, the example's unit). It starts the site in this process, then downloads the 160 pages
//! with a tokio task per page and at most 100 in flight, five ways, and prints each time in
//! tutorial seconds beside the ideal of 2 page delays:
//!
//! - ureq inside the tasks, on a current-thread runtime: each call holds the only thread until
//!   its page arrives, so the tasks run one after another: 160 page delays, like `sync`;
//! - the same on a multi-thread runtime with 2 workers: two at a time, 80 page delays;
//! - ureq in `spawn_blocking`: the calls wait on the blocking pool's threads (100 of them at
//!   once), and the tasks only await them: 2 page delays, at the cost of 100 threads;
//! - ureq in `block_in_place` on the multi-thread runtime: before it blocks, the worker hands
//!   its other tasks to a new worker thread, so each call waiting at once costs a thread too;
//! - reqwest, the `tokio` variant's client: 2 page delays on one thread.

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

const PAGE_DELAY: f64 = 0.089;
const LIMIT: usize = 100;

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(60)))
        .proxy(None)
        .build()
        .into()
}

/// How each task gets its page.
#[derive(Clone, Copy, PartialEq)]
enum How {
    /// ureq, called right in the task.
    Inline,
    /// ureq, in `spawn_blocking`.
    SpawnBlocking,
    /// ureq, in `block_in_place`.
    BlockInPlace,
    /// reqwest.
    Reqwest,
}

/// Downloads the 160 pages, a task each, at most `LIMIT` at a time; returns the time taken.
async fn download(sites: Vec<String>, how: How) -> Result<Duration> {
    let agent = agent();
    let client =
        reqwest::Client::builder().timeout(Duration::from_secs(60)).no_proxy().build()?;
    let limit = Arc::new(Semaphore::new(LIMIT));
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for url in sites {
        let (agent, client, limit) = (agent.clone(), client.clone(), Arc::clone(&limit));
        tasks.spawn(async move {
            let _permit = limit.acquire().await?;
            let page = url.clone();
            let get = move || -> Result<usize> {
                Ok(agent.get(&page).call()?.body_mut().read_to_vec()?.len())
            };
            let size = match how {
                How::Inline => get()?,
                How::SpawnBlocking => tokio::task::spawn_blocking(get).await??,
                How::BlockInPlace => tokio::task::block_in_place(get)?,
                How::Reqwest => client
                    .get(&url)
                    .send()
                    .await?
                    .error_for_status()?
                    .bytes()
                    .await?
                    .len(),
            };
            anyhow::ensure!(size > 0, "an empty page");
            anyhow::Ok(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done??;
    }
    Ok(start.elapsed())
}

/// The threads of this process now: a runtime's pools keep their threads a while after use, so
/// this is about how many the last case started.
fn threads() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("Threads:"))?.trim().parse().ok()
}

fn main() -> Result<()> {
    let unit_ms: u64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().context("UNIT_MS: a whole number of milliseconds")?,
        None => 250,
    };
    let unit = Duration::from_millis(unit_ms);
    let site = site::Site::start(site::Config { unit, ..site::Config::default() })?;
    let pages = [format!("{}/jython", site.url()), format!("{}/dice", site.url())];
    let sites: Vec<String> = pages.into_iter().cycle().take(160).collect();
    println!(
        "160 pages of {:.1} ms (0.089 tutorial seconds at {unit_ms} ms), a tokio task each, at most {LIMIT} in flight:",
        unit.as_secs_f64() * PAGE_DELAY * 1000.0
    );
    let current = || tokio::runtime::Builder::new_current_thread().enable_all().build();
    let multi = || {
        tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()
    };
    let cases = [
        ("ureq called in the tasks, current-thread runtime", How::Inline, current()?),
        (
            "ureq called in the tasks, multi-thread runtime (2 workers)",
            How::Inline,
            multi()?,
        ),
        (
            "ureq in spawn_blocking, current-thread runtime",
            How::SpawnBlocking,
            current()?,
        ),
        (
            "ureq in block_in_place, multi-thread runtime (2 workers)",
            How::BlockInPlace,
            multi()?,
        ),
        ("reqwest, current-thread runtime (the tokio variant)", How::Reqwest, current()?),
    ];
    for (what, how, runtime) in cases {
        let sites = sites.clone();
        // On the multi-thread runtime the tasks are spawned from a worker, as in a server.
        let took =
            runtime.block_on(async move { tokio::spawn(download(sites, how)).await? })?;
        let seconds = took.as_secs_f64() / unit.as_secs_f64();
        let threads = threads().unwrap_or(0);
        println!(
            "  {what:<58} {seconds:>7.3} tutorial seconds (ideal {:.3}), {threads} threads",
            2.0 * PAGE_DELAY
        );
        drop(runtime); // its threads go with it
    }
    Ok(())
}
