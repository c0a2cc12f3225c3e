//! `queue` on tokio: producers and consumers around one channel.
//!
//! Pairs with "Using a Queue" in Real Python's "Async IO in Python: A Complete
//! Walkthrough" (its `asyncq.py` in 2018; `queued.py` from "Coroutine and Queue
//! Integration" in "Python\'s asyncio: A Hands-On Walkthrough" in 2025, the default).
//! tokio's `mpsc` channel has a single receiver, so the consumers share it behind an
//! `Arc<tokio::sync::Mutex<_>>`: the one holding the lock waits for the next item, the
//! others wait for the lock, in turn. `task_done`/`join` become a `Semaphore` that
//! consumers add one permit to per item and `main` acquires all of; then the consumers
//! are aborted, as the tutorial cancels them. The runtime is current_thread, like
//! asyncio's loop.
//!
//! `pyrandom` is CPython's generator, so a seed draws the tutorial's items and naps; the
//! `rand` crate is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add tokio --features macros,rt,sync,time && cargo add anyhow && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run queue tokio`)

use std::cell::RefCell;
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
async fn produce(
    n: usize,
    mut rng: PyRandom,
    queue: mpsc::UnboundedSender<Item>,
    unit: Duration,
) -> u32 {
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
async fn consume(
    n: usize,
    mut rng: PyRandom,
    queue: Queue,
    done: Arc<Semaphore>,
    unit: Duration,
) {
    loop {
        nap(&format!("Consumer {n}"), &mut rng, unit).await;
        // The lock is held for this statement only: while this consumer waits for an
        // item, the others queue up for the lock, first come first served.
        let Some(item) = queue.lock().await.recv().await else { break };
        let waited = item.put_at.elapsed().as_secs_f64() / unit.as_secs_f64();
        println!("Consumer {n} got element <{}> in {waited:.5} seconds.", item.text);
        done.add_permits(1); // queue.task_done()
    }
}
// ANCHOR_END: consume

/// The edition's program.
pub fn run(params: Params) -> anyhow::Result<()> {
    match params.edition {
        Edition::Y2018 => asyncq(params),
        Edition::Y2025 => {
            queued(params);
            Ok(())
        }
    }
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn asyncq(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let start = Instant::now();
    // One generator per producer and consumer, seeded in a fixed order, so that a run
    // puts the same items and takes the same naps whichever task the scheduler runs
    // first. PyRandom draws what CPython's `random` draws; a real program would use the
    // `rand` crate.
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

    // gather(*producers), then queue.join(): one permit per item put means every item is
    // done.
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
/// Fetches every user, all at once, and puts each on the queue; then one `None` per
/// consumer: the sentinel that tells it to stop.
async fn producer(
    queue: mpsc::UnboundedSender<Option<User>>,
    rng: &RefCell<PyRandom>,
    unit: Duration,
) {
    let fetch_user = |user_id: u32| {
        let queue = queue.clone();
        async move {
            let delay = rng.borrow_mut().uniform(0.5, 2.0);
            println!("Producer: fetching user by user_id={user_id}...");
            sleep(unit.mul_f64(delay)).await;
            let user = User { name: format!("User{user_id}") };
            println!(
                "Producer: fetched user with user_id={user_id} (done in {delay:.1}s)"
            );
            // The receiver outlives the producer: a send cannot fail here.
            let _ = queue.send(Some(user));
        }
    };
    let [first, second, third] = USER_IDS;
    tokio::join!(fetch_user(first), fetch_user(second), fetch_user(third));
    for _ in USER_IDS {
        let _ = queue.send(None);
    }
}

/// Takes users until it takes a sentinel. `mpsc` has one receiver: the consumers share it
/// behind a lock, held only while waiting for the next user.
async fn consumer(
    queue: &Mutex<mpsc::UnboundedReceiver<Option<User>>>,
    rng: &RefCell<PyRandom>,
    unit: Duration,
) {
    loop {
        // The lock is released at the end of this statement, before the user is handled
        // (in a `while let` condition it would be held through the loop's body).
        let next = queue.lock().await.recv().await;
        let Some(Some(user)) = next else { break };
        let delay = rng.borrow_mut().uniform(0.5, 2.0);
        println!("Consumer: retrieving posts for {}...", user.name);
        sleep(unit.mul_f64(delay)).await;
        println!("{}", posts_line(&user, delay).join("\n"));
    }
}

/// `gather(producer, *consumers)`: `join!` polls them all inside this one task, so they
/// may borrow the generator and the queue. Three users, three consumers.
#[tokio::main(flavor = "current_thread")]
async fn queued(params: Params) {
    let rng = RefCell::new(PyRandom::new(params.seed));
    let (sender, receiver) = mpsc::unbounded_channel();
    let queue = Mutex::new(receiver);
    let start = Instant::now();
    let unit = params.unit;
    tokio::join!(
        producer(sender, &rng, unit),
        consumer(&queue, &rng, unit),
        consumer(&queue, &rng, unit),
        consumer(&queue, &rng, unit),
    );
    let took = start.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!();
    println!("==> Total time: {took:.2} seconds");
}
// ANCHOR_END: queued
