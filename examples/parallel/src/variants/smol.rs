//! `parallel` on smol: one executor, run by several threads.
//!
//! Pairs with the asyncio version in "How to Speed Up a CPU-Bound Program" (2019) and the
//! asynchronous one in "Speeding Up a CPU-Bound Program" (2024) in Real Python's "Speed
//! Up Your Python Program With Concurrency". An executor run by one thread (asyncio's
//! model) would compute the sums one after another. A smol `Executor` is shared: every
//! thread that calls `executor.run(..)` takes tasks from it, so N threads run N tasks at
//! once. (For a few blocking calls inside async code, `smol::unblock` is the simpler
//! tool.)
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
    /// Which edition's job runs: 2024's `fib(fib)` `count` times, or 2019's sums of
    /// squares.
    pub edition: Edition,
    /// The 2024 job's `n`: each item computes `fib(n)`.
    pub fib: u64,
    /// The 2019 job's first number: it sums the squares below `size`, `size + 1`, ...
    pub size: u64,
    /// How many items; `None`: the edition's own (100 in 2024, 20 in 2019).
    pub count: Option<u64>,
    /// How many threads run the executor.
    pub workers: usize,
    /// How long one tutorial second lasts (durations are printed in these).
    pub unit: Duration,
}

/// The tutorial's two editions (`just run parallel --edition 2019`; in a copy of this
/// file, change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Speed Up Your Python Program With Concurrency", 2019: the sum of the squares
    /// below each of 20 numbers from 5,000,000.
    Y2019,
    /// The same article's 2024 edition: `fib(35)`, 20 times (here 100 times: Rust is
    /// fast).
    Y2024,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            edition: Edition::Y2024,
            fib: 35,
            size: 5_000_000,
            count: None,
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

    /// The job's items: `fib` `count` times (2024), or `size`, `size + 1`, ... (2019).
    fn items(&self) -> Vec<u64> {
        match self.edition {
            Edition::Y2019 => {
                (0..self.count.unwrap_or(20)).map(|x| self.size + x).collect()
            }
            Edition::Y2024 => vec![self.fib; self.count.unwrap_or(100) as usize],
        }
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

// ANCHOR: fib
/// The 2024 edition's job: `fib(n)`, the slow, doubly recursive way, on purpose:
/// `fib(35)` is about 30 million calls.
fn fib(n: u64) -> u64 {
    if n < 2 { n } else { fib(n - 2) + fib(n - 1) }
}
// ANCHOR_END: fib

/// One item of the edition's job. `black_box` keeps the optimiser from noticing that
/// every 2024 item is the same call, which it could then make once.
fn work(edition: Edition, item: u64) -> u128 {
    match edition {
        Edition::Y2019 => cpu_bound(item),
        Edition::Y2024 => u128::from(fib(black_box(item))),
    }
}

/// The line the program ends with: how it ran, the job, its exact total, how long it
/// took.
fn report(how: &str, params: &Params, items: &[u64], total: u128, duration: f64) {
    match params.edition {
        Edition::Y2019 => {
            println!(
                "{how}: {} sums, total {total}, Duration {duration:.3} seconds",
                items.len()
            )
        }
        Edition::Y2024 => println!(
            "{how}: {} x fib({}), total {total}, Computed in {duration:.3} seconds",
            items.len(),
            params.fib
        ),
    }
}

// ANCHOR: main
/// Spawns one task per item on `executor` and adds up their results.
async fn find_sums(executor: &Executor<'_>, edition: Edition, items: &[u64]) -> u128 {
    let tasks: Vec<_> = items
        .iter()
        .map(|&item| executor.spawn(async move { work(edition, item) }))
        .collect();
    let mut total = 0;
    for task in tasks {
        total += task.await;
    }
    total
}

pub fn run(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let items = params.items();
    let start = Instant::now();
    let executor = Executor::new();
    // Closing this channel (dropping `stop`) tells the executor threads to return.
    let (stop, stopped) = smol::channel::unbounded::<()>();
    let total = thread::scope(|scope| {
        for _ in 0..params.workers {
            scope.spawn(|| smol::block_on(executor.run(stopped.recv())));
        }
        let total = smol::block_on(find_sums(&executor, params.edition, &items));
        drop(stop);
        total
    });
    let duration = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    report(
        &format!("Executor on {} threads", params.workers),
        &params,
        &items,
        total,
        duration,
    );
    Ok(())
}
// ANCHOR_END: main
