//! `streams` on the `futures` crate: `then` reads one item at a time, `buffered` all at
//! once.
//!
//! Pairs with "Other Features: async for and Async Generators + Comprehensions" in Real
//! Python's "Async IO in Python: A Complete Walkthrough" (2018, ten powers) and with
//! "Async Iterators, Loops, and Comprehensions" in "Python's asyncio: A Hands-On
//! Walkthrough" (2025, five). Here the generator is a stream of exponents mapped through
//! an async function. `then` awaits each call before asking for the next exponent, so the
//! sleeps add up; `map` + `buffered(n)` starts up to `n` calls at once and still hands
//! the results out in order, which makes it `gather` for streams. No task is spawned:
//! `block_on` polls everything on this thread, and `futures-timer` does the waking.
//!
//! Dependencies: `cargo add anyhow futures futures-timer`
//! Run: `cargo run --release` (in this repository: `just run streams futures`)

use std::time::{Duration, Instant};

use futures::stream::{self, Stream, StreamExt};
use futures_timer::Delay;

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
/// One item on its own: sleep one unit, then 2^exponent.
async fn power(exponent: u32, unit: Duration) -> u64 {
    Delay::new(unit).await;
    1 << exponent
}

/// An async generator: 1, 2, 4, ... below 2^up_to, each after one unit's sleep.
fn powers(up_to: u32, unit: Duration) -> impl Stream<Item = u64> {
    stream::iter(0..up_to).then(move |exponent| power(exponent, unit))
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
    futures::executor::block_on(async {
        // [i async for i in powers()]
        let start = Instant::now();
        let g: Vec<u64> = powers(up_to, unit).collect().await;
        report("g", &g, start, unit);

        // [j async for j in powers() if not (j // 3 % 5)]: futures' `filter` takes an
        // async predicate.
        let start = Instant::now();
        let f: Vec<u64> = powers(up_to, unit)
            .filter(|j| futures::future::ready(j / 3 % 5 == 0))
            .collect()
            .await;
        report("f", &f, start, unit);

        // gather: the same calls, all in flight at once. `buffered(0)` would never start
        // one.
        let start = Instant::now();
        let in_flight = up_to.max(1) as usize;
        let c: Vec<u64> = stream::iter(0..up_to)
            .map(|exponent| power(exponent, unit))
            .buffered(in_flight)
            .collect()
            .await;
        report("c", &c, start, unit);
    });
    Ok(())
}
// ANCHOR_END: main
