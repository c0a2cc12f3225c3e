//! `queue` on smol: producers and consumers around one async-channel.
//!
//! Pairs with "Using a Queue" in Real Python's "Async IO in Python: A Complete Walkthrough"
//! (its `asyncq.py`). `smol::channel` (the async-channel crate) is multi-producer and
//! multi-consumer: every consumer holds a clone of the `Receiver`. There is no `task_done`:
//! the channel closes when the last producer drops its `Sender`, and a consumer's `recv` fails
//! once the channel is closed and empty, so the consumers end by themselves and `main` just
//! awaits every task. Everything runs on one thread, in a `LocalExecutor`.
//!
//! `pyrandom` is CPython's generator, so a seed draws the tutorial's items and naps; the
//! `rand` crate is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add smol && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run queue smol`)

use std::time::{Duration, Instant};

use pyrandom::PyRandom;
use smol::channel::{self, Receiver, Sender};
use smol::{LocalExecutor, Timer};

/// What the program runs with; `just run queue` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Seed of the generators that pick the items and the naps.
    pub seed: i64,
    /// How many producers.
    pub nprod: usize,
    /// How many consumers.
    pub ncon: usize,
}

impl Default for Params {
    fn default() -> Params {
        Params { unit: Duration::from_millis(50), seed: 444, nprod: 5, ncon: 10 }
    }
}

pub fn main() {
    run(Params::default());
}

/// What goes through the queue: the item and when it was put.
struct Item {
    text: String,
    put_at: Instant,
}

/// Sleep 1..=5 tutorial seconds, saying so first.
async fn nap(who: &str, rng: &mut PyRandom, unit: Duration) {
    let seconds = rng.randint(1, 5) as u32;
    println!("{who} sleeping for {seconds} seconds.");
    Timer::after(unit * seconds).await;
}

// ANCHOR: produce
/// Puts 1..=5 items, napping before each. Its `Sender` is dropped when it returns.
async fn produce(n: usize, mut rng: PyRandom, queue: Sender<Item>, unit: Duration) {
    for _ in 0..rng.randint(1, 5) {
        nap(&format!("Producer {n}"), &mut rng, unit).await;
        let text = format!("{:010x}", rng.getrandbits(40));
        // Unbounded: `send` never waits. It fails only if every receiver is gone.
        if queue.send(Item { text: text.clone(), put_at: Instant::now() }).await.is_err() {
            break;
        }
        println!("Producer {n} added <{text}> to queue.");
    }
}
// ANCHOR_END: produce

// ANCHOR: consume
/// Naps, takes the next item, says how long it waited; until the queue is closed and empty.
async fn consume(n: usize, mut rng: PyRandom, queue: Receiver<Item>, unit: Duration) {
    loop {
        nap(&format!("Consumer {n}"), &mut rng, unit).await;
        let Ok(item) = queue.recv().await else { break }; // closed and drained: done
        let waited = item.put_at.elapsed().as_secs_f64() / unit.as_secs_f64();
        println!("Consumer {n} got element <{}> in {waited:.5} seconds.", item.text);
    }
}
// ANCHOR_END: consume

// ANCHOR: main
pub fn run(params: Params) {
    let start = Instant::now();
    // One generator per producer and consumer, seeded in a fixed order, so that a run puts the
    // same items and takes the same naps whichever task the scheduler runs first. PyRandom
    // draws what CPython's `random` draws; a real program would use the `rand` crate.
    let mut seeds = PyRandom::new(params.seed);
    let mut rngs = std::iter::repeat_with(|| PyRandom::new(seeds.getrandbits(32) as i64));

    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        let (sender, receiver) = channel::unbounded();
        let mut tasks = Vec::new();
        for (n, rng) in rngs.by_ref().take(params.nprod).enumerate() {
            tasks.push(executor.spawn(produce(n, rng, sender.clone(), params.unit)));
        }
        // Keep no `Sender` here, or the channel would never close.
        drop(sender);
        for (n, rng) in rngs.take(params.ncon).enumerate() {
            tasks.push(executor.spawn(consume(n, rng, receiver.clone(), params.unit)));
        }
        // Dropping a smol `Task` would cancel it: await them all instead.
        for task in tasks {
            task.await;
        }
    }));

    let elapsed = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program completed in {elapsed:.5} seconds.");
}
// ANCHOR_END: main
