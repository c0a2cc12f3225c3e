//! `chained` on tokio, one task per chain on a single thread.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough". Like `asyncio.gather`, which wraps each
//! coroutine in a task, each chain is spawned as its own task. The runtime is the
//! current-thread flavour with a `LocalSet`: every task runs on this one thread, as on
//! asyncio's loop, so they can share the generator as a plain `Rc<RefCell<..>>` (the
//! multi-thread flavour would need `Arc<Mutex<..>>`, and which worker draws first when two
//! chains wake together would be up to the workers).
//!
//! Run with: `cargo run -p chained -- tokio 9 6 3`

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Instant;

use tokio::task::{self, JoinError, LocalSet};
use tokio::time::sleep;
// The tutorial's exact numbers come from CPython's generator; elsewhere use the `rand` crate.
use pyrandom::PyRandom;

use crate::Params;

/// The generator every chain draws from; one thread, so no lock.
type SharedRng = Rc<RefCell<PyRandom>>;

// ANCHOR: parts
async fn part1(n: u32, rng: &SharedRng, params: Params) -> String {
    // The borrow ends with the statement: no `RefCell` borrow is ever held across an await.
    let i = rng.borrow_mut().randint(0, 10);
    println!("part1({n}) sleeping for {i} seconds.");
    sleep(params.unit * i as u32).await;
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

async fn part2(n: u32, arg: &str, rng: &SharedRng, params: Params) -> String {
    let i = rng.borrow_mut().randint(0, 10);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    sleep(params.unit * i as u32).await;
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

// ANCHOR: chain
async fn chain(n: u32, rng: SharedRng, params: Params) {
    let start = Instant::now();
    let p1 = part1(n, &rng, params).await;
    let p2 = part2(n, &p1, &rng, params).await;
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}
// ANCHOR_END: chain

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params, ns: &[u32]) -> Result<(), JoinError> {
    let rng = Rc::new(RefCell::new(PyRandom::new(params.seed)));
    let start = Instant::now();
    // `spawn_local` takes futures that are not `Send`; it needs a `LocalSet` to run them.
    LocalSet::new()
        .run_until(async {
            let chains: Vec<_> =
                ns.iter().map(|&n| task::spawn_local(chain(n, Rc::clone(&rng), params))).collect();
            for chain in chains {
                chain.await?;
            }
            Ok::<_, JoinError>(())
        })
        .await?;
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
    Ok(())
}
// ANCHOR_END: main
