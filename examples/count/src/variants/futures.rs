//! `count` on the `futures` crate's executor.
//!
//! Pairs with "The async/await Syntax and Native Coroutines" in Real Python's "Async IO
//! in Python: A Complete Walkthrough" (2018) and "Coroutines and Coroutine Functions" in
//! "Python's asyncio: A Hands-On Walkthrough" (2025).
//! `futures::executor::block_on` can poll futures but knows nothing of time or IO:
//! the sleep comes from `futures-timer`, whose `Delay` is woken by a helper thread.
//! `futures::join!` polls the three calls together, like `asyncio.gather`.
//!
//! Dependencies: `cargo add futures futures-timer`
//! Run: `cargo run --release` (in this repository: `just run count futures`)

use std::time::{Duration, Instant};

use futures_timer::Delay;

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
async fn count(params: Params) {
    println!("One");
    Delay::new(params.unit).await;
    println!("Two");
    if params.edition == Edition::Y2025 {
        Delay::new(params.unit).await;
    }
}
// ANCHOR_END: count

// ANCHOR: main
pub fn run(params: Params) {
    let start = Instant::now();
    futures::executor::block_on(async {
        futures::join!(count(params), count(params), count(params));
    });
    let elapsed = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("count executed in {elapsed:.3} seconds.");
}
// ANCHOR_END: main
