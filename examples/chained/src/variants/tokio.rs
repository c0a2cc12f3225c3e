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
//! `pyrandom` is CPython's generator, so the sleeps are the tutorial's; the `rand` crate is the
//! drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add tokio --features macros,rt,time && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run chained tokio`)

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use pyrandom::PyRandom;
use tokio::task::{self, JoinError, LocalSet};
use tokio::time::sleep;

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

pub fn main() -> Result<(), JoinError> {
    run(Params::default())
}

/// The generator every chain draws from; one thread, so no lock.
type SharedRng = Rc<RefCell<PyRandom>>;

// ANCHOR: parts
async fn part1(n: u32, rng: &SharedRng, unit: Duration) -> String {
    // The borrow ends with the statement: no `RefCell` borrow is ever held across an await.
    let i = rng.borrow_mut().randint(0, 10);
    println!("part1({n}) sleeping for {i} seconds.");
    sleep(unit * i as u32).await;
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

async fn part2(n: u32, arg: &str, rng: &SharedRng, unit: Duration) -> String {
    let i = rng.borrow_mut().randint(0, 10);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    sleep(unit * i as u32).await;
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

// ANCHOR: chain
async fn chain(n: u32, rng: SharedRng, unit: Duration) {
    let start = Instant::now();
    let p1 = part1(n, &rng, unit).await;
    let p2 = part2(n, &p1, &rng, unit).await;
    let took = start.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}
// ANCHOR_END: chain

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params) -> Result<(), JoinError> {
    let rng = Rc::new(RefCell::new(PyRandom::new(params.seed)));
    let start = Instant::now();
    // `spawn_local` takes futures that are not `Send`; it needs a `LocalSet` to run them.
    LocalSet::new()
        .run_until(async {
            let chains: Vec<_> = params
                .ns
                .iter()
                .map(|&n| task::spawn_local(chain(n, Rc::clone(&rng), params.unit)))
                .collect();
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
