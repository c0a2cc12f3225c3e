//! `offload` on tokio: `spawn_blocking`, and `block_in_place` on the multi-thread
//! runtime.
//!
//! Pairs with "Executing code in thread or process pools" (`loop.run_in_executor`) in the
//! asyncio event-loop reference, and with its debug mode, which reports slow callbacks.
//! tokio expects every poll of a task to be short: a `thread::sleep` or a CPU loop inside
//! a task holds its thread, and the other tasks on that thread wait. `spawn_blocking`
//! runs the call on a separate pool of threads, like `run_in_executor(None, ...)`;
//! `block_in_place` instead turns the current worker thread into a blocking one and hands
//! its other tasks to a fresh worker, which only the multi-thread runtime can do. The
//! mistake is shown on the current-thread runtime, where the heartbeat has no other
//! worker to escape to.
//!
//! Dependencies: `cargo add tokio --features rt,rt-multi-thread,time && cargo add tracing tracing-subscriber`
//! Run: `cargo run --release` (in this repository: `just run offload tokio`)

use std::future::Future;
use std::io::{self, IsTerminal};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use tokio::runtime::Builder;
use tokio::task;
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
/// Stands in for a blocking call (a file read, a legacy client): sleeps one tutorial
/// second.
fn blocking_io(unit: Duration) {
    info!("blocking_io(): sleeping");
    thread::sleep(unit);
}

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

// ANCHOR: heartbeat
/// Ticks every 0.1 tutorial second until `stop` is set. A tick that comes late means
/// something held the thread: the watchdog says so, as asyncio's debug mode reports a
/// callback that ran longer than `loop.slow_callback_duration` (0.1 s).
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

/// Runs `work` while a heartbeat task ticks beside it, with a quiet quarter second on
/// each side.
async fn watched<T>(params: Params, work: impl Future<Output = T>) -> io::Result<T> {
    let unit = params.unit;
    let stop = Arc::new(AtomicBool::new(false));
    let beats = tokio::spawn(heartbeat(params, Arc::clone(&stop)));
    sleep(unit / 4).await;
    let out = work.await;
    sleep(unit / 4).await;
    stop.store(true, Ordering::Relaxed);
    beats.await?;
    Ok(out)
}
// ANCHOR_END: heartbeat

// ANCHOR: mistake
async fn mistake(unit: Duration) {
    let start = Instant::now();
    blocking_io(unit); // nothing else on this thread runs until it returns
    println!("  blocking_io() done in {:.2} s", secs(start.elapsed(), unit));
    sleep(unit / 4).await; // only now does the heartbeat run, and find itself late
    let start = Instant::now();
    let n = cpu_bound(unit);
    println!("  cpu_bound() summed {n} squares in {:.2} s", secs(start.elapsed(), unit));
}
// ANCHOR_END: mistake

// ANCHOR: fix
async fn fix(unit: Duration) -> io::Result<()> {
    let start = Instant::now();
    let io = task::spawn_blocking(move || blocking_io(unit));
    let cpu = task::spawn_blocking(move || cpu_bound(unit));
    io.await?;
    println!("  blocking_io() done in {:.2} s", secs(start.elapsed(), unit));
    let n = cpu.await?;
    println!("  cpu_bound() summed {n} squares in {:.2} s", secs(start.elapsed(), unit));
    Ok(())
}
// ANCHOR_END: fix

// ANCHOR: block_in_place
async fn in_place(unit: Duration) {
    let start = Instant::now();
    // The closure may borrow from this task, and no thread hop is needed to get the
    // result, but this whole task (and anything it joins) waits; the worker's other tasks
    // move on.
    let n = task::block_in_place(|| cpu_bound(unit));
    println!("  cpu_bound() summed {n} squares in {:.2} s", secs(start.elapsed(), unit));
}
// ANCHOR_END: block_in_place

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    let unit = params.unit;
    // One thread runs every task, like asyncio's loop; spawn_blocking's threads get this
    // name.
    let runtime = Builder::new_current_thread()
        .enable_all()
        .thread_name("tokio-blocking")
        .build()?;
    runtime.block_on(async {
        println!(
            "the mistake: blocking calls made directly in a task (current-thread runtime)"
        );
        watched(params, mistake(unit)).await?;
        println!("the fix: spawn_blocking (current-thread runtime)");
        watched(params, fix(unit)).await??;
        Ok::<_, io::Error>(())
    })?;

    // block_in_place needs the multi-thread runtime: it panics on the current-thread one.
    let next = AtomicUsize::new(1);
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name_fn(move || {
            format!("tokio-worker-{}", next.fetch_add(1, Ordering::Relaxed))
        })
        .build()?;
    runtime.block_on(async {
        println!("block_in_place (multi-thread runtime, 2 workers)");
        // Spawned, so that it runs on a worker: block_on's own thread is not one.
        tokio::spawn(watched(params, in_place(unit))).await?
    })
}
// ANCHOR_END: main
