//! `--bench N`: channel throughput, one producer and one consumer, per capacity.
//!
//! Each variant file has a `pump(items, capacity)` that moves the numbers `0..items` through
//! its runtime's channel and returns their sum; the timing lives here, so the variant code
//! stays free of it. Each capacity is run three times and the fastest run is reported (the
//! usual way to read a micro-benchmark on a shared machine); the sum proves that every item
//! arrived exactly once. The time includes building the runtime, which is microseconds.

use std::time::{Duration, Instant};

use anyhow::ensure;
use walkthrough::Runtime;

use crate::variants;

/// The capacities measured, with their labels: `None` is unbounded.
pub const CAPACITIES: [(&str, Option<usize>); 3] = [("unbounded", None), ("100", Some(100)), ("1", Some(1))];

/// Runs one runtime's `pump` for every capacity and prints one line each.
pub fn run(runtime: Runtime, items: u64) -> anyhow::Result<()> {
    for (label, capacity) in CAPACITIES {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let start = Instant::now();
            let sum = pump(runtime, items, capacity)?;
            best = best.min(start.elapsed());
            ensure!(sum == items * (items - 1) / 2, "capacity {label}: the items summed to {sum}");
        }
        let rate = items as f64 / best.as_secs_f64();
        println!(
            "capacity {label}: {items} items in {:.5} s, {:.2} M items/s (best of 3)",
            best.as_secs_f64(),
            rate / 1e6
        );
    }
    Ok(())
}

fn pump(runtime: Runtime, items: u64, capacity: Option<usize>) -> anyhow::Result<u64> {
    Ok(match runtime {
        Runtime::Threads => variants::threads::pump(items, capacity),
        Runtime::Tokio => variants::tokio::pump(items, capacity)?,
        Runtime::Smol => variants::smol::pump(items, capacity),
        Runtime::AsyncStd => variants::async_std::pump(items, capacity),
        Runtime::Futures => variants::futures::pump(items, capacity)?,
        other => unreachable!("queue has no {other} variant"),
    })
}
