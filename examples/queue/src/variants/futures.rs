//! `queue` on the `futures` crate: a `LocalPool` executor, its `mpsc` channel, a timer crate.
//!
//! Pairs with "Using a Queue" in Real Python's "Async IO in Python: A Complete Walkthrough"
//! (its `asyncq.py`). `futures::channel::mpsc` is multi-producer, single-consumer and its
//! receiver is a `Stream`; the consumers share it behind a `futures::lock::Mutex` (in an `Rc`:
//! a `LocalPool` runs everything on this thread, so nothing needs to be `Send`). The stream
//! ends once every `Sender` is dropped and the buffer is empty, so the consumers end by
//! themselves and `LocalPool::run` returns when no task is left. Naps come from `futures-timer`.
//!
//! `pyrandom` is CPython's generator, so a seed draws the tutorial's items and naps; the
//! `rand` crate is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add futures futures-timer && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run queue futures`)

use std::rc::Rc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::channel::mpsc::{self, UnboundedReceiver, UnboundedSender};
use futures::executor::LocalPool;
use futures::lock::Mutex;
use futures::task::{LocalSpawnExt, SpawnError};
use futures_timer::Delay;
use pyrandom::PyRandom;

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

pub fn main() -> Result<(), SpawnError> {
    run(Params::default())
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
    Delay::new(unit * seconds).await;
}

// ANCHOR: produce
/// Puts 1..=5 items, napping before each. Its `Sender` is dropped when it returns.
async fn produce(n: usize, mut rng: PyRandom, queue: UnboundedSender<Item>, unit: Duration) {
    for _ in 0..rng.randint(1, 5) {
        nap(&format!("Producer {n}"), &mut rng, unit).await;
        let text = format!("{:010x}", rng.getrandbits(40));
        // Unbounded: a plain method, no waiting. It fails only if the receiver is gone.
        if queue.unbounded_send(Item { text: text.clone(), put_at: Instant::now() }).is_err() {
            break;
        }
        println!("Producer {n} added <{text}> to queue.");
    }
}
// ANCHOR_END: produce

// ANCHOR: consume
/// Naps, takes the next item, says how long it waited; until the stream ends.
async fn consume(n: usize, mut rng: PyRandom, queue: Rc<Mutex<UnboundedReceiver<Item>>>, unit: Duration) {
    loop {
        nap(&format!("Consumer {n}"), &mut rng, unit).await;
        // Hold the lock for this statement only: the next consumer waits its turn.
        let Some(item) = queue.lock().await.next().await else { break }; // no senders, empty
        let waited = item.put_at.elapsed().as_secs_f64() / unit.as_secs_f64();
        println!("Consumer {n} got element <{}> in {waited:.5} seconds.", item.text);
    }
}
// ANCHOR_END: consume

// ANCHOR: main
pub fn run(params: Params) -> Result<(), SpawnError> {
    let start = Instant::now();
    // One generator per producer and consumer, seeded in a fixed order, so that a run puts the
    // same items and takes the same naps whichever task the executor runs first. PyRandom
    // draws what CPython's `random` draws; a real program would use the `rand` crate.
    let mut seeds = PyRandom::new(params.seed);
    let mut rngs = std::iter::repeat_with(|| PyRandom::new(seeds.getrandbits(32) as i64));

    let mut pool = LocalPool::new();
    let spawner = pool.spawner();
    let (sender, receiver) = mpsc::unbounded();
    let queue = Rc::new(Mutex::new(receiver));
    for (n, rng) in rngs.by_ref().take(params.nprod).enumerate() {
        spawner.spawn_local(produce(n, rng, sender.clone(), params.unit))?;
    }
    // Keep no `Sender` here, or the stream would never end.
    drop(sender);
    for (n, rng) in rngs.take(params.ncon).enumerate() {
        spawner.spawn_local(consume(n, rng, queue.clone(), params.unit))?;
    }
    // Runs every spawned task to completion.
    pool.run();

    let elapsed = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program completed in {elapsed:.5} seconds.");
    Ok(())
}
// ANCHOR_END: main
