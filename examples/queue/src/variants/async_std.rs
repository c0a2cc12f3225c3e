//! `queue` on async-std (legacy): producers and consumers around one channel.
//!
//! Pairs with "Using a Queue" in Real Python's "Async IO in Python: A Complete Walkthrough"
//! (its `asyncq.py`). async-std was discontinued in 2025 (RUSTSEC-2025-0052); it stays here
//! for comparison. `async_std::channel` is async-channel 1.x: multi-producer,
//! multi-consumer. This variant keeps the tutorial's shape: each consumer reports every item
//! on a second channel (`task_done`), `main` counts the reports (`join`), then cancels the
//! consumers with `JoinHandle::cancel`. Tasks run on async-std's global thread pool.
//!
//! `pyrandom` is CPython's generator, so a seed draws the tutorial's items and naps; the
//! `rand` crate is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add async-std anyhow && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run queue async-std`)

use std::time::{Duration, Instant};

use async_std::channel::{self, Receiver, Sender};
use async_std::task;
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

/// What goes through the queue: the item and when it was put.
struct Item {
    text: String,
    put_at: Instant,
}

/// Sleep 1..=5 tutorial seconds, saying so first.
async fn nap(who: &str, rng: &mut PyRandom, unit: Duration) {
    let seconds = rng.randint(1, 5) as u32;
    println!("{who} sleeping for {seconds} seconds.");
    task::sleep(unit * seconds).await;
}

/// Puts 1..=5 items, napping before each; returns how many it put.
async fn produce(n: usize, mut rng: PyRandom, queue: Sender<Item>, unit: Duration) -> usize {
    let count = rng.randint(1, 5) as usize;
    for _ in 0..count {
        nap(&format!("Producer {n}"), &mut rng, unit).await;
        let text = format!("{:010x}", rng.getrandbits(40));
        if queue.send(Item { text: text.clone(), put_at: Instant::now() }).await.is_err() {
            break;
        }
        println!("Producer {n} added <{text}> to queue.");
    }
    count
}

// ANCHOR: consume
/// Naps, takes the next item, says how long it waited, reports it done; until cancelled.
async fn consume(n: usize, mut rng: PyRandom, queue: Receiver<Item>, done: Sender<()>, unit: Duration) {
    loop {
        nap(&format!("Consumer {n}"), &mut rng, unit).await;
        let Ok(item) = queue.recv().await else { break };
        let waited = item.put_at.elapsed().as_secs_f64() / unit.as_secs_f64();
        println!("Consumer {n} got element <{}> in {waited:.5} seconds.", item.text);
        let _ = done.send(()).await; // queue.task_done(); main keeps the receiver until the end
    }
}
// ANCHOR_END: consume

// ANCHOR: main
pub fn run(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let start = Instant::now();
    // One generator per producer and consumer, seeded in a fixed order, so that a run puts the
    // same items and takes the same naps whichever task the scheduler runs first. PyRandom
    // draws what CPython's `random` draws; a real program would use the `rand` crate.
    let mut seeds = PyRandom::new(params.seed);
    let mut rngs = std::iter::repeat_with(|| PyRandom::new(seeds.getrandbits(32) as i64));

    task::block_on(async {
        let (sender, receiver) = channel::unbounded();
        let (done_sender, done_receiver) = channel::unbounded();
        let producers: Vec<_> = rngs
            .by_ref()
            .take(params.nprod)
            .enumerate()
            .map(|(n, rng)| task::spawn(produce(n, rng, sender.clone(), params.unit)))
            .collect();
        let consumers: Vec<_> = rngs
            .take(params.ncon)
            .enumerate()
            .map(|(n, rng)| task::spawn(consume(n, rng, receiver.clone(), done_sender.clone(), params.unit)))
            .collect();

        // gather(*producers), then queue.join(): one report per item put.
        let mut total = 0;
        for producer in producers {
            total += producer.await;
        }
        for _ in 0..total {
            let _ = done_receiver.recv().await;
        }
        // consumer.cancel() for each. Dropping an async-std handle would only detach the task.
        for consumer in consumers {
            consumer.cancel().await;
        }
    });

    let elapsed = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program completed in {elapsed:.5} seconds.");
    Ok(())
}
// ANCHOR_END: main
