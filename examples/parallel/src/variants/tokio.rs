//! `parallel` on tokio, twice: tasks on one thread, then `spawn_blocking` on a thread pool.
//!
//! Pairs with the asyncio version in "How to Speed Up a CPU-Bound Program" in Real Python's
//! "Speed Up Your Python Program With Concurrency". Tasks on a current-thread runtime take
//! turns on one thread, like asyncio's, and a task that never awaits runs to the end before
//! the next starts: no speedup. `spawn_blocking` moves each computation to tokio's blocking
//! pool, whose threads run in parallel, and the async code just awaits the results.
//!
//! Dependencies: `cargo add tokio --features rt-multi-thread && cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run parallel tokio`)

use std::hint::black_box;
use std::io;
use std::num::NonZero;
use std::thread;
use std::time::{Duration, Instant};

use tokio::runtime::Builder;
use tokio::task::{self, JoinHandle};

/// What the program runs with; `just run parallel` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// The first number; the job is `size`, `size + 1`, ... (`count` numbers).
    pub size: u64,
    /// How many numbers.
    pub count: u64,
    /// How many worker threads, and how many blocking threads, the multi-thread runtime has.
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
            "--workers 0: a multi-thread runtime needs at least one worker thread"
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

async fn add_up(tasks: Vec<JoinHandle<u128>>) -> io::Result<u128> {
    let mut total = 0;
    for task in tasks {
        total += task.await.map_err(io::Error::other)?;
    }
    Ok(total)
}

// ANCHOR: tasks
/// One task per number. Nothing in `cpu_bound` awaits, so each task holds the thread until
/// it is done: the tasks run one after another.
async fn find_sums_on_tasks(numbers: &[u64]) -> io::Result<u128> {
    let tasks = numbers.iter().map(|&number| task::spawn(async move { cpu_bound(number) })).collect();
    add_up(tasks).await
}
// ANCHOR_END: tasks

// ANCHOR: blocking
/// One `spawn_blocking` call per number: the work runs on the blocking pool's threads.
async fn find_sums_blocking(numbers: &[u64]) -> io::Result<u128> {
    let tasks = numbers.iter().map(|&number| task::spawn_blocking(move || cpu_bound(number))).collect();
    add_up(tasks).await
}
// ANCHOR_END: blocking

// ANCHOR: main
pub fn run(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let numbers = params.numbers();
    let seconds = |start: Instant| start.elapsed().as_secs_f64() / params.unit.as_secs_f64();

    let start = Instant::now();
    let runtime = Builder::new_current_thread().build()?;
    let total = runtime.block_on(find_sums_on_tasks(&numbers))?;
    let duration = seconds(start);
    println!(
        "{} tasks on a current_thread runtime: {} sums, total {total}, Duration {duration:.3} seconds",
        numbers.len(),
        numbers.len()
    );

    let start = Instant::now();
    // The blocking pool would grow to one thread per call (up to 512); cap it at the number
    // of cores, since more threads cannot compute faster.
    let runtime = Builder::new_multi_thread()
        .worker_threads(params.workers)
        .max_blocking_threads(params.workers)
        .build()?;
    let total = runtime.block_on(find_sums_blocking(&numbers))?;
    let duration = seconds(start);
    println!(
        "spawn_blocking, {} blocking threads: {} sums, total {total}, Duration {duration:.3} seconds",
        params.workers,
        numbers.len()
    );
    Ok(())
}
// ANCHOR_END: main
