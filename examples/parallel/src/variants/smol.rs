//! `parallel` on smol: one executor, run by several threads.
//!
//! Pairs with the asyncio version in "How to Speed Up a CPU-Bound Program" in Real Python's
//! "Speed Up Your Python Program With Concurrency". An executor run by one thread (asyncio's
//! model) would compute the sums one after another. A smol `Executor` is shared: every thread
//! that calls `executor.run(..)` takes tasks from it, so N threads run N tasks at once. (For a
//! few blocking calls inside async code, `smol::unblock` is the simpler tool.)
//!
//! Dependencies: `cargo add smol anyhow`
//! Run: `cargo run --release` (in this repository: `just run parallel smol`)

use std::hint::black_box;
use std::num::NonZero;
use std::thread;
use std::time::{Duration, Instant};

use smol::Executor;

/// What the program runs with; `just run parallel` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// The first number; the job is `size`, `size + 1`, ... (`count` numbers).
    pub size: u64,
    /// How many numbers.
    pub count: u64,
    /// How many threads run the executor.
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
        anyhow::ensure!(
            self.workers >= 1,
            "--workers 0 would start no thread to run the executor, and no task would run"
        );
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
/// Spawns one task per number on `executor` and adds up their results.
async fn find_sums(executor: &Executor<'_>, numbers: &[u64]) -> u128 {
    let tasks: Vec<_> =
        numbers.iter().map(|&number| executor.spawn(async move { cpu_bound(number) })).collect();
    let mut total = 0;
    for task in tasks {
        total += task.await;
    }
    total
}

pub fn run(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let numbers = params.numbers();
    let start = Instant::now();
    let executor = Executor::new();
    // Closing this channel (dropping `stop`) tells the executor threads to return.
    let (stop, stopped) = smol::channel::unbounded::<()>();
    let total = thread::scope(|scope| {
        for _ in 0..params.workers {
            scope.spawn(|| smol::block_on(executor.run(stopped.recv())));
        }
        let total = smol::block_on(find_sums(&executor, &numbers));
        drop(stop);
        total
    });
    let duration = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!(
        "Executor on {} threads: {} sums, total {total}, Duration {duration:.3} seconds",
        params.workers,
        numbers.len()
    );
    Ok(())
}
// ANCHOR_END: main
