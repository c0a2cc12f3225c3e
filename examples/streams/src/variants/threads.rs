//! `streams` with threads: a producer thread as the generator, and a thread per item.
//!
//! Pairs with "Other Features: async for and Async Generators + Comprehensions" in Real
//! Python's "Async IO in Python: A Complete Walkthrough" (2018, ten powers) and with
//! "Async Iterators, Loops, and Comprehensions" in "Python's asyncio: A Hands-On
//! Walkthrough" (2025, five). The generator runs on its own thread and hands each item
//! over a channel, whose receiver is an `Iterator`. That does not make collecting it any
//! faster: the producer still sleeps once per item, one after another. What overlaps the
//! sleeps is one thread per item (`c`), at the price of a thread each.
//!
//! Dependencies: `cargo add anyhow`
//! Run: `cargo run --release` (in this repository: `just run streams threads`)

use std::sync::mpsc::{IntoIter, sync_channel};
use std::thread;
use std::time::{Duration, Instant};

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
/// 1, 2, 4, ... produced on a thread of its own. With no buffer in the channel, the
/// producer waits at each `send` until the item is taken, as a generator waits at its
/// `yield`.
fn powers(up_to: u32, unit: Duration) -> IntoIter<u64> {
    let (yielded, values) = sync_channel(0);
    thread::spawn(move || {
        for exponent in 0..up_to {
            thread::sleep(unit);
            if yielded.send(1 << exponent).is_err() {
                return; // the consumer stopped listening
            }
        }
    });
    values.into_iter()
}

/// One item on its own: the same sleep, the same value.
fn power(exponent: u32, unit: Duration) -> u64 {
    thread::sleep(unit);
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

    let start = Instant::now();
    let g: Vec<u64> = powers(up_to, unit).collect();
    report("g", &g, start, unit);

    let start = Instant::now();
    let f: Vec<u64> = powers(up_to, unit).filter(|j| j / 3 % 5 == 0).collect();
    report("f", &f, start, unit);

    // A thread per item; joining them in order keeps the order, as `gather` does.
    let start = Instant::now();
    let c: Vec<u64> = thread::scope(|scope| {
        let handles: Vec<_> = (0..up_to)
            .map(|exponent| scope.spawn(move || power(exponent, unit)))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("power() does not panic"))
            .collect()
    });
    report("c", &c, start, unit);
    Ok(())
}
// ANCHOR_END: main
