//! `count` with one OS thread per call.
//!
//! Pairs with "The async/await Syntax and Native Coroutines" in Real Python's "Async IO
//! in Python: A Complete Walkthrough" (2018) and "Coroutines and Coroutine Functions" in
//! "Python's asyncio: A Hands-On Walkthrough" (2025). The three calls overlap because the
//! OS switches threads while one sleeps (pre-emptive multitasking): no `async` needed, at
//! the price of a thread, with its own stack, per waiting call.
//!
//! Dependencies: none, std only: no `cargo add`, just this file as `src/main.rs`
//! Run: `cargo run --release` (in this repository: `just run count threads`)

use std::thread;
use std::time::{Duration, Instant};

/// What the program runs with; `just run count` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Which edition's program runs: 2025 sleeps again after "Two".
    pub edition: Edition,
}

/// The tutorial's two editions, whose `count()` differ (`just run count --edition 2018`;
/// in a copy of this file, change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Async IO in Python: A Complete Walkthrough" (2018): one sleep, between "One" and
    /// "Two".
    Y2018,
    /// "Python's asyncio: A Hands-On Walkthrough" (2025): a second sleep after "Two".
    Y2025,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(250), edition: Edition::Y2025 }
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
    if params.edition == Edition::Y2025 {
        thread::sleep(params.unit);
    }
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
