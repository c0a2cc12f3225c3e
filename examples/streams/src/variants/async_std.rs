//! `streams` on async-std (legacy): the generator as a producer task behind a channel.
//!
//! Pairs with "Other Features: async for and Async Generators + Comprehensions" in Real
//! Python's "Async IO in Python: A Complete Walkthrough" (2018, ten powers) and with
//! "Async Iterators, Loops, and Comprehensions" in "Python's asyncio: A Hands-On
//! Walkthrough" (2025, five). async-std was discontinued in 2025 (RUSTSEC-2025-0052); it
//! stays here for comparison. Its stream constructors (`from_fn`, `successors`) take
//! plain closures that cannot await, so the generator is a task that sleeps and sends;
//! the channel's receiver is the stream. Unlike a Python async generator, that task
//! starts working at once, before anyone asks for an item; the channel's room for one
//! item is all it can run ahead.
//!
//! Dependencies: `cargo add async-std --features unstable && cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run streams async-std`)

use std::time::{Duration, Instant};

use async_std::channel::{Receiver, bounded};
use async_std::prelude::*;
use async_std::task;

/// What the program runs with; `just run streams` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts: the sleep before each item.
    pub unit: Duration,
    /// How many powers of two, 2^0 up to 2^(up_to - 1); `None`: the edition's count.
    pub up_to: Option<u32>,
    /// Which edition's program runs: 2018 collects ten powers, 2025 five.
    pub edition: Edition,
}

/// The tutorial's two editions (`just run streams --edition 2018`; in a copy of this
/// file, change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Async IO in Python: A Complete Walkthrough" (2018): `mygen()` yields ten powers.
    Y2018,
    /// "Python's asyncio: A Hands-On Walkthrough" (2025): `powers_of_two(5)` yields five.
    Y2025,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(50), up_to: None, edition: Edition::Y2025 }
    }
}

impl Params {
    /// How many powers: `up_to`, or the edition's own count.
    fn items(&self) -> u32 {
        self.up_to.unwrap_or(match self.edition {
            Edition::Y2018 => 10,
            Edition::Y2025 => 5,
        })
    }

    /// Every power must fit in the `u64` it is computed in.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.items() <= 64,
            "--up-to {} would overflow: a u64 holds powers of two up to 2^63, so at most 64",
            self.items()
        );
        Ok(())
    }
}

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

// ANCHOR: powers
/// 1, 2, 4, ... below 2^up_to, each after one unit's sleep, produced by a task of its
/// own.
fn powers(up_to: u32, unit: Duration) -> Receiver<u64> {
    let (yielded, values) = bounded(1);
    task::spawn(async move {
        for exponent in 0..up_to {
            task::sleep(unit).await;
            if yielded.send(1 << exponent).await.is_err() {
                return; // the consumer stopped listening
            }
        }
    });
    values
}

/// One item on its own: the same sleep, the same value.
async fn power(exponent: u32, unit: Duration) -> u64 {
    task::sleep(unit).await;
    1 << exponent
}
// ANCHOR_END: powers

fn report(name: &str, values: &[u64], start: Instant, unit: Duration) {
    let elapsed = start.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("{name} = {values:?} in {elapsed:.2} seconds.");
}

// ANCHOR: main
pub fn run(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let (unit, up_to) = (params.unit, params.items());
    task::block_on(async {
        // [i async for i in powers()]
        let start = Instant::now();
        let g: Vec<u64> = powers(up_to, unit).collect().await;
        report("g", &g, start, unit);

        // [j async for j in powers() if not (j // 3 % 5)]
        let start = Instant::now();
        let f: Vec<u64> = powers(up_to, unit).filter(|j| j / 3 % 5 == 0).collect().await;
        report("f", &f, start, unit);

        // gather: a task per item, all sleeping at once, awaited in order.
        let start = Instant::now();
        let tasks: Vec<_> =
            (0..up_to).map(|exponent| task::spawn(power(exponent, unit))).collect();
        let mut c = Vec::with_capacity(tasks.len());
        for task in tasks {
            c.push(task.await);
        }
        report("c", &c, start, unit);
    });
    Ok(())
}
// ANCHOR_END: main
