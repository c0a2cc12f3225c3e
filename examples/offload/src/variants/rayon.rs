//! `offload` on rayon: CPU work handed from async code to rayon, and `submit`/`map` on
//! its pool.
//!
//! Pairs with "Executing code in thread or process pools" (`loop.run_in_executor`) in the
//! asyncio event-loop reference, and with the thread-pool parts of Real Python's "Speed
//! Up Your Python Program With Concurrency". rayon is a pool for CPU work, not for
//! waiting: its threads are one per core, so a sleeping call would keep a core idle
//! (blocking IO belongs in a blocking pool such as tokio's `spawn_blocking`). Async code
//! hands it a closure with `spawn` and awaits the result on a oneshot channel; here the
//! loop is a current-thread tokio runtime. rayon has no futures of its own: `submit` is
//! `spawn` plus a channel, and `map` is a parallel iterator, which keeps the input order.
//!
//! Dependencies: `cargo add rayon tracing tracing-subscriber && cargo add tokio --features rt,sync,time`
//! Run: `cargo run --release` (in this repository: `just run offload rayon`)

use std::io::{self, IsTerminal};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use rayon::{ThreadPool, ThreadPoolBuilder};
use tokio::sync::oneshot;
use tokio::time::sleep;
use tracing::{debug, info};

/// What the program runs with; `just run offload` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Print a line at every heartbeat tick, to chart them (`--timeline` sets it).
    pub ticks: bool,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(200), ticks: false }
    }
}

pub fn main() -> io::Result<()> {
    // Log lines go to stderr, each with the name of the thread that wrote it.
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_thread_names(true)
        .with_target(false)
        .init();
    run(Params::default())
}

// ANCHOR: blocking
/// A CPU loop: sums squares for one tutorial second and says how many it summed.
fn cpu_bound(unit: Duration) -> u64 {
    info!("cpu_bound(): summing squares");
    let start = Instant::now();
    let (mut n, mut sum) = (0u64, 0u64);
    while start.elapsed() < unit {
        for _ in 0..1000 {
            sum = sum.wrapping_add(std::hint::black_box(n).wrapping_mul(n));
            n += 1;
        }
    }
    std::hint::black_box(sum);
    n
}
// ANCHOR_END: blocking

/// A duration in tutorial seconds.
fn secs(d: Duration, unit: Duration) -> f64 {
    d.as_secs_f64() / unit.as_secs_f64()
}

/// Ticks every 0.1 tutorial second until `stop` is set; the watchdog reports a late tick,
/// as asyncio's debug mode reports a callback slower than `loop.slow_callback_duration`.
async fn heartbeat(params: Params, stop: Arc<AtomicBool>) {
    let unit = params.unit;
    let mut longest = Duration::ZERO;
    let mut ticks = 0;
    let mut last = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        sleep(unit / 10).await;
        let now = Instant::now();
        let gap = now - last;
        last = now;
        ticks += 1;
        debug!("tick");
        if params.ticks {
            println!("  tick");
        }
        if gap > unit * 3 / 10 {
            // more than 0.2 s late
            println!("  event loop blocked for {:.2} s", secs(gap, unit));
        }
        longest = longest.max(gap);
    }
    println!("  heartbeat: {ticks} ticks, longest gap {:.2} s", secs(longest, unit));
}

// ANCHOR: offload
/// Runs `f` on the rayon pool and awaits its result: the sending half goes to the pool,
/// the receiving half is awaited here, so the loop's thread is free while rayon computes.
async fn on_rayon<T, F>(pool: &ThreadPool, f: F) -> io::Result<T>
where
    T: Send + 'static,
    F: FnOnce() -> T + Send + 'static,
{
    let (tx, rx) = oneshot::channel();
    // A panic in `f` aborts the process, as rayon does for `spawn` without a
    // `panic_handler`.
    pool.spawn(move || {
        let _ = tx.send(f()); // the receiver may be gone: nobody wants the result then
    });
    rx.await.map_err(|_| io::Error::other("the rayon job ended without an answer"))
}

async fn fix(pool: &ThreadPool, params: Params) -> io::Result<()> {
    let unit = params.unit;
    let stop = Arc::new(AtomicBool::new(false));
    let beats = tokio::spawn(heartbeat(params, Arc::clone(&stop)));
    sleep(unit / 4).await;
    let start = Instant::now();
    let n = on_rayon(pool, move || cpu_bound(unit)).await?;
    println!("  cpu_bound() summed {n} squares in {:.2} s", secs(start.elapsed(), unit));
    sleep(unit / 4).await;
    stop.store(true, Ordering::Relaxed);
    beats.await?;
    Ok(())
}
// ANCHOR_END: offload

// ANCHOR: worker
fn worker(arg: u32) -> String {
    info!("worker({arg})");
    format!("{arg} Hello World!")
}

fn submit_and_map(pool: &ThreadPool) -> io::Result<()> {
    // submit: each job gets a channel; the receiver is the future, recv() its result().
    let futures: Vec<mpsc::Receiver<String>> = (1..=3)
        .map(|arg| {
            let (tx, rx) = mpsc::channel();
            pool.spawn(move || {
                let _ = tx.send(worker(arg));
            });
            rx
        })
        .collect();
    for future in futures {
        let result = future
            .recv()
            .map_err(|_| io::Error::other("a rayon job ended without an answer"))?;
        println!("  submit: {result}");
    }
    // map: a parallel iterator; collect() puts the results back in input order.
    let results: Vec<String> =
        pool.install(|| (1..=3).into_par_iter().map(worker).collect());
    for result in results {
        println!("  map: {result}");
    }
    Ok(())
}
// ANCHOR_END: worker

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    let pool = ThreadPoolBuilder::new()
        .thread_name(|i| format!("rayon-{i}"))
        .build()
        .map_err(io::Error::other)?;
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    println!(
        "the fix: cpu_bound() handed to rayon, the result sent back on a oneshot channel"
    );
    runtime.block_on(fix(&pool, params))?;
    println!("submit and map on a rayon pool of {} threads", pool.current_num_threads());
    submit_and_map(&pool)
}
// ANCHOR_END: main
