//! `chained` in plain sequential Rust: the baseline.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough". Each chain still runs part1 and then part2,
//! but the chains also run one after another, so the program takes the sum of every sleep.
//! With one caller at a time, the generator is a plain `&mut` borrow.
//!
//! `pyrandom` is CPython's generator, so the sleeps are the tutorial's; the `rand` crate is the
//! drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run chained sync`)

use std::thread;
use std::time::{Duration, Instant};

use pyrandom::PyRandom;

/// What the program runs with; `just run chained` sets them from its command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Seed of the Python-compatible random number generator.
    pub seed: i64,
    /// The chains to run, by number (the tutorial runs 9 6 3); a number only names its chain.
    pub ns: Vec<u32>,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(100), seed: 444, ns: vec![1, 2, 3] }
    }
}

pub fn main() {
    run(Params::default());
}

// ANCHOR: parts
fn part1(n: u32, rng: &mut PyRandom, unit: Duration) -> String {
    let i = rng.randint(0, 10);
    println!("part1({n}) sleeping for {i} seconds.");
    thread::sleep(unit * i as u32);
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

fn part2(n: u32, arg: &str, rng: &mut PyRandom, unit: Duration) -> String {
    let i = rng.randint(0, 10);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    thread::sleep(unit * i as u32);
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

// ANCHOR: chain
fn chain(n: u32, rng: &mut PyRandom, unit: Duration) {
    let start = Instant::now();
    let p1 = part1(n, rng, unit);
    let p2 = part2(n, &p1, rng, unit);
    let took = start.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}
// ANCHOR_END: chain

// ANCHOR: main
pub fn run(params: Params) {
    let mut rng = PyRandom::new(params.seed);
    let start = Instant::now();
    for &n in &params.ns {
        chain(n, &mut rng, params.unit);
    }
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
}
// ANCHOR_END: main
