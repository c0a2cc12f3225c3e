//! `rand` with one OS thread per coroutine.
//!
//! Pairs with the `rand.py` program at the end of "The Rules of Async IO" in Real
//! Python's "Async IO in Python: A Complete Walkthrough" (2018) and in "The `async` and
//! `await` Keywords" of "Python's asyncio: A Hands-On Walkthrough" (2025), where the
//! third coroutine's threshold is 8 instead of 7. The three loops run on three threads
//! and share the generator through a `Mutex`. When two threads wake at the same moment,
//! the OS decides which one locks the generator first, so the same seed can hand out its
//! numbers in another order than asyncio's loop does, and the run says so.
//!
//! `pyrandom` is CPython's generator, so the numbers are the tutorial's; the `rand` crate
//! is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run rand threads`)

use std::env;
use std::io::{self, IsTerminal};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

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

pub fn main() {
    run(Params::default());
}

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
fn draw(rng: &Mutex<PyRandom>) -> i64 {
    rng.lock().expect("a thread panicked while drawing").randint(0, 10)
}

fn makerandom(idx: u32, rng: &Mutex<PyRandom>, params: Params) -> i64 {
    let threshold = params.edition.threshold(idx);
    say(idx, params, &format!("Initiated makerandom({idx})."));
    let mut i = draw(rng);
    while i <= threshold {
        say(idx, params, &format!("makerandom({idx}) == {i} too low; retrying."));
        thread::sleep(params.unit * idx);
        i = draw(rng);
    }
    say(idx, params, &format!("---> Finished: makerandom({idx}) == {i}"));
    i
}
// ANCHOR_END: makerandom

// ANCHOR: main
pub fn run(params: Params) {
    let rng = Mutex::new(PyRandom::new(params.seed));
    let [r1, r2, r3] = thread::scope(|scope| {
        let rng = &rng;
        let threads =
            [1, 2, 3].map(|idx| scope.spawn(move || makerandom(idx, rng, params)));
        threads.map(|thread| thread.join().expect("makerandom panicked"))
    });
    println!();
    println!("r1: {r1}, r2: {r2}, r3: {r3}");
    println!(
        "(threads: when two threads wake at the same moment, the OS picks which one draws first, \
         so these can differ from Python's for the same seed)"
    );
}
// ANCHOR_END: main
