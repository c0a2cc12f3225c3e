//! `race` on rayon: count by reduction, with nothing shared.
//!
//! Pairs with the race-condition discussion in "The Problems With the threading Version"
//! in Real Python's "Speed Up Your Python Program With Concurrency". The race needs a
//! counter that several threads write. rayon's way is to have none: each thread counts
//! its own part and `sum` adds the parts, so there is nothing to lock. (A closure that
//! did `x += 1` on a captured variable would not compile: rayon's closures must be `Fn +
//! Sync`.)
//!
//! Dependencies: `cargo add rayon`
//! Run: `cargo run --release` (in this repository: `just run race rayon`)

use rayon::prelude::*;

/// What the program runs with; `just run race` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How many threads or tasks share the counter.
    pub workers: u64,
    /// How many times each of them adds one.
    pub increments: u64,
}

impl Default for Params {
    fn default() -> Params {
        Params { workers: 8, increments: 50_000 }
    }
}

impl Params {
    /// What the counter should read at the end.
    pub fn expected(&self) -> u64 {
        self.workers * self.increments
    }
}

pub fn main() {
    run(Params::default());
}

// ANCHOR: main
pub fn run(params: Params) {
    println!(
        "{} workers, {} increments each, expected {}, on {} threads",
        params.workers,
        params.increments,
        params.expected(),
        rayon::current_num_threads()
    );
    let x: u64 = (0..params.workers)
        .into_par_iter()
        .map(|_| (0..params.increments).map(|_| 1).sum::<u64>())
        .sum();
    report("sum of the parts", x, params);
}
// ANCHOR_END: main

fn report(how: &str, x: u64, params: Params) {
    println!("{how}: x = {x}, lost {}", params.expected() - x);
}
