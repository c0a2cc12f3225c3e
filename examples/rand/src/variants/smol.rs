//! `rand` on smol, one task per coroutine on a single-threaded executor.
//!
//! Pairs with the `rand.py` program at the end of "The Rules of Async IO" in Real
//! Python's "Async IO in Python: A Complete Walkthrough" (2018) and in "The `async` and
//! `await` Keywords" of "Python's asyncio: A Hands-On Walkthrough" (2025), where the
//! third coroutine's threshold is 8 instead of 7. A `LocalExecutor` runs the three tasks
//! on this thread, sharing the generator as an `Rc<RefCell<..>>`. smol's timers keep
//! exact deadlines and tasks run in the order they were woken, so the same seed gives the
//! same numbers as Python.
//!
//! `pyrandom` is CPython's generator, so the numbers are the tutorial's; the `rand` crate
//! is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add smol && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run rand smol`)

use std::cell::RefCell;
use std::env;
use std::io::{self, IsTerminal};
use std::rc::Rc;
use std::time::Duration;

use pyrandom::PyRandom;
use smol::{LocalExecutor, Timer};

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

pub fn main() {
    run(Params::default());
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
        Timer::after(params.unit * idx).await;
        i = rng.borrow_mut().randint(0, 10);
    }
    say(idx, params, &format!("---> Finished: makerandom({idx}) == {i}"));
    i
}
// ANCHOR_END: makerandom

// ANCHOR: main
pub fn run(params: Params) {
    let rng = Rc::new(RefCell::new(PyRandom::new(params.seed)));
    let executor = LocalExecutor::new();
    let [r1, r2, r3] = smol::block_on(executor.run(async {
        let tasks =
            [1, 2, 3].map(|idx| executor.spawn(makerandom(idx, Rc::clone(&rng), params)));
        let mut results = [0; 3];
        for (result, task) in results.iter_mut().zip(tasks) {
            *result = task.await;
        }
        results
    }));
    println!();
    println!("r1: {r1}, r2: {r2}, r3: {r3}");
}
// ANCHOR_END: main
