//! `queue` on async-std (legacy): producers and consumers around one channel.
//!
//! Pairs with "Using a Queue" in Real Python's "Async IO in Python: A Complete
//! Walkthrough" (its `asyncq.py` in 2018; `queued.py` from "Coroutine and Queue
//! Integration" in "Python\'s asyncio: A Hands-On Walkthrough" in 2025, the default).
//! async-std was discontinued in 2025 (RUSTSEC-2025-0052); it stays here for comparison.
//! `async_std::channel` is async-channel 1.x: multi-producer, multi-consumer. This
//! variant keeps the tutorial's shape: each consumer reports every item on a second
//! channel (`task_done`), `main` counts the reports (`join`), then cancels the consumers
//! with `JoinHandle::cancel`. Tasks run on async-std's global thread pool.
//!
//! `pyrandom` is CPython's generator, so a seed draws the tutorial's items and naps; the
//! `rand` crate is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add async-std anyhow && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run queue async-std`)

use std::sync::{Arc, Mutex};
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
async fn produce(
    n: usize,
    mut rng: PyRandom,
    queue: Sender<Item>,
    unit: Duration,
) -> usize {
    let count = rng.randint(1, 5) as usize;
    for _ in 0..count {
        nap(&format!("Producer {n}"), &mut rng, unit).await;
        let text = format!("{:010x}", rng.getrandbits(40));
        if queue.send(Item { text: text.clone(), put_at: Instant::now() }).await.is_err()
        {
            break;
        }
        println!("Producer {n} added <{text}> to queue.");
    }
    count
}

// ANCHOR: consume
/// Naps, takes the next item, says how long it waited, reports it done; until cancelled.
async fn consume(
    n: usize,
    mut rng: PyRandom,
    queue: Receiver<Item>,
    done: Sender<()>,
    unit: Duration,
) {
    loop {
        nap(&format!("Consumer {n}"), &mut rng, unit).await;
        let Ok(item) = queue.recv().await else { break };
        let waited = item.put_at.elapsed().as_secs_f64() / unit.as_secs_f64();
        println!("Consumer {n} got element <{}> in {waited:.5} seconds.", item.text);
        let _ = done.send(()).await; // queue.task_done(); main keeps the receiver until the end
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
fn asyncq(params: Params) -> anyhow::Result<()> {
    params.check()?;
    let start = Instant::now();
    // One generator per producer and consumer, seeded in a fixed order, so that a run
    // puts the same items and takes the same naps whichever task the scheduler runs
    // first. PyRandom draws what CPython's `random` draws; a real program would use the
    // `rand` crate.
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
            .map(|(n, rng)| {
                task::spawn(consume(
                    n,
                    rng,
                    receiver.clone(),
                    done_sender.clone(),
                    params.unit,
                ))
            })
            .collect();

        // gather(*producers), then queue.join(): one report per item put.
        let mut total = 0;
        for producer in producers {
            total += producer.await;
        }
        for _ in 0..total {
            let _ = done_receiver.recv().await;
        }
        // consumer.cancel() for each. Dropping an async-std handle would only detach the
        // task.
        for consumer in consumers {
            consumer.cancel().await;
        }
    });

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
/// The generator every task draws from, shared across worker threads.
type SharedRng = Arc<Mutex<PyRandom>>;

fn draw(rng: &SharedRng) -> f64 {
    // A std `Mutex` is fine in async code when, as here, it is never held across an
    // await.
    rng.lock().expect("a task panicked while drawing").uniform(0.5, 2.0)
}

async fn fetch_user(
    user_id: u32,
    queue: Sender<Option<User>>,
    rng: SharedRng,
    unit: Duration,
) {
    let delay = draw(&rng);
    println!("Producer: fetching user by user_id={user_id}...");
    task::sleep(unit.mul_f64(delay)).await;
    let user = User { name: format!("User{user_id}") };
    println!("Producer: fetched user with user_id={user_id} (done in {delay:.1}s)");
    // The receivers outlive the producer: a send cannot fail here.
    let _ = queue.send(Some(user)).await;
}

/// Fetches every user, each in a task of its own, and puts each on the queue; then one
/// `None` per consumer: the sentinel that tells it to stop.
async fn producer(queue: Sender<Option<User>>, rng: SharedRng, unit: Duration) {
    let fetches = USER_IDS
        .map(|id| task::spawn(fetch_user(id, queue.clone(), Arc::clone(&rng), unit)));
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
        let delay = draw(&rng);
        println!("Consumer: retrieving posts for {}...", user.name);
        task::sleep(unit.mul_f64(delay)).await;
        println!("{}", posts_line(&user, delay).join("\n"));
    }
}

fn queued(params: Params) {
    let rng = Arc::new(Mutex::new(PyRandom::new(params.seed)));
    let (sender, receiver) = channel::unbounded();
    let start = Instant::now();
    task::block_on(async {
        let consumers = USER_IDS.map(|_| {
            task::spawn(consumer(receiver.clone(), Arc::clone(&rng), params.unit))
        });
        producer(sender, Arc::clone(&rng), params.unit).await;
        for consumer in consumers {
            consumer.await;
        }
    });
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!();
    println!("==> Total time: {took:.2} seconds");
}
// ANCHOR_END: queued
