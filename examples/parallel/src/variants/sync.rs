//! `parallel` in plain sequential Rust: the baseline.
//!
//! Pairs with the synchronous version in "How to Speed Up a CPU-Bound Program" in Real
//! Python's "Speed Up Your Python Program With Concurrency". One thread sums the squares for
//! each number in turn. Compiled Rust does this same loop many times faster than CPython, but
//! like CPython it uses one core.
//!
//! Dependencies: none, std only.
//! Run: `cargo run --release` (in this repository: `just run parallel sync`)

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
    /// How many threads or processes the parallel variants use; this one computes on one thread.
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

pub fn main() {
    run(Params::default());
}

// ANCHOR: cpu_bound
/// The sum of the squares of `0..number`, exact, like Python's integers (`u128` holds it).
fn cpu_bound(number: u64) -> u128 {
    (0..number)
        .map(|i| {
            // `black_box` keeps each term opaque. Without it the optimiser may replace the
            // loop by the closed form n(n-1)(2n-1)/6: it does for a wrapping `u64` sum or
            // a `u128` range (all 20 sums in under a microsecond), and a later compiler
            // might for this loop too. Then the program would time nothing.
            let i = black_box(i);
            u128::from(i * i)
        })
        .sum()
}
// ANCHOR_END: cpu_bound

// ANCHOR: main
fn find_sums(numbers: &[u64]) -> u128 {
    numbers.iter().map(|&number| cpu_bound(number)).sum()
}

pub fn run(params: Params) {
    let numbers = params.numbers();
    let start = Instant::now();
    let total = find_sums(&numbers);
    let duration = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("sequential: {} sums, total {total}, Duration {duration:.3} seconds", numbers.len());
}
// ANCHOR_END: main
