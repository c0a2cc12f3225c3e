//! `chained` on smol, one task per chain on a single-threaded executor.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough". A `LocalExecutor` runs every chain's task on
//! this thread, so the chains share the generator as an `Rc<RefCell<..>>`. smol's timers keep
//! their exact deadlines (no rounding), so chains that wake "together" wake in the order
//! their deadlines fall, as on asyncio's loop.
//!
//! `pyrandom` is CPython's generator, so the sleeps are the tutorial's; the `rand` crate is the
//! drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add smol && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run chained smol`)

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use pyrandom::PyRandom;
use smol::{LocalExecutor, Timer};

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

/// The generator every chain draws from; one thread, so no lock.
type SharedRng = Rc<RefCell<PyRandom>>;

// ANCHOR: parts
async fn part1(n: u32, rng: &SharedRng, unit: Duration) -> String {
    let i = rng.borrow_mut().randint(0, 10);
    println!("part1({n}) sleeping for {i} seconds.");
    Timer::after(unit * i as u32).await;
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

async fn part2(n: u32, arg: &str, rng: &SharedRng, unit: Duration) -> String {
    let i = rng.borrow_mut().randint(0, 10);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    Timer::after(unit * i as u32).await;
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
    let rng = Rc::new(RefCell::new(PyRandom::new(params.seed)));
    let start = Instant::now();
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        let chains: Vec<_> =
            params.ns.iter().map(|&n| executor.spawn(chain(n, Rc::clone(&rng), params.unit))).collect();
        // Dropping a smol task cancels it: await every one.
        for chain in chains {
            chain.await;
        }
    }));
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
}
// ANCHOR_END: main
