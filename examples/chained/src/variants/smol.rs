//! `chained` on smol, one task per chain on a single-threaded executor.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough" (2018: `chained.py`, and `phases.py` with
//! `phases`) and with "Coroutine Chaining" in "Python's asyncio: A Hands-On Walkthrough"
//! (2025: `fetch_user` then `fetch_posts`, per user). A `LocalExecutor` runs every
//! chain's task on this thread, so the chains share the generator as an
//! `Rc<RefCell<..>>`. smol's timers keep their exact deadlines (no rounding), so chains
//! that wake "together" wake in the order their deadlines fall, as on asyncio's loop.
//!
//! `pyrandom` is CPython's generator, so the sleeps are the tutorial's; the `rand` crate
//! is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add smol && cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run chained smol`)

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use pyrandom::PyRandom;
use smol::{LocalExecutor, Timer};

/// What the program runs with; `just run chained` sets them from its command line.
#[derive(Debug, Clone, PartialEq)]
pub struct Params {
    /// How long one tutorial second lasts.
    pub unit: Duration,
    /// Seed of the Python-compatible random number generator.
    pub seed: i64,
    /// The chains to run, by number (the 2018 tutorial runs 9 6 3), or in 2025 the user
    /// ids.
    pub ns: Vec<u32>,
    /// Which edition's program runs.
    pub edition: Edition,
    /// Run the 2018 edition's `phases.py` instead (callers A, B and C), whatever the
    /// edition.
    pub phases: bool,
}

/// The tutorial's two editions (`just run chained --edition 2018`; in a copy of this
/// file, change `Params::default()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// "Async IO in Python: A Complete Walkthrough" (2018): `part1` then `part2`,
    /// sleeping `randint(0, 10)` seconds each.
    Y2018,
    /// "Python's asyncio: A Hands-On Walkthrough" (2025): `fetch_user` then
    /// `fetch_posts`, sleeping `uniform(0.5, 2.0)` seconds each.
    Y2025,
}

impl Default for Params {
    fn default() -> Params {
        Params {
            unit: Duration::from_millis(100),
            seed: 444,
            ns: vec![1, 2, 3],
            edition: Edition::Y2025,
            phases: false,
        }
    }
}

pub fn main() {
    run(Params::default());
}

/// The generator every chain draws from; one thread, so no lock.
type SharedRng = Rc<RefCell<PyRandom>>;

// ANCHOR: parts
async fn part1(n: u32, rng: &SharedRng, unit: Duration) -> String {
    let i = rng.borrow_mut().randint(0, 10);
    println!("part1({n}) sleeping for {i} seconds.");
    Timer::after(unit * i as u32).await;
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

async fn part2(n: u32, arg: &str, rng: &SharedRng, unit: Duration) -> String {
    let i = rng.borrow_mut().randint(0, 10);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    Timer::after(unit * i as u32).await;
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

async fn chain(n: u32, rng: SharedRng, unit: Duration) {
    let start = Instant::now();
    let p1 = part1(n, &rng, unit).await;
    let p2 = part2(n, &p1, &rng, unit).await;
    let took = start.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}

/// The edition's program, or 2018's `phases.py`.
pub fn run(params: Params) {
    match (params.phases, params.edition) {
        (true, _) => phases(params.unit),
        (false, Edition::Y2018) => chained_2018(&params),
        (false, Edition::Y2025) => users_2025(&params),
    }
}

// ANCHOR: main
fn chained_2018(params: &Params) {
    let rng = Rc::new(RefCell::new(PyRandom::new(params.seed)));
    let start = Instant::now();
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        let chains: Vec<_> = params
            .ns
            .iter()
            .map(|&n| executor.spawn(chain(n, Rc::clone(&rng), params.unit)))
            .collect();
        // Dropping a smol task cancels it: await every one.
        for chain in chains {
            chain.await;
        }
    }));
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
}
// ANCHOR_END: main

// ANCHOR: user
/// A user, as the 2025 program's `fetch_user` makes it (its dict also holds the id, which
/// nothing reads).
struct User {
    name: String,
}

// ANCHOR_END: user

// ANCHOR: users
async fn fetch_user(user_id: u32, rng: &SharedRng, unit: Duration) -> User {
    let delay = rng.borrow_mut().uniform(0.5, 2.0);
    println!("User coro: fetching user by user_id={user_id}...");
    Timer::after(unit.mul_f64(delay)).await;
    let user = User { name: format!("User{user_id}") };
    println!("User coro: fetched user with user_id={user_id} (done in {delay:.1}s).");
    user
}

async fn fetch_posts(user: &User, rng: &SharedRng, unit: Duration) {
    let delay = rng.borrow_mut().uniform(0.5, 2.0);
    println!("Post coro: retrieving posts for {}...", user.name);
    Timer::after(unit.mul_f64(delay)).await;
    let posts: Vec<String> =
        (1..3).map(|i| format!("Post {i} by {}", user.name)).collect();
    println!(
        "Post coro: got {} posts by {} (done in {delay:.1}s):",
        posts.len(),
        user.name
    );
    for post in &posts {
        println!(" - {post}");
    }
}
// ANCHOR_END: users

// ANCHOR: users_main
async fn get_user_with_posts(user_id: u32, rng: SharedRng, unit: Duration) {
    let user = fetch_user(user_id, &rng, unit).await;
    fetch_posts(&user, &rng, unit).await;
}

fn users_2025(params: &Params) {
    let rng = Rc::new(RefCell::new(PyRandom::new(params.seed)));
    let start = Instant::now();
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        let users: Vec<_> = params
            .ns
            .iter()
            .map(|&id| {
                executor.spawn(get_user_with_posts(id, Rc::clone(&rng), params.unit))
            })
            .collect();
        for user in users {
            user.await;
        }
    }));
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!();
    println!("==> Total time: {took:.2} seconds");
}
// ANCHOR_END: users_main

// ANCHOR: phases
async fn phase1(callerid: char, unit: Duration) -> String {
    println!("phase 1 called from {callerid}");
    Timer::after(unit * 2).await;
    "result1".to_owned()
}

async fn phase2(callerid: char, arg: &str, unit: Duration) -> String {
    println!("phase 2 called from {callerid}");
    Timer::after(unit * 2).await;
    format!("result2 derived from {arg}")
}

/// One caller's two phases, the second fed by the first.
async fn outer(callerid: char, unit: Duration) -> (String, String) {
    println!("outer called from {callerid}");
    let r1 = phase1(callerid, unit).await;
    let r2 = phase2(callerid, &r1, unit).await;
    (r1, r2)
}

/// 2018's `phases.py`: three callers as tasks. Like the original, it prints only the
/// calls, not the results it collects.
fn phases(unit: Duration) {
    let executor = LocalExecutor::new();
    smol::block_on(executor.run(async {
        let callers =
            ['A', 'B', 'C'].map(|callerid| executor.spawn(outer(callerid, unit)));
        let mut _results = Vec::new();
        for caller in callers {
            _results.push(caller.await);
        }
    }));
}
// ANCHOR_END: phases
