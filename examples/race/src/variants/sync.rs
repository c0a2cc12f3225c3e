//! `race` on one thread, one increment after another: the baseline.
//!
//! Pairs with the race-condition discussion in "The Problems With the threading Version"
//! in Real Python's "Speed Up Your Python Program With Concurrency". With nothing running
//! beside it, `x = x + 1` cannot lose an update: this is the total every other variant
//! should reach.
//!
//! Dependencies: none, std only: no `cargo add`, just this file as `src/main.rs`
//! Run: `cargo run --release` (in this repository: `just run race sync`)

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
#[expect(
    clippy::assign_op_pattern,
    reason = "the statement every variant races on, as written"
)]
pub fn run(params: Params) {
    println!(
        "1 thread, {} x {} increments, expected {}",
        params.workers,
        params.increments,
        params.expected()
    );
    let mut x = 0;
    for _ in 0..params.workers {
        for _ in 0..params.increments {
            x = x + 1;
        }
    }
    report("x = x + 1", x, params);
}
// ANCHOR_END: main

fn report(how: &str, x: u64, params: Params) {
    println!("{how}: x = {x}, lost {}", params.expected() - x);
}
