//! `queue` with OS threads: one thread per producer and consumer, around a crossbeam channel.
//!
//! Pairs with "Using a Queue" in Real Python's "Async IO in Python: A Complete Walkthrough"
//! (its `asyncq.py`; in Python this would be `threading` with `queue.Queue`).
//! `crossbeam_channel` is a multi-producer, multi-consumer channel like `queue.Queue`: every
//! consumer gets its own clone of the `Receiver`. (std's `mpsc` has one `Receiver`, which
//! consumers would have to share behind a `Mutex`; and std's bounded channel parks a thread
//! thousands of times more often, see the chapter's bench.) A thread cannot be cancelled, so
//! the consumers end the Rust way: `recv` fails once every `Sender` is dropped and the
//! channel is empty, and `thread::scope` joins them all.
//!
//! Run with: `cargo run -p queue -- threads`

use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use pyrandom::PyRandom;

use crate::Params;

/// What goes through the queue: the item and when it was put.
struct Item {
    text: String,
    put_at: Instant,
}

/// Sleep 1..=5 tutorial seconds, saying so first.
fn nap(who: &str, rng: &mut PyRandom, unit: Duration) {
    let seconds = rng.randint(1, 5) as u32;
    println!("{who} sleeping for {seconds} seconds.");
    thread::sleep(unit * seconds);
}

// ANCHOR: produce
/// Puts 1..=5 items, napping before each. Its `Sender` is dropped when it returns.
fn produce(n: usize, mut rng: PyRandom, queue: Sender<Item>, unit: Duration) {
    for _ in 0..rng.randint(1, 5) {
        nap(&format!("Producer {n}"), &mut rng, unit);
        let text = format!("{:010x}", rng.getrandbits(40));
        // `unbounded()`: `send` never blocks. It fails only if every receiver is gone.
        if queue.send(Item { text: text.clone(), put_at: Instant::now() }).is_err() {
            break;
        }
        println!("Producer {n} added <{text}> to queue.");
    }
}
// ANCHOR_END: produce

// ANCHOR: consume
/// Naps, takes the next item, says how long it waited; until every sender is gone.
fn consume(n: usize, mut rng: PyRandom, queue: Receiver<Item>, unit: Duration) {
    loop {
        nap(&format!("Consumer {n}"), &mut rng, unit);
        let Ok(item) = queue.recv() else { break };
        let waited = item.put_at.elapsed().as_secs_f64() / unit.as_secs_f64();
        println!("Consumer {n} got element <{}> in {waited:.5} seconds.", item.text);
    }
}
// ANCHOR_END: consume

// ANCHOR: main
pub fn run(params: Params) {
    let start = Instant::now();
    // One generator per producer and consumer, seeded in a fixed order, so that a run puts the
    // same items and takes the same naps whichever thread the OS runs first. PyRandom draws
    // what CPython's `random` draws; a real program would use the `rand` crate.
    let mut seeds = PyRandom::new(params.seed);
    let mut rngs = std::iter::repeat_with(|| PyRandom::new(seeds.getrandbits(32) as i64));

    let (sender, receiver) = crossbeam_channel::unbounded();
    thread::scope(|scope| {
        for (n, rng) in rngs.by_ref().take(params.nprod).enumerate() {
            let sender = sender.clone();
            scope.spawn(move || produce(n, rng, sender, params.unit));
        }
        // Keep no `Sender` here, or `recv` would wait forever.
        drop(sender);
        for (n, rng) in rngs.take(params.ncon).enumerate() {
            let receiver = receiver.clone();
            scope.spawn(move || consume(n, rng, receiver, params.unit));
        }
    }); // joins every thread

    let elapsed = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program completed in {elapsed:.5} seconds.");
}
// ANCHOR_END: main

// ANCHOR: pump
/// `--bench`: moves the numbers `0..items` from a producer thread to this one and returns
/// their sum. `None` is `unbounded()`; `Some(n)` is `bounded(n)`, whose `send` blocks while
/// the channel is full.
pub fn pump(items: u64, capacity: Option<usize>) -> u64 {
    let (sender, receiver) = match capacity {
        None => crossbeam_channel::unbounded(),
        Some(capacity) => crossbeam_channel::bounded(capacity),
    };
    thread::scope(|scope| {
        scope.spawn(move || {
            for i in 0..items {
                if sender.send(i).is_err() {
                    break;
                }
            }
        });
        receiver.iter().sum()
    })
}
// ANCHOR_END: pump
