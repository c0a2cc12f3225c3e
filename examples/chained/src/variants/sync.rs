//! `chained` in plain sequential Rust: the baseline.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough". Each chain still runs part1 and then part2,
//! but the chains also run one after another, so the program takes the sum of every sleep.
//! With one caller at a time, the generator is a plain `&mut` borrow.
//!
//! Run with: `cargo run -p chained -- sync 9 6 3`

use std::thread;
use std::time::Instant;

// The tutorial's exact numbers come from CPython's generator; elsewhere use the `rand` crate.
use pyrandom::PyRandom;

use crate::Params;

// ANCHOR: parts
fn part1(n: u32, rng: &mut PyRandom, params: Params) -> String {
    let i = rng.randint(0, 10);
    println!("part1({n}) sleeping for {i} seconds.");
    thread::sleep(params.unit * i as u32);
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

fn part2(n: u32, arg: &str, rng: &mut PyRandom, params: Params) -> String {
    let i = rng.randint(0, 10);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    thread::sleep(params.unit * i as u32);
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

// ANCHOR: chain
fn chain(n: u32, rng: &mut PyRandom, params: Params) {
    let start = Instant::now();
    let p1 = part1(n, rng, params);
    let p2 = part2(n, &p1, rng, params);
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}
// ANCHOR_END: chain

// ANCHOR: main
pub fn run(params: Params, ns: &[u32]) {
    let mut rng = PyRandom::new(params.seed);
    let start = Instant::now();
    for &n in ns {
        chain(n, &mut rng, params);
    }
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
}
// ANCHOR_END: main
