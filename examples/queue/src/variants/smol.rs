//! `queue` on smol: producers and consumers around one async-channel.
//!
//! Pairs with "Using a Queue" in Real Python's "Async IO in Python: A Complete
//! Walkthrough" (its `asyncq.py` in 2018; `queued.py` from "Coroutine and Queue
//! Integration" in "Python\'s asyncio: A Hands-On Walkthrough" in 2025, the default).
//! `smol::channel` (the async-channel crate) is multi-producer and multi-consumer: every
//! consumer holds a clone of the `Receiver`. There is no `task_done`: the channel closes
//! when the last producer drops its `Sender`, and a consumer's `recv` fails once the
//! channel is closed and empty, so the consumers end by themselves and `main` just awaits
//! every task. Everything runs on one thread, in a `LocalExecutor`.
//!
//! `pyrandom` is CPython's generator, so a seed draws the tutorial's items and naps; the
//! `rand` crate is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add smol && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run queue smol`)

use std::cell::RefCell;
use std::rc::Rc;
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
        if queue.send(Item { text: text.clone(), put_at: Instant::now() }).await.is_err()
        {
            break;
        }
        println!("Producer {n} added <{text}> to queue.");
    }
}
// ANCHOR_END: produce

// ANCHOR: consume
/// Naps, takes the next item, says how long it waited; until the queue is closed and
/// empty.
async fn consume(n: usize, mut rng: PyRandom, queue: Receiver<Item>, unit: Duration) {
    loop {
        nap(&format!("Consumer {n}"), &mut rng, unit).await;
        let Ok(item) = queue.recv().await else { break }; // closed and drained: done
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
    // puts the same items and takes the same naps whichever task the scheduler runs
    // first. PyRandom draws what CPython's `random` draws; a real program would use the
    // `rand` crate.
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
/// The generator every task draws from; one thread, so no lock.
type SharedRng = Rc<RefCell<PyRandom>>;

async fn fetch_user(
    user_id: u32,
    queue: Sender<Option<User>>,
    rng: SharedRng,
    unit: Duration,
) {
    let delay = rng.borrow_mut().uniform(0.5, 2.0);
    println!("Producer: fetching user by user_id={user_id}...");
    Timer::after(unit.mul_f64(delay)).await;
    let user = User { name: format!("User{user_id}") };
    println!("Producer: fetched user with user_id={user_id} (done in {delay:.1}s)");
    // The receivers outlive the producer: a send cannot fail here.
    let _ = queue.send(Some(user)).await;
}

/// Fetches every user, each in a task of its own, and puts each on the queue; then one
/// `None` per consumer: the sentinel that tells it to stop.
async fn producer(
    ex: &LocalExecutor<'_>,
    queue: Sender<Option<User>>,
    rng: SharedRng,
    unit: Duration,
) {
    let fetches =
        USER_IDS.map(|id| ex.spawn(fetch_user(id, queue.clone(), Rc::clone(&rng), unit)));
    for fetch in fetches {
        fetch.await;
    }
    for _ in USER_IDS {
        let _ = queue.send(None).await;
    }
}

/// Takes users until it takes a sentinel.
async fn consumer(queue: Receiver<Option<User>>, rng: SharedRng, unit: Duration) {
    while let Ok(Some(user)) = queue.recv().await {
        let delay = rng.borrow_mut().uniform(0.5, 2.0);
        println!("Consumer: retrieving posts for {}...", user.name);
        Timer::after(unit.mul_f64(delay)).await;
        println!("{}", posts_line(&user, delay).join("\n"));
    }
}

fn queued(params: Params) {
    let rng = Rc::new(RefCell::new(PyRandom::new(params.seed)));
    let (sender, receiver) = channel::unbounded();
    let start = Instant::now();
    let ex = LocalExecutor::new();
    smol::block_on(ex.run(async {
        let consumers = USER_IDS
            .map(|_| ex.spawn(consumer(receiver.clone(), Rc::clone(&rng), params.unit)));
        producer(&ex, sender, Rc::clone(&rng), params.unit).await;
        for consumer in consumers {
            consumer.await;
        }
    }));
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!();
    println!("==> Total time: {took:.2} seconds");
}
// ANCHOR_END: queued
