//! `queue` with OS threads: one thread per producer and consumer, around a crossbeam
//! channel.
//!
//! Pairs with "Using a Queue" in Real Python's "Async IO in Python: A Complete
//! Walkthrough" (its `asyncq.py` in 2018; `queued.py` from "Coroutine and Queue
//! Integration" in "Python\'s asyncio: A Hands-On Walkthrough" in 2025, the default; in
//! Python this would be `threading` with `queue.Queue`). `crossbeam_channel` is a
//! multi-producer, multi-consumer channel like `queue.Queue`: every consumer gets its own
//! clone of the `Receiver`. (std's `mpsc` has one `Receiver`, which consumers would have
//! to share behind a `Mutex`; and std's bounded channel parks a thread thousands of times
//! more often, see the chapter's bench.) A thread cannot be cancelled, so the consumers
//! end the Rust way: `recv` fails once every `Sender` is dropped and the channel is
//! empty, and `thread::scope` joins them all.
//!
//! `pyrandom` is CPython's generator, so a seed draws the tutorial's items and naps; the
//! `rand` crate is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add crossbeam-channel && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run queue threads`)

use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use pyrandom::PyRandom;

/// What the program runs with; `just run queue` sets them from its command line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Seed of the generators that pick the items and the naps.
    pub seed: i64,
    /// How many producers (the 2018 program's; 2025's has one).
    pub nprod: usize,
    /// How many consumers (the 2018 program's; 2025's has one per user).
    pub ncon: usize,
    /// Which edition's program runs.
    pub edition: Edition,
}

/// The tutorial's two editions (`just run queue --edition 2018`; in a copy of this file,
/// change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Async IO in Python: A Complete Walkthrough" (2018): `asyncq.py`, producers
    /// putting random items, consumers cancelled once the queue is joined.
    Y2018,
    /// "Python's asyncio: A Hands-On Walkthrough" (2025): `queued.py`, one producer
    /// fetching users, one consumer per user, each stopped by a sentinel.
    Y2025,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            unit: Duration::from_millis(50),
            seed: 444,
            nprod: 5,
            ncon: 10,
            edition: Edition::Y2025,
        }
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

/// The edition's program.
pub fn run(params: Params) {
    match params.edition {
        Edition::Y2018 => asyncq(params),
        Edition::Y2025 => queued(params),
    }
}

// ANCHOR: main
fn asyncq(params: Params) {
    let start = Instant::now();
    // One generator per producer and consumer, seeded in a fixed order, so that a run
    // puts the same items and takes the same naps whichever thread the OS runs first.
    // PyRandom draws what CPython's `random` draws; a real program would use the `rand`
    // crate.
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

// ANCHOR: user
/// A user, as the 2025 program's producer makes it (its dict also holds the id, which
/// nothing reads).
struct User {
    name: String,
}

/// The 2025 program's users: the producer fetches each, and there is one consumer per
/// user.
const USER_IDS: [u32; 3] = [1, 2, 3];

/// The consumer's work on one user, once it has drawn its delay.
fn posts_line(user: &User, delay: f64) -> Vec<String> {
    let posts: Vec<String> =
        (1..3).map(|i| format!("Post {i} by {}", user.name)).collect();
    let mut lines = vec![format!(
        "Consumer: got {} posts by {} (done in {delay:.1}s):",
        posts.len(),
        user.name
    )];
    lines.extend(posts.iter().map(|post| format!("  - {post}")));
    lines
}
// ANCHOR_END: user

// ANCHOR: queued
/// Fetches every user on a thread of its own and puts each on the queue, then one `None`
/// per consumer: the sentinel that tells it to stop.
fn producer(queue: &Sender<Option<User>>, rng: &Mutex<PyRandom>, unit: Duration) {
    thread::scope(|scope| {
        for user_id in USER_IDS {
            scope.spawn(move || {
                let delay = rng
                    .lock()
                    .expect("a thread panicked while drawing")
                    .uniform(0.5, 2.0);
                println!("Producer: fetching user by user_id={user_id}...");
                thread::sleep(unit.mul_f64(delay));
                let user = User { name: format!("User{user_id}") };
                println!(
                    "Producer: fetched user with user_id={user_id} (done in {delay:.1}s)"
                );
                // The receivers outlive the producer: a send cannot fail here.
                let _ = queue.send(Some(user));
            });
        }
    });
    for _ in USER_IDS {
        let _ = queue.send(None);
    }
}

/// Takes users until it takes a sentinel.
fn consumer(queue: &Receiver<Option<User>>, rng: &Mutex<PyRandom>, unit: Duration) {
    while let Ok(Some(user)) = queue.recv() {
        let delay =
            rng.lock().expect("a thread panicked while drawing").uniform(0.5, 2.0);
        println!("Consumer: retrieving posts for {}...", user.name);
        thread::sleep(unit.mul_f64(delay));
        println!("{}", posts_line(&user, delay).join("\n"));
    }
}

fn queued(params: Params) {
    let rng = Mutex::new(PyRandom::new(params.seed));
    let (sender, receiver) = crossbeam_channel::unbounded();
    let start = Instant::now();
    thread::scope(|scope| {
        scope.spawn(|| producer(&sender, &rng, params.unit));
        for _ in USER_IDS {
            scope.spawn(|| consumer(&receiver, &rng, params.unit));
        }
    });
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!();
    println!("==> Total time: {took:.2} seconds");
}
// ANCHOR_END: queued
