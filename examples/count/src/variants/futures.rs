//! `count` on the `futures` crate's executor.
//!
//! Pairs with "The async/await Syntax and Native Coroutines" in Real Python's
//! "Async IO in Python: A Complete Walkthrough".
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
    Delay::new(params.unit).await;
    println!("Two");
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
