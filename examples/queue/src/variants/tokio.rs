//! `queue` on tokio: producers and consumers around one channel.
//!
//! Pairs with "Using a Queue" in Real Python's "Async IO in Python: A Complete Walkthrough"
//! (its `asyncq.py`). tokio's `mpsc` channel has a single receiver, so the consumers share it
//! behind an `Arc<tokio::sync::Mutex<_>>`: the one holding the lock waits for the next item,
//! the others wait for the lock, in turn. `task_done`/`join` become a `Semaphore` that
//! consumers add one permit to per item and `main` acquires all of; then the consumers are
//! aborted, as the tutorial cancels them. The runtime is current_thread, like asyncio's loop.
//!
//! `pyrandom` is CPython's generator, so a seed draws the tutorial's items and naps; the
//! `rand` crate is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add tokio --features macros,rt,sync,time && cargo add anyhow && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run queue tokio`)

use std::sync::Arc;
use std::time::{Duration, Instant};

use pyrandom::PyRandom;
use tokio::sync::{Mutex, Semaphore, mpsc};
use tokio::task::JoinSet;
use tokio::time::sleep;

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

impl Params {
    /// Refuses a run that could never end.
    pub fn check(&self) -> anyhow::Result<()> {
        anyhow::ensure!(
            self.ncon >= 1,
            "--ncon 0 leaves every item untaken, and this variant waits until each is done: \
             give it at least one consumer"
        );
        Ok(())
    }
}

pub fn main() -> anyhow::Result<()> {
    run(Params::default())
}

// ANCHOR: item
/// What goes through the queue: the item and when it was put.
struct Item {
    text: String,
    put_at: Instant,
}

/// The consumers' shared end: `mpsc` has one receiver, so they take turns holding it.
type Queue = Arc<Mutex<mpsc::UnboundedReceiver<Item>>>;
// ANCHOR_END: item

/// Sleep 1..=5 tutorial seconds, saying so first.
async fn nap(who: &str, rng: &mut PyRandom, unit: Duration) {
    let seconds = rng.randint(1, 5) as u32;
    println!("{who} sleeping for {seconds} seconds.");
    sleep(unit * seconds).await;
}

// ANCHOR: produce
/// Puts 1..=5 items, napping before each; returns how many it put.
async fn produce(n: usize, mut rng: PyRandom, queue: mpsc::UnboundedSender<Item>, unit: Duration) -> u32 {
    let count = rng.randint(1, 5) as u32;
    for _ in 0..count {
        nap(&format!("Producer {n}"), &mut rng, unit).await;
        let text = format!("{:010x}", rng.getrandbits(40));
        // An unbounded send never waits; it fails only once the receiver is gone.
        if queue.send(Item { text: text.clone(), put_at: Instant::now() }).is_err() {
            break;
        }
        println!("Producer {n} added <{text}> to queue.");
    }
    count
}
// ANCHOR_END: produce

// ANCHOR: consume
/// Naps, takes the next item, says how long it waited, marks it done; forever.
async fn consume(n: usize, mut rng: PyRandom, queue: Queue, done: Arc<Semaphore>, unit: Duration) {
    loop {
        nap(&format!("Consumer {n}"), &mut rng, unit).await;
        // The lock is held for this statement only: while this consumer waits for an item,
        // the others queue up for the lock, first come first served.
        let Some(item) = queue.lock().await.recv().await else { break };
        let waited = item.put_at.elapsed().as_secs_f64() / unit.as_secs_f64();
        println!("Consumer {n} got element <{}> in {waited:.5} seconds.", item.text);
        done.add_permits(1); // queue.task_done()
    }
}
// ANCHOR_END: consume

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
pub async fn run(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let start = Instant::now();
    // One generator per producer and consumer, seeded in a fixed order, so that a run puts the
    // same items and takes the same naps whichever task the scheduler runs first. PyRandom
    // draws what CPython's `random` draws; a real program would use the `rand` crate.
    let mut seeds = PyRandom::new(params.seed);
    let mut rngs = std::iter::repeat_with(|| PyRandom::new(seeds.getrandbits(32) as i64));

    let (sender, receiver) = mpsc::unbounded_channel();
    let queue: Queue = Arc::new(Mutex::new(receiver));
    let done = Arc::new(Semaphore::new(0));

    let mut producers = JoinSet::new();
    for (n, rng) in rngs.by_ref().take(params.nprod).enumerate() {
        producers.spawn(produce(n, rng, sender.clone(), params.unit));
    }
    let mut consumers = JoinSet::new();
    for (n, rng) in rngs.take(params.ncon).enumerate() {
        consumers.spawn(consume(n, rng, queue.clone(), done.clone(), params.unit));
    }

    // gather(*producers), then queue.join(): one permit per item put means every item is done.
    let total: u32 = producers.join_all().await.into_iter().sum();
    if let Ok(permits) = done.acquire_many(total).await {
        permits.forget();
    }
    // consumer.cancel() for each: abort the tasks (each is parked in a nap or in `recv`).
    consumers.shutdown().await;

    let elapsed = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program completed in {elapsed:.5} seconds.");
    Ok(())
}
// ANCHOR_END: main
