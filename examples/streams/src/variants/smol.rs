//! `streams` on smol: an async generator built with `stream::unfold`, and spawned tasks.
//!
//! Pairs with "Other Features: async for and Async Generators + Comprehensions" in Real
//! Python's "Async IO in Python: A Complete Walkthrough" (2018, ten powers) and with
//! "Async Iterators, Loops, and Comprehensions" in "Python's asyncio: A Hands-On
//! Walkthrough" (2025, five). smol's streams are futures-lite's: no `yield` syntax, so
//! the generator is written as `unfold`, a state (the next exponent) and an async step
//! from one state to the next. futures-lite's `filter` and `collect` play the
//! comprehension. For the concurrent form, spawn a task per item on the local executor
//! and await them in order (dropping a smol `Task` would cancel it).
//!
//! Dependencies: `cargo add anyhow smol`
//! Run: `cargo run --release` (in this repository: `just run streams smol`)

use std::time::{Duration, Instant};

use smol::stream::{self, Stream, StreamExt};
use smol::{LocalExecutor, Timer};

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
/// An async generator: 1, 2, 4, ... below 2^up_to, each after one unit's sleep. The state
/// between items is the next exponent; `None` ends the stream.
fn powers(up_to: u32, unit: Duration) -> impl Stream<Item = u64> {
    stream::unfold(0, move |exponent| async move {
        if exponent == up_to {
            return None;
        }
        Timer::after(unit).await;
        Some((1 << exponent, exponent + 1))
    })
}

/// One item on its own: the same sleep, the same value.
async fn power(exponent: u32, unit: Duration) -> u64 {
    Timer::after(unit).await;
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
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
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
            (0..up_to).map(|exponent| executor.spawn(power(exponent, unit))).collect();
        let mut c = Vec::with_capacity(tasks.len());
        for task in tasks {
            c.push(task.await);
        }
        report("c", &c, start, unit);
    }));
    Ok(())
}
// ANCHOR_END: main
