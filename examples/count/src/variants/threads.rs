//! `count` with one OS thread per call.
//!
//! Pairs with "The async/await Syntax and Native Coroutines" in Real Python's
//! "Async IO in Python: A Complete Walkthrough". The three calls overlap because the OS
//! switches threads while one sleeps (pre-emptive multitasking): no `async` needed, at the
//! price of a thread, with its own stack, per waiting call.
//!
//! Dependencies: none (std only)
//! Run: `cargo run --release` (in this repository: `just run count threads`)

use std::thread;
use std::time::{Duration, Instant};

/// What the program runs with; `just run count` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(250) }
    }
}

pub fn main() {
    run(Params::default());
}

// ANCHOR: count
fn count(params: Params) {
    println!("One");
    thread::sleep(params.unit);
    println!("Two");
}
// ANCHOR_END: count

// ANCHOR: main
pub fn run(params: Params) {
    let start = Instant::now();
    // A scope joins every thread spawned in it before it returns.
    thread::scope(|scope| {
        for _ in 0..3 {
            scope.spawn(|| count(params));
        }
    });
    let elapsed = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("count executed in {elapsed:.3} seconds.");
}
// ANCHOR_END: main
