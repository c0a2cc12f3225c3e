//! `parallel` in plain sequential Rust: the baseline.
//!
//! Pairs with the synchronous version in "How to Speed Up a CPU-Bound Program" (2019) and
//! in "Speeding Up a CPU-Bound Program" (2024) in Real Python's "Speed Up Your Python
//! Program With Concurrency". One thread works through the job, item after item:
//! `fib(35)` in 2024, a sum of squares in 2019. Compiled Rust does it many times faster
//! than CPython, but like CPython it uses one core.
//!
//! Dependencies: none, std only: no `cargo add`, just this file as `src/main.rs`
//! Run: `cargo run --release` (in this repository: `just run parallel sync`)

use std::hint::black_box;
use std::num::NonZero;
use std::thread;
use std::time::{Duration, Instant};

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
    /// How many threads or processes the parallel variants use; this one computes on one
    /// thread.
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

pub fn main() {
    run(Params::default());
}

// ANCHOR: cpu_bound
/// The sum of the squares of `0..number`, exact, like Python's integers (`u128` holds
/// it).
fn cpu_bound(number: u64) -> u128 {
    (0..number)
        .map(|i| {
            // `black_box` keeps each term opaque. Without it the optimiser may replace
            // the loop by the closed form n(n-1)(2n-1)/6: it does for a wrapping `u64`
            // sum or a `u128` range (all 20 sums in under a microsecond), and a later
            // compiler might for this loop too. Then the program would time nothing.
            let i = black_box(i);
            u128::from(i * i)
        })
        .sum()
}
// ANCHOR_END: cpu_bound

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
fn find_sums(edition: Edition, items: &[u64]) -> u128 {
    items.iter().map(|&item| work(edition, item)).sum()
}

pub fn run(params: Params) {
    let items = params.items();
    let start = Instant::now();
    let total = find_sums(params.edition, &items);
    let duration = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    report("sequential", &params, &items, total, duration);
}
// ANCHOR_END: main
