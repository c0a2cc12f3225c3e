//! `chained` on async-std (legacy), one task per chain on its multi-threaded executor.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough". async-std was discontinued in 2025
//! (RUSTSEC-2025-0052); it stays here for comparison. `task::spawn` hands each chain to a
//! global pool of worker threads, so a task may move between threads: the generator is
//! shared as `Arc<Mutex<..>>`, and when two chains wake together, whichever worker gets to
//! the lock first draws first.
//!
//! `pyrandom` is CPython's generator, so the sleeps are the tutorial's; the `rand` crate is the
//! drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add async-std && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run chained async-std`)

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use async_std::task;
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

/// The generator every chain draws from, shared across worker threads.
type SharedRng = Arc<Mutex<PyRandom>>;

// ANCHOR: parts
fn draw(rng: &SharedRng) -> i64 {
    // A std `Mutex` is fine in async code when, as here, it is never held across an await.
    rng.lock().expect("a chain panicked while drawing").randint(0, 10)
}

async fn part1(n: u32, rng: &SharedRng, unit: Duration) -> String {
    let i = draw(rng);
    println!("part1({n}) sleeping for {i} seconds.");
    task::sleep(unit * i as u32).await;
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

async fn part2(n: u32, arg: &str, rng: &SharedRng, unit: Duration) -> String {
    let i = draw(rng);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    task::sleep(unit * i as u32).await;
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

async fn chain(n: u32, rng: SharedRng, unit: Duration) {
    let start = Instant::now();
    let p1 = part1(n, &rng, unit).await;
    let p2 = part2(n, &p1, &rng, unit).await;
    let took = start.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}

// ANCHOR: main
pub fn run(params: Params) {
    let rng = Arc::new(Mutex::new(PyRandom::new(params.seed)));
    let start = Instant::now();
    task::block_on(async {
        let chains: Vec<_> =
            params.ns.iter().map(|&n| task::spawn(chain(n, Arc::clone(&rng), params.unit))).collect();
        for chain in chains {
            chain.await;
        }
    });
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
}
// ANCHOR_END: main
