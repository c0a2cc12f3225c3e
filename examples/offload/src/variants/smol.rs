//! `offload` on smol: `smol::unblock` (the `blocking` crate's thread pool).
//!
//! Pairs with "Executing code in thread or process pools" (`loop.run_in_executor`) in the
//! asyncio event-loop reference, and with its debug mode, which reports slow callbacks.
//! Here a `LocalExecutor` runs every task on this one thread, so a blocking call in one
//! task stops them all. `smol::unblock` (re-exported from the `blocking` crate) sends the
//! closure to a shared pool of threads named `blocking-N`, grown on demand and shrunk
//! when idle, and returns a `Task` to await: the closest thing to `asyncio.to_thread`.
//!
//! Dependencies: `cargo add smol tracing tracing-subscriber`
//! Run: `cargo run --release` (in this repository: `just run offload smol`)

use std::cell::Cell;
use std::future::Future;
use std::io::{self, IsTerminal};
use std::rc::Rc;
use std::thread;
use std::time::{Duration, Instant};

use smol::{LocalExecutor, Timer};
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

pub fn main() {
    // Log lines go to stderr, each with the name of the thread that wrote it.
    tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(io::stderr().is_terminal())
        .with_thread_names(true)
        .with_target(false)
        .init();
    run(Params::default());
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
/// Ticks every 0.1 tutorial second until `stop` is set; the watchdog reports a late tick,
/// as asyncio's debug mode reports a callback slower than `loop.slow_callback_duration`.
async fn heartbeat(params: Params, stop: Rc<Cell<bool>>) {
    let unit = params.unit;
    let mut longest = Duration::ZERO;
    let mut ticks = 0;
    let mut last = Instant::now();
    while !stop.get() {
        Timer::after(unit / 10).await;
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
async fn watched<T>(
    ex: &LocalExecutor<'_>,
    params: Params,
    work: impl Future<Output = T>,
) -> T {
    let unit = params.unit;
    let stop = Rc::new(Cell::new(false));
    let beats = ex.spawn(heartbeat(params, Rc::clone(&stop)));
    Timer::after(unit / 4).await;
    let out = work.await;
    Timer::after(unit / 4).await;
    stop.set(true);
    beats.await;
    out
}
// ANCHOR_END: heartbeat

// ANCHOR: mistake
async fn mistake(unit: Duration) {
    let start = Instant::now();
    blocking_io(unit); // nothing else on this thread runs until it returns
    println!("  blocking_io() done in {:.2} s", secs(start.elapsed(), unit));
    Timer::after(unit / 4).await; // only now does the heartbeat run, and find itself late
    let start = Instant::now();
    let n = cpu_bound(unit);
    println!("  cpu_bound() summed {n} squares in {:.2} s", secs(start.elapsed(), unit));
}
// ANCHOR_END: mistake

// ANCHOR: fix
async fn fix(unit: Duration) {
    let start = Instant::now();
    let io = smol::unblock(move || blocking_io(unit));
    let cpu = smol::unblock(move || cpu_bound(unit));
    io.await;
    println!("  blocking_io() done in {:.2} s", secs(start.elapsed(), unit));
    let n = cpu.await;
    println!("  cpu_bound() summed {n} squares in {:.2} s", secs(start.elapsed(), unit));
}
// ANCHOR_END: fix

// ANCHOR: main
pub fn run(params: Params) {
    let unit = params.unit;
    let ex = LocalExecutor::new();
    smol::block_on(ex.run(async {
        println!("the mistake: blocking calls made directly in a task (LocalExecutor)");
        watched(&ex, params, mistake(unit)).await;
        println!("the fix: smol::unblock");
        watched(&ex, params, fix(unit)).await;
    }));
}
// ANCHOR_END: main
