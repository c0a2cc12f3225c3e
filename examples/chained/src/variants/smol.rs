//! `chained` on smol, one task per chain on a single-threaded executor.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough". A `LocalExecutor` runs every chain's task on
//! this thread, so the chains share the generator as an `Rc<RefCell<..>>`. smol's timers keep
//! their exact deadlines (no rounding), so chains that wake "together" wake in the order
//! their deadlines fall, as on asyncio's loop.
//!
//! Run with: `cargo run -p chained -- smol 9 6 3`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use smol::{LocalExecutor, Timer};
// The tutorial's exact numbers come from CPython's generator; elsewhere use the `rand` crate.
use pyrandom::PyRandom;

use crate::Params;

/// The generator every chain draws from; one thread, so no lock.
type SharedRng = Rc<RefCell<PyRandom>>;

// ANCHOR: parts
async fn part1(n: u32, rng: &SharedRng, params: Params) -> String {
    let i = rng.borrow_mut().randint(0, 10);
    println!("part1({n}) sleeping for {i} seconds.");
    Timer::after(params.unit * i as u32).await;
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

async fn part2(n: u32, arg: &str, rng: &SharedRng, params: Params) -> String {
    let i = rng.borrow_mut().randint(0, 10);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    Timer::after(params.unit * i as u32).await;
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

async fn chain(n: u32, rng: SharedRng, params: Params) {
    let start = Instant::now();
    let p1 = part1(n, &rng, params).await;
    let p2 = part2(n, &p1, &rng, params).await;
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}

// ANCHOR: main
pub fn run(params: Params, ns: &[u32]) {
    let rng = Rc::new(RefCell::new(PyRandom::new(params.seed)));
    let start = Instant::now();
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        let chains: Vec<_> = ns.iter().map(|&n| executor.spawn(chain(n, Rc::clone(&rng), params))).collect();
        // Dropping a smol task cancels it: await every one.
        for chain in chains {
            chain.await;
        }
    }));
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
}
// ANCHOR_END: main
