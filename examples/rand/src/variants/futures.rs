//! `rand` on the `futures` crate's single-threaded `LocalPool`.
//!
//! Pairs with the `rand.py` program at the end of "The Rules of Async IO" in Real
//! Python's "Async IO in Python: A Complete Walkthrough" (2018) and in "The `async` and
//! `await` Keywords" of "Python's asyncio: A Hands-On Walkthrough" (2025), where the
//! third coroutine's threshold is 8 instead of 7. A `LocalPool` runs spawned tasks on
//! this thread, in the order they are woken; the sleeps come from `futures-timer`, whose
//! thread wakes them in deadline order. So the same seed gives the same numbers as
//! Python. (With `futures::join!` instead of tasks, coroutines that wake together would
//! be polled in the join's own order, not their timers'.)
//!
//! `pyrandom` is CPython's generator, so the numbers are the tutorial's; the `rand` crate
//! is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add futures futures-timer && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run rand futures`)

use std::cell::RefCell;
use std::env;
use std::io::{self, IsTerminal};
use std::rc::Rc;
use std::time::Duration;

use futures::executor::LocalPool;
use futures::task::{LocalSpawnExt, SpawnError};
use futures_timer::Delay;
use pyrandom::PyRandom;

/// What the program runs with; `just run rand` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Seed of the Python-compatible random number generator.
    pub seed: i64,
    /// Whether to colour each coroutine's lines: stdout is a terminal and `NO_COLOR` is
    /// unset.
    pub color: bool,
    /// Which edition's program runs: they differ in `makerandom(3)`'s threshold.
    pub edition: Edition,
}

/// The tutorial's two editions (`just run rand --edition 2018`; in a copy of this file,
/// change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Async IO in Python: A Complete Walkthrough" (2018): thresholds 9, 8, 7.
    Y2018,
    /// "Python's asyncio: A Hands-On Walkthrough" (2025): thresholds 9, 8, 8.
    Y2025,
}

impl Edition {
    /// `makerandom(idx)`'s threshold: 2018 computes `10 - idx`, 2025 passes 9, 8 and 8.
    fn threshold(self, idx: u32) -> i64 {
        match (self, idx) {
            (Edition::Y2025, 3) => 8,
            _ => 10 - i64::from(idx),
        }
    }
}

impl Default for Params {
    fn default() -> Params {
        // No colour when piped, or when the user asks for none (<https://no-color.org>).
        let color = io::stdout().is_terminal()
            && env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        Params {
            unit: Duration::from_millis(100),
            seed: 444,
            color,
            edition: Edition::Y2025,
        }
    }
}

pub fn main() -> Result<(), SpawnError> {
    run(Params::default())
}

/// The generator every coroutine draws from; one thread, so no lock.
type SharedRng = Rc<RefCell<PyRandom>>;

/// ANSI colours for makerandom(1), (2) and (3): cyan, red, magenta.
const COLORS: [&str; 3] = ["\x1b[36m", "\x1b[91m", "\x1b[35m"];
const RESET: &str = "\x1b[0m";

/// Prints one line of coroutine `idx`, in its colour when the output wants colour.
fn say(idx: u32, params: Params, text: &str) {
    if params.color {
        let color = COLORS[(idx as usize).saturating_sub(1) % COLORS.len()];
        println!("{color}{text}{RESET}");
    } else {
        println!("{text}");
    }
}

// ANCHOR: makerandom
async fn makerandom(idx: u32, rng: SharedRng, params: Params) -> i64 {
    let threshold = params.edition.threshold(idx);
    say(idx, params, &format!("Initiated makerandom({idx})."));
    let mut i = rng.borrow_mut().randint(0, 10);
    while i <= threshold {
        say(idx, params, &format!("makerandom({idx}) == {i} too low; retrying."));
        Delay::new(params.unit * idx).await;
        i = rng.borrow_mut().randint(0, 10);
    }
    say(idx, params, &format!("---> Finished: makerandom({idx}) == {i}"));
    i
}
// ANCHOR_END: makerandom

// ANCHOR: main
pub fn run(params: Params) -> Result<(), SpawnError> {
    let rng = Rc::new(RefCell::new(PyRandom::new(params.seed)));
    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    let mut tasks = Vec::new();
    for idx in [1, 2, 3] {
        let coroutine = makerandom(idx, Rc::clone(&rng), params);
        tasks.push(spawner.spawn_local_with_handle(coroutine)?);
    }
    let results = pool.run_until(futures::future::join_all(tasks));
    let [r1, r2, r3] = [results[0], results[1], results[2]];
    println!();
    println!("r1: {r1}, r2: {r2}, r3: {r3}");
    Ok(())
}
// ANCHOR_END: main
