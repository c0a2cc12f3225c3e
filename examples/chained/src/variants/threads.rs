//! `chained` with one OS thread per chain.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough". Inside a thread, part1 and part2 are plain
//! calls: a blocking call already "awaits". The chains overlap because the OS runs another
//! thread while one sleeps; they share the generator through a `Mutex`, borrowed by scoped
//! threads, and which thread locks it first when two wake together is up to the OS.
//!
//! `pyrandom` is CPython's generator, so the sleeps are the tutorial's; the `rand` crate is the
//! drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run chained threads`)

use std::io;
use std::sync::Mutex;
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

pub fn main() -> io::Result<()> {
    run(Params::default())
}

// ANCHOR: parts
fn draw(rng: &Mutex<PyRandom>) -> i64 {
    // The lock is held for the draw only, never across a sleep.
    rng.lock().expect("a chain panicked while drawing").randint(0, 10)
}

fn part1(n: u32, rng: &Mutex<PyRandom>, unit: Duration) -> String {
    let i = draw(rng);
    println!("part1({n}) sleeping for {i} seconds.");
    thread::sleep(unit * i as u32);
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

fn part2(n: u32, arg: &str, rng: &Mutex<PyRandom>, unit: Duration) -> String {
    let i = draw(rng);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    thread::sleep(unit * i as u32);
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

fn chain(n: u32, rng: &Mutex<PyRandom>, unit: Duration) {
    let start = Instant::now();
    let p1 = part1(n, rng, unit);
    let p2 = part2(n, &p1, rng, unit);
    let took = start.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}

// ANCHOR: main
pub fn run(params: Params) -> io::Result<()> {
    let rng = Mutex::new(PyRandom::new(params.seed));
    let start = Instant::now();
    // Scoped threads may borrow `rng`: the scope joins them all before it returns.
    thread::scope(|scope| {
        for &n in &params.ns {
            let rng = &rng;
            // `Builder::spawn_scoped` reports a failed spawn (too many threads) as an error;
            // `scope.spawn` would panic.
            thread::Builder::new()
                .name(format!("chain-{n}"))
                .spawn_scoped(scope, move || chain(n, rng, params.unit))?;
        }
        Ok::<_, io::Error>(())
    })?;
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
    Ok(())
}
// ANCHOR_END: main
