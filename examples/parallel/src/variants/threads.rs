//! `parallel` on OS threads.
//!
//! Pairs with the threading version in "How to Speed Up a CPU-Bound Program" in Real Python's
//! "Speed Up Your Python Program With Concurrency". In CPython the GIL lets one thread run
//! Python code at a time, so threads make CPU-bound work no faster. Rust has no GIL: each
//! thread runs on its own core, and two threads do the job in about half the time.
//!
//! Dependencies: `cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run parallel threads`)

use std::hint::black_box;
use std::num::NonZero;
use std::thread;
use std::time::{Duration, Instant};

/// What the program runs with; `just run parallel` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// The first number; the job is `size`, `size + 1`, ... (`count` numbers).
    pub size: u64,
    /// How many numbers.
    pub count: u64,
    /// How many threads compute (at most one per number).
    pub workers: usize,
    /// How long one tutorial second lasts (durations are printed in these).
    pub unit: Duration,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            size: 5_000_000,
            count: 20,
            // One per CPU.
            workers: thread::available_parallelism().map_or(1, NonZero::get),
            unit: Duration::from_secs(1),
        }
    }
}

impl Params {
    /// Refuses what cannot run: no worker at all.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(self.workers >= 1, "--workers 0 would start no thread to do the job");
        Ok(())
    }

    /// The job's numbers: `size`, `size + 1`, ..., `size + count - 1`.
    fn numbers(&self) -> Vec<u64> {
        (0..self.count).map(|x| self.size + x).collect()
    }
}

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

/// The sum of the squares of `0..number`, exact (`black_box` keeps the optimiser from
/// replacing the loop by its closed form).
fn cpu_bound(number: u64) -> u128 {
    (0..number)
        .map(|i| {
            let i = black_box(i);
            u128::from(i * i)
        })
        .sum()
}

// ANCHOR: main
/// Deals the numbers out to `threads` threads, like cards; each thread sums its share.
fn find_sums(numbers: &[u64], threads: usize) -> u128 {
    // A scope joins every thread spawned in it, so the threads may borrow `numbers`.
    thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|first| {
                let share = numbers.iter().skip(first).step_by(threads);
                scope.spawn(move || share.map(|&n| cpu_bound(n)).sum::<u128>())
            })
            .collect();
        handles.into_iter().map(|handle| handle.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).sum()
    })
}

pub fn run(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let numbers = params.numbers();
    let start = Instant::now();
    let threads = params.workers.min(numbers.len());
    let total = find_sums(&numbers, threads);
    let duration = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("{threads} threads: {} sums, total {total}, Duration {duration:.3} seconds", numbers.len());
    Ok(())
}
// ANCHOR_END: main
