//! `parallel` on rayon.
//!
//! Pairs with the multiprocessing version in "How to Speed Up a CPU-Bound Program" in Real
//! Python's "Speed Up Your Python Program With Concurrency": `par_iter().map(..).sum()` is
//! rayon's `Pool.map`, with threads instead of processes, because Rust threads run in parallel.
//! rayon splits the work and balances it between its threads by work stealing; its global pool
//! has one thread per CPU, and a pool of your own (as here) takes any size.
//!
//! Dependencies: `cargo add rayon`
//! Run: `cargo run --release` (in this repository: `just run parallel rayon`)

use std::hint::black_box;
use std::num::NonZero;
use std::thread;
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// What the program runs with; `just run parallel` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// The first number; the job is `size`, `size + 1`, ... (`count` numbers).
    pub size: u64,
    /// How many numbers.
    pub count: u64,
    /// How many threads rayon's pool has.
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
    /// The job's numbers: `size`, `size + 1`, ..., `size + count - 1`.
    fn numbers(&self) -> Vec<u64> {
        (0..self.count).map(|x| self.size + x).collect()
    }
}

pub fn main() -> Result<(), rayon::ThreadPoolBuildError> {
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
fn find_sums(numbers: &[u64]) -> u128 {
    numbers.par_iter().map(|&number| cpu_bound(number)).sum()
}

pub fn run(params: Params) -> Result<(), rayon::ThreadPoolBuildError> {
    let numbers = params.numbers();
    let start = Instant::now();
    // `rayon::ThreadPoolBuilder::new().build_global()`, or nothing at all, would use the
    // global pool; a local pool lets `--workers` choose its size.
    let pool = rayon::ThreadPoolBuilder::new().num_threads(params.workers).build()?;
    let total = pool.install(|| find_sums(&numbers));
    let duration = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!(
        "rayon, {} threads: {} sums, total {total}, Duration {duration:.3} seconds",
        pool.current_num_threads(),
        numbers.len()
    );
    Ok(())
}
// ANCHOR_END: main
