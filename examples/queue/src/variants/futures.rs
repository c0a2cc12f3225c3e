//! `queue` on the `futures` crate: a `LocalPool` executor, its `mpsc` channel, a timer
//! crate.
//!
//! Pairs with "Using a Queue" in Real Python's "Async IO in Python: A Complete
//! Walkthrough" (its `asyncq.py` in 2018; `queued.py` from "Coroutine and Queue
//! Integration" in "Python\'s asyncio: A Hands-On Walkthrough" in 2025, the default).
//! `futures::channel::mpsc` is multi-producer, single-consumer and its receiver is a
//! `Stream`; the consumers share it behind a `futures::lock::Mutex` (in an `Rc`: a
//! `LocalPool` runs everything on this thread, so nothing needs to be `Send`). The stream
//! ends once every `Sender` is dropped and the buffer is empty, so the consumers end by
//! themselves and `LocalPool::run` returns when no task is left. Naps come from
//! `futures-timer`.
//!
//! `pyrandom` is CPython's generator, so a seed draws the tutorial's items and naps; the
//! `rand` crate is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add futures futures-timer && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run queue futures`)

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use futures::StreamExt;
use futures::channel::mpsc::{self, UnboundedReceiver, UnboundedSender};
use futures::executor::LocalPool;
use futures::future::join_all;
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
async fn produce(
    n: usize,
    mut rng: PyRandom,
    queue: UnboundedSender<Item>,
    unit: Duration,
) {
    for _ in 0..rng.randint(1, 5) {
        nap(&format!("Producer {n}"), &mut rng, unit).await;
        let text = format!("{:010x}", rng.getrandbits(40));
        // Unbounded: a plain method, no waiting. It fails only if the receiver is gone.
        if queue
            .unbounded_send(Item { text: text.clone(), put_at: Instant::now() })
            .is_err()
        {
            break;
        }
        println!("Producer {n} added <{text}> to queue.");
    }
}
// ANCHOR_END: produce

// ANCHOR: consume
/// Naps, takes the next item, says how long it waited; until the stream ends.
async fn consume(
    n: usize,
    mut rng: PyRandom,
    queue: Rc<Mutex<UnboundedReceiver<Item>>>,
    unit: Duration,
) {
    loop {
        nap(&format!("Consumer {n}"), &mut rng, unit).await;
        // Hold the lock for this statement only: the next consumer waits its turn.
        let Some(item) = queue.lock().await.next().await else { break }; // no senders, empty
        let waited = item.put_at.elapsed().as_secs_f64() / unit.as_secs_f64();
        println!("Consumer {n} got element <{}> in {waited:.5} seconds.", item.text);
    }
}
// ANCHOR_END: consume

/// The edition's program.
pub fn run(params: Params) -> Result<(), SpawnError> {
    match params.edition {
        Edition::Y2018 => asyncq(params),
        Edition::Y2025 => {
            queued(params);
            Ok(())
        }
    }
}

// ANCHOR: main
fn asyncq(params: Params) -> Result<(), SpawnError> {
    let start = Instant::now();
    // One generator per producer and consumer, seeded in a fixed order, so that a run
    // puts the same items and takes the same naps whichever task the executor runs first.
    // PyRandom draws what CPython's `random` draws; a real program would use the `rand`
    // crate.
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
    queue: UnboundedSender<Option<User>>,
    rng: &RefCell<PyRandom>,
    unit: Duration,
) {
    let fetch_user = |user_id: u32| {
        let queue = queue.clone();
        async move {
            let delay = rng.borrow_mut().uniform(0.5, 2.0);
            println!("Producer: fetching user by user_id={user_id}...");
            Delay::new(unit.mul_f64(delay)).await;
            let user = User { name: format!("User{user_id}") };
            println!(
                "Producer: fetched user with user_id={user_id} (done in {delay:.1}s)"
            );
            // The receiver outlives the producer: a send cannot fail here.
            let _ = queue.unbounded_send(Some(user));
        }
    };
    join_all(USER_IDS.map(fetch_user)).await;
    for _ in USER_IDS {
        let _ = queue.unbounded_send(None);
    }
}

/// Takes users until it takes a sentinel. The channel has one receiver: the consumers
/// share it behind an async lock, held only while waiting for the next user.
async fn consumer(
    queue: &Mutex<UnboundedReceiver<Option<User>>>,
    rng: &RefCell<PyRandom>,
    unit: Duration,
) {
    loop {
        // The lock is released at the end of this statement, before the user is handled
        // (in a `while let` condition it would be held through the loop's body).
        let next = queue.lock().await.next().await;
        let Some(Some(user)) = next else { break };
        let delay = rng.borrow_mut().uniform(0.5, 2.0);
        println!("Consumer: retrieving posts for {}...", user.name);
        Delay::new(unit.mul_f64(delay)).await;
        println!("{}", posts_line(&user, delay).join("\n"));
    }
}

/// `gather(producer, *consumers)`: `join` polls them all inside this one task, so they
/// may borrow the generator and the queue; nothing is spawned.
fn queued(params: Params) {
    let rng = RefCell::new(PyRandom::new(params.seed));
    let (sender, receiver) = mpsc::unbounded();
    let queue = Mutex::new(receiver);
    let start = Instant::now();
    let consumers = join_all(USER_IDS.map(|_| consumer(&queue, &rng, params.unit)));
    futures::executor::block_on(futures::future::join(
        producer(sender, &rng, params.unit),
        consumers,
    ));
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!();
    println!("==> Total time: {took:.2} seconds");
}
// ANCHOR_END: queued
