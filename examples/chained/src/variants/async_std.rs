//! `chained` on async-std (legacy), one task per chain on its multi-threaded executor.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough". async-std was discontinued in 2025
//! (RUSTSEC-2025-0052); it stays here for comparison. `task::spawn` hands each chain to a
//! global pool of worker threads, so a task may move between threads: the generator is
//! shared as `Arc<Mutex<..>>`, and when two chains wake together, whichever worker gets to
//! the lock first draws first.
//!
//! Run with: `cargo run -p chained -- async-std 9 6 3`

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_std::task;
// The tutorial's exact numbers come from CPython's generator; elsewhere use the `rand` crate.
use pyrandom::PyRandom;

use crate::Params;

/// The generator every chain draws from, shared across worker threads.
type SharedRng = Arc<Mutex<PyRandom>>;

// ANCHOR: parts
fn draw(rng: &SharedRng) -> i64 {
    // A std `Mutex` is fine in async code when, as here, it is never held across an await.
    rng.lock().expect("a chain panicked while drawing").randint(0, 10)
}

async fn part1(n: u32, rng: &SharedRng, params: Params) -> String {
    let i = draw(rng);
    println!("part1({n}) sleeping for {i} seconds.");
    task::sleep(params.unit * i as u32).await;
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

async fn part2(n: u32, arg: &str, rng: &SharedRng, params: Params) -> String {
    let i = draw(rng);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    task::sleep(params.unit * i as u32).await;
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
    let rng = Arc::new(Mutex::new(PyRandom::new(params.seed)));
    let start = Instant::now();
    task::block_on(async {
        let chains: Vec<_> = ns.iter().map(|&n| task::spawn(chain(n, Arc::clone(&rng), params))).collect();
        for chain in chains {
            chain.await;
        }
    });
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
}
// ANCHOR_END: main
