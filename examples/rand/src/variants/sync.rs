//! `rand` in plain sequential Rust: the baseline.
//!
//! Pairs with the `rand.py` example at the end of "The Rules of Async IO" in Real Python's
//! "Async IO in Python: A Complete Walkthrough". Each `makerandom` runs to the end before the
//! next starts, so the program waits through every sleep of every coroutine, and each one
//! draws a run of consecutive numbers from the generator: other numbers than the concurrent
//! versions get.
//!
//! Run with: `cargo run -p rand -- sync`

use std::thread;

// The tutorial's exact numbers come from CPython's generator; elsewhere use the `rand` crate.
use pyrandom::PyRandom;

use crate::Params;

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
fn makerandom(idx: u32, threshold: i64, rng: &mut PyRandom, params: Params) -> i64 {
    say(idx, params, &format!("Initiated makerandom({idx})."));
    let mut i = rng.randint(0, 10);
    while i <= threshold {
        say(idx, params, &format!("makerandom({idx}) == {i} too low; retrying."));
        thread::sleep(params.unit * idx);
        i = rng.randint(0, 10);
    }
    say(idx, params, &format!("---> Finished: makerandom({idx}) == {i}"));
    i
}
// ANCHOR_END: makerandom

// ANCHOR: main
pub fn run(params: Params) {
    let mut rng = PyRandom::new(params.seed);
    let [r1, r2, r3] = [1, 2, 3].map(|idx| makerandom(idx, 10 - i64::from(idx), &mut rng, params));
    println!();
    println!("r1: {r1}, r2: {r2}, r3: {r3}");
}
// ANCHOR_END: main
