//! `chained` with one OS thread per chain.
//!
//! Pairs with "Chaining Coroutines" (under "Async IO Design Patterns") in Real Python's
//! "Async IO in Python: A Complete Walkthrough" (2018: `chained.py`, and `phases.py` with
//! `phases`) and with "Coroutine Chaining" in "Python's asyncio: A Hands-On Walkthrough"
//! (2025: `fetch_user` then `fetch_posts`, per user). Inside a thread, part1 and part2
//! are plain calls: a blocking call already "awaits". The chains overlap because the OS
//! runs another thread while one sleeps; they share the generator through a `Mutex`,
//! borrowed by scoped threads, and which thread locks it first when two wake together is
//! up to the OS.
//!
//! `pyrandom` is CPython's generator, so the sleeps are the tutorial's; the `rand` crate
//! is the drop-in when the exact numbers don't matter.
//!
//! Dependencies: `cargo add --path ../async-walkthrough/crates/pyrandom`
//! Run: `cargo run --release` (in this repository: `just run chained threads`)

use std::io;
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use pyrandom::PyRandom;

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

pub fn main() -> io::Result<()> {
    run(Params::default())
}

// ANCHOR: parts
fn draw(rng: &Mutex<PyRandom>) -> i64 {
    // The lock is held for the draw only, never across a sleep.
    rng.lock().expect("a chain panicked while drawing").randint(0, 10)
}

fn part1(n: u32, rng: &Mutex<PyRandom>, unit: Duration) -> String {
    let i = draw(rng);
    println!("part1({n}) sleeping for {i} seconds.");
    thread::sleep(unit * i as u32);
    let result = format!("result{n}-1");
    println!("Returning part1({n}) == {result}.");
    result
}

fn part2(n: u32, arg: &str, rng: &Mutex<PyRandom>, unit: Duration) -> String {
    let i = draw(rng);
    println!("part2({n}, '{arg}') sleeping for {i} seconds.");
    thread::sleep(unit * i as u32);
    let result = format!("result{n}-2 derived from {arg}");
    println!("Returning part2({n}, '{arg}') == {result}.");
    result
}
// ANCHOR_END: parts

fn chain(n: u32, rng: &Mutex<PyRandom>, unit: Duration) {
    let start = Instant::now();
    let p1 = part1(n, rng, unit);
    let p2 = part2(n, &p1, rng, unit);
    let took = start.elapsed().as_secs_f64() / unit.as_secs_f64();
    println!("-->Chained result{n} => {p2} (took {took:.2} seconds).");
}

/// The edition's program, or 2018's `phases.py`.
pub fn run(params: Params) -> io::Result<()> {
    match (params.phases, params.edition) {
        (true, _) => phases(params.unit),
        (false, Edition::Y2018) => chained_2018(&params),
        (false, Edition::Y2025) => users_2025(&params),
    }
}

// ANCHOR: main
fn chained_2018(params: &Params) -> io::Result<()> {
    let rng = Mutex::new(PyRandom::new(params.seed));
    let start = Instant::now();
    // Scoped threads may borrow `rng`: the scope joins them all before it returns.
    thread::scope(|scope| {
        for &n in &params.ns {
            let rng = &rng;
            // `Builder::spawn_scoped` reports a failed spawn (too many threads) as an
            // error; `scope.spawn` would panic.
            thread::Builder::new()
                .name(format!("chain-{n}"))
                .spawn_scoped(scope, move || chain(n, rng, params.unit))?;
        }
        Ok::<_, io::Error>(())
    })?;
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!("Program finished in {took:.2} seconds.");
    Ok(())
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
fn fetch_user(user_id: u32, rng: &Mutex<PyRandom>, unit: Duration) -> User {
    let delay = rng.lock().expect("a user panicked while drawing").uniform(0.5, 2.0);
    println!("User coro: fetching user by user_id={user_id}...");
    thread::sleep(unit.mul_f64(delay));
    let user = User { name: format!("User{user_id}") };
    println!("User coro: fetched user with user_id={user_id} (done in {delay:.1}s).");
    user
}

fn fetch_posts(user: &User, rng: &Mutex<PyRandom>, unit: Duration) {
    let delay = rng.lock().expect("a user panicked while drawing").uniform(0.5, 2.0);
    println!("Post coro: retrieving posts for {}...", user.name);
    thread::sleep(unit.mul_f64(delay));
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
fn get_user_with_posts(user_id: u32, rng: &Mutex<PyRandom>, unit: Duration) {
    let user = fetch_user(user_id, rng, unit);
    fetch_posts(&user, rng, unit);
}

fn users_2025(params: &Params) -> io::Result<()> {
    let rng = Mutex::new(PyRandom::new(params.seed));
    let start = Instant::now();
    thread::scope(|scope| {
        for &user_id in &params.ns {
            let rng = &rng;
            thread::Builder::new()
                .name(format!("user-{user_id}"))
                .spawn_scoped(scope, move || {
                    get_user_with_posts(user_id, rng, params.unit)
                })?;
        }
        Ok::<_, io::Error>(())
    })?;
    let took = start.elapsed().as_secs_f64() / params.unit.as_secs_f64();
    println!();
    println!("==> Total time: {took:.2} seconds");
    Ok(())
}
// ANCHOR_END: users_main

// ANCHOR: phases
fn phase1(callerid: char, unit: Duration) -> String {
    println!("phase 1 called from {callerid}");
    thread::sleep(unit * 2);
    "result1".to_owned()
}

fn phase2(callerid: char, arg: &str, unit: Duration) -> String {
    println!("phase 2 called from {callerid}");
    thread::sleep(unit * 2);
    format!("result2 derived from {arg}")
}

/// One caller's two phases, the second fed by the first.
fn outer(callerid: char, unit: Duration) -> (String, String) {
    println!("outer called from {callerid}");
    let r1 = phase1(callerid, unit);
    let r2 = phase2(callerid, &r1, unit);
    (r1, r2)
}

/// 2018's `phases.py`: three callers on three threads. Like the original, it prints only
/// the calls, not the results it collects.
fn phases(unit: Duration) -> io::Result<()> {
    thread::scope(|scope| {
        let mut callers = Vec::new();
        for callerid in ['A', 'B', 'C'] {
            callers.push(
                thread::Builder::new()
                    .spawn_scoped(scope, move || outer(callerid, unit))?,
            );
        }
        let _results: Vec<_> = callers.into_iter().map(|caller| caller.join()).collect();
        Ok(())
    })
}
// ANCHOR_END: phases
