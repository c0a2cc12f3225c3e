//! `chained` on the `futures` crate: every chain inside one future, no tasks at all.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough". `join_all` polls all the chains from the one
//! task `block_on` drives, so the chains may simply borrow the generator (`&RefCell<..>`):
//! nothing is spawned, nothing needs `'static`, `Rc` or `Arc`. The sleeps come from
//! `futures-timer`, since an executor alone has no clock.
//!
//! Run with: `cargo run -p chained -- futures 9 6 3`

use std::cell::RefCell;
use std::time::Instant;

use futures::future::join_all;
use futures_timer::Delay;
// The tutorial's exact numbers come from CPython's generator; elsewhere use the `rand` crate.
use pyrandom::PyRandom;

use crate::Params;

// ANCHOR: parts
async fn part1(n: u32, rng: &RefCell<PyRandom>, params: Params) -> String {
    let i = rng.borrow_mut().randint(0, 10);
    println!("part1({n}) sleeping for {i} seconds.");
    Delay::new(params.unit * i as u32).await;
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

async fn part2(n: u32, arg: &str, rng: &RefCell<PyRandom>, params: Params) -> String {
    let i = rng.borrow_mut().randint(0, 10);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    Delay::new(params.unit * i as u32).await;
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

// ANCHOR: chain
async fn chain(n: u32, rng: &RefCell<PyRandom>, params: Params) {
    let start = Instant::now();
    let p1 = part1(n, rng, params).await;
    let p2 = part2(n, &p1, rng, params).await;
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}
// ANCHOR_END: chain

// ANCHOR: main
pub fn run(params: Params, ns: &[u32]) {
    let rng = RefCell::new(PyRandom::new(params.seed));
    let start = Instant::now();
    futures::executor::block_on(join_all(ns.iter().map(|&n| chain(n, &rng, params))));
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
}
// ANCHOR_END: main
