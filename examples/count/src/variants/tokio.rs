//! `count` on tokio.
//!
//! Pairs with "The async/await Syntax and Native Coroutines" in Real Python's
//! "Async IO in Python: A Complete Walkthrough" (its `countasync.py`).
//! `tokio::join!` polls the three futures together inside one task, like `asyncio.gather`.
//! The runtime is the current-thread flavour: one thread, like asyncio's event loop, is all
//! that waiting needs; the multi-thread flavour would add worker threads and change nothing.
//!
//! Dependencies: `cargo add tokio --features macros,rt,time`
//! Run: `cargo run --release` (in this repository: `just run count tokio`)

use std::time::{Duration, Instant};

use tokio::time::sleep;

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
async fn count(params: Params) {
    println!("One");
    sleep(params.unit).await;
    println!("Two");
}
// ANCHOR_END: count

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params) {
    let start = Instant::now();
    tokio::join!(count(params), count(params), count(params));
    let elapsed = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("count executed in {elapsed:.3} seconds.");
}
// ANCHOR_END: main
