//! The measurements behind `offload`'s pitfalls: shapes of the mistake and of the fix that
//! the variant files do not show, each run five times, each printing the heartbeat's longest
//! gap (or a rate), so that the chapter's figures can be checked on any machine.
//!
//! ```text
//! cargo run --release -p offload --example offload_lab -- multi-thread-mistake
//! cargo run --release -p offload --example offload_lab -- multi-thread-mistake-at-once
//! cargo run --release -p offload --example offload_lab -- block-in-place-joined
//! cargo run --release -p offload --example offload_lab -- block-in-place-loop
//! ```
//!
//! The Python one (the GIL beside `asyncio.to_thread`) is `offload_gil_lab.py`, beside this file.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use tokio::runtime::Builder;
use tokio::time::sleep;

/// One tutorial second.
const UNIT: Duration = Duration::from_millis(100);
/// Runs per shape.
const RUNS: usize = 5;

/// Ticks every 0.1 unit until `stop`, and returns the longest gap between ticks.
async fn heartbeat(stop: Arc<AtomicBool>) -> Duration {
    let mut longest = Duration::ZERO;
    let mut last = Instant::now();
    while !stop.load(Ordering::Relaxed) {
        sleep(UNIT / 10).await;
        longest = longest.max(last.elapsed());
        last = Instant::now();
    }
    longest
}

fn units(d: Duration) -> f64 {
    d.as_secs_f64() / UNIT.as_secs_f64()
}

/// On the multi-thread runtime (2 workers), inside `tokio::spawn`: start the heartbeat, wait
/// (or not), then block a worker for one unit with `thread::sleep`.
fn multi_thread_mistake(wait_first: bool) -> anyhow::Result<()> {
    let runtime = Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    for run in 1..=RUNS {
        let longest = runtime.block_on(runtime.spawn(async move {
            let stop = Arc::new(AtomicBool::new(false));
            let beats = tokio::spawn(heartbeat(Arc::clone(&stop)));
            if wait_first {
                sleep(UNIT / 4).await; // the heartbeat ticks twice
            }
            thread::sleep(UNIT); // the mistake, on a worker thread
            sleep(UNIT / 4).await;
            stop.store(true, Ordering::Relaxed);
            beats.await
        }))??;
        println!("run {run}: longest heartbeat gap {:.2} units", units(longest));
    }
    Ok(())
}

/// `block_in_place` with the heartbeat joined into the same task, not spawned.
fn block_in_place_joined() -> anyhow::Result<()> {
    let runtime = Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    for run in 1..=RUNS {
        let longest = runtime.block_on(runtime.spawn(async {
            let stop = Arc::new(AtomicBool::new(false));
            let work = async {
                sleep(UNIT / 4).await;
                tokio::task::block_in_place(|| thread::sleep(UNIT));
                sleep(UNIT / 4).await;
                stop.store(true, Ordering::Relaxed);
            };
            let ((), longest) = tokio::join!(work, heartbeat(Arc::clone(&stop)));
            longest
        }))?;
        println!("run {run}: longest heartbeat gap {:.2} units", units(longest));
    }
    Ok(())
}

/// 20,000 `block_in_place` calls in a loop that never awaits, then with a yield between calls.
fn block_in_place_loop() -> anyhow::Result<()> {
    const CALLS: u32 = 20_000;
    let runtime = Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    for run in 1..=RUNS {
        let (straight, yielding) = runtime.block_on(runtime.spawn(async {
            let start = Instant::now();
            for i in 0..CALLS {
                std::hint::black_box(tokio::task::block_in_place(|| i));
            }
            let straight = start.elapsed();
            let start = Instant::now();
            for i in 0..CALLS {
                std::hint::black_box(tokio::task::block_in_place(|| i));
                tokio::task::yield_now().await;
            }
            (straight, start.elapsed())
        }))?;
        println!(
            "run {run}: {:.1} million calls/s without awaiting, {:.0} thousand calls/s with a yield between calls",
            f64::from(CALLS) / straight.as_secs_f64() / 1e6,
            f64::from(CALLS) / yielding.as_secs_f64() / 1e3
        );
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let shape = std::env::args().nth(1).unwrap_or_default();
    match shape.as_str() {
        "multi-thread-mistake" => multi_thread_mistake(true),
        "multi-thread-mistake-at-once" => multi_thread_mistake(false),
        "block-in-place-joined" => block_in_place_joined(),
        "block-in-place-loop" => block_in_place_loop(),
        _ => anyhow::bail!(
            "which shape? multi-thread-mistake, multi-thread-mistake-at-once, block-in-place-joined, \
             block-in-place-loop"
        ),
    }
}
